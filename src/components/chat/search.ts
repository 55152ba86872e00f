import { css, html, nothing, type TemplateResult } from 'lit';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import { cached } from '../i18n/intl.js';
import type { LocaleController } from '../i18n/locale-controller.js';
import { previewText, typeOf } from '../message/content.js';
import { mentionsByName } from '../message/text.js';
import '../i18n/locales/en-more.js';

/** What the search panel reads from and does to the chat that shows it. */
export interface SearchHost {
  /** The chat's language. */
  locale: LocaleController;
  nameOf(userId: string): string;
  names: ((userId: string) => string) | undefined;
  client(): IMClient | undefined;
  conversationId(): string | undefined;
  /** Re-renders the chat (and the panel). */
  update(): void;
  /** The panel's elements, in the chat's shadow root. */
  root(): ShadowRoot;
  /** Shows a message (loading older pages if needed) and flashes it. */
  jumpTo(seq: number): void;
  /** The panel closed: focus goes back to the search button. */
  closed(): void;
}

/** Results shown at most; the newest first. */
const LIMIT = 50;
/** Wait after the last key before searching. */
const DEBOUNCE_MS = 150;

/**
 * Search in one conversation of <im-chat>: the messages kept on this device, newest first, each
 * with who wrote it, when, and the text around the words found. Enter or a click shows the
 * message in the chat. Loaded the first time the search is opened, not with the embed.
 */
export class ChatSearch {
  static readonly styles = css`
    .search {
      position: absolute;
      inset: 0;
      z-index: 3;
      display: flex;
      flex-direction: column;
      background: var(--im-chat-bg);
    }

    .search-bar {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.5rem 0.75rem;
      border-block-end: 1px solid var(--im-color-border);
    }

    .search-bar input {
      flex: 1;
      min-inline-size: 0;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--im-color-border);
      border-radius: 999px;
      background: var(--im-color-surface);
      color: inherit;
      font: inherit;
    }

    .search-summary {
      margin: 0;
      padding: 0.5rem 1rem 0.25rem;
      font-size: 0.8125rem;
      color: var(--im-color-muted);
    }

    .results {
      flex: 1;
      min-block-size: 0;
      overflow-y: auto;
      margin: 0;
      padding: 0.25rem 0.5rem 0.5rem;
      list-style: none;
    }

    .result {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.125rem 0.75rem;
      padding: 0.5rem 0.75rem;
      border-radius: 0.5rem;
      cursor: pointer;
    }

    .result[aria-selected='true'] {
      background: color-mix(in srgb, var(--im-color-accent) 14%, transparent);
      outline: 2px solid var(--im-color-accent);
      outline-offset: -2px;
    }

    .result:hover {
      background: color-mix(in srgb, var(--im-color-text) 6%, transparent);
    }

    .result-name {
      font-weight: 600;
      font-size: 0.875rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .result-time {
      font-size: 0.75rem;
      color: var(--im-color-muted);
      white-space: nowrap;
    }

    .result-text {
      grid-column: 1 / -1;
      font-size: 0.875rem;
      overflow: hidden;
      display: -webkit-box;
      -webkit-line-clamp: 2;
      -webkit-box-orient: vertical;
      overflow-wrap: anywhere;
    }

    mark {
      background: color-mix(in srgb, var(--im-color-accent) 25%, transparent);
      color: inherit;
      border-radius: 2px;
    }
  `;

  query = '';
  private results: CachedMessage[] = [];
  private searched = '';
  private active = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private run = 0;

  constructor(private readonly host: SearchHost) {}

  /** Searches `query` as if typed. */
  find(query: string): void {
    this.query = query;
    void this.search();
  }

  /** Focuses the field (after the panel rendered). */
  focus(): void {
    this.host.root().querySelector<HTMLInputElement>('#search-input')?.focus();
  }

  /** Ends pending work (the panel closed or the conversation changed). */
  reset(): void {
    clearTimeout(this.timer);
    this.run += 1;
    this.query = '';
    this.searched = '';
    this.results = [];
    this.active = 0;
  }

  private readonly onInput = (event: Event): void => {
    this.query = (event.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(), DEBOUNCE_MS);
    this.host.update();
  };

  /** Searches the cache for the current query (only the newest run's answer is shown). */
  async search(): Promise<void> {
    const client = this.host.client();
    const conversationId = this.host.conversationId();
    const text = this.query.trim();
    const run = ++this.run;
    if (!client || !conversationId || text === '') {
      this.results = [];
      this.searched = '';
      this.host.update();
      return;
    }
    const found = await client.messages.search({ text, conversationId, limit: LIMIT }).catch(() => [] as CachedMessage[]);
    if (run !== this.run) return;
    this.results = found.filter((message) => message.seq !== undefined && !message.recalled);
    this.searched = text;
    this.active = 0;
    this.host.update();
  }

