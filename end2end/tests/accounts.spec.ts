import { test, expect, logIn as logInAndWait, ready, type Page } from "./fixtures";

// Demo logins seeded by `pingan seed --demo` (server/src/seed.rs).
const PASSWORD = "pingan2026";
const VOLUNTEER = "13800000005";
const LEADER = "13800000004";

/// Fills and posts the login form, nothing more: with JavaScript off no page hydrates.
async function postLogin(page: Page, phone: string, next = "/me") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
}

/// Logs in and waits until `next` has hydrated: a field filled on the server-rendered page before
/// its handlers are attached would be lost.
function logIn(page: Page, phone: string, next = "/me") {
  return logInAndWait(page, phone, next);
}

test.describe("accounts", () => {
  test("a volunteer logs in, sees themself, and logs out", async ({ page }) => {
    await logIn(page, VOLUNTEER);
    await expect(page).toHaveURL(/\/me$/);
    const card = page.getByTestId("me-card");
    await expect(card).toContainText("王志愿");
    await expect(page.getByTestId("me-role")).toHaveText("志愿者");
    await expect(card).toContainText("山大路社区");
    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/login\?bye=1$/);
    await expect(page.getByRole("status")).toContainText("已退出登录");
    await page.goto("/me");
    await expect(page.getByTestId("me-card")).toHaveCount(0);
  });

  test("login works as a plain form with JavaScript off", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL, locale: "zh-CN" });
    const page = await context.newPage();
    await postLogin(page, LEADER);
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByTestId("me-role")).toHaveText("队长");
    await context.close();
  });

  test("a wrong password is refused with a message and no session", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("手机号").fill("13800000003");
    await page.getByLabel("密码").fill("not-the-password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("手机号或密码不对。");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "pingan_session")).toBeUndefined();
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async ({ page }) => {
    await logIn(page, VOLUNTEER);
    const session = (await page.context().cookies()).find((c) => c.name === "pingan_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
  });
});

test.describe("the 2% target", () => {
  test("home shows the district's progress and its streets ranked; a street shows its communities", async ({ page }) => {
    await logIn(page, VOLUNTEER, "/");
    const card = page.getByTestId("target-card");
    await expect(card).toContainText("2% 目标");
    await expect(card).toContainText("历下区");
    await expect(card.getByTestId("target")).toHaveText("2,084");
    const streets = page.getByTestId("ranking").getByRole("listitem");
    await expect(streets).toHaveCount(3);
    // Ranked: each bar at most as full as the one above it.
    const values = await page.getByTestId("ranking").locator("progress").evaluateAll((els) =>
      els.map((e) => Number((e as HTMLProgressElement).value)),
    );
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    // A street no other test adds communities to (tests run in parallel, in any order).
    await streets.getByRole("link", { name: "千佛山街道" }).click();
    await expect(page).toHaveURL(/\/areas\/\d+$/);
    await expect(page.getByTestId("ranking").getByRole("listitem")).toHaveCount(4);
    await expect(page.getByRole("navigation", { name: "所属区域" })).toContainText("历下区");
  });

  test("figures need a login", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("target-card")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "登录" }).first()).toBeVisible();
  });
});

