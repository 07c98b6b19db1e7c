// Proves the harness itself: a clinic prepared with the `clinicdesk` CLI on a fresh
// encrypted database is what the real built app shows. Works with the status page (before
// the UI issue) and with the new UI (where the clinic name appears on the login screen).
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";
import { cli, freshClinic, launchApp } from "../lib/harness.mjs";
import { pageText } from "../lib/ui.mjs";

const CLINIC_NAME = "E2E Harness Clinic";
let clinic;
let app;

before(async () => {
  clinic = freshClinic("harness");
  cli(
    clinic,
    ["init", "--clinic-name", CLINIC_NAME, "--admin-username", "admin", "--admin-password-stdin"],
    "violet tractor umbrella\n",
  );
  app = await launchApp({ flow: "harness", clinic });
});

after(async () => {
  await app?.close();
  if (clinic) fs.rmSync(clinic.dir, { recursive: true, force: true });
});

test("the real app opens the CLI-prepared encrypted database and shows the clinic's name", async () => {
  const { browser } = app;
  assert.ok(app.appPid, "the app process runs under the driver");
  await browser.waitUntil(async () => (await pageText(browser)).includes(CLINIC_NAME), {
    timeout: 20_000,
    interval: 200,
    timeoutMsg: `the app never showed "${CLINIC_NAME}"`,
  });
  const shot = await app.shot("clinic-name");
  assert.ok(shot && fs.statSync(shot).size > 1000, "a screenshot was saved");
  assert.equal(await browser.getTitle(), "ClinicDesk");
});
