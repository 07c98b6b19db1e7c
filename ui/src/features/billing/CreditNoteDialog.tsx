// A credit note (`issue_credit_note`, accountants: billing.refund): the only correction of an issued
// invoice. It takes back everything not yet credited, or chosen lines and part of their quantity;
// a reason is required. Rust works the amounts out (a part takes its share of the line's tax, the
// last part exactly what is left) and answers the invoice with its new balance; its refusals name
// the line (`lines[k].quantity`) and are shown on that line.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { Invoice } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Dialog, DialogActions } from "../../components/Dialog";
import { FieldError, TextAreaField } from "../../components/Field";
import { useFormat } from "../../lib/format";
import { INVOICE_TABLES, invoiceWritten, minus, signOf, without } from "./model";

/** A line's quantity not yet credited. */
const leftOf = (line: Invoice["lines"][number]) => minus(line.quantity, line.credited_quantity) ?? "0";

export function CreditNoteDialog({ invoice, open, onClose, onDone }: { invoice: Invoice; open: boolean; onClose: () => void; onDone: (after: Invoice) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("billing.credit.title", { number: invoice.number ?? "" })} description={t("billing.credit.lead")} size="lg" testId="credit-dialog">
      {open ? <CreditForm invoice={invoice} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function CreditForm({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (after: Invoice) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const open = invoice.lines.filter((l) => signOf(leftOf(l)) > 0);
  const [mode, setMode] = useState<"full" | "lines">("full");
  const [chosen, setChosen] = useState<Partial<Record<string, string>>>({});
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const picked = open.filter((l) => chosen[l.id] !== undefined);
  const issue = useMutation({
    mutationFn: () =>
      call("issue_credit_note", {
        invoice_id: invoice.id,
        reason,
        lines: mode === "full" ? null : picked.map((l) => ({ invoice_line_id: l.id, quantity: (chosen[l.id] ?? "").trim() })),
      }),
    onSuccess: (after) => {
      void invoiceWritten(queryClient, after, INVOICE_TABLES.credit);
      onDone(after);
    },
    onError: (error) => {
      // Rust names the field: `reason`, `lines`, or `lines[k].quantity` of the k-th line sent.
      if (error instanceof CommandError && error.field !== undefined && (error.field === "reason" || error.field === "lines" || error.field.startsWith("lines["))) {
        setErrors({ [error.field]: sentence(error.message) });
        return;
      }
      setFormError(errorMessage(error));
    },
  });
  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        setFormError(null);
        issue.mutate();
      }}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium text-ink-800">{t("billing.credit.what")}</legend>
        {(["full", "lines"] as const).map((m) => (
          <label key={m} className="flex items-start gap-2.5 text-[0.9375rem] text-ink-800">
            <input
              type="radio"
              name="credit-mode"
              value={m}
              checked={mode === m}
              className="mt-1 size-4 accent-accent-700"
              data-testid={`credit-mode-${m}`}
              onChange={() => {
                setMode(m);
                setErrors({});
              }}
            />
            <span>
              {m === "full" ? t("billing.credit.full", { amount: format.money(invoice.total) }) : t("billing.credit.byLines")}
              {m === "full" && signOf(invoice.credited) > 0 ? <span className="block text-[0.8125rem] text-ink-600">{t("billing.credit.fullRest", { credited: format.money(invoice.credited) })}</span> : null}
            </span>
          </label>
        ))}
      </fieldset>
      {mode === "lines" ? (
        <div className="overflow-x-auto rounded-md border border-ink-200">
          <table className="data-table" data-testid="credit-lines">
            <caption className="sr-only">{t("billing.credit.linesCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">{t("billing.credit.choose")}</span>
                </th>
                <th scope="col">{t("billing.lines.description")}</th>
                <th scope="col" className="text-right">
                  {t("billing.credit.invoiced")}
                </th>
                <th scope="col" className="text-right">
                  {t("billing.credit.left")}
                </th>
                <th scope="col">{t("billing.credit.quantity")}</th>
              </tr>
            </thead>
            <tbody>
              {open.map((l) => {
                const on = chosen[l.id] !== undefined;
                const k = picked.indexOf(l);
                const field = `lines[${String(k)}].quantity`;
                const error = on ? errors[field] : undefined;
                return (
                  <tr key={l.id} data-testid={`credit-line-${String(l.position)}`} className={cn(on && "bg-accent-50/50")}>
                    <td>
                      <input
                        type="checkbox"
                        className="size-4.5 accent-accent-700"
                        checked={on}
                        aria-label={t("billing.credit.chooseLine", { description: l.description })}
                        data-testid={`credit-choose-${String(l.position)}`}
                        onChange={(e) => {
                          setErrors({});
                          setChosen((c) => (e.target.checked ? { ...c, [l.id]: leftOf(l) } : without(c, l.id)));
                        }}
                      />
                    </td>
                    <td className="max-w-80 truncate whitespace-normal">{l.description}</td>
                    <td className="text-right tabular-nums">{format.money(l.total)}</td>
                    <td className="text-right tabular-nums">{leftOf(l)}</td>
                    <td className="whitespace-normal">
                      <input
                        className="input w-24 py-1"
                        inputMode="decimal"
                        autoComplete="off"
                        disabled={!on}
                        value={chosen[l.id] ?? ""}
                        aria-label={t("billing.credit.quantityOf", { description: l.description })}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `credit-error-${l.id}` : undefined}
                        data-testid={`credit-quantity-${String(l.position)}`}
                        onChange={(e) => {
                          setErrors({});
                          setChosen((c) => ({ ...c, [l.id]: e.target.value }));
                        }}
                      />
                      {error ? <FieldError id={`credit-error-${l.id}`} name={field} message={error} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {errors.lines ? (
            <div className="px-3 py-2">
              <FieldError name="lines" message={errors.lines} />
            </div>
          ) : null}
        </div>
      ) : null}
      <TextAreaField
        label={t("billing.credit.reason")}
        hint={t("billing.credit.reasonHint")}
        name="reason"
        rows={2}
        testId="credit-reason"
        value={reason}
        error={errors.reason}
        onChange={(e) => {
          setReason(e.target.value);
          setErrors({});
        }}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="danger" busy={issue.isPending} disabled={mode === "lines" && picked.length === 0} data-testid="credit-submit">
          {t("billing.credit.submit")}
        </Button>
      </DialogActions>
    </form>
  );
}
