// Reception's patient flow, end to end on the real built app and ONE fresh encrypted database:
// a clinic and a receptionist are made with the clinicdesk CLI → the receptionist signs in →
// registers Zsófia Kovács-Nagy (phone, an allergy) → finds her by a typo'd partial name
// ("kovacs nagi") and by her phone number written the domestic way ("06 20 555 1234") → starts
// registering the same person again (no accents, phone in another format) and gets the
// duplicate prompt → opens the existing chart from it (allergies banner shown).
// Screenshots: artifacts/e2e/patients/<nn>-<step>.png
import assert from "node:assert/strict";
import fs from "node:fs";
import { cli, freshClinic, launchApp } from "../lib/harness.mjs";
import { story } from "../lib/story.mjs";
import { choose, click, sel, shown, text, type, waitText } from "../lib/ui.mjs";

const ADMIN = { username: "admin", password: "violet tractor umbrella" };
const RECEPTION = { username: "reception", fullName: "Rosa Ricevimento", password: "copper kettle meadow 31" };
const PATIENT = {
  given: "Zsófia",
  family: "Kovács-Nagy",
  dob: "14/02/1987",
  phone: "+36 20 555 1234",
};

/**
 * Types text that may hold accented letters. WebDriver key events carry any character, but if
 * the platform's input path drops one, the value is set the way React listens for it (the
 * native value setter and an `input` event), so the form still sees exactly this text.
 */
async function typeText(browser, testid, value) {
  try {
    await type(browser, testid, value);
  } catch {
    await browser.execute(
      (selector, v) => {
        const input = document.querySelector(selector);
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
        setter.call(input, v);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      },
      sel(testid),
      value,
    );
    const now = await (await shown(browser, testid)).getValue();
    assert.equal(now, value, `${testid} holds the typed text`);
  }
}

/**
 * Searches the Patients screen and waits until the listed rows answer exactly `query` (the
 * results list says which query it shows: the empty box lists recent patients first, and a
 * search runs once typing pauses — never race either).
 */
async function search(browser, query) {
  await type(browser, "patient-search", query);
  await browser.waitUntil(
    async () => {
      const list = browser.$(sel("patient-results"));
      if (!(await list.isExisting())) return false;
      return (await list.getAttribute("data-query")) === query && (await list.getAttribute("data-current")) === "true";
    },
    { timeout: 15_000, interval: 100, timeoutMsg: `the search for "${query}" never answered` },
  );
}

async function openPatients(browser) {
  await click(browser, "nav-patients");
  await shown(browser, "patient-search", 20_000);
}

async function fillIdentity(browser, { given, family, dob, phone }) {
  await typeText(browser, "patient-given-name", given);
  await typeText(browser, "patient-family-name", family);
  await choose(browser, "patient-sex", "female");
  await type(browser, "patient-date-of-birth", dob);
  await type(browser, "patient-phone", phone);
}

