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

async function open(viewport, scenario, { time } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/Rome" });
  // A fixed wall clock (timers still run), set before the fake backend lays out its demo day around "now".
  if (time) await context.clock.setFixedTime(new Date(time));
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

// Wednesday 4 March 2026, 10:05 in Rome: a clinic morning with visits done, one running, more to come.
const CLINIC_MORNING = "2026-03-04T09:05:00Z";
const CLINIC_DATE = "2026-03-04";

/** Signs `username` in at another desk (its own session in the same fake backend, whose events reach this window). */
async function anotherDesk(page, username) {
  const dispatch = (name, token, input) =>
    page.evaluate((args) => window.__TAURI_INTERNALS__.invoke("dispatch", args).catch((e) => ({ refused: e })), { name, token, input }).then((answer) => {
      if (answer && typeof answer === "object" && "refused" in answer) throw new Error(`${name}: ${JSON.stringify(answer.refused)}`);
      return answer;
    });
  const { token } = await dispatch("login", null, { username, password: PASSWORDS[username] });
  return (name, input) => dispatch(name, token, input);
}

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
      ["display", "32-kiosk-display"],
    ]) {
      const { context, page } = await open(vp, { state: "demo" });
      await signIn(page, username, PASSWORDS[username]);
      // The kiosk account lands on the waiting-room display.
      await page.getByTestId(username === "display" ? "display-page" : "home-title").waitFor();
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

  async calendar(vp) {
    const { context, page } = await open(vp, { state: "demo" });
    await signIn(page, "reception", PASSWORDS.reception);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-calendar").click();
    await page.locator('[data-testid^="event-"]').first().waitFor();
    await shot(page, vp, "63-calendar-day");
    await page.getByTestId("calendar-view-week").click();
    await page.getByTestId("calendar-week-doctor").selectOption({ label: "Dr. Giulia Rossi" });
    await page.getByTestId("calendar").and(page.locator('[data-view="week"]')).waitFor();
    await page.locator('[data-testid^="event-"]').first().waitFor();
    await shot(page, vp, "64-calendar-week");
    await page.getByTestId("calendar-view-day").click();
    // A later appointment of today (or the next weekday with one): its details, then booking over it.
    const later = page.locator('[data-testid^="event-"][data-status="scheduled"]');
    for (let i = 0; i < 7 && (await later.count()) === 0; i += 1) {
      await page.getByTestId("calendar-next").click();
      await page.waitForTimeout(300);
    }
    const target = later.last();
    const start = await target.getAttribute("data-start");
    const doctor = await target.getAttribute("data-doctor");
    await target.click();
    await page.getByTestId("appointment-panel").waitFor();
    await shot(page, vp, "65-calendar-event");
    const [date, time] = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Rome", dateStyle: "short", timeStyle: "short" }).format(new Date(start)).split(" ");
    await page.getByTestId("calendar-book").click();
    await page.getByTestId("book-patient-search").fill("bianci");
    await page.getByTestId("book-patient-results").getByText("Bianci, Marco", { exact: true }).click();
    await page.getByTestId("book-doctor").selectOption(doctor);
    await page.getByTestId("book-start-date").fill(date);
    await page.getByTestId("book-start-time").selectOption(time);
    await page.getByTestId("book-reason").fill("Follow-up of blood tests");
    await page.getByTestId("book-submit").click();
    await page.getByTestId("error-starts_at").waitFor();
    await shot(page, vp, "66-calendar-double-booking");
    await page.keyboard.press("Escape");
    await page.getByTestId("calendar-find-slot").click();
    await page.getByTestId("find-patient-search").fill("bianci");
    await page.getByTestId("find-patient-results").getByText("Bianci, Marco", { exact: true }).click();
    await page.getByTestId("find-results").waitFor();
    await shot(page, vp, "67-calendar-find-slot");
    await page.keyboard.press("Escape");
    // A real drag: the appointment one hour later (refused or moved, the calendar says which).
    const box = await target.boundingBox();
    const hour = await page.locator(".rbc-day-slot .rbc-timeslot-group").first().boundingBox();
    if (box && hour) {
      await page.mouse.move(box.x + box.width / 2, box.y + 6);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + 6 + hour.height / 2, { steps: 5 });
      await page.mouse.move(box.x + box.width / 2, box.y + 6 + hour.height, { steps: 5 });
      await page.mouse.up();
      await page.locator('[data-testid="calendar-notice"], [data-testid="calendar-alert"], [data-testid="scope-dialog"][open]').first().waitFor();
      await shot(page, vp, "68-calendar-dragged");
    }
    await page.getByTestId("calendar-walk-in").click();
    await page.getByTestId("booking-dialog").waitFor();
    await shot(page, vp, "69-calendar-walk-in");
    await context.close();
  },

  async reception(vp) {
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.rossi": "available", "dr.okafor": "busy" } }, { time: CLINIC_MORNING });
    await signIn(page, "reception", PASSWORDS.reception);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-today").click();
    await page.getByTestId("today-board").waitFor();
    // Two patients arrive: they join their doctors' queues with the day's next tickets.
    for (let i = 0; i < 2; i += 1) {
      await page.getByTestId("today-group-upcoming").locator('[data-testid^="check-in-"]').first().click();
      await page.getByTestId("today-notice").waitFor();
      await page.waitForTimeout(200);
    }
    await page.getByTestId("queue-panel").locator('[data-testid^="queue-entry-"]').nth(1).waitFor();
    await shot(page, vp, "70-today-board");
    await page.getByTestId("today-search").focus();
    await page.keyboard.type("lef");
    await page.keyboard.press("ArrowDown");
    await shot(page, vp, "71-today-search");
    await page.getByTestId("today-search").fill("");
    // Another desk cancels a later appointment: the freed slot is offered to the waitlist at once.
    const desk = await anotherDesk(page, "reception");
    const day = await desk("list_day", { date: CLINIC_DATE });
    const later = day.appointments.filter((a) => a.status === "scheduled" && a.doctor_name === "Dr. Giulia Rossi" && Date.parse(a.ends_at) - Date.parse(a.starts_at) >= 30 * 60_000).at(-1);
    if (later) await desk("cancel_appointment", { appointment_id: later.id, reason: "Patient called to cancel" });
    await page.locator('[data-testid^="waitlist-offer-"]').first().waitFor();
    await page.getByTestId("waitlist-panel").scrollIntoViewIfNeeded();
    await shot(page, vp, "72-today-waitlist-offer");
    await page.getByTestId("today-group-upcoming").locator('[data-testid^="no-show-"]').first().click();
    await page.getByTestId("today-error").waitFor();
    await page.evaluate(() => document.getElementById("main")?.scrollTo(0, 0));
    await shot(page, vp, "73-today-no-show-refused");
    await page.getByTestId("walk-in").click();
    await page.getByTestId("walk-in-patient-search").fill("bianchi marco");
    await page.getByTestId("walk-in-patient-results").getByText("Bianchi, Marco", { exact: true }).click();
    await page.getByTestId("walk-in-doctor").selectOption({ index: 1 });
    await page.getByTestId("walk-in-reason").fill("Dressing change");
    await shot(page, vp, "74-today-walk-in");
    await page.keyboard.press("Escape");
    await page.getByTestId("waitlist-add").click();
    await page.getByTestId("waitlist-add-submit").click();
    await page.getByTestId("error-patient_id").waitFor();
    await shot(page, vp, "75-waitlist-add-errors");
    await context.close();
  },

  async display(vp) {
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.rossi": "available", "dr.okafor": "busy" } }, { time: CLINIC_MORNING });
    // Reception checks a few patients in; the nurse calls one in to Dr. Rossi.
    const desk = await anotherDesk(page, "reception");
    const day = await desk("list_day", { date: CLINIC_DATE });
    for (const a of day.appointments.filter((x) => x.status === "scheduled").slice(0, 4)) await desk("check_in_appointment", { appointment_id: a.id });
    const rossi = day.appointments.find((a) => a.doctor_name === "Dr. Giulia Rossi");
    if (rossi) await (await anotherDesk(page, "nurse.muller"))("call_next_patient", { doctor_id: rossi.doctor_id });
    await signIn(page, "display", PASSWORDS.display);
    await page.getByTestId("display-page").waitFor();
    await page.locator('[data-testid^="display-ticket-"]').first().waitFor();
    await shot(page, vp, "76-waiting-room-display");
    await context.close();
  },

  async doctorStatus(vp) {
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.okafor": "busy" } }, { time: CLINIC_MORNING });
    await signIn(page, "dr.rossi", PASSWORDS["dr.rossi"]);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("status-menu").getByText("Offline").waitFor();
    await page.getByTestId("status-menu").click();
    await page.getByTestId("status-options").waitFor();
    await shot(page, vp, "77-status-menu");
    await page.getByTestId("status-option-available").click();
    await page.getByTestId("status-menu").getByText("Available").waitFor();
    // The nurse checks the doctor's next patient in and calls them in: Rust marks the doctor busy, the header follows.
    const desk = await anotherDesk(page, "nurse.muller");
    const day = await desk("list_day", { date: CLINIC_DATE });
    const next = day.appointments.find((a) => a.status === "scheduled" && a.doctor_name === "Dr. Giulia Rossi");
    if (next) {
      await desk("check_in_appointment", { appointment_id: next.id });
      await desk("call_next_patient", { doctor_id: next.doctor_id });
    }
    await page.getByTestId("status-menu").getByText("Busy").waitFor();
    await page.getByTestId("nav-today").click();
    await page.getByTestId("today-board").waitFor();
    await shot(page, vp, "78-doctor-today-busy");
    await context.close();
  },

  async availability(vp) {
    const { context, page } = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-availability").click();
    await page.getByTestId("availability-doctor").selectOption({ label: "Dr. Giulia Rossi — General practice" });
    await page.getByTestId("block-start-0").waitFor();
    await shot(page, vp, "79-availability-weekly");
    await page.getByTestId("block-add-6").click();
    await page.getByTestId("block-add-6").click();
    const blocks = await page.locator('[data-testid^="block-start-"]').count();
    await page.getByTestId(`block-end-${blocks - 2}`).fill("08:00");
    await page.getByTestId(`block-start-${blocks - 1}`).fill("10:00");
    await page.getByTestId("weekly-save").click();
    await page.getByTestId(`error-blocks.${blocks - 2}.end`).waitFor();
    await page.getByTestId("weekday-6").scrollIntoViewIfNeeded();
    await shot(page, vp, "80-availability-errors");
    await page.getByTestId("availability-tab-exceptions").click();
    await page.getByTestId("exception-starts-at").fill("2026-03-16T08:00");
    await page.getByTestId("exception-ends-at").fill("2026-03-20T18:00");
    await page.getByTestId("exception-reason").fill("Annual leave");
    await page.getByTestId("exception-submit").click();
    await page.getByTestId("exceptions-table").waitFor();
    await page.getByTestId("exception-kind").selectOption("extra");
    await page.getByTestId("exception-starts-at").fill("2026-03-07T09:00");
    await page.getByTestId("exception-ends-at").fill("2026-03-07T13:00");
    await page.getByTestId("exception-reason").fill("Saturday flu vaccination clinic");
    await page.getByTestId("exception-submit").click();
    await page.getByTestId("exceptions-table").getByText("Saturday flu vaccination clinic").waitFor();
    await shot(page, vp, "81-availability-exceptions");
    await page.getByTestId("availability-tab-visitTypes").click();
    await page.getByTestId("visit-types-table").waitFor();
    await shot(page, vp, "82-visit-types");
    await page.getByTestId("visit-type-create").click();
    await page.getByTestId("visit-type-name").fill("Consultation");
    await page.getByTestId("visit-type-minutes").fill("7");
    await page.getByTestId("visit-type-submit").click();
    await page.getByTestId("error-minutes").waitFor();
    await shot(page, vp, "83-visit-type-errors");
    await context.close();
  },

  async consultation(vp) {
    // 08:05 in Rome: María García López (allergic to penicillin) has checked in for Dr. Rossi's 08:30.
    const { context, page } = await open(vp, { state: "demo", availability: { "dr.rossi": "available" } }, { time: "2026-03-04T07:05:00Z" });
    await signIn(page, "dr.rossi", PASSWORDS["dr.rossi"]);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-today").click();
    await page.getByTestId("today-board").waitFor();
    const start = page.getByTestId("queue-doctor-dr.rossi").locator('[data-testid^="queue-start-"]').first();
    await start.waitFor();
    await shot(page, vp, "84-today-doctor-start");
    await start.click();
    await page.getByTestId("consultation").waitFor();
    // A typo in the temperature: Rust refuses it by field, with the plausible range.
    await page.getByTestId("vitals-temperature_c").fill("73");
    await page.getByTestId("vitals-pulse_bpm").fill("112");
    await page.getByTestId("vitals-submit").click();
    await page.getByTestId("error-temperature_c").waitFor();
    await page.getByTestId("vitals-panel").scrollIntoViewIfNeeded();
    await shot(page, vp, "85-consultation-vitals-error");
    await page.getByTestId("vitals-temperature_c").fill("38.4");
    await page.getByTestId("vitals-systolic_mmhg").fill("128");
    await page.getByTestId("vitals-diastolic_mmhg").fill("82");
    await page.getByTestId("vitals-respiratory_rate").fill("18");
    await page.getByTestId("vitals-spo2_percent").fill("94");
    await page.getByTestId("vitals-weight_kg").fill("68");
    await page.getByTestId("vitals-height_cm").fill("165");
    await page.getByTestId("vitals-note").fill("Cough for 5 days, worse at night");
    await page.getByTestId("vitals-submit").click();
    await page.getByTestId("vitals-notice").waitFor();
    await page.getByTestId("note-subjective").fill("Productive cough for 5 days, fever up to 38.5 °C, mild pleuritic pain on the right.");
    await page.getByTestId("note-objective").fill("Crackles at the right base. No wheeze. Alert, well perfused.");
    await page.getByTestId("note-assessment").fill("Viral lower respiratory tract infection");
    await page.getByTestId("note-plan").fill("Rest, fluids, paracetamol. Review in 48 h or earlier if breathless.");
    await page.getByTestId("note-save").click();
    await page.locator('[data-testid="note-dirty"][data-dirty="false"]').waitFor();
    await page.evaluate(() => document.getElementById("main")?.scrollTo(0, 0));
    await shot(page, vp, "86-consultation-draft-vitals");
    await page.getByTestId("note-sign").click();
    await page.getByTestId("confirm-dialog").getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "87-consultation-sign-confirm");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("note-amend").waitFor();
    await page.getByTestId("note-amend").click();
    await page.getByTestId("amend-assessment").fill("Community-acquired pneumonia, right lower lobe");
    await page.getByTestId("amend-plan").fill("Doxycycline 100 mg twice daily for 5 days (penicillin allergy). Chest X-ray done. Review in 48 h or earlier if breathless.");
    await page.getByTestId("amend-reason").fill("Chest X-ray shows right lower lobe consolidation");
    await shot(page, vp, "88-consultation-amend");
    await page.getByTestId("amend-submit").click();
    await page.getByTestId("note-version-3").waitFor();
    await page.evaluate(() => document.getElementById("main")?.scrollTo(0, 0));
    await shot(page, vp, "89-consultation-signed");
    await page.getByTestId("note-history").scrollIntoViewIfNeeded();
    await shot(page, vp, "90-consultation-amendment-history");
    await context.close();
  },

  async chartRecords(vp) {
    const { context, page } = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    // Dr. Rossi's earlier work on María García López's record, from another workstation.
    const desk = await anotherDesk(page, "dr.rossi");
    const { hits } = await desk("search_patients", { query: "García López" });
    const hit = hits.find((h) => h.family_name === "García López");
    const patient = hit.id;
    const problem = (description, onset_date, note = "") => desk("add_problem", { patient_id: patient, description, onset_date, note });
    await problem("Hypertension", "2015-09-01", "Amlodipine 5 mg daily");
    await problem("Type 2 diabetes mellitus", "2018-03-12", "Metformin 1 g twice daily");
    const asthma = await problem("Asthma", "1998-05-01");
    await desk("set_problem_status", { problem_id: asthma.id, status: "resolved", reason: "No symptoms or inhaler use for five years" });
    const migraine = await problem("Migraine", "");
    await desk("set_problem_status", { problem_id: migraine.id, status: "entered_in_error", reason: "Recorded for the wrong patient" });
    const earlier = await desk("start_encounter", { patient_id: patient });
    await desk("save_encounter_note", { encounter_id: earlier.id, subjective: "Routine review", objective: "BP 138/86", assessment: "Hypertension, controlled", plan: "Continue amlodipine" });
    await desk("sign_encounter", { encounter_id: earlier.id });
    await desk("amend_encounter_note", { note: { encounter_id: earlier.id, subjective: "Routine review", objective: "BP 138/86", assessment: "Hypertension, controlled; HbA1c 6.9 %", plan: "Continue amlodipine" }, reason: "HbA1c result received" });
    const icon = (await readFile(join(ui, "..", "icons", "128x128.png"))).toString("base64");
    await desk("add_attachment", { patient_id: patient, encounter_id: earlier.id, file_name: "rash-photo.png", media_type: "image/png", content_base64: icon, description: "Rash on the left forearm" });
    await desk("add_attachment", { patient_id: patient, file_name: "discharge-letter.pdf", media_type: "application/pdf", content_base64: Buffer.from("%PDF-1.4 letter").toString("base64"), description: "Discharge letter, St. Mary's, Feb 2026" });
    const wrong = await desk("add_attachment", { patient_id: patient, file_name: "blood-test.txt", media_type: "text/plain", content_base64: Buffer.from("Potassium 4.1 mmol/L").toString("base64"), description: "" });
    await desk("mark_attachment_entered_in_error", { attachment_id: wrong.id, reason: "Another patient's results" });

    await signIn(page, "dr.rossi", PASSWORDS["dr.rossi"]);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-patients").click();
    await page.getByTestId("patient-search").fill(hit.mrn);
    await page.getByTestId(`patient-hit-${hit.mrn}`).click();
    await page.getByTestId("chart-tab-problems").click();
    await page.getByTestId("problem-row-Asthma").waitFor();
    await page.getByTestId("problem-history-toggle-Asthma").click();
    // The tabs at the top of the window: what a doctor scrolls to.
    const toTabs = () => page.evaluate(() => document.querySelector('[role="tablist"]')?.scrollIntoView({ block: "start" }));
    await toTabs();
    await shot(page, vp, "91-chart-problems");
    await page.getByTestId("problem-add").click();
    await page.getByTestId("problem-description").fill("hypertension");
    await page.getByTestId("problem-submit").click();
    await page.getByTestId("error-description").waitFor();
    await shot(page, vp, "92-chart-problem-add-error");
    await page.keyboard.press("Escape");
    await page.getByTestId("chart-tab-encounters").click();
    await page.getByTestId("encounters-table").waitFor();
    await toTabs();
    await shot(page, vp, "93-chart-consultations");
    await page.getByTestId("chart-tab-attachments").click();
    await page.getByTestId("attachments-list").waitFor();
    await toTabs();
    await shot(page, vp, "94-chart-attachments");
    await page.getByTestId("attachment-open-rash-photo.png").click();
    await page.getByTestId("attachment-image").waitFor();
    await shot(page, vp, "95-attachment-viewer");
    await context.close();
  },

  // The back office: price list, outstanding balances, the desk's cash closing, revenue, billing settings.
  async billingAdmin(vp) {
    const { context, page } = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    await signIn(page, "accounts", PASSWORDS.accounts);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-prices").click();
    await page.locator('[data-testid="prices-table"][data-current="true"]').waitFor();
    await page.getByTestId("price-history-toggle-CONS").click();
    await shot(page, vp, "ba01-price-list");
    await page.getByTestId("price-edit-CONS").click();
    await page.getByTestId("price-price").fill("70");
    await page.getByTestId("price-price-valid-from").fill("2026-03-01");
    await page.getByTestId("price-submit").click();
    await page.getByTestId("error-price_valid_from").waitFor();
    await shot(page, vp, "ba02-price-edit-past-date");
    await page.keyboard.press("Escape");
    await page.getByTestId("prices-tab-tax").click();
    await page.getByTestId("tax-row-Standard").waitFor();
    await shot(page, vp, "ba03-tax-categories");
    await page.getByTestId("nav-outstanding").click();
    await page.getByTestId("outstanding-table").waitFor();
    await shot(page, vp, "ba04-outstanding");
    await page.getByTestId("nav-closing").click();
    await page.getByTestId("closing-counted").waitFor();
    // Keyboard first: the count has the focus.
    await page.keyboard.type("150");
    await page.getByTestId("closing-note").fill("Change given twice to one patient in the afternoon");
    await shot(page, vp, "ba05-closing-count");
    await page.getByTestId("closing-submit").click();
    await page.getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "ba06-closing-confirm");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("closing-done").waitFor();
    await page.locator('[data-testid^="closing-past-"]').first().waitFor();
    await shot(page, vp, "ba07-closing-done");
    await page.getByTestId("closing-done-report").click();
    await page.locator('[data-testid="pdf-frame"][data-pages]').waitFor();
    await shot(page, vp, "ba08-closing-report");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-revenue").click();
    await page.locator('[data-testid="revenue-table"][data-current="true"]').waitFor();
    await page.getByTestId("revenue-preset-lastMonth").click();
    await page.locator('[data-testid="revenue-table"][data-current="true"]').waitFor();
    await shot(page, vp, "ba09-revenue-by-day");
    await page.getByTestId("revenue-preset-thisYear").click();
    await page.getByText("Service", { exact: true }).click();
    await page.locator('[data-testid="revenue-table"][data-group="service"][data-current="true"]').waitFor();
    await shot(page, vp, "ba10-revenue-by-service");
    await page.getByText("Payment method", { exact: true }).click();
    await page.locator('[data-testid="revenue-table"][data-group="method"][data-current="true"]').waitFor();
    await shot(page, vp, "ba11-revenue-by-method");
    await context.close();

    const admin = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    await signIn(admin.page, "admin", PASSWORDS.admin);
    await admin.page.getByTestId("nav-settings").click();
    await admin.page.getByTestId("settings-rounding").scrollIntoViewIfNeeded();
    await admin.page.getByTestId("settings-rounding").focus();
    await shot(admin.page, vp, "ba12-settings-billing");
    await admin.context.close();
  },

  // Invoices at the desk: the list, a draft edited from the price list, issuing, a payment by keyboard
  // with its receipt, an invoice from a completed visit, the chart's tab; then credit note and refund.
  async billing(vp) {
    const { context, page } = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    const desk = await anotherDesk(page, "reception");
    const [draft] = await desk("list_invoices", { status: "draft", outstanding_only: false, number: "" });
    await signIn(page, "reception", PASSWORDS.reception);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("nav-invoices").click();
    await page.getByTestId("invoices-table").waitFor();
    await shot(page, vp, "b01-invoices");
    await page.getByTestId("invoices-new").click();
    await page.getByTestId("invoice-patient-search").fill("Roma");
    await page.locator('[data-testid="invoice-patient-results"][data-current="true"]').waitFor();
    await shot(page, vp, "b02-new-invoice");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.getByTestId(`invoice-open-${draft.id}`).click();
    await page.getByTestId("draft-editor").waitFor();
    await page.getByTestId("price-search").fill("blood");
    await page.locator('[data-testid="price-results"][data-current="true"]').waitFor();
    await shot(page, vp, "b03-draft-price-search");
    await page.keyboard.press("Enter");
    await page.getByTestId("line-3").waitFor();
    await page.getByTestId("line-discount-kind-2").selectOption("percent");
    await page.getByTestId("line-discount-value-2").fill("10");
    await page.getByTestId("line-discount-value-2").press("Enter");
    await page.getByTestId("line-discount-2").waitFor();
    await page.getByTestId("invoice-due-date").fill("2026-04-03");
    await page.getByTestId("invoice-due-date").press("Enter");
    await shot(page, vp, "b04-draft-editor");
    await page.getByTestId("line-quantity-1").fill("0");
    await page.getByTestId("line-quantity-1").press("Enter");
    await page.getByTestId("error-lines.0.quantity").waitFor();
    await shot(page, vp, "b05-draft-line-error");
    await page.getByTestId("line-quantity-1").press("Escape");
    await page.getByTestId("draft-issue").click();
    await page.getByTestId("confirm-dialog").getByTestId("confirm-submit").waitFor();
    await shot(page, vp, "b06-issue-confirm");
    await page.getByTestId("confirm-submit").click();
    await page.getByTestId("invoice-pay").waitFor();
    await page.evaluate(() => document.getElementById("main")?.scrollTo(0, 0));
    await shot(page, vp, "b07-issued");
    await page.getByTestId("invoice-pay").click();
    await page.getByTestId("payment-amount").waitFor();
    await shot(page, vp, "b08-payment");
    await page.keyboard.type("50");
    await page.keyboard.press("Tab");
    await page.keyboard.press("2");
    await shot(page, vp, "b09-payment-card");
    await page.keyboard.press("Enter");
    await page.getByTestId("payment-receipt").waitFor();
    await shot(page, vp, "b10-payment-receipt");
    await page.getByTestId("payment-close").click();
    await page.getByTestId("invoice-pay").click();
    await page.getByTestId("payment-amount").waitFor();
    await page.keyboard.type("500");
    await page.keyboard.press("Enter");
    await page.getByTestId("error-amount").waitFor();
    await shot(page, vp, "b11-overpayment");
    await page.keyboard.press("Escape");
    await page.locator('[data-testid^="payment-preview-"]').first().click();
    await page.locator('[data-testid="pdf-frame"][data-pages]').waitFor();
    await shot(page, vp, "b12-receipt-preview");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-today").click();
    await page.getByTestId("today-board").waitFor();
    const invoiceButton = page.locator('[data-testid^="invoice-appointment-"]').first();
    await invoiceButton.scrollIntoViewIfNeeded();
    await shot(page, vp, "b13-today-invoice");
    await invoiceButton.click();
    await page.getByTestId("draft-editor").waitFor();
    await page.getByTestId("line-1").waitFor();
    await shot(page, vp, "b14-from-appointment");
    await page.getByTestId("invoice-patient").click();
    await page.getByTestId("chart-tab-invoices").click();
    await page.getByTestId("invoices-table").waitFor();
    await page.evaluate(() => document.querySelector('[role="tablist"]')?.scrollIntoView({ block: "start" }));
    await shot(page, vp, "b15-chart-invoices");
    await context.close();

    const acc = await open(vp, { state: "demo" }, { time: CLINIC_MORNING });
    const accounts = await anotherDesk(acc.page, "accounts");
    const paid = (await accounts("list_invoices", { status: "issued", outstanding_only: false, number: "" })).find((i) => i.patient.name === "Marco Bianchi");
    await signIn(acc.page, "accounts", PASSWORDS.accounts);
    await acc.page.getByTestId("home-title").waitFor();
    await acc.page.getByTestId("nav-invoices").click();
    await acc.page.getByTestId(`invoice-open-${paid.id}`).click();
    await acc.page.getByTestId("invoice-credit").click();
    await acc.page.getByTestId("credit-mode-lines").click();
    await acc.page.getByTestId("credit-choose-2").click();
    await acc.page.getByTestId("credit-reason").fill("Blood count not done: the sample was haemolysed");
    await shot(acc.page, vp, "b16-credit-note");
    await acc.page.getByTestId("credit-submit").click();
    await acc.page.getByTestId("invoice-refund").waitFor();
    await shot(acc.page, vp, "b17-credited");
    await acc.page.getByTestId("invoice-refund").click();
    await acc.page.getByTestId("refund-amount").waitFor();
    await shot(acc.page, vp, "b18-refund");
    await acc.page.keyboard.press("Enter");
    await acc.page.getByTestId("refund-receipt").waitFor();
    await acc.page.getByTestId("refund-close").click();
    await acc.page.getByTestId("invoice-print").click();
    await acc.page.locator('[data-testid="pdf-frame"][data-pages]').waitFor();
    await shot(acc.page, vp, "b19-invoice-preview");
    await acc.context.close();
  },

  // Sync: the header's indicator (online, changes waiting, conflicts), its details, the settings with a
  // tested connection and a refused address, the conflicts screen and its rebooking; then a new
  // workstation joining the clinic's server from the first run.
  async sync(vp) {
    const server_url = "postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require";
    const { context, page } = await open(
      vp,
      { state: "demo", syncConflicts: true, sync: { settings: { server_url, enabled: true, workstation_name: "Reception 1", has_password: true }, pending: 12, lastSyncMinutesAgo: 3 } },
      { time: CLINIC_MORNING },
    );
    await signIn(page, "admin", PASSWORDS.admin);
    await page.getByTestId("home-title").waitFor();
    await page.getByTestId("sync-conflicts-badge").waitFor();
    await shot(page, vp, "s01-header-online-pending-conflicts");
    await page.getByTestId("sync-indicator").click();
    await page.getByTestId("sync-details").waitFor();
    await shot(page, vp, "s02-sync-details");
    await page.keyboard.press("Escape");
    await page.getByTestId("nav-sync").click();
    await page.getByTestId("sync-server-url").waitFor();
    await page.getByTestId("sync-test").click();
    await page.getByTestId("sync-test-result").waitFor();
    await shot(page, vp, "s03-sync-settings-tested");
    await page.getByTestId("sync-server-url").fill("postgres://clinicdesk:secret@db.clinic.local/clinicdesk");
    await page.getByTestId("sync-save").click();
    await page.getByTestId("error-server_url").waitFor();
    await shot(page, vp, "s04-sync-settings-error");
    await page.getByTestId("sync-conflicts-badge").click();
    await page.getByTestId("conflicts-list").waitFor();
    await shot(page, vp, "s05-conflicts");
    await page.locator('[data-testid^="conflict-rebook-"]').last().click();
    await page.getByTestId("reschedule-dialog").getByTestId("reschedule-submit").waitFor();
    await shot(page, vp, "s06-conflict-rebook");
    await context.close();

    // A doctor's header holds the sync indicator beside the availability menu.
    const doctor = await open(vp, { state: "demo", syncConflicts: true, sync: { settings: { server_url, enabled: true, workstation_name: "Room 1", has_password: true }, pending: 1204, lastSyncMinutesAgo: 42, live: { syncing: true, phase: "push", done: 1200, total: 1204 } } }, { time: CLINIC_MORNING });
    await signIn(doctor.page, "dr.rossi", PASSWORDS["dr.rossi"]);
    await doctor.page.getByTestId("home-title").waitFor();
    await doctor.page.getByTestId("sync-conflicts-badge").waitFor();
    await shot(doctor.page, vp, "s11-header-doctor-pushing");
    await doctor.context.close();

    const fresh = await open(vp, { state: "empty", sync: { autoPull: { steps: 40, stepMs: 400 } } });
    await fresh.page.getByTestId("first-run-join").waitFor();
    await shot(fresh.page, vp, "s07-first-run-choices");
    await fresh.page.getByTestId("first-run-join").click();
    await fresh.page.getByTestId("join-server-url").fill(server_url);
    await fresh.page.getByTestId("join-workstation-name").fill("Reception 2");
    await fresh.page.getByTestId("join-password").fill("central server secret 42");
    await shot(fresh.page, vp, "s08-join-form");
    await fresh.page.getByTestId("join-submit").click();
    await fresh.page.getByText(/Pulling [0-9,]+ \/ 18,240/).waitFor();
    await fresh.page.waitForTimeout(2500);
    await shot(fresh.page, vp, "s09-join-pulling");
    await fresh.page.getByTestId("login-username").waitFor({ timeout: 30_000 });
    await shot(fresh.page, vp, "s10-join-sign-in");
    await fresh.context.close();
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
