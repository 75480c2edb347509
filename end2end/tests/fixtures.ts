import { test as base, expect } from "@playwright/test";

// Every page's browser-side errors (a wasm panic, a failed hydration) go to the test output,
// so a failure says why instead of only "button still disabled".
export const test = base.extend({
  page: async ({ page }, use) => {
    page.on("pageerror", (e) => console.log(`[pageerror] ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`[console.error] ${m.text()}`);
    });
    await use(page);
  },
});
export { expect };
export type { Page } from "@playwright/test";
