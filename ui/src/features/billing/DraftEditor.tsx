// A draft invoice as an editor (reception and accounts: billing.write). Lines come from the price
// list (a combobox over `list_price_items`, priced on the service date) or are typed by hand; each
// line's description, quantity, unit price, discount (none, percent, amount) and tax category are
// edited where they are shown, and each change is sent as it is made (Enter or leaving the field):
// Rust works every amount out again and answers the whole invoice, whose figures are shown as they
// are. A refusal is shown on the field Rust names, in that line. The invoice's own discount, due date
// and notes are edited the same way. Issuing asks first (numbers are final; corrections need a
// credit note); a draft is discarded with a reason. Roles that only read see it without inputs.
import { useIsMutating, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, Eye, FileCheck2, ListPlus, PenLine, Trash2 } from "lucide-react";
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { DiscountKind, Invoice, InvoiceLine, PriceItem, TaxCategory, UpdateInvoiceInput, UpdateInvoiceLineInput } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FieldError, SelectField, TextAreaField, TextField } from "../../components/Field";
import { useFormat } from "../../lib/format";
import { ReasonDialog, type ReasonRequest } from "../records/ReasonDialog";
import { BillingPreviewDialog } from "./BillingPreview";
import { INVOICE_TABLES, invoiceWritten, negated, signOf, without } from "./model";
import { TotalsPanel } from "./parts";
import { PriceItemPicker } from "./PriceItemPicker";

const DISCOUNT_KINDS: readonly DiscountKind[] = ["none", "percent", "amount"];

/** The key of every edit of one draft (Issue waits until they are answered). */
export const editKey = (invoiceId: string) => ["invoice-edit", invoiceId] as const;

export interface EditorProps {
  invoice: Invoice;
  editable: boolean;
  onNotice: (message: string | null) => void;
}

