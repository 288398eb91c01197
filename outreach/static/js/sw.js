/* The service worker: keeps the app shell for use without signal, and sends the outbox in the background.
   SETTINGS (version, shell) is written above this line by the server. It caches the layout's CSS and
   scripts, the registration form, the outbox and offline pages; never receipts, reviews, status pages,
   registration pages or API answers, which hold personal data. */
importScripts("/static/js/outbox-core.js");
var CACHE = "outreach-shell-" + SETTINGS.version;
// Pages kept for offline use: the visit's registration form, the outbox, the visits list and home.
var KEEP = [/^\/kunjungan\/\d+\/daftar$/, /^\/outbox$/, /^\/kunjungan$/, /^\/$/, /^\/luring$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SETTINGS.shell); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("outreach-shell-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {  // versioned with the worker: cache first
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  var keep = KEEP.some(function (re) { return re.test(url.pathname); });
  if (request.mode !== "navigate") return;  // API calls and the rest go straight to the network
  event.respondWith(fetch(request).then(function (response) {
    if (keep && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || caches.match("/luring"); });
  }));
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
