// The prescription as it prints (`prescription_pdf`, rendered by Rust with the clinic's letterhead,
// an audited read), in the shared PDF preview (PdfPreview.tsx: pages drawn with pdf.js, printed on
// one of the workstation's printers with `print_prescription`, or saved as a PDF file). A draft
// previews marked "not valid for dispensing" and is not printed; neither is one entered in error.
import { useQuery } from "@tanstack/react-query";
import { call } from "../../api/gateway";
import type { PrescriptionStatus } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { useRxT } from "./i18n";
import { PdfPreview } from "./PdfPreview";

export function PrintPreview({ prescriptionId, status }: { prescriptionId: string; status?: PrescriptionStatus }) {
  const rx = useRxT();
  // Each rendering is an audited read in Rust; the bytes are not kept once the preview closes.
  const pdf = useQuery({ ...commandQuery("prescription_pdf", { prescription_id: prescriptionId }), staleTime: 0, gcTime: 0 });
  const draft = pdf.data?.draft ?? status === "draft";
  const errored = status === "entered_in_error";
  return (
    <PdfPreview
      pdf={pdf}
      draft={draft}
      printable={!draft && !errored}
      print={(printer) => call("print_prescription", { prescription_id: prescriptionId, printer })}
      notice={errored ? <Banner tone="warning">{rx("prescriptions.print.enteredInError")}</Banner> : null}
      labels={{
        draft: rx("prescriptions.print.draft"),
        printer: rx("prescriptions.print.printer"),
        printerDefault: (name) => rx("prescriptions.print.printerDefault", { name }),
        print: rx("prescriptions.print.print"),
        save: rx("prescriptions.print.save"),
        sent: (printer, job) => rx("prescriptions.print.sent", { printer, job }),
        sentDefault: (job) => rx("prescriptions.print.sentDefault", { job }),
        noPrinters: rx("prescriptions.print.noPrinters"),
        loading: rx("prescriptions.print.loading"),
        frameTitle: rx("prescriptions.print.frameTitle"),
        noViewer: rx("prescriptions.print.noViewer"),
      }}
    />
  );
}
