// Exact money for the fake backend, as crates/core/src/billing/money.rs works it out: amounts are
// decimals held as a BigInt of units at a scale (never a binary float), rounded to the currency's
// minor unit with the clinic's rule (half up = away from zero, or half even), invoice totals by the
// same five steps (line gross, line discount, invoice discount shared by largest remainder, tax
// per category and rate, totals) and the same largest-remainder allocation.
import type { DiscountKind, Rounding } from "../api/generated";

/** `n / 10^s`, like rust_decimal's mantissa and scale (the scale is kept: "12.50" stays two places). */
export interface Dec {
  n: bigint;
  s: number;
}

const TEN = 10n;
const pow10 = (k: number): bigint => TEN ** BigInt(k);

/** rust_decimal `Decimal::from_str` (plain notation: digits, one point, an optional sign); null if not a number. */
export function parseDec(text: string): Dec | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (whole === "" && fraction === "") return null;
  const n = BigInt(`${whole || "0"}${fraction}`);
  return { n: m[1] === "-" ? -n : n, s: fraction.length };
}

/** A stored decimal (written by this module); a damaged one is a bug of the fake. */
export function dec(text: string): Dec {
  const d = parseDec(text);
  if (!d) throw new Error(`a stored amount is damaged: ${text}`);
  return d;
}

export const ZERO: Dec = { n: 0n, s: 0 };
export const ONE: Dec = { n: 1n, s: 0 };

/** Decimal's Display: the digits at its scale ("12.50", "-3.00", "0"). */
export function text(d: Dec): string {
  const negative = d.n < 0n;
  const digits = (negative ? -d.n : d.n).toString().padStart(d.s + 1, "0");
  const body = d.s === 0 ? digits : `${digits.slice(0, -d.s)}.${digits.slice(-d.s)}`;
  return negative ? `-${body}` : body;
}

/** Decimal::normalize: trailing zeros of the fraction dropped ("2.50" → "2.5", "0.00" → "0"). */
export function normalize(d: Dec): Dec {
  let { n, s } = d;
  while (s > 0 && n % TEN === 0n) {
    n /= TEN;
    s -= 1;
  }
  return n === 0n ? ZERO : { n, s };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.s, b.s);
  return [a.n * pow10(s - a.s), b.n * pow10(s - b.s), s];
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { n: x + y, s };
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { n: x - y, s };
}

export const neg = (a: Dec): Dec => ({ n: -a.n, s: a.s });
export const abs = (a: Dec): Dec => (a.n < 0n ? neg(a) : a);

