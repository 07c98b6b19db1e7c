import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ListStaffInput } from "../../api/generated";
import { openAs } from "../../test/flows";

const staffRows = () => within(screen.getByTestId("staff-table")).getAllByRole("row").slice(1);
const lastStaffQuery = (calls: { name: string; input: unknown }[]) => calls.filter((c) => c.name === "list_staff").at(-1)?.input as ListStaffInput | undefined;

describe("departments (admin)", () => {
  it("lists departments with their staff counts, inactive ones too", async () => {
    const { backend } = await openAs("admin", "departments");
    const general = within(await screen.findByTestId("department-row-General Medicine"));
    expect(general.getByText("Family and general practice")).toBeInTheDocument();
    expect(general.getByText("2")).toBeInTheDocument();
    expect(general.getByText("Active")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "list_departments")?.input).toEqual({ include_inactive: true });
    expect(screen.getByTestId("nav-departments")).toHaveAttribute("aria-current", "page");
  });

  it("creates a department; a taken name is Rust's field error", async () => {
    const { user, backend } = await openAs("admin", "departments");
    await user.click(await screen.findByTestId("department-create"));
    await user.click(screen.getByTestId("department-submit"));
    expect(await screen.findByTestId("error-name")).toHaveTextContent("This is required.");
    await user.type(screen.getByTestId("department-name"), "paediatrics");
    await user.click(screen.getByTestId("department-submit"));
    await waitFor(() => {
      expect(screen.getByTestId("error-name")).toHaveTextContent('A department "paediatrics" exists already.');
    });

    await user.clear(screen.getByTestId("department-name"));
    await user.type(screen.getByTestId("department-name"), "Dermatology");
    await user.type(screen.getByTestId("department-description"), "Skin, hair and nails");
    await user.click(screen.getByTestId("department-submit"));
    expect(await screen.findByTestId("departments-notice")).toHaveTextContent("Dermatology was created.");
    expect(within(await screen.findByTestId("department-row-Dermatology")).getByText("Skin, hair and nails")).toBeInTheDocument();
    expect(backend.calls.filter((c) => c.name === "create_department").at(-1)?.input).toEqual({ name: "Dermatology", description: "Skin, hair and nails" });
  });

  it("renames a department and its staff follow", async () => {
    const { user, backend } = await openAs("admin", "departments");
    await user.click(await screen.findByTestId("department-edit-General Medicine"));
    expect(screen.getByTestId("department-name")).toHaveValue("General Medicine");
    expect(screen.getByText("2 active accounts are in this department.")).toBeInTheDocument();
    await user.clear(screen.getByTestId("department-name"));
    await user.type(screen.getByTestId("department-name"), "Family Medicine{Enter}");
    expect(await screen.findByTestId("department-row-Family Medicine")).toBeInTheDocument();
    expect(screen.queryByTestId("department-row-General Medicine")).not.toBeInTheDocument();
    expect(backend.users.get("dr.rossi")?.department).toBe("Family Medicine");

    await user.click(screen.getByTestId("nav-staff"));
    expect(await within(await screen.findByTestId("staff-row-nurse.muller")).findByText("Family Medicine")).toBeInTheDocument();
  });

  it("deactivates after confirmation, and reactivates", async () => {
    const { user, backend } = await openAs("admin", "departments");
    await user.click(await screen.findByTestId("department-toggle-Cardiology"));
    await screen.findByTestId("confirm-submit");
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("Deactivate Cardiology?");
    expect(backend.calls.some((c) => c.name === "update_department")).toBe(false);
    await user.click(within(dialog).getByTestId("confirm-submit"));
    const row = within(screen.getByTestId("department-row-Cardiology"));
    expect(await row.findByText("Inactive")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "update_department")?.input).toMatchObject({ name: "Cardiology", active: false });

    await user.click(screen.getByTestId("department-toggle-Cardiology"));
    await user.click(await screen.findByTestId("confirm-submit"));
    expect(await row.findByText("Active")).toBeInTheDocument();
  });

  it("is not in a receptionist's navigation", async () => {
    await openAs("reception");
    expect(screen.queryByTestId("nav-departments")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-staff")).toBeInTheDocument();
  });
});

