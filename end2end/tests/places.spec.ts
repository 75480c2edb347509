import { test, expect, logIn, type Page } from "./fixtures";

/// The association admin of the demo district, waiting until `next` has hydrated.
function logInAdmin(page: Page, next: string) {
  return logIn(page, "13800000002", next);
}

const point = (name: string, coords: [number, number]) => ({
  type: "Feature",
  properties: { kind: "site", name, area: "芙蓉街社区", radius_m: 60 },
  geometry: { type: "Point", coordinates: coords },
});

test.describe("places", () => {
  test("the district map shows the communities and their sites", async ({ page }) => {
    await logInAdmin(page, "/");
    const map = page.getByTestId("area-map");
    await expect(map.locator("path.map-area")).toHaveCount(12);
    // 37 seeded sites; the import test below may have added one meanwhile.
    expect(await map.locator(".map-site circle").count()).toBeGreaterThanOrEqual(37);
    // Every name is drawn inside the map, and none covers another.
    const box = (await map.locator("svg").getAttribute("viewBox"))!.split(" ").map(Number);
    const names = await map.locator("text.map-label, text.map-site-label").evaluateAll((els) =>
      els.map((e) => {
        const b = (e as SVGGraphicsElement).getBBox();
        return { name: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
      }),
    );
    expect(names.filter((n) => n.name?.endsWith("社区")).length).toBeGreaterThanOrEqual(10);
    for (const n of names) {
      expect(n.x, n.name!).toBeGreaterThanOrEqual(box[0] - 1);
      expect(n.y, n.name!).toBeGreaterThanOrEqual(box[1] - 1);
      expect(n.x + n.w, n.name!).toBeLessThanOrEqual(box[0] + box[2] + 1);
      expect(n.y + n.h, n.name!).toBeLessThanOrEqual(box[1] + box[3] + 1);
    }
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const [a, b] = [names[i], names[j]];
        const apart = a.x + a.w <= b.x + 2 || b.x + b.w <= a.x + 2 || a.y + a.h <= b.y + 2 || b.y + b.h <= a.y + 2;
        expect(apart, `${a.name} and ${b.name} overlap`).toBe(true);
      }
    }
    await map.locator("a", { hasText: "芙蓉街社区" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("芙蓉街社区");
  });

  test("a bad GeoJSON file lists each problem by feature and imports nothing", async ({ page }) => {
    await logInAdmin(page, "/areas/import");
    const bad = {
      type: "FeatureCollection",
      features: [point("好的点", [117.022, 36.666]), point("写反了", [36.666, 117.022])],
    };
    await page.getByTestId("import-file").setInputFiles({
      name: "sites.geojson",
      mimeType: "application/geo+json",
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    await page.getByTestId("import-start").click();
    const errors = page.getByTestId("import-errors");
    await expect(errors).toContainText("文件有 1 处问题，没有导入任何内容");
    await expect(errors).toContainText("第 2 项（写反了）");
    await expect(errors).toContainText("是否写反了");
  });

  test("a large upload shows its progress, then the import is applied", async ({ page }) => {
    await logInAdmin(page, "/areas/import");
    const name = `测试点${Date.now()}`;
    const good = JSON.stringify({ type: "FeatureCollection", features: [point(name, [117.0225, 36.6655])] });
    // 1.5 MB of whitespace makes a big but valid file; a slow uplink makes the upload take time.
    const big = good.replace("[", "[" + " ".repeat(1_500_000));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: 1_000_000,
      uploadThroughput: 300_000,
    });
    await page.getByTestId("import-file").setInputFiles({
      name: "sites.geojson",
      mimeType: "application/geo+json",
      buffer: Buffer.from(big),
    });
    await page.getByTestId("import-start").click();
    await expect(page.getByTestId("import-progress")).toContainText("正在上传");
    await expect(page.getByTestId("import-done")).toHaveText("已导入 0 个边界、1 个巡逻点。", { timeout: 20_000 });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  });
});
