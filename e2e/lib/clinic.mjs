// Setting up a flow's clinic through the clinicdesk CLI (the same commands the app calls) and
// signing in on the app's login screen.
import { cli } from "./harness.mjs";
import { click, shown, type } from "./ui.mjs";

/** Runs the command `name` as `user` (password on stdin) and returns its JSON answer. */
export function call(clinic, user, name, input) {
  const out = cli(clinic, ["--json", "call", name, "--as", user.username, "--password-stdin", "--input", JSON.stringify(input)], `${user.password}\n`);
  return JSON.parse(out);
}

/** Adds a user of `role` (`extra`: further `user add` flags, e.g. `--licence-number`). */
export function addUser(clinic, user, role, extra = []) {
  cli(clinic, ["user", "add", "--username", user.username, "--role", role, "--full-name", user.fullName, "--password-stdin", ...extra], `${user.password}\n`);
}

/** Signs `user` in on the login screen. */
export async function signIn(browser, user) {
  await shown(browser, "login-username", 30_000);
  await type(browser, "login-username", user.username);
  await type(browser, "login-password", user.password);
  await click(browser, "login-submit");
}