describe("staff list", () => {
  it("lists staff, doctors first, with licence, fee and availability", async () => {
    await openAs("reception", "staff");
    await screen.findByTestId("staff-table");
    const rows = staffRows();
    expect(rows[0]).toHaveTextContent("Dr. Chinedu Okafor");
    expect(rows[1]).toHaveTextContent("Dr. Giulia Rossi");
    const rossi = within(screen.getByTestId("staff-row-dr.rossi"));
    expect(rossi.getByText("MED-IT-20417")).toBeInTheDocument();
    expect(rossi.getByText("€60.00")).toBeInTheDocument();
    expect(rossi.getByText("Offline")).toBeInTheDocument();
    expect(screen.queryByTestId("staff-row-display")).not.toBeInTheDocument();
    // Only administrators edit fees and signatures.
    expect(screen.queryByTestId("staff-edit-dr.rossi")).not.toBeInTheDocument();
  });

  it("filters by role, specialization, department and availability", async () => {
    const { user, backend } = await openAs("reception", "staff");
    await screen.findByTestId("staff-table");
    await user.selectOptions(screen.getByTestId("staff-filter-role"), "doctor");
    await waitFor(() => {
      expect(staffRows()).toHaveLength(2);
    });
    expect(lastStaffQuery(backend.calls)).toMatchObject({ role: "doctor" });

    await user.selectOptions(screen.getByTestId("staff-filter-specialization"), "Paediatrics");
    await waitFor(() => {
      expect(staffRows()).toHaveLength(1);
    });
    expect(staffRows()[0]).toHaveTextContent("Dr. Chinedu Okafor");

    await user.click(screen.getByTestId("staff-clear-filters"));
    await user.selectOptions(screen.getByTestId("staff-filter-department"), "General Medicine");
    await waitFor(() => {
      expect(staffRows().map((r) => r.textContent)).toEqual([expect.stringContaining("Giulia Rossi"), expect.stringContaining("Jana Müller")]);
    });
    expect(lastStaffQuery(backend.calls)).toEqual({ role: null, specialization: null, department: "General Medicine", availability: null, include_inactive: false });

    await user.click(screen.getByTestId("staff-clear-filters"));
    await user.selectOptions(screen.getByTestId("staff-filter-availability"), "available");
    expect(await screen.findByText("Nobody matches these filters.")).toBeInTheDocument();
  });

  it("a doctor sets their availability, and the availability filter finds them", async () => {
    const { user, backend } = await openAs("dr.okafor", "staff");
    const mine = await screen.findByTestId("my-availability");
    await waitFor(() => {
      expect(mine).toHaveValue("offline");
    });
    await user.selectOptions(mine, "available");
    expect(await within(screen.getByTestId("staff-row-dr.okafor")).findByText("Available")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "set_my_availability")?.input).toEqual({ availability: "available" });

    await user.selectOptions(screen.getByTestId("staff-filter-availability"), "available");
    await waitFor(() => {
      expect(staffRows()).toHaveLength(1);
    });
    expect(staffRows()[0]).toHaveTextContent("Dr. Chinedu Okafor");
  });

  it("shows disabled accounts only when asked", async () => {
    const { user, backend } = await openAs("reception", "staff");
    const pharmacy = backend.users.get("pharmacy");
    if (pharmacy) pharmacy.active = false;
    await user.click(await screen.findByTestId("staff-include-inactive"));
    expect(await within(await screen.findByTestId("staff-row-pharmacy")).findByText("(Disabled)")).toBeInTheDocument();
    await user.click(screen.getByTestId("staff-include-inactive"));
    await waitFor(() => {
      expect(screen.queryByTestId("staff-row-pharmacy")).not.toBeInTheDocument();
    });
  });

  it("lets an administrator set a doctor's fee and signature", async () => {
    const { backend } = await openAs("admin", "staff");
    const user = userEvent.setup({ applyAccept: false });
    await user.click(await screen.findByTestId("staff-edit-dr.rossi"));
    const dialog = await screen.findByTestId("staff-profile-dialog");
    const fee = within(dialog).getByTestId("staff-fee");
    expect(fee).toHaveValue("60.00");
    await user.clear(fee);
    await user.type(fee, "12.345");
    await user.click(within(dialog).getByTestId("staff-submit"));
    expect(await within(dialog).findByTestId("error-consultation_fee")).toHaveTextContent("at most 2 decimals");

    const file = within(dialog).getByTestId("staff-signature-file");
    await user.upload(file, new File(["gif"], "signature.gif", { type: "image/gif" }));
    expect(await within(dialog).findByTestId("error-signature_data_url")).toHaveTextContent("Choose a PNG or JPEG image.");
    await user.upload(file, new File([new Uint8Array(300 * 1024)], "signature.png", { type: "image/png" }));
    await waitFor(() => {
      expect(within(dialog).getByTestId("error-signature_data_url")).toHaveTextContent("The image is 300 KB; at most 256 KB.");
    });
    await user.upload(file, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "signature.png", { type: "image/png" }));
    expect(await within(dialog).findByTestId("staff-signature-preview")).toHaveAttribute("src", expect.stringMatching(/^data:image\/png;base64,/));

    await user.clear(fee);
    await user.type(fee, "62.5");
    expect(within(dialog).getByText("Shown as €62.50.")).toBeInTheDocument();
    // Rust checks the image's magic bytes too: its error lands on the field.
    backend.failNext("update_staff_profile", { code: "validation", message: "the signature image is not a PNG or JPEG file", field: "signature_data_url" });
    await user.click(within(dialog).getByTestId("staff-submit"));
    expect(await within(dialog).findByTestId("error-signature_data_url")).toHaveTextContent("The signature image is not a PNG or JPEG file.");

    await user.click(within(dialog).getByTestId("staff-submit"));
    expect(await screen.findByTestId("staff-notice")).toHaveTextContent("The fee and signature of Dr. Giulia Rossi were saved.");
    expect(await within(screen.getByTestId("staff-row-dr.rossi")).findByText("€62.50")).toBeInTheDocument();
    expect(backend.users.get("dr.rossi")?.consultation_fee).toBe("62.5");
    expect(backend.users.get("dr.rossi")?.signature_data_url).toMatch(/^data:image\/png;base64,/);
    // Fees and signatures belong to doctors only.
    expect(screen.queryByTestId("staff-edit-nurse.muller")).not.toBeInTheDocument();
  });
});

