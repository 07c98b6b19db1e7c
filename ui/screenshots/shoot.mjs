// Screenshots of every screen at 1366×768 and 1920×1080, for looking at the UI (not part of CI).
//   npm run screenshots            (builds, then runs this)
// The production bundle (dist/) is served by `vite preview` with the app's CSP from
// tauri.conf.json as a header; a fake Tauri IPC backed by src/test/fake-backend.ts is injected
// before the page loads. PNGs go to ../artifacts/ui/<width>x<height>/ (gitignored).
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const ui = join(here, "..");
const out = join(ui, "..", "artifacts", "ui");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const only = process.argv[2]; // optional: a flow name

// The CSP the Tauri window enforces, as an HTTP header for the preview server.
const conf = JSON.parse(await readFile(join(ui, "..", "tauri.conf.json"), "utf8"));
const csp = Object.entries(conf.app.security.csp)
  .map(([directive, value]) => `${directive} ${value}`)
  .join("; ");

// The fake IPC as one classic script.
const bundled = await build({
  configFile: false,
  logLevel: "warn",
  build: {
    write: false,
    lib: { entry: join(here, "mock-tauri.ts"), formats: ["iife"], name: "ClinicDeskMock", fileName: "mock" },
    minify: false,
  },
});
const mockScript = (Array.isArray(bundled) ? bundled[0] : bundled).output[0].code;

const server = await preview({
  root: ui,
  logLevel: "warn",
  preview: { port: 4173, strictPort: false, headers: { "Content-Security-Policy": csp } },
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

async function open(viewport, scenario) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Rome" });
  await context.addInitScript({ content: `window.__CLINICDESK_SCENARIO__ = ${JSON.stringify(scenario)};\n${mockScript}` });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`[console ${msg.type()}] ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`[page error] ${err.message}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`[http ${res.status()}] ${res.url()}`);
  });
  await page.goto(baseUrl);
  return { context, page };
}

async function shot(page, viewport, name) {
  const dir = join(out, `${viewport.width}x${viewport.height}`);
  await mkdir(dir, { recursive: true });
  // Let fonts and transitions settle.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  shots.push(file);
  const violations = await page.evaluate(() => window.__cspViolations ?? []);
  for (const v of violations) problems.push(`[CSP ${name}] ${v}`);
}

