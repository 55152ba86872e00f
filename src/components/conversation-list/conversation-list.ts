import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ErrorCode } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import type { CachedConversation } from '../../sdk/cache/types.js';
import { totalUnread } from '../../sdk/client.js';
import { IMError } from '../../sdk/errors.js';
import { SelectionController } from '../context.js';
import { ClientController } from '../controllers/client-controller.js';
import { ImConversationSelectEvent, ImUnreadChangeEvent } from '../events.js';
import { LocaleController, type StringKey } from '../i18n/index.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './conversation-list.styles.js';
import { ConversationsController } from './conversations-controller.js';
import { bellIcon, bellOffIcon, checkIcon, closeIcon, composeIcon, moreIcon, pinIcon, searchIcon, trashIcon } from './icons.js';
import {
  conversationName,
  draftText,
  fold,
  hueOf,
  initialsOf,
  isolate,
  isPlainPreview,
  isUserId,
  matchesQuery,
  messagePreview,
  parseMemberIds,
  typingText,
} from './row-text.js';

/** Row height until a rendered row was measured (4.5rem at 16px). */
const ROW_FALLBACK_PX = 72;
/** Rows rendered above and below the visible ones, so fast scrolling does not show gaps. */
const OVERSCAN = 6;
/** Skeleton rows appear only if the first read of the list takes longer than this. */
const SKELETON_DELAY_MS = 150;
const SKELETON_ROWS = 6;

/** Error codes with a sentence of their own; others show the server's message. */
const ERROR_TEXT: Partial<Record<ErrorCode, StringKey>> = {
  NOT_CONNECTED: 'error.notConnected',
  TIMEOUT: 'error.timeout',
  NOT_MEMBER: 'error.notMember',
  FORBIDDEN: 'error.forbidden',
  RATE_LIMITED: 'error.rateLimited',
  CONVERSATION_BUSY: 'error.busy',
  TOO_MANY_MEMBERS: 'error.tooManyMembers',
};

interface Notice {
  text: string;
  code?: string;
}

type MenuAction = 'pin' | 'mute' | 'read' | 'delete';

interface MenuState {
  conversationId: string;
  /** Where it opens: at the pointer (right-click) or next to an element (the row's "more" button). */
  at: { x: number; y: number } | DOMRect;
}

/**
 * The signed-in user's conversations: search, unread badges, drafts, typing, pin / mute /
 * mark read / delete, and starting a direct chat or a group. Picking a conversation selects it
 * in the provider, so an `<im-chat>` next to the list (without a `conversation-id`) shows it.
 *
 * Keyboard: the list is one tab stop; ArrowUp/ArrowDown, Home/End, PageUp/PageDown move, Enter
 * or Space selects, Shift+F10 or the ContextMenu key opens the row's actions, Delete asks to
 * delete the conversation. ArrowDown in the search field moves into the list.
 *
 * @summary The conversation list of a signed-in user (a provider with a `ticket`).
 * @csspart base - The wrapper around everything (carries `dir`).
 * @csspart header - The header with the title and the New chat button.
 * @csspart title - The title ("Chats").
 * @csspart new-button - The New chat button in the header.
 * @csspart search - The search field's wrapper.
 * @csspart search-input - The search field.
 * @csspart list - The list of conversations (`role="listbox"`).
 * @csspart row - One conversation; also `row-selected`, `row-pinned`, `row-unread` when that applies.
 * @csspart avatar - The initials (or the bell of system notifications).
 * @csspart name - The conversation's name.
 * @csspart preview - The last message, draft or typing line.
 * @csspart time - The time of the last activity.
 * @csspart badge - The unread count (a dot for muted conversations).
 * @csspart more - The row's "more actions" affordance.
 * @csspart menu - The actions menu of a row.
 * @csspart menu-item - One action in the menu.
 * @csspart empty - The empty state (no conversations yet).
 * @csspart dialog - The New chat and delete dialogs.
 * @csspart error - An inline error after a failed action.
 * @cssproperty --im-conversation-list-bg - Background.
 * @cssproperty --im-conversation-list-border - Outer border.
 * @cssproperty --im-conversation-list-radius - Outer corner radius.
 * @cssproperty --im-conversation-list-row-height - Height of a row (rows all have this height).
 * @cssproperty --im-conversation-list-row-hover-bg - Background of the row under the pointer.
 * @cssproperty --im-conversation-list-row-selected-bg - Background of the selected row.
 * @cssproperty --im-conversation-list-pinned-bg - Background of pinned rows.
 * @cssproperty --im-conversation-list-avatar-size - Size of the avatars.
 * @cssproperty --im-conversation-list-avatar-radius - Corner radius of the avatars (50% is a circle).
 * @cssproperty --im-conversation-list-badge-bg - Background of the unread badge.
 * @cssproperty --im-conversation-list-badge-text - Text colour of the unread badge.
 * @cssproperty --im-conversation-list-muted-badge-bg - Colour of the dot of muted conversations.
 * @cssproperty --im-conversation-list-draft-color - Colour of the "[Draft]" mark.
 * @cssproperty --im-conversation-list-mention-color - Colour of the "[@me]" mark.
 * @cssproperty --im-conversation-list-padding-inline - Space at the start and end of rows and the header.
 * @fires im-conversation-select - The user picks a conversation; `detail.conversationId` (cancelable: cancel to keep the current selection).
 * @fires im-unread-change - The total of unread messages changed; `detail.total` (muted and deleted conversations do not count).
 */
