//! Exact money: amounts are `rust_decimal::Decimal`, rounded to the currency's minor unit
//! (ISO 4217 exponent from rusty-money: EUR 2, JPY 0, KWD 3) with the clinic's rule
//! (half up — away from zero — or half even). Invoice totals are worked out here, once;
//! the UI and the PDF show the stored results.
//!
//! The rule, in order (docs/BILLING.md):
//! 1. each line's gross = quantity × unit price, rounded;
//! 2. the line's own discount (percent of its gross, rounded, or an amount ≤ its gross);
//! 3. the invoice discount: a percent applies to every line (rounded per line); an amount is
//!    shared across lines in proportion to what is left of them, in whole minor units by
//!    largest remainder, so the shares add up to exactly the amount;
//! 4. tax per category and rate, on the sum of that group's lines, rounded once per group;
//!    prices without tax: tax = base × rate / 100; prices with tax: tax = gross × rate /
//!    (100 + rate), and the base is what remains. Each group's tax is shared across its lines
//!    (largest remainder again) so that credit notes can take back a line's exact part;
//! 5. total = Σ gross − Σ discounts + Σ tax (without tax) or Σ gross − Σ discounts (with).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    /// 0.005 → 0.01 (away from zero): the usual commercial rule.
    HalfUp,
    /// 0.005 → 0.00, 0.015 → 0.02 (banker's rounding).
    HalfEven,
}

impl Rounding {
    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half_up",
            Rounding::HalfEven => "half_even",
        }
    }
    pub fn parse(text: &str) -> Rounding {
        if text == "half_even" {
            Rounding::HalfEven
        } else {
            Rounding::HalfUp
        }
    }
}

/// How amounts of one invoice are rounded and taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyRules {
    /// Decimal places of the currency's minor unit.
    pub exponent: u32,
    pub rounding: Rounding,
    pub prices_include_tax: bool,
}

impl MoneyRules {
    pub fn for_currency(code: &str, rounding: Rounding, prices_include_tax: bool) -> MoneyRules {
        MoneyRules {
            exponent: currency_exponent(code),
            rounding,
            prices_include_tax,
        }
    }

