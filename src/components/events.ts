import type { ConnectionState } from '../protocol/models.js';
import type { IMClient } from '../sdk/client.js';

/** Fired by <im-chat> when the user sends a message; cancel it to stop the send. */
export class ImMessageSendEvent extends Event {
  static readonly eventName = 'im-message-send';
  readonly detail: { conversationId: string; content: string };

  constructor(detail: { conversationId: string; content: string }) {
    super(ImMessageSendEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/** Fired by <im-provider> whenever it creates (or is given) a client. */
export class ImClientReadyEvent extends Event {
  static readonly eventName = 'im-client-ready';
  readonly detail: { client: IMClient };

  constructor(client: IMClient) {
    super(ImClientReadyEvent.eventName, { bubbles: true, composed: true });
    this.detail = { client };
  }
}

/** Fired by <im-provider> on every connection state change. */
export class ImConnectionChangeEvent extends Event {
  static readonly eventName = 'im-connection-change';
  readonly detail: { state: ConnectionState; reason?: { code: string; message: string } };

  constructor(detail: { state: ConnectionState; reason?: { code: string; message: string } }) {
    super(ImConnectionChangeEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * Fired by <im-conversation-list> when the user picks a conversation (click, Enter, Space, or
 * a conversation they just started). Cancel it to keep the current selection.
 */
export class ImConversationSelectEvent extends Event {
  static readonly eventName = 'im-conversation-select';
  readonly detail: { conversationId: string };

  constructor(detail: { conversationId: string }) {
    super(ImConversationSelectEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/**
 * Fired by <im-conversation-list> when the total of unread messages changes (muted and deleted
 * conversations do not count), also for the first list it reads when that has unread messages.
 */
export class ImUnreadChangeEvent extends Event {
  static readonly eventName = 'im-unread-change';
  readonly detail: { total: number };

  constructor(detail: { total: number }) {
    super(ImUnreadChangeEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'im-message-send': ImMessageSendEvent;
    'im-client-ready': ImClientReadyEvent;
    'im-connection-change': ImConnectionChangeEvent;
    'im-conversation-select': ImConversationSelectEvent;
    'im-unread-change': ImUnreadChangeEvent;
  }
}
