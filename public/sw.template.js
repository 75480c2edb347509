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
            .filter(
              (key) =>
                key.startsWith("pingan-") && key !== SHELL_CACHE && key !== PAGE_CACHE && key !== READER_CACHE,
            )
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// Pages kept for reading offline belong to the person who read them. The server names the
// reader of every page (an opaque `x-pingan-viewer`, absent when logged out) and marks the
// pages that show nobody's data but the reader's own (their field pages, and pages read
// logged out) `x-pingan-offline: keep`; desk pages with other people's data are never kept. Whenever a page arrives for another reader (a logout, someone else's login),
// every page kept for the previous one is dropped, so the next person on a shared phone never
// reads the last person's pages. Only pages: the outbox (IndexedDB) is left alone, and events
// waiting there for their maker survive.
async function keepPageFor(request, response) {
  const viewer = response.headers.get("x-pingan-viewer") || "";
  await noteReader(viewer);
  const cache = await caches.open(PAGE_CACHE);
  for (const kept of await cache.keys()) {
    const page = await cache.match(kept);
    if (!page || (page.headers.get("x-pingan-viewer") || "") !== viewer) await cache.delete(kept);
  }
  if (response.headers.get("x-pingan-offline") === "keep") {
    await cache.put(request, response);
  }
}

const dropPages = () => caches.delete(PAGE_CACHE);

// Server functions whose answer is the reader's own data (their shifts, with the check-in and
// check-out buttons): network first; the answer the server marks `keep` is kept with the pages,
// under the call's arguments and for the same reader, and answers the same call offline — a
// patrol that loses signal after moving between pages can still check out.
const OWN_DATA = ["/api/shifts/list"];

async function ownData(event, request, url) {
  const args = await request.clone().text();
  const key = new Request(`${url.pathname}?${args}`);
  try {
    const response = await fetch(request);
    if (response.ok) event.waitUntil(keepPageFor(key, response.clone()));
    return response;
  } catch (offline) {
    const kept = await caches.match(key, { cacheName: PAGE_CACHE });
    if (kept) return kept;
    throw offline;
  }
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "pingan-drop-pages") event.waitUntil(dropPages());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/auth/logout") {
    // Logging out drops the kept pages and this phone's push subscription first, whatever the
    // network does next: the next person to use the phone sees none of the last one's notices.
    event.respondWith(Promise.all([dropPages(), dropPush()]).then(() => fetch(request)));
    return;
  }
  if (request.method === "POST" && OWN_DATA.includes(url.pathname)) {
    event.respondWith(ownData(event, request, url));
    return;
  }
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    // Network first, so pages are fresh; the reader's own field pages are kept so they can
    // be read again offline (by the same reader only); anything else falls back to the
    // offline page.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            event.waitUntil(keepPageFor(request, response.clone()));
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

// Who reads on this phone, as the pages last said (the opaque viewer tag; "" logged out). Kept
// in its own small cache so a deploy's new page cache does not forget it.
const READER_CACHE = "pingan-reader";
const READER_KEY = "/__pingan-reader";

async function lastReader() {
  const kept = await caches.match(READER_KEY, { cacheName: READER_CACHE });
  return kept ? kept.text() : null;
}

// Another person logged in on this phone (or nobody is): the last person's push subscription
// goes, so their notices never pop up for the next user of the phone.
async function noteReader(viewer) {
  const before = await lastReader();
  if (before !== null && before !== "" && before !== viewer) await dropPush();
  const cache = await caches.open(READER_CACHE);
  await cache.put(READER_KEY, new Response(viewer));
}

// Web Push: the server sends {title, body, url, tag, viewer} (server/src/jobs/delivery.rs).
function dropPush() {
  return self.registration.pushManager
    .getSubscription()
    .then((sub) => sub && sub.unsubscribe())
    .catch(() => {});
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  // A push must show something; a notice for someone other than the person logged in here
  // shows only that there is news, and the subscription that brought it goes.
  const show = (mine) =>
    self.registration.showNotification(mine ? data.title || "平安马甲" : "平安马甲", {
      body: mine ? data.body || "" : "有一条新通知，请登录查看。",
      tag: data.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url: mine ? data.url || "/notifications" : "/notifications" },
    });
  event.waitUntil(
    lastReader().then((reader) => {
      const mine = !!data.viewer && reader === data.viewer;
      if (reader !== null && !mine) return Promise.all([show(false), dropPush()]);
      return show(mine);
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/notifications";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) return open.navigate(url).then((w) => (w || open).focus());
      return self.clients.openWindow(url);
    }),
  );
});
