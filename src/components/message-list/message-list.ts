import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { styleProps } from '../directives/style-props.js';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './message-list.styles.js';

/** One row of the list: a message, a day separator or the unread divider. */
export interface ListRow {
  /** Stable across updates (the message identity for messages). */
  key: string;
  kind: 'message' | 'day' | 'unread' | 'tip';
  /** Messages from others arriving while the reader is scrolled up count as "new below". */
  countsAsNew?: boolean;
}

/** Fired when the reader nears the oldest rendered row: time to load older history. */
export class ImListNearTopEvent extends Event {
  static readonly eventName = 'im-list-near-top';
  constructor() {
    super(ImListNearTopEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Fired when the reader reaches or leaves the newest row. */
export class ImListBottomChangeEvent extends Event {
  static readonly eventName = 'im-list-bottom-change';
  readonly detail: { atBottom: boolean };
  constructor(atBottom: boolean) {
    super(ImListBottomChangeEvent.eventName, { bubbles: true, composed: true });
    this.detail = { atBottom };
  }
}

/** Fired (at most once a frame) when the first or last row the reader can see changes. */
export class ImListVisibleChangeEvent extends Event {
  static readonly eventName = 'im-list-visible-change';
  readonly detail: { first: string | undefined; last: string | undefined };
  constructor(first: string | undefined, last: string | undefined) {
    super(ImListVisibleChangeEvent.eventName, { bubbles: true, composed: true });
    this.detail = { first, last };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-message-list': ImMessageList;
  }
  interface GlobalEventHandlersEventMap {
    'im-list-near-top': ImListNearTopEvent;
    'im-list-bottom-change': ImListBottomChangeEvent;
    'im-list-visible-change': ImListVisibleChangeEvent;
  }
}

/** Estimated heights until a row is measured. */
const ESTIMATE = { message: 64, day: 36, unread: 36, tip: 32 } as const;
/** Rendered rows at most: the DOM stays small whatever the history's length. */
export const MAX_RENDERED_ROWS = 60;
/** Within this many pixels of the end the reader counts as "at the bottom". */
const BOTTOM_SLACK = 32;

/**
 * A virtualised, bottom-anchored list of chat rows. It renders only the rows around the
 * viewport (never more than 60), measures them as they render, and keeps what the reader looks
 * at in place when rows are added above (older history) or change height. It stays at the
 * bottom when the reader is there; otherwise it counts new rows and offers a button to jump.
 *
 * @summary The scrolling part of `<im-chat>`.
 * @csspart scroller - The scrolling viewport.
 * @csspart new-below - The "N new messages" button.
 * @fires im-list-near-top - The reader is near the oldest row: load older history.
 * @fires im-list-bottom-change - The reader reached or left the newest row.
 */
@customElement('im-message-list')
export class ImMessageList extends LitElement {
  static override styles = [sharedStyles, styles];

  /** All rows, oldest first. */
  @property({ attribute: false }) rows: readonly ListRow[] = [];
  /** Renders one row. */
  @property({ attribute: false }) renderRow: (row: ListRow) => unknown = () => nothing;
  /** Label of the new-messages button for a count. */
  @property({ attribute: false }) newBelowLabel: (count: number) => string = (count) => `${count} new messages`;
  /** Accessible name of the feed. */
  @property() label = 'Messages';
  /** Busy while older history is loading (aria-busy). */
  @property({ type: Boolean }) busy = false;

  @state() private start = 0;
  @state() private end = 0;
  @state() private newBelow = 0;

  @query('.scroller') private scroller!: HTMLElement;

  private readonly heights = new Map<string, number>();
  /** Top offset of every row (length rows + 1), rebuilt when rows or heights change. */
  private tops: Float64Array = new Float64Array(1);
  private topsDirty = true;
  private atBottom = true;
  /** The row the reader looks at, and where it was on screen: kept there across updates. */
  /** What the reader looks at; `estimated` when no row was rendered there (a far jump) and it came from estimated heights. */
  private anchor: { key: string; offset: number; estimated?: boolean } | undefined;
  private pendingScroll: { key: string; block: 'start' | 'center' | 'end' } | 'bottom' | undefined = 'bottom';
  private frame = 0;
  private lastKeys = new Set<string>();
  private lastLastKey: string | undefined;
  private nearTopArmed = true;
  private readonly resizeObserver = new ResizeObserver((entries) => this.onResize(entries));

  /** True when the reader sees the newest row. */
  get isAtBottom(): boolean {
    return this.atBottom;
  }

  /** How many rows are in the DOM now (for diagnostics and the bench). */
  get renderedCount(): number {
    return this.end - this.start;
  }

  /** Scrolls to the newest row. */
  scrollToBottom(): void {
    this.pendingScroll = 'bottom';
    this.newBelow = 0;
    this.requestUpdate();
  }

  /** Brings a row into view (rendering it first when it is far away). */
  scrollToKey(key: string, block: 'start' | 'center' | 'end' = 'center'): boolean {
    if (!this.rows.some((row) => row.key === key)) return false;
    this.pendingScroll = { key, block };
    this.requestUpdate();
    return true;
  }

  /** The rendered element of a row, if it is rendered. */
  rowElement(key: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.resizeFrame);
    this.frame = 0;
    this.resizeFrame = 0;
    this.resizeObserver.disconnect();
  }

  private estimate(row: ListRow): number {
    return this.heights.get(row.key) ?? ESTIMATE[row.kind];
  }

  private rebuildTops(): void {
    if (!this.topsDirty && this.tops.length === this.rows.length + 1) return;
    const tops = new Float64Array(this.rows.length + 1);
    for (let i = 0; i < this.rows.length; i += 1) tops[i + 1] = tops[i]! + this.estimate(this.rows[i]!);
    this.tops = tops;
    this.topsDirty = false;
  }

  /** Index of the row at vertical position y (binary search over the offsets). */
  private indexAt(y: number): number {
    let low = 0;
    let high = this.rows.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.tops[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return Math.max(0, low);
  }

  private indexOf(key: string): number {
    return this.rows.findIndex((row) => row.key === key);
  }

  /** Which rows to render for a scroll position: the viewport plus half a viewport each side. */
  private windowFor(scrollTop: number, viewport: number): [number, number] {
    const count = this.rows.length;
    if (count === 0) return [0, 0];
    const overscan = viewport / 2;
    let first = this.indexAt(Math.max(0, scrollTop - overscan));
    let last = this.indexAt(scrollTop + viewport + overscan) + 1;
    if (last - first > MAX_RENDERED_ROWS) {
      // Tiny rows or a huge viewport: keep the rows around the middle of the viewport.
      const middle = this.indexAt(scrollTop + viewport / 2);
      first = Math.max(0, middle - MAX_RENDERED_ROWS / 2);
      last = Math.min(count, first + MAX_RENDERED_ROWS);
    }
    return [first, Math.min(count, last)];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A scroll of the reader's whose event has not come yet counts before anything is placed
    // (while the page still shows the rows it scrolled through).
    if (this.scroller && this.pendingScroll !== 'bottom' && this.readerMoved()) this.noteReaderScroll();
    if (changed.has('rows')) {
      this.topsDirty = true;
      const keys = new Set(this.rows.map((row) => row.key));
      // Rows added at the end while the reader is scrolled up: count the new ones.
      const lastKey = this.rows.at(-1)?.key;
      if (!this.atBottom && lastKey !== this.lastLastKey && this.lastKeys.size > 0) {
        const startAt = this.lastLastKey === undefined ? 0 : this.indexOf(this.lastLastKey) + 1;
        for (const row of this.rows.slice(Math.max(0, startAt))) if (row.countsAsNew && !this.lastKeys.has(row.key)) this.newBelow += 1;
      }
      if (this.lastKeys.size === 0 && this.rows.length > 0 && this.pendingScroll === undefined) this.pendingScroll = 'bottom';
      this.lastKeys = keys;
      this.lastLastKey = lastKey;
      for (const key of this.heights.keys()) if (!keys.has(key)) this.heights.delete(key);
    }
    this.rebuildTops();
    const viewport = this.scroller?.clientHeight || this.clientHeight || 600;
    // The reader at the end stays at the end through every update (new rows, a new window).
    if (this.pendingScroll === 'bottom' || (this.atBottom && this.pendingScroll === undefined)) {
      const total = this.tops[this.rows.length]!;
      [this.start, this.end] = this.windowFor(Math.max(0, total - viewport), viewport);
      this.pendingScroll = 'bottom';
    } else if (this.pendingScroll && typeof this.pendingScroll === 'object') {
      const index = this.indexOf(this.pendingScroll.key);
      const y = index < 0 ? 0 : this.tops[index]! - viewport / 2;
      [this.start, this.end] = this.windowFor(Math.max(0, y), viewport);
    } else if (this.scroller) {
      // The anchor noted when the reader last scrolled is what they look at: rows added or
      // grown since then (rows render their messages after the list) do not change that. Only
      // a new reader, or an anchor row that is gone, takes a fresh one from the page.
      if (!this.anchor || (changed.has('rows') && this.indexOf(this.anchor.key) < 0)) this.captureAnchor();
      const anchorIndex = this.anchor ? this.indexOf(this.anchor.key) : -1;
      const scrollTop = anchorIndex >= 0 ? this.tops[anchorIndex]! - this.anchor!.offset : this.scroller.scrollTop;
      [this.start, this.end] = this.windowFor(Math.max(0, scrollTop), viewport);
    }
  }

  /**
   * The reader scrolled: what they scrolled to is what stays put from now on, and whether they
   * are at the end. Noted by the scroll event, or earlier by whatever runs first (an update, a
   * resize) once the scroll position is not where this list left it.
   */
  private noteReaderScroll(): void {
    const box = this.scroller;
    this.captureAnchor();
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight <= BOTTOM_SLACK;
    this.setAtBottom(atBottom);
    if (atBottom) this.newBelow = 0;
    // The reader moved away: a pin to the bottom still waiting for a frame no longer applies.
    else if (this.pendingScroll === 'bottom') this.pendingScroll = undefined;
  }

  /** The reader scrolled since this list last placed the view (or noted where it was). */
  private readerMoved(): boolean {
    return !!this.scroller && Math.abs(this.scroller.scrollTop - this.ownScrollTop) > 1;
  }

  /**
   * Notes the first row at least partly visible and its offset from the viewport's top. When
   * the reader jumped where nothing is rendered yet, the row the offsets place there is noted.
   */
  private captureAnchor(): void {
    const scroller = this.scroller;
    if (!scroller) return;
    this.ownScrollTop = scroller.scrollTop;
    const box = scroller.getBoundingClientRect();
    for (const element of scroller.querySelectorAll<HTMLElement>('.row')) {
      const rect = element.getBoundingClientRect();
      if (rect.bottom > box.top) {
        if (rect.top >= box.bottom) break;
        this.anchor = { key: element.dataset.key!, offset: rect.top - box.top };
        return;
      }
    }
    this.rebuildTops();
    const index = this.indexAt(scroller.scrollTop);
    const row = this.rows[index];
    this.anchor = row ? { key: row.key, offset: this.tops[index]! - scroller.scrollTop, estimated: true } : undefined;
  }

  protected override firstUpdated(): void {
    this.resizeObserver.observe(this.scroller);
  }

  protected override updated(): void {
    const scroller = this.scroller;
    if (!scroller) return;
    for (const element of scroller.querySelectorAll<HTMLElement>('.row')) this.resizeObserver.observe(element);
    this.applyScroll();
    this.reportVisible();
  }

  private visible: [string | undefined, string | undefined] = [undefined, undefined];

  /** The first and last row on screen, told when they change. */
  private reportVisible(): void {
    const scroller = this.scroller;
    if (!scroller || this.rows.length === 0) return;
    const first = this.rows[this.indexAt(scroller.scrollTop)]?.key;
    const last = this.rows[this.indexAt(scroller.scrollTop + scroller.clientHeight - 1)]?.key;
    if (first === this.visible[0] && last === this.visible[1]) return;
    this.visible = [first, last];
    this.dispatchEvent(new ImListVisibleChangeEvent(first, last));
  }

  /** Keys of the first and last rows on screen. */
  get visibleRange(): { first: string | undefined; last: string | undefined } {
    return { first: this.visible[0], last: this.visible[1] };
  }

  /** Puts the scroll position where it belongs after rendering: bottom, a requested row, or the anchor. */
  private applyScroll(): void {
    const scroller = this.scroller;
    this.rebuildTops();
    const pending = this.pendingScroll;
    if (pending === 'bottom') {
      this.pinToBottom();
      this.setAtBottom(true);
      this.newBelow = 0;
      this.pendingScroll = undefined;
    } else if (pending && typeof pending === 'object') {
      const element = this.rowElement(pending.key);
      if (element) {
        const index = this.indexOf(pending.key);
        const viewport = scroller.clientHeight;
        const height = this.estimate(this.rows[index]!);
        const offset = pending.block === 'start' ? 0 : pending.block === 'end' ? viewport - height : (viewport - height) / 2;
        scroller.scrollTop = Math.max(0, this.tops[index]! - offset);
        this.anchor = { key: pending.key, offset: this.tops[index]! - scroller.scrollTop };
        this.setAtBottom(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK);
      }
      this.pendingScroll = undefined;
    } else if (this.anchor && !this.holdAnchor()) {
      const index = this.indexOf(this.anchor.key);
      if (index >= 0) {
        scroller.scrollTop = this.tops[index]! - this.anchor.offset;
        this.ownScrollTop = scroller.scrollTop;
      }
    }
  }

  /**
   * Puts the anchor row back where the reader saw it, from where it really is now (estimates
   * above it may be off, rows above may have grown). False when it is not rendered.
   */
  private holdAnchor(): boolean {
    const scroller = this.scroller;
    if (this.readerMoved()) {
      // The reader scrolled and no event has told it yet: what they see now is the anchor.
      this.noteReaderScroll();
      return true;
    }
    if (this.anchor?.estimated) {
      // Placed by estimates after a far jump: the reader's scroll position is what they chose,
      // and the rows now rendered there say what they look at.
      this.captureAnchor();
      return true;
    }
    const element = this.anchor && this.rowElement(this.anchor.key);
    if (!element || !this.anchor) return false;
    const moved = element.getBoundingClientRect().top - scroller.getBoundingClientRect().top - this.anchor.offset;
    if (Math.abs(moved) >= 1) {
      scroller.scrollTop += moved;
      this.ownScrollTop = scroller.scrollTop;
    }
    return true;
  }

  /** scrollTop as last set by this list (not by the reader). */
  private ownScrollTop = -1;

  private pinToBottom(): void {
    const scroller = this.scroller;
    scroller.scrollTop = scroller.scrollHeight;
    this.ownScrollTop = scroller.scrollTop;
  }

  private onResize(entries: readonly ResizeObserverEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      const element = entry.target as HTMLElement;
      if (element === this.scroller) {
        // The viewport itself changed size (laid out late, window resized): the reader at the
        // end stays at the end, and the window of rendered rows follows.
        if (this.atBottom && this.rows.length > 0) {
          this.pinToBottom();
          this.pendingScroll = 'bottom';
        }
        changed = true;
        continue;
      }
      const key = element.dataset.key;
      if (!key || !element.isConnected) continue;
      const height = element.offsetHeight;
      if (height > 0 && this.heights.get(key) !== height) {
        this.heights.set(key, height);
        changed = true;
      }
    }
    if (!changed) return;
    if (this.pendingScroll !== 'bottom' && this.readerMoved()) this.noteReaderScroll();
    // Heights above the reader changed (measured, images loaded): keep the anchor still.
    // The anchor noted before these rows grew is where the reader was looking; keep that one.
    if (!this.atBottom && this.pendingScroll === undefined && !this.anchor) this.captureAnchor();
    this.topsDirty = true;
    if (this.atBottom) {
      // Rows grew while the reader is at the end: stay there in this very frame.
      this.pinToBottom();
      this.pendingScroll = 'bottom';
    } else if (this.pendingScroll === undefined) {
      // Rows rendered or grew around what the reader looks at (messages render after the list,
      // images load): keep it still in this very frame, before it is painted.
      this.holdAnchor();
    }
    // Next frame: laying out again inside the observer's callback would loop it.
    if (!this.resizeFrame) {
      this.resizeFrame = requestAnimationFrame(() => {
        this.resizeFrame = 0;
        this.requestUpdate();
      });
    }
  }

  private resizeFrame = 0;

  private onScroll(): void {
    // Where the reader is counts at once (a row measured in the same frame must not pull them
    // back down); the window of rendered rows follows once a frame.
    const box = this.scroller;
    // Our own scrolling (pinning to the bottom as rows grow) says nothing about the reader.
    if (box && this.readerMoved()) this.noteReaderScroll();
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const scroller = this.scroller;
      if (!scroller) return;
      const [start, end] = this.windowFor(scroller.scrollTop, scroller.clientHeight);
      if (start !== this.start || end !== this.end) {
        this.start = start;
        this.end = end;
      }
      this.reportVisible();
      // Near the top of everything rendered: ask for older history (once per approach).
      const nearTop = scroller.scrollTop < scroller.clientHeight;
      if (nearTop && this.nearTopArmed && this.rows.length > 0) {
        this.nearTopArmed = false;
        this.dispatchEvent(new ImListNearTopEvent());
      } else if (!nearTop) {
        this.nearTopArmed = true;
      }
    });
  }

