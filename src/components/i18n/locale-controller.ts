import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  format,
  formatBadge,
  formatBytes,
  formatDay,
  formatDuration,
  formatList,
  formatListTime,
  formatNumber,
  formatTime,
  isRtl,
  loadLocale,
  matchLocale,
  stringsFor,
  type SupportedLocale,
} from './i18n.js';
import type { Params, StringKey } from './types.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * The element's language: the nearest `lang` attribute up the tree (through shadow roots,
 * as HTML's own `lang` inheritance does), else the browser's languages, unless `override`
 * is set. Follows changes to those attributes and loads the table on demand; until it
 * arrives `t()` answers in English, then the host re-renders.
 *
 * It never touches the host's attributes: an element sets `dir=${locale.dir}` on its own
 * wrapper, so page authors keep control of the host.
 */
export class LocaleController implements ReactiveController {
  /** The table the strings come from. */
  locale: SupportedLocale = 'en';
  /** The tag that was matched (`en-GB`, `zh-HK`): dates and numbers follow its region. */
  tag = 'en';
  private forced: string | undefined;
  private readonly observer = new MutationObserver(() => this.resolve());
  private readonly onLanguageChange = () => this.resolve();

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /** A tag the element uses whatever the page says (`'fr'`, `'zh-Hant'`); undefined follows the page. */
  get override(): string | undefined {
    return this.forced;
  }

  set override(tag: string | undefined) {
    this.forced = tag || undefined;
    if (this.host.isConnected) this.resolve();
  }

  get dir(): 'ltr' | 'rtl' {
    return isRtl(this.locale) ? 'rtl' : 'ltr';
  }

  hostConnected(): void {
    window.addEventListener('languagechange', this.onLanguageChange);
    this.resolve();
  }

  hostDisconnected(): void {
    window.removeEventListener('languagechange', this.onLanguageChange);
    this.observer.disconnect();
  }

  /** The string for `key` with params filled in; English while the table loads or if it lacks the key. */
  t(key: StringKey, params?: Params): string {
    const table = stringsFor(this.locale);
    const template = table?.[key];
    // Plural rules must be those of the table the text comes from, hence 'en' on fallback.
    if (template !== undefined) return format(template, params, this.locale);
    const english = stringsFor('en')![key];
    // A key no table has (a newer element with older tables): show the key, never throw.
    return english === undefined ? key : format(english, params, 'en');
  }

  formatTime = (ms: number): string => formatTime(this.tag, ms);
  formatDay = (ms: number, now?: number): string => formatDay(this.tag, ms, now);
  formatListTime = (ms: number, now?: number): string => formatListTime(this.tag, ms, now);
  formatNumber = (n: number): string => formatNumber(this.tag, n);
  formatBadge = (n: number): string => formatBadge(this.tag, n);
  formatBytes = (n: number): string => formatBytes(this.tag, n);
  formatDuration = (seconds: number): string => formatDuration(this.tag, seconds);
  formatList = (names: readonly string[]): string => formatList(this.tag, names);

  /**
   * Finds the nearest element with `lang` and watches every element on the way to it (one
   * of them may gain a `lang`) and the document element (the page may switch language).
   */
  private langFromTree(): string | undefined {
    this.observer.disconnect();
    const watch = (element: Element) => this.observer.observe(element, { attributes: true, attributeFilter: ['lang'] });
    watch(document.documentElement);
    let node: Node | null = this.host;
    while (node) {
      if (node instanceof Element) {
        watch(node);
        // lang="" means "unknown" in HTML: fall through to the browser's languages.
        if (node.hasAttribute('lang')) return node.getAttribute('lang') || undefined;
      }
      node = node instanceof ShadowRoot ? node.host : node.parentNode;
    }
    return undefined;
  }

  private resolve(): void {
    const lang = this.forced ?? this.langFromTree();
    const { locale, tag } = matchLocale(lang ? [lang] : navigator.languages);
    if (locale !== this.locale || tag !== this.tag) {
      this.locale = locale;
      this.tag = tag;
      this.host.requestUpdate();
    }
    if (!stringsFor(locale)) {
      loadLocale(locale).then(
        () => {
          if (this.locale === locale) this.host.requestUpdate();
        },
        // A chunk that fails to load (offline, deploy in progress) leaves the UI in English.
        () => undefined,
      );
    }
  }
}