story(
  "patients: register, find with a typo and by phone, duplicate prompt",
  {
    setup: async () => {
      const clinic = freshClinic("patients");
      cli(clinic, ["init", "--clinic-name", "Clinica E2E Pazienti", "--admin-username", ADMIN.username, "--admin-password-stdin"], `${ADMIN.password}\n`);
      cli(
        clinic,
        ["user", "add", "--username", RECEPTION.username, "--role", "receptionist", "--full-name", RECEPTION.fullName, "--password-stdin"],
        `${RECEPTION.password}\n`,
      );
      const app = await launchApp({ flow: "patients", clinic });
      return { clinic, app, browser: app.browser, mrn: null };
    },
    teardown: async (ctx) => {
      await ctx?.app.close();
      if (ctx?.clinic) fs.rmSync(ctx.clinic.dir, { recursive: true, force: true });
    },
  },
  (step) => {
    step("receptionist signs in", async ({ browser }) => {
      await shown(browser, "login-username", 30_000);
      await type(browser, "login-username", RECEPTION.username);
      await type(browser, "login-password", RECEPTION.password);
      await click(browser, "login-submit");
      await shown(browser, "app-frame", 30_000);
      assert.match(await text(browser, "current-user"), new RegExp(RECEPTION.fullName));
      await shown(browser, "nav-patients");
    });

    step("registers a new patient", async (ctx) => {
      const { browser } = ctx;
      await openPatients(browser);
      await click(browser, "patient-new");
      await shown(browser, "patient-given-name");
      await fillIdentity(browser, PATIENT);
      await click(browser, "patient-allergy-add");
      await type(browser, "patient-allergy-substance-0", "Penicillin");
      await type(browser, "patient-allergy-reaction-0", "Anaphylaxis");
      await choose(browser, "patient-allergy-severity-0", "severe");
      await click(browser, "patient-submit");
      // A fresh clinic has no possible duplicates: the new chart opens.
      await waitText(browser, "chart-name", /Zsófia Kovács-Nagy/, 30_000);
      ctx.mrn = (await text(browser, "chart-mrn")).replace(/^MRN\s*/, "").trim();
      assert.match(ctx.mrn, /^[A-Z0-9]{3}-\d{6}-[0-9A-Z]$/, `an MRN like K7Q-000001-X (got "${ctx.mrn}")`);
      console.log(`# registered as ${ctx.mrn}`);
      assert.match(await text(browser, "chart-notice"), new RegExp(`registered as ${ctx.mrn}`));
      assert.match(await text(browser, "chart-allergies"), /Penicillin/);
      assert.match(await text(browser, "chart-phone"), /\+36 20 555 1234/);
    });

    step("finds her by a typo'd partial name", async ({ browser, mrn }) => {
      await openPatients(browser);
      await search(browser, "kovacs nagi");
      const hit = await shown(browser, `patient-hit-${mrn}`);
      assert.equal(await hit.getAttribute("data-matched"), "typo", "found as a typo match");
      // textContent: WebKit's rendered text of a truncated (ellipsis) cell may leave it out.
      const row = await browser.execute((el) => el.textContent, hit);
      assert.match(row, /Kovács-Nagy, Zsófia/);
      assert.match(row, /Similar spelling/);
    });

    step("finds her by phone in another format", async ({ browser, mrn }) => {
      // Domestic Hungarian format (06 trunk prefix) for the number registered as +36 20 555 1234.
      await search(browser, "06 20 555 1234");
      const hit = await shown(browser, `patient-hit-${mrn}`);
      assert.equal(await hit.getAttribute("data-matched"), "phone");
      assert.match(await text(browser, "patient-status"), /matched by phone number/);
    });

    step("a second registration of the same person gets the duplicate prompt", async ({ browser, mrn }) => {
      await click(browser, "patient-new");
      await shown(browser, "patient-given-name");
      await fillIdentity(browser, { given: "Zsofia", family: "Kovacs Nagy", dob: "1987-02-14", phone: "0036 20 555-1234" });
      await click(browser, "patient-submit");
      await shown(browser, "duplicate-dialog", 20_000);
      const candidate = await text(browser, `duplicate-candidate-${mrn}`);
      assert.match(candidate, /Kovács-Nagy, Zsófia/);
      assert.match(candidate, /Same date of birth, similar name/);
      assert.match(candidate, /Same phone number/);
      await shown(browser, "duplicate-register-anyway");
    });

    step("opens the existing chart from the prompt", async ({ browser, mrn }) => {
      await click(browser, `duplicate-open-${mrn}`);
      await waitText(browser, "chart-mrn", new RegExp(mrn), 20_000);
      await waitText(browser, "chart-name", /Zsófia Kovács-Nagy/);
      assert.match(await text(browser, "chart-allergies"), /Penicillin/);
      // Still one patient: searching her name lists exactly one row.
      await openPatients(browser);
      await search(browser, "zsofia");
      const rows = await browser.$$(`${sel("patient-results")} [role="option"]`);
      assert.equal(rows.length, 1, "the duplicate was not registered");
    });
  },
);
