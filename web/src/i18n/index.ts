/**
 * Russian, Kazakh and English; Russian by default. The operator's choice is remembered in this
 * browser (a preference, not a secret). Every visible string goes through ``t`` with a typed key.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import { en } from "./locales/en";
import { kk } from "./locales/kk";
import { ru } from "./locales/ru";

export const LANGUAGES = ["ru", "kk", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "ru";
const STORAGE_KEY = "kuzet.language";

export const resources = { ru: { translation: ru }, kk: { translation: kk }, en: { translation: en } };

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function remembered(): Language {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function setupI18n(): typeof i18n {
  void i18n.use(initReactI18next).init({
    resources,
    lng: remembered(),
    fallbackLng: "en",
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  const apply = (language: string) => {
    if (typeof document !== "undefined") document.documentElement.lang = language;
  };
  apply(i18n.language);
  i18n.on("languageChanged", (language) => {
    apply(language);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, language);
    } catch {
      // a browser that refuses storage keeps the choice for this page only
    }
  });
  return i18n;
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : DEFAULT_LANGUAGE;
}
