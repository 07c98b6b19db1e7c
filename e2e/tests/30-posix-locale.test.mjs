// The app under the POSIX locale (LANG=C.UTF-8, as on this Debian image and many servers and
// kiosks): WebKit then reports navigator.language "C", which is not a BCP 47 tag. The first-run
// wizard must still open (every other test runs with LANG=en_US.UTF-8, like a desktop session).
// Screenshots: artifacts/e2e/posix-locale/<nn>-<step>.png
import assert from "node:assert/strict";
import fs from "node:fs";
import { freshClinic, launchApp } from "../lib/harness.mjs";
import { story } from "../lib/story.mjs";
import { click, shown } from "../lib/ui.mjs";

story(
  "POSIX locale (LANG=C.UTF-8)",
  {
    setup: async () => {
      const clinic = freshClinic("posix");
      const app = await launchApp({ flow: "posix-locale", clinic, extraEnv: { LANG: "C.UTF-8" } });
      return { clinic, app, browser: app.browser };
    },
    teardown: async (ctx) => {
      await ctx?.app.close();
      if (ctx?.clinic) fs.rmSync(ctx.clinic.dir, { recursive: true, force: true });
    },
  },
  (step) => {
    step("first run", async ({ browser }) => {
      await shown(browser, "first-run-setup", 30_000);
      assert.equal(await browser.execute(() => navigator.language), "C");
    });

    step("setup wizard opens", async ({ browser }) => {
      await click(browser, "first-run-setup");
      await shown(browser, "wizard-clinic-name", 10_000);
      await shown(browser, "wizard-time-zone");
      await shown(browser, "wizard-currency");
    });
  },
);
