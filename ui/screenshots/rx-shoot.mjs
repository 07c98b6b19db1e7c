// Screenshots of the diagnoses and prescription panels, the chart's medications and the
// medication catalog, before they are placed in the app's screens: a story page
// (rx-stories.html → src/features/prescriptions/stories.tsx) built with the app's Vite config,
// served with the app's CSP from tauri.conf.json, shot in headless Chromium at 1366×768 and
// 1920×1080. PNGs go to ../artifacts/ui/<width>x<height>/rx-*.png (gitignored).
//   node screenshots/rx-shoot.mjs [story]
// The CSP gets `frame-src 'self' blob:` on top of the app's: the print preview shows the PDF in a
// frame from a blob URL, which the app's CSP (default-src 'self') would refuse.
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const ui = join(here, "..");
const out = join(ui, "..", "artifacts", "ui");
const outDir = join(ui, "..", "artifacts", "ui-rx-stories");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const only = process.argv[2];

const conf = JSON.parse(await readFile(join(ui, "..", "tauri.conf.json"), "utf8"));
const directives = { ...conf.app.security.csp, "frame-src": "'self' blob:" };
const csp = Object.entries(directives)
  .map(([directive, value]) => `${directive} ${value}`)
  .join("; ");

await build({
  root: ui,
  configFile: join(ui, "vite.config.ts"),
  logLevel: "warn",
  build: { outDir, emptyOutDir: true, rollupOptions: { input: join(here, "rx-stories.html") } },
});
const server = await preview({
  root: ui,
  configFile: join(ui, "vite.config.ts"),
  logLevel: "warn",
  build: { outDir },
  preview: { port: 4175, strictPort: false, headers: { "Content-Security-Policy": csp } },
});
const baseUrl = server.resolvedUrls.local[0];

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const viewports = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];
const problems = [];
const shots = [];

async function open(viewport, story) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Rome" });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`[console ${msg.type()} ${story}] ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`[page error ${story}] ${err.message}`));
  await page.goto(`${baseUrl}screenshots/rx-stories.html#story=${story}`);
  await page.getByTestId("story-main").waitFor();
  return { context, page };
}

