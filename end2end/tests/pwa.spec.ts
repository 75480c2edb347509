import { test, expect, logIn, phone, ready, underServiceWorker } from "./fixtures";

test("the manifest is valid and its icons exist at their stated sizes", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const res = await request.get(href!);
  expect(res.ok()).toBeTruthy();
  const manifest = await res.json();
  expect(manifest.name).toContain("平安马甲");
  expect(manifest.short_name).toBe("平安马甲");
  expect(manifest.display).toBe("standalone");
  expect(manifest.start_url).toMatch(/^\//);
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const pngs = manifest.icons.filter((i: { type: string }) => i.type === "image/png");
  const sizes = pngs.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose?.includes("maskable"))).toBeTruthy();
  for (const icon of pngs) {
    const img = await request.get(icon.src);
    expect(img.ok(), icon.src).toBeTruthy();
    const body = await img.body();
    // PNG header: width and height are big-endian at bytes 16..24.
    const [w, h] = icon.sizes.split("x").map(Number);
    expect(body.readUInt32BE(16), icon.src).toBe(w);
    expect(body.readUInt32BE(20), icon.src).toBe(h);
  }
});

test("the service worker registers and serves the offline page without a network", async ({ page, context }) => {
  await underServiceWorker(page);

  // The office pages' wasm chunk is not pre-cached (a volunteer's phone never runs it); the
  // first time an office page fetches it, the worker keeps it.
  const officeChunkCached = () =>
    page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        if ((await cache.keys()).some((r) => r.url.includes("split_office_pages"))) return true;
      }
      return false;
    });
  expect(await officeChunkCached()).toBe(false);
  await page.goto("/teams");
  await ready(page);
  await expect.poll(officeChunkCached).toBe(true);

  await context.setOffline(true);
  // A page never visited: the pre-cached offline page stands in.
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/incidents/new").catch(() => undefined);
  await expect(page.getByTestId("offline-page")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("网络未连接");
  // It is shown at its own address, so the app hydrates it, and "retry" leads back.
  await expect(page).toHaveURL(/\/offline\?from=%2Fincidents%2Fnew$/);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("retry")).toHaveAttribute("href", "/incidents/new");
  expect(errors).toEqual([]);
  // A page read online before is served from the cache.
  await page.goto("/").catch(() => undefined);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("平安马甲");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // A page whose code was never fetched online still opens: its wasm chunk was pre-cached with
  // the shell (the split build, app/src/shell/lazy.rs).
  await page.getByRole("navigation").getByRole("link", { name: "我的", exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByTestId("gps-check")).toBeEnabled();
  expect(errors).toEqual([]);
  await context.setOffline(false);
});

test("the banner shows while the browser is offline", async ({ page, context }) => {
  await page.goto("/shifts");
  await expect(page.getByTestId("gps-check")).toHaveCount(0);
  // The app marks the document once the wasm has hydrated it.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await context.setOffline(true);
  await expect(page.getByTestId("offline-banner")).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByTestId("offline-banner")).toBeHidden();
});

test("hashed assets are cached for good and pages are not", async ({ page, request }) => {
  const response = await page.goto("/");
  expect(response?.headers()["cache-control"]).toContain("no-cache");
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const css = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  expect(css).toMatch(/^\/pkg\/pingan\.[^.]+\.css$/);
  const asset = await request.get(css!);
  expect(asset.headers()["cache-control"]).toContain("immutable");
});

