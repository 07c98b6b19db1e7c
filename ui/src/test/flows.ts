import { screen } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { DEMO_USERS } from "./fake-backend";

/** Signs in as one of the demo users from the login screen and waits for the app frame. */
export async function signInAs(user: UserEvent, username: string, password?: string) {
  const demo = DEMO_USERS.find((u) => u.username === username);
  await user.type(await screen.findByTestId("login-username"), username);
  await user.type(screen.getByTestId("login-password"), password ?? demo?.password ?? "");
  await user.click(screen.getByTestId("login-submit"));
}