  /** Lets the reader ask for older history again (after a page arrived). */
  rearmNearTop(): void {
    this.nearTopArmed = true;
    const scroller = this.scroller;
    if (scroller && scroller.scrollTop < scroller.clientHeight && this.rows.length > 0) {
      this.nearTopArmed = false;
      this.dispatchEvent(new ImListNearTopEvent());
    }
  }

  private setAtBottom(atBottom: boolean): void {
    if (atBottom === this.atBottom) return;
    this.atBottom = atBottom;
    this.dispatchEvent(new ImListBottomChangeEvent(atBottom));
  }

  protected override render() {
    const rows = this.rows.slice(this.start, this.end);
    const before = this.tops[this.start] ?? 0;
    const after = (this.tops[this.rows.length] ?? 0) - (this.tops[this.end] ?? 0);
    return html`
      <div class="scroller" part="scroller" @scroll=${this.onScroll} role="list" aria-label=${this.label} aria-busy=${this.busy ? 'true' : 'false'}>
        <div class="spacer" ${styleProps({ height: `${before}px` })}></div>
        ${repeat(
          rows,
          (row) => row.key,
          (row) => html`<div class="row ${row.kind}" role="listitem" data-key=${row.key}>${this.renderRow(row)}</div>`,
        )}
        <div class="spacer" ${styleProps({ height: `${Math.max(0, after)}px` })}></div>
      </div>
      ${this.newBelow > 0
        ? html`<button class="new-below" part="new-below" @click=${this.scrollToBottom}>
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 3v9m-4-4 4 4 4-4" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" /></svg>
            ${this.newBelowLabel(this.newBelow)}
          </button>`
        : nothing}
    `;
  }
}
