/* The service worker: keeps the app shell for use without signal, and sends the outbox in the background.
   SETTINGS (version, shell, urls) is written above this line by the server. It caches the layout's CSS and
   scripts, the registration form, the outbox and offline pages; never receipts, reviews, status pages,
   registration pages or API answers, which hold personal data. Cached pages belong to the officer who
   opened them: logging out (or another officer confirmed by the server) removes them (outbox-core.js). */
var URLS = SETTINGS.urls;
self.APP_URLS = URLS;  // for outbox-core.js
importScripts(URLS.core);
var CACHE = "outreach-shell-" + SETTINGS.version;
// Pages kept for offline use: the visit's registration form, the outbox (and its correction form), the
// visits list and home. The form is named by visit 0: a path is kept by its shape, numbers as 0.
var KEEP = [URLS.visitForm, URLS.outbox, URLS.correct, URLS.visits, URLS.home, URLS.offline];
function shape(path) { return path.replace(/\/\d+(?=\/|$)/g, "/0"); }
var PATIENCE = 4000;  // a kept page waits this long for the network on a weak signal, then comes from the cache

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

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === URLS.logout) {  // logging out: the pages go, the outbox stays
    event.waitUntil(Outbox.forget().catch(function () {}));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf(URLS.static) === 0) {  // versioned with the worker: cache first
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;  // API calls and the rest go straight to the network
  var keep = KEEP.indexOf(shape(url.pathname)) !== -1;
  var network = fetch(request);
  if (!keep) {
    event.respondWith(network.catch(function () { return caches.match(URLS.offline); }));
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
    return copy && caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); });
  }, function () {
    return fromCache().then(function (hit) { return hit || caches.match(URLS.offline); })
      .then(function (r) { answer(r || Response.error()); });
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
  if (event.data && event.data.cache) {  // a page asks to keep the form of the visit in progress
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(event.data.cache); }).catch(function () {}));
  }
});
