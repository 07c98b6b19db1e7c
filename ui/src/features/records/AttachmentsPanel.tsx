// Attachments of a patient's record (scans, lab reports, images), on a consultation or on the
// chart. A file is read in the browser and sent to Rust as base64 (`add_attachment`), which keeps
// it inside the encrypted store; opening one (`open_attachment`) is an audited read. Nothing is
// deleted: a wrong file is marked entered in error with a reason and stays readable.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, FileImage, FileText, File as FileIcon, Paperclip, Upload } from "lucide-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { errorMessage, formFieldOf, isCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Attachment } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Dialog, DialogActions } from "../../components/Dialog";
import { FieldError, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { QueryList } from "../../components/QueryList";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { attachmentsQuery, encounterPath, RECORDS_TABLES, sizeText } from "./model";
import { ReasonDialog, type ReasonRequest } from "./ReasonDialog";

/** records/attachments.rs MAX_ATTACHMENT_BYTES: checked here before a large file is read at all. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** What Rust accepts (MEDIA_TYPES), for the file picker; Rust checks the type and extension again. */
const ACCEPT = ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.txt,.dcm,application/pdf,image/png,image/jpeg,image/tiff,text/plain,application/dicom";
const BY_EXTENSION: Record<string, string> = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", tif: "image/tiff", tiff: "image/tiff", txt: "text/plain", dcm: "application/dicom" };

interface PickedFile {
  file_name: string;
  media_type: string;
  size: number;
  content_base64: string;
}

/** The file's media type as the browser knows it, else from its extension (DICOM often has none). */
function mediaTypeOf(file: File): string {
  if (file.type !== "") return file.type;
  const extension = file.name.includes(".") ? (file.name.split(".").pop() ?? "").toLowerCase() : "";
  return BY_EXTENSION[extension] ?? "application/octet-stream";
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === "string" ? reader.result : "";
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error("the file could not be read"));
    };
    reader.readAsDataURL(file);
  });
}

const typeLabelKey = (mediaType: string) =>
  mediaType === "application/pdf" ? "pdf" : mediaType.startsWith("image/") ? "image" : mediaType === "text/plain" ? "text" : mediaType === "application/dicom" ? "dicom" : "other";

