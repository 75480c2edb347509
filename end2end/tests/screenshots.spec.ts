import { test, type Page } from "@playwright/test";

// Screenshots for a person to look at (never committed). Run with PINGAN_SCREENSHOTS=1.
test.skip(!process.env.PINGAN_SCREENSHOTS, "screenshots only on request");

const anonymous = ["/", "/me", "/login?error=login_failed", "/apply", "/no-such-page", "/offline"];
const coordinator = ["/", "/me", "/password?error=old_password_wrong", "/password?temporary=1", "/me?password_changed=1", "/volunteers", "/audit", "/teams", "/shifts", "/shifts/manage", "/me/hours", "/incidents/new", "/incidents", "/map", "/map?layer=heat&days=365", "/incidents/stats"];

const desk = ["/", "/shifts/manage", "/volunteers", "/map", "/audit", "/incidents"];

async function logIn(page: Page) {
  await page.goto("/login");
  await page.locator('input[name="phone"]').fill("13800000003");
  await page.locator('input[name="password"]').fill("pingan2026");
  await page.locator('form[action="/auth/login"] button[type="submit"]').click();
  await page.waitForURL(/\/$/);
}

for (const locale of ["zh-CN", "en-US"]) {
  for (const [who, paths] of [["anon", anonymous], ["coord", coordinator]] as const) {
    for (const path of paths) {
      test(`screenshot ${locale} ${who} ${path}`, async ({ browser, baseURL }) => {
        const context = await browser.newContext({
          baseURL,
          locale,
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
        });
        const page = await context.newPage();
        if (who === "coord") await logIn(page);
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        const name = `${locale}_${who}${path.replace(/[/?=&]/g, "_")}.png`;
        await page.screenshot({ path: `screenshots/${name}`, fullPage: true });
        await context.close();
      });
    }
  }
}

// Office pages as a desk sees them: 1280×800, side navigation.
for (const locale of ["zh-CN", "en-US"]) {
  for (const path of desk) {
    test(`screenshot ${locale} desk ${path}`, async ({ browser, baseURL }) => {
      const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await logIn(page);
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      const name = `${locale}_desk${path.replace(/[/?=&]/g, "_")}.png`;
      await page.screenshot({ path: `screenshots/${name}`, fullPage: false });
      await context.close();
    });
  }
}
