import type { CachedMessage } from '../../sdk/cache/types.js';

/** What the action menu of a message offers. */
export type MessageAction = 'reply' | 'copy' | 'edit' | 'recall' | 'delete' | 'react' | 'details';

export interface MessageActionDetail {
  action: MessageAction;
  message: CachedMessage;
  /** `react`: the emoji picked (the chat toggles it: adds it, or removes it when already yours). */
  emoji?: string;
}

/**
 * Fired by <im-message> when the user picks an action (toolbar, menu, right-click, long-press
 * or keyboard). The chat performs it; <im-message> performs `copy` itself unless the event is
 * cancelled.
 */
export class ImMessageActionEvent extends Event {
  static readonly eventName = 'im-message-action';
  readonly detail: MessageActionDetail;

  constructor(detail: MessageActionDetail) {
    super(ImMessageActionEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/** Fired by <im-message> when the user activates the quote of a reply: show the quoted message. */
export class ImMessageJumpEvent extends Event {
  static readonly eventName = 'im-message-jump';
  readonly detail: { seq: number };

  constructor(detail: { seq: number }) {
    super(ImMessageJumpEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired by <im-message> when the user toggles a reaction chip: `on` adds it, false removes it. */
export class ImMessageReactEvent extends Event {
  static readonly eventName = 'im-message-react';
  readonly detail: { message: CachedMessage; emoji: string; on: boolean };

  constructor(detail: { message: CachedMessage; emoji: string; on: boolean }) {
    super(ImMessageReactEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired by <im-message> when the user asks to send a failed message again. */
export class ImMessageRetryEvent extends Event {
  static readonly eventName = 'im-message-retry';
  readonly detail: { message: CachedMessage };

  constructor(detail: { message: CachedMessage }) {
    super(ImMessageRetryEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired by <im-lightbox> when it closes (close button, Escape, a click on the backdrop, or `close()`). */
export class ImLightboxCloseEvent extends Event {
  static readonly eventName = 'im-lightbox-close';

  constructor() {
    super(ImLightboxCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'im-message-action': ImMessageActionEvent;
    'im-message-jump': ImMessageJumpEvent;
    'im-message-react': ImMessageReactEvent;
    'im-message-retry': ImMessageRetryEvent;
    'im-lightbox-close': ImLightboxCloseEvent;
  }
}