test("offline, a page whose code is not on the phone says so, and the app keeps working", async ({ page, context }) => {
  await underServiceWorker(page);
  await ready(page);

  await context.setOffline(true);
  // An office page never opened on this phone: its chunk was neither fetched nor pre-cached.
  // (A link added to the page: the router follows any link, and an anonymous reader has none
  // to the office pages.)
  await page.evaluate(() => {
    const a = document.createElement("a");
    a.href = "/teams";
    a.id = "to-teams";
    a.textContent = "teams";
    document.body.append(a);
  });
  await page.locator("#to-teams").click();
  const notice = page.getByTestId("page-not-loaded");
  await expect(notice).toContainText("这一页还没有下载到手机上");
  await expect(notice.getByRole("link", { name: "重试" })).toHaveAttribute("href", "/teams");
  // The app still runs: the tab bar opens a pre-cached page and its button works.
  await page.getByRole("navigation").getByRole("link", { name: "我的", exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByTestId("gps-check")).toBeEnabled();
  await context.setOffline(false);
});

test("on a shared phone nobody reads the last person's pages, and their waiting report still reaches them", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const first = "13800000006";
  const next = "13800000004";
  const text = `共用手机缓存-${Date.now()}`;
  // About 3 km from the other tests' reports, so pins never cluster with theirs.
  const context = await phone(browser, baseURL, { latitude: 36.69, longitude: 117.09, accuracy: 10 });
  const page = await context.newPage();
  await underServiceWorker(page);

  // The first person reads their own pages online; the worker keeps them for them.
  await logIn(page, first, "/me");
  await expect(page.getByTestId("me-card")).toContainText(first);
  await page.goto("/me/hours");
  await ready(page);
  // Their report cannot go out yet (the network drops it): it waits in the outbox.
  await page.route("**/api/incidents", (route) => route.abort());
  await page.goto("/incidents/new");
  await ready(page);
  await expect(page.getByTestId("position")).toContainText("精度约 10 m");
  await page.getByRole("radio", { name: "治安隐患" }).check();
  await page.getByLabel("情况说明").fill(text);
  await page.getByTestId("report-submit").click();
  await expect(page.getByTestId("report-queued")).toBeVisible();
  // They log out; the next person logs in on the same phone and reads a desk page.
  await page.goto("/me");
  await ready(page);
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login\?bye=1/);
  await page.unroute("**/api/incidents");
  await logIn(page, next, "/me");
  await expect(page.getByTestId("me-card")).toContainText(next);
  await page.goto("/volunteers");
  await ready(page);

  const kept = () =>
    page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        if (!name.startsWith("pingan-pages-")) continue;
        const cache = await caches.open(name);
        for (const r of await cache.keys()) urls.push(new URL(r.url).pathname);
      }
      return urls;
    });
  // A desk page with other people's data is never kept; the first person's pages are gone.
  await expect.poll(kept).toContain("/me");
  expect(await kept()).not.toContain("/volunteers");
  expect(await kept()).not.toContain("/me/hours");

  await context.setOffline(true);
  await page.goto("/me").catch(() => undefined);
  await expect(page.getByTestId("me-card")).toContainText(next);
  await expect(page.locator("body")).not.toContainText(first);
  // The first person's hours page, kept for them before, does not open for the next one.
  await page.goto("/me/hours").catch(() => undefined);
  await expect(page.getByTestId("offline-page")).toBeVisible();
  await context.setOffline(false);

  // The first person logs in again: their waiting report goes out under their name.
  await page.goto("/me");
  await ready(page);
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login\?bye=1/);
  await logIn(page, first, "/incidents");
  await expect
    .poll(
      async () => {
        await page.reload();
        await ready(page);
        return page.getByTestId("incident-card").filter({ hasText: text }).count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
  await context.close();
});

test("a phone whose storage is full still sends a report instead of hanging the form", async ({ browser, baseURL }) => {
  const context = await phone(browser, baseURL, { latitude: 36.69, longitude: 117.09, accuracy: 10 });
  // Every outbox write is aborted at commit, as IndexedDB does when the phone's storage quota
  // is used up: the write itself succeeded, so only the transaction's "abort" event fires.
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args: Parameters<typeof put>) {
      const req = put.apply(this, args);
      const tx = this.transaction;
      req.addEventListener("success", () => tx.abort());
      return req;
    };
  });
  const page = await context.newPage();
  const text = `存储已满-${Date.now()}`;
  await logIn(page, "13800000007", "/incidents/new");
  await expect(page.getByTestId("position")).toContainText("精度约 10 m");
  await page.getByRole("radio", { name: "可疑情况" }).check();
  await page.getByLabel("情况说明").fill(text);
  await page.getByTestId("report-submit").click();
  await expect(page.getByTestId("report-sent")).toBeVisible();
  await context.close();
});