export function DraftEditor({ invoice, editable, onNotice }: EditorProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const taxes = useQuery({ ...commandQuery("list_tax_categories", {}), enabled: editable });
  const [failure, setFailure] = useState<string | null>(null);
  const [confirmIssue, setConfirmIssue] = useState(false);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const editing = useIsMutating({ mutationKey: editKey(invoice.id) }) > 0;
  const written = (next: Invoice) => {
    setFailure(null);
    void invoiceWritten(queryClient, next, INVOICE_TABLES.draft);
  };
  const issue = useMutation({
    mutationFn: () => call("issue_invoice", { invoice_id: invoice.id }),
    onSuccess: (next) => {
      setConfirmIssue(false);
      void invoiceWritten(queryClient, next, INVOICE_TABLES.draft);
      onNotice(t("billing.draft.issued", { number: next.number ?? "" }));
    },
  });
  const discard = () => {
    onNotice(null);
    setAsking({
      title: t("billing.draft.discardTitle"),
      lead: t("billing.draft.discardLead"),
      confirmLabel: t("billing.draft.discard"),
      tone: "danger",
      required: true,
      hint: t("billing.draft.discardHint"),
      submit: async (reason) => {
        await invoiceWritten(queryClient, await call("discard_invoice", { invoice_id: invoice.id, reason }), INVOICE_TABLES.discarded);
      },
      done: () => {
        setAsking(null);
        onNotice(t("billing.draft.discarded"));
      },
    });
  };
  const taxList = taxes.data ?? [];
  const hasLines = invoice.lines.length > 0;

  return (
    <div className="flex flex-col gap-4" data-testid="draft-editor">
      {failure ? (
        <Banner tone="error" testId="form-error">
          {failure}
        </Banner>
      ) : null}
      <Card className="overflow-hidden">
        <section aria-labelledby="draft-lines-title">
          <h2 id="draft-lines-title" className="border-b border-ink-100 px-4 py-2.5 text-sm font-semibold text-ink-800">
            {t("billing.lines.title")}
          </h2>
          {hasLines ? (
            <LinesTable invoice={invoice} taxes={taxList} editable={editable} onWritten={written} onFailure={setFailure} onNotice={onNotice} />
          ) : (
            <p className="px-4 py-4 text-sm text-ink-600" data-testid="draft-no-lines">
              {editable ? t("billing.lines.emptyEditable") : t("billing.lines.empty")}
            </p>
          )}
          {editable ? <AddLine invoice={invoice} taxes={taxList} onWritten={written} onNotice={onNotice} /> : null}
        </section>
      </Card>
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <InvoiceFields invoice={invoice} editable={editable} onWritten={written} onFailure={setFailure} />
        <TotalsPanel invoice={invoice} />
      </div>
      <div className="flex flex-wrap items-center justify-end gap-2 rounded-lg border border-ink-200 bg-white px-4 py-3">
        {editable ? (
          <Button variant="ghost" className="mr-auto text-danger-700! hover:bg-danger-50" icon={<Ban aria-hidden="true" className="size-4" />} data-testid="draft-discard" onClick={discard}>
            {t("billing.draft.discard")}
          </Button>
        ) : null}
        {editable && !hasLines ? (
          <p id="draft-issue-hint" className="text-[0.8125rem] text-ink-700" data-testid="draft-issue-hint">
            {t("billing.draft.issueHint")}
          </p>
        ) : null}
        {hasLines ? (
          <Button
            icon={<Eye aria-hidden="true" className="size-4" />}
            data-testid="draft-preview"
            onClick={() => {
              setPreviewing(true);
            }}
          >
            {t("billing.draft.preview")}
          </Button>
        ) : null}
        {editable ? (
          <Button
            variant="primary"
            icon={<FileCheck2 aria-hidden="true" className="size-4" />}
            disabled={!hasLines}
            aria-describedby={hasLines ? undefined : "draft-issue-hint"}
            data-testid="draft-issue"
            onClick={() => {
              onNotice(null);
              issue.reset();
              setConfirmIssue(true);
            }}
          >
            {t("billing.draft.issue")}
          </Button>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmIssue}
        title={t("billing.draft.issueTitle")}
        confirmLabel={t("billing.draft.issueConfirm")}
        busy={issue.isPending || editing}
        error={issue.isError ? errorMessage(issue.error) : null}
        body={<IssueBody invoice={invoice} />}
        onConfirm={() => {
          issue.mutate();
        }}
        onClose={() => {
          setConfirmIssue(false);
        }}
      />
      <ReasonDialog
        request={asking}
        testId="discard-dialog"
        onClose={() => {
          setAsking(null);
        }}
      />
      <BillingPreviewDialog
        request={previewing ? { document: "invoice", id: invoice.id, title: t("billing.draft.previewTitle") } : null}
        onClose={() => {
          setPreviewing(false);
        }}
      />
    </div>
  );
}

function IssueBody({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="flex flex-col gap-2">
      <p>{t("billing.draft.issueBody", { name: invoice.patient.name, total: format.money(invoice.total) })}</p>
      <p className="font-medium text-ink-900" data-testid="issue-final">
        {t("billing.draft.issueFinal")}
      </p>
    </div>
  );
}

type LineField = "description" | "quantity" | "unit_price" | "discount_value";
type LineErrorField = LineField | "tax_category_id" | "discount_kind";
const LINE_FIELDS: readonly LineErrorField[] = ["description", "quantity", "unit_price", "discount_value", "tax_category_id", "discount_kind"];

interface LineProps {
  invoice: Invoice;
  taxes: readonly TaxCategory[];
  editable: boolean;
  onWritten: (next: Invoice) => void;
  onFailure: (message: string | null) => void;
  onNotice: (message: string | null) => void;
}

function LinesTable({ invoice, taxes, editable, onWritten, onFailure, onNotice }: LineProps) {
  const { t } = useTranslation();
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="invoice-lines">
        <caption className="sr-only">{t("billing.lines.caption")}</caption>
        <thead>
          <tr>
            <th scope="col" className="w-8">
              #
            </th>
            <th scope="col">{t("billing.lines.description")}</th>
            <th scope="col">{t("billing.lines.quantity")}</th>
            <th scope="col">{t("billing.lines.unitPrice")}</th>
            <th scope="col">{t("billing.lines.discount")}</th>
            <th scope="col">{t("billing.lines.tax")}</th>
            <th scope="col" className="text-right">
              {invoice.prices_include_tax ? t("billing.lines.amountWithTax") : t("billing.lines.amount")}
            </th>
            {editable ? (
              <th scope="col">
                <span className="sr-only">{t("billing.lines.actions")}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line, index) =>
            editable ? (
              <EditableLine key={line.id} line={line} index={index} invoice={invoice} taxes={taxes} onWritten={onWritten} onFailure={onFailure} onNotice={onNotice} />
            ) : (
              <ReadOnlyLine key={line.id} line={line} invoice={invoice} />
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A line's amount as the invoice shows it (with tax when prices include it) and its discount. */
function AmountCell({ line, invoice }: { line: InvoiceLine; invoice: Invoice }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <td className="text-right align-top tabular-nums" data-testid={`line-amount-${String(line.position)}`}>
      <span className="text-[0.9375rem] font-semibold text-ink-900">{format.money(invoice.prices_include_tax ? line.total : line.net)}</span>
      {signOf(line.discount) !== 0 ? (
        <span className="block text-xs text-ink-600" data-testid={`line-discount-${String(line.position)}`}>
          {t("billing.lines.discountOf", { amount: format.money(negated(line.discount)) })}
        </span>
      ) : null}
    </td>
  );
}

export function ReadOnlyLine({ line, invoice }: { line: InvoiceLine; invoice: Invoice }) {
  const { t } = useTranslation();
  const format = useFormat();
  const credited = signOf(line.credited_quantity) > 0;
  return (
    <tr data-testid={`line-${String(line.position)}`}>
      <td className="align-top text-ink-600 tabular-nums">{line.position}</td>
      <td className="min-w-44 align-top whitespace-normal">
        <span className="font-medium text-ink-900">{line.description}</span>
        {line.code ? <span className="ml-2 font-mono text-xs text-ink-600">{line.code}</span> : null}
        {credited ? (
          <span className="block text-xs font-medium text-warn-700" data-testid={`line-credited-${String(line.position)}`}>
            {t("billing.lines.credited", { quantity: line.credited_quantity })}
          </span>
        ) : null}
      </td>
      <td className="align-top tabular-nums">
        {line.quantity}
        {line.unit ? ` ${line.unit}` : ""}
      </td>
      <td className="align-top tabular-nums">{format.money(line.unit_price)}</td>
      <td className="align-top tabular-nums">{line.discount_kind === "percent" ? t("billing.percent", { rate: line.discount_value }) : line.discount_kind === "amount" ? format.money(line.discount_value) : t("common.none")}</td>
      <td className="align-top">{t("billing.lines.taxOption", { name: line.tax_name, rate: line.tax_rate })}</td>
      <AmountCell line={line} invoice={invoice} />
    </tr>
  );
}

function EditableLine({ line, index, invoice, taxes, onWritten, onFailure, onNotice }: Omit<LineProps, "editable"> & { line: InvoiceLine; index: number }) {
  const { t } = useTranslation();
  // What is typed and not yet answered by Rust; a field shows Rust's value once its change is in.
  const [typed, setTyped] = useState<Partial<Record<LineField, string>>>({});
  const [error, setError] = useState<{ field: LineErrorField; message: string } | null>(null);
  const update = useMutation({
    mutationKey: editKey(invoice.id),
    mutationFn: (input: Omit<UpdateInvoiceLineInput, "line_id">) => call("update_invoice_line", { line_id: line.id, ...input }),
    onSuccess: (next, input) => {
      setError(null);
      setTyped((d) => (["description", "quantity", "unit_price", "discount_value"] as const).filter((f) => input[f] == null).reduce<Partial<Record<LineField, string>>>((rest, f) => (d[f] === undefined ? rest : { ...rest, [f]: d[f] }), {}));
      onWritten(next);
    },
    onError: (e) => {
      const field = e instanceof CommandError && e.field !== undefined ? formFieldOf(e.field, LINE_FIELDS) : undefined;
      if (field) {
        setError({ field, message: sentence(e.message) });
        onFailure(null);
      } else onFailure(errorMessage(e));
    },
  });
  const remove = useMutation({
    mutationKey: editKey(invoice.id),
    mutationFn: () => call("remove_invoice_line", { line_id: line.id }),
    onSuccess: (next) => {
      onWritten(next);
      onNotice(t("billing.lines.removed", { description: line.description }));
    },
    onError: (e) => {
      onFailure(errorMessage(e));
    },
  });
  const value = (f: LineField) => typed[f] ?? line[f];
  const type = (f: LineField, v: string) => {
    setTyped((d) => ({ ...d, [f]: v }));
    if (error?.field === f) setError(null);
  };
  const commit = (f: LineField) => {
    const v = typed[f];
    if (v === undefined) return;
    if (v === line[f]) {
      setTyped((d) => without(d, f));
      return;
    }
    onNotice(null);
    if (f === "description") update.mutate({ description: v });
    else if (f === "quantity") update.mutate({ quantity: v });
    else if (f === "unit_price") update.mutate({ unit_price: v });
    else update.mutate({ discount_kind: line.discount_kind, discount_value: v });
  };
  const keys = (f: LineField) => (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit(f);
    } else if (e.key === "Escape" && typed[f] !== undefined) {
      e.preventDefault();
      e.stopPropagation();
      setTyped((d) => without(d, f));
      setError(null);
    }
  };
  const n = String(line.position);
  const errorId = `line-${line.id}-error`;
  const invalid = (f: LineErrorField) => (error?.field === f ? { "aria-invalid": true, "aria-describedby": errorId } : {});
  const errorOf = (f: LineErrorField): ReactNode => (error?.field === f ? <FieldError id={errorId} name={`lines.${String(index)}.${f}`} message={error.message} /> : null);
  const input = (f: LineField, className: string, label: string, extra: { inputMode?: "decimal" } = {}) => (
    <input
      className={cn("input py-1.5", className)}
      value={value(f)}
      autoComplete="off"
      spellCheck={false}
      aria-label={label}
      data-testid={`line-${f.replace("_", "-")}-${n}`}
      {...extra}
      {...invalid(f)}
      onChange={(e) => {
        type(f, e.target.value);
      }}
      onBlur={() => {
        commit(f);
      }}
      onKeyDown={keys(f)}
    />
  );
  const taxOptions = taxes.some((c) => c.id === line.tax_category_id) ? taxes.filter((c) => c.active || c.id === line.tax_category_id) : [{ id: line.tax_category_id, name: line.tax_name, rate: line.tax_rate, active: false }, ...taxes.filter((c) => c.active)];
  return (
    <tr data-testid={`line-${n}`} aria-busy={update.isPending || undefined}>
      <td className="pt-3 align-top text-ink-600 tabular-nums">{line.position}</td>
      <td className="min-w-44 align-top whitespace-normal">
        {input("description", "w-full", t("billing.lines.descriptionOf", { n }))}
        {line.code ? <span className="mt-0.5 block font-mono text-xs text-ink-600">{line.code}</span> : null}
        {errorOf("description")}
      </td>
      <td className="align-top whitespace-normal">
        <span className="flex items-center gap-1.5">
          {input("quantity", "w-18 text-right", t("billing.lines.quantityOf", { description: line.description }), { inputMode: "decimal" })}
          {line.unit ? <span className="text-xs text-ink-600">{line.unit}</span> : null}
        </span>
        {errorOf("quantity")}
      </td>
      <td className="align-top whitespace-normal">
        {input("unit_price", "w-26 text-right", t("billing.lines.unitPriceOf", { description: line.description }), { inputMode: "decimal" })}
        {errorOf("unit_price")}
      </td>
      <td className="align-top whitespace-normal">
        <span className="flex items-center gap-1.5">
          <select
            className="input w-28 py-1.5"
            value={line.discount_kind}
            aria-label={t("billing.lines.discountKindOf", { description: line.description })}
            data-testid={`line-discount-kind-${n}`}
            {...invalid("discount_kind")}
            onChange={(e) => {
              const kind = e.target.value as DiscountKind;
              onNotice(null);
              setError(null);
              update.mutate({ discount_kind: kind, discount_value: kind === "none" ? "0" : (typed.discount_value ?? (line.discount_kind === "none" ? "0" : line.discount_value)) });
            }}
          >
            {DISCOUNT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`billing.discount.${k}`)}
              </option>
            ))}
          </select>
          {line.discount_kind !== "none" ? input("discount_value", "w-20 text-right", t("billing.lines.discountValueOf", { description: line.description }), { inputMode: "decimal" }) : null}
        </span>
        {errorOf("discount_value")}
        {errorOf("discount_kind")}
      </td>
      <td className="align-top whitespace-normal">
        <select
          className="input w-42 py-1.5"
          value={line.tax_category_id}
          aria-label={t("billing.lines.taxOf", { description: line.description })}
          data-testid={`line-tax-${n}`}
          {...invalid("tax_category_id")}
          onChange={(e) => {
            onNotice(null);
            setError(null);
            update.mutate({ tax_category_id: e.target.value });
          }}
        >
          {taxOptions.map((c) => (
            <option key={c.id} value={c.id}>
              {t("billing.lines.taxOption", { name: c.name, rate: c.rate })}
            </option>
          ))}
        </select>
        {errorOf("tax_category_id")}
      </td>
      <AmountCell line={line} invoice={invoice} />
      <td className="align-top">
        <Button
          size="sm"
          variant="ghost"
          className="text-danger-700! hover:bg-danger-50"
          icon={<Trash2 aria-hidden="true" className="size-4" />}
          aria-label={t("billing.lines.removeOf", { description: line.description })}
          busy={remove.isPending}
          data-testid={`line-remove-${n}`}
          onClick={() => {
            onNotice(null);
            remove.mutate();
          }}
        />
      </td>
    </tr>
  );
}

