import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

async function openUsers() {
  const app = renderApp({ state: "demo" });
  await signInAs(app.user, "admin");
  await app.user.click(await screen.findByTestId("nav-users"));
  await screen.findByTestId("users-table");
  return app;
}

describe("users (admin)", () => {
  it("lists users with role, status and doctor fields", async () => {
    const { backend } = await openUsers();
    const rossi = within(screen.getByTestId("user-row-dr.rossi"));
    expect(rossi.getByText("Doctor")).toBeInTheDocument();
    expect(rossi.getByText("General practice")).toBeInTheDocument();
    expect(rossi.getByText("MED-IT-20417")).toBeInTheDocument();
    expect(rossi.getByText("Active")).toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "list_users")).toBe(true);
  });

  it("shows a loading state, then the table", async () => {
    // Long enough that the loading state cannot slip between two looks on a busy machine.
    const app = renderApp({ state: "demo", latency: 400 });
    await signInAs(app.user, "admin");
    await app.user.click(await screen.findByTestId("nav-users"));
    expect(await screen.findByText("Loading users…")).toBeInTheDocument();
    expect(await screen.findByTestId("users-table")).toBeInTheDocument();
  });

  it("creates a user; doctor fields only for doctors; Rust field errors next to the field", async () => {
    const { user, backend } = await openUsers();
    await user.click(screen.getByTestId("user-create"));
    expect(screen.getByTestId("user-username")).toHaveFocus();
    expect(screen.getByTestId("user-must-change")).toBeChecked();
    expect(screen.queryByTestId("user-specialization")).not.toBeInTheDocument();

    await user.type(screen.getByTestId("user-username"), "dr.chen");
    await user.type(screen.getByTestId("user-full-name"), "Dr. Wei Chen");
    await user.selectOptions(screen.getByTestId("user-role"), "doctor");
    await user.type(await screen.findByTestId("user-specialization"), "Cardiology");
    await user.type(screen.getByTestId("user-licence-number"), "MED-GB-1234");
    await user.type(screen.getByTestId("user-password"), "aaaaaaaaaaaaaaa");
    await user.click(screen.getByTestId("user-submit"));
    expect(await screen.findByTestId("error-password")).toHaveTextContent("too common or guessable");

    await user.clear(screen.getByTestId("user-password"));
    await user.type(screen.getByTestId("user-password"), "lunar pocket harvest 3{Enter}");
    expect(await screen.findByTestId("user-row-dr.chen")).toBeInTheDocument();
    expect(screen.queryByTestId("user-dialog")).not.toHaveAttribute("open");
    const created = backend.calls.find((c) => c.name === "create_user");
    expect(created?.input).toMatchObject({ username: "dr.chen", role: "doctor", specialization: "Cardiology", licence_number: "MED-GB-1234", must_change_password: true });
    expect(within(screen.getByTestId("user-row-dr.chen")).getByText("Must change password")).toBeInTheDocument();
  });

  it("shows a taken username next to the username field", async () => {
    const { user } = await openUsers();
    await user.click(screen.getByTestId("user-create"));
    await user.type(screen.getByTestId("user-username"), "reception");
    await user.type(screen.getByTestId("user-full-name"), "Someone Else");
    await user.selectOptions(screen.getByTestId("user-role"), "receptionist");
    await user.type(screen.getByTestId("user-password"), "lunar pocket harvest 3");
    await user.click(screen.getByTestId("user-submit"));
    expect(await screen.findByTestId("error-username")).toHaveTextContent('The username "reception" is taken.');
  });

  it("disables and enables a user after confirmation", async () => {
    const { user, backend } = await openUsers();
    await user.click(screen.getByTestId("user-disable-pharmacy"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(within(dialog).getByText("Disable pharmacy?")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.click(within(dialog).getByTestId("confirm-submit"));
    expect(await within(screen.getByTestId("user-row-pharmacy")).findByText("Disabled")).toBeInTheDocument();
    expect(backend.users.get("pharmacy")?.active).toBe(false);

    await user.click(screen.getByTestId("user-enable-pharmacy"));
    await user.click(within(await screen.findByTestId("confirm-dialog")).getByTestId("confirm-submit"));
    expect(await within(screen.getByTestId("user-row-pharmacy")).findByText("Active")).toBeInTheDocument();
  });

  it("does not offer to disable your own account", async () => {
    await openUsers();
    expect(screen.getByTestId("user-disable-admin")).toBeDisabled();
  });

  it("resets a password", async () => {
    const { user, backend } = await openUsers();
    await user.click(screen.getByTestId("user-reset-nurse.muller"));
    await user.type(await screen.findByTestId("reset-password"), "fresh tulip border 55");
    await user.click(screen.getByTestId("reset-submit"));
    expect(await screen.findByText("The password of nurse.muller was reset.")).toBeInTheDocument();
    expect(backend.users.get("nurse.muller")?.must_change_password).toBe(true);
  });

  it("edits a user with update_user (the username stays)", async () => {
    const { user, backend } = await openUsers();
    await user.click(screen.getByTestId("user-edit-nurse.muller"));
    expect(screen.getByTestId("user-username")).toHaveAttribute("readonly");
    await user.clear(screen.getByTestId("user-full-name"));
    await user.type(screen.getByTestId("user-full-name"), "Jana Müller-Schmidt{Enter}");
    expect(await within(screen.getByTestId("user-row-nurse.muller")).findByText("Jana Müller-Schmidt")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "update_user")?.input).toMatchObject({ username: "nurse.muller", full_name: "Jana Müller-Schmidt", role: "nurse" });
  });

  it("closes a dialog with Escape", async () => {
    const { user } = await openUsers();
    await user.click(screen.getByTestId("user-create"));
    expect(screen.getByTestId("user-username")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("user-username")).not.toBeInTheDocument();
  });
});
