import { html, nothing, svg } from 'lit';
import type { CachedConversation } from '../../sdk/cache/types.js';
import { bellIcon, bellOffIcon, icon, pinIcon } from './icons.js';
import type { ListHost } from './list-host.js';
import { noticeFor } from './notice.js';
import styles from './row-menu.styles.js';
import { isolate } from './row-text.js';
import '../i18n/locales/en-more.js';

type Action = 'pin' | 'mute' | 'read' | 'delete';

/** Where the menu opens: at the pointer (right-click) or next to an element (the row's "more"). */
export type MenuAnchor = { x: number; y: number } | DOMRect;

const checkIcon = () => icon(svg`<path d="M20 6 9 17l-5-5"/>`);
const trashIcon = () => icon(svg`<path d="M4 7h16"/><path d="M9 7V4h6v3"/><path d="m6 7 1 13h10l1-13"/>`);

/**
 * The actions menu of a row: pin, mute, mark read, delete (which asks first). A popover in the
 * top layer, placed next to its row or the pointer. Loaded on demand by <im-conversation-list>.
 */
export default class RowMenu {
  static readonly styles = styles;

  /** The conversation whose menu is open, and where it opened. */
  private open: { conversationId: string; at: MenuAnchor } | undefined;

  constructor(private readonly host: ListHost) {}

  get conversationId(): string | undefined {
    return this.open?.conversationId;
  }

  private get element(): HTMLElement | null {
    return this.host.root().querySelector<HTMLElement>('.menu');
  }

  /** Opens the menu of a conversation and focuses its first item. */
  async show(conversationId: string, at: MenuAnchor): Promise<void> {
    this.host.report(undefined);
    this.open = { conversationId, at };
    await this.host.update();
    const menu = this.element;
    if (!menu || this.open?.conversationId !== conversationId || menu.matches(':popover-open')) return;
    menu.showPopover();
    this.place(menu, at);
    menu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }

  /** Closes the menu; focus goes back to its row when `restoreFocus` (or when it was in the menu and `restoreFocus` is undefined). */
  close(restoreFocus?: boolean): void {
    const menu = this.element;
    const id = this.open?.conversationId;
    restoreFocus ??= menu?.matches(':focus-within') === true;
    this.open = undefined;
    void this.host.update();
    if (menu?.matches(':popover-open')) menu.hidePopover();
    if (restoreFocus && id) this.host.row(id)?.focus({ preventScroll: true });
  }

  /** Places the open menu next to its row or pointer, inside the viewport, mirrored in RTL. */
  private place(menu: HTMLElement, at: MenuAnchor): void {
    const rtl = this.host.i18n.dir === 'rtl';
    const { width, height } = menu.getBoundingClientRect();
    const margin = 8;
    let x: number;
    let y: number;
    if (at instanceof DOMRect) {
      x = rtl ? at.left : at.right - width;
      y = at.bottom + 4;
      if (y + height > innerHeight - margin) y = at.top - height - 4;
    } else {
      x = rtl ? at.x - width : at.x;
      y = at.y;
      if (y + height > innerHeight - margin) y = at.y - height;
    }
    // Set through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
    menu.style.left = `${Math.max(margin, Math.min(x, innerWidth - width - margin))}px`;
    menu.style.top = `${Math.max(margin, Math.min(y, innerHeight - height - margin))}px`;
  }

  // Lit calls listeners with the list as `this`: they are arrow functions.

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const items = [...(this.element?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = items.indexOf(this.host.root().activeElement as HTMLElement);
    const to = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        to(index + 1);
        break;
      case 'ArrowUp':
        to(index - 1);
        break;
      case 'Home':
        to(0);
        break;
      case 'End':
        to(items.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        this.close(true);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  private readonly onToggle = (event: ToggleEvent): void => {
    // Closed by a click elsewhere (light dismiss): forget it, leave focus where the user put it.
    // A right-click on another row closes it and opens the next one before this event arrives.
    if (event.newState === 'closed' && this.open && !this.element?.matches(':popover-open')) {
      this.open = undefined;
      void this.host.update();
    }
  };

  private async act(action: Action, conversation: CachedConversation): Promise<void> {
    this.close(true);
    if (action === 'delete') return this.host.askDelete(conversation.id);
    const client = this.host.client();
    if (!client) return;
    try {
      if (action === 'pin') await client.conversations.setPinned(conversation.id, !conversation.pinned);
      else if (action === 'mute') await client.conversations.setMuted(conversation.id, !conversation.muted);
      else await client.conversations.markRead(conversation.id);
    } catch (error) {
      this.host.report(noticeFor(error, this.host.i18n));
    }
  }

  render() {
    const conversation = this.open && this.host.find(this.open.conversationId);
    if (!conversation) return nothing;
    const i18n = this.host.i18n;
    const item = (action: Action, icon: unknown, label: string) =>
      html`<button
        class="menu-item ${action}"
        part="menu-item"
        role="menuitem"
        tabindex="-1"
        type="button"
        @click=${() => this.act(action, conversation)}
        @pointerenter=${action === 'delete' ? this.host.prepareDialogs : nothing}
        @focus=${action === 'delete' ? this.host.prepareDialogs : nothing}
      >
        ${icon}<span>${label}</span>
      </button>`;
    return html`<div
      class="menu"
      part="menu"
      role="menu"
      popover="auto"
      aria-label=${i18n.t('list.actions', { name: isolate(this.host.displayName(conversation)) })}
      @keydown=${this.onKeyDown}
      @toggle=${this.onToggle}
    >
      ${item('pin', pinIcon(), i18n.t(conversation.pinned ? 'list.unpin' : 'list.pin'))}
      ${item('mute', conversation.muted ? bellIcon() : bellOffIcon(), i18n.t(conversation.muted ? 'list.unmute' : 'list.mute'))}
      ${conversation.unreadCount > 0 || conversation.mentioned ? item('read', checkIcon(), i18n.t('list.markRead')) : nothing}
      ${item('delete', trashIcon(), i18n.t('list.delete'))}
    </div>`;
  }
}
