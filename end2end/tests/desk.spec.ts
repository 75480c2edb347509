import { test, expect, logIn } from "./fixtures";

// Office roles at a desk (1280×800): a side navigation to their tools instead of the phone's
// tab bar, their scope in the header, their tools on the home page. A volunteer keeps the phone
// layout at any width.
const DESK = { width: 1280, height: 800 };

test.use({ viewport: DESK, isMobile: false, hasTouch: false });

test("a coordinator at a desk gets side navigation to their tools and no tab bar over the page", async ({ page }) => {
  await logIn(page, "13800000003", "/");
  const nav = page.getByTestId("desk-nav");
  await expect(nav).toBeVisible();
  await expect(page.locator(".tab-bar")).toBeHidden();
  await expect(page.getByTestId("area-name")).toHaveText("解放路街道 · 协调员");
  for (const name of ["排班管理", "志愿者管理", "队伍", "隐患", "地图", "统计", "审计"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  // The association's boundary import is not a coordinator's tool.
  await expect(nav.getByRole("link", { name: "区域边界" })).toHaveCount(0);
  await expect(page.getByTestId("desk-tools").getByRole("link", { name: "排班管理" })).toBeVisible();

  await nav.getByRole("link", { name: "排班管理", exact: true }).click();
  await expect(page).toHaveURL(/\/shifts\/manage$/);
  await expect(nav.getByRole("link", { name: "排班管理", exact: true })).toHaveAttribute("aria-current", "page");
  // Nothing floats over the form's button: the point at its centre is the button itself.
  const create = page.getByTestId("new-shift").getByRole("button", { name: "创建班次" });
  await create.scrollIntoViewIfNeeded();
  const box = await create.boundingBox();
  expect(box).not.toBeNull();
  const hit = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest("button")?.textContent?.trim() ?? null,
    { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 },
  );
  expect(hit).toBe("创建班次");
  // The page uses the width: the main column is wider than a phone's.
  const main = await page.locator("main").boundingBox();
  expect(main!.width).toBeGreaterThan(900);
  expect(main!.x).toBeGreaterThanOrEqual((await nav.boundingBox())!.width - 1);
});

test("a team leader's desk offers only a leader's tools, and on a phone the tab bar returns", async ({ page }) => {
  await logIn(page, "13800000004", "/");
  const nav = page.getByTestId("desk-nav");
  await expect(page.getByTestId("area-name")).toHaveText("山大路社区 · 队长");
  await expect(nav.getByRole("link", { name: "审计" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "排班管理", exact: true })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(nav).toBeHidden();
  await expect(page.locator(".tab-bar")).toBeVisible();
});

test("a volunteer at a desk keeps the phone layout and their home community", async ({ page }) => {
  await logIn(page, "13800000005", "/");
  await expect(page.getByTestId("desk-nav")).toHaveCount(0);
  await expect(page.locator(".tab-bar")).toBeVisible();
  await expect(page.getByTestId("area-name")).toHaveText("山大路社区");
  await expect(page.getByTestId("desk-tools")).toHaveCount(0);
});