    pub fn round(&self, amount: Decimal) -> Decimal {
        let strategy = match self.rounding {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut rounded = amount.round_dp_with_strategy(self.exponent, strategy);
        rounded.rescale(self.exponent);
        rounded
    }

    fn unit(&self) -> Decimal {
        Decimal::new(1, self.exponent)
    }
}

/// The ISO 4217 exponent; 2 for a code rusty-money does not know.
pub fn currency_exponent(code: &str) -> u32 {
    rusty_money::iso::find(code).map_or(2, |c| c.exponent)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    None,
    /// 0–100 percent.
    Percent(Decimal),
    Amount(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount: Discount,
    pub tax_key: String,
    /// Percent.
    pub tax_rate: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineAmounts {
    pub gross: Decimal,
    /// The line's own discount plus its share of the invoice discount.
    pub discount: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxGroup {
    pub tax_key: String,
    pub rate: Decimal,
    /// Amount without tax.
    pub base: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    pub lines: Vec<LineAmounts>,
    pub taxes: Vec<TaxGroup>,
    /// Σ gross.
    pub subtotal: Decimal,
    pub discount_total: Decimal,
    pub net_total: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
}

/// Why totals cannot be worked out; `line` is the index of the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotalsError {
    LineDiscountTooLarge { line: usize },
    InvoiceDiscountTooLarge,
}

fn percent_of(rules: &MoneyRules, amount: Decimal, percent: Decimal) -> Decimal {
    rules.round(amount * percent / Decimal::ONE_HUNDRED)
}

/// Shares `amount` (a whole number of minor units) across `weights` in proportion, in
/// whole minor units, largest remainder first (ties to the earlier line): Σ = amount.
pub fn allocate(rules: &MoneyRules, amount: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let sum: Decimal = weights.iter().copied().sum();
    let mut shares = vec![rules.round(Decimal::ZERO); weights.len()];
    if weights.is_empty() || amount.is_zero() {
        return shares;
    }
    if sum.is_zero() {
        // Nothing to weigh by: the first line carries it.
        shares[0] = rules.round(amount);
        return shares;
    }
    let unit = rules.unit();
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = Decimal::ZERO;
    for (i, w) in weights.iter().enumerate() {
        let exact = amount * *w / sum;
        let units = (exact / unit).trunc();
        shares[i] = units * unit;
        given += shares[i];
        remainders.push((exact - shares[i], i));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let sign = if amount.is_sign_negative() {
        -unit
    } else {
        unit
    };
    let mut left = ((amount - given) / unit).abs().trunc();
    let mut k = 0;
    while left > Decimal::ZERO && !remainders.is_empty() {
        shares[remainders[k % remainders.len()].1] += sign;
        left -= Decimal::ONE;
        k += 1;
    }
    for s in &mut shares {
        s.rescale(rules.exponent);
    }
    shares
}

/// The invoice's amounts, by the rule at the top of this file.
pub fn compute(
    rules: &MoneyRules,
    lines: &[LineInput],
    invoice_discount: Discount,
) -> Result<Totals, TotalsError> {
    let mut gross = Vec::with_capacity(lines.len());
    let mut after_line = Vec::with_capacity(lines.len());
    let mut discount = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let g = rules.round(l.quantity * l.unit_price);
        let d = match l.discount {
            Discount::None => Decimal::ZERO,
            Discount::Percent(p) => percent_of(rules, g, p),
            Discount::Amount(a) => {
                if a > g {
                    return Err(TotalsError::LineDiscountTooLarge { line: i });
                }
                rules.round(a)
            }
        };
        gross.push(g);
        discount.push(d);
        after_line.push(g - d);
    }
    let shares = match invoice_discount {
        Discount::None => vec![Decimal::ZERO; lines.len()],
        Discount::Percent(p) => after_line
            .iter()
            .map(|a| percent_of(rules, *a, p))
            .collect(),
        Discount::Amount(a) => {
            let left: Decimal = after_line.iter().copied().sum();
            if a > left {
                return Err(TotalsError::InvoiceDiscountTooLarge);
            }
            allocate(rules, rules.round(a), &after_line)
        }
    };
    let amounts: Vec<Decimal> = after_line
        .iter()
        .zip(&shares)
        .map(|(a, s)| *a - *s)
        .collect();

    // Tax groups in order of first appearance.
    let mut groups: Vec<(String, Decimal, Vec<usize>)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(k, r, _)| *k == l.tax_key && *r == l.tax_rate)
        {
            Some(g) => g.2.push(i),
            None => groups.push((l.tax_key.clone(), l.tax_rate, vec![i])),
        }
    }
    let mut out = Totals {
        lines: vec![LineAmounts::default(); lines.len()],
        ..Totals::default()
    };
    for (key, rate, members) in groups {
        let weights: Vec<Decimal> = members.iter().map(|i| amounts[*i]).collect();
        let sum: Decimal = weights.iter().copied().sum();
        let tax = if rules.prices_include_tax {
            rules.round(sum * rate / (Decimal::ONE_HUNDRED + rate))
        } else {
            percent_of(rules, sum, rate)
        };
        let line_tax = allocate(rules, tax, &weights);
        for (i, t) in members.iter().zip(line_tax) {
            let (net, total) = if rules.prices_include_tax {
                (amounts[*i] - t, amounts[*i])
            } else {
                (amounts[*i], amounts[*i] + t)
            };
            // Through round() again: rust_decimal may drop the scale of a zero result.
            out.lines[*i] = LineAmounts {
                gross: rules.round(gross[*i]),
                discount: rules.round(discount[*i] + shares[*i]),
                net: rules.round(net),
                tax: rules.round(t),
                total: rules.round(total),
            };
        }
        out.taxes.push(TaxGroup {
            tax_key: key,
            rate,
            base: rules.round(if rules.prices_include_tax {
                sum - tax
            } else {
                sum
            }),
            tax: rules.round(tax),
        });
    }
    out.subtotal = rules.round(gross.iter().copied().sum::<Decimal>());
    out.discount_total = rules.round(out.lines.iter().map(|l| l.discount).sum::<Decimal>());
    out.net_total = rules.round(out.lines.iter().map(|l| l.net).sum::<Decimal>());
    out.tax_total = rules.round(out.taxes.iter().map(|t| t.tax).sum::<Decimal>());
    out.total = rules.round(out.lines.iter().map(|l| l.total).sum::<Decimal>());
    Ok(out)
}

/// Reads stored decimal text (written by this module); a damaged value is an error.
pub fn parse_stored(text: &str) -> Result<Decimal, crate::error::AppError> {
    Decimal::from_str(text).map_err(|_| {
        crate::error::AppError::internal(format!("a stored amount is damaged: {text}"))
    })
}

/// Parses an amount typed by a user: a plain decimal ("12.50", "12,50" is refused because
/// the separator would be ambiguous with thousands), at most the currency's decimals.
pub fn parse_amount(
    text: &str,
    field: &str,
    exponent: u32,
    allow_zero: bool,
) -> Result<Decimal, crate::error::AppError> {
    use crate::error::AppError;
    let t = text.trim();
    let value = Decimal::from_str(t).map_err(|_| {
        AppError::field(
            field,
            format!(
                "{} is an amount like 12.50 (digits and a point)",
                label(field)
            ),
        )
    })?;
    if value.is_sign_negative() || (!allow_zero && value.is_zero()) {
        return Err(AppError::field(
            field,
            format!(
                "{} must be {}",
                label(field),
                if allow_zero {
                    "zero or more"
                } else {
                    "more than zero"
                }
            ),
        ));
    }
    if value.normalize().scale() > exponent {
        return Err(AppError::field(
            field,
            format!(
                "{} has at most {exponent} decimals in this currency",
                label(field)
            ),
        ));
    }
    if value > Decimal::from(1_000_000_000i64) {
        return Err(AppError::field(
            field,
            format!("{} is too large", label(field)),
        ));
    }
    Ok(value)
}

fn label(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let mut s = last.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s
}

/// Formats an amount in the clinic's currency and locale: "€1,234.50" (en), "1.234,50 €"
/// (de, it, es, …), "1 234,50 €" (fr). Negative amounts use a real minus sign.
pub fn format_money(amount: Decimal, currency: &str, locale: &str) -> String {
    let exponent = currency_exponent(currency);
    let symbol = rusty_money::iso::find(currency).map_or(currency, |c| c.symbol);
    let (group, decimal, symbol_before) = separators(locale);
    let mut a = amount.abs().round_dp(exponent);
    a.rescale(exponent);
    let text = a.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(ch);
    }
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}{decimal}{frac}")
    };
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "−"
    } else {
        ""
    };
    if symbol_before {
        format!("{sign}{symbol}{number}")
    } else {
        format!("{sign}{number}\u{a0}{symbol}")
    }
}

