import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { JsonValue } from '../../protocol/models.js';
import { receiptsOf, type CachedConversation, type CachedMessage } from '../../sdk/cache/types.js';
import { IMError } from '../../sdk/errors.js';
import { SelectionController } from '../context.js';
import { ClientController } from '../controllers/client-controller.js';
import { MessagesController } from '../controllers/messages-controller.js';
import { ImMessageSendEvent } from '../events.js';
import sharedStyles from '../styles/shared.styles.js';
import styles from './chat.styles.js';

const PAGE = 50;

/** Text shown for a message's content; user text is always rendered as text, never as HTML. */
export function contentText(content: JsonValue): string {
  if (typeof content === 'string') return content;
  if (content && typeof content === 'object' && !Array.isArray(content) && typeof content.text === 'string') {
    return content.text;
  }
  return JSON.stringify(content);
}

const STATE_LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
  kicked: 'Disconnected',
} as const;

const keyOf = (m: CachedMessage): string => `${m.senderId}/${m.clientMsgId}`;

/**
 * A conversation: its history and live messages, a composer, message states and the
 * connection state.
 *
 * @summary The chat view of one conversation (by default the one selected in the provider, else the room of its token).
 * @csspart header - The header with the title and the connection state.
 * @csspart log - The scrolling message list.
 * @csspart message - One message (own messages also have the part `own-message`).
 * @csspart bubble - The bubble around a message's text.
 * @csspart composer - The form with the text field and the send button.
 * @csspart input - The text field.
 * @csspart send-button - The send button.
 * @cssproperty --im-chat-bg - Background.
 * @cssproperty --im-chat-border - Outer border.
 * @cssproperty --im-chat-radius - Outer corner radius.
 * @cssproperty --im-chat-own-bubble-bg - Background of your own messages.
 * @cssproperty --im-chat-own-bubble-text - Text colour of your own messages.
 * @cssproperty --im-chat-bubble-bg - Background of other people's messages.
 * @cssproperty --im-chat-bubble-text - Text colour of other people's messages.
 * @cssproperty --im-chat-bubble-radius - Bubble corner radius.
 * @cssproperty --im-chat-gap - Space between groups of messages.
 * @fires im-message-send - The user sends a message (cancelable: cancel to stop the send).
 */
@customElement('im-chat')
export class ImChat extends LitElement {
  static override styles = [sharedStyles, styles];

  /**
   * The conversation to show; defaults to the one selected in the provider (by an
   * <im-conversation-list>), else the room of the provider's token.
   */
  @property({ attribute: 'conversation-id' }) conversationId: string | undefined;
  /** Title in the header; defaults to the room id. */
  @property() heading: string | undefined;
  /** `light` or `dark`; follows `prefers-color-scheme` when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @state() private draft = '';
  @state() private olderState: 'idle' | 'loading' | 'done' | 'error' = 'idle';
  @state() private notice: string | undefined;
  /** User sessions: the conversation shown (name, members' receipts). */
  @state() private conversation: CachedConversation | undefined;
  private offConversation: (() => void) | undefined;
  private watchedConversation: string | undefined;

  @query('.log') private log!: HTMLElement;
  @query('textarea') private input!: HTMLTextAreaElement;

  private readonly connection = new ClientController(this);
  /** The provider's selected conversation, shown when `conversationId` is unset. */
  private readonly selection = new SelectionController(this);
  private readonly view = new MessagesController(this, PAGE, () => {
    this.olderState = 'idle';
    this.scrollToEndOnce = true;
  });
  private stickToBottom = true;
  /** Set by our own send: show the end of the log once, wherever the reader was. */
  private scrollToEndOnce = false;
  /** The first visible message before an update and its distance from the top of the log. */
  private anchor: { key: string; offset: number } | undefined;
  private readonly timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  private readonly dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
  private readonly onlineFormat = new Intl.NumberFormat();

  private get activeConversation(): string | undefined {
    return this.conversationId ?? this.selection.conversationId ?? this.connection.client?.conversationId;
  }

