import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CachedConversation } from '../../sdk/cache/types.js';
import { totalUnread } from '../../sdk/client.js';
import { SelectionController } from '../context.js';
import { ClientController } from '../controllers/client-controller.js';
import { styleProps } from '../directives/style-props.js';
import { ImConversationSelectEvent, ImUnreadChangeEvent } from '../events.js';
import { LocaleController } from '../i18n/index.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './conversation-list.styles.js';
import { ConversationsController } from './conversations-controller.js';
import type Dialogs from './dialogs.js';
import { bellIcon, bellOffIcon, composeIcon, moreIcon, pinIcon, searchIcon } from './icons.js';
import type { ListHost } from './list-host.js';
import { renderNotice, type Notice } from './notice.js';
import { OnDemand } from './on-demand.js';
import type { MenuAnchor } from './row-menu.js';
import type RowMenu from './row-menu.js';
import { avatarImage, type Avatars } from '../styles/avatar.js';
import { conversationName, draftText, type Names, fold, hueOf, initialsOf, isolate, isPlainPreview, matchesQuery, messagePreview, typingText } from './row-text.js';

/** Row height until a rendered row was measured (4.5rem at 16px). */
const ROW_FALLBACK_PX = 72;
/** Rows rendered above and below the visible ones, so fast scrolling does not show gaps. */
const OVERSCAN = 6;
/** Skeleton rows appear only if the first read of the list takes longer than this. */
const SKELETON_DELAY_MS = 150;
const SKELETON_ROWS = 6;