/// (thousands separator, decimal separator, symbol before the number) for a BCP 47 locale.
fn separators(locale: &str) -> (&'static str, &'static str, bool) {
    let lang = locale
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    match lang.as_str() {
        "de" | "it" | "es" | "nl" | "pt" | "da" | "id" | "tr" | "el" | "ro" | "hr" | "sl"
        | "sr" => (".", ",", false),
        "fr" | "pl" | "cs" | "sk" | "hu" | "ru" | "uk" | "sv" | "nb" | "no" | "fi" | "bg"
        | "lt" | "lv" | "et" => ("\u{a0}", ",", false),
        _ => (",", ".", true),
    }
}

/// "One thousand two hundred and thirty-four EUR, 50/100" (English, French or Ukrainian by
/// the clinic's locale; English otherwise). Integers only go through num2words.
pub fn amount_in_words(amount: Decimal, currency: &str, locale: &str) -> Option<String> {
    let exponent = currency_exponent(currency);
    let mut a = amount.abs().round_dp(exponent);
    a.rescale(exponent);
    let whole = i64::try_from(a.trunc().mantissa() / 10i128.pow(a.trunc().scale())).ok()?;
    let lang = match locale.get(..2) {
        Some("fr") => num2words::Lang::French,
        Some("uk") => num2words::Lang::Ukrainian,
        _ => num2words::Lang::English,
    };
    let words = num2words::Num2Words::new(whole)
        .lang(lang)
        .to_words()
        .ok()?;
    let mut words = words;
    if let Some(first) = words.get(..1) {
        let upper = first.to_uppercase();
        words.replace_range(..1, &upper);
    }
    if exponent == 0 {
        return Some(format!("{words} {currency}"));
    }
    let minor = (a.fract() * Decimal::from(10i64.pow(exponent))).trunc();
    Some(format!(
        "{words} {currency}, {minor:0>width$}/{}",
        10i64.pow(exponent),
        width = exponent as usize
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn line(q: &str, p: &str, disc: Discount, rate: &str) -> LineInput {
        LineInput {
            quantity: d(q),
            unit_price: d(p),
            discount: disc,
            tax_key: format!("r{rate}"),
            tax_rate: d(rate),
        }
    }
    const EUR: MoneyRules = MoneyRules {
        exponent: 2,
        rounding: Rounding::HalfUp,
        prices_include_tax: false,
    };

    #[test]
    fn exclusive_tax_per_group_and_discounts() {
        let t = compute(
            &EUR,
            &[
                line("1", "80", Discount::Percent(d("10")), "22"),
                line("3", "4.99", Discount::None, "22"),
                line("1", "25", Discount::Amount(d("5")), "0"),
            ],
            Discount::Amount(d("10")),
        )
        .unwrap();
        assert_eq!(t.subtotal, d("119.97"));
        // 8.00 + 5.00 own, and 10 shared over 72, 14.97 and 20 (106.97)
        assert_eq!(t.discount_total, d("23.00"));
        assert_eq!(t.lines.iter().map(|l| l.net).sum::<Decimal>(), d("96.97"));
        assert_eq!(t.taxes.len(), 2);
        assert_eq!(t.total, t.subtotal - t.discount_total + t.tax_total);
        assert_eq!(t.taxes[0].tax, EUR.round(t.taxes[0].base * d("0.22")));
    }

    #[test]
    fn inclusive_tax_is_taken_out_of_the_price() {
        let rules = MoneyRules {
            prices_include_tax: true,
            ..EUR
        };
        let t = compute(
            &rules,
            &[line("1", "122", Discount::None, "22")],
            Discount::None,
        )
        .unwrap();
        assert_eq!(t.total, d("122.00"));
        assert_eq!(t.tax_total, d("22.00"));
        assert_eq!(t.net_total, d("100.00"));
    }

    #[test]
    fn rounding_rules_differ_on_midpoints() {
        let even = MoneyRules {
            rounding: Rounding::HalfEven,
            ..EUR
        };
        assert_eq!(EUR.round(d("0.125")), d("0.13"));
        assert_eq!(even.round(d("0.125")), d("0.12"));
        let yen = MoneyRules {
            exponent: currency_exponent("JPY"),
            ..EUR
        };
        assert_eq!(yen.round(d("1234.5")), d("1235"));
    }

    #[test]
    fn allocation_adds_up_exactly() {
        let s = allocate(&EUR, d("10.00"), &[d("1"), d("1"), d("1")]);
        assert_eq!(s, vec![d("3.34"), d("3.33"), d("3.33")]);
    }

    #[test]
    fn too_large_discounts_are_refused() {
        assert_eq!(
            compute(
                &EUR,
                &[line("1", "5", Discount::Amount(d("6")), "0")],
                Discount::None
            ),
            Err(TotalsError::LineDiscountTooLarge { line: 0 })
        );
        assert_eq!(
            compute(
                &EUR,
                &[line("1", "5", Discount::None, "0")],
                Discount::Amount(d("5.01"))
            ),
            Err(TotalsError::InvoiceDiscountTooLarge)
        );
    }

    #[test]
    fn formats_by_locale_and_words() {
        assert_eq!(format_money(d("1234.5"), "EUR", "en-IE"), "€1,234.50");
        assert_eq!(format_money(d("1234.5"), "EUR", "it-IT"), "1.234,50\u{a0}€");
        assert_eq!(format_money(d("-3"), "USD", "en-US"), "−$3.00");
        assert_eq!(format_money(d("1500"), "JPY", "en"), "¥1,500");
        assert_eq!(
            amount_in_words(d("1234.5"), "EUR", "en").unwrap(),
            "One thousand two hundred and thirty-four EUR, 50/100"
        );
    }
}