export function mul(a: Dec, b: Dec): Dec {
  return { n: a.n * b.n, s: a.s + b.s };
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const isZero = (a: Dec) => a.n === 0n;
export const isNegative = (a: Dec) => a.n < 0n;
export const min = (a: Dec, b: Dec) => (cmp(a, b) <= 0 ? a : b);
export const sum = (values: readonly Dec[]): Dec => values.reduce(add, ZERO);

/** `num / den` rounded to a whole number with the rule (exact: both are integers). */
function divRound(num: bigint, den: bigint, rounding: Rounding): bigint {
  if (den < 0n) return divRound(-num, -den, rounding);
  const q = num / den; // truncated toward zero
  const r = num - q * den;
  if (r === 0n) return q;
  const twice = 2n * (r < 0n ? -r : r);
  const away = num < 0n ? q - 1n : q + 1n;
  if (twice > den) return away;
  if (twice < den) return q;
  // Exactly half way.
  if (rounding === "half_up") return away;
  return q % 2n === 0n ? q : away;
}

/** The ratio `a / b` rounded to `exponent` decimals (rust_decimal divides to 28 digits first; exactly here). */
export function ratio(a: Dec, b: Dec, exponent: number, rounding: Rounding): Dec {
  // a/b = (a.n / 10^a.s) / (b.n / 10^b.s); in units of 10^-exponent:
  const num = a.n * pow10(b.s + exponent);
  const den = b.n * pow10(a.s);
  return { n: divRound(num, den, rounding), s: exponent };
}

/** How amounts of one invoice are rounded and taxed (money.rs MoneyRules). */
export interface MoneyRules {
  exponent: number;
  rounding: Rounding;
  prices_include_tax: boolean;
}

/** The ISO 4217 exponent (EUR 2, JPY 0, KWD 3); 2 for a code that is not known. */
export function currencyExponent(code: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function rulesFor(currency: string, rounding: Rounding, pricesIncludeTax: boolean): MoneyRules {
  return { exponent: currencyExponent(currency), rounding, prices_include_tax: pricesIncludeTax };
}

/** MoneyRules::round: to the minor unit, rescaled (so "5" becomes "5.00"). */
export function round(rules: MoneyRules, d: Dec): Dec {
  if (d.s <= rules.exponent) return { n: d.n * pow10(rules.exponent - d.s), s: rules.exponent };
  return { n: divRound(d.n, pow10(d.s - rules.exponent), rules.rounding), s: rules.exponent };
}

/** money_text: a stored amount at the currency's scale, as the UI gets it ("12.50"). */
export const moneyText = (rules: MoneyRules, d: Dec) => text(round(rules, d));

function percentOf(rules: MoneyRules, amount: Dec, percent: Dec): Dec {
  return ratio(mul(amount, percent), { n: 100n, s: 0 }, rules.exponent, rules.rounding);
}

/**
 * money::allocate: shares `amount` (whole minor units) across `weights` in proportion, in whole
 * minor units, largest remainder first (ties to the earlier line), so that they add up to it.
 */
export function allocate(rules: MoneyRules, amount: Dec, weights: readonly Dec[]): Dec[] {
  const e = rules.exponent;
  // Like Rust, the early answers are not rescaled: zeros are Decimal::ZERO ("0"), and with no
  // weight the first line carries the amount as it came.
  const shares: Dec[] = weights.map(() => ZERO);
  if (weights.length === 0 || isZero(amount)) return shares;
  const a = round(rules, amount).n; // amounts here are whole minor units already
  // Weights as exact integers at a common scale (the proportions do not depend on it).
  const scale = Math.max(0, ...weights.map((w) => w.s));
  const w = weights.map((x) => x.n * pow10(scale - x.s));
  const total = w.reduce((x, y) => x + y, 0n);
  if (total === 0n) {
    shares[0] = amount;
    return shares;
  }
  const units = w.map((x) => (a * x) / total); // truncated toward zero, as Decimal::trunc
  // The remainders share the denominator `total`: compare their numerators.
  const remainders = w.map((x, i) => ({ r: a * x - (units[i] ?? 0n) * total, i }));
  const sign = total > 0n ? 1n : -1n;
  remainders.sort((p, q) => (q.r * sign > p.r * sign ? 1 : q.r * sign < p.r * sign ? -1 : p.i - q.i));
  const given = units.reduce((x, y) => x + y, 0n);
  let left = a - given < 0n ? given - a : a - given;
  const step = a < 0n ? -1n : 1n;
  for (let k = 0; left > 0n && remainders.length > 0; k += 1) {
    const i = remainders[k % remainders.length]?.i ?? 0;
    units[i] = (units[i] ?? 0n) + step;
    left -= 1n;
  }
  return units.map((n) => ({ n, s: e }));
}

export type Discount = { kind: "none" } | { kind: "percent"; value: Dec } | { kind: "amount"; value: Dec };

export function discountOf(kind: DiscountKind, value: string): Discount {
  if (kind === "percent") return { kind, value: dec(value) };
  if (kind === "amount") return { kind, value: dec(value) };
  return { kind: "none" };
}

export interface LineInput {
  quantity: Dec;
  unit_price: Dec;
  discount: Discount;
  tax_key: string;
  /** Percent. */
  tax_rate: Dec;
}

export interface LineAmounts {
  gross: Dec;
  /** The line's own discount plus its share of the invoice discount. */
  discount: Dec;
  net: Dec;
  tax: Dec;
  total: Dec;
}

export interface TaxGroup {
  tax_key: string;
  rate: Dec;
  base: Dec;
  tax: Dec;
}

export interface Totals {
  lines: LineAmounts[];
  taxes: TaxGroup[];
  subtotal: Dec;
  discount_total: Dec;
  net_total: Dec;
  tax_total: Dec;
  total: Dec;
}

export type TotalsError = { kind: "line_discount_too_large"; line: number } | { kind: "invoice_discount_too_large" };

/** money::compute: the invoice's amounts, by the rule at the top of money.rs. */
export function computeTotals(rules: MoneyRules, lines: readonly LineInput[], invoiceDiscount: Discount): { ok: Totals } | { error: TotalsError } {
  const gross: Dec[] = [];
  const own: Dec[] = [];
  const afterLine: Dec[] = [];
  for (const [i, l] of lines.entries()) {
    const g = round(rules, mul(l.quantity, l.unit_price));
    let d: Dec;
    // No discount is Decimal::ZERO as it is (scale 0: an undiscounted line stores "0").
    if (l.discount.kind === "none") d = ZERO;
    else if (l.discount.kind === "percent") d = percentOf(rules, g, l.discount.value);
    else {
      if (cmp(l.discount.value, g) > 0) return { error: { kind: "line_discount_too_large", line: i } };
      d = round(rules, l.discount.value);
    }
    gross.push(g);
    own.push(d);
    afterLine.push(sub(g, d));
  }
  let shares: Dec[];
  if (invoiceDiscount.kind === "none") shares = lines.map(() => ZERO);
  else if (invoiceDiscount.kind === "percent") {
    const p = invoiceDiscount.value;
    shares = afterLine.map((a) => percentOf(rules, a, p));
  } else {
    if (cmp(invoiceDiscount.value, sum(afterLine)) > 0) return { error: { kind: "invoice_discount_too_large" } };
    shares = allocate(rules, round(rules, invoiceDiscount.value), afterLine);
  }
  const amounts = afterLine.map((a, i) => sub(a, shares[i] ?? ZERO));

  // Tax groups in order of first appearance (category and rate).
  const groups: { key: string; rate: Dec; members: number[] }[] = [];
  for (const [i, l] of lines.entries()) {
    const g = groups.find((x) => x.key === l.tax_key && cmp(x.rate, l.tax_rate) === 0);
    if (g) g.members.push(i);
    else groups.push({ key: l.tax_key, rate: l.tax_rate, members: [i] });
  }
  const out: LineAmounts[] = lines.map(() => ({ gross: ZERO, discount: ZERO, net: ZERO, tax: ZERO, total: ZERO }));
  const taxes: TaxGroup[] = [];
  const hundred: Dec = { n: 100n, s: 0 };
  for (const { key, rate, members } of groups) {
    const weights = members.map((i) => amounts[i] ?? ZERO);
    const groupSum = sum(weights);
    const tax = rules.prices_include_tax ? ratio(mul(groupSum, rate), add(hundred, rate), rules.exponent, rules.rounding) : percentOf(rules, groupSum, rate);
    const lineTax = allocate(rules, tax, weights);
    members.forEach((i, k) => {
      const t = lineTax[k] ?? ZERO;
      const amount = amounts[i] ?? ZERO;
      const [net, total] = rules.prices_include_tax ? [sub(amount, t), amount] : [amount, add(amount, t)];
      out[i] = { gross: gross[i] ?? ZERO, discount: add(own[i] ?? ZERO, shares[i] ?? ZERO), net, tax: t, total };
    });
    taxes.push({ tax_key: key, rate, base: rules.prices_include_tax ? sub(groupSum, tax) : groupSum, tax });
  }
  const zero = round(rules, ZERO);
  return {
    ok: {
      lines: out,
      taxes,
      subtotal: add(sum(gross), zero),
      discount_total: add(sum(out.map((l) => l.discount)), zero),
      net_total: add(sum(out.map((l) => l.net)), zero),
      tax_total: add(sum(taxes.map((t) => t.tax)), zero),
      total: add(sum(out.map((l) => l.total)), zero),
    },
  };
}

const SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£", JPY: "¥", CHF: "CHF", INR: "₹", NGN: "₦", KES: "KSh", ZAR: "R", CAD: "$", AUD: "$" };

/** money::format_money: "€1,234.50" (en), "1.234,50 €" (de, it, es, …), "1 234,50 €" (fr); a real minus sign. */
export function formatMoney(amount: Dec, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  const symbol = SYMBOLS[currency] ?? currency;
  const lang = (locale.split(/[-_]/)[0] ?? "en").toLowerCase();
  const [group, point, before] = ["de", "it", "es", "nl", "pt", "da", "id", "tr", "el", "ro", "hr", "sl", "sr"].includes(lang)
    ? [".", ",", false]
    : ["fr", "pl", "cs", "sk", "hu", "ru", "uk", "sv", "nb", "no", "fi", "bg", "lt", "lv", "et"].includes(lang)
      ? ["\u00a0", ",", false]
      : [",", ".", true];
  const rounded = text(round({ exponent, rounding: "half_up", prices_include_tax: false }, abs(amount)));
  const [int = "", frac = ""] = rounded.split(".");
  let grouped = "";
  for (let i = 0; i < int.length; i += 1) {
    if (i > 0 && (int.length - i) % 3 === 0) grouped += group;
    grouped += int.charAt(i);
  }
  const number = frac === "" ? grouped : `${grouped}${point}${frac}`;
  const sign = isNegative(amount) && !isZero(amount) ? "−" : "";
  return before ? `${sign}${symbol}${number}` : `${sign}${number}\u00a0${symbol}`;
}
