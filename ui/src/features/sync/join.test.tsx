import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

const URL = "postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require";
const PASSWORD = "central server secret 42";

describe("joining a clinic server from the first run", { timeout: 30_000 }, () => {
  it("connects, follows the first pull, and hands over to the sign-in once the clinic is here", async () => {
    const { user, backend } = renderApp({ state: "empty" });
    await user.click(await screen.findByTestId("first-run-join"));
    const form = await screen.findByTestId("join-clinic");
    expect(within(form).getByRole("heading", { name: "Join a clinic server" })).toBeInTheDocument();

    // The name first (checked here), then what Rust says about the address.
    await user.click(screen.getByTestId("join-submit"));
    expect(await screen.findByTestId("error-workstation_name")).toHaveTextContent("Name this workstation (1–60 characters, e.g. Reception 2).");
    await user.type(screen.getByTestId("join-workstation-name"), "Reception 2");
    await user.type(screen.getByTestId("join-server-url"), "db.clinic.local/clinicdesk");
    await user.click(screen.getByTestId("join-submit"));
    expect(await screen.findByTestId("error-server_url")).toHaveTextContent("The server address is not a valid URL (relative URL without a base).");

    // An address that does not answer is refused now, on the address.
    await user.clear(screen.getByTestId("join-server-url"));
    await user.type(screen.getByTestId("join-server-url"), URL);
    await user.click(screen.getByTestId("join-submit"));
    await waitFor(() => {
      expect(screen.getByTestId("error-server_url")).toHaveTextContent('password authentication failed for user "clinicdesk"');
    });
    await user.type(screen.getByTestId("join-password"), PASSWORD);
    await user.click(screen.getByTestId("join-submit"));

    // Joined: the settings are saved and the first pull runs.
    expect(await screen.findByTestId("join-waiting")).toBeInTheDocument();
    expect(backend.calls.filter((c) => c.name === "join_clinic_server").at(-1)?.input).toEqual({ server_url: URL, workstation_name: "Reception 2", password: PASSWORD });
    expect(backend.sync.settings).toEqual({ server_url: URL, enabled: true, workstation_name: "Reception 2", has_password: true });
    expect(backend.sync.keychain).toBe(PASSWORD);

    backend.sync.pullProgress(1200);
    await waitFor(() => {
      expect(screen.getByTestId("join-progress")).toHaveTextContent("Pulling 1,200 / 18,240");
    });
    expect(screen.getByRole("progressbar", { name: "Data received" })).toHaveAttribute("aria-valuenow", "7");

    // A failed round shows, and the screen keeps waiting.
    backend.sync.recordOutcome("cannot connect to the central server: error communicating with database: Connection reset by peer (os error 104)");
    expect(await screen.findByTestId("join-error")).toHaveTextContent("Connection reset by peer");

    // The clinic arrived: app_status says so, and the sign-in shows; an existing account signs in.
    backend.sync.finishFirstPull();
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
    expect(screen.getByText("Sign in to Demo Clinic (sample data)")).toBeInTheDocument();
    await signInAs(user, "reception");
    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByTestId("sync-indicator")).toHaveAttribute("data-state", "online");
    });
  });

  it("goes back to the choice", async () => {
    const { user } = renderApp({ state: "empty" });
    await user.click(await screen.findByTestId("first-run-join"));
    await user.click(await screen.findByTestId("join-back"));
    expect(await screen.findByTestId("first-run-setup")).toBeInTheDocument();
  });
});
