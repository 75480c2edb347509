// Pingan Vest service worker. The server fills in the version and the hashed asset list at
// start-up (server/src/routes/service_worker.rs), so each deploy installs a fresh cache.
"use strict";

// The outbox: check-ins made offline, sent on Background Sync even with the app closed.
importScripts("/outbox.js");

const VERSION = "__PINGAN_VERSION__";
const SHELL_CACHE = `pingan-shell-${VERSION}`;
const PAGE_CACHE = `pingan-pages-${VERSION}`;
const PRECACHE = "__PINGAN_PRECACHE__";
const OFFLINE_URL = "/offline";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("pingan-") && key !== SHELL_CACHE && key !== PAGE_CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Network first, so pages are fresh; a copy of each page read online is kept so it can
    // be read again offline; anything else falls back to the offline page.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(PAGE_CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(async () => {
          const page = await caches.match(request, { cacheName: PAGE_CACHE });
          if (page) return page;
          if (url.pathname === OFFLINE_URL) {
            return caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
          }
          // Send the browser to the offline page's own address: served under another URL, its
          // HTML would not match the route the app hydrates, and the app would stop working.
          const from = encodeURIComponent(url.pathname + url.search);
          return Response.redirect(`${OFFLINE_URL}?from=${from}`, 302);
        }),
    );
    return;
  }

  if (PRECACHE.includes(url.pathname) || url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/")) {
    // Content-hashed or versioned: the cached copy is the right one. A build file not
    // pre-cached (the office pages' wasm chunk) is kept the first time it is fetched, so it
    // too opens offline afterwards; the next deploy's cache starts without it.
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE }).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok && url.pathname.startsWith("/pkg/")) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
