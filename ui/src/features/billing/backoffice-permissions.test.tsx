import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { memoryLocation } from "wouter/memory-location";
import { setEventSource, setSessionToken, setTransport } from "../../api/gateway";
import type { LoginOutput } from "../../api/generated";
import { createQueryClient } from "../../api/queries";
import { App } from "../../app/App";
import { createFakeBackend, DEMO_USERS } from "../../test/fake-backend";
import { openAs } from "../../test/flows";

const SECTIONS = ["closing", "outstanding", "prices", "revenue"] as const;

describe("who sees the back-office billing screens", { timeout: 30_000 }, () => {
  it.each([
    ["reception", ["closing", "outstanding"]],
    ["accounts", ["closing", "outstanding", "prices", "revenue"]],
    // Administrators keep the price list and the reports, but take no money.
    ["admin", ["outstanding", "prices", "revenue"]],
    ["dr.rossi", []],
    ["nurse.muller", []],
    ["pharmacy", []],
  ] as const)("%s sees %j", async (username, sections) => {
    await openAs(username);
    const nav = within(await screen.findByRole("navigation", { name: "Sections" }));
    expect(SECTIONS.filter((s) => nav.queryByTestId(`nav-${s}`) !== null)).toEqual(sections);
  });

  it.each([
    ["dr.rossi", "/billing/closing", "closing-title"],
    ["reception", "/billing/prices", "prices-title"],
    ["reception", "/billing/reports", "revenue-title"],
    ["admin", "/billing/closing", "closing-title"],
  ])("tells %s that %s is not for their role, without asking Rust", async (username, path, title) => {
    const backend = createFakeBackend({ state: "demo" });
    setTransport(backend.transport);
    setEventSource(backend.onClinicChanged);
    const demo = DEMO_USERS.find((u) => u.username === username);
    const output = (await backend.transport("login", null, { username, password: demo?.password ?? "" })) as LoginOutput;
    setSessionToken(output.token);
    const session = { user: output.user, permissions: new Set(output.permissions), idleLockMinutes: output.idle_lock_minutes, location: memoryLocation({ path }) };
    render(<App queryClient={createQueryClient()} initialSession={{ phase: "active", session }} />);
    expect(await screen.findByTestId("not-available")).toHaveTextContent("Not available for your role");
    expect(screen.queryByTestId(title)).not.toBeInTheDocument();
    const billing = ["cash_closing_preview", "list_price_items", "revenue_report", "list_outstanding", "list_cash_closings"];
    expect(backend.calls.filter((c) => billing.includes(c.name))).toEqual([]);
  });
});
