import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

// Every page's browser-side errors (a wasm panic, a failed hydration) go to the test output,
// so a failure says why instead of only "button still disabled".
export const test = base.extend({
  page: async ({ page }, use) => {
    page.on("pageerror", (e) => console.log(`[pageerror] ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`[console.error] ${m.text()}`);
    });
    await use(page);
  },
});
export { expect };
export type { Page } from "@playwright/test";

/// The password of every demo login (`pingan seed --demo`, server/src/seed.rs).
export const DEMO_PASSWORD = "pingan2026";

/// A phone at 390×844 in Chinese, with location permission and its position set.
export async function phone(
  browser: Browser,
  baseURL: string | undefined,
  position: { latitude: number; longitude: number; accuracy: number },
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    locale: "zh-CN",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    geolocation: position,
    permissions: ["geolocation"],
  });
}

/// Waits until the app has hydrated (its buttons work).
export async function ready(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/// Logs a demo login (or anyone, with their password) in and waits on `next`, hydrated.
export async function logIn(page: Page, phoneNumber: string, next: string, password = DEMO_PASSWORD) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("手机号").fill(phoneNumber);
  await page.getByLabel("密码").fill(password);
  // The login page can finish hydrating while its form is being posted; marked, it cannot be
  // mistaken for the hydrated next page in the moment before the browser swaps documents.
  await page.evaluate(() => {
    (window as unknown as { leaving?: boolean }).leaving = true;
  });
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((url) => url.pathname === next);
  await page.waitForFunction(
    () => !(window as unknown as { leaving?: boolean }).leaving && document.documentElement.dataset.hydrated === "true",
  );
}

/// Opens `/` and waits until the service worker (registered by the hydrated app) has installed
/// and controls the page.
export async function underServiceWorker(page: Page) {
  await page.goto("/");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}
