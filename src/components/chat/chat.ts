import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LIMITS } from '../../protocol/limits.js';
import type { JsonValue } from '../../protocol/models.js';
import { receiptsOf, type CachedConversation, type CachedMessage } from '../../sdk/cache/types.js';
import { IMError } from '../../sdk/errors.js';
import '../composer/composer.js';
import type { ImComposer } from '../composer/composer.js';
import type { ComposerDisabledReason } from '../composer/composer.js';
import { SelectionController } from '../context.js';
import { ClientController } from '../controllers/client-controller.js';
import { MessagesController } from '../controllers/messages-controller.js';
import { LocaleController } from '../i18n/locale-controller.js';
import type { StringKey } from '../i18n/types.js';
import '../message/message.js';
import { previewText, typeOf } from '../message/content.js';
import type { MessageReceipt } from '../message/message.js';
import type { ImMessageActionEvent, ImMessageJumpEvent, ImMessageReactEvent, ImMessageRetryEvent } from '../message/events.js';
import '../message-list/message-list.js';
import type { ImMessageList, ListRow } from '../message-list/message-list.js';
import type { DialogHost } from './dialogs.js';
import type { ChatSearch } from './search.js';
import type { Avatars } from '../styles/avatar.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './chat.styles.js';
import { cleanText } from '../../protocol/text.js';

const PAGE = 50;
/** Conversations with more members than this show in large-room mode unless `mode` says otherwise. */
const LARGE_ROOM_MEMBERS = 500;
/** Messages of one sender within this time of each other form a group (one name, one avatar). */
const GROUP_WINDOW_MS = 5 * 60 * 1000;

/** Text of a message's content for plain uses (copy, previews of room messages). */
export function contentText(content: JsonValue): string {
  if (typeof content === 'string') return content;
  if (content && typeof content === 'object' && !Array.isArray(content) && typeof content.text === 'string') return content.text;
  return JSON.stringify(content);
}

const STATE_KEYS = {
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  reconnecting: 'connection.reconnecting',
  disconnected: 'connection.offline',
  kicked: 'connection.disconnected',
} as const satisfies Record<string, StringKey>;

const KICK_REASONS: Partial<Record<string, StringKey>> = {
  TICKET_EXPIRED: 'connection.reason.expired',
  TICKET_INVALID: 'connection.reason.invalid',
  TOKEN_INVALID: 'connection.reason.invalid',
  ROOM_UNBOUND: 'connection.reason.roomClosed',
  TOO_MANY_CONNECTIONS: 'connection.reason.tooManyConnections',
  SERVER_SHUTDOWN: 'connection.reason.serverShutdown',
  ORIGIN_NOT_ALLOWED: 'connection.reason.originNotAllowed',
};

const keyOf = (m: CachedMessage): string => `${m.senderId}/${m.clientMsgId}`;

interface MessageRow extends ListRow {
  kind: 'message' | 'tip';
  message: CachedMessage;
  own: boolean;
  grouped: 'single' | 'first' | 'middle' | 'last';
  showSender: boolean;
}
interface LabelRow extends ListRow {
  kind: 'day' | 'unread' | 'tip';
  label: string;
}
type Row = MessageRow | LabelRow;

/**
 * Room-session messages carry any JSON and have no user-session operations (reply, react,
 * recall): shown without a type, a message renders its text (or a custom card) and offers copy.
 */
const roomViews = new WeakMap<CachedMessage, CachedMessage>();
function displayed(message: CachedMessage, roomSession: boolean): CachedMessage {
  if (!roomSession || message.type === undefined) return message;
  let view = roomViews.get(message);
  if (!view) {
    const { type: _type, ...untyped } = message;
    view = untyped;
    roomViews.set(message, view);
  }
  return view;
}

