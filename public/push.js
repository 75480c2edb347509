// Web Push on this phone, from the 我的 page's box (app/src/notifications/settings.rs): the
// browser's push API is plain JavaScript, so this script runs it and tells the box which state
// applies through data-state (idle, enabled, unsupported, denied, failed).
"use strict";

(function () {
  function keyBytes(base64url) {
    const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function b64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let s = "";
    bytes.forEach((b) => (s += String.fromCharCode(b)));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(endpoint, fields) {
    const body = new URLSearchParams();
    Object.keys(fields).forEach((k) => body.append(`input[${k}]`, fields[k]));
    return fetch(`/api/notifications/${endpoint}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body,
      credentials: "same-origin",
    }).then((res) => {
      if (!res.ok) throw new Error(`notifications/${endpoint}: ${res.status}`);
    });
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  async function current() {
    const reg = await navigator.serviceWorker.ready;
    return reg.pushManager.getSubscription();
  }

  async function turnOn(box) {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      box.dataset.state = "denied";
      return;
    }
    const reg = await navigator.serviceWorker.ready;
    const sub = await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(box.dataset.pushKey),
    });
    await post("subscribe", {
      endpoint: sub.endpoint,
      p256dh: b64url(sub.getKey("p256dh")),
      auth: b64url(sub.getKey("auth")),
      lang: document.documentElement.lang || "zh-CN",
    });
    box.dataset.state = "enabled";
  }

  async function turnOff(box) {
    const sub = await current();
    if (sub) {
      await post("unsubscribe", { endpoint: sub.endpoint }).catch(() => {});
      await sub.unsubscribe();
    }
    box.dataset.state = "idle";
  }

  async function wire(box) {
    if (box.dataset.wired) return;
    box.dataset.wired = "1";
    if (!supported()) {
      box.dataset.state = "unsupported";
      return;
    }
    if (Notification.permission === "denied") box.dataset.state = "denied";
    const sub = await current().catch(() => null);
    if (sub && Notification.permission === "granted") {
      // The server keeps a subscription for whoever posted it last: post it again, so it is
      // the person logged in now who is told.
      await post("subscribe", {
        endpoint: sub.endpoint,
        p256dh: b64url(sub.getKey("p256dh")),
        auth: b64url(sub.getKey("auth")),
        lang: document.documentElement.lang || "zh-CN",
      }).catch(() => {});
      box.dataset.state = "enabled";
    }
    const on = box.querySelector(".push-on");
    const off = box.querySelector(".push-off");
    on && on.addEventListener("click", () => turnOn(box).catch(() => (box.dataset.state = "failed")));
    off && off.addEventListener("click", () => turnOff(box).catch(() => (box.dataset.state = "failed")));
  }

  // The box arrives with the page or later (client-side navigation): look for it whenever the
  // page changes.
  function scan() {
    document.querySelectorAll(".push-optin[data-push-key]").forEach((box) => wire(box));
  }
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", scan);
})();
