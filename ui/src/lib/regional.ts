// Choices for time zone, currency and locale, from the platform's Intl data (no hand-kept lists
// except the short list of locales offered for formatting).

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function timeZones(current?: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  all.add("UTC");
  if (current) all.add(current);
  return [...all].sort((a, b) => a.localeCompare(b));
}

export interface Choice {
  value: string;
  label: string;
}

export function currencies(displayLocale: string, current?: string): Choice[] {
  let codes: string[];
  try {
    codes = Intl.supportedValuesOf("currency");
  } catch {
    codes = ["EUR", "USD", "GBP", "CHF"];
  }
  const all = new Set(codes);
  if (current) all.add(current);
  const names = displayNames(displayLocale, "currency");
  return [...all].sort().map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` }));
}

/** The system's region, if its language tag is a valid one (POSIX "C" is not). */
function systemRegion(): string | undefined {
  try {
    return new Intl.Locale(navigator.language || "en").maximize().region;
  } catch {
    return undefined;
  }
}

/** Display names in `displayLocale`, falling back to English for a tag Intl rejects. */
function displayNames(displayLocale: string, type: "currency" | "language"): Intl.DisplayNames {
  try {
    return new Intl.DisplayNames([displayLocale], { type });
  } catch {
    return new Intl.DisplayNames(["en"], { type });
  }
}

/** A guess from the system locale's region, for the wizard's default. */
export function systemCurrency(): string {
  const region = systemRegion();
  const byRegion: Record<string, string> = {
    US: "USD", GB: "GBP", CH: "CHF", JP: "JPY", CA: "CAD", AU: "AUD", IN: "INR", BR: "BRL", MX: "MXN",
    SE: "SEK", NO: "NOK", DK: "DKK", PL: "PLN", CZ: "CZK", HU: "HUF", RO: "RON", NG: "NGN", ZA: "ZAR",
    KE: "KES", TR: "TRY", CN: "CNY", KR: "KRW", NZ: "NZD", SG: "SGD", AE: "AED", SA: "SAR", EG: "EGP",
  };
  return (region && byRegion[region]) ?? "EUR";
}

const LOCALES = [
  "en", "en-GB", "en-US", "en-IE", "en-AU", "en-CA", "en-IN", "en-NG", "en-ZA",
  "de-DE", "de-AT", "de-CH", "fr-FR", "fr-BE", "fr-CH", "it-IT", "it-CH", "es-ES", "es-MX",
  "pt-PT", "pt-BR", "nl-NL", "nl-BE", "da-DK", "sv-SE", "nb-NO", "fi-FI", "pl-PL", "cs-CZ",
  "hu-HU", "ro-RO", "el-GR", "tr-TR", "ar-EG", "ja-JP", "zh-CN", "ko-KR",
];

export function locales(displayLocale: string, current?: string): Choice[] {
  const all = new Set(LOCALES);
  if (current) all.add(current);
  const names = displayNames(displayLocale, "language");
  return [...all].map((tag) => {
    let label = tag;
    try {
      label = names.of(tag) ?? tag;
    } catch {
      // an unusual tag from the database: show it as it is
    }
    return { value: tag, label: `${label} (${tag})` };
  }).sort((a, b) => a.label.localeCompare(b.label));
}
