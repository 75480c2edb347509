import { test, expect, logIn, phone, ready } from "./fixtures";

// What a volunteer and a leader hit in their first week (issue #11): controls a thumb can hit,
// pages that fit a small phone, pages that do not offer what the reader cannot use.
const HERE = { latitude: 36.675, longitude: 117.0591, accuracy: 10 };

test("the small controls are big enough for a thumb", async ({ browser, baseURL }) => {
  const context = await phone(browser, baseURL, HERE);
  const page = await context.newPage();
  await logIn(page, "13800000004", "/shifts");
  const tall = async (name: string, locator: ReturnType<typeof page.locator>) => {
    const box = await locator.boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.height, name).toBeGreaterThanOrEqual(44);
  };
  await tall("离我近的", page.getByTestId("near-me"));
  await page.goto("/incidents");
  await ready(page);
  await tall("地图", page.locator(".subnav a").first());
  await tall("统计", page.locator(".subnav a").nth(1));
  await page.goto("/incidents/new");
  await ready(page);
  await tall("重新定位", page.getByRole("button", { name: "重新定位" }));
  await context.close();
});

test("the incident list fits a 360 px phone", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: "zh-CN", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await logIn(page, "13800000003", "/incidents");
  // With the filter open, every field of it on screen.
  await page.locator(".filters summary").click();
  await expect(page.getByTestId("filters")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  for (const field of await page.getByTestId("filters").locator("input, select, button").all()) {
    const box = await field.boundingBox();
    if (box) expect(box.x + box.width, await field.getAttribute("name") ?? "field").toBeLessThanOrEqual(360);
  }
  await context.close();
});

test("the boundary import is not offered to someone logged out", async ({ page }) => {
  await page.goto("/areas/import");
  await ready(page);
  await expect(page.getByTestId("import-file")).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("link", { name: "登录", exact: true })).toBeVisible();
});

test("the English shifts page has two different headings", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: "en-US", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto("/login?next=/shifts");
  await page.locator('input[name="phone"]').fill("13800000006");
  await page.locator('input[name="password"]').fill("pingan2026");
  await page.locator('form[action="/auth/login"] button[type="submit"]').click();
  await page.waitForURL(/\/shifts$/);
  await ready(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My shifts");
  await expect(page.locator("#mine-title")).toHaveText("Shifts I signed up for");
  await context.close();
});
