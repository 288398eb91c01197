/* The device outbox, shared by the pages and the service worker (importScripts).
   Registrations captured without signal wait in IndexedDB, tied to the officer who captured them, and are
   sent one at a time to POST /api/v1/registrations with their client_id. An entry leaves the outbox only
   when the server confirms it (201, or 200 for a client_id it already has): a retry can never duplicate. */
var Outbox = (function () {
  "use strict";
  var DB = "outreach-outbox", VERSION = 1;

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("entries")) db.createObjectStore("entries", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "client_id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        var req = work(tx.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function all(store, userId) {
    return run(store, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (e) { return String(e.officer_id) === String(userId); })
        .sort(function (a, b) { return a.captured_at < b.captured_at ? -1 : 1; });
    });
  }
  function put(store, entry) { return run(store, "readwrite", function (s) { return s.put(entry); }); }
  function remove(store, id) { return run(store, "readwrite", function (s) { return s.delete(id); }); }

  function session() {
    return fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401 || r.status === 403) return null;
      if (!r.ok) throw new Error("session " + r.status);
      return r.json();
    });
  }

  function send(entry, token) {
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 20000);
    return fetch("/api/v1/registrations", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify(entry.payload), signal: controller ? controller.signal : undefined
    }).then(function (r) {
      if (timer) clearTimeout(timer);
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    });
  }

  /* Sends the waiting entries of whoever is logged in now, one at a time. Resolves to a summary:
     {sent, rejected, login: bool, offline: bool, left}. */
  function sync() {
    var summary = { sent: 0, rejected: 0, login: false, offline: false, left: 0 };
    return session().then(function (me) {
      if (!me) { summary.login = true; return summary; }
      return all("entries", me.user_id).then(function (entries) {
        var queue = entries.filter(function (e) { return e.state !== "rejected"; });
        function next(i) {
          if (i >= queue.length) return summary;
          var entry = queue[i];
          return send(entry, me.csrf_token).then(function (res) {
            if (res.status === 201 || res.status === 200) {
              summary.sent++;
              return put("sent", { client_id: entry.client_id, officer_id: entry.officer_id, name: entry.name,
                                   village: entry.village, captured_at: entry.captured_at, number: res.body.number,
                                   receipt_url: res.body.receipt_url, sent_at: new Date().toISOString() })
                .then(function () { return remove("entries", entry.client_id); })
                .then(function () { return next(i + 1); });
            }
            if (res.status === 422) {
              summary.rejected++;
              entry.state = "rejected"; entry.errors = res.body.errors || {};
              return put("entries", entry).then(function () { return next(i + 1); });
            }
            if (res.status === 401 || res.status === 403) {
              summary.login = true;
              entry.state = "login";
              return put("entries", entry).then(function () { return summary; });
            }
            throw new Error("server " + res.status);  // 5xx: keep it, back off, try again later
          });
        }
        return next(0);
      });
    }).catch(function () { summary.offline = true; return summary; });
  }

  /* One sync at a time across tabs and the service worker (Web Locks where the browser has them). */
  function syncExclusive() {
    if (typeof navigator !== "undefined" && navigator.locks && navigator.locks.request) {
      return navigator.locks.request("outreach-outbox-sync", sync);
    }
    return sync();
  }

  return { all: all, put: put, remove: remove, sync: syncExclusive, session: session };
})();
