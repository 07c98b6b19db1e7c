import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { memoryLocation } from "wouter/memory-location";
import { setSessionToken, setTransport } from "../../api/gateway";
import type { LoginOutput } from "../../api/generated";
import { createQueryClient } from "../../api/queries";
import { App } from "../../app/App";
import { createFakeBackend } from "../../test/fake-backend";
import { demoPatient, openAs, searchPatients } from "../../test/flows";

describe("merging patients", () => {
  it("is in the admin navigation only", async () => {
    await openAs("reception", "patients");
    await screen.findByTestId("patient-results");
    expect(screen.queryByTestId("nav-merge")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-merge-link")).not.toBeInTheDocument();
  });

  it("answers 'not available' to another role on its route", async () => {
    const backend = createFakeBackend({ state: "demo" });
    setTransport(backend.transport);
    const output = (await backend.transport("login", null, { username: "dr.rossi", password: "quiet harbour maple 47" })) as LoginOutput;
    setSessionToken(output.token);
    const session = { user: output.user, permissions: new Set(output.permissions), idleLockMinutes: 15, location: memoryLocation({ path: "/patients/merge" }) };
    render(<App queryClient={createQueryClient()} initialSession={{ phase: "active", session }} />);
    expect(await screen.findByTestId("not-available")).toBeInTheDocument();
    expect(screen.queryByTestId("merge-survivor-search")).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "merge_patients")).toBe(false);
  });

  it("picks both records, compares them, asks for a reason and confirmation, and shows the result", async () => {
    const { user, backend } = await openAs("admin", "merge");
    const bianchi = demoPatient(backend, "Bianchi");
    const bianci = demoPatient(backend, "Bianci");
    expect(screen.getByTestId("nav-merge")).toHaveAttribute("aria-current", "page");

    await searchPatients(user, "marco bianchi", "merge-survivor");
    await user.click(screen.getByTestId(`merge-survivor-hit-${bianchi.mrn}`));
    expect(await screen.findByTestId("merge-survivor-card")).toHaveTextContent(bianchi.mrn);
    // The survivor is never offered as its own duplicate.
    await searchPatients(user, "marco bianchi", "merge-duplicate");
    expect(screen.queryByTestId(`merge-duplicate-hit-${bianchi.mrn}`)).not.toBeInTheDocument();
    await user.click(screen.getByTestId(`merge-duplicate-hit-${bianci.mrn}`));
    expect(await screen.findByTestId("merge-duplicate-card")).toHaveTextContent(bianci.mrn);

    const compare = await screen.findByTestId("merge-compare");
    expect(within(compare).getByTestId("merge-row-email")).toHaveTextContent("marco.bianchi@example.itFilled from the duplicate");
    expect(within(compare).getByTestId("merge-row-family_name")).toHaveTextContent("BianchiBianciDiffers: survivor's kept");
    expect(within(compare).getByTestId("merge-row-allergies")).toHaveTextContent("0 records1 recordMoves to the survivor");

    await user.click(screen.getByTestId("merge-submit"));
    expect(await screen.findByTestId("error-reason")).toHaveTextContent("This is required.");
    await user.type(screen.getByTestId("merge-reason"), "Registered twice with a typo in the family name");
    await user.click(screen.getByTestId("merge-submit"));
    // The form is checked first (asynchronously): wait for the open dialog's button, not the element.
    await screen.findByTestId("confirm-submit");
    const confirm = screen.getByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent(`Marco Bianci (${bianci.mrn}) will be merged into Marco Bianchi (${bianchi.mrn})`);
    expect(backend.calls.some((c) => c.name === "merge_patients")).toBe(false);
    await user.click(within(confirm).getByTestId("confirm-submit"));

    const result = await screen.findByTestId("merge-result");
    expect(result).toHaveTextContent(`${bianci.mrn} was merged into ${bianchi.mrn}`);
    expect(within(result).getByTestId("merge-moved")).toHaveTextContent("1 allergy record");
    expect(within(result).getByTestId("merge-filled")).toHaveTextContent("Email");
    expect(backend.calls.find((c) => c.name === "merge_patients")?.input).toEqual({
      survivor_id: bianchi.id,
      duplicate_id: bianci.id,
      reason: "Registered twice with a typo in the family name",
    });

    await user.click(within(result).getByTestId("merge-open-survivor"));
    expect(await screen.findByTestId("chart-mrn")).toHaveTextContent(bianchi.mrn);
    expect(within(screen.getByTestId("chart-overview")).getByText(bianci.mrn)).toBeInTheDocument();
    expect(within(screen.getByTestId("chart-allergies")).getByTestId("allergy-chip-Ibuprofen")).toBeInTheDocument();
  });

  it("swaps the two records and shows Rust's refusal under the picker it concerns", async () => {
    const { user, backend } = await openAs("admin", "merge");
    const bianchi = demoPatient(backend, "Bianchi");
    const bianci = demoPatient(backend, "Bianci");
    await searchPatients(user, bianchi.mrn, "merge-survivor");
    await user.click(screen.getByTestId(`merge-survivor-hit-${bianchi.mrn}`));
    await searchPatients(user, bianci.mrn, "merge-duplicate");
    await user.click(screen.getByTestId(`merge-duplicate-hit-${bianci.mrn}`));
    await screen.findByTestId("merge-compare");
    await user.click(screen.getByTestId("merge-swap"));
    expect(await screen.findByTestId("merge-survivor-card")).toHaveTextContent(bianci.mrn);
    expect(await screen.findByTestId("merge-duplicate-card")).toHaveTextContent(bianchi.mrn);

    backend.failNext("merge_patients", { code: "conflict", message: "this duplicate was already merged", field: "duplicate_id" });
    await user.type(screen.getByTestId("merge-reason"), "Same person");
    await user.click(screen.getByTestId("merge-submit"));
    await user.click(await screen.findByTestId("confirm-submit"));
    expect(await screen.findByTestId("error-duplicate_id")).toHaveTextContent("This duplicate was already merged.");
    expect(screen.queryByTestId("merge-result")).not.toBeInTheDocument();
  });
});
