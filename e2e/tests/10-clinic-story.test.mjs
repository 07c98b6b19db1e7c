// The clinic's first day, end to end on the real built app and ONE fresh encrypted database:
// first run → setup wizard (clinic + first administrator) → recovery passphrase → admin signs
// in, sets the idle lock to 1 minute, creates a receptionist and a doctor → signs out →
// the receptionist signs in and sees only reception sections → idle lock after ~1 minute
// (lock screen shown, app frame gone from the DOM) → unlock with the password → sign out →
// wrong password shows an error → the 5th failure locks the account.
// Screenshots: artifacts/e2e/clinic-story/<nn>-<step>.png
import assert from "node:assert/strict";
import fs from "node:fs";
import { freshClinic, launchApp } from "../lib/harness.mjs";
import { story } from "../lib/story.mjs";
import {
  absent,
  choose,
  click,
  fill,
  pageText,
  setChecked,
  shown,
  text,
  type,
  waitAbsent,
  waitHidden,
  waitText,
} from "../lib/ui.mjs";

const CLINIC = "Clinica E2E San Marco";
const ADMIN = { username: "admin", fullName: "Anna Amministratrice", password: "violet tractor umbrella" };
const RECEPTION = { username: "reception", fullName: "Rosa Ricevimento", password: "copper kettle meadow 31" };
const DOCTOR = {
  username: "drmarco",
  fullName: "Marco Medico",
  password: "amber lantern orchard 58",
  licence: "OMCeO-RM-12345",
  specialization: "General practice",
};

/** Types into a field only when the UI left it empty (or picks `value` in a select, if offered). */
async function fillIfEmpty(browser, testid, value) {
  const el = await shown(browser, testid);
  if ((await el.getTagName()).toLowerCase() === "select") {
    await choose(browser, testid, value).catch(() => {}); // keep the UI's default
    assert.notEqual(await el.getValue(), "", `${testid} has a value`);
  } else if ((await el.getValue()) === "") {
    await type(browser, testid, value);
  }
}

async function signIn(browser, user) {
  await type(browser, "login-username", user.username);
  await type(browser, "login-password", user.password);
  await click(browser, "login-submit");
}

/** Waits until a sign-in attempt has finished: the button went busy (if it does) and is usable again. */
async function signInSettled(browser) {
  const button = await shown(browser, "login-submit");
  await button.waitForEnabled({ reverse: true, timeout: 1_500 }).catch(() => {});
  await browser.waitUntil(
    async () => (await button.isEnabled()) && !/…|\.\.\./.test(await button.getText()),
    { timeout: 30_000, interval: 100, timeoutMsg: "the sign-in attempt never finished" },
  );
}

async function createUser(browser, user, role, extra = async () => {}) {
  await click(browser, "user-create");
  await type(browser, "user-username", user.username);
  await type(browser, "user-full-name", user.fullName);
  await choose(browser, "user-role", role);
  await extra();
  await type(browser, "user-password", user.password);
  // So the new user can work at once (no forced password change on first sign-in).
  await setChecked(browser, "user-must-change", false);
  await click(browser, "user-submit");
  await shown(browser, `user-row-${user.username}`, 30_000);
  await waitHidden(browser, "user-dialog"); // the form closes once the user exists
  const row = await text(browser, `user-row-${user.username}`);
  assert.match(row, new RegExp(user.fullName));
}

