// Takes the screenshots of the README (docs/*.png) from the demo content of a running portal, in Chromium; with
// --walk DIR instead, every page of the portal in the dark and the light theme (DIR/<page>-<theme>.png), to look
// the whole portal over after a change of its look. scripts/screenshots.sh starts a portal with the demo for it.
// Usage: node scripts/screenshots.mjs URL EMAIL PASSWORD [--walk DIR]
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const playwrightModule = join(root, "tests/CamReview.Web.Tests/bin/Release/net10.0/.playwright/package/index.mjs");
if (!existsSync(playwrightModule)) throw new Error(`${playwrightModule} is missing: build the tests first (scripts/setup.sh)`);
const { chromium } = await import(pathToFileURL(playwrightModule).href);

const [base, email, password, flag, walkDir] = process.argv.slice(2);
if (!base || !email || !password || (flag && (flag !== "--walk" || !walkDir))) {
  console.error("usage: node scripts/screenshots.mjs URL EMAIL PASSWORD [--walk DIR]");
  process.exit(2);
}
const url = path => new URL(path, base.endsWith("/") ? base : base + "/").href;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });

// A browser context in one theme (the portal reads its cookie on every page load), optionally signed in.
async function context(theme, { signIn = true, ...options } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  await ctx.addCookies([{ name: "camreview-theme", value: theme, url: url("/") }]);
  if (signIn) {
    const page = await ctx.newPage();
    await page.goto(url("account/login"));
    await page.fill("#login-email", email);
    await page.fill("#login-password", password);
    await page.click("[data-testid=sign-in]");
    await page.waitForSelector("[data-testid=current-user]");
    await page.close();
  }
  return ctx;
}

