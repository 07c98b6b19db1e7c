// An invoice, credit note or receipt as it prints (`invoice_pdf`, `credit_note_pdf`,
// `receipt_pdf`: rendered by Rust with the clinic's letterhead, an audited read) in the shared PDF
// preview (prescriptions/PdfPreview.tsx: drawn with pdf.js, printed with `print_billing_document`
// on a chosen printer, or saved). A draft invoice previews marked "not an invoice" and is not
// printed; a receipt prints on the clinic's paper or, chosen here, on a page or an 80 mm roll.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { call } from "../../api/gateway";
import type { BillingPdf, ReceiptPaper } from "../../api/generated";
import { clinicSettingsQuery } from "../../api/queries";
import { Dialog } from "../../components/Dialog";
import { SelectField } from "../../components/Field";
import { PdfPreview } from "../prescriptions/PdfPreview";

export type PrintedDocument = "invoice" | "credit_note" | "receipt";

/** A document to preview: which, its id (invoice, credit note or payment) and the dialog's title. */
export interface PreviewRequest {
  document: PrintedDocument;
  id: string;
  title: string;
}

function fetchPdf(document: PrintedDocument, id: string, paper: ReceiptPaper | null): Promise<BillingPdf> {
  switch (document) {
    case "invoice":
      return call("invoice_pdf", { invoice_id: id });
    case "credit_note":
      return call("credit_note_pdf", { credit_note_id: id });
    case "receipt":
      return call("receipt_pdf", { payment_id: id, paper });
  }
}

const COMMAND: Record<PrintedDocument, "invoice_pdf" | "credit_note_pdf" | "receipt_pdf"> = { invoice: "invoice_pdf", credit_note: "credit_note_pdf", receipt: "receipt_pdf" };

export function BillingPreview({ document, id }: { document: PrintedDocument; id: string }) {
  const { t } = useTranslation();
  const settings = useQuery(clinicSettingsQuery());
  const [paper, setPaper] = useState<ReceiptPaper | null>(null);
  const receiptPaper = paper ?? settings.data?.receipt_paper ?? "page";
  const asked = document === "receipt" ? receiptPaper : null;
  // Each rendering is an audited read in Rust; the bytes are not kept once the preview closes.
  const pdf = useQuery({ queryKey: [COMMAND[document], { id, paper: asked }], queryFn: () => fetchPdf(document, id, asked), staleTime: 0, gcTime: 0, enabled: document !== "receipt" || settings.data !== undefined });
  const draft = pdf.data?.draft ?? false;
  return (
    <PdfPreview
      pdf={pdf}
      draft={draft}
      printable={!draft}
      print={(printer) => call("print_billing_document", { document, id, printer, paper: asked })}
      controls={
        document === "receipt" ? (
          <SelectField
            label={t("billing.print.paper")}
            name="paper"
            className="min-w-44"
            testId="print-paper"
            value={receiptPaper}
            onChange={(e) => {
              setPaper(e.target.value === "roll80" ? "roll80" : "page");
            }}
          >
            <option value="page">{t("billing.print.paperPage")}</option>
            <option value="roll80">{t("billing.print.paperRoll")}</option>
          </SelectField>
        ) : null
      }
      labels={{
        draft: t("billing.print.draft"),
        printer: t("billing.print.printer"),
        printerDefault: (name) => t("billing.print.printerDefault", { name }),
        print: t("billing.print.print"),
        save: t("billing.print.save"),
        sent: (printer, job) => t("billing.print.sent", { printer, job }),
        sentDefault: (job) => t("billing.print.sentDefault", { job }),
        noPrinters: t("billing.print.noPrinters"),
        loading: t("billing.print.loading"),
        frameTitle: t(`billing.print.frame.${document}`),
        noViewer: t("billing.print.noViewer"),
      }}
    />
  );
}

/** The preview in a dialog (closed: `request` null). */
export function BillingPreviewDialog({ request, onClose }: { request: PreviewRequest | null; onClose: () => void }) {
  return (
    <Dialog open={request !== null} onClose={onClose} title={request?.title ?? ""} size="lg" testId="billing-preview-dialog">
      {request ? <BillingPreview key={`${request.document}-${request.id}`} document={request.document} id={request.id} /> : null}
    </Dialog>
  );
}
