/* The officer's side of offline capture (see outbox-core.js for the store and the sync):
   - registers the service worker, keeps the visit's form cached, shows the waiting counter on every page;
   - knows whose page this is only when the server confirmed it (a cached page may be an earlier session's):
     otherwise it neither shows, sends, fixes nor discards anything;
   - on the registration form: a device-made client_id, the cheap checks, the entry saved on the device
     FIRST, then the API; it leaves the outbox only when the server confirmed it. "Hitung iuran" is worked
     out on the phone (forms.js keeps the figure), so no signal never loses the typed data;
   - syncs on load, when the signal returns, from "Kirim sekarang", and with back-off while entries wait;
   - the outbox page: waiting entries (fix or discard), and what was sent with its receipt;
   - warns before logging out, or closing a visit, with unsent entries. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.Promise) return;
  document.documentElement.classList.add("js");
  var me = (document.querySelector('meta[name="user-id"]') || {}).content;
  var t = (document.getElementById("outbox-i18n") || { dataset: {} }).dataset;
  if (!me) return;

  function fmt(text, n, name) { return (text || "").replace("%(" + (name || "n") + ")s", n); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function flash(text, kind, key) {  // one message box per key, so a warning never hides a confirmation
    key = key || "sync";
    var box = document.querySelector('[data-outbox-flash="' + key + '"]');
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("data-outbox-flash", key); box.setAttribute("role", "status");
      var main = document.getElementById("main"); main.insertBefore(box, main.firstChild);
    }
    box.className = "flash flash-" + (kind || "info"); box.textContent = text; box.hidden = false;
  }
  function duplicateLink(dup) {  // the registration a duplicate NIK belongs to, to show the worker
    if (!dup || !dup.url) return null;
    var a = document.createElement("a");
    a.href = dup.url; a.target = "_blank"; a.rel = "noopener"; a.setAttribute("data-duplicate", dup.number);
    a.textContent = fmt(t.showDuplicate, dup.number, "number");
    return a;
  }

  // Whose page this is: the officer of the page only if the server last confirmed that very officer.
  var officer = null;
  function check() {
    return Outbox.confirmed().catch(function () { return null; }).then(function (id) {
      officer = id !== null && String(id) === String(me) ? me : null;
      return officer;
    });
  }
  function askServer() {  // confirms (or corrects) who is logged in; no signal: what the server said last
    return (navigator.onLine === false ? Promise.resolve() : Outbox.session().catch(function () {})).then(check);
  }

  // Service worker: the shell for offline use, and background sync where the browser has it.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) { if (e.data && e.data.outbox) after(e.data.outbox); });
    document.querySelectorAll("[data-cache-form]").forEach(function (a) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage({ cache: a.getAttribute("href") }); });
    });
  }

  function pending() {
    return officer ? Outbox.all("entries", officer) : Promise.resolve([]);
  }
  function counter() {
    return pending().then(function (entries) {
      document.querySelectorAll("[data-outbox-counter]").forEach(function (el) {
        el.hidden = entries.length === 0;
        el.textContent = fmt(t.counter, entries.length);
        el.setAttribute("data-count", entries.length);
      });
      return entries.length;
    });
  }

  var delay = 5000, timer = null;
  function retryLater() {  // back off: 5 s, 10 s, 20 s ... up to 5 minutes
    clearTimeout(timer);
    timer = setTimeout(syncNow, delay);
    delay = Math.min(delay * 2, 5 * 60 * 1000);
  }
  function after(summary) {
    return check().then(function () {
      counter();
      renderOutbox();
      if (summary.login) flash(t.login, "error");
      else if (summary.sent) flash(fmt(t.sent, summary.sent), "success");
      if (summary.rejected) flash(fmt(t.rejected, summary.rejected), "error");
      if (summary.busy) { clearTimeout(timer); timer = setTimeout(syncNow, 1500); }  // another tab is sending
      else if (summary.offline) retryLater();
      else delay = 5000;
    });
  }
  function syncNow() {
    return check().then(pending).then(function (entries) {
      if (officer && !entries.some(function (e) { return e.state !== "rejected"; })) return counter();
      // Nothing confirmed yet: the sync asks the server who is logged in and sends only their entries.
      return Outbox.sync().then(after);
    });
  }
  window.addEventListener("online", syncNow);
  document.querySelectorAll("[data-sync-now]").forEach(function (b) {
    b.addEventListener("click", function () { delay = 5000; syncNow(); });
  });

  // Logging out with unsent registrations needs an explicit yes; the pages cached for this officer go.
  document.querySelectorAll('button[data-action="logout"]').forEach(function (button) {
    button.form.addEventListener("submit", function (e) {
      if (button.form.dataset.confirmed) return;
      e.preventDefault();
      check().then(pending).then(function (entries) {
        if (!entries.length || window.confirm(fmt(t.confirmLogout, entries.length))) {
          button.form.dataset.confirmed = "1";
          return Outbox.forget().catch(function () {}).then(function () {
            HTMLFormElement.prototype.submit.call(button.form);
          });
        }
      });
    });
  });

  // Closing a visit whose registrations still wait (or were refused) on this phone asks first.
  document.querySelectorAll("form[action]").forEach(function (f) {
    var m = /\/kunjungan\/(\d+)\/tutup$/.exec(f.getAttribute("action"));
    if (!m) return;
    f.addEventListener("submit", function (e) {
      if (f.dataset.confirmed) return;
      e.preventDefault();
      check().then(pending).then(function (entries) {
        var n = entries.filter(function (x) { return String(x.visit_id) === m[1]; }).length;
        if (!n || window.confirm(fmt(t.confirmClose, n))) {
          f.dataset.confirmed = "1";
          HTMLFormElement.prototype.submit.call(f);  // the form's button is named "submit"
        }
      });
    });
  });

  // The registration form.
  var form = document.getElementById("register-form");
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
      var link = name === "nik" && duplicateLink(duplicate);
      if (link) p.append(" ", link);
      anchor.appendChild(p);
      first = first || anchor;
    });
    if (first && !stay) first.scrollIntoView({ block: "center" });
  }
  function payload() {
    var data = new FormData(form), out = {};
    ["nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code", "occupation",
     "occupation_other", "work_location", "monthly_income", "payment_period", "funding", "sponsor_name",
     "heir_name", "heir_relation", "heir_phone", "guardian_name", "notes"].forEach(function (k) {
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
    else if (p.occupation === "lainnya" && !p.occupation_other.trim()) errors.occupation_other = t.required;
    if (p.funding === "sponsor" && !p.sponsor_name.trim()) errors.sponsor_name = t.required;
    var raw = String(p.monthly_income).trim(), limits = rules();
    if (!raw) errors.monthly_income = t.required;
    else if (field("monthly_income").tagName !== "SELECT") {  // a list of brackets needs no format check
      var amount = income(raw);
      if (amount === null) errors.monthly_income = t.incomeFormat;
      else if (limits && (amount < limits.minIncome || amount > limits.maxIncome)) {
        var rp = new Intl.NumberFormat("id-ID");
        errors.monthly_income = fmt(fmt(t.incomeRange, "Rp" + rp.format(limits.minIncome), "min"), "Rp" + rp.format(limits.maxIncome), "max");
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
    return Outbox.put("entries", entry).then(function () {
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().then(function (ok) {
          if (!ok) pending().then(function (e) { flash(fmt(t.notPersisted, e.length), "error", "persist"); });
        });
      }
      counter();
      return entry;
    });
  }
  /* Not sent now: it waits on the phone; the page and the browser's background sync try again later. */
  function park(entry, state, message) {
    entry.state = state; delete entry.sending_at;
    return Outbox.update(entry).then(function () {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("outbox").catch(function () {}); });
      }
      if (state === "waiting") retryLater();
      if (editing) { location.href = outboxUrl; return; }
      nextWorker(message);
    });
  }
  function nextWorker(message) {
    editing = null;
    form.reset();
    clearErrors();
    field("client_id").value = uuid();
    if (history.replaceState) history.replaceState(null, "", location.pathname);
    form.dispatchEvent(new Event("input"));
    window.scrollTo(0, 0);
    flash(message, "success", "saved");
    counter();
  }
  function owner() {  // the confirmed officer of this page; asks the server only when unknown
    return check().then(function (id) { return id || askServer(); });
  }
  function submit() {
    var p = payload(), problems = quickCheck(p);
    if (Object.keys(problems).length) { showErrors(problems); return Promise.resolve(); }
    return owner().then(function (id) {
      if (!id) { flash(t.unknownOfficer, "error", "saved"); return; }  // the typed data stays in the form
      return keep(p, id).then(function (entry) {
        return Outbox.session().then(function (session) {
          if (!session) return park(entry, "login", t.savedLogin);
          if (String(session.user_id) !== String(id)) return park(entry, "waiting", t.saved);  // theirs, not sent by another
          return Outbox.send(p, session.csrf_token).then(function (res) {
            var verdict = Outbox.verdict(res, p.client_id);
            if (verdict === "saved") {
              return Outbox.saved(entry, res.body).then(function () {
                location.href = Outbox.safeUrl(res.body.url) || Outbox.safeUrl(res.body.receipt_url) || location.pathname;
              });
            }
            if (verdict === "rejected") {
              var dup = Outbox.duplicateOf(res.body);
              showErrors(res.body.errors || {}, dup);
              if (!editing) return Outbox.remove("entries", entry.client_id).then(counter);  // as the plain form: on screen
              entry.state = "rejected"; entry.errors = res.body.errors; entry.duplicate = dup; delete entry.sending_at;
              editing = entry;
              return Outbox.update(entry);
            }
            if (verdict === "login") return park(entry, "login", t.savedLogin);
            throw new Error("retry");
          });
        }).catch(function () { return park(entry, "waiting", t.saved); });
      });
    });
  }
  var outboxUrl = "/outbox";
  if (form) {
    var params = new URLSearchParams(location.search), fixing = params.get("outbox");
    var correcting = location.pathname === "/outbox/perbaiki";
    if (fixing || correcting) {
      check().then(function () { return fixing && officer ? Outbox.get("entries", fixing) : null; }).then(function (entry) {
        editing = entry && String(entry.officer_id) === String(officer) ? entry : null;
        if (!editing) {
          flash(officer ? t.notInOutbox : t.unknownOfficer, "error", "saved");
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
      submit().catch(function () { flash(t.notSaved, "error", "saved"); }).then(function () {
        busy = false;
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  }

  // The outbox page.
  var page = document.getElementById("outbox");
  function renderOutbox() {
    if (!page) return;
    var texts = document.getElementById("outbox-texts").dataset;
    var waiting = page.querySelector("[data-outbox-waiting]"), sent = page.querySelector("[data-outbox-sent]");
    if (!officer) flash(t.unknownOfficer, "error", "officer");
    var notice = document.querySelector('[data-outbox-flash="officer"]');
    if (officer && notice) notice.hidden = true;
    pending().then(function (entries) {
      waiting.textContent = "";
      page.querySelector("[data-outbox-empty]").hidden = entries.length > 0;
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = "row"; li.setAttribute("data-client-id", entry.client_id); li.setAttribute("data-state", entry.state);
        var title = document.createElement("strong"); title.textContent = entry.name;
        var info = document.createElement("span"); info.className = "muted";
        info.textContent = entry.village + " · " + texts.captured + " " + new Date(entry.captured_at).toLocaleString();
        var state = document.createElement("span"); state.className = "badge";
        state.textContent = texts[entry.state] || entry.state;
        li.append(title, info, state);
        Object.keys(entry.errors || {}).forEach(function (k) {
          var p = document.createElement("p"); p.className = "error"; p.setAttribute("data-field", k);
          p.textContent = [].concat(entry.errors[k]).join(" ");
          var link = k === "nik" && duplicateLink(entry.duplicate);
          if (link) p.append(" ", link);
          li.append(p);
        });
        if (entry.state === "rejected") {  // corrected on a form of the outbox's own: works for closed visits too
          var fix = document.createElement("a"); fix.className = "button";
          fix.href = page.dataset.fixForm + "?outbox=" + encodeURIComponent(entry.client_id);
          fix.textContent = texts.fix; li.append(fix);
        }
        var drop = document.createElement("button"); drop.type = "button"; drop.className = "button"; drop.textContent = texts.discard;
        drop.addEventListener("click", function () {
          if (!officer || String(entry.officer_id) !== String(officer)) return;
          if (window.confirm(texts.confirmDiscard)) Outbox.remove("entries", entry.client_id).then(function () { renderOutbox(); counter(); });
        });
        li.append(drop);
        waiting.append(li);
      });
    });
    (officer ? Outbox.all("sent", officer) : Promise.resolve([])).then(function (entries) {
      sent.textContent = "";
      entries.reverse().slice(0, 50).forEach(function (entry) {
        var li = document.createElement("li"); li.className = "row"; li.setAttribute("data-number", entry.number);
        var title = document.createElement("strong"); title.textContent = entry.name;
        var info = document.createElement("span"); info.className = "muted"; info.textContent = entry.number + " · " + entry.village;
        li.append(title, info);
        if (entry.receipt_url) {
          var link = document.createElement("a"); link.href = entry.receipt_url; link.textContent = texts.receipt; li.append(link);
        }
        sent.append(li);
      });
    });
  }

  askServer().then(function () {
    counter();
    renderOutbox();
    if (navigator.onLine !== false) syncNow();
    else if (officer) pending().then(function (e) { if (e.some(function (x) { return x.state !== "rejected"; })) retryLater(); });
  });
})();
