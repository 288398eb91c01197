/* The registration form's offline capture, on top of outbox.js: a device-made client_id, the cheap checks,
   the entry saved on the device FIRST, then the API; it leaves the outbox only when the server confirmed it.
   "Hitung iuran" is worked out on the phone (forms.js keeps the figure), so no signal never loses the typed
   data. The outbox's correction form is filled here from the entry it corrects. */
(function () {
  "use strict";
  var ui = window.OutboxUI, form = document.getElementById("register-form");
  if (!ui || !form) return;
  var t = ui.t, fmt = ui.fmt, say = ui.say, check = ui.check, counter = ui.counter;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var editing = null, busy = false;
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function clearErrors() {
    form.querySelectorAll("[data-js-error]").forEach(function (p) { p.remove(); });
  }
  function showErrors(errors, duplicate, stay) {
    clearErrors();
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var anchor = document.getElementById(name + "-group") || (field(name) && field(name).closest(".field")) ||
        form.querySelector(".actions");
      var old = document.getElementById(name + "-error");
      if (old) old.remove();
      var p = document.createElement("p");
      p.className = "error"; p.id = name + "-error"; p.setAttribute("data-js-error", "");
      p.textContent = [].concat(errors[name]).join(" ");
      var link = name === "nik" && ui.duplicateLink(duplicate);
      if (link) p.append(" ", link);
      anchor.appendChild(p);
      first = first || anchor;
    });
    if (first && !stay) first.scrollIntoView({ block: "center" });
  }
  function payload() {
    var data = new FormData(form), out = {};
    ["nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code", "occupation",
     "occupation_other", "second_occupation", "employs_others", "work_location", "monthly_income",
     "payment_period", "funding", "programme_id", "sponsor_name", "heir_name", "heir_relation", "heir_phone",
     "guardian_name", "guardian_relation", "consent_method", "notes"].forEach(function (k) {
      out[k] = data.get(k) || "";
    });
    out.programs = data.getAll("programs");
    out.consent = !!(field("consent") && field("consent").checked);
    out.client_id = field("client_id").value;
    if (editing) {  // a correction keeps its visit (unless the server refused it) and when it was captured
      out.visit_id = editing.errors && editing.errors.visit_id ? null : (editing.visit_id || null);
      out.captured_at = editing.captured_at;
    } else {
      out.visit_id = Number(form.dataset.visitId) || null;
      out.captured_at = new Date().toISOString();
    }
    return out;
  }
  function fill(values) {
    Object.keys(values).forEach(function (k) {
      var el = field(k);
      if (!el || k === "programs" || k === "consent") return;
      if (el.type === "radio") {
        form.querySelectorAll('[name="' + k + '"]').forEach(function (r) { r.checked = r.value === String(values[k]); });
      } else el.value = values[k];
    });
    var jht = form.querySelector('input[name="programs"][value="JHT"]');
    if (jht) jht.checked = (values.programs || []).indexOf("JHT") !== -1;
    if (field("consent")) field("consent").checked = !!values.consent;
    form.dispatchEvent(new Event("input"));
  }
  function born(text) {  // as the server reads it: YYYY-MM-DD, or DD-MM-YYYY with - / . or a space
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text), d;
    if (m) d = [+m[3], +m[2], +m[1]];
    else if ((m = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(text))) d = [+m[1], +m[2], +m[3]];
    return d && realDate(d[0], d[1], d[2]) ? d : null;
  }
  function realDate(day, month, year) {
    var x = new Date(Date.UTC(year, month - 1, day));
    return x.getUTCFullYear() === year && x.getUTCMonth() === month - 1 && x.getUTCDate() === day;
  }
  function income(text) {  // 1500000, 1.500.000, 1,500,000, Rp 1.500.000 (as forms.js and the server)
    text = text.replace(/^rp/i, "").replace(/\s/g, "");
    if (!/^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+)$/.test(text)) return null;
    return parseInt(text.replace(/[.,]/g, ""), 10);
  }
  function rules() {
    var box = document.getElementById("contribution");
    try { return box ? JSON.parse(box.getAttribute("data-rules")) : null; } catch (e) { return null; }
  }
  function quickCheck(p) {  // what costs nothing to check at the worker's door; the server stays the judge
    var errors = {}, nik = (p.nik || "").replace(/[\s.\-]/g, ""), date = born(p.birth_date.trim());
    ["full_name", "birth_place", "birth_date", "sex", "phone", "address", "heir_name", "heir_relation"]
      .forEach(function (k) { if (!String(p[k]).trim()) errors[k] = t.required; });
    if (!nik) errors.nik = t.required;
    else if (!/^\d{16}$/.test(nik)) errors.nik = t.nikLength;
    else {
      var day = +nik.slice(6, 8), mm = +nik.slice(8, 10), yy = +nik.slice(10, 12), female = day > 40;
      if (female) day -= 40;
      if (!(realDate(day, mm, 1900 + yy) || realDate(day, mm, 2000 + yy))) errors.nik = t.nikDate;
      else {
        if (date && (date[0] !== day || date[1] !== mm || date[2] % 100 !== yy)) errors.birth_date = t.birthNik;
        if ((p.sex === "M" || p.sex === "F") && p.sex !== (female ? "F" : "M")) errors.sex = t.sexNik;
      }
    }
    if (p.birth_date.trim() && !date) errors.birth_date = t.birthDate;
    if (!p.village_code) errors.village_code = t.village;
    if (!p.occupation) errors.occupation = t.occupation;
    var limits = rules();
    if (limits && p.occupation === limits.otherOccupation && !p.occupation_other.trim()) errors.occupation_other = t.required;
    if (limits && p.funding === limits.sponsored && !p.programme_id && !p.sponsor_name.trim()) errors.sponsor_name = t.required;
    if (limits && p.funding && p.funding !== limits.self && !p.programme_id) errors.programme_id = t.required;
    var raw = String(p.monthly_income).trim();
    if (!raw) errors.monthly_income = t.required;
    else if (field("monthly_income").tagName !== "SELECT") {  // a list of brackets needs no format check
      var amount = income(raw);
      if (amount === null) errors.monthly_income = t.incomeFormat;
      else if (limits && (amount < limits.minIncome || amount > limits.maxIncome)) {
        var rp = new Intl.NumberFormat("id-ID");
        errors.monthly_income = fmt(t.incomeRange, "Rp" + rp.format(limits.maxIncome), "max");
      }
    }
    if (!p.consent) errors.consent = t.consent;
    return errors;
  }
  /* Saves the form on the phone before anything is sent, so no answer (or none at all) can lose it. */
  function keep(p, owner) {
    var village = field("village_code");
    var entry = {
      client_id: p.client_id, officer_id: owner, visit_id: p.visit_id, payload: p, state: "sending",
      sending_at: new Date().toISOString(), errors: {}, duplicate: null,
      name: p.full_name, village: village && village.selectedOptions[0] ? village.selectedOptions[0].text : "",
      captured_at: p.captured_at
    };
    ui.inFlight[entry.client_id] = true;  // on the phone, but not waiting: the form is sending it now
    return Outbox.put("entries", entry).then(function () {
      ui.persist();
      counter();
      return entry;
    });
  }
  /* Not sent now: it waits on the phone; the page and the browser's background sync try again later. */
  function park(entry, state) {
    entry.state = state; delete entry.sending_at;
    delete ui.inFlight[entry.client_id];
    return Outbox.update(entry).then(function () {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("outbox").catch(function () {}); });
      }
      if (state === "waiting") ui.retryLater();
      if (editing) { location.href = Outbox.urls.outbox; return; }
      nextWorker();
      return ui.kept(state === "login");
    });
  }
  function nextWorker() {
    editing = null;
    form.reset();
    clearErrors();
    field("client_id").value = uuid();
    if (history.replaceState) history.replaceState(null, "", location.pathname);
    form.dispatchEvent(new Event("input"));
    window.scrollTo(0, 0);
  }
  function owner() {  // the confirmed officer of this page; asks the server only when unknown
    return check().then(function (id) { return id || ui.askServer(); });
  }
  function submit() {
    var p = payload(), problems = quickCheck(p);
    if (Object.keys(problems).length) { showErrors(problems); return Promise.resolve(); }
    ui.hush();  // what was said was about the last worker
    return owner().then(function (id) {
      if (!id) { say("officer", t.unknownOfficer, "error"); return; }  // the typed data stays in the form
      return keep(p, id).then(function (entry) {
        return Outbox.session().then(function (session) {
          if (!session) return park(entry, "login");
          if (String(session.user_id) !== String(id)) return park(entry, "waiting");  // theirs, not sent by another
          return Outbox.send(p, session.csrf_token).then(function (res) {
            var verdict = Outbox.verdict(res, p.client_id);
            if (verdict === "saved") {
              return Outbox.saved(entry, res.body).then(function () {
                var to = Outbox.safeUrl(res.body.url) || Outbox.safeUrl(res.body.receipt_url) || location.href;
                ui.handOver({ to: to, name: p.full_name, number: res.body.number, receipt: Outbox.safeUrl(res.body.receipt_url) });
                location.href = to;  // the registration's page, which says "Tersimpan: <name>, <number>"
              });
            }
            delete ui.inFlight[entry.client_id];
            if (verdict === "rejected") {
              var dup = Outbox.duplicateOf(res.body);
              showErrors(res.body.errors || {}, dup);
              if (!editing) return Outbox.remove("entries", entry.client_id).then(counter);  // as the plain form: on screen
              entry.state = "rejected"; entry.errors = res.body.errors; entry.duplicate = dup; delete entry.sending_at;
              editing = entry;
              return Outbox.update(entry).then(counter);
            }
            if (verdict === "login") return park(entry, "login");
            throw new Error("retry");
          });
        }).catch(function () { return park(entry, "waiting"); });
      });
    });
  }
  var params = new URLSearchParams(location.search), fixing = params.get("outbox");
  var correcting = location.pathname === Outbox.urls.correct;
  if (fixing || correcting) {
    check().then(function () { return fixing && ui.officer() ? Outbox.get("entries", fixing) : null; }).then(function (entry) {
      editing = entry && String(entry.officer_id) === String(ui.officer()) ? entry : null;
      if (!editing) {
        say("officer", ui.officer() ? t.notInOutbox : t.unknownOfficer, "error");
        if (correcting) form.hidden = true;
        return;
      }
      fill(editing.payload); field("client_id").value = editing.client_id;
      var errors = Object.assign({}, editing.errors || {});
      if (errors.visit_id) { errors.visit_id = [t.withoutVisit]; }
      showErrors(errors, editing.duplicate);
    });
  } else if (field("client_id") && !field("version").value) {
    field("client_id").value = uuid();  // made on the device when the form is opened
  }
  form.addEventListener("submit", function (e) {
    var submitter = e.submitter || document.activeElement;
    if (submitter && submitter.name === "preview") {  // "Hitung iuran": forms.js shows the figure, here
      e.preventDefault();
      var problems = quickCheck(payload());
      showErrors(problems, null, true);
      var box = document.getElementById("contribution");
      if (box) box.scrollIntoView({ block: "center" });
      return;
    }
    if (field("version").value) return;  // edits of a saved registration: the plain form, online
    e.preventDefault();
    if (busy) return;
    busy = true;
    var buttons = form.querySelectorAll('button[type="submit"], input[type="submit"]');
    buttons.forEach(function (b) { b.disabled = true; });
    submit().catch(function () { say("not-saved", t.notSaved, "error"); }).then(function () {
      busy = false;
      buttons.forEach(function (b) { b.disabled = false; });
    });
  });
})();