story(
  "clinic story: first run to lockout",
  {
    setup: async () => {
      const clinic = freshClinic("story");
      const app = await launchApp({ flow: "clinic-story", clinic });
      return { clinic, app, browser: app.browser };
    },
    teardown: async (ctx) => {
      await ctx?.app.close();
      if (ctx?.clinic) fs.rmSync(ctx.clinic.dir, { recursive: true, force: true });
    },
  },
  (step) => {
    step("first run offers setup and demo", async ({ browser }) => {
      await shown(browser, "first-run-setup", 30_000);
      await shown(browser, "first-run-demo");
    });

    step("wizard clinic details", async ({ browser }) => {
      await click(browser, "first-run-setup");
      await type(browser, "wizard-clinic-name", CLINIC);
      await fillIfEmpty(browser, "wizard-time-zone", "Europe/Rome");
      await fillIfEmpty(browser, "wizard-currency", "EUR");
    });

    step("wizard first administrator", async ({ browser }) => {
      await click(browser, "wizard-next");
      await type(browser, "wizard-admin-username", ADMIN.username);
      await type(browser, "wizard-admin-full-name", ADMIN.fullName);
      await type(browser, "wizard-admin-password", ADMIN.password);
      // A mismatched confirmation is caught on the field, before anything is created.
      await type(browser, "wizard-admin-password-confirm", `${ADMIN.password}x`);
      await click(browser, "wizard-submit");
      await shown(browser, "error-admin_password_confirm", 10_000);
      assert.ok(await absent(browser, "recovery-passphrase"));
      await type(browser, "wizard-admin-password-confirm", ADMIN.password);
    });

    step("recovery passphrase shown once", async ({ browser }) => {
      await click(browser, "wizard-submit");
      const passphrase = await text(browser, "recovery-passphrase");
      // 6 groups of 5 Crockford base32 characters (150 bits)
      const chars = passphrase.replace(/[\s-]/g, "");
      assert.equal(chars.length, 30, `passphrase "${passphrase}" has 30 characters`);
      assert.match(chars, /^[0-9A-HJKMNP-TV-Z]{30}$/i);
      // Continuing needs the "I have stored it" confirmation.
      const cont = await shown(browser, "recovery-continue");
      if (!(await (await shown(browser, "recovery-stored")).isSelected())) {
        assert.equal(await cont.isEnabled(), false, "continue is disabled until the passphrase is confirmed stored");
      }
      await setChecked(browser, "recovery-stored", true);
    });

    step("admin signs in", async ({ browser }) => {
      await click(browser, "recovery-continue");
      await shown(browser, "login-username", 20_000);
      assert.ok((await pageText(browser)).includes(CLINIC), "the sign-in screen names the clinic");
      await signIn(browser, ADMIN);
      await shown(browser, "app-frame", 30_000);
      assert.match(await text(browser, "current-user"), new RegExp(ADMIN.fullName));
      await shown(browser, "nav-users");
      await shown(browser, "nav-settings");
      await shown(browser, "nav-audit");
    });

    step("admin sets idle lock to 1 minute", async ({ browser }) => {
      await click(browser, "nav-settings");
      await fill(browser, "settings-idle-lock-minutes", "1");
      await click(browser, "settings-save");
      await shown(browser, "settings-saved", 20_000);
    });

    step("admin creates a receptionist", async ({ browser }) => {
      await click(browser, "nav-users");
      await shown(browser, "users-table", 20_000);
      await createUser(browser, RECEPTION, "receptionist");
    });

    step("admin creates a doctor with licence number", async ({ browser }) => {
      await createUser(browser, DOCTOR, "doctor", async () => {
        await type(browser, "user-licence-number", DOCTOR.licence);
        await type(browser, "user-specialization", DOCTOR.specialization);
      });
      await shown(browser, `user-row-${RECEPTION.username}`);
    });

    step("admin signs out", async ({ browser }) => {
      await click(browser, "logout");
      await shown(browser, "login-username", 20_000);
      await waitAbsent(browser, "app-frame");
    });

    step("receptionist sees only reception sections", async ({ browser }) => {
      await signIn(browser, RECEPTION);
      await shown(browser, "app-frame", 30_000);
      await shown(browser, "nav-home");
      assert.match(await text(browser, "current-user"), new RegExp(RECEPTION.fullName));
      assert.match(await waitText(browser, "home-title", /reception/i), /reception/i);
      assert.ok(await absent(browser, "nav-users"), "no Users section for a receptionist");
      assert.ok(await absent(browser, "nav-settings"), "no Settings section for a receptionist");
      assert.ok(await absent(browser, "nav-audit"), "no Audit section for a receptionist");
    });

    step(
      "idle lock after one minute",
      async ({ browser }) => {
        // No input from here on: only WebDriver reads, which are not user activity.
        const started = Date.now();
        await shown(browser, "lock-screen", 110_000);
        const seconds = (Date.now() - started) / 1000;
        console.log(`# idle lock after ${seconds.toFixed(1)} s without input`);
        assert.ok(seconds >= 45, `locked after ${seconds} s: too early for a 1-minute idle lock`);
        assert.ok(await absent(browser, "app-frame"), "the app frame is gone from the DOM while locked");
        assert.ok(!(await pageText(browser)).includes("Reception desk"), "nothing of the session shows");
      },
      { timeout: 130_000 },
    );

    step("unlock with password", async ({ browser }) => {
      await type(browser, "lock-password", RECEPTION.password);
      await click(browser, "lock-submit");
      await shown(browser, "app-frame", 30_000);
      await waitAbsent(browser, "lock-screen");
      assert.match(await text(browser, "current-user"), new RegExp(RECEPTION.fullName));
    });

    step("wrong password shows login error", async ({ browser }) => {
      await click(browser, "logout");
      await shown(browser, "login-username", 20_000);
      await signIn(browser, { ...RECEPTION, password: "not the right password 1" });
      await signInSettled(browser);
      const message = await waitText(browser, "login-error", /\S/, 20_000);
      assert.doesNotMatch(message, /lock/i, "one failure does not lock");
      assert.ok(await absent(browser, "app-frame"));
    });

    step(
      "fifth failure locks the account",
      async ({ browser }) => {
        let message = "";
        for (let attempt = 2; attempt <= 5; attempt++) {
          await signIn(browser, { ...RECEPTION, password: `not the right password ${attempt}` });
          await signInSettled(browser);
          message = await waitText(browser, "login-error", /\S/, 20_000);
          if (attempt < 5) assert.doesNotMatch(message, /lock/i, `attempt ${attempt} does not lock yet`);
        }
        message = await waitText(browser, "login-error", /lock/i, 20_000);
        console.log(`# after 5 failures: ${message}`);
        // While locked, even the right password is refused.
        await signIn(browser, RECEPTION);
        await signInSettled(browser);
        assert.match(await waitText(browser, "login-error", /lock/i, 20_000), /lock/i);
        assert.ok(await absent(browser, "app-frame"));
      },
      { timeout: 120_000 },
    );
  },
);
