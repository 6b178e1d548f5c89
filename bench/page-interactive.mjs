// Times a portal page in Chromium as a signed-in user opens it, load after load (a new tab each, the browser's cache
// kept as a returning user has it): from the start of the navigation to the server's first byte, to the page shown
// (DOMContentLoaded), to interactive (the live circuit attached: main[data-circuit=live], when clicks are answered),
// and to every figure of the page (figure[data-plot]) drawn by plotly.js. Prints one line per load, tab-separated, in milliseconds.
// Usage: node bench/page-interactive.mjs URL EMAIL PASSWORD PATH LOADS   (run by bench/compare-benchmark.sh)
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { chromium } = await import(pathToFileURL(join(root, "tests/CamReview.Web.Tests/bin/Release/net10.0/.playwright/package/index.mjs")).href);
const [base, email, password, path, loads] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const signIn = await context.newPage();
await signIn.goto(new URL("account/login", base).href);
await signIn.fill("#login-email", email);
await signIn.fill("#login-password", password);
await signIn.click("[data-testid=sign-in]");
await signIn.waitForSelector("[data-testid=current-user]");
await signIn.close();

console.log("firstByte\tshown\tinteractive\tplotsDrawn\tplots");
for (let i = 0; i < Number(loads); i++) {
  const page = await context.newPage();
  await page.goto(new URL(path, base).href, { waitUntil: "commit" });
  const interactive = await page.waitForFunction(() => document.querySelector("main[data-circuit=live]") && performance.now(), null, { polling: "raf", timeout: 60_000 });
  const drawn = await page.waitForFunction(() => {
    const figures = [...document.querySelectorAll("figure[data-plot]")];
    return figures.length > 0 && figures.every(f => f.querySelector(".js-plotly-plot .main-svg")) && [performance.now(), figures.length];
  }, null, { polling: "raf", timeout: 120_000 });
  const [plotsAt, plots] = await drawn.jsonValue();
  const timing = await page.evaluate(() => performance.getEntriesByType("navigation")[0].toJSON());
  console.log([timing.responseStart, timing.domContentLoadedEventEnd, await interactive.jsonValue(), plotsAt].map(t => t.toFixed(0)).join("\t") + `\t${plots}`);
  await page.close();
}
await browser.close();