/**
 * A conversation: its history (virtualised: any length, at most 60 rows in the page) and live
 * messages of every type, replies, reactions, receipts, recall and edit, a composer with
 * emoji, mentions and attachments, typing and presence, and the connection state.
 *
 * @summary The chat view of one conversation (by default the selected one, or the room of the provider's token).
 * @csspart base - The whole chat.
 * @csspart header - The header with the title, the subtitle and the connection state.
 * @csspart title - The conversation's name.
 * @csspart subtitle - Members, online count, presence or who is typing.
 * @csspart state - The connection state.
 * @csspart banner - The offline or disconnected banner.
 * @csspart log - The message list (see `<im-message-list>`).
 * @csspart message - Each `<im-message>` (own ones also `own-message`).
 * @csspart composer - The `<im-composer>`.
 * @csspart jump-unread - The "Jump to first unread" button.
 * @csspart dialog - The message details and confirmation dialogs.
 * @cssproperty --im-chat-bg - Background.
 * @cssproperty --im-chat-border - Outer border.
 * @cssproperty --im-chat-radius - Outer corner radius.
 * @cssproperty --im-chat-header-bg - Header background.
 * @cssproperty --im-chat-header-text - Header text colour.
 * @cssproperty --im-chat-divider - Colour of the unread divider.
 * @cssproperty --im-chat-day-text - Colour of the day separators.
 * @cssproperty --im-chat-own-bubble-bg - Background of your own messages.
 * @cssproperty --im-chat-own-bubble-text - Text colour of your own messages.
 * @cssproperty --im-chat-bubble-bg - Background of other people's messages.
 * @cssproperty --im-chat-bubble-text - Text colour of other people's messages.
 * @cssproperty --im-chat-bubble-radius - Bubble corner radius.
 * @cssproperty --im-chat-gap - Space between groups of messages.
 * @fires im-message-send - The user sends a message (cancelable: cancel to stop the send).
 * @fires im-message-action - The user picked an action on a message (cancelable: cancel to handle it yourself).
 */
@customElement('im-chat')
export class ImChat extends LitElement {
  static override styles = [sharedStyles, styles];

  /** The conversation to show; defaults to the provider's selection, then to the room of its token. */
  @property({ attribute: 'conversation-id' }) conversationId: string | undefined;
  /** Title in the header; defaults to the conversation's name. */
  @property() heading: string | undefined;
  /** `light` or `dark`; follows `prefers-color-scheme` when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;
  /**
   * `live`: large-room mode (renders in batches per animation frame, no per-user receipts,
   * "several people are typing"); `normal`: never; `auto` (default): live for room sessions and
   * conversations over 500 members.
   */
  @property() mode: 'auto' | 'live' | 'normal' = 'auto';
  /** Renders custom messages (return undefined for the built-in fallback). */
  @property({ attribute: false }) renderCustom: ((message: CachedMessage) => unknown) | undefined;
  /** Display names for user ids (senders, mentions, receipts); defaults to the id. */
  @property({ attribute: false }) names: ((userId: string) => string) | undefined;
  /** Picture URLs of users for the senders' avatars; initials when not given. */
  @property({ attribute: false }) avatars: Avatars | undefined;

  @state() private olderState: 'idle' | 'loading' | 'done' | 'error' = 'idle';
  @state() private conversation: CachedConversation | undefined;
  @state() private replyTo: CachedMessage | undefined;
  @state() private editing: CachedMessage | undefined;
  @state() private highlighted: string | undefined;
  @state() private typers: string[] = [];
  @state() private peerOnline: boolean | undefined;
  @state() private notice: string | undefined;
  @state() private announcement = '';
  /** The search panel is open. */
  @state() private searching = false;
  @state() private unreadFrom: number | undefined;
  @state() private unreadSeen = true;
  @state() private details: CachedMessage | undefined;
  /** The message that takes Tab (roving focus); the newest one until the reader moves. */
  @state() private focusKey: string | undefined;
  @state() private confirming: { action: 'recall' | 'delete'; message: CachedMessage } | undefined;

  @query('im-message-list') private list!: ImMessageList;
  @query('im-composer') private composer!: ImComposer;
  @query('dialog.details') private detailsDialog!: HTMLDialogElement;
  @query('dialog.confirm') private confirmDialog!: HTMLDialogElement;

  private readonly connection = new ClientController(this);
  private readonly selection = new SelectionController(this);
  private readonly locale = new LocaleController(this);
  private readonly view = new MessagesController(this, PAGE, () => {
    this.olderState = 'idle';
    this.replyTo = undefined;
    this.editing = undefined;
    this.unreadFrom = undefined;
    this.unreadSeen = true;
    this.typers = [];
    this.peerOnline = undefined;
  });
  private offConversation: (() => void) | undefined;
  private offClient: (() => void) | undefined;
  private watched: string | undefined;
  private rows: Row[] = [];
  private rowsFor: unknown[] = [];
  private bySeq = new Map<number, CachedMessage>();
  private atBottom = true;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onVisibility = () => this.markReadSoon();