@customElement('im-conversation-list')
export class ImConversationList extends LitElement {
  static override styles = [sharedStyles, styles];

  /**
   * The selected conversation's id. Follows the provider's selection (and sets it), so setting
   * it from the page selects that conversation in every element of the provider.
   */
  @property({ reflect: true }) selected: string | undefined;
  /** Title in the header; defaults to "Chats" in the page's language. */
  @property() heading: string | undefined;
  /** `light` or `dark`; follows `prefers-color-scheme` when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** Unread messages of all listed conversations, muted ones left out (read only). */
  get totalUnread(): number {
    return this.total;
  }

  @state() private query = '';
  /** The row that takes the list's one tab stop (roving tabindex). */
  @state() private activeId: string | undefined;
  @state() private skeleton = false;
  @state() private menu: MenuState | undefined;
  /** The conversation the delete dialog asks about. */
  @state() private deleting: CachedConversation | undefined;
  @state() private notice: Notice | undefined;
  @state() private newTab: 'direct' | 'group' = 'direct';
  @state() private fieldErrors: { direct?: string; name?: string; members?: string } = {};
  @state() private dialogNotice: Notice | undefined;
  @state() private dialogBusy = false;
  /** Index of the first row in view, and the sizes the rendered window is computed from. */
  @state() private first = 0;
  @state() private rowPx = ROW_FALLBACK_PX;
  @state() private viewportPx = 0;

  @query('.scroller') private scroller!: HTMLElement;
  @query('.menu') private menuElement: HTMLElement | null | undefined;
  @query('dialog.new-chat') private newDialog!: HTMLDialogElement;
  @query('dialog.confirm') private confirmDialog!: HTMLDialogElement;
  @query('#new-direct-user') private directInput!: HTMLInputElement;
  @query('#new-group-name') private groupNameInput!: HTMLInputElement;
  @query('#new-group-members') private groupMembersInput!: HTMLInputElement;
  @query('input[type="search"]') private searchInput!: HTMLInputElement;

  private readonly i18n = new LocaleController(this);
  private readonly connection = new ClientController(this);
  private readonly list = new ConversationsController(this, (conversations) => this.onList(conversations));
  private readonly selection = new SelectionController(this, (conversationId) => {
    this.selected = conversationId;
  });

  private total = 0;
  private skeletonTimer: ReturnType<typeof setTimeout> | undefined;
  private resizeObserver: ResizeObserver | undefined;
  /** A row to focus once it is in the list (a conversation just created). */
  private pendingFocus: string | undefined;
  /** The row that had focus before an update: a row moved by a re-sort gets it back. */
  private focusedRow: string | undefined;
  /** What had focus before the New chat dialog opened. */
  private dialogOpener: HTMLElement | undefined;
  /** Set when the dialog closes because a conversation was created: focus goes to its row. */
  private created: string | undefined;
  /** Folded name + preview of each conversation, for search; cleared when the language changes. */
  private searchText = new WeakMap<CachedConversation, string>();
  private searchLocale = '';
  private filterMemo: { list: CachedConversation[]; query: string; locale: string; result: CachedConversation[] } | undefined;