describe("departments on user accounts", () => {
  it("offers the active departments and sends the one chosen", async () => {
    const { user, backend } = await openAs("admin", "users");
    await user.click(await screen.findByTestId("user-create"));
    const department = screen.getByTestId("user-department");
    await waitFor(() => {
      expect(within(department).getByRole("option", { name: "Cardiology" })).toBeInTheDocument();
    });
    expect(within(department).getAllByRole("option").map((o) => o.textContent)).toEqual(["No department", "Cardiology", "General Medicine", "Paediatrics"]);
    await user.type(screen.getByTestId("user-username"), "nurse.ito");
    await user.type(screen.getByTestId("user-full-name"), "Haruka Ito");
    await user.selectOptions(screen.getByTestId("user-role"), "nurse");
    await user.selectOptions(department, "Paediatrics");
    await user.type(screen.getByTestId("user-password"), "lunar pocket harvest 3");
    await user.click(screen.getByTestId("user-submit"));
    expect(await within(await screen.findByTestId("user-row-nurse.ito")).findByText("Paediatrics")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "create_user")?.input).toMatchObject({ department: "Paediatrics" });
  });

  it("keeps a department deactivated since, and shows Rust's refusal next to the field", async () => {
    const { user, backend } = await openAs("admin", "users");
    for (const d of backend.departments.values()) if (d.name === "General Medicine") d.active = false;
    await user.click(await screen.findByTestId("user-edit-nurse.muller"));
    const department = screen.getByTestId("user-department");
    await waitFor(() => {
      expect(department).toHaveValue("General Medicine");
    });
    expect(within(department).getByRole("option", { name: "General Medicine (inactive)" })).toBeInTheDocument();
    // Unchanged, the department is left out of the edit: the rename goes through.
    await user.clear(screen.getByTestId("user-full-name"));
    await user.type(screen.getByTestId("user-full-name"), "Jana Müller-Weiss{Enter}");
    expect(await within(screen.getByTestId("user-row-nurse.muller")).findByText("Jana Müller-Weiss")).toBeInTheDocument();
    expect(backend.calls.find((c) => c.name === "update_user")?.input).toMatchObject({ username: "nurse.muller", department: null });

    backend.failNext("update_user", { code: "validation", message: 'the department "Paediatrics" is inactive', field: "department" });
    await user.click(screen.getByTestId("user-edit-nurse.muller"));
    await waitFor(() => {
      expect(screen.getByTestId("user-department")).toHaveValue("General Medicine");
    });
    await user.selectOptions(screen.getByTestId("user-department"), "Paediatrics");
    await user.click(screen.getByTestId("user-submit"));
    expect(await screen.findByTestId("error-department")).toHaveTextContent('The department "Paediatrics" is inactive.');
  });
});
