/* The service worker: keeps the app shell for use without signal, and sends the outbox in the background.
   SETTINGS (version, shell, urls) is written above this line by the server. It caches the layout's CSS and
   scripts, the offline page, and the officer's pages that work without signal (home, visits list, outbox and
   its correction form, the form of each visit opened); never receipts, reviews, status pages, registration
   pages or API answers, which hold personal data. A page is kept only if it is the page of the officer the
   server last confirmed (its <meta name="user-id">); logging out, or another officer confirmed by the server,
   removes them (outbox-core.js). */
var URLS = SETTINGS.urls;
self.APP_URLS = URLS;  // for outbox-core.js
importScripts(URLS.core);
var CACHE = "outreach-shell-" + SETTINGS.version;
// Pages kept for offline use: the visit's registration form and follow-up list, the outbox (and its correction
// form), the visits list and home. The form is named by visit 0: a path is kept by its shape, numbers as 0.
var KEEP = [URLS.visitForm, URLS.visitFollowup, URLS.outbox, URLS.correct, URLS.visits, URLS.home];
// Kept as soon as the server confirms the officer (outbox.js asks), not only once opened with signal.
var READY = [URLS.outbox, URLS.correct, URLS.visits, URLS.home];
function shape(path) { return path.replace(/\/\d+(?=\/|$)/g, "/0"); }
var PATIENCE = SETTINGS.patience || 4000;  // a kept page waits this long for the network (weak signal), then the cache
var OWNER = /<meta name="user-id" content="([^"]*)"/;
var FLASH = /<p [^>]*data-server-flash[^>]*>[^<]*<\/p>\s*/g;  // a message of the moment the page was fetched
var RELEASE = "X-Kept-By";  // the shell version that kept a page

self.addEventListener("install", function (event) {
  // The shell is fetched without cookies: the offline page must not carry anyone's session.
  var shell = SETTINGS.shell.map(function (u) { return new Request(u, { credentials: "omit" }); });
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(shell); })
    .then(function () { return self.skipWaiting(); }));
});

function isShell(path) { return path.indexOf(URLS.static) === 0 || SETTINGS.shell.indexOf(path) !== -1; }

/* An update must not lose the forms kept for the visits in progress: pages move to the new cache. */
function carryPages(from, to) {
  return from.keys().then(function (requests) {
    return Promise.all(requests.filter(function (r) { return !isShell(new URL(r.url).pathname); }).map(function (r) {
      return to.match(r).then(function (there) {
        if (there) return null;
        return from.match(r).then(function (response) { return response && to.put(r, response); });
      });
    }));
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (current) {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("outreach-shell-") === 0 && n !== CACHE; })
        .map(function (n) {
          return caches.open(n).then(function (old) { return carryPages(old, current); })
            .catch(function () {}).then(function () { return caches.delete(n); });
        }));
    });
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(response) { return response.ok && !response.redirected && response.type === "basic"; }

/* Keeps a page only if it belongs to the officer the server last confirmed: on a shared phone one officer's
   page never answers for another's. The server's one-time messages are left out ("Kunjungan ditutup" was
   true once, not each time the page opens without signal). */
function keepPage(path, response) {
  if (!response || !cacheable(response)) return Promise.resolve();
  return Promise.all([response.text(), Outbox.confirmed()]).then(function (got) {
    var owner = OWNER.exec(got[0]);
    if (!owner || got[1] === null || String(got[1]) !== owner[1]) return;
    var headers = new Headers(response.headers);
    headers.set(RELEASE, SETTINGS.version);
    headers.delete("Content-Length"); headers.delete("Content-Encoding");  // the body is the decoded text now
    var page = new Response(got[0].replace(FLASH, ""), { status: response.status, statusText: response.statusText, headers: headers });
    return caches.open(CACHE).then(function (cache) { return cache.put(path, page); });
  });
}
/* The officer's offline pages, fetched now: the outbox and its form when missing or kept by an older release;
   home and the visits list then too, and also with a visit's form, which is always fetched (the officer is
   about to walk out with it, and the list that leads to it must show that visit). */
function ready(forms) {
  forms = forms.map(function (href) {  // only this site's visit forms
    try { var u = new URL(href, self.location.href); return u.origin === self.location.origin ? u.pathname : null; } catch (e) { return null; }
  }).filter(function (path) { return path && (shape(path) === URLS.visitForm || shape(path) === URLS.visitFollowup); });
  var live = forms.length ? [URLS.home, URLS.visits] : [];
  return Promise.all(READY.concat(forms).map(function (path) {
    return caches.match(path).then(function (hit) {
      var current = hit && hit.headers.get(RELEASE) === SETTINGS.version;
      if (current && READY.indexOf(path) !== -1 && live.indexOf(path) === -1) return null;
      // Said to be a keeping fetch: the server leaves its one-time messages for the officer's own next page.
      return fetch(path, { credentials: "same-origin", headers: { "X-Outreach-Keep": "1" } })
        .then(function (r) { return keepPage(path, r); });
    }).catch(function () {});
  }));
}
function offlinePage() { return caches.match(URLS.offline).then(function (r) { return r || Response.error(); }); }

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === URLS.logout) {  // logging out: the pages go, the outbox stays
    event.waitUntil(Outbox.forget().catch(function () {}));
    return;
  }
  if (request.method === "POST" && request.mode === "navigate") {  // a form sent without signal: say so
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf(URLS.static) === 0) {  // fingerprinted (?v=): cache first
    // Without signal, a page an older release kept names older fingerprints: it gets today's copy of the file.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (r) { return r || Response.error(); });
      });
    }));
    return;
  }
  if (request.mode !== "navigate") return;  // API calls and the rest go straight to the network
  var keep = KEEP.indexOf(shape(url.pathname)) !== -1;
  var network = fetch(request);
  if (!keep) {
    event.respondWith(network.catch(offlinePage));
    return;
  }
  var done = false, timer, resolve;
  var answered = new Promise(function (r) { resolve = r; });
  function answer(response) { if (!done && response) { done = true; clearTimeout(timer); resolve(response); } }
  function fromCache() { return caches.match(url.pathname); }
  timer = setTimeout(function () { fromCache().then(answer); }, PATIENCE);  // a weak signal: the kept copy
  var stored = network.then(function (response) {
    var copy = cacheable(response) ? response.clone() : null;
    answer(response);  // and the fresh copy replaces the kept one even if it came too late for this visit
    return keepPage(url.pathname, copy);
  }, function () {
    return fromCache().then(function (hit) { return hit || offlinePage(); }).then(answer);
  });
  event.waitUntil(stored.catch(function () {}));
  event.respondWith(answered);
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") {
    event.waitUntil(Outbox.sync().then(function (summary) {
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (c) { c.postMessage({ outbox: summary }); });
        if (summary.offline) throw new Error("retry later");  // the browser retries the sync
      });
    }));
  }
});

self.addEventListener("message", function (event) {
  // A page whose officer the server just confirmed: keep their offline pages and the visit forms it names.
  if (event.data && event.data.keep) event.waitUntil(ready([].concat(event.data.keep)).catch(function () {}));
});
