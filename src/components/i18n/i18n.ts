import { cached, formatNumber } from './intl.js';
import en from './locales/en.js';
import type { Params, Strings, Template } from './types.js';

export * from './intl.js';
export type { Params, Plural, StringKey, Strings, Template } from './types.js';

export const SUPPORTED_LOCALES = ['en', 'zh-CN', 'zh-TW', 'ja', 'ko', 'es', 'fr', 'de', 'pt-BR', 'ru', 'ar', 'hi'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/**
 * One loader per table, written out so the bundler sees each import() and makes every
 * language its own chunk; a template-string import would pull in all of them or none.
 */
const loaders: Record<Exclude<SupportedLocale, 'en'>, () => Promise<{ default: Strings }>> = {
  'zh-CN': () => import('./locales/zh-CN.js'),
  'zh-TW': () => import('./locales/zh-TW.js'),
  ja: () => import('./locales/ja.js'),
  ko: () => import('./locales/ko.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  de: () => import('./locales/de.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  ru: () => import('./locales/ru.js'),
  ar: () => import('./locales/ar.js'),
  hi: () => import('./locales/hi.js'),
};

/** Languages served by one table whatever the region or script. */
const BY_LANGUAGE = new Map<string, SupportedLocale>([
  ['en', 'en'], ['ja', 'ja'], ['ko', 'ko'], ['es', 'es'], ['fr', 'fr'], ['de', 'de'], ['pt', 'pt-BR'], ['ru', 'ru'], ['ar', 'ar'], ['hi', 'hi'],
]);

function supportedFor(tag: string): SupportedLocale | undefined {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag);
  } catch {
    return undefined; // not a well-formed tag (lang="english"): try the next one
  }
  if (locale.language !== 'zh') return BY_LANGUAGE.get(locale.language);
  // The script decides, and maximize() supplies the likely one: zh-HK, zh-MO, zh-TW → Hant;
  // zh, zh-SG → Hans.
  return locale.maximize().script === 'Hant' ? 'zh-TW' : 'zh-CN';
}

/**
 * The first tag (in preference order) that one of our tables serves, with that tag itself,
 * which helpers use for regional formats (`en-GB` reads English strings with 24-hour times).
 * Falls back to English.
 */
export function matchLocale(tags: readonly string[]): { locale: SupportedLocale; tag: string } {
  for (const tag of tags) {
    const locale = supportedFor(tag);
    if (locale) return { locale, tag };
  }
  return { locale: 'en', tag: 'en' };
}

/** Best table for tags in preference order: `zh-Hant-HK`→`zh-TW`, `zh`→`zh-CN`, `pt`→`pt-BR`, `en-GB`→`en`, unknown→`en`. */
export function resolveLocale(tags: readonly string[]): SupportedLocale {
  return matchLocale(tags).locale;
}

const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur']);

export function isRtl(locale: string): boolean {
  return RTL_LANGUAGES.has(locale.split(/[-_]/)[0].toLowerCase());
}

/**
 * The English table: the texts of the embed, and those of the on-demand parts once one of them
 * has loaded (locales/en-more.ts adds them). Only those parts show their texts.
 */
const english: Record<string, Template> = { ...en };
const tables = new Map<SupportedLocale, Strings>([['en', english as Strings]]);

/** Adds the English texts an on-demand part brings. */
export function addEnglish(more: Record<string, Template>): void {
  Object.assign(english, more);
}
const pending = new Map<SupportedLocale, Promise<Strings>>();

/** The table if it is already loaded, for rendering without waiting. */
export function stringsFor(locale: SupportedLocale): Strings | undefined {
  return tables.get(locale);
}

/** Loads a table once (its chunk on first use); a failed load may be tried again later. */
export function loadLocale(locale: SupportedLocale): Promise<Strings> {
  const table = tables.get(locale);
  if (table) return Promise.resolve(table);
  let load = pending.get(locale);
  if (!load) {
    load = loaders[locale as Exclude<SupportedLocale, 'en'>]().then(
      (module) => {
        tables.set(locale, module.default);
        pending.delete(locale);
        return module.default;
      },
      (error: unknown) => {
        pending.delete(locale);
        throw error;
      },
    );
    pending.set(locale, load);
  }
  return load;
}

/**
 * Fills `{name}` placeholders from params; a plural picks its form by `params.count` with the
 * plural rules of `locale` (which must be the table's language). Numbers are formatted for the
 * locale; a placeholder without a param stays visible rather than printing "undefined".
 */
export function format(template: Template, params: Params = {}, locale = 'en'): string {
  let text: string;
  if (typeof template === 'string') {
    text = template;
  } else {
    const count = Number(params.count ?? 0);
    const category = cached(`p|${locale}`, () => new Intl.PluralRules(locale)).select(count);
    text = template[category] ?? template.other;
  }
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) return placeholder;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}
