// The prescription as it prints (`prescription_pdf`, rendered by Rust with the clinic's letterhead,
// an audited read): drawn page by page with pdf.js (pdfRender.ts; the bytes never leave the workstation),
// printed on one of the workstation's printers (`list_printers`, the default chosen;
// `print_prescription` answers the print system's job id or says why it refused), or saved as a
// PDF file. A draft previews marked "not valid for dispensing" and is not printed.
import { useMutation, useQuery } from "@tanstack/react-query";
import { Download, Printer as PrinterIcon } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { PrescriptionStatus } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { SelectField } from "../../components/Field";
import { LoadingState } from "../../components/States";
import { useRxT } from "./i18n";
import { bytesOf, saveFile } from "./model";

export function PrintPreview({ prescriptionId, status }: { prescriptionId: string; status?: PrescriptionStatus }) {
  const rx = useRxT();
  // Each rendering is an audited read in Rust; the bytes are not kept once the preview closes.
  const pdf = useQuery({ ...commandQuery("prescription_pdf", { prescription_id: prescriptionId }), staleTime: 0, gcTime: 0 });
  const printers = useQuery({ ...commandQuery("list_printers", {}), staleTime: 60_000 });
  const [printer, setPrinter] = useState<string | null>(null);
  const pages = useRef<HTMLDivElement>(null);
  const content = pdf.data?.content_base64;
  const [shownPages, setShownPages] = useState<number | null>(null);
  const [renderError, setRenderError] = useState(false);
  useEffect(() => {
    const container = pages.current;
    if (!container || content === undefined) return;
    let stop: (() => void) | null = null;
    let live = true;
    setRenderError(false);
    setShownPages(null);
    import("./pdfRender")
      .then(({ renderPdfPages }) => renderPdfPages(bytesOf(content), container))
      .then((rendered) => {
        if (live) setShownPages(rendered.pages);
        else rendered.cancel();
        stop = rendered.cancel;
      })
      .catch(() => {
        if (live) setRenderError(true);
      });
    return () => {
      live = false;
      stop?.();
      container.replaceChildren();
    };
  }, [content]);
  const draft = pdf.data?.draft ?? status === "draft";
  const errored = status === "entered_in_error";
  const list = printers.data ?? [];
  const chosen = printer ?? list.find((q) => q.is_default)?.name ?? list[0]?.name ?? "";
  const print = useMutation({
    mutationFn: () => call("print_prescription", { prescription_id: prescriptionId, printer: chosen === "" ? null : chosen }),
  });

  return (
    <div className="flex flex-col gap-3" data-testid="print-preview" data-draft={draft}>
      {draft ? (
        <Banner tone="warning" testId="pdf-draft">
          <span className="font-semibold">{rx("prescriptions.print.draft")}</span>
        </Banner>
      ) : null}
      {errored ? <Banner tone="warning">{rx("prescriptions.print.enteredInError")}</Banner> : null}
      <div className="flex flex-wrap items-end gap-2">
        {printers.isError ? (
          <Banner tone="info" className="flex-1" testId="printers-error">
            {errorMessage(printers.error)}
          </Banner>
        ) : printers.data && list.length === 0 ? (
          <Banner tone="info" className="flex-1" testId="printers-none">
            {rx("prescriptions.print.noPrinters")}
          </Banner>
        ) : (
          <SelectField
            label={rx("prescriptions.print.printer")}
            name="printer"
            className="min-w-56 flex-1"
            testId="print-printer"
            value={chosen}
            disabled={printers.isPending}
            onChange={(e) => {
              print.reset();
              setPrinter(e.target.value);
            }}
          >
            {list.map((q) => (
              <option key={q.name} value={q.name}>
                {q.is_default ? rx("prescriptions.print.printerDefault", { name: q.name }) : q.name}
              </option>
            ))}
          </SelectField>
        )}
        <Button
          variant="primary"
          icon={<PrinterIcon aria-hidden="true" className="size-4" />}
          disabled={draft || errored || pdf.data === undefined || list.length === 0}
          busy={print.isPending}
          data-testid="print-submit"
          onClick={() => {
            print.mutate();
          }}
        >
          {rx("prescriptions.print.print")}
        </Button>
        <Button
          icon={<Download aria-hidden="true" className="size-4" />}
          disabled={pdf.data === undefined}
          data-testid="pdf-save"
          onClick={() => {
            if (pdf.data) saveFile(pdf.data.file_name, "application/pdf", pdf.data.content_base64);
          }}
        >
          {rx("prescriptions.print.save")}
        </Button>
      </div>
      {print.isSuccess ? (
        <Banner tone="success" testId="print-result">
          {chosen === "" ? rx("prescriptions.print.sentDefault", { job: print.data.job_id }) : rx("prescriptions.print.sent", { printer: chosen, job: print.data.job_id })}
        </Banner>
      ) : null}
      {print.isError ? (
        <Banner tone="error" testId="print-error">
          {errorMessage(print.error)}
        </Banner>
      ) : null}
      {pdf.isPending ? (
        <LoadingState label={rx("prescriptions.print.loading")} />
      ) : pdf.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(pdf.error)}
        </Banner>
      ) : (
        <>
          <div
            ref={pages}
            role="document"
            aria-label={rx("prescriptions.print.frameTitle")}
            aria-busy={shownPages === null && !renderError}
            className="h-[60vh] min-h-80 w-full overflow-y-auto rounded-md border border-ink-300 bg-ink-100 p-3"
            data-testid="pdf-frame"
            data-file-name={pdf.data.file_name}
            data-pages={shownPages ?? undefined}
          />
          {renderError ? <p className="text-sm text-ink-600">{rx("prescriptions.print.noViewer")}</p> : null}
        </>
      )}
    </div>
  );
}
