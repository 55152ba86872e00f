import type en from './locales/en.js';
import type more from './locales/en-more.js';

/** Every English text: those of the embed and those the on-demand parts bring. */
type English = typeof en & typeof more;

/**
 * A plural message, picked by the `count` param through `Intl.PluralRules` of the table's
 * language. `other` is required because every language has it and it is the fallback for a
 * category a table leaves out; the rest are CLDR categories (Russian needs one/few/many,
 * Arabic all six, Chinese, Japanese and Korean only `other`).
 */
export interface Plural {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/** One entry of a table: a string with `{name}` placeholders, or a plural message. */
export type Template = string | Plural;

/**
 * The shape every table must have: exactly the English keys, and a plural wherever English
 * has one. A table typed as `Strings` fails to compile when it misses or adds a key.
 */
export type Strings = { readonly [K in keyof English]: English[K] extends string ? string : Plural };

export type StringKey = keyof Strings;

/** Values for placeholders; numbers are formatted for the locale, strings inserted as given. */
export type Params = Readonly<Record<string, string | number>>;