  /** The conversation shown. */
  get activeConversation(): string | undefined {
    return this.conversationId ?? this.selection.conversationId ?? (this.connection.client?.conversationId || undefined);
  }

  private get large(): boolean {
    if (this.mode !== 'auto') return this.mode === 'live';
    return this.connection.client?.mode === 'room' || (this.conversation?.memberCount ?? 0) > LARGE_ROOM_MEMBERS;
  }

  private t(key: StringKey, params?: Record<string, string | number>): string {
    return this.locale.t(key, params);
  }

  private nameOf = (userId: string): string => cleanText(this.names?.(userId) ?? '') || userId;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.unwatch();
    clearTimeout(this.readTimer);
    clearTimeout(this.highlightTimer);
  }

  /** In large rooms, updates wait for the next animation frame: a busy room renders once a frame. */
  protected override async scheduleUpdate(): Promise<void> {
    if (this.large) await new Promise((resolve) => requestAnimationFrame(resolve));
    super.scheduleUpdate();
  }

  private unwatch(): void {
    this.offConversation?.();
    this.offClient?.();
    this.offConversation = undefined;
    this.offClient = undefined;
    this.watched = undefined;
  }

  /** Follows the shown conversation's record, who types in it, presence and live messages. */
  private watch(): void {
    const client = this.connection.client;
    const id = this.activeConversation;
    const key = client && id ? `${client.userId}/${id}` : undefined;
    if (key === this.watched) return;
    this.unwatch();
    this.watched = key;
    this.conversation = undefined;
    this.searchPanel?.reset();
    this.searching = false;
    if (!client || !id || !this.isConnected) return;
    const offs: (() => void)[] = [];
    if (client.mode === 'user') {
      offs.push(
        client.conversations.observe(async (list) => {
          // Left and deleted-for-me conversations are not listed, but the chat still shows them.
          const next = list.find((c) => c.id === id) ?? (await client.conversations.get(id));
          if (this.watched !== key) return;
          if (next && !this.conversation && this.unreadFrom === undefined && next.unreadCount > 0) {
            // Where this reader's unread messages start, as it was when the conversation opened.
            this.unreadFrom = next.readSeq + 1;
            this.unreadSeen = false;
          }
          this.conversation = next;
          if (next?.type === 'direct' && next.peerId && this.peerOnline === undefined) {
            this.peerOnline = client.presence.isOnline(next.peerId);
            client.presence.query([next.peerId]).then(
              ([online]) => (this.peerOnline = online === next.peerId),
              () => undefined,
            );
          }
          this.markReadSoon();
        }),
        client.on('typing', ({ conversationId, userIds }) => {
          if (conversationId === id) this.typers = userIds.filter((userId) => userId !== client.userId);
        }),
        client.on('presence', ({ userId, online }) => {
          if (this.conversation?.peerId === userId) this.peerOnline = online;
        }),
      );
    }
    offs.push(
      client.on('message', (message, { history }) => {
        if (history || message.conversationId !== id || message.senderId === client.userId || message.type === 'tip') return;
        // New messages are announced politely; the log itself is not live (it re-renders as it scrolls).
        this.announcement = `${this.nameOf(message.senderId)}: ${this.previewText(message)}`;
      }),
    );
    this.offClient = () => offs.forEach((off) => off());
  }

  private previewText(message: CachedMessage): string {
    return previewText(typeOf(message), message.content, this.locale);
  }


  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.view.watch(this.connection.client, this.activeConversation, this.connection.classId);
    this.watch();
    this.buildRows();
  }

  /** Rows for the list (day separators, unread divider, grouping), rebuilt only when their inputs changed. */
  private buildRows(): void {
    const client = this.connection.client;
    const inputs = [this.view.messages, this.unreadFrom, this.olderState, this.view.loading, client, this.locale.locale, this.conversation?.type];
    if (inputs.every((value, index) => value === this.rowsFor[index])) return;
    this.rowsFor = inputs;
    const self = client?.userId;
    const grouping = this.conversation?.type !== 'direct';
    const rows: Row[] = [];
    const bySeq = new Map<number, CachedMessage>();
    if (this.olderState === 'done') rows.push({ key: 'beginning', kind: 'tip', label: this.t('chat.beginning') });
    else if (this.olderState === 'loading') rows.push({ key: 'loading', kind: 'tip', label: this.t('common.loading') });
    else if (this.olderState === 'error') rows.push({ key: 'older-error', kind: 'tip', label: this.t('chat.loadEarlierFailed') });
    let previous: CachedMessage | undefined;
    let dividerPlaced = false;
    const messageRows: MessageRow[] = [];
    for (const raw of this.view.messages) {
      const message = displayed(raw, client?.mode === 'room');
      if (message.seq !== undefined) bySeq.set(message.seq, message);
      const time = message.time ?? message.createdAt;
      const day = new Date(time).toDateString();
      const newDay = !previous || new Date(previous.time ?? previous.createdAt).toDateString() !== day;
      if (newDay) rows.push({ key: `day:${day}`, kind: 'day', label: this.locale.formatDay(time) });
      if (!dividerPlaced && this.unreadFrom !== undefined && message.seq !== undefined && message.seq >= this.unreadFrom && message.senderId !== self) {
        rows.push({ key: 'unread', kind: 'unread', label: this.t('chat.unreadDivider') });
        dividerPlaced = true;
      }
      const own = message.senderId === self;
      const tip = message.type === 'tip';
      const joins =
        !newDay && !tip && previous !== undefined && previous.type !== 'tip' && previous.senderId === message.senderId && time - (previous.time ?? previous.createdAt) < GROUP_WINDOW_MS;
      const row: MessageRow = { key: keyOf(message), kind: tip ? 'tip' : 'message', message, own, grouped: 'single', showSender: grouping && !own && !tip && !joins, countsAsNew: !own && !tip };
      const before = messageRows.at(-1);
      if (joins && before) {
        before.grouped = before.grouped === 'single' ? 'first' : before.grouped === 'last' ? 'middle' : before.grouped;
        row.grouped = 'last';
      }
      messageRows.push(row);
      rows.push(row);
      previous = message;
    }
    if (this.view.messages.length === 0 && !this.view.loading && client) rows.push({ key: 'empty', kind: 'tip', label: this.t('chat.empty') });
    this.rows = rows;
    this.bySeq = bySeq;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const keys = changed as Map<string, unknown>;
    if (keys.has('details') && this.details && !this.detailsDialog?.open) this.detailsDialog?.showModal();
    if (keys.has('confirming') && this.confirming && !this.confirmDialog?.open) this.confirmDialog?.showModal();
    // Rows render from the chat's state (receipts, names, highlight): the list renders again
    // whenever the chat does, and each message only when what it shows has changed.
    this.list?.requestUpdate();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Marks what the reader has in front of them as read (at the bottom, tab visible). */
  private markReadSoon(): void {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const client = this.connection.client;
      const conversation = this.conversation;
      if (!client || client.mode !== 'user' || !conversation || document.visibilityState !== 'visible' || !this.atBottom) return;
      if (conversation.readSeq >= conversation.lastSeq && conversation.unreadCount === 0) return;
      client.conversations.markRead(conversation.id).catch(() => undefined);
    }, 300);
  }

  private onBottomChange(event: CustomEvent<{ atBottom: boolean }> | Event): void {
    this.atBottom = (event as CustomEvent<{ atBottom: boolean }>).detail.atBottom;
    this.markReadSoon();
  }

  private onVisibleChange(event: Event): void {
    if (this.unreadSeen || this.unreadFrom === undefined) return;
    const { first } = (event as CustomEvent<{ first: string | undefined }>).detail;
    const firstIndex = this.rows.findIndex((row) => row.key === first);
    const dividerIndex = this.rows.findIndex((row) => row.key === 'unread');
    if (dividerIndex >= 0 && firstIndex >= 0 && firstIndex <= dividerIndex) this.unreadSeen = true;
  }

  private async loadOlder(): Promise<void> {
    const client = this.connection.client;
    const conversationId = this.activeConversation;
    if (!client || !conversationId || this.olderState === 'loading' || this.olderState === 'done') return;
    this.olderState = 'loading';
    try {
      const oldestShown = this.view.messages.find((m) => m.seq !== undefined)?.seq ?? Number.MAX_SAFE_INTEGER;
      const { hasMore } = await client.messages.loadOlder(conversationId, oldestShown, PAGE);
      // Ask again only once the older page is in the view (it is read from the cache).
      await this.view.grow(PAGE);
      this.olderState = hasMore ? 'idle' : 'done';
    } catch (error) {
      this.olderState = error instanceof IMError && error.code === 'NOT_CONNECTED' ? 'idle' : 'error';
    }
    await this.updateComplete;
    if (this.olderState === 'idle') this.list?.rearmNearTop();
  }

  /** Shows a message by seq: loads older pages until it is in the view (or there is no more). */
  private async jumpTo(seq: number): Promise<void> {
    for (let guard = 0; guard < 40 && !this.bySeq.has(seq) && this.olderState !== 'done'; guard += 1) {
      await this.loadOlder();
      await this.updateComplete;
      if (this.olderState === 'error') break;
    }
    const message = this.bySeq.get(seq);
    if (!message) {
      this.notice = this.t('reply.notFound');
      return;
    }
    this.list.scrollToKey(keyOf(message));
    this.highlighted = keyOf(message);
    clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => (this.highlighted = undefined), 2000);
  }

  private async jumpToUnread(): Promise<void> {
    this.unreadSeen = true;
    if (this.unreadFrom === undefined) return;
    for (let guard = 0; guard < 40 && !this.rows.some((row) => row.key === 'unread') && this.olderState !== 'done'; guard += 1) {
      await this.loadOlder();
      await this.updateComplete;
    }
    this.list.scrollToKey('unread', 'start');
  }

  // ---------------------------------------------------------------------------------------------
  // Message actions

  private fail(error: unknown): void {
    this.notice = error instanceof IMError ? this.t('status.failedReason', { reason: error.message }) : this.t('common.error');
  }

  private onAction(event: ImMessageActionEvent): void {
    if (event.defaultPrevented) return;
    const { action, message, emoji } = event.detail;
    const client = this.connection.client;
    if (!client) return;
    this.notice = undefined;
    switch (action) {
      case 'reply':
        this.editing = undefined;
        this.replyTo = message;
        void this.updateComplete.then(() => this.composer?.focus());
        break;
      case 'edit':
        this.replyTo = undefined;
        this.editing = message;
        void this.updateComplete.then(() => this.composer?.focus());
        break;
      case 'recall':
      case 'delete':
        void this.withDialogs(() => (this.confirming = { action, message }));
        break;
      case 'react':
        if (emoji && message.seq !== undefined) {
          const reactions = message.reactions ?? {};
          const on = !(Object.hasOwn(reactions, emoji) ? reactions[emoji]! : []).includes(client.userId);
          client.messages.react(message.conversationId, message.seq, emoji, on).catch((error: unknown) => this.fail(error));
        }
        break;
      case 'details':
        void this.withDialogs(() => (this.details = message));
        break;
      case 'copy':
        break;
    }
  }

  private onReact(event: ImMessageReactEvent): void {
    const { message, emoji, on } = event.detail;
    if (message.seq === undefined) return;
    this.connection.client?.messages.react(message.conversationId, message.seq, emoji, on).catch((error: unknown) => this.fail(error));
  }

  private onRetry(event: ImMessageRetryEvent): void {
    const { message } = event.detail;
    this.notice = undefined;
    this.connection.client?.messages.retry(message.conversationId, message.clientMsgId).catch((error: unknown) => this.fail(error));
  }

  private async confirm(): Promise<void> {
    const pending = this.confirming;
    this.confirmDialog?.close();
    this.confirming = undefined;
    const client = this.connection.client;
    if (!pending || !client) return;
    const { action, message } = pending;
    try {
      if (action === 'recall' && message.seq !== undefined) await client.messages.recall(message.conversationId, message.seq);
      else if (action === 'delete' && message.seq !== undefined) await client.messages.deleteForMe(message.conversationId, message.seq);
      else if (action === 'delete') await client.messages.cancel(message.conversationId, message.clientMsgId);
    } catch (error) {
      this.fail(error);
    }
  }

  private onDrop(event: DragEvent): void {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0 || !this.composer || this.connection.client?.mode !== 'user') return;
    event.preventDefault();
    void this.composer.addFiles(files);
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private receiptOf(message: CachedMessage): MessageReceipt | undefined {
    const conversation = this.conversation;
    if (message.status === 'failed') return { status: 'failed', direct: conversation?.type === 'direct' };
    if (message.status === 'sending') return { status: 'sending', direct: conversation?.type === 'direct' };
    if (!conversation?.receipts || this.large) return { status: 'sent', direct: conversation?.type === 'direct' };
    const { status, readBy } = receiptsOf(conversation, message);
    return { status, readCount: readBy.length, memberCount: Math.max(0, conversation.memberCount - 1), direct: conversation.type === 'direct' };
  }

  private renderRow = (row: ListRow): unknown => {
    const item = row as Row;
    if (!('message' in item)) {
      return html`<div class="label ${item.kind}"><span>${item.label}</span></div>`;
    }
    const client = this.connection.client;
    const { message, own } = item;
    const quotedSeq = message.replyTo?.seq;
    const group = this.conversation?.type === 'group' || client?.mode === 'room' || this.conversation?.type === 'room';
    return html`<im-message
      part=${own ? 'message own-message' : 'message'}
      .message=${message}
      ?own=${own}
      .client=${client}
      sender-name=${this.nameOf(message.senderId)}
      ?show-sender=${item.showSender}
      ?show-avatar=${group && !own}
      grouped=${item.grouped}
      .receipt=${own ? this.receiptOf(message) : undefined}
      .quoted=${quotedSeq !== undefined ? this.bySeq.get(quotedSeq) : undefined}
      tabindex=${item.key === this.rovingKey() ? '0' : '-1'}
      ?highlighted=${this.highlighted === item.key}
      ?large-room=${this.large}
      ?can-recall-all=${this.conversation?.type === 'group' && this.conversation.ownerId === client?.userId}
      .renderCustom=${this.renderCustom}
      .names=${this.names}
      .avatars=${this.avatars}
      self-id=${client?.userId ?? ''}
      theme=${this.theme ?? nothing}
    ></im-message>`;
  };

  /** Keys of the rows that are messages (tips excluded), oldest first. */
  private messageKeys(): string[] {
    return this.rows.filter((row) => row.kind === 'message').map((row) => row.key);
  }

  private rovingKey(): string | undefined {
    const keys = this.messageKeys();
    return this.focusKey !== undefined && keys.includes(this.focusKey) ? this.focusKey : keys.at(-1);
  }

  /** Arrows, Home/End and Page keys move between messages; the list scrolls the next one in. */
  private async onListKeyDown(event: KeyboardEvent): Promise<void> {
    const target = event.composedPath()[0];
    if (!(target instanceof HTMLElement) || target.localName !== 'im-message') return;
    const keys = this.messageKeys();
    const current = keys.indexOf(this.rovingKey() ?? '');
    const step = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 }[event.key];
    let next: number;
    if (step !== undefined) next = Math.min(keys.length - 1, Math.max(0, current + step));
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = keys.length - 1;
    else return;
    event.preventDefault();
    const key = keys[next];
    if (key === undefined) return;
    this.focusKey = key;
    this.list.scrollToKey(key, 'center');
    await this.updateComplete;
    await this.list.updateComplete;
    this.list.rowElement(key)?.querySelector<HTMLElement>('im-message')?.focus();
  }

  private onListFocusIn(event: FocusEvent): void {
    const message = event.composedPath().find((node): node is HTMLElement => node instanceof HTMLElement && node.localName === 'im-message');
    const key = message?.closest<HTMLElement>('.row')?.dataset.key;
    if (key && key !== this.focusKey) this.focusKey = key;
  }

  private headingText(): string {
    const conversation = this.conversation;
    const client = this.connection.client;
    if (this.heading) return this.heading;
    if (conversation?.type === 'system') return this.t('conversation.system');
    if (conversation?.type === 'direct' && conversation.peerId) return this.nameOf(conversation.peerId);
    if (conversation?.name) return conversation.name;
    if (client?.mode === 'room') return client.roomId;
    return this.t('conversation.untitled');
  }

  private subtitle(): string {
    const client = this.connection.client;
    const typers = this.typers;
    if (typers.length > 0) {
      if (this.conversation?.type === 'direct') return this.t('typing.direct');
      if (typers.length > 2 || this.large) return typers.length === 1 && !this.large ? this.t('typing.one', { name: this.nameOf(typers[0]!) }) : this.t('typing.several');
      if (typers.length === 2) return this.t('typing.two', { a: this.nameOf(typers[0]!), b: this.nameOf(typers[1]!) });
      return this.t('typing.one', { name: this.nameOf(typers[0]!) });
    }
    if (client?.mode === 'room') return client.roomOnline > 0 && this.connection.state === 'connected' ? this.t('conversation.online', { count: client.roomOnline }) : '';
    const conversation = this.conversation;
    if (!conversation) return '';
    if (conversation.type === 'direct') return this.peerOnline === undefined ? '' : this.t(this.peerOnline ? 'presence.online' : 'presence.offline');
    if (conversation.type === 'group' || conversation.type === 'room') return this.t('conversation.members', { count: conversation.memberCount });
    return '';
  }

  private disabledReason(): ComposerDisabledReason | undefined {
    const client = this.connection.client;
    if (!client) return 'signed-out';
    if (this.conversation?.type === 'system') return 'read-only';
    if (this.conversation?.left) return 'not-member';
    return undefined;
  }

  private renderBanner() {
    const { state, reason, client } = this.connection;
    if (!client) return html`<p class="banner" part="banner" data-kind="error" role="status">${this.t('composer.signedOut')}</p>`;
    if (state === 'kicked' || (state === 'disconnected' && reason)) {
      const known = reason ? KICK_REASONS[reason.code] : undefined;
      return html`<p class="banner" part="banner" data-kind="error" role="status">
        ${this.t('connection.kicked', { reason: known ? this.t(known) : (reason?.message ?? '') })}
      </p>`;
    }
    if (state === 'reconnecting' || state === 'disconnected') {
      return html`<p class="banner" part="banner" role="status">${this.t('connection.offlineHint')}</p>`;
    }
    return nothing;
  }

  private readonly newBelowLabel = (count: number): string => this.t('chat.newMessages', { count });

  /** Search in the conversation: its own chunk, loaded the first time it opens. */
  private searchPanel: ChatSearch | undefined;

  /** Opens the search in this conversation (the messages kept on this device), searching `query` if given. */
  async openSearch(query?: string): Promise<void> {
    if (!this.searchPanel) {
      const { ChatSearch } = await import('./search.js');
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const host = this;
      const root = this.renderRoot as ShadowRoot;
      this.searchPanel ??= new ChatSearch({
        locale: this.locale,
        nameOf: (userId) => this.nameOf(userId),
        get names() {
          return host.names;
        },
        client: () => this.connection.client,
        conversationId: () => this.activeConversation,
        update: () => this.requestUpdate(),
        root: () => root,
        jumpTo: (seq) => void this.jumpTo(seq),
        closed: () => {
          this.searching = false;
          void this.updateComplete.then(() => root.querySelector<HTMLElement>('.search-button')?.focus());
        },
      });
      if (!root.adoptedStyleSheets.includes(ChatSearch.styles.styleSheet!)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ChatSearch.styles.styleSheet!];
    }
    this.searching = true;
    if (query !== undefined) this.searchPanel.find(query);
    await this.updateComplete;
    this.searchPanel.focus();
  }

  /** The details and confirmation dialogs: their own chunk, loaded the first time one opens. */
  private dialogs: typeof import('./dialogs.js') | undefined;

  private async withDialogs(open: () => void): Promise<void> {
    if (!this.dialogs) {
      const dialogs = await import('./dialogs.js');
      if (!this.dialogs) {
        this.dialogs = dialogs;
        const root = this.renderRoot as ShadowRoot;
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, dialogs.dialogStyles.styleSheet!];
      }
    }
    open();
  }

  /** What the dialogs need of the chat. */
  private dialogHost(): DialogHost {
    return {
      t: (key, params) => this.t(key, params),
      nameOf: this.nameOf,
      tag: this.locale.tag,
      details: this.details,
      confirming: this.confirming,
      conversation: this.conversation,
      large: this.large,
      selfId: this.connection.client?.userId,
      closeDetails: () => (this.details = undefined),
      closeConfirm: () => (this.confirming = undefined),
      confirm: () => void this.confirm(),
    };
  }

  protected override render() {
    const { state, client } = this.connection;
    const subtitle = this.subtitle();
    const showJump = !this.unreadSeen && this.unreadFrom !== undefined;
    return html`
      <div class="chat" part="base" dir=${this.locale.dir} lang=${this.locale.tag}>
        <header part="header">
          <div class="heading">
            <h2 part="title">${this.headingText()}</h2>
            ${subtitle ? html`<p class="subtitle" part="subtitle" data-typing=${this.typers.length > 0}>${subtitle}</p>` : nothing}
          </div>
          <span class="state" part="state" data-state=${state} role="status"><span class="dot" aria-hidden="true"></span>${this.t(STATE_KEYS[state])}</span>
          ${client && this.activeConversation
            ? html`<button
                class="search-button"
                part="search-button"
                type="button"
                aria-label=${this.t('search.open')}
                title=${this.t('search.open')}
                aria-expanded=${this.searching ? 'true' : 'false'}
                @click=${() => void this.openSearch()}
              >
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="11" cy="11" r="6.5" /><path d="m16 16 4.5 4.5" /></svg>
              </button>`
            : nothing}
        </header>
        ${this.renderBanner()}
        <div class="body" @dragover=${(event: DragEvent) => event.preventDefault()} @drop=${this.onDrop}>
          <im-message-list
            part="log"
            .rows=${this.rows}
            .renderRow=${this.renderRow}
            .newBelowLabel=${this.newBelowLabel}
            label=${this.t('chat.log')}
            ?busy=${this.view.loading || this.olderState === 'loading'}
            @im-list-near-top=${() => void this.loadOlder()}
            @keydown=${(event: KeyboardEvent) => void this.onListKeyDown(event)}
            @focusin=${this.onListFocusIn}
            @im-list-bottom-change=${this.onBottomChange}
            @im-list-visible-change=${this.onVisibleChange}
            @im-message-action=${this.onAction}
            @im-message-react=${this.onReact}
            @im-message-retry=${this.onRetry}
            @im-message-jump=${(event: ImMessageJumpEvent) => void this.jumpTo(event.detail.seq)}
          ></im-message-list>
          ${showJump
            ? html`<button class="jump-unread" part="jump-unread" type="button" @click=${() => void this.jumpToUnread()}>${this.t('chat.jumpToUnread')}</button>`
            : nothing}
          ${this.view.loading && client && this.view.messages.length === 0
            ? html`<p class="loading" role="status">${this.t('chat.loadingMessages')}</p>`
            : nothing}
          ${this.searching ? this.searchPanel?.render() : nothing}
        </div>
        <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
        ${this.notice ? html`<p class="banner" part="banner" data-kind="error" role="alert">${this.notice}</p>` : nothing}
        <im-composer
          part="composer"
          .client=${client}
          .names=${this.names}
          .avatars=${this.avatars}
          conversation-id=${this.activeConversation ?? nothing}
          .members=${this.conversation?.type === 'group' ? this.memberIds() : []}
          ?group=${this.conversation?.type === 'group'}
          .replyTo=${this.replyTo}
          reply-name=${this.replyTo ? this.nameOf(this.replyTo.senderId) : ''}
          .editing=${this.editing}
          disabled-reason=${this.disabledReason() ?? nothing}
          max-length=${client?.mode === 'room' ? LIMITS.CONTENT_MAX_BYTES : LIMITS.TEXT_MAX_LENGTH}
          theme=${this.theme ?? nothing}
          @im-composer-reply-cancel=${() => (this.replyTo = undefined)}
          @im-composer-edit-cancel=${() => (this.editing = undefined)}
          @im-message-send=${() => {
            this.replyTo = undefined;
            this.notice = undefined;
            this.list?.scrollToBottom();
          }}
        ></im-composer>
        ${this.dialogs ? this.dialogs.renderDialogs(this.dialogHost()) : nothing}
      </div>
    `;
  }

  /** Members a mention can name: those in the conversation's receipts (loaded for groups up to 500), else recent senders. */
  private memberIds(): string[] {
    const self = this.connection.client?.userId;
    const ids = new Set<string>(Object.keys(this.conversation?.receipts ?? {}));
    for (const message of this.view.messages) if (message.type !== 'tip') ids.add(message.senderId);
    ids.delete(self ?? '');
    return [...ids].sort();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-chat': ImChat;
  }
}
