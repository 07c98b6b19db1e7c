import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CommandName, Commands, RevenueGrouping } from "../../api/generated";
import { clinicClock } from "../../lib/clinic-time";
import type { FakeBackend } from "../../test/fake-backend";
import { openAs, tokenOf } from "../../test/flows";
import { monthOf } from "./backoffice";
import { recordDownloads } from "./test-downloads";

const downloads = recordDownloads();

async function as<K extends CommandName>(backend: FakeBackend, username: string, name: K, input: Commands[K]["input"]): Promise<Commands[K]["output"]> {
  return (await backend.transport(name, await tokenOf(backend, username), input)) as Commands[K]["output"];
}

const clinicToday = () => clinicClock("Europe/Rome").date;
const euro = (amount: string) => `€${Number(amount).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe("outstanding balances", { timeout: 30_000 }, () => {
  it("lists each patient's unpaid invoices, largest balance first, with the total and the overdue ones marked", async () => {
    const { user, backend } = await openAs("reception", "outstanding", { latency: 20 });
    const expected = await as(backend, "reception", "list_outstanding", {});
    expect(expected.patients.length).toBeGreaterThan(1);
    expect(await screen.findByTestId("outstanding-total")).toHaveTextContent(euro(expected.total_balance));
    expect(screen.getByTestId("outstanding-invoice-count")).toHaveTextContent(String(expected.invoice_count));
    expect(screen.getByTestId("outstanding-table-total")).toHaveTextContent(euro(expected.total_balance));
    const groups = within(screen.getByTestId("outstanding-table")).getAllByRole("rowgroup").filter((g) => g.dataset.testid?.startsWith("outstanding-patient-"));
    expect(groups.map((g) => g.dataset.testid)).toEqual(expected.patients.map((p) => `outstanding-patient-${p.patient.mrn}`));
    for (const p of expected.patients) {
      expect(screen.getByTestId(`outstanding-balance-${p.patient.mrn}`)).toHaveTextContent(euro(p.balance));
      expect(screen.getByTestId(`outstanding-chart-${p.patient.mrn}`)).toHaveAttribute("href", `/patients/${p.patient.id}`);
      for (const i of p.invoices) {
        const row = screen.getByTestId(`outstanding-invoice-${i.number ?? i.id}`);
        expect(within(row).getByRole("link", { name: i.number ?? "" })).toHaveAttribute("href", `/billing/invoices/${i.id}`);
        expect(row).toHaveTextContent(euro(i.total));
        expect(row).toHaveTextContent(euro(i.paid));
        expect(row).toHaveTextContent(euro(i.balance));
        expect(row).toHaveAttribute("data-overdue", String(i.due_date !== null && i.due_date < clinicToday()));
      }
    }
    // The demo's overdue invoice (due 14 days after it was issued 16 days ago).
    const overdue = expected.patients.flatMap((p) => p.invoices).filter((i) => i.due_date !== null && i.due_date < clinicToday());
    expect(overdue).toHaveLength(1);
    const overdueRow = screen.getByTestId(`outstanding-invoice-${overdue[0]?.number ?? ""}`);
    expect(overdueRow).toHaveTextContent("2 days overdue");

    // Reception has no finance reports: no export.
    expect(screen.queryByTestId("outstanding-export")).not.toBeInTheDocument();

    // Only the overdue patients, then one found by name: the total follows what is shown.
    await user.click(screen.getByTestId("outstanding-overdue-only"));
    expect(within(screen.getByTestId("outstanding-table")).getAllByRole("rowgroup").filter((g) => g.dataset.testid?.startsWith("outstanding-patient-"))).toHaveLength(1);
    expect(screen.getByTestId("outstanding-table-total")).toHaveTextContent(euro(overdue[0]?.balance ?? ""));
    await user.click(screen.getByTestId("outstanding-overdue-only"));
    await user.type(screen.getByTestId("outstanding-search"), "zzz-nobody");
    expect(screen.getByText("No patient or invoice matches.")).toBeInTheDocument();
  });

  it("exports the outstanding invoices as CSV for the accountant", async () => {
    const { user, backend } = await openAs("accounts", "outstanding", { latency: 20 });
    await user.click(await screen.findByTestId("outstanding-export"));
    const notice = await screen.findByTestId("outstanding-notice");
    const name = `outstanding-invoices-${clinicToday()}.csv`;
    expect(notice).toHaveTextContent(`Saved ${name}`);
    expect(downloads.files.map((f) => f.name)).toEqual([name]);
    const expected = await as(backend, "accounts", "export_outstanding_csv", {});
    expect(await downloads.textOf()).toBe(expected.content.replace(/^\uFEFF/, ""));
    expect((await downloads.textOf()).split("\n")[0]).toBe("invoice,issued,due,mrn,patient,doctor,currency,total,credited,paid,balance");
  });
});

describe("the revenue report", { timeout: 30_000 }, () => {
  async function waitForReport(group: RevenueGrouping, from: string, to: string) {
    await waitFor(() => {
      const table = screen.getByTestId("revenue-table");
      expect(table).toHaveAttribute("data-group", group);
      expect(table).toHaveAttribute("data-current", "true");
    });
    const calls = screen.getByTestId("revenue-from");
    expect(calls).toHaveValue(from);
    expect(screen.getByTestId("revenue-to")).toHaveValue(to);
  }

  it("reports this month by day, switches grouping, totals each way, and exports what is shown", async () => {
    const { user, backend } = await openAs("accounts", "revenue", { latency: 20 });
    // The last 30 days hold the demo's invoices.
    const { from: thisFrom, to: thisTo } = monthOf(clinicToday());
    await waitForReport("day", thisFrom, thisTo);
    expect(backend.calls.find((c) => c.name === "revenue_report")?.input).toEqual({ from: thisFrom, to: thisTo, group_by: "day" });
    const from = monthOf(clinicToday(), -1).from;
    await user.clear(screen.getByTestId("revenue-from"));
    await user.type(screen.getByTestId("revenue-from"), from);
    await waitForReport("day", from, thisTo);
    const byDay = await as(backend, "accounts", "revenue_report", { from, to: thisTo, group_by: "day" });
    expect(byDay.rows.length).toBeGreaterThan(1);
    expect(screen.getByTestId("revenue-total-net")).toHaveTextContent(euro(byDay.total.net));
    const table = () => screen.getByTestId("revenue-table");
    expect(within(table()).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Day", "Invoices", "Invoiced", "Credited", "Net", "Tax", "Net, as a bar"]);

    await user.click(screen.getByLabelText("Service"));
    await waitForReport("service", from, thisTo);
    const byService = await as(backend, "accounts", "revenue_report", { from, to: thisTo, group_by: "service" });
    expect(within(table()).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Service or item", "Lines", "Invoiced", "Credited", "Net", "Tax", "Net, as a bar"]);
    expect(within(table()).getAllByRole("rowheader").map((h) => h.textContent)).toEqual([...byService.rows.map((r) => r.label), "Total"]);
    // Invoiced less credited is the same money whichever way it is grouped.
    expect(byService.total.net).toBe(byDay.total.net);
    expect(screen.getByTestId("revenue-total-net")).toHaveTextContent(euro(byDay.total.net));

    await user.click(screen.getByLabelText("Payment method"));
    await waitForReport("method", from, thisTo);
    const byMethod = await as(backend, "accounts", "revenue_report", { from, to: thisTo, group_by: "method" });
    expect(within(table()).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Payment method", "Payments", "Collected", "Refunded", "Net", "Net, as a bar"]);
    const cash = byMethod.rows.find((r) => r.key === "cash");
    expect(within(screen.getByTestId("revenue-row-cash")).getByRole("rowheader")).toHaveTextContent("Cash");
    expect(screen.getByTestId("revenue-row-cash")).toHaveTextContent(euro(cash?.credited ?? ""));

    await user.click(screen.getByTestId("revenue-export"));
    const name = `revenue-by-method-${from}-to-${thisTo}.csv`;
    expect(await screen.findByTestId("revenue-notice")).toHaveTextContent(`Saved ${name} (${String(byMethod.rows.length + 1)} rows).`);
    expect(backend.calls.filter((c) => c.name === "export_revenue_csv").map((c) => c.input)).toEqual([{ from, to: thisTo, group_by: "method" }]);
    expect(downloads.files.map((f) => f.name)).toEqual([name]);
    expect((await downloads.textOf()).split("\n")[0]).toBe("method,count,collected,refunded,net,tax");
  });

  it("shows Rust's refusal of a period that ends before it starts under the end date", async () => {
    const { user } = await openAs("admin", "revenue", { latency: 20 });
    const { from, to } = monthOf(clinicToday());
    await waitForReport("day", from, to);
    await user.clear(screen.getByTestId("revenue-to"));
    const before = monthOf(clinicToday(), -2).to;
    await user.type(screen.getByTestId("revenue-to"), before);
    expect(await screen.findByTestId("error-to")).toHaveTextContent("The period ends before it starts.");
    expect(screen.getByTestId("revenue-to")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("revenue-export")).toBeDisabled();
    await user.click(screen.getByTestId("revenue-preset-lastMonth"));
    const last = monthOf(clinicToday(), -1);
    await waitForReport("day", last.from, last.to);
    expect(screen.queryByTestId("error-to")).not.toBeInTheDocument();
  });
});
