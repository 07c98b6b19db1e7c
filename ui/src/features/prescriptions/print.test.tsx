import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandName } from "../../api/generated";
import type { ClinicalBackend } from "./clinical-harness";
import { PrescriptionPanel } from "./PrescriptionPanel";
import { PrintPreview } from "./PrintPreview";
import { createClinicalBackend, renderAs } from "./test-render";

const callsOf = (clinic: ClinicalBackend, name: CommandName) => clinic.backend.calls.filter((c) => c.name === name).map((c) => c.input);

/** jsdom has no canvas: the pages pdf.js would draw are recorded as the bytes it was given. */
const drawn = vi.hoisted(() => ({ pdfs: [] as Uint8Array[] }));
vi.mock("./pdfRender", () => ({
  renderPdfPages: (bytes: Uint8Array) => {
    drawn.pdfs.push(bytes);
    return Promise.resolve({ pages: 1, cancel: () => undefined });
  },
}));
const drawnText = (n = 0) => new TextDecoder("latin1").decode(drawn.pdfs[n]);

/** jsdom has no blob URLs: the download gets these. */
let blobs: Blob[] = [];
let downloads: { name: string; href: string }[] = [];
const originals = { create: Object.getOwnPropertyDescriptor(URL, "createObjectURL"), revoke: Object.getOwnPropertyDescriptor(URL, "revokeObjectURL") };

beforeEach(() => {
  drawn.pdfs = [];
  blobs = [];
  downloads = [];
  Object.defineProperty(URL, "createObjectURL", {
    configurable: true,
    writable: true,
    value: (blob: Blob) => {
      blobs.push(blob);
      return `blob:fake-${String(blobs.length)}`;
    },
  });
  Object.defineProperty(URL, "revokeObjectURL", { configurable: true, writable: true, value: () => undefined });
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    downloads.push({ name: this.download, href: this.href });
  });
});
afterEach(() => {
  for (const [name, descriptor] of [["createObjectURL", originals.create], ["revokeObjectURL", originals.revoke]] as const) {
    if (descriptor) Object.defineProperty(URL, name, descriptor);
    else Reflect.deleteProperty(URL, name);
  }
});


async function draftOf(clinic: ClinicalBackend) {
  const rossi = await clinic.as("dr.rossi");
  const p = await rossi("create_prescription", { patient_id: clinic.patient("Rossi").id, notes: "" });
  return rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-paracetamol-500-mg-tablet" });
}

describe("the print preview", { timeout: 30_000 }, () => {
  it("shows a draft marked not valid for dispensing and does not print it, but saves the PDF", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const draft = await draftOf(clinic);
    const { user } = await renderAs(clinic, "dr.rossi", <PrintPreview prescriptionId={draft.id} status="draft" />);
    const frame = await screen.findByTestId("pdf-frame");
    expect(frame).toHaveAccessibleName("The prescription as it prints");
    await waitFor(() => {
      expect(frame).toHaveAttribute("data-pages", "1");
    });
    // The pages drawn are Rust's PDF bytes as they are.
    const pdf = drawnText();
    expect(pdf.slice(0, 5)).toBe("%PDF-");
    expect(pdf).toContain("DRAFT - NOT VALID FOR DISPENSING");
    expect(screen.getByTestId("pdf-draft")).toHaveTextContent("Draft: not valid for dispensing.");
    expect(screen.getByTestId("print-preview")).toHaveAttribute("data-draft", "true");
    expect(screen.getByTestId("print-submit")).toBeDisabled();
    expect(callsOf(clinic, "prescription_pdf")).toEqual([{ prescription_id: draft.id }]);

    await user.click(screen.getByTestId("pdf-save"));
    expect(downloads).toEqual([{ name: `prescription-${clinic.patient("Rossi").mrn}-${draft.created_at.slice(0, 10)}.pdf`, href: "blob:fake-1" }]);
    expect(callsOf(clinic, "print_prescription")).toEqual([]);
  });

  it("prints a signed prescription on the chosen printer (the default first) and shows the job id, or the print system's refusal", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const draft = await draftOf(clinic);
    const signed = await (await clinic.as("dr.rossi"))("sign_prescription", { prescription_id: draft.id, overrides: [] });
    // A pharmacist reads and prints prescriptions.
    const { user } = await renderAs(clinic, "pharmacy", <PrintPreview prescriptionId={signed.id} status="signed" />);
    const printer = await screen.findByTestId("print-printer");
    await waitFor(() => {
      expect(printer).toHaveValue("Reception_Laser");
    });
    expect(within(printer).getByRole("option", { name: "Reception_Laser (default)" })).toBeInTheDocument();
    expect(screen.queryByTestId("pdf-draft")).not.toBeInTheDocument();
    await waitFor(() => {
      expect(drawn.pdfs).toHaveLength(1);
    });
    expect(drawnText()).toContain(`Verification code: ${signed.verification_code ?? ""}`);

    await user.selectOptions(printer, "Office_Inkjet");
    await user.click(screen.getByTestId("print-submit"));
    expect(await screen.findByTestId("print-result")).toHaveTextContent("Sent to Office_Inkjet: job Office_Inkjet-1.");
    expect(callsOf(clinic, "print_prescription")).toEqual([{ prescription_id: signed.id, printer: "Office_Inkjet" }]);
    expect(clinic.prescriptions.printJobs.map((j) => j.printer)).toEqual(["Office_Inkjet"]);

    // The printer went away meanwhile: CUPS's refusal, in Rust's words.
    clinic.prescriptions.setPrinters([{ name: "Reception_Laser", is_default: true }]);
    await user.click(screen.getByTestId("print-submit"));
    expect(await screen.findByTestId("print-error")).toHaveTextContent("The print system refused the job: lp failed (exit status: 1): lp: The printer or class does not exist.");
    expect(screen.queryByTestId("print-result")).not.toBeInTheDocument();
  });

  it("says so when the workstation has no printer, and still saves the PDF", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    clinic.prescriptions.setPrinters([]);
    const draft = await draftOf(clinic);
    const signed = await (await clinic.as("dr.rossi"))("sign_prescription", { prescription_id: draft.id, overrides: [] });
    const { user } = await renderAs(clinic, "nurse.muller", <PrintPreview prescriptionId={signed.id} status="signed" />);
    expect(await screen.findByTestId("printers-none")).toHaveTextContent("No printer is set up on this workstation.");
    expect(screen.getByTestId("print-submit")).toBeDisabled();
    await user.click(await screen.findByTestId("pdf-save"));
    expect(downloads).toHaveLength(1);
  });

  it("opens from the prescription panel", async () => {
    const clinic = createClinicalBackend({ latency: 40 });
    const draft = await draftOf(clinic);
    const { user } = await renderAs(clinic, "dr.rossi", <PrescriptionPanel patientId={draft.patient_id} prescriptionId={draft.id} />);
    await user.click(await screen.findByTestId("rx-preview"));
    const dialog = within(await screen.findByTestId("rx-preview-dialog"));
    expect(await dialog.findByTestId("pdf-draft")).toBeInTheDocument();
    expect(await dialog.findByTestId("pdf-frame")).toBeInTheDocument();
  });
});
