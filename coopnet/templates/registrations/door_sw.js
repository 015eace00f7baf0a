/* coopnet door service worker, for one event's door page: {{ door_url }}.
 * Keeps the page and the files it uses so the door works without network. The page is
 * fetched from the network first (always fresh when online) and from the cache offline;
 * files (styles, scripts, the icon) come from the cache. JSON requests (check-ins, the
 * list, the counters) are never cached: offline the page keeps its own records instead. */
"use strict";
var DOOR = {{ door_url|tojson }};
var CACHE = "coopnet-door-" + {{ door_url|tojson }} + "-" + {{ version|tojson }};
var ASSETS = {{ assets|tojson }};

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (response.ok) { return cache.put(url, response); }
      }).catch(function () { /* kept next time */ });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(keep([DOOR].concat(ASSETS)).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("coopnet-door-" + DOOR + "-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// the page tells which files it loaded (styles and scripts from elsewhere in the app)
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(keep(data.urls.filter(function (url) {
      return new URL(url, self.location.href).origin === self.location.origin;
    })));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === DOOR) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(DOOR, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(DOOR, {ignoreSearch: true}).then(function (kept) {
        return kept || Response.error();
      });
    }));
    return;
  }
  if (request.headers.get("Accept") === "application/json") { return; }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request);
    });
  }));
});
