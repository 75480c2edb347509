import { test, expect, logIn, phone, ready, type Page } from "./fixtures";
import type { Browser } from "@playwright/test";

// The volunteer's core loop on a phone: a leader plans a shift, a volunteer signs up, checks
// in on site (the geofence judges the emulated position), checks out, and the leader confirms
// the hours. Each test has its own demo volunteer (server/src/seed.rs), so they run in parallel
// without one's shifts overlapping another's.
const LEADER = "13800000004";
const MINUTE = 60_000;

// 山大路科技市场: a 50 m circle around this point in the demo district.
const SITE = "山大路科技市场";
const AT_SITE = { latitude: 36.675, longitude: 117.0591, accuracy: 10 };
const FAR_AWAY = { latitude: 36.69, longitude: 117.09, accuracy: 15 };

/// China Standard Time (UTC+8) date and clock of an instant, as the roster form takes them.
function china(ms: number) {
  const iso = new Date(ms + 8 * 60 * MINUTE).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/// The leader plans one shift at SITE from `startsAt` to `endsAt`, marked by `notes`.
async function planShift(browser: Browser, baseURL: string | undefined, startsAt: number, endsAt: number, notes: string) {
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

async function signUp(page: Page, notes: string) {
  await page.getByTestId("open-shift").filter({ hasText: notes }).getByTestId("sign-up").click();
  const mine = page.getByTestId("my-shift").filter({ hasText: notes });
  await expect(mine).toBeVisible();
  return mine;
}

test.describe("duty", () => {
  test("sign up, check in at the site, check out; the leader confirms and the hours count", async ({ browser, baseURL }) => {
    const volunteer = "13800000005";
    const notes = `巡逻-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now - 150 * MINUTE, now + 90 * MINUTE, notes);

    // Two hours on patrol cannot pass in a test, so the check-in is made on a phone whose
    // clock reads two hours ago: the server keeps the time an event was made on the phone.
    const morning = await phone(browser, baseURL, AT_SITE);
    await morning.addInitScript((offset) => {
      const realNow = Date.now;
      Date.now = () => realNow() - offset;
    }, 120 * MINUTE);
    let page = await morning.newPage();
    await logIn(page, volunteer, "/shifts");
    let mine = await signUp(page, notes);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await expect(mine.getByTestId("checked-in")).toContainText("在巡逻点范围内");
    // The patrol: a batch of positions as the page's recorder sends them (every minute).
    const assignment = Number(await mine.getAttribute("data-assignment"));
    const samples = [0, 1, 2, 3].map((i) => [now - 110 * MINUTE + i * MINUTE, 36.675 + i * 0.0004, 117.0591, 8]);
    const sent = await page.request.post("/api/shifts/track", { data: { assignment_id: assignment, samples } });
    expect(sent.ok()).toBeTruthy();
    await morning.close();

    const later = await phone(browser, baseURL, AT_SITE);
    page = await later.newPage();
    await logIn(page, volunteer, "/shifts");
    mine = page.getByTestId("my-shift").filter({ hasText: notes });
    // A shift under way says so; "next" is for the ones still to come.
    await expect(mine.getByTestId("under-way")).toHaveText("进行中");
    await expect(mine.getByTestId("next")).toHaveCount(0);
    await mine.getByTestId("check-out").click();
    await expect(mine.getByTestId("check-state")).toContainText(/2 小时/);
    await expect(mine.getByTestId("service-state")).toHaveText("待确认");

    await page.goto("/me/hours");
    await expect(page.getByTestId("pending")).toContainText(/2 小时/);
    const before = Number(await page.getByTestId("star-progress").getAttribute("value"));

    const leaderContext = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderContext.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    const claim = leader.getByTestId("decide").filter({ hasText: "王志愿" }).filter({ hasText: SITE });
    await expect(claim.getByTestId("claimed")).toContainText(/2 小时/);
    // The leader sees the patrol track (about 130 m north along the street) before deciding —
    // and, when the checking-out phone's recorder had a fix back at the site before its last
    // flush (sent just after the check-out and kept), the walk back: about 265 m in all.
    await claim.getByTestId("track").locator("summary").click();
    await expect(claim.getByTestId("track-length")).toHaveText(/轨迹长度 (1[23]\d|2[4-8]\d) m/);
    await expect(claim.locator(".track-map path")).toHaveCount(1);
    await claim.getByTestId("confirm-hours").click();
    await expect(claim).toHaveCount(0);
    await leaderContext.close();

    await page.reload();
    await expect(page.getByTestId("credited")).toContainText(/2 小时/);
    await expect(page.getByTestId("pending")).toHaveText("0 分钟");
    const after = Number(await page.getByTestId("star-progress").getAttribute("value"));
    expect(after).toBeGreaterThan(before);
    const line = page.locator(".history-line[data-kind=credit]").first();
    await expect(line).toContainText(SITE);
    // Days read as everywhere else ("12月2日 周三"), not "2026-12-02".
    await expect(line).toContainText(/\d+月\d+日 周./);
    await expect(line).not.toContainText(/\d{4}-\d{2}-\d{2}/);

    // A shift days ahead says when check-in opens and until when the place can be given back.
    const ahead = `三天后-${Date.now()}`;
    const inThreeDays = now + 3 * 24 * 60 * MINUTE;
    await planShift(browser, baseURL, inThreeDays, inThreeDays + 120 * MINUTE, ahead);
    await page.goto("/shifts");
    await ready(page);
    const future = await signUp(page, ahead);
    await expect(future.getByTestId("check-opens")).toContainText(/签到于 \d+月\d+日 周. \d\d:\d\d 开放/);
    await expect(future.getByTestId("cancel-until")).toContainText(/\d+月\d+日 周. \d\d:\d\d 前可取消报名/);
    await expect(future.getByTestId("cancel-sign-up")).toBeVisible();
    await later.close();
  });

  test("a check-in outside the fence asks for a reason and is flagged for the leader", async ({ browser, baseURL }) => {
    const volunteer = "13800000006";
    const notes = `外围-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, FAR_AWAY);
    const page = await context.newPage();
    await logIn(page, volunteer, "/shifts");
    const mine = await signUp(page, notes);
    // Twenty minutes before the start the online cancel is over: the card says since when.
    await expect(mine.getByTestId("cancel-sign-up")).toHaveCount(0);
    await expect(mine.getByTestId("cancel-closed")).toContainText("截止；如不能到岗，请联系队长");
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "outside");
    await expect(mine).toContainText("你不在巡逻点范围内");
    const form = mine.getByTestId("reason-form");
    // An empty reason is refused with a message and changes nothing.
    await form.getByRole("button", { name: "提交原因" }).click();
    await expect(form.getByRole("alert")).toHaveText("请填写原因。");
    await form.getByLabel("原因").fill("在路口疏导交通");
    await form.getByRole("button", { name: "提交原因" }).click();
    await expect(mine.getByTestId("reason-form")).toHaveCount(0);
    await mine.getByTestId("check-out").click();
    await expect(mine.getByTestId("service-state")).toHaveText("待确认");
    await context.close();

    const leaderContext = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderContext.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    const claim = leader.getByTestId("decide").filter({ hasText: "李巡逻" });
    await expect(claim.getByTestId("flag")).toHaveText("范围外签到");
    await expect(claim).toContainText("在路口疏导交通");
    // Disputing needs a reason too.
    await claim.getByTestId("dispute-hours").click();
    await expect(claim.getByRole("alert")).toHaveText("请填写原因。");
    await leaderContext.close();
  });

  test("a check-in made offline waits in the outbox, is sent when the network returns, and is stored once", async ({ browser, baseURL }) => {
    const volunteer = "13800000007";
    const notes = `离线-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, AT_SITE);
    const page = await context.newPage();
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/api/checks")) sent.push(r.postData() ?? "");
    });
    await logIn(page, volunteer, "/shifts");
    // Near me: shifts within 3 km, nearest first, each with its distance.
    await page.getByTestId("near-me").click();
    await expect(page.getByTestId("near-me")).toHaveText("已按距离排序");
    await expect(page.getByTestId("open-shift").first().getByTestId("distance")).toHaveText("距你 0 m");
    const mine = await signUp(page, notes);

    await context.setOffline(true);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("check-status")).toHaveText("等待发送：网络恢复后自动发送");
    await expect(page.getByTestId("outbox-pending")).toBeVisible();
    await expect(mine.getByTestId("checked-in")).toHaveCount(0);

    await context.setOffline(false);
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await expect(page.getByTestId("outbox-pending")).toHaveCount(0);

    // The same event sent again (a retry after a lost answer) is acknowledged, not stored again.
    const body = JSON.parse(sent[sent.length - 1]);
    for (let i = 0; i < 2; i++) {
      const again = await page.request.post("/api/checks", { data: body });
      expect(again.status()).toBe(200);
      expect((await again.json()).stored).toBe(false);
    }
    await page.reload();
    await ready(page);
    await expect(page.getByTestId("my-shift").filter({ hasText: notes }).getByTestId("checked-in")).toHaveCount(1);
    await context.close();
  });

  test("the leader's rotating code, scanned as a link, checks a volunteer in without a position", async ({ browser, baseURL }) => {
    // The coordinator wears the vest too; their home is in the street of the site.
    const volunteer = "13800000003";
    const notes = `扫码-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, FAR_AWAY);
    const page = await context.newPage();
    await logIn(page, volunteer, "/shifts");
    await signUp(page, notes);

    const leaderContext = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderContext.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    const shift = leader.getByTestId("roster-shift").filter({ hasText: notes });
    await shift.getByTestId("show-code").click();
    const code = (await shift.getByTestId("check-code").textContent())?.trim() ?? "";
    expect(code).toMatch(/^\d{6}$/);
    await expect(shift.locator(".check-qr svg")).toHaveCount(1);

    // What the phone camera opens after scanning the QR code.
    await page.goto(`/shifts?code=${code}`);
    await ready(page);
    const mine = page.getByTestId("my-shift").filter({ hasText: notes });
    await expect(mine.getByTestId("code")).toHaveValue(code);
    await mine.locator("details.code-entry").getByRole("button", { name: "签到" }).click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "qr");
    await context.close();
    await leaderContext.close();
  });

  test("the roster refuses bad input at the form and changes nothing", async ({ browser, baseURL }) => {
    const context = await phone(browser, baseURL, AT_SITE);
    const page = await context.newPage();
    await logIn(page, LEADER, "/shifts/manage");
    const form = page.getByTestId("new-shift");
    const notes = `无效-${Date.now()}`;
    await form.getByLabel("需要人数").fill("0");
    await form.getByLabel("备注").fill(notes);
    await form.getByRole("button", { name: "创建班次" }).click();
    await expect(form.getByRole("alert")).toHaveText("需要人数应为 1 至 500 人。");
    await form.getByLabel("需要人数").fill("3");
    await form.getByLabel("开始", { exact: true }).fill("");
    await form.getByRole("button", { name: "创建班次" }).click();
    await expect(form.getByRole("alert")).toBeVisible();
    await expect(page.getByTestId("roster-shift").filter({ hasText: notes })).toHaveCount(0);
    // Cancelling a shift needs a reason the volunteers will read.
    const shift = page.getByTestId("roster-shift").first();
    await shift.locator("details.cancel-shift summary").click();
    await shift.getByRole("button", { name: "取消班次" }).click();
    await expect(shift.getByRole("alert")).toHaveText("请填写原因。");
    await context.close();
  });
});
