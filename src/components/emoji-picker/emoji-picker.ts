import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleProps } from '../directives/style-props.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { stringsFor } from '../i18n/i18n.js';
import { LocaleController } from '../i18n/locale-controller.js';
import sharedStyles from '../styles/shared.styles.js';
import { emojiPickerLabels } from './localized-labels.js';
import {
  emojiGroup,
  entryOf,
  GROUP_IDS,
  groupSize,
  searchEmoji,
  SKIN_TONE_MODIFIERS,
  withSkinTone,
  type EmojiEntry,
  type SkinTone,
} from './emoji-catalog.js';
import type { EmojiGroupId } from './emoji-data.js';
import { readRecentEmoji, readSkinTone, rememberEmoji, writeSkinTone } from './emoji-storage.js';
import styles from './emoji-picker.styles.js';

export type { EmojiGroupId } from './emoji-data.js';
export type { SkinTone } from './emoji-catalog.js';

/** Every text the picker shows or announces; pass some or all of them in `labels` to translate. */
export interface EmojiPickerLabels {
  /** Accessible name of the search field. */
  searchLabel: string;
  searchPlaceholder: string;
  /** Shown (and announced) when a search finds nothing. */
  noResults: string;
  /** Heading of the search results. */
  results: string;
  /** Heading and tab of the recently used emoji. */
  recent: string;
  /** Accessible name of the row of category tabs. */
  categories: string;
  /** Accessible name of the emoji list. */
  emoji: string;
  /** Accessible name of the skin tone button and choices. */
  skinTone: string;
  /** Names of the skin tones: none (yellow), then light to dark. */
  skinTones: readonly [string, string, string, string, string, string];
  /** Group headings and tab names. */
  groups: Readonly<Record<EmojiGroupId, string>>;
}

/** What `labels` accepts: any subset of the texts, group names included. */
export type EmojiPickerLabelsInput = Partial<Omit<EmojiPickerLabels, 'groups'>> & {
  groups?: Partial<Record<EmojiGroupId, string>>;
};

export const DEFAULT_EMOJI_PICKER_LABELS: EmojiPickerLabels = {
  searchLabel: 'Search emoji',
  searchPlaceholder: 'Search emoji',
  noResults: 'No emoji found',
  results: 'Search results',
  recent: 'Recently used',
  categories: 'Emoji categories',
  emoji: 'Emoji',
  skinTone: 'Skin tone',
  skinTones: ['Default', 'Light', 'Medium-light', 'Medium', 'Medium-dark', 'Dark'],
  groups: {
    smileys: 'Smileys & emotion',
    people: 'People & body',
    animals: 'Animals & nature',
    food: 'Food & drink',
    travel: 'Travel & places',
    activities: 'Activities',
    objects: 'Objects',
    symbols: 'Symbols',
    flags: 'Flags',
  },
};

/** Fired when the user picks an emoji (click, Enter or Space). */
export class ImEmojiSelectEvent extends Event {
  static readonly eventName = 'im-emoji-select';
  readonly detail: { emoji: string; name: string };

