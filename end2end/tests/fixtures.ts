import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

// Every page's browser-side errors (a wasm panic, a failed hydration) go to the test output,
// so a failure says why instead of only "button still disabled".
export const test = base.extend({
  page: async ({ page }, use) => {
    reportErrors(page);
    await use(page);
  },
});

function reportErrors(page: Page) {
  page.on("pageerror", (e) => console.log(`[pageerror] ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[console.error] ${m.text()}`);
  });
}
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
  const context = await browser.newContext({
    baseURL,
    locale: "zh-CN",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    geolocation: position,
    permissions: ["geolocation"],
  });
  // The other people's phones in a test report their page errors too.
  context.on("page", reportErrors);
  return context;
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

// The duty tests' shared cast and place: the demo team leader plans shifts at one site.
export const LEADER = "13800000004";
export const MINUTE = 60_000;

// 山大路科技市场: a 50 m circle around this point in the demo district.
export const SITE = "山大路科技市场";
export const AT_SITE = { latitude: 36.675, longitude: 117.0591, accuracy: 10 };
export const FAR_AWAY = { latitude: 36.69, longitude: 117.09, accuracy: 15 };

/// China Standard Time (UTC+8) date and clock of an instant, as the roster form takes them.
export function china(ms: number) {
  const iso = new Date(ms + 8 * 60 * MINUTE).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/// The leader plans one shift at SITE from `startsAt` to `endsAt`, marked by `notes`.
export async function planShift(browser: Browser, baseURL: string | undefined, startsAt: number, endsAt: number, notes: string) {
  const context = await phone(browser, baseURL, AT_SITE);
  const page = await context.newPage();
  await logIn(page, LEADER, "/shifts/manage");
  const form = page.getByTestId("new-shift");
  await form.getByLabel("巡逻点").selectOption({ label: SITE });
  await form.getByLabel("日期", { exact: true }).fill(china(startsAt).date);
  await form.getByLabel("开始", { exact: true }).fill(china(startsAt).time);
  await form.getByLabel("结束", { exact: true }).fill(china(endsAt).time);
  await form.getByLabel("需要人数").fill("3");
  await form.getByLabel("备注").fill(notes);
  await form.getByRole("button", { name: "创建班次" }).click();
  await expect(form.getByTestId("created")).toHaveText("已创建班次：1");
  await context.close();
}

/// The check-in code the leader's roster shows for the shift marked `notes` (six digits), read
/// on the leader's own phone.
export async function leaderCode(browser: Browser, baseURL: string | undefined, notes: string): Promise<string> {
  const context = await phone(browser, baseURL, AT_SITE);
  const leader = await context.newPage();
  await logIn(leader, LEADER, "/shifts/manage");
  const shift = leader.getByTestId("roster-shift").filter({ hasText: notes });
  await shift.getByTestId("show-code").click();
  await expect(shift.locator(".check-qr svg")).toHaveCount(1);
  const code = (await shift.getByTestId("check-code").textContent())?.trim() ?? "";
  await context.close();
  expect(code).toMatch(/^\d{6}$/);
  return code;
}