/**
 * The signed-in user's conversations: search, unread badges, drafts, typing, pin / mute /
 * mark read / delete, and starting a direct chat or a group. Picking a conversation selects it
 * in the provider, so an `<im-chat>` next to the list (without a `conversation-id`) shows it.
 *
 * Keyboard: the list is one tab stop; ArrowUp/ArrowDown, Home/End, PageUp/PageDown move, Enter
 * or Space selects, Shift+F10 or the ContextMenu key opens the row's actions, Delete asks to
 * delete the conversation. ArrowDown in the search field moves into the list.
 *
 * The row menu and the dialogs are loaded on demand (chunks next to the bundle), starting when
 * the pointer or the focus comes to what opens them; an action taken before they arrive
 * completes once they have.
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
  /** Display names of users (direct chats, senders, tips, typing); the user id when not given. */
  @property({ attribute: false }) names: Names | undefined;
  /** Picture URLs for avatars: called with the peer's user id for direct chats, the conversation id for groups and rooms. */
  @property({ attribute: false }) avatars: Avatars | undefined;
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
  @state() private notice: Notice | undefined;
  /** Index of the first row in view, and the sizes the rendered window is computed from. */
  @state() private first = 0;
  @state() private rowPx = ROW_FALLBACK_PX;
  @state() private viewportPx = 0;

  @query('.scroller') private scroller!: HTMLElement;
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
  /** A row to focus once it is in the list (a conversation just created, the one after a deleted one). */
  private pendingFocus: string | undefined;
  /** The row that had focus before an update: a row moved by a re-sort gets it back. */
  private focusedRow: string | undefined;
  /** Folded name + preview of each conversation, for search; cleared when the language changes. */
  private searchText = new WeakMap<CachedConversation, string>();
  private searchLocale = '';
  private searchNames: Names | undefined;
  private filterMemo: { list: CachedConversation[]; query: string; locale: string; names: Names | undefined; result: CachedConversation[] } | undefined;

  /** What the on-demand parts use of the list. */
  private readonly host: ListHost = {
    i18n: this.i18n,
    client: () => this.connection.client,
    root: () => this.renderRoot as ShadowRoot,
    update: () => {
      this.requestUpdate();
      return this.updateComplete;
    },
    rows: () => this.rows(),
    find: (id) => this.list.conversations.find((c) => c.id === id),
    row: (id) => this.rowElement(id),
    focus: (id) => {
      if (id === undefined) return this.searchInput?.focus();
      this.pendingFocus = id;
      this.requestUpdate();
    },
    report: (notice) => (this.notice = notice),
    select: (id) => {
      this.query = '';
      this.pick(id);
    },
    deselect: (id) => {
      if (this.selected === id) this.selected = undefined;
    },
    askDelete: (id) => this.askDelete(id),
    prepareDialogs: () => this.dialogs.preload(),
    displayName: (conversation) => this.displayName(conversation),
  };
  /** Pin, mute, mark read, delete: the row menu, loaded when the pointer or the focus comes to a row. */
  private readonly menu = new OnDemand<RowMenu>(this.host, () => import('./row-menu.js'));
  /** New chat and the delete question, loaded when the pointer or the focus comes to what opens them. */
  private readonly dialogs = new OnDemand<Dialogs>(this.host, () => import('./dialogs.js'));

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

  /** The name a row shows (display names applied). */
  private displayName(conversation: CachedConversation): string {
    return conversationName(conversation, this.i18n, this.names);
  }

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
    if (memo && memo.list === list && memo.query === folded && memo.locale === locale && memo.names === this.names) return memo.result;
    if (locale !== this.searchLocale || this.names !== this.searchNames) {
      this.searchText = new WeakMap();
      this.searchLocale = locale;
      this.searchNames = this.names;
    }
    const result = list.filter((conversation) => {
      let text = this.searchText.get(conversation);
      if (text === undefined) {
        text = fold(`${this.displayName(conversation)}\n${messagePreview(conversation, this.me, this.i18n, this.names)}`);
        this.searchText.set(conversation, text);
      }
      return matchesQuery(text, folded);
    });
    this.filterMemo = { list, query: folded, locale, names: this.names, result };
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
    if (this.menu.value?.conversationId === id) return;
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
    // A focused row opens its menu with Shift+F10 or the ContextMenu key.
    if (id) this.menu.preload();
  }

  private onScroll(): void {
    const first = Math.floor(this.scroller.scrollTop / this.rowPx);
    if (first !== this.first) this.first = first;
    // The menu is placed next to its row: it would float away from it.
    if (this.menu.value?.conversationId) this.menu.value.close();
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

  // ——— On-demand parts ———

  /** Uses a part: at once when it is loaded, else once it is (a failed load shows an error). */
  private use<T>(part: OnDemand<T>, action: (part: T) => unknown): void {
    if (part.value) action(part.value);
    else part.get().then(action, () => (this.notice = { text: this.i18n.t('common.error') }));
  }

  private openMenu(conversationId: string, at: MenuAnchor): void {
    this.use(this.menu, (menu) => menu.show(conversationId, at));
  }

  private askDelete(conversationId: string): void {
    this.use(this.dialogs, (dialogs) => dialogs.askDelete(conversationId));
  }

  private openNewChat(event: Event): void {
    const opener = event.currentTarget as HTMLElement;
    this.use(this.dialogs, (dialogs) => dialogs.openNewChat(opener));
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
      if (element && this.shadowRoot!.activeElement !== element && !this.menu.value?.conversationId) element.focus({ preventScroll: true });
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
  }

  // ——— Rendering ———

  private renderAvatar(conversation: CachedConversation, name: string, online: boolean) {
    const picture = conversation.type === 'system' ? undefined : this.avatars?.(conversation.type === 'direct' ? (conversation.peerId ?? conversation.id) : conversation.id);
    return html`<span class="avatar ${conversation.type}" part="avatar" aria-hidden="true" ${styleProps({ '--im-avatar-hue': hueOf(conversation.id) })}
      >${conversation.type === 'system' ? bellIcon('avatar-icon') : initialsOf(name)}${avatarImage(picture)}${online ? html`<span class="online-dot"></span>` : nothing}</span
    >`;
  }

  /** The second line: typing, else the draft, else the last message (with the @-me mark). */
  private renderPreview(conversation: CachedConversation, typers: string[]) {
    const i18n = this.i18n;
    if (typers.length > 0) return html`<span class="typing">${typingText(typers, i18n, this.names)}</span>`;
    const mention = conversation.mentioned
      ? html`<span class="mention" aria-hidden="true">${i18n.t('list.mentionMark')}</span
          ><span class="visually-hidden">${i18n.t('list.mentioned')}, </span> `
      : nothing;
    const draft = draftText(conversation);
    if (draft) return html`${mention}<span class="draft">${i18n.t('list.draft')}</span> <bdi>${draft}</bdi>`;
    return html`${mention}${messagePreview(conversation, this.me, i18n, this.names)}`;
  }

  /**
   * One option. Its accessible name comes from its text, in reading order: name, online, pinned,
   * muted, time, preview line, unread count; hidden separators and words fill in what icons and
   * badges only show ("3" is read as "3 unread messages").
   */
  private renderRow(conversation: CachedConversation, index: number, count: number, activeId: string | undefined) {
    const i18n = this.i18n;
    const name = this.displayName(conversation);
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
      ${styleProps({ '--im-row-index': index })}
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
      ${styleProps({ '--im-row-count': count })}
      @click=${this.onListClick}
      @contextmenu=${this.onContextMenu}
      @keydown=${this.onListKeyDown}
      @focusin=${this.onFocusIn}
      @pointerover=${this.menu.preload}
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
        <button
          class="primary"
          type="button"
          aria-haspopup="dialog"
          @click=${this.openNewChat}
          @pointerenter=${this.dialogs.preload}
          @focus=${this.dialogs.preload}
        >
          ${composeIcon()}${this.i18n.t('list.newChat')}
        </button>
      </div>`;
    }
    if (rows.length === 0) return nothing; // the live region says "No chats match"
    return this.renderRows(rows);
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
        <button
          class="new"
          part="new-button"
          type="button"
          aria-haspopup="dialog"
          ?disabled=${!userSession}
          @click=${this.openNewChat}
          @pointerenter=${this.dialogs.preload}
          @focus=${this.dialogs.preload}
        >
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
      ${renderNotice(this.notice, i18n, () => (this.notice = undefined))}
      <div class="scroller" @scroll=${this.onScroll}>
        ${this.renderBody(rows)}
        <p class="status ${status && this.list.loaded ? '' : 'visually-hidden'}" role="status">${status}</p>
      </div>
      ${this.menu.value?.render()} ${this.dialogs.value?.render()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-conversation-list': ImConversationList;
  }
}