  constructor(detail: { emoji: string; name: string }) {
    super(ImEmojiSelectEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired when the user presses Escape in the picker: the host should close it. */
export class ImEmojiPickerCloseEvent extends Event {
  static readonly eventName = 'im-emoji-picker-close';

  constructor() {
    super(ImEmojiPickerCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

type SectionId = EmojiGroupId | 'recent' | 'results';

interface Item {
  readonly emoji: string;
  readonly name: string;
}

interface Section {
  readonly id: SectionId;
  readonly label: string;
  /** The items rendered: all of them, or the first ones while the group is still being rendered. */
  readonly items: readonly Item[];
  /** How many items the section has in all. */
  readonly size?: number;
}

/**
 * Emoji rendered when the picker opens, the recently used included: a screenful (8 rows of 8 at
 * the default size). Creating, laying out and painting emoji buttons is what opening costs.
 */
const FIRST_BATCH = 64;
/** Emoji added in each idle period after that: small enough to keep each idle task short. */
const BATCH = 96;
const TOTAL_EMOJI = GROUP_IDS.reduce((sum, _, g) => sum + groupSize(g), 0);
/** Emoji in the groups up to and including the given one. */
const emojiThrough = (group: number): number => GROUP_IDS.slice(0, group + 1).reduce((sum, _, g) => sum + groupSize(g), 0);

const GROUP_ICONS: Readonly<Record<EmojiGroupId | 'recent', string>> = {
  recent: '🕘',
  smileys: '😀',
  people: '👋',
  animals: '🐻',
  food: '🍔',
  travel: '🚗',
  activities: '⚽',
  objects: '💡',
  symbols: '💕',
  flags: '🏁',
};

const TONE_SAMPLE = '✋';

/** Items of each group per skin tone, made once: the same arrays let `guard` skip re-rendering. */
const itemCache = new Map<string, readonly Item[]>();
function groupItems(id: EmojiGroupId, entries: readonly EmojiEntry[], tone: SkinTone): readonly Item[] {
  const key = `${id}/${tone}`;
  let items = itemCache.get(key);
  if (!items) {
    items = entries.map((e) => ({ emoji: withSkinTone(e, tone), name: e.name }));
    itemCache.set(key, items);
  }
  return items;
}

const idle: (callback: () => void) => number =
  typeof requestIdleCallback === 'function'
    ? (callback) => requestIdleCallback(callback, { timeout: 300 })
    : (callback) => window.setTimeout(callback, 30);
const cancelIdle: (handle: number) => void =
  typeof cancelIdleCallback === 'function' ? cancelIdleCallback : window.clearTimeout;

/**
 * An emoji picker: search, category tabs, a recently used group and a keyboard-navigable list
 * of about 1,900 emoji (Unicode names and emojilib keywords, in English), rendered group by
 * group so that opening it stays cheap. Load it on demand: `await import('…/emoji-picker.js')`.
 *
 * Keyboard: Tab moves between the search field, the category tabs and the emoji list. In the
 * list the arrow keys move by one and by row (mirrored right to left), Home/End go to the first
 * and last emoji, PageUp/PageDown to the previous/next group, Enter or Space picks. In the
 * search field ArrowDown enters the results and Enter picks the first. Escape anywhere fires
 * `im-emoji-picker-close`.
 *
 * Recently used emoji (at most 24) and the skin tone are kept in localStorage
 * (`im-elements:recent-emoji`, `im-elements:emoji-skin-tone`); the recently used group is read
 * when the element connects and by `reset()`, so it does not move while the user picks.
 *
 * @summary Emoji picker with search, categories, recently used emoji and skin tones.
 * @csspart search - The search field.
 * @csspart skin-tone-button - The button that opens the skin tone choices.
 * @csspart skin-tones - The row of skin tone choices.
 * @csspart tabs - The row of category tabs.
 * @csspart tab - One category tab (the current one also has the part `current-tab`).
 * @csspart grid - The scrolling emoji list.
 * @csspart heading - A group heading.
 * @csspart emoji - One emoji button.
 * @csspart empty - The "No emoji found" message.
 * @cssproperty --im-emoji-picker-width - Width (default 22rem; works from 280px).
 * @cssproperty --im-emoji-picker-height - Height (default 24rem).
 * @cssproperty --im-emoji-picker-bg - Background.
 * @cssproperty --im-emoji-picker-text - Text colour.
 * @cssproperty --im-emoji-picker-muted - Colour of headings and the empty message.
 * @cssproperty --im-emoji-picker-border - Outer border.
 * @cssproperty --im-emoji-picker-radius - Outer corner radius.
 * @cssproperty --im-emoji-picker-hover-bg - Background of a hovered emoji or tab, and of the search field.
 * @cssproperty --im-emoji-picker-accent - Colour of the current tab's mark.
 * @cssproperty --im-emoji-picker-columns - Emoji per row (default 8).
 * @cssproperty --im-emoji-picker-emoji-size - Font size of the emoji (default 1.5rem).
 * @cssproperty --im-emoji-picker-emoji-font - Font stack of the emoji (the system's colour emoji fonts).
 * @fires im-emoji-select - The user picks an emoji; `detail` is `{ emoji, name }` (emoji with the skin tone, English name).
 * @fires im-emoji-picker-close - The user presses Escape.
 */
@customElement('im-emoji-picker')
export class ImEmojiPicker extends LitElement {
  static override styles = [sharedStyles, styles];

  /** Texts to show instead of those of the page's language (the `lang` around the picker); any subset. */
  @property({ attribute: false }) labels: EmojiPickerLabelsInput = {};
  /** `light` or `dark`; follows `prefers-color-scheme` when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;
  /** The skin tone applied to emoji that take one: 0 (none) to 5; the user's choice is remembered. */
  @property({ type: Number, attribute: 'skin-tone' }) skinTone: SkinTone = readSkinTone();
  /** Hide the skin tone button. */
  @property({ type: Boolean, attribute: 'no-skin-tones' }) noSkinTones = false;

  @state() private query = '';
  @state() private recent: readonly string[] = [];
  /** How many emoji of the categories are rendered; the rest follow in idle time or when needed. */
  @state() private renderedEmoji = 0;
  /** How many search results are rendered; the same budget, per query. */
  @state() private renderedResults = FIRST_BATCH;
  @state() private currentSection: SectionId | undefined;
  @state() private tonesOpen = false;

  @query('input') private input!: HTMLInputElement;
  @query('.scroller') private scroller!: HTMLElement;
  @query('[role="listbox"]') private listbox: HTMLElement | null | undefined;

  /** The one emoji button in the tab order. */
  private rovingButton: HTMLButtonElement | undefined;
  /** The one tab in the tab order. */
  private rovingTab: SectionId | undefined;
  private idleHandle: number | undefined;
  private scrollFrame: number | undefined;
  private lastSearch: { query: string; tone: SkinTone; items: readonly Item[] } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.recent = readRecentEmoji();
    this.renderedEmoji = Math.max(this.renderedEmoji, FIRST_BATCH - this.recent.length);
    this.addEventListener('keydown', this.onHostKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onHostKeydown);
    if (this.idleHandle !== undefined) cancelIdle(this.idleHandle);
    this.idleHandle = undefined;
    if (this.scrollFrame !== undefined) cancelAnimationFrame(this.scrollFrame);
    this.scrollFrame = undefined;
  }

  /** Focuses the search field (after the first render, if it has not happened yet). */
  override focus(options?: FocusOptions): void {
    if (this.hasUpdated) this.input.focus(options);
    else void this.updateComplete.then(() => this.input.focus(options));
  }

  /** Back to the first state: empty search, at the top, recently used read again. Call it when showing the picker again. */
  reset(): void {
    this.query = '';
    this.recent = readRecentEmoji();
    this.rovingButton = undefined;
    this.currentSection = undefined;
    this.tonesOpen = false;
    if (this.scroller) this.scroller.scrollTop = 0;
  }

  /** The picker's language: the nearest `lang` up the tree, else the browser's. */
  private readonly locale = new LocaleController(this);
  private textMemo: { key: string; labels: EmojiPickerLabelsInput; text: EmojiPickerLabels } | undefined;

  private get text(): EmojiPickerLabels {
    const given = this.labels ?? {};
    // Until the language's table has loaded, the texts are English; then the picker re-renders.
    const key = `${this.locale.locale}/${stringsFor(this.locale.locale) ? 'loaded' : 'loading'}`;
    if (this.textMemo?.key === key && this.textMemo.labels === given) return this.textMemo.text;
    const own = emojiPickerLabels((id) => this.locale.t(id));
    const text = { ...DEFAULT_EMOJI_PICKER_LABELS, ...own, ...given, groups: { ...DEFAULT_EMOJI_PICKER_LABELS.groups, ...own.groups, ...given.groups } };
    this.textMemo = { key, labels: given, text };
    return text;
  }

  private recentSection(text: EmojiPickerLabels): Section | undefined {
    if (this.recent.length === 0) return undefined;
    const items = this.recent.map((emoji) => ({ emoji, name: entryOf(emoji)?.name ?? emoji }));
    return { id: 'recent', label: text.recent, items };
  }

  /** All results of the current query, searched once per query and skin tone. */
  private searchResults(): readonly Item[] {
    const query = this.query.trim();
    if (this.lastSearch?.query !== query || this.lastSearch.tone !== this.skinTone) {
      const items = searchEmoji(query).map((e) => ({ emoji: withSkinTone(e, this.skinTone), name: e.name }));
      this.lastSearch = { query, tone: this.skinTone, items };
    }
    return this.lastSearch.items;
  }

  /** The sections to render: the search results, or the recently used and as many groups as the budget allows. */
  private visibleSections(text: EmojiPickerLabels): Section[] {
    if (this.query.trim()) {
      const items = this.searchResults();
      if (items.length === 0) return [];
      const shown = items.length > this.renderedResults ? items.slice(0, this.renderedResults) : items;
      return [{ id: 'results', label: text.results, items: shown, size: items.length }];
    }
    const sections: Section[] = [];
    const recent = this.recentSection(text);
    if (recent) sections.push(recent);
    let budget = this.renderedEmoji;
    for (let g = 0; g < GROUP_IDS.length && budget > 0; g += 1) {
      const id = GROUP_IDS[g]!;
      const items = groupItems(id, emojiGroup(g).entries, this.skinTone);
      sections.push({ id, label: text.groups[id], items: budget < items.length ? items.slice(0, budget) : items, size: items.length });
      budget -= items.length;
    }
    return sections;
  }

  override render(): TemplateResult {
    const text = this.text;
    const sections = this.visibleSections(text);
    const searching = this.query.trim() !== '';
    return html`
      <div class="top">
        <input
          part="search"
          type="search"
          autocomplete="off"
          spellcheck="false"
          enterkeyhint="done"
          aria-label=${text.searchLabel}
          aria-controls=${sections.length ? 'list' : nothing}
          placeholder=${text.searchPlaceholder}
          .value=${this.query}
          @input=${this.onInput}
          @keydown=${this.onSearchKeydown}
        />
        ${this.noSkinTones ? nothing : this.renderToneButton(text)}
      </div>
      ${this.renderTabs(text)}
      <div class="scroller" @scroll=${this.onScroll}>
        ${sections.length
          ? html`<div
              id="list"
              part="grid"
              role="listbox"
              aria-label=${searching ? text.results : text.emoji}
              @keydown=${this.onGridKeydown}
              @click=${this.onGridClick}
              @focusin=${this.onGridFocusin}
            >
              ${repeat(
                sections,
                (s) => s.id,
                (s) => html`
                  <div
                    class="section"
                    role="group"
                    aria-labelledby="heading-${s.id}"
                    data-section=${s.id}
                    ?data-partial=${s.items.length < (s.size ?? 0)}
                    ${styleProps({ '--count': s.size ?? s.items.length })}
                  >
                    <div class="heading" part="heading" id="heading-${s.id}">${s.label}</div>
                    <div class="emoji-grid">${guard([s.items], () => s.items.map(renderItem))}</div>
                  </div>
                `,
              )}
            </div>`
          : nothing}
        <p class="empty" part="empty" role="status">${searching && sections.length === 0 ? text.noResults : ''}</p>
      </div>
    `;
  }

  private renderToneButton(text: EmojiPickerLabels): TemplateResult {
    const sample = (tone: number) => `${TONE_SAMPLE}${SKIN_TONE_MODIFIERS[tone]}`;
    return html`
      <div class="tone-picker">
        <button
          class="tone-button"
          part="skin-tone-button"
          aria-label="${text.skinTone}: ${text.skinTones[this.skinTone]}"
          title=${text.skinTone}
          aria-expanded=${this.tonesOpen ? 'true' : 'false'}
          aria-controls="tones"
          @click=${() => this.toggleTones()}
        >
          <span class="glyph" aria-hidden="true">${sample(this.skinTone)}</span>
        </button>
        <div
          id="tones"
          class="tones"
          part="skin-tones"
          role="group"
          aria-label=${text.skinTone}
          ?hidden=${!this.tonesOpen}
          @keydown=${this.onTonesKeydown}
          @focusout=${this.onTonesFocusout}
        >
          ${text.skinTones.map(
            (label, tone) => html`<button
              class="tone"
              aria-label=${label}
              title=${label}
              aria-pressed=${tone === this.skinTone ? 'true' : 'false'}
              @click=${() => this.chooseTone(tone as SkinTone)}
            >
              <span class="glyph" aria-hidden="true">${sample(tone)}</span>
            </button>`,
          )}
        </div>
      </div>
    `;
  }

  private renderTabs(text: EmojiPickerLabels): TemplateResult {
    const ids: (EmojiGroupId | 'recent')[] = [...GROUP_IDS];
    if (this.recent.length) ids.unshift('recent');
    const current = this.query.trim() ? undefined : (this.currentSection ?? ids[0]);
    const roving = this.rovingTab && ids.includes(this.rovingTab as EmojiGroupId) ? this.rovingTab : (current ?? ids[0]);
    return html`
      <div class="tabs" part="tabs" role="toolbar" aria-label=${text.categories} @keydown=${this.onTabsKeydown}>
        ${ids.map((id) => {
          const label = id === 'recent' ? text.recent : text.groups[id];
          return html`<button
            class="tab"
            part=${id === current ? 'tab current-tab' : 'tab'}
            data-section=${id}
            tabindex=${id === roving ? 0 : -1}
            aria-label=${label}
            title=${label}
            aria-current=${id === current ? 'true' : 'false'}
            @click=${() => this.showSection(id)}
          >
            <span class="glyph" aria-hidden="true">${GROUP_ICONS[id]}</span>
          </button>`;
        })}
      </div>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.syncRoving();
    this.scheduleNextBatch();
  }

  /** Keeps exactly one emoji button in the tab order: the last one focused, or the first. */
  private syncRoving(): void {
    const list = this.listbox;
    if (!list) {
      this.rovingButton = undefined;
      return;
    }
    let button = this.rovingButton;
    if (!button || !list.contains(button)) button = list.querySelector<HTMLButtonElement>('button') ?? undefined;
    if (button) this.setRoving(button);
  }

  private setRoving(button: HTMLButtonElement): void {
    if (this.rovingButton && this.rovingButton !== button) this.rovingButton.tabIndex = -1;
    button.tabIndex = 0;
    this.rovingButton = button;
  }

  private hasMoreToRender(): boolean {
    return this.query.trim()
      ? this.renderedResults < (this.lastSearch?.items.length ?? 0)
      : this.renderedEmoji < TOTAL_EMOJI;
  }

  /** Renders the next batch of emoji (or results) when the browser is idle, until all are there. */
  private scheduleNextBatch(): void {
    if (this.idleHandle !== undefined || !this.hasMoreToRender()) return;
    this.idleHandle = idle(() => {
      this.idleHandle = undefined;
      if (!this.isConnected || !this.hasMoreToRender()) return;
      if (this.query.trim()) this.renderedResults += BATCH;
      else this.renderedEmoji = Math.min(TOTAL_EMOJI, this.renderedEmoji + BATCH);
    });
  }

  /** Renders the rest of a section and the group after it at once (a key needs them now). */
  private async renderAfter(section: HTMLElement): Promise<void> {
    if (section.dataset.section === 'results') {
      if (this.renderedResults === Infinity) return;
      this.renderedResults = Infinity;
      await this.updateComplete;
    } else {
      await this.renderThrough(GROUP_IDS.indexOf(section.dataset.section as EmojiGroupId) + 1);
    }
  }

  /** Renders every group up to the given one at once (a tab or a key needs it now). */
  private async renderThrough(groupIndex: number): Promise<void> {
    const needed = emojiThrough(Math.min(groupIndex, GROUP_IDS.length - 1));
    if (this.renderedEmoji >= needed) return;
    this.renderedEmoji = needed;
    await this.updateComplete;
  }

  private sectionElement(id: SectionId): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`.section[data-section="${id}"]`);
  }

  private async showSection(id: EmojiGroupId | 'recent'): Promise<void> {
    this.rovingTab = id;
    if (this.query) this.query = '';
    const index = GROUP_IDS.indexOf(id as EmojiGroupId);
    if (index >= 0) await this.renderThrough(index);
    await this.updateComplete;
    const section = this.sectionElement(id);
    if (!section) return;
    this.currentSection = id;
    const first = section.querySelector<HTMLButtonElement>('button');
    if (first) this.setRoving(first);
    // Groups off screen have an estimated size (content-visibility): those that come into view
    // get their real one, which moves the target; a few frames settle it.
    const scroller = this.scroller;
    for (let frames = 0, stable = 0; frames < 10 && stable < 2; frames += 1) {
      const top = Math.min(section.offsetTop, scroller.scrollHeight - scroller.clientHeight);
      if (Math.abs(scroller.scrollTop - top) < 1) stable += 1;
      else [stable, scroller.scrollTop] = [0, top];
      await new Promise(requestAnimationFrame);
    }
  }

  private onInput = (e: Event): void => {
    this.query = (e.target as HTMLInputElement).value;
    this.renderedResults = FIRST_BATCH;
    this.rovingButton = undefined;
    if (this.scroller) this.scroller.scrollTop = 0;
  };

  private onSearchKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown') {
      if (!this.rovingButton) return;
      e.preventDefault();
      this.rovingButton.focus();
    } else if (e.key === 'Enter' && this.query.trim()) {
      const first = this.listbox?.querySelector<HTMLButtonElement>('button');
      e.preventDefault();
      if (first) this.pick(first);
    }
  };

  private onHostKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.dispatchEvent(new ImEmojiPickerCloseEvent());
  };

  private onGridClick = (e: MouseEvent): void => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-emoji]');
    if (button) this.pick(button);
  };

  private onGridFocusin = (e: FocusEvent): void => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-emoji]');
    if (button) this.setRoving(button);
  };

  private pick(button: HTMLButtonElement): void {
    const emoji = button.dataset.emoji!;
    const name = button.getAttribute('aria-label') ?? '';
    rememberEmoji(emoji);
    this.dispatchEvent(new ImEmojiSelectEvent({ emoji, name: entryOf(emoji)?.name ?? name }));
  }

  private isRtl(): boolean {
    return getComputedStyle(this).direction === 'rtl';
  }

  private onGridKeydown = async (e: KeyboardEvent): Promise<void> => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-emoji]');
    if (!button || e.altKey || e.ctrlKey || e.metaKey) return;
    let key = e.key;
    if (this.isRtl() && (key === 'ArrowLeft' || key === 'ArrowRight')) key = key === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft';
    if (key === 'Enter' || key === ' ') {
      e.preventDefault();
      this.pick(button);
      return;
    }
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(key)) return;
    e.preventDefault();
    const target = await this.targetOf(button, key);
    if (target && target !== button) {
      this.setRoving(target);
      target.focus();
    }
  };

  /** The button a navigation key moves to from `button`, rendering more groups when the move needs them. */
  private async targetOf(button: HTMLButtonElement, key: string): Promise<HTMLButtonElement | undefined> {
    const section = button.closest<HTMLElement>('.section')!;
    const forward = key === 'ArrowRight' || key === 'ArrowDown' || key === 'PageDown';
    if (forward && (section.hasAttribute('data-partial') || !section.nextElementSibling)) {
      // Near the end of what is rendered: render the rest of this section and the next one first.
      await this.renderAfter(section);
    }
    const buttonsOf = (s: Element | null | undefined) => [...(s?.querySelectorAll<HTMLButtonElement>('button[data-emoji]') ?? [])];
    const inSection = buttonsOf(section);
    const index = inSection.indexOf(button);
    const columns = this.columnsOf(section);
    const next = () => section.nextElementSibling;
    switch (key) {
      case 'ArrowRight': {
        if (index + 1 < inSection.length) return inSection[index + 1];
        return buttonsOf(next())[0];
      }
      case 'ArrowLeft': {
        if (index > 0) return inSection[index - 1];
        return buttonsOf(section.previousElementSibling).at(-1);
      }
      case 'ArrowDown': {
        if (index + columns < inSection.length) return inSection[index + columns];
        const lastRowStart = Math.floor((inSection.length - 1) / columns) * columns;
        if (index < lastRowStart) return inSection.at(-1);
        const following = buttonsOf(next());
        return following[Math.min(index % columns, following.length - 1)];
      }
      case 'ArrowUp': {
        if (index - columns >= 0) return inSection[index - columns];
        const previous = buttonsOf(section.previousElementSibling);
        if (!previous.length) return undefined;
        const start = Math.floor((previous.length - 1) / columns) * columns;
        return previous[Math.min(start + (index % columns), previous.length - 1)];
      }
      case 'PageDown':
        return buttonsOf(next())[0] ?? inSection.at(-1);
      case 'PageUp':
        return index > 0 ? inSection[0] : buttonsOf(section.previousElementSibling)[0];
      case 'Home':
        return this.listbox?.querySelector<HTMLButtonElement>('button[data-emoji]') ?? undefined;
      case 'End': {
        if (this.query.trim()) {
          this.renderedResults = Infinity;
          await this.updateComplete;
        } else {
          await this.renderThrough(GROUP_IDS.length - 1);
        }
        return buttonsOf(this.listbox).at(-1);
      }
      default:
        return undefined;
    }
  }

  /** Columns of a group as laid out (the grid's tracks), so a row move matches what is seen. */
  private columnsOf(section: HTMLElement): number {
    const grid = section.querySelector<HTMLElement>('.emoji-grid');
    const tracks = grid ? getComputedStyle(grid).gridTemplateColumns.split(' ').filter(Boolean).length : 0;
    return Math.max(1, tracks);
  }

  private onTabsKeydown = (e: KeyboardEvent): void => {
    const tabs = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.tab')];
    const index = tabs.indexOf(e.target as HTMLButtonElement);
    if (index < 0) return;
    let key = e.key;
    if (this.isRtl() && (key === 'ArrowLeft' || key === 'ArrowRight')) key = key === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft';
    const targets: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    const to = targets[key];
    if (to === undefined) return;
    e.preventDefault();
    const tab = tabs[to]!;
    this.rovingTab = tab.dataset.section as SectionId;
    for (const t of tabs) t.tabIndex = t === tab ? 0 : -1;
    tab.focus();
  };

  private onScroll = (): void => {
    if (this.scrollFrame !== undefined) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = undefined;
      if (this.query.trim()) return;
      const sections = [...this.renderRoot.querySelectorAll<HTMLElement>('.section')];
      const top = this.scroller.scrollTop;
      const atEnd = top + this.scroller.clientHeight >= this.scroller.scrollHeight - 2;
      let current: HTMLElement | undefined = sections[0];
      for (const s of sections) if (s.offsetTop <= top + 8) current = s;
      if (atEnd && this.renderedEmoji >= TOTAL_EMOJI) current = sections.at(-1);
      const id = current?.dataset.section as SectionId | undefined;
      if (id && id !== this.currentSection) {
        this.currentSection = id;
        this.rovingTab = id;
      }
    });
  };

  private toggleTones(): void {
    this.tonesOpen = !this.tonesOpen;
    if (this.tonesOpen) {
      this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.tone[aria-pressed="true"]')?.focus());
    }
  }

  private async chooseTone(tone: SkinTone): Promise<void> {
    this.skinTone = tone;
    writeSkinTone(tone);
    await this.closeTones();
  }

  private async closeTones(): Promise<void> {
    this.tonesOpen = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.tone-button')?.focus();
  }

  private onTonesKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      // Closes the choices only, not the picker.
      e.preventDefault();
      e.stopPropagation();
      void this.closeTones();
      return;
    }
    const tones = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.tone')];
    const index = tones.indexOf(e.target as HTMLButtonElement);
    let key = e.key;
    if (this.isRtl() && (key === 'ArrowLeft' || key === 'ArrowRight')) key = key === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft';
    const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
    if (index < 0 || step === 0) return;
    e.preventDefault();
    tones[(index + step + tones.length) % tones.length]!.focus();
  };

  private onTonesFocusout = (e: FocusEvent): void => {
    const to = e.relatedTarget as Node | null;
    const picker = this.renderRoot.querySelector('.tone-picker');
    if (!to || !picker?.contains(to)) this.tonesOpen = false;
  };
}

function renderItem(item: Item): TemplateResult {
  return html`<button part="emoji" class="emoji" role="option" tabindex="-1" data-emoji=${item.emoji} aria-label=${item.name} title=${item.name}>${item.emoji}</button>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'im-emoji-picker': ImEmojiPicker;
  }
  interface GlobalEventHandlersEventMap {
    'im-emoji-select': ImEmojiSelectEvent;
    'im-emoji-picker-close': ImEmojiPickerCloseEvent;
  }
}