  private pick(index: number): void {
    const message = this.results[index];
    if (message?.seq === undefined) return;
    this.host.jumpTo(message.seq);
    this.close();
  }

  close(): void {
    this.reset();
    this.host.closed();
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    const count = this.results.length;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count > 0) {
      event.preventDefault();
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
      this.host.update();
      queueMicrotask(() => this.host.root().querySelector(`#search-result-${this.active}`)?.scrollIntoView({ block: 'nearest' }));
    } else if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      clearTimeout(this.timer);
      if (this.searched !== this.query.trim()) void this.search();
      else this.pick(this.active);
    }
  };

  /** The text of a result with the words found marked. */
  private snippet(message: CachedMessage): TemplateResult {
    const type = typeOf(message);
    const { locale } = this.host;
    let text = previewText(type, message.content, locale);
    if (type === 'text' && this.host.names) text = mentionsByName(text, this.host.names, message.mentions ?? [], locale.t('mention.all'));
    const words = this.searched.split(/\s+/).filter(Boolean);
    if (words.length === 0) return html`${text}`;
    // Matching ignores case and accents, as the search does: compare folded characters one by one.
    const fold = (value: string) => value.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();
    const chars = [...text];
    const folded = chars.map(fold);
    const marks = new Array<boolean>(folded.length).fill(false);
    for (const word of words.map(fold)) {
      for (let i = 0; i < folded.length; i += 1) {
        let j = i;
        let k = 0;
        while (j < folded.length && k < word.length && word.startsWith(folded[j]!, k) && folded[j] !== '') {
          k += folded[j]!.length;
          j += 1;
        }
        if (k === word.length && k > 0) for (let m = i; m < j; m += 1) marks[m] = true;
      }
    }
    // A match far into a long text: start at a word a little before it, so that it shows.
    const first = marks.indexOf(true);
    let from = 0;
    if (first > 80) {
      from = first - 40;
      while (from < first && !/\s/.test(chars[from - 1] ?? '')) from += 1;
    }
    const parts: (string | TemplateResult)[] = from > 0 ? ['…'] : [];
    let run = '';
    let marked = false;
    for (let i = from; i < chars.length; i += 1) {
      if (marks[i] !== marked) {
        if (run) parts.push(marked ? html`<mark>${run}</mark>` : run);
        run = '';
        marked = marks[i]!;
      }
      run += chars[i];
    }
    if (run) parts.push(marked ? html`<mark>${run}</mark>` : run);
    return html`${parts}`;
  }

  render(): TemplateResult {
    const { locale } = this.host;
    const t: LocaleController['t'] = (key, params) => locale.t(key, params);
    const count = this.results.length;
    const time = cached(`search-time|${locale.tag}`, () => new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'short' }));
    const summary = this.searched === '' ? t('search.hint') : count === 0 ? t('search.none') : t('search.count', { count });
    return html`<div class="search" part="search" role="search">
      <div class="search-bar">
        <input
          id="search-input"
          type="search"
          part="search-input"
          role="combobox"
          aria-label=${t('search.label')}
          placeholder=${t('search.label')}
          aria-expanded=${count > 0 ? 'true' : 'false'}
          aria-controls="search-results"
          aria-activedescendant=${count > 0 ? `search-result-${this.active}` : nothing}
          autocomplete="off"
          .value=${this.query}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
        />
        <button class="icon-button" type="button" aria-label=${t('common.close')} title=${t('common.close')} @click=${() => this.close()}>
          <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <path d="M18 6 6 18M6 6l12 12" />
          </svg>
        </button>
      </div>
      <p class="search-summary" role="status">${summary}</p>
      <ul id="search-results" class="results" role="listbox" aria-label=${t('search.label')}>
        ${this.results.map(
          (message, index) => html`<li
            id="search-result-${index}"
            class="result"
            role="option"
            aria-selected=${index === this.active ? 'true' : 'false'}
            @click=${() => this.pick(index)}
            @mousedown=${(event: Event) => event.preventDefault()}
          >
            <span class="result-name">${this.host.nameOf(message.senderId)}</span>
            <time class="result-time" datetime=${new Date(message.time ?? message.createdAt).toISOString()}>${time.format(message.time ?? message.createdAt)}</time>
            <span class="result-text" dir="auto">${this.snippet(message)}</span>
          </li>`,
        )}
      </ul>
    </div>`;
  }
}
