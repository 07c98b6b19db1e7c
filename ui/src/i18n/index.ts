// Every user-visible string lives in ./en.json (English today; more languages are a file each).
// Dates, times and money are not translated strings: they go through src/lib/format.ts (Intl).
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";

export const defaultNS = "translation";
export const resources = { en: { translation: en } } as const;

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: typeof defaultNS;
    resources: (typeof resources)["en"];
  }
}

void i18next.use(initReactI18next).init({
  resources,
  lng: "en",
  fallbackLng: "en",
  defaultNS,
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export default i18next;