  /** Follows the shown conversation's record in a user session (title and receipts). */
  private watchConversation(): void {
    const client = this.connection.client;
    const id = client?.mode === 'user' ? this.activeConversation : undefined;
    const key = id && client ? `${client.userId}/${id}` : undefined;
    if (key === this.watchedConversation) return;
    this.watchedConversation = key;
    this.offConversation?.();
    this.offConversation = undefined;
    this.conversation = undefined;
    if (client && id && this.isConnected) {
      this.offConversation = client.conversations.observe((list) => {
        this.conversation = list.find((c) => c.id === id);
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offConversation?.();
    this.offConversation = undefined;
    this.watchedConversation = undefined;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.view.watch(this.connection.client, this.activeConversation, this.connection.classId);
    this.watchConversation();
    if (this.log) {
      const { scrollTop, scrollHeight, clientHeight } = this.log;
      this.stickToBottom = scrollHeight - scrollTop - clientHeight < 48;
      this.anchor = undefined;
      for (const element of this.log.querySelectorAll<HTMLElement>('li.message')) {
        if (element.offsetTop + element.offsetHeight > scrollTop) {
          this.anchor = { key: element.dataset.key!, offset: element.offsetTop - scrollTop };
          break;
        }
      }
    }
  }

  protected override updated(): void {
    if (!this.log) return;
    if (this.stickToBottom || this.scrollToEndOnce) {
      this.log.scrollTop = this.log.scrollHeight;
      if (this.view.messages.length > 0) this.scrollToEndOnce = false;
      return;
    }
    // Keep what the reader was looking at in place when messages are added above it.
    const anchor = this.anchor && this.log.querySelector<HTMLElement>(`li.message[data-key="${CSS.escape(this.anchor.key)}"]`);
    if (anchor && this.anchor) this.log.scrollTop = anchor.offsetTop - this.anchor.offset;
  }

  private async loadOlder(): Promise<void> {
    const client = this.connection.client;
    const conversationId = this.activeConversation;
    if (!client || !conversationId || this.olderState === 'loading' || this.olderState === 'done') return;
    this.olderState = 'loading';
    try {
      const oldestShown = this.view.messages.find((m) => m.seq !== undefined)?.seq ?? Number.MAX_SAFE_INTEGER;
      const { hasMore } = await client.messages.loadOlder(conversationId, oldestShown, PAGE);
      this.view.grow(PAGE);
      this.olderState = hasMore ? 'idle' : 'done';
    } catch (error) {
      this.olderState = error instanceof IMError && error.code === 'NOT_CONNECTED' ? 'idle' : 'error';
    }
  }

  private onScroll(): void {
    if (this.log.scrollTop < 24 && this.olderState === 'idle' && this.view.messages.length >= PAGE) void this.loadOlder();
  }

  private async send(): Promise<void> {
    const client = this.connection.client;
    const conversationId = this.activeConversation;
    const text = this.draft.trim();
    if (!client || !conversationId || text === '') return;
    const event = new ImMessageSendEvent({ conversationId, content: text });
    if (!this.dispatchEvent(event)) return;
    this.draft = '';
    this.input.value = '';
    this.scrollToEndOnce = true;
    this.notice = undefined;
    try {
      await client.messages.send(conversationId, text);
    } catch (error) {
      // The message shows as failed with a retry; say why in the live region too.
      this.notice = error instanceof IMError ? `Message not sent: ${error.message}` : 'Message not sent';
    }
  }

  private retry(message: CachedMessage): void {
    this.notice = undefined;
    void this.connection.client?.messages.retry(message.conversationId, message.clientMsgId).catch((error: unknown) => {
      this.notice = error instanceof IMError ? `Message not sent: ${error.message}` : 'Message not sent';
    });
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.send();
    this.input.focus();
  }

  private renderBanner() {
    const { state, reason } = this.connection;
    if (!this.connection.client) {
      return html`<p class="banner" data-kind="error" role="status">Not connected: the provider has no token or user.</p>`;
    }
    if (state === 'kicked' || (state === 'disconnected' && reason)) {
      return html`<p class="banner" data-kind="error" role="status">
        Disconnected: ${reason?.message ?? 'the server ended this session'}.
      </p>`;
    }
    if (state === 'reconnecting' || state === 'disconnected') {
      return html`<p class="banner" role="status">Offline: messages will send when you reconnect.</p>`;
    }
    return nothing;
  }

  private renderStatus(message: CachedMessage) {
    // One element whose text changes: the log announces additions, not every status change.
    const label =
      message.status === 'failed'
        ? `Not sent${message.error ? `: ${message.error.message}` : ''}`
        : message.status === 'sending'
          ? 'Sending…'
          : this.receiptLabel(message);
    return html`<span class="status">${label}</span>${message.status === 'failed'
        ? html`<button class="retry" type="button" @click=${() => this.retry(message)}>Retry</button>`
        : nothing}`;
  }

  /** 'Sent', 'Delivered' or 'Read' (direct chats), 'Read by N' (groups), from the members' receipts. */
  private receiptLabel(message: CachedMessage): string {
    const conversation = this.conversation;
    if (!conversation?.receipts) return 'Sent';
    const { status, readBy } = receiptsOf(conversation, message);
    if (conversation.type === 'group') return readBy.length > 0 ? `Read by ${readBy.length}` : status === 'delivered' ? 'Delivered' : 'Sent';
    return status === 'read' ? 'Read' : status === 'delivered' ? 'Delivered' : 'Sent';
  }

  private renderMessages() {
    const own = this.connection.client?.userId;
    const items: unknown[] = [];
    let previous: CachedMessage | undefined;
    for (const message of this.view.messages) {
      const time = message.time ?? message.createdAt;
      const day = this.dayFormat.format(time);
      const newDay = !previous || this.dayFormat.format(previous.time ?? previous.createdAt) !== day;
      if (newDay) items.push(html`<li class="day">${day}</li>`);
      const grouped = !newDay && previous?.senderId === message.senderId;
      items.push({ message, grouped, own: message.senderId === own });
      previous = message;
    }
    return repeat(
      items,
      (item, index) => (typeof item === 'object' && item && 'message' in item ? keyOf((item as { message: CachedMessage }).message) : `day-${index}`),
      (item) => {
        if (!(typeof item === 'object' && item && 'message' in item)) return item;
        const { message, grouped, own } = item as { message: CachedMessage; grouped: boolean; own: boolean };
        const time = this.timeFormat.format(message.time ?? message.createdAt);
        return html`<li
          class="message ${own ? 'own' : ''} ${grouped ? '' : 'grouped-start'} ${message.status}"
          part="message ${own ? 'own-message' : ''}"
          data-key=${keyOf(message)}
          data-seq=${message.seq ?? ''}
          data-status=${message.status}
        >
          ${!own && !grouped ? html`<span class="sender">${message.senderId}</span>` : nothing}
          <div class="bubble" part="bubble">${own ? nothing : html`<span class="visually-hidden">${message.senderId}: </span>`}${contentText(message.content)}</div>
          <div class="meta">
            <time datetime=${new Date(message.time ?? message.createdAt).toISOString()}>${time}</time>
            ${own ? this.renderStatus(message) : nothing}
          </div>
        </li>`;
      },
    );
  }

  protected override render() {
    const { state } = this.connection;
    const title = this.heading ?? (this.conversation?.name || this.conversation?.peerId || this.connection.client?.roomId || 'Chat');
    const messages = this.view.messages;
    return html`
      <header part="header">
        <h2>${title}</h2>
        ${this.connection.client?.mode === 'room' && this.connection.client.roomOnline > 0 && state === 'connected'
          ? html`<span class="online">${this.onlineFormat.format(this.connection.client.roomOnline)} online</span>`
          : nothing}
        <span class="state" data-state=${state}><span class="dot" aria-hidden="true"></span>${STATE_LABELS[state]}</span>
      </header>
      ${this.renderBanner()}
      <div
        class="log"
        part="log"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-busy=${this.view.loading || this.olderState === 'loading' ? 'true' : 'false'}
        aria-label="Messages"
        tabindex="0"
        @scroll=${this.onScroll}
      >
        <ol class="items">
        ${messages.length >= PAGE && this.olderState !== 'done'
          ? html`<li>
              <button class="older" type="button" ?disabled=${this.olderState === 'loading'} @click=${() => this.loadOlder()}>
                ${this.olderState === 'loading'
                  ? 'Loading…'
                  : this.olderState === 'error'
                    ? 'Could not load earlier messages. Try again'
                    : 'Load earlier messages'}
              </button>
            </li>`
          : nothing}
        ${messages.length === 0
          ? html`<li class="empty">${this.view.loading ? 'Loading messages…' : 'No messages yet. Say hello!'}</li>`
          : this.renderMessages()}
        </ol>
      </div>
      ${this.notice ? html`<p class="banner" data-kind="error" role="alert">${this.notice}</p>` : nothing}
      <form part="composer" @submit=${this.onSubmit}>
        <textarea
          part="input"
          rows="1"
          aria-label="Message"
          placeholder="Write a message…"
          .value=${this.draft}
          @input=${(event: InputEvent) => (this.draft = (event.target as HTMLTextAreaElement).value)}
          @keydown=${this.onKeyDown}
          ?disabled=${!this.connection.client || state === 'kicked'}
        ></textarea>
        <button class="send" part="send-button" type="submit" ?disabled=${this.draft.trim() === '' || state === 'kicked'}>Send</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-chat': ImChat;
  }
}
