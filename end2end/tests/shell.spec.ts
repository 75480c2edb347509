import { test, expect } from "./fixtures";

test.describe("the phone shell", () => {
  test("the server-rendered HTML is complete before any script runs", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("平安马甲");
    await expect(page.getByTestId("area-name")).toHaveText("历下区");
    const tabs = page.getByRole("navigation").getByRole("link");
    await expect(tabs).toHaveText(["我的班次", "上报", "我的时长", "我的"]);
    // A plain link works without JavaScript, and the tab knows where it is.
    await tabs.filter({ hasText: "我的时长" }).click();
    await expect(page).toHaveURL(/\/me\/hours$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("我的服务时长");
    await expect(page.locator('.tab[aria-current="page"]')).toHaveText("我的时长");
    await context.close();
  });

  test("an interaction works after hydration: the location check", async ({ page, context }) => {
    await context.grantPermissions(["geolocation"]);
    await context.setGeolocation({ latitude: 36.6651, longitude: 117.0483, accuracy: 12 });
    await page.goto("/me");
    const button = page.getByTestId("gps-check");
    // Disabled until the wasm has hydrated, then live.
    await expect(button).toBeEnabled();
    await button.click();
    await expect(page.getByTestId("gps-result")).toHaveText(/36\.66510, 117\.04830 · 精度约 12 m/);
  });

  test("the location check says so when permission is refused", async ({ page, context }) => {
    await context.clearPermissions();
    await page.goto("/me");
    await expect(page.getByTestId("gps-check")).toBeEnabled();
    await page.getByTestId("gps-check").click();
    await expect(page.getByTestId("gps-result")).toContainText("没有定位权限");
  });

  test("client-side navigation through the tab bar keeps the shell", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("gps-check")).toHaveCount(0);
    await page.getByRole("navigation").getByRole("link", { name: "我的", exact: true }).click();
    await expect(page).toHaveURL(/\/me$/);
    await expect(page.getByTestId("gps-check")).toBeEnabled();
  });

  test("an unknown page answers 404 with a page of its own", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("页面不存在");
    await expect(page.getByRole("navigation")).toBeVisible();
  });
});

test.describe("language", () => {
  test("the switch changes the language and it is remembered", async ({ page }) => {
    await page.goto("/me/hours");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await page.getByRole("button", { name: "切换语言" }).click();
    await expect(page).toHaveURL(/\/me\/hours$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My service hours");
    // Remembered: a fresh visit to another page is still in English.
    await page.goto("/shifts");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("navigation").getByRole("link")).toHaveText(["My shifts", "Report", "My hours", "Me"]);
    // And back.
    await page.getByRole("button", { name: "Change language" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  });

  test("an English browser gets English without choosing", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, locale: "en-US" });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pingan Vest");
    await context.close();
  });
});
