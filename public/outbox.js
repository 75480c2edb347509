// Pingan Vest outbox: events made on the phone (check-ins, check-outs) wait here, in IndexedDB,
// until the server has them. The page and the service worker load this same script, so either
// can send what is waiting: the page when it opens and when the network returns, the worker on
// Background Sync even after the page is closed. Each event carries the UUIDv7 made when the
// button was pressed; the server stores it once however often it arrives, so sending again is
// always safe and nothing is ever dropped for want of an answer.
"use strict";

(function (scope) {
  const DB_NAME = "pingan-outbox";
  const STORE = "events";
  const SYNC_TAG = "pingan-outbox";

  function openDb() {
    return new Promise((resolve, reject) => {
      const req = scope.indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "client_key" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  // Runs `work(store)` in one transaction and resolves with what its last request returned.
  function withStore(mode, work) {
    return openDb().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(STORE, mode);
          const req = work(tx.objectStore(STORE));
          tx.oncomplete = () => {
            db.close();
            resolve(req ? req.result : undefined);
          };
          tx.onerror = () => {
            db.close();
            reject(tx.error);
          };
          // A full disk (QuotaExceededError) aborts the transaction without an error event:
          // unhandled, the promise never settled and the form waited forever.
          tx.onabort = () => {
            db.close();
            reject(tx.error || new Error("IndexedDB transaction aborted"));
          };
        }),
    );
  }

  const put = (item) => withStore("readwrite", (s) => s.put(item));
  const remove = (key) => withStore("readwrite", (s) => s.delete(key));
  // Counting without reading: a waiting report holds its photos.
  const count = () => withStore("readonly", (s) => s.count());
  const all = () =>
    withStore("readonly", (s) => s.getAll()).then((items) =>
      (items || []).sort((a, b) => a.body.made_at - b.body.made_at),
    );

  // RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then random bits, version 7, variant 10.
  function uuidv7() {
    const bytes = new Uint8Array(16);
    scope.crypto.getRandomValues(bytes);
    let ms = Date.now();
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // One attempt. "sent" and "refused" are final (the item leaves the outbox); "waiting" keeps
  // it for the next attempt: no network, a server error, or a session that needs a new login;
  // "held" keeps it for the person who made it, while the others' events go on.
  async function sendOne(item) {
    let res;
    try {
      res = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(item.body),
      });
    } catch (_) {
      return { status: "waiting", client_key: item.client_key };
    }
    const text = await res.text().catch(() => "");
    let answer = null;
    try {
      answer = JSON.parse(text);
    } catch (_) {
      answer = null;
    }
    if (res.ok) {
      await remove(item.client_key);
      return { status: "sent", client_key: item.client_key, answer };
    }
    // Made on this phone by someone else who is not logged in now: keep it for them.
    if (answer && answer.held) {
      return { status: "held", client_key: item.client_key };
    }
    if (res.status >= 400 && res.status < 500 && ![401, 408, 425, 429].includes(res.status)) {
      await remove(item.client_key);
      return {
        status: "refused",
        client_key: item.client_key,
        error: (answer && answer.error) || `HTTP ${res.status}`,
      };
    }
    return { status: "waiting", client_key: item.client_key };
  }

  // The page tries again by itself while anything waits: the `online` event and Background
  // Sync are not enough (Background Sync is Chromium's only, and a connection cut on a healthy
  // network fires no `online`). A few seconds at first, growing to a minute.
  const RETRY_MS = [5000, 10000, 20000, 40000, 60000];
  let retryTimer = null;
  let retryStep = 0;
  function retryLater(results, pending) {
    if (!scope.document) return;
    if (results.some((r) => r.status === "sent")) retryStep = 0;
    const waiting = pending > 0 && results.some((r) => r.status === "waiting");
    if (!waiting) {
      retryStep = 0;
      return;
    }
    if (retryTimer) return;
    const delay = RETRY_MS[Math.min(retryStep, RETRY_MS.length - 1)];
    retryStep += 1;
    retryTimer = scope.setTimeout(() => {
      retryTimer = null;
      flush();
    }, delay);
  }

  async function announce(results) {
    const pending = await count().then((n) => n || 0, () => 0);
    retryLater(results || [], pending);
    const detail = { pending, results: results || [] };
    if (scope.document) {
      scope.dispatchEvent(new CustomEvent("pingan-outbox", { detail }));
    } else if (scope.clients) {
      const pages = await scope.clients.matchAll({ type: "window" });
      pages.forEach((page) => page.postMessage({ type: "pingan-outbox", detail }));
    }
  }

  // Sends everything waiting, oldest first, one at a time so a check-out never overtakes its
  // check-in. Stops at the first event that must keep waiting. Concurrent calls share one run.
  let running = null;
  function flush() {
    if (running) return running;
    running = (async () => {
      const results = [];
      try {
        for (const item of await all()) {
          const result = await sendOne(item);
          results.push(result);
          if (result.status === "waiting") break;
        }
      } catch (_) {
        // IndexedDB unavailable: nothing can be waiting in it.
      } finally {
        running = null;
      }
      await announce(results);
      return results;
    })();
    return running;
  }

  function askForSync() {
    const sw = scope.navigator && scope.navigator.serviceWorker;
    if (!sw || !scope.document) return;
    sw.ready
      .then((reg) => reg.sync && reg.sync.register(SYNC_TAG))
      .catch(() => {});
  }

  // Keeps the event, then tries to send it now. Resolves (as JSON text, for the wasm side) with
  // the outcome; the event stays in the outbox until the server has answered for good.
  async function submit(url, bodyJson) {
    const body = JSON.parse(bodyJson);
    const item = { client_key: body.client_key, url, body, queued_at: Date.now() };
    try {
      await put(item);
    } catch (_) {
      // No IndexedDB (a private window on some phones): send without a safety copy.
      const direct = await sendOne(item).catch(() => ({ status: "waiting" }));
      return JSON.stringify(direct);
    }
    const result = await sendOne(item);
    // The worker is asked to send it later only if it has to wait: asked at once, the sync
    // fires while the page is still sending and the same report (photos and all) goes twice.
    if (result.status === "waiting") askForSync();
    await announce([result]);
    return JSON.stringify(result);
  }

  scope.PinganOutbox = {
    submit,
    flush,
    uuidv7,
    pending: () => count().then((n) => n || 0, () => 0),
  };

  if (scope.document) {
    scope.addEventListener("online", () => {
      retryStep = 0;
      flush();
    });
    // The worker's sends are reported to the page through a message.
    if (scope.navigator.serviceWorker) {
      scope.navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "pingan-outbox") {
          scope.dispatchEvent(new CustomEvent("pingan-outbox", { detail: event.data.detail }));
        }
      });
    }
    if (scope.navigator.onLine) flush();
  } else {
    scope.addEventListener("sync", (event) => {
      if (event.tag === SYNC_TAG) event.waitUntil(flush());
    });
  }
})(self);
