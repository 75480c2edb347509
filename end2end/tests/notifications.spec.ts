import { test, expect, phone, logIn, ready, planShift, AT_SITE, LEADER, MINUTE } from "./fixtures";

// 13800000012 is used by no other test that makes notices: its counts are this file's own.
const VOLUNTEER = "13800000012";

test.describe("notifications", () => {
  test.describe.configure({ timeout: 120_000 });

  test("a leader cancels a shift: the volunteer's bell counts it without a reload, the centre opens the shift, and settings hold", async ({ browser, baseURL }) => {
    const notes = `通知-${Date.now()}`;
    const start = Date.now() + 3 * 24 * 60 * MINUTE;
    await planShift(browser, baseURL, start, start + 2 * 60 * MINUTE, notes);

    const volunteerPhone = await phone(browser, baseURL, AT_SITE);
    const page = await volunteerPhone.newPage();
    await logIn(page, VOLUNTEER, "/shifts");
    await page.getByTestId("open-shift").filter({ hasText: notes }).getByTestId("sign-up").click();
    await expect(page.getByTestId("my-shift").filter({ hasText: notes })).toBeVisible();
    // Start from a clean centre: whatever an earlier run left is read.
    await page.goto("/notifications");
    await ready(page);
    const readAll = page.getByRole("button", { name: "全部标为已读" });
    if (await readAll.count()) {
      await readAll.click();
      await page.waitForURL("**/notifications");
    }
    await expect(page.getByTestId("bell")).toBeVisible();
    await expect(page.getByTestId("bell-count")).toHaveCount(0);
    await page.goto("/shifts");
    await ready(page);

    // The leader cancels it on their own phone.
    const leaderPhone = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderPhone.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    const card = leader.getByTestId("roster-shift").filter({ hasText: notes });
    // The roster folds each day; three days ahead is folded.
    await leader.locator("details.roster-day", { has: card }).locator("summary").first().click();
    await card.locator("details.cancel-shift summary").click();
    await card.getByLabel("取消原因（报名者会看到）").fill("暴雨红色预警");
    await card.getByRole("button", { name: "取消班次" }).click();
    await expect(leader.getByTestId("roster-shift").filter({ hasText: notes })).toContainText("班次已取消");
    await leaderPhone.close();

    // The volunteer's open page learns of it within 30 s, without a reload.
    await expect(page.getByTestId("bell-count")).toHaveText("1", { timeout: 30_000 });
    await page.getByTestId("bell").click();
    await page.waitForURL("**/notifications");
    await ready(page);
    const notice = page.getByTestId("notice").first();
    await expect(notice).toContainText("班次已取消");
    await expect(notice).toContainText("暴雨红色预警");
    await expect(notice).toContainText("山大路科技市场");
    await expect(page.getByTestId("notice-centre").locator("h2").first()).toHaveText("今天");
    await page.screenshot({ path: "test-results/notifications-zh.png", fullPage: true });
    // Tapping it marks it read and opens the shift's list, where the card says why.
    await notice.getByRole("button").click();
    await page.waitForURL("**/shifts");
    await ready(page);
    await expect(page.getByTestId("bell-count")).toHaveCount(0);
    await page.goto("/notifications");
    await expect(page.getByTestId("notice").first()).not.toHaveClass(/unread/);

    // Settings: push for cancellations off, saved, and still off after a reload.
    await page.goto("/me");
    await ready(page);
    const settings = page.getByTestId("notify-settings");
    const row = settings.locator('tr[data-kind="shift_cancelled"]');
    await expect(row.locator("input[type=checkbox]").first()).toBeChecked();
    await row.locator("input[type=checkbox]").first().uncheck();
    await settings.getByRole("button", { name: "保存" }).click();
    await expect(page.getByTestId("notify-saved")).toBeVisible();
    await page.reload();
    await ready(page);
    await expect(
      page.getByTestId("notify-settings").locator('tr[data-kind="shift_cancelled"] input[type=checkbox]').first(),
    ).not.toBeChecked();
    await expect(
      page.getByTestId("notify-settings").locator('tr[data-kind="hours_confirmed"] input[type=checkbox]').first(),
    ).toBeChecked();
    await page.getByTestId("notify-settings").screenshot({ path: "test-results/notify-settings-zh.png" });
    // And back on, so a second run starts where this one did.
    await page.getByTestId("notify-settings").locator('tr[data-kind="shift_cancelled"] input[type=checkbox]').first().check();
    await page.getByTestId("notify-settings").getByRole("button", { name: "保存" }).click();
    await expect(page.getByTestId("notify-saved")).toBeVisible();
    await volunteerPhone.close();
  });

  test("logged out there is no bell, and the centre asks to log in", async ({ page }) => {
    await page.goto("/");
    await ready(page);
    await expect(page.getByTestId("bell")).toHaveCount(0);
    await page.goto("/notifications");
    await expect(page.getByRole("link", { name: "登录" }).first()).toBeVisible();
  });
});