async function shot(page, viewport, name, { fullPage = false } = {}) {
  const dir = join(out, `${viewport.width}x${viewport.height}`);
  await mkdir(dir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  const file = join(dir, `rx-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  shots.push(file);
  const violations = await page.evaluate(() => window.__cspViolations ?? []);
  for (const v of violations) problems.push(`[CSP ${name}] ${v}`);
}

/** Scrolls the story's main column so that `testId` is at its top. */
async function scrollTo(page, testId) {
  await page.getByTestId(testId).evaluate((el) => {
    const main = document.querySelector('[data-testid="story-main"]');
    main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 16;
  });
}

async function typeAndWait(page, prefix, text) {
  await page.getByTestId(`${prefix}-search`).fill(text);
  await page.locator(`[data-testid="${prefix}-results"][data-query="${text}"][data-current="true"]`).waitFor();
}

const flows = {
  async consultation(vp) {
    const { context, page } = await open(vp, "consultation");
    await page.getByTestId("rx-item-2").waitFor();
    await shot(page, vp, "01-consultation");
    await scrollTo(page, "rx-panel");
    await shot(page, vp, "02-prescription-allergy-warning");
    await page.getByTestId("rx-panel").getByLabel("Reason to override").fill("Tolerated amoxicillin in 2024 under observation");
    await scrollTo(page, "rx-items");
    await shot(page, vp, "03-prescription-reason-given");
    await scrollTo(page, "diagnoses-panel");
    await typeAndWait(page, "icd", "diab typ 2");
    await page.getByTestId("icd-search").press("ArrowDown");
    await shot(page, vp, "04-icd-search");
    await page.getByTestId("icd-search").press("Enter");
    await page.getByTestId("diagnosis-chosen").waitFor();
    await shot(page, vp, "05-diagnosis-chosen");
    await scrollTo(page, "rx-add");
    await typeAndWait(page, "rx-med", "metf");
    await shot(page, vp, "06-medication-search");
    await page.getByTestId("rx-med-search").press("Enter");
    await page.getByTestId("rx-editor").waitFor();
    await scrollTo(page, "rx-add");
    await shot(page, vp, "07-item-editor");
    await context.close();
  },
  async signed(vp) {
    const { context, page } = await open(vp, "signed");
    await page.getByTestId("rx-verification").waitFor();
    await scrollTo(page, "diagnoses-panel");
    await shot(page, vp, "08-signed-diagnoses");
    await scrollTo(page, "rx-panel");
    await shot(page, vp, "09-signed-prescription");
    await page.getByTestId("rx-item-1").getByTestId("rx-item-discontinue-1").click();
    await page.getByTestId("rx-reason-dialog").getByTestId("reason-input").waitFor();
    await shot(page, vp, "10-discontinue-dialog");
    await page.keyboard.press("Escape");
    await page.getByTestId("rx-preview").click();
    await page.getByTestId("pdf-frame").waitFor();
    await page.getByTestId("print-printer").waitFor();
    await page.waitForTimeout(800);
    await shot(page, vp, "11-print-preview-signed");
    await page.getByTestId("print-submit").click();
    await page.getByTestId("print-result").waitFor();
    await shot(page, vp, "12-printed");
    await context.close();
  },
  async draftPreview(vp) {
    const { context, page } = await open(vp, "consultation");
    await page.getByTestId("rx-preview").click();
    await page.getByTestId("pdf-draft").waitFor();
    await page.waitForTimeout(800);
    await shot(page, vp, "13-print-preview-draft");
    await context.close();
  },
  async nurse(vp) {
    const { context, page } = await open(vp, "nurse");
    await page.getByTestId("rx-verification").waitFor();
    await scrollTo(page, "diagnoses-panel");
    await shot(page, vp, "14-nurse-read-only");
    await scrollTo(page, "rx-panel");
    await shot(page, vp, "15-nurse-prescription");
    await context.close();
  },
  async renewal(vp) {
    const { context, page } = await open(vp, "renewal");
    await page.getByTestId("rx-item-2").waitFor();
    await scrollTo(page, "rx-panel");
    await shot(page, vp, "16-renewal-duplicates");
    await context.close();
  },
  async chart(vp) {
    const { context, page } = await open(vp, "chart");
    await page.getByTestId("rx-history").waitFor();
    await shot(page, vp, "17-chart-medications");
    await page.getByTestId("rx-history").getByRole("button", { name: /^Open/ }).first().click();
    await page.getByTestId("rx-dialog").getByTestId("rx-status").waitFor();
    await shot(page, vp, "18-chart-open-prescription");
    await context.close();
  },
  async catalog(vp) {
    const { context, page } = await open(vp, "catalog");
    await page.getByTestId("catalog-table").waitFor();
    await shot(page, vp, "19-catalog");
    await page.getByTestId("catalog-add").click();
    await page.getByTestId("medication-generic-name").fill("Mebendazole");
    await page.getByTestId("medication-strength").fill("100 mg");
    await page.getByTestId("medication-form").fill("chewable tablet");
    await page.getByTestId("medication-atc-code").fill("P02-CA");
    await page.getByTestId("medication-dispense-unit").fill("tablet");
    await page.getByTestId("medication-default-dose").fill("1 tablet");
    await page.getByTestId("medication-units-per-dose").fill("1");
    await page.getByTestId("medication-submit").click();
    await page.getByTestId("error-atc_code").waitFor();
    await shot(page, vp, "20-catalog-atc-error");
    await context.close();
  },
};

try {
  for (const vp of viewports) {
    for (const [name, flow] of Object.entries(flows)) {
      if (only && only !== name) continue;
      await flow(vp);
    }
  }
} finally {
  await browser.close();
  await server.close();
}

console.log(`${shots.length} screenshots in ${out}`);
if (problems.length > 0) {
  console.log("Problems seen in the browser:");
  for (const p of [...new Set(problems)]) console.log(`  ${p}`);
  process.exitCode = 1;
} else {
  console.log("No console errors and no CSP violations.");
}