export function AttachmentsPanel({
  patientId,
  encounterId,
  attachments,
  allowAdd,
  showOrigin = false,
}: {
  patientId: string;
  /** The consultation they belong to (null: the patient's record). */
  encounterId: string | null;
  attachments: readonly Attachment[];
  /** Adding is for clinical.write, and not on an encounter entered in error. */
  allowAdd: boolean;
  /** On the chart: say which files came with a consultation. */
  showOrigin?: boolean;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const canWrite = useCan("clinical.write");
  const input = useRef<HTMLInputElement>(null);
  const [picked, setPicked] = useState<PickedFile | null>(null);
  const [pickProblem, setPickProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [viewing, setViewing] = useState<Attachment | null>(null);
  const [marking, setMarking] = useState<ReasonRequest | null>(null);
  const format = useFormat();

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setNotice(null);
    if (file.size > MAX_ATTACHMENT_BYTES) {
      setPickProblem(t("records.attachments.tooBig", { size: sizeText(format.locale, file.size) }));
      return;
    }
    setPickProblem(null);
    try {
      setPicked({ file_name: file.name, media_type: mediaTypeOf(file), size: file.size, content_base64: await readBase64(file) });
    } catch (error) {
      setPickProblem(errorMessage(error));
    }
  };

  return (
    <div className="flex flex-col" data-testid="attachments">
      {allowAdd && canWrite ? (
        <div className="flex flex-wrap items-center gap-3 px-4 pt-3">
          <input
            ref={input}
            type="file"
            accept={ACCEPT}
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="attachment-file"
            onChange={(e) => {
              void pick(e.target.files?.[0]);
              e.target.value = "";
            }}
          />
          <Button icon={<Upload aria-hidden="true" className="size-4" />} data-testid="attachment-add" onClick={() => input.current?.click()}>
            {t("records.attachments.add")}
          </Button>
          <p className="text-[0.8125rem] text-ink-600">{t("records.attachments.addHint")}</p>
        </div>
      ) : null}
      {pickProblem ? (
        <Banner tone="error" testId="attachment-pick-error" className="mx-4 mt-3">
          {pickProblem}
        </Banner>
      ) : null}
      {notice ? (
        <Banner tone="success" testId="attachment-notice" className="mx-4 mt-3">
          {notice}
        </Banner>
      ) : null}
      {attachments.length === 0 ? (
        <p className="px-4 py-3 text-sm text-ink-600" data-testid="attachments-none">
          {t("records.attachments.none")}
        </p>
      ) : (
        <ul className="flex flex-col divide-y divide-ink-100 px-4 py-1" data-testid="attachments-list">
          {attachments.map((a) => (
            <AttachmentRow
              key={a.id}
              attachment={a}
              origin={showOrigin && a.encounter_id !== null ? encounterPath(patientId, a.encounter_id) : null}
              canMark={canWrite}
              onOpen={() => {
                setViewing(a);
              }}
              onMark={() => {
                setNotice(null);
                setMarking({
                  title: t("records.attachments.errorTitle", { name: a.file_name }),
                  lead: t("records.attachments.errorLead"),
                  confirmLabel: t("records.markError"),
                  tone: "danger",
                  required: true,
                  submit: async (reason) => {
                    await call("mark_attachment_entered_in_error", { attachment_id: a.id, reason });
                    await refreshAfterWrite(queryClient, RECORDS_TABLES.attachments);
                  },
                  done: () => {
                    setMarking(null);
                  },
                });
              }}
            />
          ))}
        </ul>
      )}
      <AttachDialog
        picked={picked}
        patientId={patientId}
        encounterId={encounterId}
        onClose={() => {
          setPicked(null);
        }}
        onDone={(a) => {
          setPicked(null);
          setNotice(t("records.attachments.added", { name: a.file_name }));
        }}
      />
      <AttachmentViewer
        attachment={viewing}
        onClose={() => {
          setViewing(null);
        }}
      />
      <ReasonDialog
        request={marking}
        testId="attachment-error-dialog"
        onClose={() => {
          setMarking(null);
        }}
      />
    </div>
  );
}

function AttachmentRow({ attachment: a, origin, canMark, onOpen, onMark }: { attachment: Attachment; origin: string | null; canMark: boolean; onOpen: () => void; onMark: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const kind = typeLabelKey(a.media_type);
  const Icon = kind === "image" ? FileImage : kind === "text" || kind === "pdf" ? FileText : FileIcon;
  return (
    <li className="flex items-start gap-3 py-2.5" data-testid={`attachment-${a.file_name}`} data-error={a.entered_in_error || undefined}>
      <Icon aria-hidden="true" className={cn("mt-0.5 size-5 shrink-0", a.entered_in_error ? "text-ink-400" : "text-accent-700")} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <button
            type="button"
            className={cn("max-w-full truncate text-left text-[0.9375rem] font-medium underline-offset-2 hover:underline", a.entered_in_error ? "text-ink-600 line-through" : "text-accent-800")}
            data-testid={`attachment-open-${a.file_name}`}
            onClick={onOpen}
          >
            {a.file_name}
          </button>
          {a.entered_in_error ? <Badge tone="warn">{t("records.enteredInError")}</Badge> : null}
        </div>
        <p className="mt-0.5 text-[0.8125rem] text-ink-600">
          {t(`records.attachments.types.${kind}`)} · {sizeText(format.locale, a.size_bytes)} · {t("records.attachments.addedBy", { name: a.added_by_name, at: format.dateTime(a.added_at) })}
          {origin ? (
            <>
              {" · "}
              <Link href={origin} className="font-medium text-accent-700 hover:text-accent-900">
                {t("records.attachments.fromConsultation")}
              </Link>
            </>
          ) : null}
        </p>
        {a.description ? <p className="mt-0.5 text-[0.875rem] text-ink-800">{a.description}</p> : null}
        {a.entered_in_error ? (
          <p className="mt-0.5 text-[0.8125rem] font-medium text-warn-700" data-testid={`attachment-error-reason-${a.file_name}`}>
            {t("records.enteredInErrorBecause", { reason: a.error_reason })}
          </p>
        ) : null}
      </div>
      {canMark && !a.entered_in_error ? (
        <Button size="xs" variant="ghost" className="text-danger-700! hover:bg-danger-50" data-testid={`attachment-mark-error-${a.file_name}`} onClick={onMark}>
          {t("records.markError")}
        </Button>
      ) : null}
    </li>
  );
}

const FILE_FIELDS = ["file_name", "media_type", "content_base64"] as const;

function AttachDialog({ picked, patientId, encounterId, onClose, onDone }: { picked: PickedFile | null; patientId: string; encounterId: string | null; onClose: () => void; onDone: (a: Attachment) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={picked !== null} onClose={onClose} title={t("records.attachments.attachTitle")} description={t("records.attachments.attachLead")} size="md" testId="attach-dialog">
      {picked ? <AttachForm picked={picked} patientId={patientId} encounterId={encounterId} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function AttachForm({ picked, patientId, encounterId, onClose, onDone }: { picked: PickedFile; patientId: string; encounterId: string | null; onClose: () => void; onDone: (a: Attachment) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [description, setDescription] = useState("");
  const [fileError, setFileError] = useState<{ field: string; message: string } | null>(null);
  const [descriptionError, setDescriptionError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => call("add_attachment", { patient_id: patientId, encounter_id: encounterId, file_name: picked.file_name, media_type: picked.media_type, content_base64: picked.content_base64, description }),
    onSuccess: async (a) => {
      await refreshAfterWrite(queryClient, RECORDS_TABLES.attachments);
      onDone(a);
    },
    onError: (error) => {
      // Rust names what is wrong with the file (its name, type or content) or the description.
      const field = isCommandError(error) && error.field !== undefined ? formFieldOf(error.field, FILE_FIELDS) : undefined;
      if (field !== undefined) setFileError({ field, message: errorMessage(error) });
      else if (isCommandError(error) && error.field === "description") setDescriptionError(errorMessage(error));
      else setFormError(errorMessage(error));
    },
  });
  const kind = typeLabelKey(picked.media_type);
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
        setFileError(null);
        setDescriptionError(undefined);
      }}
      submit={(e) => {
        e?.preventDefault();
        add.mutate();
        return Promise.resolve();
      }}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <div className={cn("flex items-start gap-3 rounded-md border px-3.5 py-3", fileError ? "border-danger-600 bg-danger-50" : "border-ink-200 bg-ink-50")} data-testid="attach-file">
        <Paperclip aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-ink-600" />
        <div className="min-w-0">
          <p className="truncate font-medium text-ink-900">{picked.file_name}</p>
          <p className="text-[0.8125rem] text-ink-600">
            {t(`records.attachments.types.${kind}`)} ({picked.media_type}) · {sizeText(format.locale, picked.size)}
          </p>
          {fileError ? <FieldError name={fileError.field} message={fileError.message} /> : null}
        </div>
      </div>
      <TextField
        label={t("records.attachments.description")}
        optional
        hint={t("records.attachments.descriptionHint")}
        name="description"
        autoComplete="off"
        testId="attach-description"
        value={description}
        error={descriptionError}
        onChange={(e) => {
          setDescription(e.target.value);
        }}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={add.isPending} data-testid="attach-submit">
          {t("records.attachments.attach")}
        </Button>
      </DialogActions>
    </Form>
  );
}

/** Bytes of a base64 text (the browser's own decoder). */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Saves a copy through the browser's download (the file never leaves the workstation). */
function saveCopy(name: string, mediaType: string, base64: string) {
  if (typeof URL.createObjectURL !== "function") return;
  const url = URL.createObjectURL(new Blob([bytesOf(base64)], { type: mediaType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

function AttachmentViewer({ attachment, onClose }: { attachment: Attachment | null; onClose: () => void }) {
  return (
    <Dialog open={attachment !== null} onClose={onClose} title={attachment?.file_name ?? ""} description={attachment?.description || undefined} size="lg" testId="attachment-viewer">
      {attachment ? <Viewer attachment={attachment} onClose={onClose} /> : null}
    </Dialog>
  );
}

function Viewer({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const { t } = useTranslation();
  // Each opening is an audited read in Rust; the bytes are not kept once the viewer closes.
  const opened = useQuery({ ...commandQuery("open_attachment", { attachment_id: attachment.id }), staleTime: 0, gcTime: 0 });
  const content = opened.data?.content_base64;
  const type = attachment.media_type;
  return (
    <div className="flex flex-col gap-4">
      {attachment.entered_in_error ? <Banner tone="warning">{t("records.enteredInErrorBecause", { reason: attachment.error_reason })}</Banner> : null}
      {opened.isPending ? (
        <LoadingState label={t("records.attachments.opening")} />
      ) : opened.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(opened.error)}
        </Banner>
      ) : content === undefined ? null : type === "image/png" || type === "image/jpeg" ? (
        <img src={`data:${type};base64,${content}`} alt={t("records.attachments.imageAlt", { name: attachment.file_name })} className="mx-auto max-h-[60vh] max-w-full object-contain" data-testid="attachment-image" />
      ) : type === "text/plain" ? (
        <pre className="max-h-[60vh] overflow-auto rounded-md bg-ink-50 p-3 font-mono text-[0.8125rem] whitespace-pre-wrap text-ink-900 ring-1 ring-ink-200 ring-inset" data-testid="attachment-text">
          {new TextDecoder().decode(bytesOf(content))}
        </pre>
      ) : (
        <p className="text-[0.9375rem] text-ink-700" data-testid="attachment-not-shown">
          {t("records.attachments.notShown")}
        </p>
      )}
      <DialogActions>
        <Button onClick={onClose}>{t("common.close")}</Button>
        <Button
          variant="primary"
          icon={<Download aria-hidden="true" className="size-4" />}
          disabled={content === undefined}
          data-testid="attachment-save"
          onClick={() => {
            if (content !== undefined) saveCopy(attachment.file_name, type, content);
          }}
        >
          {t("records.attachments.save")}
        </Button>
      </DialogActions>
    </div>
  );
}

/** The chart's Attachments tab: every file of the patient's record, newest first. */
export function PatientAttachmentsTab({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const list = useQuery(attachmentsQuery(patientId));
  return (
    <div className="flex flex-col pb-2" data-testid="attachments-tab">
      <p className="px-6 pt-4 text-sm text-ink-600">{t("records.attachments.lead")}</p>
      <QueryList query={list} loadingLabel={t("records.attachments.loading")} isEmpty={() => false} empty={null}>
        {(attachments) => (
          <div className="px-2">
            <AttachmentsPanel patientId={patientId} encounterId={null} attachments={attachments} allowAdd showOrigin />
          </div>
        )}
      </QueryList>
    </div>
  );
}
