// The strings of ./strings.ts in the app's i18next namespace, with type-checked keys. Once they
// are pasted into src/i18n/en.json, `useRxT()` can be replaced by `useTranslation().t` as is
// (the keys are the same); adding the bundle again then changes nothing (it never overwrites).
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import i18next from "../../i18n";
import { RX_STRINGS } from "./strings";

i18next.addResourceBundle("en", "translation", RX_STRINGS, true, false);

type Leaves<T> = { [K in keyof T & string]: T[K] extends string ? K : `${K}.${Leaves<T[K]>}` }[keyof T & string];
/** i18next plural suffixes: `count_one` / `count_other` are asked for as `count` with a `count` option. */
type Plural<K extends string> = K extends `${infer B}_one` ? B : K extends `${infer B}_other` ? B : K;

export type RxKey = Plural<Leaves<typeof RX_STRINGS>>;
export type RxT = (key: RxKey, options?: Record<string, string | number>) => string;

type PlainT = (key: string, options?: Record<string, string | number>) => string;

/** `t` for the keys of ./strings.ts (re-renders on a language change, like `useTranslation`). */
export function useRxT(): RxT {
  const { t } = useTranslation();
  return useCallback((key: RxKey, options?: Record<string, string | number>) => (t as unknown as PlainT)(key, options), [t]);
}