test.describe("applying", () => {
  test("bad fields are flagged in Chinese, nothing is sent; a good application is received", async ({ page }) => {
    await page.goto("/apply");
    // The app's own checks (the plain form is nojs.spec.ts's).
    await ready(page);
    const send = page.getByTestId("apply-submit");
    await expect(send).toBeEnabled();
    await page.getByLabel("姓名").fill("赵新");
    await page.getByLabel("手机号").fill("12345");
    await page.getByLabel("密码").fill("short");
    await page.getByLabel("身份证号（选填）").fill("110105194912310021");
    await send.click();
    await expect(page.getByTestId("error-phone")).toHaveText("请输入 11 位手机号码，例如 13812345678。");
    await expect(page.getByTestId("error-password")).toHaveText("密码至少8位。");
    await expect(page.getByTestId("error-community_id")).toHaveText("请选择所在社区。");
    await expect(page.getByTestId("error-id_number")).toContainText("校验位");
    await expect(page.getByTestId("error-consent")).toBeVisible();

    const phone = `139${String(Date.now()).slice(-8)}`;
    await page.getByLabel("手机号").fill(phone);
    await page.getByLabel("密码").fill("巡逻平安2026");
    await page.getByLabel("所在社区").selectOption({ label: "芙蓉街社区" });
    await page.getByLabel("身份证号（选填）").fill("11010519491231002X");
    await page.getByLabel("急救").check();
    await page.getByLabel("我已阅读并同意").check();
    await send.click();
    await expect(page.getByTestId("apply-done")).toContainText("申请已提交");

    // The same number cannot apply twice.
    await page.goto("/apply");
    await expect(send).toBeEnabled();
    await page.getByLabel("姓名").fill("赵新");
    await page.getByLabel("手机号").fill(phone);
    await page.getByLabel("密码").fill("巡逻平安2026");
    await page.getByLabel("所在社区").selectOption({ label: "芙蓉街社区" });
    await page.getByLabel("我已阅读并同意").check();
    await send.click();
    await expect(page.getByTestId("error-phone")).toHaveText("这个手机号已经注册过了。");

    // Logged in while the application is reviewed: one clear page of where they stand, on every
    // tab, instead of "not found" or "no permission".
    await logInAndWait(page, phone, "/", "巡逻平安2026");
    const standing = page.getByTestId("standing");
    await expect(standing).toContainText("申请已提交，正在审核");
    await expect(standing).toContainText("芙蓉街社区的协调员会审核你的申请");
    await expect(page.locator("body")).not.toContainText("要找的内容不存在");
    for (const tab of ["我的班次", "上报", "我的时长"]) {
      await page.getByRole("navigation").getByRole("link", { name: tab, exact: true }).click();
      await expect(page.getByTestId("standing")).toContainText("申请已提交，正在审核");
      await expect(page.getByRole("alert")).toHaveCount(0);
    }
    await page.getByRole("navigation").getByRole("link", { name: "我的", exact: true }).click();
    await expect(page.getByTestId("standing")).toBeVisible();
  });

  test("the logged-out home offers applying as a first-class action", async ({ page }) => {
    await page.goto("/");
    await ready(page);
    await page.getByTestId("home-apply").click();
    await expect(page).toHaveURL(/\/apply$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("申请成为平安志愿者");
  });
});

test.describe("managing registrations", () => {
  test("a coordinator approves one application and rejects another with a reason", async ({ page }) => {
    await logIn(page, "13800000003", "/volunteers");
    await expect(page).toHaveURL(/\/volunteers$/);
    const summary = page.getByTestId("list-summary");
    await expect(summary).toContainText("解放路街道");
    const count = async () => Number((await summary.textContent())?.match(/共 (\d+) 人/)?.[1]);
    await expect(page.getByTestId("person").first()).toBeVisible();
    const before = await count();
    expect(before).toBeGreaterThan(1);

    const first = page.getByTestId("person").first();
    const approvedName = await first.locator(".person-name").textContent();
    await first.getByRole("button", { name: "通过", exact: true }).click();
    await expect(summary).toContainText(`共 ${before - 1} 人`);

    const next = page.getByTestId("person").first();
    await next.getByRole("button", { name: "不通过" }).click();
    await expect(next.getByRole("alert")).toHaveText("此项必填。");
    await next.getByLabel("原因").fill("不在本社区居住");
    await next.getByRole("button", { name: "不通过" }).click();
    await expect(summary).toContainText(`共 ${before - 2} 人`);

    // The approved person now has a vest number among the registered.
    await page.getByRole("tab", { name: "已注册" }).click();
    await expect(page.getByTestId("person").first().locator(".badge")).toHaveText("已注册");
    await page.getByPlaceholder("姓名或手机尾号").fill(approvedName ?? "");
    await page.getByPlaceholder("姓名或手机尾号").press("Enter");
    await expect(page.getByTestId("person").first()).toContainText("PA-");
  });

  test("a volunteer cannot open the management list", async ({ page }) => {
    await logIn(page, VOLUNTEER, "/volunteers");
    await expect(page.getByRole("alert")).toHaveText("你没有权限进行此操作。");
    await expect(page.getByTestId("volunteer-list")).toHaveCount(0);
  });
});

test.describe("association admin", () => {
  test("a bad population is refused at the field and changes nothing; a good one is saved", async ({ page }) => {
    await logIn(page, "13800000002", "/");
    await page.getByTestId("ranking").getByRole("link", { name: "泉城路街道" }).click();
    await page.getByTestId("ranking").getByRole("link", { name: "芙蓉街社区" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("芙蓉街社区");
    await expect(page.getByTestId("target")).toHaveText("118");
    await page.getByText("修改人口与目标").click();
    const population = page.getByLabel("常住人口");
    await expect(population).toHaveValue("5900");
    // Only a district has its own rate.
    await expect(page.getByLabel("目标比例")).toHaveCount(0);
    await population.fill("很多");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.locator(".edit-figures .field-error")).toBeVisible();
    await page.getByLabel("统计日期").fill("2099-01-01");
    await population.fill("6000");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.locator(".edit-figures .field-error")).toContainText("不能晚于今天");
    await page.reload();
    await expect(page.getByTestId("target")).toHaveText("118");

    await page.getByText("修改人口与目标").click();
    await page.getByLabel("常住人口").fill("6000");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByTestId("target")).toHaveText("120");
    await page.getByLabel("常住人口").fill("5900");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByTestId("target")).toHaveText("118");
  });

  test("an admin adds a community under a street; a bad name is refused at the field", async ({ page }) => {
    await logIn(page, "13800000002", "/");
    await page.getByTestId("ranking").getByRole("link", { name: "泉城路街道" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("泉城路街道");
    const form = page.getByTestId("new-area");
    await form.getByText("新增下级区域").click();
    await form.getByLabel("名称").fill("芙蓉街社区");
    await form.getByLabel("常住人口").fill("100");
    await form.getByRole("button", { name: "创建" }).click();
    await expect(form.locator(".field-error")).toHaveText("这个名称已被使用。");
    const name = `新社区${Date.now() % 100000}`;
    await form.getByLabel("名称").fill(name);
    await form.getByRole("button", { name: "创建" }).click();
    await expect(page.getByTestId("ranking")).toContainText(name);
    // A community has no areas below it: no such form there.
    await page.getByTestId("ranking").getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.getByTestId("new-area")).toHaveCount(0);
  });

  test("a reset password is temporary: its first login must choose a new one", async ({ page, browser, baseURL }) => {
    await logIn(page, "13800000002", "/volunteers");
    await page.getByRole("tab", { name: "已注册" }).click();
    // Wait for the registered list to replace the applications before picking someone.
    await expect(page.getByTestId("person").first().locator(".badge")).toHaveText("已注册");
    const person = page.getByTestId("person").nth(3);
    // Lists mask numbers; the admin asks for this one (and the request is audited).
    await expect(person.getByTestId("person-phone")).toContainText("****");
    await person.getByRole("button", { name: "显示号码" }).click();
    const phone = (await person.getByTestId("full-phone").textContent()) ?? "";
    expect(phone).toMatch(/^1\d{10}$/);
    await person.getByRole("button", { name: "重置密码" }).click();
    const temp = (await person.getByTestId("temp-password").locator("strong").textContent()) ?? "";
    expect(temp).toHaveLength(10);

    const context = await browser.newContext({ baseURL, locale: "zh-CN" });
    const other = await context.newPage();
    await other.goto("/login?next=/me");
    await other.getByLabel("手机号").fill(phone);
    await other.getByLabel("密码").fill(temp);
    await other.getByRole("button", { name: "登录" }).click();
    // Nothing else opens until the person has a password of their own.
    await expect(other).toHaveURL(/\/password\?temporary=1/);
    await expect(other.getByTestId("password-temporary")).toBeVisible();
    await other.goto("/me");
    await expect(other).toHaveURL(/\/password\?temporary=1/);
    // Bad input is refused with its message and changes nothing.
    await other.getByLabel("当前密码").fill(temp);
    await other.getByLabel("新密码（至少 8 位，不能是手机号）").fill(phone);
    await other.getByRole("button", { name: "保存新密码" }).click();
    await expect(other.getByTestId("password-error")).toHaveText("密码不能与手机号相同。");
    await other.getByLabel("当前密码").fill("not-the-temporary");
    await other.getByLabel("新密码（至少 8 位，不能是手机号）").fill("巡逻平安新密码2026");
    await other.getByRole("button", { name: "保存新密码" }).click();
    await expect(other.getByTestId("password-error")).toHaveText("当前密码不正确。");
    await other.getByLabel("当前密码").fill(temp);
    await other.getByLabel("新密码（至少 8 位，不能是手机号）").fill("巡逻平安新密码2026");
    await other.getByRole("button", { name: "保存新密码" }).click();
    await expect(other.getByTestId("me-card")).toContainText(phone);
    await expect(other.getByTestId("password-changed")).toBeVisible();
    await context.close();
  });
});