async function signIn(page, username, password) {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

const PASSWORDS = {
  admin: "blue lantern orchid 47",
  reception: "warm garden ribbon 47",
  "dr.rossi": "quiet harbour maple 47",
  "dr.okafor": "bright meadow pebble 47",
  "nurse.muller": "silver compass tide 47",
  pharmacy: "clear window saffron 47",
  accounts: "steady ledger violet 47",
  display: "calm screen willow 47",
};

const flows = {
  async firstRun(vp) {
    const { context, page } = await open(vp, { state: "empty" });
    await page.getByTestId("first-run-setup").waitFor();
    await shot(page, vp, "01-first-run");
    await page.getByTestId("first-run-setup").click();
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("error-clinic_name").waitFor();
    await shot(page, vp, "02-wizard-clinic-error");
    await page.getByTestId("wizard-clinic-name").fill("Riverside Family Practice");
    await page.getByTestId("wizard-time-zone").selectOption("Europe/Rome");
    await page.getByTestId("wizard-currency").selectOption("EUR");
    await shot(page, vp, "03-wizard-clinic");
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("wizard-admin-username").fill("Rita Owusu");
    await page.getByTestId("wizard-admin-full-name").fill("Rita Owusu");
    await page.getByTestId("wizard-admin-password").fill("short");
    await page.getByTestId("wizard-admin-password-confirm").fill("different");
    await page.getByTestId("wizard-submit").click();
    await page.getByTestId("error-admin_username").waitFor();
    await shot(page, vp, "04-wizard-admin-errors");
    await page.getByTestId("wizard-admin-username").fill("rita");
    await page.getByTestId("wizard-admin-password").fill("copper kettle morning 19");
    await page.getByTestId("wizard-admin-password-confirm").fill("copper kettle morning 19");
    await shot(page, vp, "05-wizard-admin");
    await page.getByTestId("wizard-submit").click();
    await page.getByTestId("recovery-passphrase").waitFor();
    await shot(page, vp, "06-recovery-passphrase");
    await page.emulateMedia({ media: "print" });
    await shot(page, vp, "07-recovery-print");
    await page.emulateMedia({ media: "screen" });
    await page.getByTestId("recovery-stored").check();
    await page.getByTestId("recovery-continue").click();
    await page.getByTestId("login-username").waitFor();
    await shot(page, vp, "08-login");
    await signIn(page, "rita", "wrong password");
    await page.getByTestId("login-error").waitFor();
    await shot(page, vp, "09-login-error");
    await context.close();
  },

  async demo(vp) {
    const { context, page } = await open(vp, { state: "empty" });
    await page.getByTestId("first-run-demo").click();
    await page.getByTestId("demo-users-table").waitFor();
    await shot(page, vp, "10-demo-users");
    await context.close();
  },

  async admin(vp) {
    const { context, page } = await open(vp, { state: "demo" });
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor();
    await shot(page, vp, "11-home-admin");
    await page.getByTestId("nav-users").click();
    await page.getByTestId("users-table").waitFor();
    await shot(page, vp, "12-users");
    await page.getByTestId("user-create").click();
    await page.getByTestId("user-role").selectOption("doctor");
    await page.getByTestId("user-username").fill("dr.chen");
    await page.getByTestId("user-full-name").fill("Dr. Wei Chen");
    await page.getByTestId("user-specialization").fill("Cardiology");
    await page.getByTestId("user-password").fill("aaaaaaaaaaaaaaaa");
    await page.getByTestId("user-submit").click();
    await page.getByTestId("error-password").waitFor();
    await shot(page, vp, "13-user-create-error");
    await page.getByTestId("user-generate-password").click();
    await page.getByTestId("user-submit").click();
    await page.getByTestId("user-row-dr.chen").waitFor();
    await shot(page, vp, "14-user-created");
    await page.getByTestId("user-disable-pharmacy").click();
    await page.getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "15-user-disable-confirm");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("user-enable-pharmacy").waitFor();
    await page.getByTestId("user-reset-nurse.muller").click();
    await page.getByTestId("reset-password").waitFor();
    await shot(page, vp, "16-user-reset");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("settings-name").waitFor();
    await shot(page, vp, "17-settings");
    await page.getByTestId("settings-idle-lock-minutes").fill("45");
    await page.getByTestId("settings-save").click();
    await page.getByTestId("error-idle_lock_minutes").waitFor();
    await shot(page, vp, "18-settings-error");
    await page.getByTestId("settings-idle-lock-minutes").fill("10");
    await page.getByTestId("settings-save").click();
    await page.getByTestId("settings-saved").waitFor();
    await page.evaluate(() => document.getElementById("main")?.scrollTo(0, 10_000));
    await shot(page, vp, "19-settings-saved");
    await page.getByTestId("nav-audit").click();
    await page.getByTestId("audit-table").waitFor();
    await shot(page, vp, "20-audit");
    await page.getByTestId("nav-account").click();
    await page.getByTestId("account-current-password").waitFor();
    await shot(page, vp, "21-account");
    await page.getByTestId("nav-about").click();
    await page.getByTestId("about-version").waitFor();
    await shot(page, vp, "22-about");
    await page.keyboard.press("Control+K");
    await page.getByTestId("palette-input").waitFor();
    await shot(page, vp, "23-palette");
    await page.getByTestId("palette-input").fill("us");
    await shot(page, vp, "24-palette-filtered");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+L");
    await page.getByTestId("lock-screen").waitFor();
    await shot(page, vp, "25-lock");
    await page.getByTestId("lock-password").fill("not my password");
    await page.getByTestId("lock-submit").click();
    await page.getByTestId("lock-error").waitFor();
    await shot(page, vp, "26-lock-error");
    await context.close();
  },

  async roles(vp) {
    for (const [username, name] of [
      ["reception", "27-home-reception"],
      ["dr.rossi", "28-home-doctor"],
      ["nurse.muller", "29-home-nurse"],
      ["pharmacy", "30-home-pharmacist"],
      ["accounts", "31-home-accountant"],
      ["display", "32-home-kiosk"],
    ]) {
      const { context, page } = await open(vp, { state: "demo" });
      await signIn(page, username, PASSWORDS[username]);
      await page.getByTestId("home-title").waitFor();
      await shot(page, vp, name);
      await context.close();
    }
  },

  async mustChange(vp) {
    const { context, page } = await open(vp, { state: "demo", mustChange: ["reception"] });
    await signIn(page, "reception", PASSWORDS.reception);
    await page.getByTestId("must-change-screen").waitFor();
    await shot(page, vp, "33-must-change");
    await context.close();
  },

  async fatal(vp) {
    const { context, page } = await open(vp, {
      storeError: { code: "wrong_key", message: "the key does not open /home/reception/.local/share/org.clinicdesk.desktop/clinic.db (file is not a database)" },
    });
    await page.getByTestId("fatal-error").waitFor();
    await shot(page, vp, "34-fatal-wrong-key");
    await context.close();
  },

  async patients(vp) {
    const { context, page } = await open(vp, { state: "demo" });
    await signIn(page, "reception", PASSWORDS.reception);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-patients").click();
    await page.getByTestId("patient-results").waitFor();
    await shot(page, vp, "36-patients-recent");
    await page.getByTestId("patient-search").fill("garcia");
    await page.getByTestId("patient-status").getByText("2 patients found", { exact: false }).waitFor();
    await shot(page, vp, "37-patients-search");
    await page.getByTestId("patient-search").fill("marco bianki");
    await page.getByText("Similar spelling").first().waitFor();
    await shot(page, vp, "38-patients-typo");
    await page.getByTestId("patient-new").click();
    await page.getByTestId("patient-submit").click();
    await page.getByTestId("error-given_name").waitFor();
    await shot(page, vp, "39-patient-new-errors");
    await page.getByTestId("patient-given-name").fill("Zsófia");
    await page.getByTestId("patient-family-name").fill("Kovács-Nagy");
    await page.getByTestId("patient-sex").selectOption("female");
    await page.getByTestId("patient-date-of-birth").fill("14/02/1987");
    await page.getByTestId("patient-phone").fill("+36 20 555 1234");
    await page.getByTestId("patient-email").fill("zsofia@example");
    await page.getByTestId("patient-allergy-add").click();
    await page.getByTestId("patient-allergy-substance-0").fill("Penicillin");
    await page.getByTestId("patient-allergy-reaction-0").fill("Anaphylaxis");
    await page.getByTestId("patient-allergy-severity-0").selectOption("severe");
    await page.getByTestId("patient-allergy-add").click();
    await page.getByTestId("patient-submit").click();
    await page.getByTestId("error-email").waitFor();
    await shot(page, vp, "40-patient-new-filled");
    await page.getByTestId("patient-email").fill("zsofia.kovacs@example.hu");
    await page.getByTestId("patient-allergy-remove-1").click();
    await page.getByTestId("patient-submit").click();
    await page.getByTestId("chart-name").waitFor();
    await shot(page, vp, "41-chart-registered");
    await page.getByTestId("nav-patients").click();
    await page.getByTestId("patient-new").click();
    await page.getByTestId("patient-given-name").fill("Maria");
    await page.getByTestId("patient-family-name").fill("Garcia Lopez");
    await page.getByTestId("patient-sex").selectOption("female");
    await page.getByTestId("patient-date-of-birth").fill("1984-03-15");
    await page.getByTestId("patient-phone").fill("0034 612 345 678");
    await page.getByTestId("patient-submit").click();
    await page.getByTestId("duplicate-dialog").waitFor();
    await shot(page, vp, "42-duplicate-prompt");
    await page.locator('[data-testid^="duplicate-open-"]').first().click();
    await page.getByTestId("chart-allergies").waitFor();
    await shot(page, vp, "43-chart");
    await page.getByTestId("chart-tab-allergies").click();
    await page.getByTestId("allergies-table").waitFor();
    await shot(page, vp, "44-chart-allergies");
    await page.getByTestId("allergy-resolve-Latex").click();
    await page.getByTestId("status-reason").fill("Tolerated latex gloves at the last three visits");
    await shot(page, vp, "45-allergy-resolve");
    await page.getByTestId("status-submit").click();
    await page.getByTestId("chart-notice").waitFor();
    await page.getByTestId("allergy-record").click();
    await page.getByTestId("allergy-submit").click();
    await page.getByTestId("error-substance").waitFor();
    await shot(page, vp, "46-allergy-record-errors");
    await page.keyboard.press("Escape");
    await page.getByTestId("chart-tab-timeline").click();
    await page.getByTestId("chart-timeline").waitFor();
    await shot(page, vp, "47-chart-timeline");
    await page.keyboard.press("Control+K");
    await page.getByTestId("palette-input").fill("kovacs");
    await page.locator('[data-testid^="palette-patient-"]').first().waitFor();
    await shot(page, vp, "48-palette-patients");
    await context.close();
  },

  async merge(vp) {
    const { context, page } = await open(vp, { state: "demo" });
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-merge").click();
    await page.getByTestId("merge-survivor-results").waitFor();
    await shot(page, vp, "49-merge-empty");
    await page.getByTestId("merge-survivor-search").fill("bianchi marco");
    await page.getByTestId("merge-survivor-results").getByText("Bianchi, Marco", { exact: true }).click();
    await page.getByTestId("merge-duplicate-search").fill("bianci");
    await page.getByTestId("merge-duplicate-results").getByText("Bianci, Marco", { exact: true }).click();
    await page.getByTestId("merge-compare").waitFor();
    await shot(page, vp, "50-merge-compare");
    await page.getByTestId("merge-reason").fill("Same person registered twice at reception (typo in the family name)");
    await page.getByTestId("merge-submit").click();
    await page.getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "51-merge-confirm");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("merge-result").waitFor();
    await shot(page, vp, "52-merge-result");
    await page.getByTestId("merge-open-survivor").click();
    await page.getByTestId("chart-name").waitFor();
    await page.getByTestId("chart-tab-timeline").click();
    await shot(page, vp, "53-chart-after-merge");
    await context.close();
  },

  async staff(vp) {
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.rossi": "available", "dr.okafor": "busy" } });
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-departments").click();
    await page.getByTestId("departments-table").waitFor();
    await shot(page, vp, "54-departments");
    await page.getByTestId("department-create").click();
    await page.getByTestId("department-name").fill("paediatrics");
    await page.getByTestId("department-submit").click();
    await page.getByTestId("error-name").waitFor();
    await shot(page, vp, "55-department-create-error");
    await page.keyboard.press("Escape");
    await page.getByTestId("department-toggle-Cardiology").click();
    await page.getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "56-department-deactivate");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("departments-notice").waitFor();
    await page.getByTestId("nav-staff").click();
    await page.getByTestId("staff-table").waitFor();
    await shot(page, vp, "57-staff");
    await page.getByTestId("staff-filter-availability").selectOption("available");
    await page.getByTestId("staff-clear-filters").waitFor();
    await shot(page, vp, "58-staff-filtered");
    await page.getByTestId("staff-clear-filters").click();
    await page.getByTestId("staff-edit-dr.rossi").click();
    await page.getByTestId("staff-fee").fill("62.5");
    await page.getByTestId("staff-signature-file").setInputFiles(join(ui, "..", "icons", "128x128.png"));
    await page.getByTestId("staff-signature-preview").waitFor();
    await shot(page, vp, "59-staff-profile");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-users").click();
    await page.getByTestId("user-edit-nurse.muller").click();
    await page.getByTestId("user-department").waitFor();
    await shot(page, vp, "60-user-department");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("settings-national-id-pattern").fill("[A-Z]{6}[0-9]{2}");
    await page.getByTestId("settings-national-id-example").fill("RSSMRA80");
    await page.getByTestId("settings-national-id-example").scrollIntoViewIfNeeded();
    await shot(page, vp, "61-settings-national-id");
    await context.close();
  },

  async doctor(vp) {
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.rossi": "available" } });
    await signIn(page, "dr.okafor", PASSWORDS["dr.okafor"]);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-staff").click();
    await page.getByTestId("my-availability").selectOption("available");
    await page.getByTestId("staff-row-dr.okafor").getByText("Available").waitFor();
    await shot(page, vp, "62-staff-doctor");
    await context.close();
  },

  async loading(vp) {
    const { context, page } = await open(vp, { state: "demo", latency: 1500 });
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor({ timeout: 10_000 });
    await page.getByTestId("nav-users").click();
    await page.getByText("Loading users…").waitFor();
    await shot(page, vp, "35-users-loading");
    await context.close();
  },
};

try {
  if (!only) await rm(out, { recursive: true, force: true });
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
