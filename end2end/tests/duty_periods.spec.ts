import { test, expect, phone, logIn, ready, MINUTE } from "./fixtures";

// The association admin plans for the whole district; the three answering volunteers live in
// 建新社区 (千佛山街道), where no other test's people, shifts or notices are.
const PLANNER = "13800000002";
const ANSWERING = [
  { phone: "13800000013", name: "冯巡逻" },
  { phone: "13800000014", name: "褚值守" },
  { phone: "13800000015", name: "卫守望" },
];
const SITE = "建新小区东门";
const NEAR_SITE = { latitude: 36.651, longitude: 117.03, accuracy: 10 };
/// Inside 建新小区东门's fence (50 m around 36.652, 117.0291).
const AT_JIANXIN = { latitude: 36.652, longitude: 117.0291, accuracy: 10 };

/// The date in China `days` from now, as `<input type="date">` takes it.
function chinaDate(days: number): string {
  return new Date(Date.now() + days * 24 * 60 * MINUTE + 8 * 60 * MINUTE).toISOString().slice(0, 10);
}

test.describe("duty periods", () => {
  test.describe.configure({ timeout: 180_000 });

  test("a planner sets the grid, three volunteers answer on their phones, the roster is generated, changed by hand and published, and a volunteer finds the shift", async ({ browser, baseURL }) => {
    const name = `测试勤务 ${Date.now()}`;
    const desk = await browser.newContext({ baseURL, locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await desk.newPage();
    await logIn(page, PLANNER, "/duty-periods");

    // A new period, far enough ahead that no other test plans there.
    const form = page.getByTestId("new-period");
    await form.getByLabel("名称", { exact: true }).fill(name);
    await form.getByLabel("覆盖区域（这里的志愿者会被征集）").selectOption({ label: "千佛山街道" });
    await form.getByLabel("开始日期").fill(chinaDate(25));
    await form.getByLabel("结束日期").fill(chinaDate(26));
    await form.getByLabel("每天的时段").fill("07:00-11:00, 11:00-15:00");
    await form.getByLabel(SITE).check();
    await form.getByRole("button", { name: "新建" }).click();
    await page.waitForURL(/\/duty-periods\/\d+$/);
    await ready(page);
    const id = new URL(page.url()).pathname.split("/").pop();

    // Every day, every slot: one at least, two wanted.
    const fill = page.getByTestId("fill-rule");
    await fill.getByLabel("最少").fill("1");
    await fill.getByLabel("目标").fill("2");
    await fill.getByRole("button", { name: "填写" }).click();
    await expect(fill).toContainText("已填写 4 格");
    await expect(page.getByTestId("period-totals")).toContainText("最少 4 人次（16 小时），目标 8 人次");

    // A bad cell is refused at the cell, and nothing changes.
    await page.getByTestId(/^cell-/).first().click();
    const panel = page.getByTestId("cell-panel");
    await panel.getByLabel("最少").fill("-1");
    await panel.getByRole("button", { name: "保存这一格" }).click();
    await expect(panel.getByTestId("error-min")).toHaveText("人数应为 0 至 500（0 表示这一格不排人）。");
    await expect(page.getByTestId("period-totals")).toContainText("最少 4 人次");
    await page.screenshot({ path: "test-results/duty-period-grid-desk.png", fullPage: true });

    await page.getByTestId("publish-period").click();
    await expect(page.getByTestId("period-status")).toHaveText("征集中");

    // Three volunteers answer on their phones: all three can do the first day, one of them
    // the second morning too; nobody the second afternoon.
    for (const [n, who] of ANSWERING.entries()) {
      const context = await phone(browser, baseURL, NEAR_SITE);
      const p = await context.newPage();
      await logIn(p, who.phone, `/duty-periods/${id}/answer`);
      await expect(p.getByRole("heading", { level: 1 })).toHaveText(name);
      await p.getByRole("button", { name: "全天能来" }).first().click();
      if (n === 1) {
        await p.getByTestId("answer-1-0").click();
      }
      await expect(p.getByTestId("answer-count")).toContainText(n === 1 ? "已选 3 个" : "已选 2 个");
      await p.getByTestId("send-answer").click();
      await expect(p.getByTestId("answer-saved")).toBeVisible();
      if (n === 1) {
        await p.screenshot({ path: "test-results/duty-period-answer-phone.png", fullPage: true });
      }
      await context.close();
    }

    await page.reload();
    await ready(page);
    await expect(page.getByTestId("answer-rates")).toContainText("3/");

    // Generate: the first day full to its target, the second morning its minimum, the second
    // afternoon short — and it says why.
    await page.getByTestId("generate").click();
    const report = page.getByTestId("generate-report");
    await expect(report).toContainText("已排 5 人次");
    await expect(report).toContainText("需 1 人，已排 0 人");

    // The first cell by hand: whoever is not on it replaces the first person on it.
    await page.getByTestId(/^cell-/).first().click();
    const people = panel.getByTestId("cell-people");
    await expect(people.locator("li")).toHaveCount(2);
    const placed = await people.innerText();
    const outsider = ANSWERING.find((w) => !placed.includes(w.name));
    expect(outsider).toBeTruthy();
    await panel.getByLabel("加人（只列出报了能来的人）").selectOption({ label: outsider!.name });
    await people.getByTestId("replace-person").first().click();
    await expect(people).toContainText(outsider!.name);
    await expect(people.locator("li")).toHaveCount(2);
    await page.screenshot({ path: "test-results/duty-period-review-desk.png", fullPage: true });

    await page.getByTestId("publish-roster").click();
    await expect(page.getByTestId("roster-published")).toContainText("已生成 4 个班次、5 个排班");
    await expect(page.getByTestId("period-status")).toHaveText("执行中");

    // On paper: the first day's sheet has the people, a blank line for no one, and the CSV.
    await page.getByTestId("print-link").click();
    await page.waitForURL(/\/print$/);
    await ready(page);
    const sheet = page.getByTestId("print-sheet");
    await expect(sheet).toContainText(SITE);
    await expect(sheet).toContainText(outsider!.name);
    await expect(sheet.locator("tbody tr")).toHaveCount(4);
    await expect(page.getByTestId("roster-csv")).toHaveAttribute("href", /^data:text\/csv/);
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: "test-results/duty-period-print.png", fullPage: true });
    await desk.close();

    // The one who came in by hand finds the shift in 我的班次, and the notice that says so.
    const context = await phone(browser, baseURL, NEAR_SITE);
    const p = await context.newPage();
    await logIn(p, outsider!.phone, "/shifts");
    await expect(p.getByTestId("my-shift").filter({ hasText: SITE }).first()).toBeVisible();
    await p.goto("/notifications");
    await ready(p);
    await expect(p.getByTestId("notice").filter({ hasText: "勤务排班已发布" }).first()).toContainText(name);
    await context.close();
  });

  test("live coverage: one checks in and the site turns green within 15 s without a reload, one who did not come is late", async ({ browser, baseURL }) => {
    // A period today whose one slot began 20 minutes ago (China time), past the 15-minute grace.
    const start = new Date(Date.now() - 20 * MINUTE + 8 * 60 * MINUTE);
    const end = new Date(start.getTime() + 4 * 60 * MINUTE);
    const clock = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    const date = start.toISOString().slice(0, 10);
    const name = `在岗测试 ${Date.now()}`;
    const desk = await browser.newContext({ baseURL, locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await desk.newPage();
    await logIn(page, PLANNER, "/duty-periods");
    const form = page.getByTestId("new-period");
    await form.getByLabel("名称", { exact: true }).fill(name);
    await form.getByLabel("覆盖区域（这里的志愿者会被征集）").selectOption({ label: "千佛山街道" });
    await form.getByLabel("开始日期").fill(date);
    await form.getByLabel("结束日期").fill(date);
    await form.getByLabel("每天的时段").fill(`${clock(start)}-${clock(end)}`);
    await form.getByLabel(SITE).check();
    await form.getByRole("button", { name: "新建" }).click();
    await page.waitForURL(/\/duty-periods\/\d+$/);
    await ready(page);
    const id = new URL(page.url()).pathname.split("/").pop();
    const fill = page.getByTestId("fill-rule");
    await fill.getByLabel("最少").fill("1");
    await fill.getByLabel("目标").fill("2");
    await fill.getByRole("button", { name: "填写" }).click();
    await expect(fill).toContainText("已填写 1 格");
    await page.getByTestId("publish-period").click();
    await expect(page.getByTestId("period-status")).toHaveText("征集中");

    const [comes, stays] = ANSWERING;
    for (const who of [comes, stays]) {
      const context = await phone(browser, baseURL, NEAR_SITE);
      const p = await context.newPage();
      await logIn(p, who.phone, `/duty-periods/${id}/answer`);
      await p.getByRole("button", { name: "全天能来" }).first().click();
      await p.getByTestId("send-answer").click();
      await expect(p.getByTestId("answer-saved")).toBeVisible();
      await context.close();
    }
    await page.reload();
    await ready(page);
    await page.getByTestId("generate").click();
    await expect(page.getByTestId("generate-report")).toContainText("已排 2 人次");
    await page.getByTestId("publish-roster").click();
    await expect(page.getByTestId("roster-published")).toBeVisible();

    await page.goto(`/duty-periods/${id}/live`);
    await ready(page);
    const card = page.getByTestId("live-site").filter({ hasText: SITE });
    await expect(card).toHaveAttribute("data-cover", "gap");
    await expect(card.getByTestId("late")).toContainText(comes.name);

    // One of them checks in at the site; the open live page turns it green by itself.
    const context = await phone(browser, baseURL, AT_JIANXIN);
    const p = await context.newPage();
    await logIn(p, comes.phone, "/shifts");
    const mine = p.getByTestId("my-shift").filter({ hasText: name });
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await context.close();
    await expect(card).toHaveAttribute("data-cover", "met", { timeout: 15_000 });
    await expect(card.getByTestId("late")).toContainText(stays.name);
    await expect(card.getByTestId("late")).not.toContainText(comes.name);
    await page.screenshot({ path: "test-results/duty-period-live-desk.png", fullPage: true });
    await page.goto(`/duty-periods/${id}/live?wall=1`);
    await ready(page);
    await page.screenshot({ path: "test-results/duty-period-live-wall.png" });
    // The turnout so far: one came, late; the one minimum place is covered.
    await page.goto(`/duty-periods/${id}`);
    await ready(page);
    const turnout = page.getByTestId("turnout");
    await expect(turnout.locator("tr.total")).toContainText("100.0%");
    await desk.close();
  });
});
