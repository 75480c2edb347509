import { test, expect, ready, DEMO_PASSWORD, MINUTE, planShift, leaderCode, logIn } from "./fixtures";
import type { Browser, Page } from "@playwright/test";

// With JavaScript off (or before the app's code has arrived on a slow network) the field
// actions are plain forms the server handles: sign up, cancel, check in with the leader's
// code, check out, report. A check-in by position needs the app, and the page says so.
const VOLUNTEER = "13800000012";

async function scriptless(browser: Browser, baseURL: string | undefined) {
  return browser.newContext({
    baseURL,
    locale: "zh-CN",
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: false,
  });
}

async function logInWithoutScript(page: Page, phoneNumber: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("手机号").fill(phoneNumber);
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((url) => url.pathname === next);
}

test("without JavaScript a volunteer signs up, cancels, checks in with the code, checks out and reports", async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const notes = `无脚本-${Date.now()}`;
  const later = `无脚本晚班-${Date.now()}`;
  const now = Date.now();
  await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);
  // Far enough ahead to be given back (the cut-off is two hours before the start).
  await planShift(browser, baseURL, now + 240 * MINUTE, now + 300 * MINUTE, later);

  const context = await scriptless(browser, baseURL);
  const page = await context.newPage();
  await logInWithoutScript(page, VOLUNTEER, "/shifts");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");

  // Sign up: the form is posted and the page comes back with the shift among mine; then give
  // it back the same way.
  await page.getByTestId("open-shift").filter({ hasText: later }).getByTestId("sign-up").click();
  const given = page.getByTestId("my-shift").filter({ hasText: later });
  await expect(given).toBeVisible();
  await given.getByTestId("cancel-sign-up").click();
  await expect(page.getByTestId("my-shift").filter({ hasText: later })).toHaveCount(0);
  await expect(page.getByTestId("open-shift").filter({ hasText: later })).toHaveCount(1);

  await page.getByTestId("open-shift").filter({ hasText: notes }).getByTestId("sign-up").click();
  const mine = page.getByTestId("my-shift").filter({ hasText: notes });
  await expect(mine).toBeVisible();

  // A check-in by position cannot be made without the app: the page says so and stores nothing.
  await mine.getByTestId("check-in").click();
  await expect(mine.getByTestId("form-error")).toContainText("按位置签到需要网页的脚本");
  await expect(mine.getByTestId("checked-in")).toHaveCount(0);

  // The leader's code works as a plain form.
  const code = await leaderCode(browser, baseURL, notes);
  await mine.locator("details.code-entry summary").click();
  await mine.getByTestId("code").fill(code);
  await mine.getByTestId("code-submit").click();
  await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "qr");
  await mine.getByTestId("check-out").click();
  await expect(mine.getByTestId("check-state")).toContainText("已签退");

  // A report, placed at the site chosen as "near" (no position, no photos without the app).
  await page.goto("/incidents/new");
  const text = `无脚本上报-${Date.now()}`;
  await page.locator(`input[name="input[category]"]`).first().check();
  await page.getByLabel("情况说明").fill(text);
  await page.getByTestId("near-site").selectOption({ label: "山大路科技市场" });
  await page.getByTestId("report-submit").click();
  await page.waitForURL(/\/incidents\/\d+$/);
  await expect(page.getByTestId("incident-body")).toHaveText(text);
  await expect(page.getByTestId("position")).toContainText("在山大路科技市场范围内");
  await context.close();
});

test("without JavaScript a report missing its place says so beside the field and stores nothing", async ({ browser, baseURL }) => {
  const context = await scriptless(browser, baseURL);
  const page = await context.newPage();
  await logInWithoutScript(page, VOLUNTEER, "/incidents/new");
  const text = `无地点-${Date.now()}`;
  await page.locator(`input[name="input[category]"]`).first().check();
  await page.getByLabel("情况说明").fill(text);
  await page.getByTestId("report-submit").click();
  await page.waitForURL((url) => url.pathname === "/incidents/new");
  await expect(page.getByTestId("error-site")).toHaveText("此项必填。");
  await context.close();
  // Nothing was stored: the reporter's own list does not have it.
  const check = await browser.newContext({ baseURL, locale: "zh-CN" });
  const p = await check.newPage();
  await logIn(p, VOLUNTEER, "/incidents");
  await ready(p);
  await expect(p.getByText(text)).toHaveCount(0);
  await check.close();
});

test("without JavaScript an application is refused field by field, then received", async ({ browser, baseURL }) => {
  const context = await scriptless(browser, baseURL);
  const page = await context.newPage();
  await page.goto("/apply");
  await page.getByLabel("姓名").fill("周无脚");
  await page.getByLabel("手机号").fill("12345");
  await page.getByLabel("密码").fill("巡逻平安2026");
  await page.getByTestId("apply-submit").click();
  // Every problem at once, each beside its field, and nothing stored.
  await expect(page.getByTestId("error-phone")).toHaveText("请输入 11 位手机号码，例如 13812345678。");
  await expect(page.getByTestId("error-community_id")).toHaveText("请选择所在社区。");
  await expect(page.getByTestId("error-consent")).toBeVisible();

  const phone = `137${String(Date.now()).slice(-8)}`;
  await page.getByLabel("姓名").fill("周无脚");
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码").fill("巡逻平安2026");
  await page.getByLabel("所在社区").selectOption({ label: "山大路社区" });
  await page.locator('input[name="input[skills][first_aid]"]').check();
  await page.locator('input[name="input[consent]"]').check();
  await page.getByTestId("apply-submit").click();
  await expect(page.getByTestId("apply-done")).toBeVisible();
  await context.close();

  // Stored: the applicant can log in and sees where the application stands.
  const later = await browser.newContext({ baseURL, locale: "zh-CN" });
  const applicant = await later.newPage();
  await logIn(applicant, phone, "/", "巡逻平安2026");
  await expect(applicant.getByTestId("standing")).toContainText("山大路社区");
  await later.close();
});
