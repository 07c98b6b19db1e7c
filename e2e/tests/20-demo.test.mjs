// First run → "explore a demo clinic" on a fresh database: the demo users (one per role,
// with their published passwords) are listed, one of them signs in, locks the workstation by
// hand, fails to unlock with a wrong password and switches to another user.
// Screenshots: artifacts/e2e/demo/<nn>-<step>.png
import assert from "node:assert/strict";
import fs from "node:fs";
import { freshClinic, launchApp } from "../lib/harness.mjs";
import { story } from "../lib/story.mjs";
import { absent, click, shown, text, type, waitAbsent, waitText } from "../lib/ui.mjs";

story(
  "demo clinic from the first-run screen",
  {
    setup: async () => {
      const clinic = freshClinic("demo");
      const app = await launchApp({ flow: "demo", clinic });
      return { clinic, app, browser: app.browser, users: [] };
    },
    teardown: async (ctx) => {
      await ctx?.app.close();
      if (ctx?.clinic) fs.rmSync(ctx.clinic.dir, { recursive: true, force: true });
    },
  },
  (step) => {
    step("first run", async ({ browser }) => {
      await shown(browser, "first-run-demo", 30_000);
    });

    step("demo users listed", async (ctx) => {
      const { browser } = ctx;
      await click(browser, "first-run-demo");
      const table = await shown(browser, "demo-users-table", 60_000);
      // Rows as cell texts; the header row has no <td>.
      ctx.users = await browser.execute((el) =>
        [...el.querySelectorAll("tr")]
          .map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim()))
          .filter((cells) => cells.length > 0),
      table);
      assert.ok(ctx.users.length >= 7, `a demo user per role (got ${ctx.users.length} rows)`);
      const all = ctx.users.flat().join(" ");
      for (const role of ["Administrator", "Doctor", "Nurse", "Receptionist", "Pharmacist", "Accountant"]) {
        assert.ok(all.includes(role), `the table lists a ${role}`);
      }
    });

    step("a demo admin signs in", async ({ browser, users }) => {
      await click(browser, "demo-continue");
      await shown(browser, "login-username", 20_000);
      // Columns: username, name, role, password (the published demo password).
      const admin = users.find((cells) => cells.includes("Administrator"));
      assert.ok(admin, "an administrator row");
      const [username, fullName, , password] = admin;
      await type(browser, "login-username", username);
      await type(browser, "login-password", password);
      await click(browser, "login-submit");
      await shown(browser, "app-frame", 30_000);
      assert.match(await text(browser, "current-user"), new RegExp(fullName.split(" ")[0]));
      assert.match(await text(browser, "home-title"), /administration/i);
    });

    step("lock now, wrong unlock password", async ({ browser }) => {
      await click(browser, "lock-now");
      await shown(browser, "lock-screen", 10_000);
      await waitAbsent(browser, "app-frame");
      await type(browser, "lock-password", "certainly not the password");
      await click(browser, "lock-submit");
      await waitText(browser, "lock-error", /\S/, 20_000);
      assert.ok(await absent(browser, "app-frame"), "still locked");
    });

    step("switch user from the lock screen", async ({ browser }) => {
      await click(browser, "lock-switch-user");
      await shown(browser, "login-username", 20_000);
      await waitAbsent(browser, "lock-screen");
    });
  },
);
