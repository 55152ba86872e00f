/**
 * Dates, numbers, sizes, durations and lists formatted with the browser's Intl, so every
 * locale gets its own digits, order and words without tables of ours. Each helper takes the
 * locale first: a BCP 47 tag, ideally the one the page gave (`en-GB`, `zh-HK`), which keeps
 * regional formats even where the UI strings are shared (`en`, `zh-TW`).
 */

const DAY_MS = 86_400_000;

/**
 * Intl constructors are slow next to the formatting itself and a list formats hundreds of
 * rows per render, so each (kind, locale, options) formatter is made once.
 */
const formatters = new Map<string, unknown>();
export function cached<T>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (formatter === undefined) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  cached(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}) =>
  cached(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

/** Whole calendar days from `ms` to `now` in local time (DST-safe: both sides are local midnights). */
function daysBefore(ms: number, now: number): number {
  const midnight = (t: number) => new Date(t).setHours(0, 0, 0, 0);
  return Math.round((midnight(now) - midnight(ms)) / DAY_MS);
}

const isThisYear = (ms: number, now: number) => new Date(ms).getFullYear() === new Date(now).getFullYear();

/** "Today", "Yesterday", "Tomorrow" in the locale's words, capitalised to stand alone as a label. */
function relativeDay(locale: string, days: number): string {
  const text = cached(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(-days, 'day');
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** Hour and minute, 12- or 24-hour as the locale prefers: "2:05 PM", "14:05". */
export function formatTime(locale: string, ms: number): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(ms);
}

/**
 * A day separator label: "Today", "Yesterday", the weekday within the last week, else the
 * date ("March 4", with the year only when it is not this year).
 */
export function formatDay(locale: string, ms: number, now: number = Date.now()): string {
  const days = daysBefore(ms, now);
  if (Math.abs(days) <= 1) return relativeDay(locale, days);
  if (days > 1 && days < 7) return dateFormat(locale, { weekday: 'long' }).format(ms);
  return dateFormat(locale, isThisYear(ms, now) ? { month: 'long', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' }).format(ms);
}

/**
 * The time column of a conversation row, kept short: the time today, "Yesterday", a short
 * weekday within the last week, else a short date ("Mar 4", or "3/4/23" in another year).
 */
export function formatListTime(locale: string, ms: number, now: number = Date.now()): string {
  const days = daysBefore(ms, now);
  if (days <= 0) return formatTime(locale, ms);
  if (days === 1) return relativeDay(locale, 1);
  if (days < 7) return dateFormat(locale, { weekday: 'short' }).format(ms);
  return dateFormat(locale, isThisYear(ms, now) ? { month: 'short', day: 'numeric' } : { dateStyle: 'short' }).format(ms);
}

export function formatNumber(locale: string, n: number): string {
  return numberFormat(locale).format(n);
}

/** An unread badge: the count in the locale's digits, "99+" above 99 so the badge keeps its size. */
export function formatBadge(locale: string, n: number): string {
  return n > 99 ? `${formatNumber(locale, 99)}+` : formatNumber(locale, n);
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** A file size in B/KB/MB/GB (1024-based), one decimal below 10 so "1.5 MB" stays useful. */
export function formatBytes(locale: string, n: number): string {
  let value = Math.max(0, n);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return numberFormat(locale, {
    style: 'unit',
    unit: BYTE_UNITS[unit],
    // The short name of a byte is "byte" in English; the long one reads better ("512 bytes").
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit > 0 && value < 10 ? 1 : 0,
  }).format(value);
}

/** A media duration as m:ss, or h:mm:ss from an hour on, in the locale's digits. */
export function formatDuration(locale: string, seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const plain = numberFormat(locale, { useGrouping: false });
  const padded = numberFormat(locale, { useGrouping: false, minimumIntegerDigits: 2 });
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = padded.format(total % 60);
  return h > 0 ? `${plain.format(h)}:${padded.format(m)}:${s}` : `${plain.format(m)}:${s}`;
}

/** "Ann, Bob and Cy" with the locale's separators and conjunction. */
export function formatList(locale: string, names: readonly string[]): string {
  return cached(`l|${locale}`, () => new Intl.ListFormat(locale, { type: 'conjunction' })).format(names);
}
