// What the back-office billing screens share (price list, outstanding balances, cash closing,
// revenue report): the kinds and methods in Rust's order, the clinic's "today", exact decimal
// arithmetic on amounts (never floats), amount checks mirroring Rust's `parse_amount`, the
// tables their writes change and saving an export as a file.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import type { CsvExport, PaymentMethod, PriceItemKind } from "../../api/generated";
import { clinicSettingsQuery } from "../../api/queries";
import { clinicClock } from "../../lib/clinic-time";
import { saveFile } from "../prescriptions/model";

/** The price list's kinds, in the order a clinic thinks of them (Rust lists entries grouped by kind). */
export const PRICE_KINDS: readonly PriceItemKind[] = ["consultation", "procedure", "lab_test", "medicine", "supply", "other"];

/** Payment methods in Rust's order (`PaymentMethod::ALL`). */
export const PAYMENT_METHODS: readonly PaymentMethod[] = ["cash", "card", "transfer", "insurance"];

/** The clinic's date today (`YYYY-MM-DD`, its own time zone, not the workstation's); null until the settings are read. */
export function useClinicToday(): string | null {
  const settings = useQuery(clinicSettingsQuery());
  const zone = settings.data?.time_zone;
  return zone === undefined ? null : clinicClock(zone).date;
}

/** Decimals of the currency's minor unit (EUR 2, JPY 0), as Rust's `MoneyRules::for_currency`. */
export function currencyDecimals(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(text: string): Scaled | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (whole === "" && fraction === "") return null;
  const units = BigInt(`${whole || "0"}${fraction}`);
  return { units: m[1] === "-" ? -units : units, scale: fraction.length };
}

function rescale(v: Scaled, scale: number): bigint {
  return v.units * 10n ** BigInt(scale - v.scale);
}

function decimalText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** `a − b` of two exact decimal texts, exactly ("120.00" − "117.5" = "2.50"); null if either is not a number. */
export function subtractDecimal(a: string, b: string): string | null {
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  return decimalText(rescale(x, scale) - rescale(y, scale), scale);
}

/** The exact sum of decimal texts (text that is not a number counts as zero). */
export function sumDecimals(amounts: readonly string[]): string {
  const values = amounts.map(scaled).filter((v): v is Scaled => v !== null);
  const scale = Math.max(0, ...values.map((v) => v.scale));
  return decimalText(
    values.reduce((acc, v) => acc + rescale(v, scale), 0n),
    scale,
  );
}

/** The sign of an exact decimal text: -1, 0 or 1 (0 for text that is not a number). */
export function signOf(text: string): -1 | 0 | 1 {
  const v = scaled(text);
  if (!v || v.units === 0n) return 0;
  return v.units < 0n ? -1 : 1;
}

/** Why an amount as typed would be refused (Rust `money::parse_amount`, zero allowed), or null. */
export function amountProblem(text: string, decimals: number): "format" | "decimals" | "tooLarge" | null {
  const v = text.trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(v);
  if (!m || ((m[1] ?? "") === "" && (m[2] ?? "") === "")) return "format";
  if ((m[2] ?? "").replace(/0+$/, "").length > decimals) return "decimals";
  const value = scaled(v);
  if (value && value.units > 1_000_000_000n * 10n ** BigInt(value.scale)) return "tooLarge";
  return null;
}

/** The base64 of a text's UTF-8 bytes (the export is saved through the same download as a PDF). */
function base64OfText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Saves a CSV export under the name Rust gave it, exactly as Rust wrote it. */
export function saveCsv(csv: CsvExport): boolean {
  return saveFile(csv.file_name, "text/csv", base64OfText(csv.content));
}

/** The reads the back-office screens show, by the write that changes them (also refreshed by `clinic-changed`). */
const READS_AFTER = {
  priceList: ["list_price_items"],
  taxCategories: ["list_tax_categories", "list_price_items", "get_clinic_settings"],
  closing: ["cash_closing_preview", "list_cash_closings"],
} as const;

/** Refetches what a back-office write changed, without waiting for the `clinic-changed` event. */
export function backofficeWritten(queryClient: QueryClient, what: keyof typeof READS_AFTER): Promise<void> {
  const names: readonly string[] = READS_AFTER[what];
  return queryClient.invalidateQueries({ predicate: (q) => names.includes(q.queryKey[0] as string) });
}

/** `YYYY-MM-DD` of the first and last day of the month of `date` (a clinic date), `months` later. */
export function monthOf(date: string, months = 0): { from: string; to: string } {
  const [y, m] = date.split("-").map(Number);
  const first = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
