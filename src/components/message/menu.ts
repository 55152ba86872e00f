import { css, html, nothing, svg, type TemplateResult } from 'lit';
import { LIMITS } from '../../protocol/limits.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { StringKey } from '../i18n/types.js';
import { copyText, QUICK_REACTIONS, typeOf } from './content.js';
import { ImMessageActionEvent, type MessageAction } from './events.js';
import { icon, infoIcon, plusIcon, smileIcon } from './icons.js';
import type { ImMessage } from './message.js';
import '../i18n/locales/en-more.js';

/**
 * The actions of <im-message>, loaded the first time a message is hovered, focused or asked for
 * its menu: the hover toolbar, the action menu (role=menu, arrow keys), the quick reactions, the
 * emoji-picker popover and "copy". A message at rest never needs any of it.
 */

const COPIED_MS = 1500;

const replyIcon = () => icon(svg`<path d="M9 14 4 9l5-5"/><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/>`, 'flip');
const copyIcon = () => icon(svg`<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1"/>`);
const editIcon = () => icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>`);
const recallIcon = () => icon(svg`<path d="M3 7v6h6"/><path d="M21 17a9 9 0 0 0-15-6.7L3 13"/>`, 'flip');
const trashIcon = () => icon(svg`<path d="M4 7h16"/><path d="M9 7V4h6v3"/><path d="m6 7 1 13h10l1-13"/>`);
const moreIcon = () =>
  icon(svg`<circle cx="5" cy="12" r="1.4" fill="currentColor"/><circle cx="12" cy="12" r="1.4" fill="currentColor"/><circle cx="19" cy="12" r="1.4" fill="currentColor"/>`);

/** Where a menu opens: next to an element, or at a point (right-click, long-press). */
export type Anchor = Element | { x: number; y: number };

/** Places a popover (in the top layer, position: fixed) below or above an anchor, inside the viewport. */
function place(popup: HTMLElement, anchor: Anchor, alignRight: boolean): void {
  const r = anchor instanceof Element ? anchor.getBoundingClientRect() : { left: anchor.x, right: anchor.x, top: anchor.y, bottom: anchor.y };
  const box = popup.getBoundingClientRect();
  const margin = 8;
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  let top = r.bottom + 4;
  if (top + box.height > vh - margin && r.top - 4 - box.height >= margin) top = r.top - 4 - box.height;
  top = Math.max(margin, Math.min(top, vh - margin - box.height));
  let left = alignRight ? r.right - box.width : r.left;
  left = Math.max(margin, Math.min(left, vw - margin - box.width));
  // The CSSOM, not a style attribute: allowed under a Content-Security-Policy without inline styles.
  popup.style.top = `${Math.round(top)}px`;
  popup.style.left = `${Math.round(left)}px`;
}

/** The actions the user may take on a message now (the element only asks whether there are any). */
function messageActions(host: ImMessage): MessageAction[] {
  const m = host.message;
  if (!m) return [];
  const type = typeOf(m);
  if (type === 'tip') return [];
  // Messages of room sessions carry no type: the server offers them no operations.
  const operable = host.stored && m.type !== undefined;
  const list: MessageAction[] = [];
  if (m.recalled) return operable ? ['delete'] : [];
  if (operable) list.push('reply');
  if (copyText(type, m.content) !== undefined) list.push('copy');
  const age = Date.now() - (m.time ?? m.createdAt);
  if (operable && host.own && type === 'text' && age < LIMITS.EDIT_WINDOW_MS) list.push('edit');
  if (operable && ((host.own && age < LIMITS.RECALL_WINDOW_DEFAULT * 1000) || host.canRecallAll)) list.push('recall');
  if (operable || m.status === 'failed') list.push('delete');
  if (operable) list.push('details');
  return list;
}

/** The toolbar, the menu and the picker of one <im-message>, rendered into its shadow root. */
export class MessageMenu {
  menuOpen = false;
  private pickerOpen = false;
  private copied = false;
  private anchor: Anchor | undefined;
  private returnTo: HTMLElement | undefined;
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ImMessage) {}

  private t(key: StringKey, params?: Record<string, string | number>): string {
    return this.host.t(key, params);
  }

  /** State lives here, rendering in the host: every change re-renders it. */
  private change(state: Partial<{ menuOpen: boolean; pickerOpen: boolean; copied: boolean }>): void {
    Object.assign(this, state);
    this.host.requestUpdate();
  }

  /** The host left the page: everything closes. */
  reset(): void {
    clearTimeout(this.copiedTimer);
    this.change({ copied: false, menuOpen: false, pickerOpen: false });
  }

  private find(selector: string): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(selector);
  }

  private items(): HTMLElement[] {
    return [...(this.find('.menu')?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  }

  /** Popups line up with the bubble's outer edge: the inline end for own messages. */
  private get alignRight(): boolean {
    return this.host.own !== (this.host.locale.dir === 'rtl');
  }

  /** Opens the action menu next to `anchor`; focus goes to its first action (or the first emoji) and returns to `returnTo`. */
  async open(anchor: Anchor, returnTo: HTMLElement | undefined, focusEmoji = false): Promise<void> {
    if (!this.host.message) return;
    this.anchor = anchor;
    this.returnTo = returnTo;
    this.change({ menuOpen: true });
    await this.host.updateComplete;
    const menu = this.find('.menu');
    if (!menu || !this.host.isConnected) return;
    if (!menu.matches(':popover-open')) menu.showPopover();
    place(menu, anchor, this.alignRight);
    const items = this.items();
    const first = focusEmoji ? items[0] : (items.find((item) => !item.closest('.quick')) ?? items[0]);
    first?.focus();
  }

  /** Keys pressed while the menu was still loading, applied now that it is open. */
  replay(keys: readonly string[]): void {
    for (const key of keys) {
      if (!this.menuOpen) return;
      if (key === 'Enter' || key === ' ') ((this.host.renderRoot as ShadowRoot).activeElement as HTMLElement | null)?.click();
      else this.onMenuKeydown(new KeyboardEvent('keydown', { key }));
    }
  }

  close(restoreFocus: boolean): void {
    const menu = this.find('.menu');
    this.change({ menuOpen: false });
    // Focus first, so the popover does not drop it to the page when it hides.
    if (restoreFocus) this.returnTo?.focus();
    if (menu?.matches(':popover-open')) menu.hidePopover();
  }

  private readonly onMenuToggle = (event: ToggleEvent): void => {
    // Light dismiss (a click elsewhere) or the browser's own Escape handling.
    if (event.newState === 'closed' && this.menuOpen) this.change({ menuOpen: false });
  };

  private readonly onMenuKeydown = (event: KeyboardEvent): void => {
    // The chat moves between messages with arrow keys: keys pressed in the menu stay here.
    event.stopPropagation();
    const items = this.items();
    const index = items.indexOf((this.host.renderRoot as ShadowRoot).activeElement as HTMLElement);
    const rtl = this.host.locale.dir === 'rtl';
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return move(index + 1);
      case 'ArrowUp':
        return move(index - 1);
      case 'ArrowRight':
        return move(index + (rtl ? -1 : 1));
      case 'ArrowLeft':
        return move(index + (rtl ? 1 : -1));
      case 'Home':
        return move(0);
      case 'End':
        return move(items.length - 1);
      case 'Escape':
      case 'Tab':
        event.preventDefault();
        this.close(true);
        return;
    }
  };

  private pick(action: MessageAction, emoji?: string): void {
    const message = this.host.message;
    if (!message) return;
    this.close(true);
    const event = new ImMessageActionEvent({ action, message, ...(emoji ? { emoji } : {}) });
    if (this.host.dispatchEvent(event) && action === 'copy') void this.copy(message);
  }

  private async copy(message: CachedMessage): Promise<void> {
    const value = copyText(typeOf(message), message.content);
    if (value === undefined) return;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      return; // no clipboard access (permissions, insecure page): nothing to confirm
    }
    this.change({ copied: true });
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => this.change({ copied: false }), COPIED_MS);
  }

  /** The emoji picker follows the message's colour scheme (its own default follows the system). */
  private get pickerTheme(): 'light' | 'dark' | undefined {
    const scheme = getComputedStyle(this.host).colorScheme;
    const dark = scheme.includes('dark');
    const light = scheme.includes('light') || scheme === 'normal';
    return dark && !light ? 'dark' : light && !dark ? 'light' : undefined;
  }

  /** "More reactions": the full emoji picker, loaded on first use. */
  private async openPicker(): Promise<void> {
    const anchor = this.anchor ?? this.host.bubbleElement ?? this.host;
    const returnTo = this.returnTo;
    this.close(false);
    await import('../emoji-picker/emoji-picker.js');
    this.returnTo = returnTo;
    this.change({ pickerOpen: true });
    await this.host.updateComplete;
    const popup = this.find('.picker');
    if (!popup || !this.host.isConnected) return;
    if (!popup.matches(':popover-open')) popup.showPopover();
    const picker = popup.querySelector('im-emoji-picker');
    await picker?.updateComplete;
    place(popup, anchor, this.alignRight);
    picker?.focus();
  }

  private closePicker(restoreFocus: boolean): void {
    const popup = this.find('.picker');
    this.change({ pickerOpen: false });
    if (restoreFocus) this.returnTo?.focus();
    if (popup?.matches(':popover-open')) popup.hidePopover();
  }

  private readonly onPickerSelect = (event: Event): void => {
    event.stopPropagation();
    const emoji = (event as Event & { detail: { emoji: string } }).detail.emoji;
    this.closePicker(true);
    const message = this.host.message;
    if (message) this.host.dispatchEvent(new ImMessageActionEvent({ action: 'react', message, emoji }));
  };

  private readonly onPickerToggle = (event: ToggleEvent): void => {
    if (event.newState === 'closed' && this.pickerOpen) this.change({ pickerOpen: false });
  };

  /** The hover toolbar: react, reply, "more" (the menu) and the "Copied" confirmation. */
  renderToolbar(): TemplateResult {
    const tab = this.host.innerTab;
    const actions = messageActions(this.host);
    const open = (event: Event, focusEmoji = false) => {
      const button = event.currentTarget as HTMLElement;
      if (this.menuOpen) this.close(false);
      else void this.open(button, button, focusEmoji);
    };
    return html`<div class="actions" part="actions" ?data-open=${this.menuOpen || this.pickerOpen || this.copied}>
      ${this.host.canReact
        ? html`<button type="button" aria-label=${this.t('reaction.add')} title=${this.t('reaction.add')} tabindex=${tab} @click=${(e: Event) => open(e, true)}>
            ${smileIcon()}
          </button>`
        : nothing}
      ${actions.includes('reply')
        ? html`<button type="button" aria-label=${this.t('action.reply')} title=${this.t('action.reply')} tabindex=${tab} @click=${() => this.pick('reply')}>
            ${replyIcon()}
          </button>`
        : nothing}
      <button
        class="more"
        type="button"
        aria-label=${this.t('action.more')}
        title=${this.t('action.more')}
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        tabindex=${tab}
        @click=${(e: Event) => open(e)}
      >
        ${moreIcon()}
      </button>
      <span class="copied" role="status">${this.copied ? this.t('action.copied') : ''}</span>
    </div>`;
  }

  /** The menu and the emoji picker, when open. */
  renderPopups(): TemplateResult {
    return html`${this.renderMenu()}${this.renderPicker()}`;
  }

  private renderMenu() {
    if (!this.menuOpen) return nothing;
    const actions = messageActions(this.host);
    const item = (action: MessageAction, label: string, icon: TemplateResult, danger = false) =>
      actions.includes(action)
        ? html`<button role="menuitem" tabindex="-1" class=${danger ? 'danger' : ''} data-action=${action} @click=${() => this.pick(action)}>
            ${icon}<span>${label}</span>
          </button>`
        : nothing;
    return html`<div class="menu" part="menu" role="menu" popover="auto" aria-label=${this.t('action.menu')} @keydown=${this.onMenuKeydown} @toggle=${this.onMenuToggle}>
      ${this.host.canReact
        ? html`<div class="quick" role="group" aria-label=${this.t('reaction.add')}>
            ${QUICK_REACTIONS.map(
              (emoji) => html`<button role="menuitem" tabindex="-1" data-emoji=${emoji} @click=${() => this.pick('react', emoji)}>${emoji}</button>`,
            )}
            <button role="menuitem" tabindex="-1" class="more-emoji" aria-label=${this.t('reaction.more')} title=${this.t('reaction.more')} @click=${() => this.openPicker()}>
              ${plusIcon()}
            </button>
          </div>`
        : nothing}
      ${item('reply', this.t('action.reply'), replyIcon())} ${item('copy', this.t('action.copy'), copyIcon())}
      ${item('edit', this.t('action.edit'), editIcon())} ${item('recall', this.t('action.recall'), recallIcon(), true)}
      ${item('delete', this.t('action.deleteForMe'), trashIcon(), true)} ${item('details', this.t('action.details'), infoIcon())}
    </div>`;
  }

  private renderPicker() {
    if (!this.pickerOpen) return nothing;
    const t = (key: StringKey) => this.t(key);
    return html`<div
      class="picker"
      popover="auto"
      role="dialog"
      aria-label=${t('reaction.add')}
      @toggle=${this.onPickerToggle}
      @keydown=${(event: Event) => event.stopPropagation()}
      @im-emoji-select=${this.onPickerSelect}
      @im-emoji-picker-close=${(event: Event) => {
        event.stopPropagation();
        this.closePicker(true);
      }}
    >
      <im-emoji-picker
        theme=${this.pickerTheme ?? nothing}
      ></im-emoji-picker>
    </div>`;
  }
}

/** Styles of the toolbar, the menu and the picker, adopted into the message's shadow root with this module. */
export const styles = css`
  /* Hover toolbar: over the top corner of the bubble, inside the row (never widening the log). */
  .actions {
    position: absolute;
    inset-block-start: -1rem;
    z-index: 1;
    display: flex;
    align-items: center;
    gap: 2px;
    padding: 2px;
    border: 1px solid var(--im-color-border);
    border-radius: 999px;
    background: var(--im-color-bg);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.12);
    opacity: 0;
    pointer-events: none;
    transition: opacity 0.12s;
  }

  .other .actions {
    inset-inline-start: max(0px, calc(100% - 4rem));
  }

  .own .actions {
    inset-inline-end: max(0px, calc(100% - 4rem));
  }

  .center .actions {
    inset-block-start: auto;
    inset-inline-end: 0;
  }

  :host(:hover) .actions,
  :host(:focus-within) .actions,
  .actions[data-open] {
    opacity: 1;
    pointer-events: auto;
  }

  @media (hover: none) {
    :host(:not(:focus-within)) .actions:not([data-open]) {
      display: none;
    }
  }

  .actions button {
    display: grid;
    place-items: center;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    color: var(--im-color-text);
  }

  .actions button:hover {
    background: var(--im-color-surface);
  }

  .copied {
    font-size: 0.75rem;
    color: var(--im-color-text);
  }

  .copied:not(:empty) {
    padding-inline: 0.375rem 0.5rem;
  }

  /* Menu and emoji picker: popovers in the top layer, placed next to what opened them. */
  .menu,
  .picker {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: 0.25rem;
    border: 1px solid var(--im-color-border);
    border-radius: 12px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    box-shadow: 0 8px 28px rgb(0 0 0 / 0.22);
    font-size: 0.875rem;
  }

  .menu {
    min-inline-size: 12.5rem;
    max-inline-size: calc(100vw - 16px);
  }

  .picker {
    padding: 0;
    overflow: hidden;
    max-inline-size: calc(100vw - 16px);
  }

  .menu [role='menuitem'] {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    inline-size: 100%;
    padding: 0.5rem 0.75rem;
    border: 0;
    border-radius: 8px;
    background: none;
    color: inherit;
    text-align: start;
  }

  .menu [role='menuitem']:hover,
  .menu [role='menuitem']:focus-visible {
    background: var(--im-color-surface);
  }

  .menu [role='menuitem']:focus-visible {
    box-shadow: inset 0 0 0 2px var(--im-color-accent);
  }

  .menu .danger {
    color: var(--_danger);
  }

  .quick {
    display: flex;
    justify-content: space-between;
    gap: 2px;
    margin-block-end: 0.25rem;
    padding-block-end: 0.25rem;
    border-block-end: 1px solid var(--im-color-border);
  }

  .menu .quick [role='menuitem'] {
    justify-content: center;
    inline-size: 2.25rem;
    block-size: 2.25rem;
    padding: 0;
    border-radius: 50%;
    font-size: 1.25rem;
    line-height: 1;
  }

  @media (prefers-reduced-motion: reduce) {
    .actions {
      transition: none;
    }
  }
`;
