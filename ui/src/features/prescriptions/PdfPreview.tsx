// A document as it prints, rendered by Rust (an audited read): drawn page by page with pdf.js
// (pdfRender.ts, its own chunk; the bytes never leave the workstation, and
// WebKitGTK has no PDF viewer of its own), printed on one of the workstation's printers
// (`list_printers`, the default chosen; the caller's print command answers the print system's job
// id or says why it refused), or saved as a PDF file. Prescriptions and billing documents share it;
// each passes its own PDF query, print command and words (PrintPreview.tsx is the prescription's).
import { useMutation, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { Download, Printer as PrinterIcon } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../../api/errors";
import type { PrintResult } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { SelectField } from "../../components/Field";
import { LoadingState } from "../../components/States";
import { bytesOf, saveFile } from "./model";

export interface PdfPreviewLabels {
  /** Shown (as a warning) when the document previews as a draft. */
  draft: ReactNode;
  printer: string;
  printerDefault: (name: string) => string;
  print: string;
  save: string;
  sent: (printer: string, job: string) => string;
  sentDefault: (job: string) => string;
  noPrinters: string;
  loading: string;
  /** The accessible name of the drawn pages. */
  frameTitle: string;
  noViewer: string;
}

export interface PdfPreviewProps {
  pdf: UseQueryResult<{ file_name: string; content_base64: string; draft: boolean }>;
  labels: PdfPreviewLabels;
  /** Before the PDF arrives (or whatever it says): whether it is a draft. */
  draft: boolean;
  /** False: the document is not printed (a draft, a record entered in error); it is still saved. */
  printable: boolean;
  /** Sends the document to `printer` (null: the system's default). */
  print: (printer: string | null) => Promise<PrintResult>;
  /** More banners above the controls (e.g. "entered in error"). */
  notice?: ReactNode;
  /** More controls beside the printer (e.g. a receipt's paper). */
  controls?: ReactNode;
}

export function PdfPreview({ pdf, labels, draft, printable, print: send, notice, controls }: PdfPreviewProps) {
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
  const list = printers.data ?? [];
  const chosen = printer ?? list.find((q) => q.is_default)?.name ?? list[0]?.name ?? "";
  const print = useMutation({ mutationFn: () => send(chosen === "" ? null : chosen) });

  return (
    <div className="flex flex-col gap-3" data-testid="print-preview" data-draft={draft}>
      {draft ? (
        <Banner tone="warning" testId="pdf-draft">
          <span className="font-semibold">{labels.draft}</span>
        </Banner>
      ) : null}
      {notice}
      <div className="flex flex-wrap items-end gap-2">
        {printers.isError ? (
          <Banner tone="info" className="flex-1" testId="printers-error">
            {errorMessage(printers.error)}
          </Banner>
        ) : printers.data && list.length === 0 ? (
          <Banner tone="info" className="flex-1" testId="printers-none">
            {labels.noPrinters}
          </Banner>
        ) : (
          <SelectField
            label={labels.printer}
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
                {q.is_default ? labels.printerDefault(q.name) : q.name}
              </option>
            ))}
          </SelectField>
        )}
        {controls}
        <Button
          variant="primary"
          icon={<PrinterIcon aria-hidden="true" className="size-4" />}
          disabled={!printable || pdf.data === undefined || list.length === 0}
          busy={print.isPending}
          data-testid="print-submit"
          onClick={() => {
            print.mutate();
          }}
        >
          {labels.print}
        </Button>
        <Button
          icon={<Download aria-hidden="true" className="size-4" />}
          disabled={pdf.data === undefined}
          data-testid="pdf-save"
          onClick={() => {
            if (pdf.data) saveFile(pdf.data.file_name, "application/pdf", pdf.data.content_base64);
          }}
        >
          {labels.save}
        </Button>
      </div>
      {print.isSuccess ? (
        <Banner tone="success" testId="print-result">
          {chosen === "" ? labels.sentDefault(print.data.job_id) : labels.sent(chosen, print.data.job_id)}
        </Banner>
      ) : null}
      {print.isError ? (
        <Banner tone="error" testId="print-error">
          {errorMessage(print.error)}
        </Banner>
      ) : null}
      {pdf.isPending ? (
        <LoadingState label={labels.loading} />
      ) : pdf.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(pdf.error)}
        </Banner>
      ) : (
        <>
          <div
            ref={pages}
            role="document"
            aria-label={labels.frameTitle}
            aria-busy={shownPages === null && !renderError}
            className="h-[60vh] min-h-80 w-full overflow-y-auto rounded-md border border-ink-300 bg-ink-100 p-3"
            data-testid="pdf-frame"
            data-file-name={pdf.data.file_name}
            data-pages={shownPages ?? undefined}
          />
          {renderError ? <p className="text-sm text-ink-600">{labels.noViewer}</p> : null}
        </>
      )}
    </div>
  );
}
