import { createI18n } from 'vue-i18n';
import en from './en.json';
import id from './id.json';

export type MessageSchema = typeof en;

export const SUPPORTED_LOCALES = ['en', 'id'] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];

/** The Intl locale behind each UI language: number, money and time formats follow it. */
const INTL_LOCALES: Record<AppLocale, string> = { en: 'en-US', id: 'id-ID' };

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

export function toIntlLocale(locale: string): string {
  return isAppLocale(locale) ? INTL_LOCALES[locale] : INTL_LOCALES.en;
}

/** The language picked with the header's toggle, kept for the next visit. */
export const LOCALE_STORAGE_KEY = 'salesboard.locale';

function storedLocale(): AppLocale | null {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isAppLocale(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function rememberLocale(locale: AppLocale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // storage disabled: the choice lasts the page
  }
}

function browserLocale(): AppLocale {
  const language = typeof navigator === 'undefined' ? '' : navigator.language.toLowerCase();
  return language.startsWith('id') ? 'id' : 'en';
}

/** The schema type argument makes id.json fail the type check when it lacks a key of en.json. */
export function createAppI18n(locale: AppLocale = storedLocale() ?? browserLocale()) {
  return createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, id },
  });
}
