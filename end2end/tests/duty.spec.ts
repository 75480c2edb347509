import { test, expect, logIn, phone, ready, underServiceWorker, type Page } from "./fixtures";
import { AT_SITE, FAR_AWAY, LEADER, MINUTE, SITE, china, leaderCode, planShift } from "./fixtures";

// The volunteer's core loop on a phone: a leader plans a shift, a volunteer signs up, checks
// in on site (the geofence judges the emulated position), checks out, and the leader confirms
// the hours. Each test has its own demo volunteer (server/src/seed.rs), so they run in parallel
// without one's shifts overlapping another's.
async function signUp(page: Page, notes: string) {
  await page.getByTestId("open-shift").filter({ hasText: notes }).getByTestId("sign-up").click();
  const mine = page.getByTestId("my-shift").filter({ hasText: notes });
  await expect(mine).toBeVisible();
  return mine;
}

test.describe("duty", () => {
  // Each test is two or three people on their own phones (the leader plans, the volunteer
  // acts, the leader decides): three logins and hydrations, beyond the default 30 s on CI's two cores.
  test.describe.configure({ timeout: 90_000 });

  test("sign up, check in at the site, check out; the leader confirms and the hours count", async ({ browser, baseURL }) => {
    const volunteer = "13800000005";
    const notes = `巡逻-${Date.now()}`;
    const now = Date.now();
    // A shift may be entered up to 15 minutes after it began (a patrol that just set out). The
    // form takes whole minutes, so the start typed is up to 59 s earlier than asked for, and the
    // leader's login and form take their time on a busy machine: 13 minutes leaves 1-2 minutes
    // of margin (14 failed CI whenever the test started late in a minute).
    await planShift(browser, baseURL, now - 13 * MINUTE, now + 90 * MINUTE, notes);

    // Time on patrol cannot pass in a test, so the check-in is made on a phone whose clock
    // reads twelve minutes ago: the server keeps the time an event was made on the phone.
    const morning = await phone(browser, baseURL, AT_SITE);
    await morning.addInitScript((offset) => {
      const realNow = Date.now;
      Date.now = () => realNow() - offset;
    }, 12 * MINUTE);
    let page = await morning.newPage();
    await logIn(page, volunteer, "/shifts");
    let mine = await signUp(page, notes);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await expect(mine.getByTestId("checked-in")).toContainText("在巡逻点范围内");
    // The patrol: a batch of positions as the page's recorder sends them (every minute).
    const assignment = Number(await mine.getAttribute("data-assignment"));
    const samples = [0, 1, 2, 3].map((i) => [now - 11 * MINUTE + i * MINUTE, 36.675 + i * 0.0004, 117.0591, 8]);
    const sent = await page.request.post("/api/shifts/track", { data: { input: { assignment_id: assignment, samples } } });
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
    await expect(mine.getByTestId("check-state")).toContainText(/1[123] 分钟/);
    await expect(mine.getByTestId("service-state")).toHaveText("待确认");

    await page.goto("/me/hours");
    await expect(page.getByTestId("pending")).toContainText(/1[123] 分钟/);
    const before = Number(await page.getByTestId("star-progress").getAttribute("value"));

    const leaderContext = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderContext.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    const claim = leader.getByTestId("decide").filter({ hasText: "王志愿" }).filter({ hasText: SITE });
    await expect(claim.getByTestId("claimed")).toContainText(/1[123] 分钟/);
    // The leader sees the patrol track (about 130 m north along the street) before deciding —
    // and, when the checking-out phone's recorder had a fix back at the site before its last
    // flush (sent just after the check-out and kept), the walk back: about 265 m in all.
    await claim.getByTestId("track").locator("summary").click();
    await expect(claim.getByTestId("track-length")).toHaveText(/轨迹长度 (1[23]\d|2[4-8]\d) m/);
    await expect(claim.locator(".track-map path")).toHaveCount(1);
    // The volunteer had been on patrol since the morning briefing: the leader corrects the
    // figure, with the reason the record keeps.
    await claim.getByLabel("更正为（分钟）").fill("120");
    await claim.getByLabel("原因").fill("早班集合后即开始巡逻");
    await claim.getByTestId("confirm-hours").click();
    await expect(claim).toHaveCount(0);
    await leaderContext.close();

    // The audit log says it in a sentence, with the correction as named fields.
    const deskContext = await phone(browser, baseURL, AT_SITE);
    const desk = await deskContext.newPage();
    await logIn(desk, "13800000003", "/audit");
    await desk.getByRole("tab", { name: "服务时长" }).click();
    const entry = desk.locator(".audit-line", { hasText: "郑队长 确认了 王志愿 的服务时长：2 小时" }).first();
    await expect(entry).toBeVisible();
    await expect(entry.locator(".audit-changes")).toContainText("服务时长");
    await expect(entry.locator(".audit-changes")).toContainText("2 小时");
    await expect(entry.locator(".audit-changes")).toContainText("早班集合后即开始巡逻");
    await expect(entry).not.toContainText("decide_hours");
    await expect(entry).not.toContainText("{");
    await deskContext.close();

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

  test("a check-in made before arriving is made again on site; the leader sees both", async ({ browser, baseURL }) => {
    const volunteer = "13800000008";
    const notes = `重签-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, FAR_AWAY);
    const page = await context.newPage();
    await logIn(page, volunteer, "/shifts");
    const mine = await signUp(page, notes);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "outside");
    // Still away, a second try is refused and the first stands.
    await mine.getByTestId("recheck-in").click();
    await expect(mine.getByRole("alert").filter({ hasText: "第一次签到保留" })).toBeVisible();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "outside");
    // Arrived: the check-in made again counts, and the card no longer asks for a reason.
    await context.setGeolocation(AT_SITE);
    await mine.getByTestId("recheck-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await expect(mine.getByTestId("recheck-in")).toHaveCount(0);
    await expect(mine.getByTestId("reason-form")).toHaveCount(0);
    await mine.getByTestId("check-out").click();
    await expect(mine.getByTestId("service-state")).toHaveText("待确认");
    await context.close();

    const leaderContext = await phone(browser, baseURL, AT_SITE);
    const leader = await leaderContext.newPage();
    await logIn(leader, LEADER, "/shifts/manage");
    // The shift's card names its people and where each stands, with their number on request.
    const card = leader.getByTestId("roster-shift").filter({ hasText: notes });
    const person = card.getByTestId("person").filter({ hasText: "孙值守" });
    await expect(person).toHaveAttribute("data-standing", "done");
    await expect(person.getByTestId("standing")).toHaveText(/^已签退 \d\d:\d\d$/);
    await expect(person.getByTestId("person-phone")).toContainText("****");
    await person.getByRole("button", { name: "显示号码" }).click();
    await expect(person.getByTestId("full-phone")).toHaveAttribute("href", `tel:${volunteer}`);

    const claim = leader.getByTestId("decide").filter({ hasText: "孙值守" });
    await expect(claim.getByTestId("superseded")).toContainText(/\d\d:\d\d 先签到过一次（在范围外），后在现场重新签到/);
    await expect(claim.getByTestId("flag")).toHaveCount(0);
    // Confirming says it was done instead of the card just vanishing.
    await claim.getByTestId("confirm-hours").click();
    await expect(leader.getByTestId("decided")).toContainText("已确认 孙值守 的服务时长。");
    await expect(leader.getByTestId("decide").filter({ hasText: "孙值守" })).toHaveCount(0);
    await leaderContext.close();
  });

  test("with location blocked, check-in says so and offers the leader's code first", async ({ browser, baseURL }) => {
    const volunteer = "13800000009";
    const notes = `无定位-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, AT_SITE);
    await context.clearPermissions();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/api/checks")) sent.push(r.postData() ?? "");
    });
    await logIn(page, volunteer, "/shifts");
    // "Near me" explains itself instead of doing nothing.
    await page.getByTestId("near-me").click();
    await expect(page.getByTestId("near-blocked")).toContainText("无法按距离排序");
    const mine = await signUp(page, notes);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("no-position")).toContainText("无法获取位置");
    await expect(mine.locator("details.code-entry")).toHaveAttribute("open", "");
    await expect(mine.getByTestId("code")).toBeVisible();
    expect(sent).toHaveLength(0);
    await expect(mine.getByTestId("checked-in")).toHaveCount(0);
    // Only when the volunteer says so is it stored without a position, for the leader to confirm.
    await mine.getByTestId("check-in-anyway").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "unknown");
    expect(sent).toHaveLength(1);
    await expect(mine.getByTestId("recheck-in")).toBeVisible();
    await context.close();
  });

  test("a check-in that met a cut connection is sent again by the page itself, without Background Sync", async ({ browser, baseURL }) => {
    const volunteer = "13800000010";
    const notes = `重试-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    // No service worker: no Background Sync, as on iOS Safari and Firefox.
    const context = await browser.newContext({
      baseURL,
      locale: "zh-CN",
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: AT_SITE,
      permissions: ["geolocation"],
      serviceWorkers: "block",
    });
    const page = await context.newPage();
    await logIn(page, volunteer, "/shifts");
    const mine = await signUp(page, notes);
    // The network is up, but the first two attempts are cut (a proxy dropping connections).
    let cut = 2;
    await page.route("**/api/checks", (route) => (cut-- > 0 ? route.abort("connectionreset") : route.continue()));
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("check-status")).toHaveText("等待发送：网络恢复后自动发送");
    await expect(page.getByTestId("outbox-pending")).toHaveText("1 条记录在手机上等待发送，会自动重试。");
    // Retried after 5 s, then 10 s: no reload, no `online` event.
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside", { timeout: 30_000 });
    await expect(page.getByTestId("outbox-pending")).toHaveCount(0);
    expect(cut).toBeLessThan(0);
    await context.close();
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

  test("offline, the volunteer's own shifts still open from the tab bar and the check-out waits on the phone", async ({ browser, baseURL }) => {
    const volunteer = "13800000011";
    const notes = `断网-${Date.now()}`;
    const now = Date.now();
    await planShift(browser, baseURL, now + 20 * MINUTE, now + 140 * MINUTE, notes);

    const context = await phone(browser, baseURL, AT_SITE);
    const page = await context.newPage();
    await logIn(page, volunteer, "/shifts");
    await underServiceWorker(page);
    await page.goto("/shifts");
    await ready(page);
    const mine = await signUp(page, notes);
    await mine.getByTestId("check-in").click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await expect(page.getByTestId("last-updated")).toHaveCount(0);

    // Signal lost on patrol; the volunteer moves between tabs (no page load, server calls only).
    await context.setOffline(true);
    const tabs = page.locator("nav.tab-bar");
    await tabs.getByRole("link", { name: "我的", exact: true }).click();
    await expect(page).toHaveURL(/\/me$/);
    await tabs.getByRole("link", { name: "我的班次" }).click();
    await expect(page.getByTestId("offline-banner")).toContainText("签到签退");
    await expect(page.getByTestId("last-updated")).toContainText("最后更新");
    const kept = page.getByTestId("my-shift").filter({ hasText: notes });
    await expect(kept.getByTestId("checked-in")).toHaveAttribute("data-proof", "inside");
    await kept.getByTestId("check-out").click();
    await expect(page.getByTestId("outbox-pending")).toBeVisible();

    await context.setOffline(false);
    await expect(page.getByTestId("outbox-pending")).toHaveCount(0, { timeout: 30_000 });
    await expect(kept.getByTestId("service-state")).toHaveText("待确认");
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

    const code = await leaderCode(browser, baseURL, notes);

    // What the phone camera opens after scanning the QR code.
    await page.goto(`/shifts?code=${code}`);
    await ready(page);
    const mine = page.getByTestId("my-shift").filter({ hasText: notes });
    await expect(mine.getByTestId("code")).toHaveValue(code);
    await mine.locator("details.code-entry").getByRole("button", { name: "签到" }).click();
    await expect(mine.getByTestId("checked-in")).toHaveAttribute("data-proof", "qr");
    await context.close();
  });

  test("the roster refuses bad input at the form and changes nothing", async ({ browser, baseURL }) => {
    const context = await phone(browser, baseURL, AT_SITE);
    const page = await context.newPage();
    await logIn(page, LEADER, "/shifts/manage");
    const form = page.getByTestId("new-shift");
    const notes = `无效-${Date.now()}`;
    const create = form.getByRole("button", { name: "创建班次" });
    // Every problem at once, each beside its field, and the first one's field focused.
    await form.getByLabel("日期", { exact: true }).fill("2020-01-01");
    await form.getByLabel("开始", { exact: true }).fill("09:00");
    await form.getByLabel("结束", { exact: true }).fill("08:30");
    await form.getByLabel("需要人数").fill("0");
    await form.getByLabel("备注").fill(notes);
    await create.click();
    await expect(form.getByTestId("error-start")).toHaveText(/开始时间已经过去/);
    await expect(form.getByTestId("error-end")).toHaveText(/班次太长/);
    await expect(form.getByTestId("error-headcount")).toHaveText("需要人数应为 1 至 500 人。");
    await expect(form.getByLabel("开始", { exact: true })).toBeFocused();
    // 09:00–09:00 was silently 24 hours.
    const tomorrow = china(Date.now() + 24 * 60 * MINUTE).date;
    await form.getByLabel("日期", { exact: true }).fill(tomorrow);
    await form.getByLabel("结束", { exact: true }).fill("09:00");
    await form.getByLabel("需要人数").fill("3");
    await create.click();
    await expect(form.getByTestId("error-end")).toHaveText(/开始和结束时间相同/);
    await expect(form.getByTestId("error-start")).toHaveCount(0);
    await expect(page.getByTestId("roster-shift").filter({ hasText: notes })).toHaveCount(0);
    // A night shift across midnight is fine, and the form says so before it is sent.
    await form.getByLabel("开始", { exact: true }).fill("22:00");
    await form.getByLabel("结束", { exact: true }).fill("06:00");
    await expect(form.getByTestId("length-hint")).toContainText("夜班：次日 06:00 结束，共 8 小时。");

    // A shift weeks ahead is listed once created, and can be found in the list and cancelled.
    const later = china(Date.now() + 30 * 24 * 60 * MINUTE).date;
    await form.getByLabel("日期", { exact: true }).fill(later);
    await form.getByLabel("开始", { exact: true }).fill("08:00");
    await form.getByLabel("结束", { exact: true }).fill("12:00");
    await create.click();
    await expect(form.getByTestId("created")).toHaveText("已创建班次：1");
    await expect(form.getByTestId("created-shifts").locator("li")).toHaveCount(1);
    await expect(page.getByTestId("roster-shift").filter({ hasText: notes })).toHaveCount(0);
    await form.getByTestId("show-created").click();
    const far = page.getByTestId("roster-shift").filter({ hasText: notes });
    await expect(far).toHaveCount(1);
    await far.locator("details.cancel-shift summary").click();
    await far.getByLabel("取消原因（报名者会看到）").fill("计划有变");
    await far.getByRole("button", { name: "取消班次" }).click();
    await expect(page.getByTestId("roster-shift").filter({ hasText: notes })).toContainText("班次已取消");
    // Cancelling a shift needs a reason the volunteers will read (back at the coming fortnight).
    await page.reload();
    await ready(page);
    const shift = page.getByTestId("roster-shift").filter({ has: page.locator("details.cancel-shift") }).first();
    await shift.locator("details.cancel-shift summary").click();
    await shift.getByRole("button", { name: "取消班次" }).click();
    await expect(shift.getByRole("alert")).toHaveText("请填写原因。");
    await context.close();
  });
});
