/* The officer's side of offline capture (see outbox-core.js for the store and the sync):
   - registers the service worker, keeps the visit's form cached, shows the waiting counter on every page;
   - on the registration form: a device-made client_id, the cheap checks, then the API; without signal the
     entry goes to the outbox and the form is ready for the next worker;
   - syncs on load, when the signal returns, from "Kirim sekarang", and with back-off while entries wait;
   - the outbox page: waiting entries (fix or discard), and what was sent with its receipt;
   - warns before logging out with unsent entries. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.Promise) return;
  document.documentElement.classList.add("js");
  var me = (document.querySelector('meta[name="user-id"]') || {}).content;
  var t = (document.getElementById("outbox-i18n") || { dataset: {} }).dataset;
  if (!me) return;

  function fmt(text, n) { return (text || "").replace("%(n)s", n); }
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

  // Service worker: the shell for offline use, and background sync where the browser has it.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) { if (e.data && e.data.outbox) after(e.data.outbox); });
    document.querySelectorAll("[data-cache-form]").forEach(function (a) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage({ cache: a.getAttribute("href") }); });
    });
  }

  function pending() {
    return Outbox.all("entries", me);
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
  function after(summary) {
    counter();
    renderOutbox();
    if (summary.login) flash(t.login, "error");
    else if (summary.sent) flash(fmt(t.sent, summary.sent), "success");
    if (summary.rejected) flash(fmt(t.rejected, summary.rejected), "error");
    if (summary.offline) {  // back off and try again
      clearTimeout(timer);
      timer = setTimeout(syncNow, delay);
      delay = Math.min(delay * 2, 5 * 60 * 1000);
    } else delay = 5000;
  }
  function syncNow() {
    return pending().then(function (entries) {
      if (!entries.some(function (e) { return e.state !== "rejected"; })) return counter();
      return Outbox.sync().then(after);
    });
  }
  window.addEventListener("online", syncNow);
  document.querySelectorAll("[data-sync-now]").forEach(function (b) { b.addEventListener("click", syncNow); });

  // Logging out with unsent registrations needs an explicit yes.
  document.querySelectorAll('button[data-action="logout"]').forEach(function (button) {
    button.form.addEventListener("submit", function (e) {
      if (button.form.dataset.confirmed) return;
      e.preventDefault();
      pending().then(function (entries) {
        if (!entries.length || window.confirm(fmt(t.confirmLogout, entries.length))) {
          button.form.dataset.confirmed = "1"; button.form.submit();
        }
      });
    });
  });

  // The registration form.
  var form = document.getElementById("register-form");
  var editing = null;
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function clearErrors() {
    form.querySelectorAll("[data-js-error]").forEach(function (p) { p.remove(); });
  }
  function showErrors(errors) {
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
      anchor.appendChild(p);
      first = first || anchor;
    });
    if (first) first.scrollIntoView({ block: "center" });
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
    out.visit_id = Number(form.dataset.visitId) || null;
    out.captured_at = new Date().toISOString();
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
  function quickCheck(p) {  // what costs nothing to check at the worker's door
    var errors = {}, nik = (p.nik || "").replace(/[\s.\-]/g, "");
    if (!/^\d{16}$/.test(nik)) errors.nik = t.nikLength;
    else {
      var dd = +nik.slice(6, 8), mm = +nik.slice(8, 10);
      if (dd > 40) dd -= 40;
      if (dd < 1 || dd > 31 || mm < 1 || mm > 12) errors.nik = t.nikDate;
    }
    ["full_name", "birth_place", "birth_date", "sex", "phone", "address", "monthly_income", "heir_name",
     "heir_relation"].forEach(function (k) { if (!String(p[k]).trim()) errors[k] = t.required; });
    if (!p.consent) errors.consent = t.consent;
    return errors;
  }
  function keep(p, state) {
    var village = field("village_code");
    return Outbox.put("entries", {
      client_id: p.client_id, officer_id: me, visit_id: p.visit_id, payload: p, state: state, errors: {},
      name: p.full_name, village: village && village.selectedOptions[0] ? village.selectedOptions[0].text : "",
      captured_at: editing ? editing.captured_at : p.captured_at
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().then(function (ok) {
          if (!ok) pending().then(function (e) { flash(fmt(t.notPersisted, e.length), "error", "persist"); });
        });
      }
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("outbox").catch(function () {}); });
      }
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

  if (form) {
    var params = new URLSearchParams(location.search), fixing = params.get("outbox");
    if (fixing) {
      Outbox.all("entries", me).then(function (entries) {
        editing = entries.filter(function (e) { return e.client_id === fixing; })[0] || null;
        if (editing) { fill(editing.payload); field("client_id").value = editing.client_id; showErrors(editing.errors || {}); }
      });
    } else if (field("client_id") && !field("version").value) {
      field("client_id").value = uuid();  // made on the device when the form is opened
    }
    form.addEventListener("submit", function (e) {
      var submitter = e.submitter || document.activeElement;
      if (field("version").value || (submitter && submitter.name === "preview")) return;  // edits and previews: plain form
      e.preventDefault();
      var p = payload(), problems = quickCheck(p);
      if (Object.keys(problems).length) { showErrors(problems); return; }
      Outbox.session().then(function (session) {
        if (!session) return keep(p, "login").then(function () { nextWorker(t.savedLogin); });
        return fetch("/api/v1/registrations", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token },
          body: JSON.stringify(p)
        }).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            if (r.status === 201 || r.status === 200) {
              var done = editing ? Outbox.remove("entries", editing.client_id) : Promise.resolve();
              return done.then(function () { location.href = body.url; });
            }
            if (r.status === 422) { showErrors(body.errors || {}); return; }
            if (r.status === 401 || r.status === 403) return keep(p, "login").then(function () { nextWorker(t.savedLogin); });
            throw new Error("server " + r.status);
          });
        });
      }).catch(function () {
        return keep(p, "waiting").then(function () { nextWorker(t.saved); });
      });
    });
  }

  // The outbox page.
  var page = document.getElementById("outbox");
  function renderOutbox() {
    if (!page) return;
    var texts = document.getElementById("outbox-texts").dataset;
    var waiting = page.querySelector("[data-outbox-waiting]"), sent = page.querySelector("[data-outbox-sent]");
    Outbox.all("entries", me).then(function (entries) {
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
          p.textContent = [].concat(entry.errors[k]).join(" "); li.append(p);
        });
        if (entry.state === "rejected") {
          var fix = document.createElement("a"); fix.className = "button";
          fix.href = page.dataset.visitForm.replace("/0/", "/" + entry.visit_id + "/") + "?outbox=" + encodeURIComponent(entry.client_id);
          fix.textContent = texts.fix; li.append(fix);
        }
        var drop = document.createElement("button"); drop.type = "button"; drop.className = "button"; drop.textContent = texts.discard;
        drop.addEventListener("click", function () {
          if (window.confirm(texts.confirmDiscard)) Outbox.remove("entries", entry.client_id).then(function () { renderOutbox(); counter(); });
        });
        li.append(drop);
        waiting.append(li);
      });
    });
    Outbox.all("sent", me).then(function (entries) {
      sent.textContent = "";
      entries.reverse().slice(0, 50).forEach(function (entry) {
        var li = document.createElement("li"); li.className = "row"; li.setAttribute("data-number", entry.number);
        var title = document.createElement("strong"); title.textContent = entry.name;
        var info = document.createElement("span"); info.className = "muted"; info.textContent = entry.number + " · " + entry.village;
        var link = document.createElement("a"); link.href = entry.receipt_url; link.textContent = texts.receipt;
        li.append(title, info, link); sent.append(li);
      });
    });
  }

  counter();
  renderOutbox();
  if (navigator.onLine !== false) syncNow();
})();