type HandField = "description" | "quantity" | "unit_price" | "tax_category_id";

/** A new line: from the price list (added at once, quantity 1) or typed by hand. */
function AddLine({ invoice, taxes, onWritten, onNotice }: { invoice: Invoice; taxes: readonly TaxCategory[]; onWritten: (next: Invoice) => void; onNotice: (message: string | null) => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"list" | "hand">("list");
  const [pickError, setPickError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const fromList = useMutation({
    mutationKey: editKey(invoice.id),
    mutationFn: (item: PriceItem) => call("add_invoice_line", { invoice_id: invoice.id, price_item_id: item.id, discount_kind: "none", discount_value: "" }),
    onSuccess: (next, item) => {
      onWritten(next);
      onNotice(t("billing.add.added", { description: item.name }));
      search.current?.focus();
    },
    onError: (e) => {
      if (e instanceof CommandError && e.field === "price_item_id") setPickError(sentence(e.message));
      else setFailure(errorMessage(e));
    },
  });
  const tabClass = (on: boolean) => cn("flex h-9 items-center gap-2 rounded-md px-3 text-sm font-medium", on ? "bg-accent-50 text-accent-800 ring-1 ring-accent-700/30" : "text-ink-700 hover:bg-ink-100");
  return (
    <div className="border-t border-ink-100 bg-ink-50/50 px-4 py-3" data-testid="add-line">
      <div className="mb-3 flex flex-wrap items-center gap-2" role="group" aria-label={t("billing.add.title")}>
        <h3 className="mr-2 text-sm font-semibold text-ink-800">{t("billing.add.title")}</h3>
        <button type="button" className={tabClass(mode === "list")} aria-pressed={mode === "list"} data-testid="add-mode-list" onClick={() => { setMode("list"); }}>
          <ListPlus aria-hidden="true" className="size-4" />
          {t("billing.add.fromList")}
        </button>
        <button type="button" className={tabClass(mode === "hand")} aria-pressed={mode === "hand"} data-testid="add-mode-hand" onClick={() => { setMode("hand"); }}>
          <PenLine aria-hidden="true" className="size-4" />
          {t("billing.add.byHand")}
        </button>
      </div>
      {failure ? (
        <Banner tone="error" testId="add-error" className="mb-3">
          {failure}
        </Banner>
      ) : null}
      {mode === "list" ? (
        <div className="max-w-3xl" aria-busy={fromList.isPending || undefined}>
          <PriceItemPicker
            serviceDate={invoice.service_date}
            inputRef={search}
            onPick={(item) => {
              setPickError(null);
              setFailure(null);
              onNotice(null);
              fromList.mutate(item);
            }}
          />
          {pickError ? <FieldError name="price_item_id" message={pickError} /> : null}
        </div>
      ) : (
        <HandLine invoice={invoice} taxes={taxes} onWritten={onWritten} onNotice={onNotice} onFailure={setFailure} />
      )}
    </div>
  );
}

function HandLine({ invoice, taxes, onWritten, onNotice, onFailure }: { invoice: Invoice; taxes: readonly TaxCategory[]; onWritten: (next: Invoice) => void; onNotice: (message: string | null) => void; onFailure: (message: string | null) => void }) {
  const { t } = useTranslation();
  const empty = { description: "", quantity: "1", unit_price: "", tax_category_id: "tax-standard" };
  const [values, setValues] = useState<Record<HandField, string>>(empty);
  const [errors, setErrors] = useState<Partial<Record<HandField, string>>>({});
  const first = useRef<HTMLInputElement>(null);
  const add = useMutation({
    mutationKey: editKey(invoice.id),
    mutationFn: () =>
      call("add_invoice_line", {
        invoice_id: invoice.id,
        // Left empty: Rust says what a line typed by hand needs.
        description: values.description.trim() === "" ? null : values.description,
        quantity: values.quantity,
        unit_price: values.unit_price.trim() === "" ? null : values.unit_price,
        tax_category_id: values.tax_category_id,
        discount_kind: "none",
        discount_value: "",
      }),
    onSuccess: (next) => {
      onWritten(next);
      onNotice(t("billing.add.added", { description: values.description.trim() }));
      setValues(empty);
      first.current?.focus();
    },
    onError: (e) => {
      const field = e instanceof CommandError && e.field !== undefined ? formFieldOf<HandField>(e.field, ["description", "quantity", "unit_price", "tax_category_id"]) : undefined;
      if (field) setErrors({ [field]: sentence(e.message) });
      else onFailure(errorMessage(e));
    },
  });
  const set = (f: HandField, v: string) => {
    setValues((x) => ({ ...x, [f]: v }));
    setErrors({});
  };
  return (
    <form
      noValidate
      className="grid items-start gap-3 md:grid-cols-[minmax(0,1fr)_6rem_8rem_11rem_auto]"
      data-testid="hand-line"
      onSubmit={(e) => {
        e.preventDefault();
        onFailure(null);
        onNotice(null);
        add.mutate();
      }}
    >
      <TextField ref={first} label={t("billing.lines.description")} name="description" autoComplete="off" testId="hand-description" value={values.description} error={errors.description} onChange={(e) => { set("description", e.target.value); }} />
      <TextField label={t("billing.lines.quantity")} name="quantity" inputMode="decimal" autoComplete="off" testId="hand-quantity" value={values.quantity} error={errors.quantity} onChange={(e) => { set("quantity", e.target.value); }} />
      <TextField label={t("billing.lines.unitPrice")} name="unit_price" inputMode="decimal" autoComplete="off" testId="hand-unit-price" value={values.unit_price} error={errors.unit_price} onChange={(e) => { set("unit_price", e.target.value); }} />
      <SelectField label={t("billing.lines.tax")} name="tax_category_id" testId="hand-tax" value={values.tax_category_id} error={errors.tax_category_id} onChange={(e) => { set("tax_category_id", e.target.value); }}>
        {taxes
          .filter((c) => c.active)
          .map((c) => (
            <option key={c.id} value={c.id}>
              {t("billing.lines.taxOption", { name: c.name, rate: c.rate })}
            </option>
          ))}
      </SelectField>
      <Button type="submit" variant="primary" className="md:mt-6.5" busy={add.isPending} data-testid="hand-add">
        {t("billing.add.submit")}
      </Button>
    </form>
  );
}

type InvoiceField = "discount_kind" | "discount_value" | "due_date" | "notes";

/** The invoice's own discount, due date and notes: sent as they change (read only for roles that only read). */
function InvoiceFields({ invoice, editable, onWritten, onFailure }: { invoice: Invoice; editable: boolean; onWritten: (next: Invoice) => void; onFailure: (message: string | null) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [typed, setTyped] = useState<Partial<Record<"discount_value" | "due_date" | "notes", string>>>({});
  const [errors, setErrors] = useState<Partial<Record<InvoiceField, string>>>({});
  const update = useMutation({
    mutationKey: editKey(invoice.id),
    mutationFn: (input: Omit<UpdateInvoiceInput, "invoice_id">) => call("update_invoice", { invoice_id: invoice.id, ...input }),
    onSuccess: (next, input) => {
      setErrors({});
      setTyped((d) => ({
        ...(input.discount_value == null && d.discount_value !== undefined ? { discount_value: d.discount_value } : {}),
        ...(input.due_date == null && d.due_date !== undefined ? { due_date: d.due_date } : {}),
        ...(input.notes == null && d.notes !== undefined ? { notes: d.notes } : {}),
      }));
      onWritten(next);
    },
    onError: (e) => {
      const field = e instanceof CommandError && e.field !== undefined ? formFieldOf<InvoiceField>(e.field, ["discount_kind", "discount_value", "due_date", "notes"]) : undefined;
      if (field) {
        setErrors({ [field]: sentence(e.message) });
        onFailure(null);
      } else onFailure(errorMessage(e));
    },
  });
  const stored = { discount_value: invoice.discount_value, due_date: invoice.due_date ?? "", notes: invoice.notes };
  const value = (f: keyof typeof stored) => typed[f] ?? stored[f];
  const commit = (f: keyof typeof stored) => {
    const v = typed[f];
    if (v === undefined || v === stored[f]) return;
    if (f === "discount_value") update.mutate({ discount_kind: invoice.discount_kind, discount_value: v });
    else if (f === "due_date") update.mutate({ due_date: v });
    else update.mutate({ notes: v });
  };
  const type = (f: keyof typeof stored, v: string) => {
    setTyped((d) => ({ ...d, [f]: v }));
    setErrors({});
  };
  const enter = (f: keyof typeof stored) => (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit(f);
    }
  };
  if (!editable) {
    return (
      <section aria-labelledby={`fields-${invoice.id}`} className="rounded-lg border border-ink-200 bg-white px-4 py-3">
        <h2 id={`fields-${invoice.id}`} className="mb-2 text-sm font-semibold text-ink-800">
          {t("billing.fields.title")}
        </h2>
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          <dt className="text-ink-600">{t("billing.fields.discount")}</dt>
          <dd className="text-ink-900">{invoice.discount_kind === "percent" ? t("billing.percent", { rate: invoice.discount_value }) : invoice.discount_kind === "amount" ? format.money(invoice.discount_value) : t("common.none")}</dd>
          <dt className="text-ink-600">{t("billing.fields.dueDate")}</dt>
          <dd className="text-ink-900">{invoice.due_date ? format.calendarDate(invoice.due_date) : t("common.none")}</dd>
          <dt className="text-ink-600">{t("billing.fields.notes")}</dt>
          <dd className="whitespace-pre-line text-ink-900">{invoice.notes || t("common.none")}</dd>
        </dl>
      </section>
    );
  }
  return (
    <section aria-labelledby={`fields-${invoice.id}`} className="flex flex-col gap-3 rounded-lg border border-ink-200 bg-white px-4 py-3" data-testid="invoice-fields">
      <h2 id={`fields-${invoice.id}`} className="text-sm font-semibold text-ink-800">
        {t("billing.fields.title")}
      </h2>
      <div className="grid gap-3 sm:grid-cols-[10rem_9rem_minmax(0,12rem)]">
        <SelectField
          label={t("billing.fields.discount")}
          name="discount_kind"
          testId="invoice-discount-kind"
          value={invoice.discount_kind}
          error={errors.discount_kind}
          onChange={(e) => {
            const kind = e.target.value as DiscountKind;
            setErrors({});
            update.mutate({ discount_kind: kind, discount_value: kind === "none" ? "0" : (typed.discount_value ?? (invoice.discount_kind === "none" ? "0" : invoice.discount_value)) });
          }}
        >
          {DISCOUNT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`billing.discount.${k}`)}
            </option>
          ))}
        </SelectField>
        {invoice.discount_kind !== "none" ? (
          <TextField
            label={invoice.discount_kind === "percent" ? t("billing.fields.discountPercent") : t("billing.fields.discountAmount")}
            name="discount_value"
            inputMode="decimal"
            autoComplete="off"
            testId="invoice-discount-value"
            value={value("discount_value")}
            error={errors.discount_value}
            onChange={(e) => {
              type("discount_value", e.target.value);
            }}
            onBlur={() => {
              commit("discount_value");
            }}
            onKeyDown={enter("discount_value")}
          />
        ) : (
          <span />
        )}
        <TextField
          label={t("billing.fields.dueDate")}
          name="due_date"
          type="date"
          optional
          min={invoice.service_date}
          testId="invoice-due-date"
          value={value("due_date")}
          error={errors.due_date}
          onChange={(e) => {
            type("due_date", e.target.value);
          }}
          onBlur={() => {
            commit("due_date");
          }}
          onKeyDown={enter("due_date")}
        />
      </div>
      <TextAreaField
        label={t("billing.fields.notes")}
        hint={t("billing.fields.notesHint")}
        optional
        name="notes"
        rows={2}
        testId="invoice-notes"
        value={value("notes")}
        error={errors.notes}
        onChange={(e) => {
          type("notes", e.target.value);
        }}
        onBlur={() => {
          commit("notes");
        }}
      />
    </section>
  );
}
