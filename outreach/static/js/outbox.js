/* The officer's side of offline capture, on every officer page (see outbox-core.js for the store and the sync):
   - registers the service worker; once the server confirmed the officer, has it keep their offline pages (home,
     visits, outbox, the visit's form); shows the waiting counter on every page;
   - shows one message about the outbox at a time, true to the state (see say());
   - knows whose page this is only when the server confirmed it (a cached page may be an earlier session's):
     otherwise it neither shows, sends, fixes nor discards anything;
   - syncs on load, when the signal returns, from "Kirim sekarang", and with back-off while entries wait;
   - warns before logging out, or closing a visit, with unsent entries.
   The registration form (outbox-form.js) and the outbox page (outbox-page.js) build on what it returns. */
var OutboxUI = (function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.Promise) return null;
  document.documentElement.classList.add("js");
  var me = (document.querySelector('meta[name="user-id"]') || {}).content;
  var t = (document.getElementById("outbox-i18n") || { dataset: {} }).dataset;
  if (!me) return null;

  function fmt(text, n, name) {  // a function, so that a "$" in a worker's name stays a "$"
    return (text || "").replace("%(" + (name || "n") + ")s", function () { return String(n); });
  }

  /* The page's one message about the outbox: a new one replaces the last, so two never contradict each other.
     One about entries waiting on the phone (waits) goes when none waits any more. While some wait on a browser
     that does not promise to keep them, and nothing else is said, the storage warning stands. */
  var shown = null, persistent = null, inFlight = {};
  function box() {
    var p = document.querySelector("[data-outbox-flash]");
    if (!p) {
      p = document.createElement("p"); p.setAttribute("role", "status"); p.hidden = true;
      var main = document.getElementById("main"); main.insertBefore(p, main.firstChild);
    }
    return p;
  }
  function say(name, text, kind, options) {
    var p = box(), link = options && options.link;
    p.setAttribute("data-outbox-flash", name);
    p.className = "flash flash-" + (kind || "info"); p.textContent = text; p.hidden = false;
    if (link) {
      var a = document.createElement("a"); a.href = link.href; a.textContent = link.text;
      p.append(" ", a);
    }
    shown = { name: name, waits: !!(options && options.waits) };
  }
  function hush(name) {  // hides the message; when named, only that one
    if (!shown || (name && shown.name !== name)) return;
    box().hidden = true; shown = null;
  }
  function standing(entries) {  // what the counter's entries mean for the message (the form's own in flight aside)
    var n = entries.filter(function (e) { return !inFlight[e.client_id]; }).length;
    if (!n && shown && shown.waits) hush();
    else if (n && persistent === false && (!shown || shown.name === "device" || shown.name === "persist")) {
      say("persist", fmt(t.notPersisted, n), "error", { waits: true });
    }
  }
  function persist() {  // asks the browser to keep the outbox (when an entry is kept); the answer updates the message
    if (!navigator.storage || !navigator.storage.persist) return;
    navigator.storage.persist().then(function (ok) { persistent = ok; counter(); }, function () {});
  }
  if (navigator.storage && navigator.storage.persisted) {
    navigator.storage.persisted().then(function (ok) { persistent = ok; if (!ok && officer) counter(); }, function () {});
  }
  function kept(login) {  // the form kept an entry on the phone: say so (and what it needs)
    if (login) say("device-login", t.savedLogin, "error", { waits: true });
    else if (persistent === false) hush();  // the storage warning (from the counter) says it
    else say("device", t.saved, "success", { waits: true });
    return counter();
  }
  /* A registration the server saved: the form opens its page and hands the message over (this tab only). */
  var NOTE = "outreach-saved";
  function handOver(note) {
    try { sessionStorage.setItem(NOTE, JSON.stringify(note)); } catch (e) { /* no message, nothing lost */ }
  }
  function savedOnServer() {
    var note = null;
    try { note = JSON.parse(sessionStorage.getItem(NOTE)); sessionStorage.removeItem(NOTE); } catch (e) { return; }
    if (!note || !note.to || new URL(note.to, location.href).href !== location.href) return;
    say("server", fmt(fmt(t.savedServer, note.number, "number"), note.name, "name"), "success",
        note.receipt ? { link: { href: note.receipt, text: t.receipt } } : null);
  }
  savedOnServer();
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
    navigator.serviceWorker.register(Outbox.urls.sw, { scope: Outbox.urls.scope }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) { if (e.data && e.data.outbox) after(e.data.outbox); });
  }
  /* The pages an officer needs without signal are kept as soon as the server confirmed whose they are (after
     logging in, when the worker installs), not only once opened: home, visits, outbox, and this visit's form and
     follow-up list. */
  function keepPages() {
    if (!officer || !("serviceWorker" in navigator) || navigator.onLine === false) return;
    var forms = Array.prototype.map.call(document.querySelectorAll("[data-cache-form], [data-cache-page]"),
                                         function (a) { return a.getAttribute("href"); });
    navigator.serviceWorker.ready.then(function (reg) { if (reg.active) reg.active.postMessage({ keep: forms }); });
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
      standing(entries);
      return entries.length;
    });
  }
  var renders = [];  // what a page shows of the outbox besides the counter, redrawn after each sync
  function render() { renders.forEach(function (draw) { draw(); }); }

  var delay = 5000, timer = null;
  function retryLater() {  // back off: 5 s, 10 s, 20 s ... up to 5 minutes
    clearTimeout(timer);
    timer = setTimeout(syncNow, delay);
    delay = Math.min(delay * 2, 5 * 60 * 1000);
  }
  function after(summary) {
    return check().then(counter).then(function (n) {
      render();
      var sent = summary.sent ? fmt(t.sent, summary.sent) : "";
      if (summary.login && (n || !officer)) say("login", t.login, "error", { waits: !!officer });
      else if (summary.rejected) say("rejected", (sent ? sent + " " : "") + fmt(t.rejected, summary.rejected), "error", { waits: true });
      else if (sent) say("sent", sent, "success");
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
  document.querySelectorAll("form[data-close-visit]").forEach(function (f) {
    var visit = f.getAttribute("data-close-visit");
    f.addEventListener("submit", function (e) {
      if (f.dataset.confirmed) return;
      e.preventDefault();
      check().then(pending).then(function (entries) {
        var n = entries.filter(function (x) { return String(x.visit_id) === visit; }).length;
        if (!n || window.confirm(fmt(t.confirmClose, n))) {
          f.dataset.confirmed = "1";
          HTMLFormElement.prototype.submit.call(f);  // the form's button is named "submit"
        }
      });
    });
  });

  // Starts once the page's own scripts have hooked in (deferred scripts all run before DOMContentLoaded).
  function start() {
    // What is on the phone shows at once, for the officer the server confirmed last (as without signal); the
    // answer of a slow network then confirms or corrects it.
    check().then(function (known) { if (known) { counter(); render(); } });
    askServer().then(function () {
      keepPages();
      counter();
      render();
      if (navigator.onLine !== false) syncNow();
      else if (officer) pending().then(function (e) { if (e.some(function (x) { return x.state !== "rejected"; })) retryLater(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  return { t: t, fmt: fmt, say: say, hush: hush, kept: kept, persist: persist, handOver: handOver,
           inFlight: inFlight, duplicateLink: duplicateLink, check: check, askServer: askServer,
           officer: function () { return officer; }, pending: pending, counter: counter, retryLater: retryLater,
           sync: syncNow,
           onRender: function (draw) { renders.push(draw); } };
})();