test.describe("patrol teams", () => {
  test("a coordinator forms a team, adds a volunteer by number and names them leader", async ({ page }) => {
    await logIn(page, "13800000003", "/teams");
    const name = `巡逻队${Date.now() % 100000}`;
    const form = page.getByTestId("new-team");
    await form.getByLabel("所在社区").selectOption({ label: "山大路社区" });
    await form.getByLabel("队名").fill(name);
    await form.getByRole("button", { name: "创建" }).click();
    const team = page.getByTestId("team").filter({ hasText: name });
    await expect(team).toBeVisible();

    await team.getByLabel("按手机号添加队员").fill("12345");
    await team.getByRole("button", { name: "添加队员" }).click();
    await expect(team.getByRole("alert")).toContainText("11 位手机号码");
    // A seeded volunteer of 山大路社区 without a login (the demo logins keep their roles).
    await team.getByLabel("按手机号添加队员").fill("13900000001");
    await team.getByRole("button", { name: "添加队员" }).click();
    await expect(team.locator(".member")).toHaveCount(1);
    await expect(team.locator(".member")).toContainText("139****0001");
    await team.getByRole("button", { name: "设为队长" }).click();
    await expect(team.locator(".member .badge")).toHaveText("队长");
    // The role can be taken back; the person stays on the team.
    await team.getByRole("button", { name: "撤销队长" }).click();
    await expect(team.locator(".member .badge")).toHaveCount(0);
    await expect(team.getByRole("button", { name: "设为队长" })).toBeVisible();
    await expect(team.locator(".member")).toHaveCount(1);

    // The same name twice in one community is refused.
    await form.getByLabel("所在社区").selectOption({ label: "山大路社区" });
    await form.getByLabel("队名").fill(name);
    await form.getByRole("button", { name: "创建" }).click();
    await expect(form.getByRole("alert")).toHaveText("这个名称已被使用。");
  });
});
