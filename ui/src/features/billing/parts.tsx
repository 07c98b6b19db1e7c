// Pieces the invoice screens share: the status badges, the totals exactly as Rust worked them out
// (formatted with the clinic's currency and locale, never recomputed), and the payment method
// picker of the desk keyboard (keys 1–4 choose cash, card, transfer, insurance).
import type { KeyboardEvent, ReactNode, Ref } from "react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Invoice, InvoiceStatus, PaymentMethod, PaymentStatus } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { cn } from "../../components/cn";
import { useFormat } from "../../lib/format";
import { METHODS, negated, paymentLabel, paymentTone, signOf, statusLabel, statusTone } from "./model";

export function InvoiceBadges({ status, payment, overdue = false }: { status: InvoiceStatus; payment: PaymentStatus; overdue?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      {status !== "issued" ? (
        <Badge tone={statusTone[status]}>
          <span data-testid="invoice-status">{statusLabel(t, status)}</span>
        </Badge>
      ) : (
        <Badge tone={paymentTone[payment]}>
          <span data-testid="invoice-payment-status">{paymentLabel(t, payment)}</span>
        </Badge>
      )}
      {overdue ? <Badge tone="danger">{t("billing.overdue")}</Badge> : null}
    </span>
  );
}

function Row({ label, value, testId, strong = false, muted = false }: { label: ReactNode; value: string; testId: string; strong?: boolean; muted?: boolean }) {
  return (
    <div className={cn("flex items-baseline justify-between gap-4 py-1", strong && "border-t border-ink-200 pt-2 text-base font-semibold text-ink-900")}>
      <dt className={cn(strong ? "text-ink-900" : muted ? "text-ink-600" : "text-ink-700")}>{label}</dt>
      <dd className="text-ink-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The invoice's amounts as Rust stored them: subtotal, discounts, tax per rate, total; issued: credits, payments, balance. */
export function TotalsPanel({ invoice: inv }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const format = useFormat();
  const money = (amount: string) => format.money(amount);
  const off = (amount: string) => format.money(negated(amount));
  const issued = inv.status === "issued";
  const balance = signOf(inv.balance);
  return (
    <section aria-labelledby={`totals-${inv.id}`} className="rounded-lg border border-ink-200 bg-white px-4 py-3" data-testid="invoice-totals">
      <h2 id={`totals-${inv.id}`} className="mb-1 text-sm font-semibold text-ink-800">
        {t("billing.totals.title")}
      </h2>
      <dl className="text-[0.9375rem]">
        <Row label={t("billing.totals.subtotal")} value={money(inv.subtotal)} testId="totals-subtotal" />
        {signOf(inv.discount_total) !== 0 ? <Row label={t("billing.totals.discounts")} value={off(inv.discount_total)} testId="totals-discount" /> : null}
        {inv.prices_include_tax ? null : <Row label={t("billing.totals.net")} value={money(inv.net_total)} testId="totals-net" muted />}
        {inv.taxes.map((tax, i) => (
          <Row
            key={`${tax.name}-${tax.rate}`}
            label={
              <>
                {t(inv.prices_include_tax ? "billing.totals.taxIncluded" : "billing.totals.tax", { name: tax.name, rate: tax.rate })}
                <span className="ml-1.5 text-[0.8125rem] text-ink-600">{t("billing.totals.taxBase", { base: money(tax.base) })}</span>
              </>
            }
            value={money(tax.tax)}
            testId={`totals-tax-${String(i)}`}
            muted
          />
        ))}
        {inv.taxes.length > 1 ? <Row label={t("billing.totals.taxTotal")} value={money(inv.tax_total)} testId="totals-tax" muted /> : null}
        <Row label={t("billing.totals.total")} value={money(inv.total)} testId="totals-total" strong />
        {issued ? (
          <>
            {signOf(inv.credited) !== 0 ? <Row label={t("billing.totals.credited")} value={off(inv.credited)} testId="totals-credited" /> : null}
            <Row label={t("billing.totals.paid")} value={off(inv.paid)} testId="totals-paid" />
            <Row
              label={balance < 0 ? t("billing.totals.owedBack") : t("billing.totals.balance")}
              value={money(balance < 0 ? negated(inv.balance) : inv.balance)}
              testId="totals-balance"
              strong
            />
          </>
        ) : null}
      </dl>
      <p className="mt-2 text-[0.8125rem] text-ink-600">{inv.prices_include_tax ? t("billing.totals.inclusive") : t("billing.totals.exclusive")}</p>
    </section>
  );
}

/** Keys 1–4 choose a method outside text fields; Alt+1–4 anywhere (typing an amount needs its digits). */
export function methodKey(e: KeyboardEvent): PaymentMethod | null {
  if (e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const index = ["1", "2", "3", "4"].indexOf(e.key.length === 1 ? e.key : e.code.replace(/^(Digit|Numpad)/, ""));
  if (index < 0) return null;
  const target = e.target;
  const inText = target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit"].includes(target.type));
  if (inText && !e.altKey) return null;
  return METHODS[index] ?? null;
}

/** The payment methods as radio buttons, each with its key. */
export function MethodPicker({ value, onChange, testId, firstRef }: { value: PaymentMethod; onChange: (method: PaymentMethod) => void; testId: string; firstRef?: Ref<HTMLInputElement> }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="mb-1.5 text-sm font-medium text-ink-800">
        {t("billing.pay.method")} <span className="font-normal text-ink-600">{t("billing.pay.methodKeys")}</span>
      </legend>
      <div className="grid grid-cols-2 gap-2" data-testid={testId}>
        {METHODS.map((m, i) => {
          const checked = value === m;
          return (
            <label
              key={m}
              htmlFor={`${id}-${m}`}
              className={cn(
                "flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-[0.9375rem] font-medium",
                checked ? "border-accent-700 bg-accent-50 text-accent-900 ring-1 ring-accent-700" : "border-ink-300 bg-white text-ink-800 hover:bg-ink-50",
              )}
            >
              <input
                ref={checked ? firstRef : undefined}
                id={`${id}-${m}`}
                type="radio"
                name={`${id}-method`}
                value={m}
                checked={checked}
                className="size-4 accent-accent-700"
                data-testid={`${testId}-${m}`}
                onChange={() => {
                  onChange(m);
                }}
              />
              <kbd className="kbd">{i + 1}</kbd>
              {t(`billing.methods.${m}`)}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