  constructor() {
    super();
    this.connection.onClient((client) => this.list.watch(client));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.scroller) this.observeSize();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.skeletonTimer);
    this.skeletonTimer = undefined;
    this.resizeObserver?.disconnect();
  }

  private onList(conversations: CachedConversation[]): void {
    const total = totalUnread(conversations);
    if (total !== this.total) {
      this.total = total;
      const event = new ImUnreadChangeEvent({ total });
      this.dispatchEvent(event);
    }
  }

  // ——— Rows ———

  private get me(): string {
    return this.connection.client?.userId ?? '';
  }

  /** The listed conversations that match the search (all of them without one). */
  private rows(): CachedConversation[] {
    const list = this.list.conversations;
    const folded = fold(this.query.trim());
    if (folded === '') return list;
    const locale = this.i18n.tag;
    const memo = this.filterMemo;
    if (memo && memo.list === list && memo.query === folded && memo.locale === locale) return memo.result;
    if (locale !== this.searchLocale) {
      this.searchText = new WeakMap();
      this.searchLocale = locale;
    }
    const result = list.filter((conversation) => {
      let text = this.searchText.get(conversation);
      if (text === undefined) {
        text = fold(`${conversationName(conversation, this.i18n)}\n${messagePreview(conversation, this.me, this.i18n)}`);
        this.searchText.set(conversation, text);
      }
      return matchesQuery(text, folded);
    });
    this.filterMemo = { list, query: folded, locale, result };
    return result;
  }

  /** The row with the tab stop: the one last focused, else the selected one, else the first. */
  private activeOf(rows: CachedConversation[]): string | undefined {
    for (const id of [this.activeId, this.selected]) {
      if (id && rows.some((c) => c.id === id)) return id;
    }
    return rows[0]?.id;
  }

  private rowElement(conversationId: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`.row[data-id="${CSS.escape(conversationId)}"]`);
  }

  private rowIdOf(event: Event): string | undefined {
    for (const target of event.composedPath()) {
      if (target instanceof HTMLElement && target.classList.contains('row')) return target.dataset.id;
      if (target === event.currentTarget) break;
    }
    return undefined;
  }

  /** Scrolls the list (only if needed) so the row at `index` is in view. */
  private reveal(index: number): void {
    const scroller = this.scroller;
    if (!scroller) return;
    const top = index * this.rowPx;
    const bottom = top + this.rowPx;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (bottom > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = bottom - scroller.clientHeight;
    this.first = Math.floor(scroller.scrollTop / this.rowPx);
  }

  /** Moves the tab stop to a row, brings it into view and focuses it. */
  private async focusRow(index: number): Promise<void> {
    const rows = this.rows();
    const conversation = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!conversation) return;
    this.activeId = conversation.id;
    this.reveal(rows.indexOf(conversation));
    await this.updateComplete;
    this.rowElement(conversation.id)?.focus({ preventScroll: true });
  }

  /** The user picks a conversation: announce it, and select it unless the page says no. */
  private pick(conversationId: string): void {
    this.activeId = conversationId;
    const event = new ImConversationSelectEvent({ conversationId });
    if (!this.dispatchEvent(event)) return;
    this.selected = conversationId;
  }

  private onListClick(event: MouseEvent): void {
    const id = this.rowIdOf(event);
    if (!id) return;
    const more = event.composedPath().find((target) => target instanceof HTMLElement && target.classList.contains('more')) as
      | HTMLElement
      | undefined;
    if (more) {
      this.activeId = id;
      this.openMenu(id, more.getBoundingClientRect());
      return;
    }
    this.pick(id);
  }

  private onContextMenu(event: MouseEvent): void {
    const id = this.rowIdOf(event);
    if (!id) return;
    event.preventDefault();
    if (this.menu?.conversationId === id) return;
    this.activeId = id;
    // A context menu from the keyboard has no pointer position: open next to the row.
    const keyboard = event.clientX === 0 && event.clientY === 0;
    const row = this.rowElement(id);
    this.openMenu(id, keyboard && row ? (row.querySelector('.more') ?? row).getBoundingClientRect() : { x: event.clientX, y: event.clientY });
  }

  private onListKeyDown(event: KeyboardEvent): void {
    const id = this.rowIdOf(event);
    if (!id) return;
    const rows = this.rows();
    const index = rows.findIndex((c) => c.id === id);
    const page = Math.max(1, Math.floor((this.scroller?.clientHeight ?? 0) / this.rowPx) - 1);
    const move: Record<string, number | undefined> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: index + page,
      PageUp: index - page,
    };
    if (event.key in move && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      void this.focusRow(move[event.key]!);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.pick(id);
    } else if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      const row = this.rowElement(id);
      if (row) this.openMenu(id, (row.querySelector('.more') ?? row).getBoundingClientRect());
    } else if (event.key === 'Delete') {
      event.preventDefault();
      this.askDelete(id);
    }
  }

  private onFocusIn(event: FocusEvent): void {
    const id = this.rowIdOf(event);
    if (id && id !== this.activeId) this.activeId = id;
  }

  private onScroll(): void {
    const first = Math.floor(this.scroller.scrollTop / this.rowPx);
    if (first !== this.first) this.first = first;
    // The menu is placed next to its row: it would float away from it.
    if (this.menu) this.closeMenu(this.menuElement?.matches(':focus-within') === true);
  }

  private onSearchInput(event: InputEvent): void {
    this.query = (event.target as HTMLInputElement).value;
    this.first = 0;
    if (this.scroller) this.scroller.scrollTop = 0;
  }

  private onSearchKeyDown(event: KeyboardEvent): void {
    if (event.key === 'ArrowDown') {
      const rows = this.rows();
      if (rows.length === 0) return;
      event.preventDefault();
      void this.focusRow(rows.findIndex((c) => c.id === this.activeOf(rows)));
    }
  }

  // ——— Actions ———

  private describe(error: unknown): Notice {
    if (error instanceof IMError) {
      const key = ERROR_TEXT[error.code];
      return { text: key ? this.i18n.t(key) : error.message, code: error.code };
    }
    return { text: this.i18n.t('common.error') };
  }

  private openMenu(conversationId: string, at: MenuState['at']): void {
    this.notice = undefined;
    this.menu = { conversationId, at };
  }

  private closeMenu(restoreFocus: boolean): void {
    const id = this.menu?.conversationId;
    this.menu = undefined;
    if (this.menuElement?.matches(':popover-open')) this.menuElement.hidePopover();
    if (restoreFocus && id) this.rowElement(id)?.focus({ preventScroll: true });
  }

  /** Places the open menu next to its row or pointer, inside the viewport, mirrored in RTL. */
  private placeMenu(menu: HTMLElement, at: MenuState['at']): void {
    const rtl = this.i18n.dir === 'rtl';
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
    menu.style.left = `${Math.max(margin, Math.min(x, innerWidth - width - margin))}px`;
    menu.style.top = `${Math.max(margin, Math.min(y, innerHeight - height - margin))}px`;
  }

  private onMenuKeyDown(event: KeyboardEvent): void {
    const items = [...(this.menuElement?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = items.indexOf(this.shadowRoot!.activeElement as HTMLElement);
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
        this.closeMenu(true);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  private onMenuToggle(event: ToggleEvent): void {
    // Closed by a click elsewhere (light dismiss): forget it, leave focus where the user put it.
    // A right-click on another row closes it and opens the next one before this event arrives.
    if (event.newState === 'closed' && this.menu && !this.menuElement?.matches(':popover-open')) this.menu = undefined;
  }

  private async act(action: MenuAction, conversation: CachedConversation): Promise<void> {
    this.closeMenu(true);
    if (action === 'delete') {
      this.askDelete(conversation.id);
      return;
    }
    const client = this.connection.client;
    if (!client) return;
    try {
      if (action === 'pin') await client.conversations.setPinned(conversation.id, !conversation.pinned);
      else if (action === 'mute') await client.conversations.setMuted(conversation.id, !conversation.muted);
      else await client.conversations.markRead(conversation.id);
    } catch (error) {
      this.notice = this.describe(error);
    }
  }

  private askDelete(conversationId: string): void {
    const conversation = this.list.conversations.find((c) => c.id === conversationId);
    if (!conversation) return;
    this.notice = undefined;
    this.deleting = conversation;
  }

  private async confirmDelete(): Promise<void> {
    const conversation = this.deleting;
    const client = this.connection.client;
    if (!conversation || !client) return;
    // The row after it takes the focus (or the one before, at the end of the list).
    const rows = this.rows();
    const index = rows.findIndex((c) => c.id === conversation.id);
    const next = rows[index + 1] ?? rows[index - 1];
    this.confirmDialog.close();
    try {
      await client.conversations.hide(conversation.id);
      if (this.selected === conversation.id) this.selected = undefined;
      if (next) {
        this.activeId = next.id;
        await this.updateComplete;
        this.rowElement(next.id)?.focus({ preventScroll: true });
      } else {
        this.searchInput?.focus();
      }
    } catch (error) {
      this.notice = this.describe(error);
    }
  }

  private onConfirmClose(): void {
    const conversation = this.deleting;
    this.deleting = undefined;
    if (conversation) this.rowElement(conversation.id)?.focus({ preventScroll: true });
  }

  // ——— New chat ———

  private openNewChat(event: Event): void {
    this.dialogOpener = event.currentTarget as HTMLElement;
    this.fieldErrors = {};
    this.dialogNotice = undefined;
    this.created = undefined;
    for (const input of [this.directInput, this.groupNameInput, this.groupMembersInput]) input.value = '';
    this.newDialog.showModal();
    (this.newTab === 'direct' ? this.directInput : this.groupNameInput).focus();
  }

  private onNewChatClose(): void {
    const created = this.created;
    this.created = undefined;
    this.fieldErrors = {};
    this.dialogNotice = undefined;
    if (created) this.pendingFocus = created;
    else this.dialogOpener?.focus();
    this.dialogOpener = undefined;
    this.requestUpdate();
  }

  private switchTab(tab: 'direct' | 'group', focus = false): void {
    this.newTab = tab;
    this.fieldErrors = {};
    this.dialogNotice = undefined;
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#new-tab-${tab}`)?.focus());
  }

  private onTabKeyDown(event: KeyboardEvent): void {
    const forward = this.i18n.dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const back = this.i18n.dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    if (![forward, back, 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const tab = event.key === 'Home' ? 'direct' : event.key === 'End' ? 'group' : this.newTab === 'direct' ? 'group' : 'direct';
    this.switchTab(tab, true);
  }

  private async createConversation(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const client = this.connection.client;
    if (!client || this.dialogBusy) return;
    const t = this.i18n.t.bind(this.i18n);
    let make: () => Promise<CachedConversation>;
    if (this.newTab === 'direct') {
      const userId = this.directInput.value.trim();
      const problem = userId === '' ? t('list.userIdRequired') : isUserId(userId) ? undefined : t('list.invalidUserId', { id: isolate(userId) });
      this.fieldErrors = problem ? { direct: problem } : {};
      if (problem) {
        this.directInput.focus();
        return;
      }
      make = () => client.conversations.openDirect(userId);
    } else {
      const name = this.groupNameInput.value.trim();
      const members = parseMemberIds(this.groupMembersInput.value);
      const invalid = members.filter((id) => !isUserId(id));
      this.fieldErrors = {
        ...(name === '' ? { name: t('list.groupNameRequired') } : {}),
        ...(invalid.length > 0 ? { members: t('list.invalidUserId', { id: isolate(this.i18n.formatList(invalid)) }) } : {}),
      };
      if (name === '' || invalid.length > 0) {
        (name === '' ? this.groupNameInput : this.groupMembersInput).focus();
        return;
      }
      make = () => client.conversations.createGroup(name, members);
    }
    this.dialogBusy = true;
    this.dialogNotice = undefined;
    try {
      const conversation = await make();
      this.created = conversation.id;
      // It must be findable even when the search would hide it.
      this.query = '';
      this.pick(conversation.id);
      this.newDialog.close();
    } catch (error) {
      this.dialogNotice = this.describe(error);
    } finally {
      this.dialogBusy = false;
    }
  }

  // ——— Lifecycle ———

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('selected') && this.selected !== this.selection.conversationId && this.selection.selection) {
      this.selection.select(this.selected);
    }
    const waiting = this.connection.client?.mode === 'user' && !this.list.loaded;
    if (waiting && !this.skeleton && this.skeletonTimer === undefined) {
      this.skeletonTimer = setTimeout(() => {
        this.skeletonTimer = undefined;
        if (this.connection.client?.mode === 'user' && !this.list.loaded) this.skeleton = true;
      }, SKELETON_DELAY_MS);
    } else if (!waiting) {
      clearTimeout(this.skeletonTimer);
      this.skeletonTimer = undefined;
      this.skeleton = false;
    }
    const focused = this.shadowRoot?.activeElement;
    this.focusedRow = focused instanceof HTMLElement && focused.classList.contains('row') ? focused.dataset.id : undefined;
  }

  protected override firstUpdated(): void {
    this.observeSize();
  }

  private observeSize(): void {
    this.resizeObserver ??= new ResizeObserver(() => {
      if (this.scroller) this.viewportPx = this.scroller.clientHeight;
    });
    this.resizeObserver.observe(this.scroller);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Rows have one height (a custom property in rem): measure it once rendered.
    const row = this.renderRoot.querySelector<HTMLElement>('.row');
    const height = row?.getBoundingClientRect().height ?? 0;
    if (height > 0 && Math.abs(height - this.rowPx) > 0.5) this.rowPx = height;

    // Keep focus on a row that a re-sort moved (its node is re-inserted).
    if (this.focusedRow) {
      const element = this.rowElement(this.focusedRow);
      if (element && this.shadowRoot!.activeElement !== element && !this.menu && !this.deleting) element.focus({ preventScroll: true });
    }

    if (this.pendingFocus) {
      const index = this.rows().findIndex((c) => c.id === this.pendingFocus);
      if (index >= 0) {
        this.pendingFocus = undefined;
        void this.focusRow(index);
      }
    } else if (changed.has('selected') && this.selected) {
      const index = this.rows().findIndex((c) => c.id === this.selected);
      const visible = index >= this.first && (index + 1) * this.rowPx <= this.scroller.scrollTop + this.scroller.clientHeight;
      if (index >= 0 && !visible) this.reveal(index);
    }

    const menu = this.menuElement;
    if (this.menu && menu && !menu.matches(':popover-open')) {
      menu.showPopover();
      this.placeMenu(menu, this.menu.at);
      menu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    }
    if (this.deleting && !this.confirmDialog.open) {
      this.confirmDialog.showModal();
      this.confirmDialog.querySelector<HTMLElement>('.cancel')?.focus();
    }
  }

  // ——— Rendering ———

  private renderAvatar(conversation: CachedConversation, name: string, online: boolean) {
    return html`<span class="avatar ${conversation.type}" part="avatar" aria-hidden="true" style="--im-avatar-hue: ${hueOf(conversation.id)}"
      >${conversation.type === 'system' ? bellIcon('avatar-icon') : initialsOf(name)}${online ? html`<span class="online-dot"></span>` : nothing}</span
    >`;
  }

  /** The second line: typing, else the draft, else the last message (with the @-me mark). */
  private renderPreview(conversation: CachedConversation, typers: string[]) {
    const i18n = this.i18n;
    if (typers.length > 0) return html`<span class="typing">${typingText(typers, i18n)}</span>`;
    const mention = conversation.mentioned
      ? html`<span class="mention" aria-hidden="true">${i18n.t('list.mentionMark')}</span
          ><span class="visually-hidden">${i18n.t('list.mentioned')}, </span> `
      : nothing;
    const draft = draftText(conversation);
    if (draft) return html`${mention}<span class="draft">${i18n.t('list.draft')}</span> <bdi>${draft}</bdi>`;
    return html`${mention}${messagePreview(conversation, this.me, i18n)}`;
  }

  /**
   * One option. Its accessible name comes from its text, in reading order: name, online, pinned,
   * muted, time, preview line, unread count; hidden separators and words fill in what icons and
   * badges only show ("3" is read as "3 unread messages").
   */
  private renderRow(conversation: CachedConversation, index: number, count: number, activeId: string | undefined) {
    const i18n = this.i18n;
    const name = conversationName(conversation, i18n);
    const typers = this.list.typers(conversation.id);
    const at = conversation.lastMessage?.time ?? conversation.activeAt;
    const time = at > 0 ? i18n.formatListTime(at) : '';
    const selected = conversation.id === this.selected;
    const unread = conversation.unreadCount > 0;
    const online = conversation.type === 'direct' && this.list.isOnline(conversation.peerId);
    const hidden = (words: string) => html`<span class="visually-hidden">${words}</span>`;
    const parts = ['row', selected ? 'row-selected' : '', conversation.pinned ? 'row-pinned' : '', unread ? 'row-unread' : ''];
    return html`<div
      class="row ${selected ? 'selected' : ''} ${conversation.pinned ? 'pinned' : ''} ${conversation.muted ? 'muted' : ''} ${unread ? 'unread' : ''}"
      part=${parts.filter(Boolean).join(' ')}
      role="option"
      data-id=${conversation.id}
      aria-selected=${selected ? 'true' : 'false'}
      aria-setsize=${count}
      aria-posinset=${index + 1}
      aria-keyshortcuts="Shift+F10 ContextMenu Delete"
      tabindex=${conversation.id === activeId ? '0' : '-1'}
      style="--im-row-index: ${index}"
    >
      ${this.renderAvatar(conversation, name, online)}
      <span class="main"
        ><span class="line top"
          ><span class="name" part="name" dir="auto">${name}</span>${online ? hidden(`, ${i18n.t('presence.online')}`) : nothing}${conversation.pinned
            ? html`<span class="mark">${pinIcon()}${hidden(`, ${i18n.t('list.pinned')}`)}</span>`
            : nothing}${conversation.muted
            ? html`<span class="mark">${bellOffIcon()}${hidden(`, ${i18n.t('list.muted')}`)}</span>`
            : nothing}${time ? html`<time part="time" datetime=${new Date(at).toISOString()}>${hidden(', ')}${time}</time>` : nothing}<span
            class="more"
            part="more"
            aria-hidden="true"
            title=${i18n.t('list.actions', { name: isolate(name) })}
            >${moreIcon()}</span
          ></span
        ><span class="line"
          ><span class="preview" part="preview" dir=${typers.length === 0 && !draftText(conversation) && !conversation.mentioned && isPlainPreview(conversation) ? 'auto' : nothing}>${hidden(', ')}${this.renderPreview(conversation, typers)}</span>${unread
            ? html`<span class="badge ${conversation.muted ? 'dot' : ''}" part="badge"
                >${conversation.muted ? nothing : html`<span aria-hidden="true">${i18n.formatBadge(conversation.unreadCount)}</span>`}${hidden(
                  `, ${i18n.t('list.unread', { count: conversation.unreadCount })}`,
                )}</span
              >`
            : nothing}</span
        ></span
      >
    </div>`;
  }

  private renderRows(rows: CachedConversation[]) {
    const count = rows.length;
    const activeId = this.activeOf(rows);
    const inView = Math.ceil((this.viewportPx || 640) / this.rowPx) + 1;
    const start = Math.max(0, Math.min(this.first, count - 1) - OVERSCAN);
    const end = Math.min(count, Math.max(this.first, 0) + inView + OVERSCAN);
    const window: number[] = [];
    for (let i = start; i < end; i++) window.push(i);
    // The row with the tab stop stays rendered wherever the list is scrolled, so focus survives.
    const activeIndex = activeId ? rows.findIndex((c) => c.id === activeId) : -1;
    if (activeIndex >= 0 && (activeIndex < start || activeIndex >= end)) {
      window.push(activeIndex);
      window.sort((a, b) => a - b);
    }
    return html`<div
      class="rows"
      part="list"
      role="listbox"
      aria-label=${this.i18n.t('list.label')}
      style="--im-row-count: ${count}"
      @click=${this.onListClick}
      @contextmenu=${this.onContextMenu}
      @keydown=${this.onListKeyDown}
      @focusin=${this.onFocusIn}
    >
      ${repeat(
        window,
        (i) => rows[i]!.id,
        (i) => this.renderRow(rows[i]!, i, count, activeId),
      )}
    </div>`;
  }

  private renderBody(rows: CachedConversation[]) {
    const client = this.connection.client;
    if (!client || client.mode !== 'user') {
      return html`<div class="state"><p class="state-title">${this.i18n.t('composer.signedOut')}</p></div>`;
    }
    if (!this.list.loaded) {
      if (!this.skeleton) return nothing;
      return html`<div class="skeletons" aria-hidden="true">
        ${Array.from({ length: SKELETON_ROWS }, () => html`<div class="skeleton"><span class="bone avatar-bone"></span><span class="bones"><span class="bone"></span><span class="bone short"></span></span></div>`)}
      </div>`;
    }
    if (this.list.conversations.length === 0) {
      return html`<div class="state" part="empty">
        <svg class="state-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">
          <path d="M8 10h32v22H20l-8 7v-7H8z" /><path d="M16 19h16M16 25h10" />
        </svg>
        <p class="state-title">${this.i18n.t('list.empty')}</p>
        <p class="state-hint">${this.i18n.t('list.emptyHint')}</p>
        <button class="primary" type="button" aria-haspopup="dialog" @click=${this.openNewChat}>${composeIcon()}${this.i18n.t('list.newChat')}</button>
      </div>`;
    }
    if (rows.length === 0) return nothing; // the live region says "No chats match"
    return this.renderRows(rows);
  }

  private renderMenu() {
    const menu = this.menu;
    const conversation = menu && this.list.conversations.find((c) => c.id === menu.conversationId);
    if (!conversation) return nothing;
    const i18n = this.i18n;
    const item = (action: MenuAction, icon: unknown, label: string) =>
      html`<button class="menu-item ${action}" part="menu-item" role="menuitem" tabindex="-1" type="button" @click=${() => this.act(action, conversation)}>
        ${icon}<span>${label}</span>
      </button>`;
    return html`<div
      class="menu"
      part="menu"
      role="menu"
      popover="auto"
      aria-label=${i18n.t('list.actions', { name: isolate(conversationName(conversation, i18n)) })}
      @keydown=${this.onMenuKeyDown}
      @toggle=${this.onMenuToggle}
    >
      ${item('pin', pinIcon(), i18n.t(conversation.pinned ? 'list.unpin' : 'list.pin'))}
      ${item('mute', conversation.muted ? bellIcon() : bellOffIcon(), i18n.t(conversation.muted ? 'list.unmute' : 'list.mute'))}
      ${conversation.unreadCount > 0 || conversation.mentioned ? item('read', checkIcon(), i18n.t('list.markRead')) : nothing}
      ${item('delete', trashIcon(), i18n.t('list.delete'))}
    </div>`;
  }

  private renderNotice(notice: Notice | undefined, onDismiss?: () => void) {
    if (!notice) return nothing;
    return html`<p class="error" part="error" role="alert">
      <span class="error-text">${notice.text}${notice.code ? html` <code>${notice.code}</code>` : nothing}</span>
      ${onDismiss
        ? html`<button class="icon-button" type="button" aria-label=${this.i18n.t('common.close')} @click=${onDismiss}>${closeIcon()}</button>`
        : nothing}
    </p>`;
  }

  private renderNewChatDialog() {
    const i18n = this.i18n;
    const t = (key: StringKey) => i18n.t(key);
    const tab = (id: 'direct' | 'group', label: string) => html`<button
      id="new-tab-${id}"
      class="tab"
      role="tab"
      type="button"
      aria-selected=${this.newTab === id ? 'true' : 'false'}
      aria-controls="new-panel-${id}"
      tabindex=${this.newTab === id ? '0' : '-1'}
      @click=${() => this.switchTab(id)}
      @keydown=${this.onTabKeyDown}
    >
      ${label}
    </button>`;
    const { direct, name, members } = this.fieldErrors;
    return html`<dialog class="new-chat" part="dialog" aria-labelledby="new-chat-title" @close=${this.onNewChatClose}>
      <form novalidate @submit=${this.createConversation}>
        <h2 id="new-chat-title">${t('list.newChat')}</h2>
        <div class="tabs" role="tablist" aria-label=${t('list.newChat')}>
          ${tab('direct', t('list.newDirect'))} ${tab('group', t('list.newGroup'))}
        </div>
        <div id="new-panel-direct" class="panel" role="tabpanel" aria-labelledby="new-tab-direct" ?hidden=${this.newTab !== 'direct'}>
          <label for="new-direct-user">${t('list.userId')}</label>
          <input
            id="new-direct-user"
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            maxlength="32"
            aria-invalid=${direct ? 'true' : 'false'}
            aria-describedby="new-direct-error"
          />
          <p id="new-direct-error" class="field-error">${direct ?? ''}</p>
        </div>
        <div id="new-panel-group" class="panel" role="tabpanel" aria-labelledby="new-tab-group" ?hidden=${this.newTab !== 'group'}>
          <label for="new-group-name">${t('list.groupName')}</label>
          <input
            id="new-group-name"
            autocomplete="off"
            maxlength=${LIMITS.GROUP_NAME_MAX_LENGTH}
            aria-invalid=${name ? 'true' : 'false'}
            aria-describedby="new-group-name-error"
          />
          <p id="new-group-name-error" class="field-error">${name ?? ''}</p>
          <label for="new-group-members">${t('list.addMembers')}</label>
          <input
            id="new-group-members"
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            aria-invalid=${members ? 'true' : 'false'}
            aria-describedby="new-group-members-hint new-group-members-error"
          />
          <p id="new-group-members-hint" class="hint">${t('list.memberIdsHint')}</p>
          <p id="new-group-members-error" class="field-error">${members ?? ''}</p>
        </div>
        ${this.renderNotice(this.dialogNotice)}
        <div class="actions">
          <button class="secondary" type="button" @click=${() => this.newDialog.close()}>${t('common.cancel')}</button>
          <button class="primary" type="submit" ?disabled=${this.dialogBusy} aria-busy=${this.dialogBusy ? 'true' : 'false'}>
            ${this.dialogBusy ? t('common.loading') : t('common.create')}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  private renderConfirmDialog() {
    const i18n = this.i18n;
    const name = this.deleting ? conversationName(this.deleting, i18n) : '';
    return html`<dialog
      class="confirm"
      part="dialog"
      role="alertdialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      @close=${this.onConfirmClose}
    >
      <h2 id="confirm-title">${i18n.t('list.deleteTitle')}</h2>
      <p id="confirm-text">${i18n.t('list.deleteConfirm', { name: isolate(name) })}</p>
      <div class="actions">
        <button class="secondary cancel" type="button" @click=${() => this.confirmDialog.close()}>${i18n.t('common.cancel')}</button>
        <button class="danger" type="button" @click=${this.confirmDelete}>${i18n.t('common.delete')}</button>
      </div>
    </dialog>`;
  }

  protected override render() {
    const i18n = this.i18n;
    const rows = this.rows();
    const userSession = this.connection.client?.mode === 'user';
    const searching = this.query.trim() !== '';
    const status = !userSession
      ? ''
      : !this.list.loaded
        ? this.skeleton
          ? i18n.t('list.loading')
          : ''
        : searching && rows.length === 0 && this.list.conversations.length > 0
          ? i18n.t('list.noResults', { query: isolate(this.query.trim()) })
          : '';
    return html`<div class="base" part="base" dir=${i18n.dir}>
      <header part="header">
        <h2 part="title">${this.heading ?? i18n.t('list.title')}</h2>
        <button class="new" part="new-button" type="button" aria-haspopup="dialog" ?disabled=${!userSession} @click=${this.openNewChat}>
          ${composeIcon()}<span class="new-label">${i18n.t('list.newChat')}</span>
        </button>
      </header>
      <div class="search" part="search" role="search">
        ${searchIcon()}
        <input
          type="search"
          part="search-input"
          aria-label=${i18n.t('list.search')}
          placeholder=${i18n.t('list.searchPlaceholder')}
          autocomplete="off"
          spellcheck="false"
          .value=${this.query}
          ?disabled=${!userSession}
          @input=${this.onSearchInput}
          @keydown=${this.onSearchKeyDown}
        />
      </div>
      ${this.renderNotice(this.notice, () => (this.notice = undefined))}
      <div class="scroller" @scroll=${this.onScroll}>
        ${this.renderBody(rows)}
        <p class="status ${status && this.list.loaded ? '' : 'visually-hidden'}" role="status">${status}</p>
      </div>
      ${this.renderMenu()} ${this.renderNewChatDialog()} ${this.renderConfirmDialog()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-conversation-list': ImConversationList;
  }
}
