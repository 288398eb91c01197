/* The device outbox, shared by the pages and the service worker (importScripts).
   Registrations captured without signal wait in IndexedDB, tied to the officer who captured them, and are
   sent one at a time to POST /api/v1/registrations with their client_id; a contact logged on a follow-up list
   (kind "contact") is an entry too, sent the same way to its own address (entry.url). An entry leaves the outbox only
   when the server confirms it: a JSON answer (201, or 200 for a client_id it already has) naming the same
   client_id and a registration number. Anything else (a maintenance page, a redirect to the login form, an
   empty body) keeps it for a retry, which can never duplicate. Every request has a time limit. */
var Outbox = (function () {
  "use strict";
  var DB = "outreach-outbox", VERSION = 2;
  var scope = typeof self !== "undefined" ? self : window;
  // Time limits in ms; a test may shorten them with self.OUTBOX_CONFIG before this file loads.
  var limits = { session: 8000, send: 20000, deadline: 120000 };
  Object.keys(scope.OUTBOX_CONFIG || {}).forEach(function (k) { limits[k] = scope.OUTBOX_CONFIG[k]; });
  // The app's addresses come from the server: sw.js hands over its SETTINGS.urls, a page carries #app-urls.
  var urls = scope.APP_URLS || JSON.parse(document.getElementById("app-urls").textContent);

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("entries")) db.createObjectStore("entries", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error("outbox blocked")); };
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
  function same(a, b) { return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b); }
  function all(store, userId) {
    return run(store, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (e) { return same(e.officer_id, userId); })
        .sort(function (a, b) { return a.captured_at < b.captured_at ? -1 : 1; });
    });
  }
  function get(store, id) { return run(store, "readonly", function (s) { return s.get(id); }); }
  function put(store, entry) { return run(store, "readwrite", function (s) { return s.put(entry); }); }
  function remove(store, id) { return run(store, "readwrite", function (s) { return s.delete(id); }); }
  /* Writes an entry back only if it is still there (the form may have removed it meanwhile). */
  function update(entry) {
    return run("entries", "readwrite", function (s) {
      var req = s.get(entry.client_id);
      req.onsuccess = function () { if (req.result) s.put(entry); };
    });
  }

  // Who is logged in on this phone, as the server last confirmed it (null: nobody known, e.g. after logout).
  // A page's HTML may come from the cache and belong to an earlier session; this cannot.
  function confirmed() {
    return run("meta", "readonly", function (s) { return s.get("identity"); })
      .then(function (row) { return row ? row.user_id : null; });
  }
  function remember(userId) {
    return confirmed().then(function (before) {
      var changed = before !== null && !same(before, userId);
      return put("meta", { key: "identity", user_id: userId, at: new Date().toISOString() })
        .then(function () { if (changed) return forgetPages(); });  // another officer's pages must go
    });
  }
  /* Logging out: forget who was logged in, the pages cached for them and the names of the workers already sent
     (the server has them; a phone left behind must not); the entries waiting stay, tied to their officer. */
  function forget() {
    return put("meta", { key: "identity", user_id: null, at: new Date().toISOString() })
      .then(function () { return run("sent", "readwrite", function (s) { return s.clear(); }); })
      .then(forgetPages, forgetPages);
  }
  function isShell(path) { return path.indexOf(urls.static) === 0 || path === urls.offline || path === urls.manifest; }
  function forgetPages() {
    if (typeof caches === "undefined") return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("outreach-") === 0; }).map(function (n) {
        return caches.open(n).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (r) { return !isShell(new URL(r.url).pathname); })
              .map(function (r) { return cache.delete(r); }));
          });
        });
      }));
    }).catch(function () {});
  }

  /* fetch with a time limit that also covers reading the body. Resolves to
     {status, login: bool, body: parsed JSON object or null}; rejects on a network error or timeout. */
  function request(url, options, ms) {
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    var opts = Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {});
    opts.headers = Object.assign({ "Accept": "application/json" }, opts.headers || {});
    if (controller) opts.signal = controller.signal;
    var timer;
    var late = new Promise(function (resolve, reject) {
      timer = setTimeout(function () { if (controller) controller.abort(); reject(new Error("timeout")); }, ms);
    });
    var work = fetch(url, opts).then(function (r) {
      var path = "";
      try { path = new URL(r.url).pathname; } catch (e) { /* keep "" */ }
      var login = r.status === 401 || r.status === 403 || (r.redirected && path === urls.login);
      var json = /json/.test(r.headers.get("Content-Type") || "");
      return (json ? r.json() : r.text().then(function () { return null; })).catch(function () { return null; })
        .then(function (body) {
          return { status: r.status, login: login, body: body && typeof body === "object" && !Array.isArray(body) ? body : null };
        });
    });
    return Promise.race([work, late]).then(function (res) { clearTimeout(timer); return res; },
      function (err) { clearTimeout(timer); throw err; });
  }

  /* The session as the server sees it: {user_id, csrf_token} (remembered as the confirmed officer),
     null when nobody is logged in; rejects when the server can't be asked (no signal, timeout, odd answer). */
  function session() {
    return request(urls.session, {}, limits.session).then(function (res) {
      if (res.login) return null;
      var me = res.body;
      if (res.status !== 200 || !me || typeof me.user_id !== "number" || typeof me.csrf_token !== "string") {
        throw new Error("session " + res.status);
      }
      return remember(me.user_id).then(function () { return me; }, function () { return me; });
    });
  }

  function send(payload, token, url) {
    return request(url || urls.registrations, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(payload)
    }, limits.send);
  }
  /* What an answer means for the entry: "saved", "rejected" (422), "login", or "retry". */
  function verdict(res, clientId) {
    if (res.login) return "login";
    var body = res.body;
    if ((res.status === 201 || res.status === 200) && body && typeof body.number === "string" && body.number &&
        typeof body.client_id === "string" && body.client_id.toLowerCase() === String(clientId).toLowerCase()) return "saved";
    if (res.status === 422 && body && body.errors && typeof body.errors === "object") return "rejected";
    return "retry";
  }
  function safeUrl(url) {  // only web addresses from the server's answer become links
    try { var u = new URL(url, scope.location.href); return /^https?:$/.test(u.protocol) ? u.href : null; } catch (e) { return null; }
  }
  function duplicateOf(body) {
    var d = body && body.duplicate;
    if (!d || typeof d !== "object" || typeof d.number !== "string") return null;
    return { number: d.number, status: String(d.status || ""), url: d.url ? safeUrl(d.url) : null };
  }
  /* Records a confirmed entry as sent (with its number and receipt) and removes it from the waiting ones. */
  function saved(entry, body) {
    return put("sent", { client_id: entry.client_id, officer_id: entry.officer_id, name: entry.name,
                         village: entry.village, captured_at: entry.captured_at, number: body.number,
                         receipt_url: body.receipt_url ? safeUrl(body.receipt_url) : null, kind: entry.kind || null,
                         sent_at: new Date().toISOString() })
      .then(function () { return remove("entries", entry.client_id); });
  }
  function rejected(entry, body) {
    entry.state = "rejected"; entry.errors = body.errors || {}; entry.duplicate = duplicateOf(body);
    return update(entry);
  }

  /* Sends the waiting entries of whoever is logged in now, one at a time. Resolves to a summary:
     {sent, rejected, login: bool, offline: bool (retry later), left}. */
  function sync() {
    var summary = { sent: 0, rejected: 0, login: false, offline: false, left: 0 };
    return session().then(function (me) {
      if (!me) { summary.login = true; return summary; }
      return all("entries", me.user_id).then(function (entries) {
        // "sending": a form is sending it itself right now (for at most its two time limits): later.
        var now = Date.now(), busy = limits.session + limits.send + 2000;
        var queue = entries.filter(function (e) {
          var sending = e.state === "sending" && now - Date.parse(e.sending_at || 0) < busy;
          if (sending) summary.offline = true;
          return e.state !== "rejected" && !sending;
        });
        function next(i) {
          if (i >= queue.length) return summary;
          var entry = queue[i];
          return send(entry.payload, me.csrf_token, entry.url).then(function (res) {
            var v = verdict(res, entry.client_id);
            if (v === "saved") { summary.sent++; return saved(entry, res.body).then(function () { return next(i + 1); }); }
            if (v === "rejected") { summary.rejected++; return rejected(entry, res.body).then(function () { return next(i + 1); }); }
            if (v === "login") {
              summary.login = true; entry.state = "login";
              return update(entry).then(function () { return summary; });
            }
            throw new Error("server " + res.status);  // 5xx or an odd answer: keep it, back off, try again later
          });
        }
        return next(0);
      });
    }).catch(function () { summary.offline = true; return summary; });
  }

  /* One sync at a time across tabs and the service worker (Web Locks where the browser has them); a sync
     that hangs gives the lock back at the deadline. A sync already running elsewhere: retry later. */
  function syncExclusive() {
    function bounded() {
      var timer;
      var late = new Promise(function (resolve) {
        timer = setTimeout(function () { resolve({ sent: 0, rejected: 0, login: false, offline: true, left: 0 }); }, limits.deadline);
      });
      return Promise.race([sync(), late]).then(function (summary) { clearTimeout(timer); return summary; });
    }
    var locks = typeof navigator !== "undefined" && navigator.locks;
    if (locks && locks.request) {
      return locks.request("outreach-outbox-sync", { ifAvailable: true }, function (lock) {
        if (!lock) return { sent: 0, rejected: 0, login: false, offline: true, busy: true, left: 0 };
        return bounded();
      });
    }
    return bounded();
  }

  return { all: all, get: get, put: put, remove: remove, update: update, sync: syncExclusive, session: session,
           send: send, verdict: verdict, saved: saved, duplicateOf: duplicateOf, safeUrl: safeUrl,
           confirmed: confirmed, forget: forget, forgetPages: forgetPages, limits: limits, urls: urls };
})();