// Opens a page and waits until it is drawn: the circuit up on interactive pages, the plots drawn, the videos' first
// frames shown.
async function open(ctx, path) {
  const page = await ctx.newPage();
  await page.goto(url(path));
  if (await page.locator("main[data-circuit]").count()) await page.waitForSelector("main[data-circuit=live]", { state: "attached", timeout: 30_000 });
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForFunction(() => [...document.querySelectorAll("video")].every(v => v.readyState >= 2 || v.error || !v.src && !v.querySelector("source")),
    null, { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(800);
  return page;
}

const json = async (ctx, path) => {
  const answer = await ctx.request.get(url(path));
  if (!answer.ok()) throw new Error(`GET ${path} answered ${answer.status()}`);
  return answer.json();
};

// The demo's project, pair, study, team, share link and participant link, once its outputs are scored and its
// simulated participants have voted.
async function demo(ctx) {
  for (let i = 0; i < 600; i++) {
    const project = (await json(ctx, "api/projects")).find(p => p.name.startsWith("Demo"));
    const study = (await json(ctx, "api/studies")).find(s => s.name.startsWith("Demo"));
    if (project && study && study.completed > 0 && study.completed === study.participants) {
      const [pair] = await json(ctx, `api/projects/${project.id}/pairs`);
      const [share] = (await json(ctx, `api/pairs/${pair.id}/share-links`)).filter(l => !l.revokedUtc);
      const [team] = await json(ctx, "api/teams");
      const details = await json(ctx, `api/studies/${study.id}`);
      return { project: project.id, pair: pair.id, study: study.id, team: team.id, share: share.url, participant: `p/${details.token}` };
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error("the demo content was not ready after 10 minutes");
}

const signedIn = await context("dark");
const d = await demo(signedIn);
await signedIn.close();

if (flag === "--walk") {
  mkdirSync(walkDir, { recursive: true });
  const pages = [
    ["home", ""], ["projects", "projects"], ["project", `projects/${d.project}`], ["pair", `projects/${d.project}/pairs/${d.pair}`],
    ["compare", `projects/${d.project}/pairs/${d.pair}/compare`], ["compare-index", "compare"],
    ["leaderboard", `projects/${d.project}/leaderboard`], ["studies", "studies"], ["study", `studies/${d.study}`],
    ["study-edit", `studies/${d.study}/edit`], ["study-new", `studies/new/${d.project}`], ["teams", "teams"], ["team", `teams/${d.team}`],
    ["metrics-help", "help/metrics"], ["password", "account/password"], ["error", "error"], ["not-found", "no-such-page"],
  ];
  const anonymous = [["login", "account/login"], ["share", d.share], ["participant", d.participant], ["share-closed", "share/no-such-link"]];
  for (const theme of ["dark", "light"]) {
    for (const [list, signIn] of [[pages, true], [anonymous, false]]) {
      const ctx = await context(theme, { signIn });
      for (const [name, path] of list) {
        const page = await open(ctx, path);
        await page.screenshot({ path: join(walkDir, `${name}-${theme}.png`), fullPage: true });
        console.log(`${name}-${theme}.png  /${path}`);
        await page.close();
      }
      await ctx.close();
    }
  }
} else {
  const docs = join(root, "docs");
  const shoot = async (page, name, options = {}) => {
    await page.screenshot({ path: join(docs, name), ...options });
    console.log(`docs/${name}`);
  };
  const ctx = await context("dark");
  await shoot(await open(ctx, "projects"), "portal.png");
  await shoot(await open(ctx, `projects/${d.project}/pairs/${d.pair}`), "pair.png", { fullPage: true });
  await shoot(await open(ctx, `projects/${d.project}/leaderboard`), "leaderboard.png", { fullPage: true });
  // The study page down to the end of its first question's results (the page holds one such block per question).
  const study = await open(ctx, `studies/${d.study}`);
  const firstQuestion = await study.locator("[data-testid=question-results]").first().boundingBox();
  await shoot(study, "study-results.png", { fullPage: true, clip: { x: 0, y: 0, width: 1440, height: Math.ceil(firstQuestion.y + firstQuestion.height + 24) } });

  // The compare page with its review tools in use: an in/out range, a zoomed player, a rectangle drawn on the
  // second output and posted with a comment, and a reply in the demo's comment thread.
  const compare = await open(ctx, `projects/${d.project}/pairs/${d.pair}/compare`);
  await compare.keyboard.press("Home");
  for (let i = 0; i < 4; i++) await compare.keyboard.press("ArrowRight");
  await compare.keyboard.press("i");
  for (let i = 0; i < 12; i++) await compare.keyboard.press("ArrowRight");
  await compare.click("[data-testid=mark-out]");
  await compare.click("[data-testid=draw]");
  await compare.click("[data-testid=tool-rect]");
  const layer = await compare.locator("[data-drawing-layer='2']").boundingBox();
  await compare.mouse.move(layer.x + layer.width * 0.3, layer.y + layer.height * 0.55);
  await compare.mouse.down();
  await compare.mouse.move(layer.x + layer.width * 0.7, layer.y + layer.height * 0.9, { steps: 4 });
  await compare.mouse.up();
  await compare.fill("[data-testid=comment-input]", "The lower edge smears where the border is filled in.");
  await compare.click("[data-testid=add-comment]");
  await compare.waitForSelector("[data-testid=has-drawing]");
  const thread = compare.locator("[data-testid=comment-thread]").first();
  await thread.locator("[data-testid=reply]").click();
  await thread.locator("[data-testid=reply-input]").fill("Agreed; the safe crop avoids it.");
  await thread.locator("[data-testid=post-reply]").click();
  await thread.locator("[data-testid=comment]").nth(1).waitFor();
  await compare.click("[data-testid=zoom-in]");
  await compare.waitForTimeout(500);
  await shoot(compare, "compare.png", { fullPage: true });
  await ctx.close();

  // The participant page on a phone, at its first trial.
  const phone = await context("dark", { signIn: false, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const participant = await open(phone, d.participant);
  if (await participant.locator("[data-testid=consent-check]").count()) await participant.check("[data-testid=consent-check]");
  await participant.click("[data-testid=start]");
  await participant.waitForSelector("[data-testid=candidate]");
  await participant.waitForTimeout(1500);
  await shoot(participant, "participant-phone.png");
  await phone.close();
}
await browser.close();
