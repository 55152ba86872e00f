/**
 * Events of <im-composer>. The composer owns neither the reply target nor the message being
 * edited (the chat does, and passes them down): these tell the chat to let go of them.
 */

/** Why the reply banner went away: the user closed it, or the reply was sent. */
export type ReplyEndReason = 'cancel' | 'sent';
/** Why edit mode ended: the user left it (Escape, the close button), or the edit was saved. */
export type EditEndReason = 'cancel' | 'saved';

/** Fired by <im-composer> when its reply banner goes away; the chat should clear its reply target. */
export class ImComposerReplyCancelEvent extends Event {
  static readonly eventName = 'im-composer-reply-cancel';
  readonly detail: { conversationId: string | undefined; seq: number | undefined; reason: ReplyEndReason };

  constructor(detail: { conversationId: string | undefined; seq: number | undefined; reason: ReplyEndReason }) {
    super(ImComposerReplyCancelEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired by <im-composer> when it leaves edit mode; the chat should clear the message it passed as `editing`. */
export class ImComposerEditCancelEvent extends Event {
  static readonly eventName = 'im-composer-edit-cancel';
  readonly detail: { conversationId: string | undefined; seq: number | undefined; reason: EditEndReason };

  constructor(detail: { conversationId: string | undefined; seq: number | undefined; reason: EditEndReason }) {
    super(ImComposerEditCancelEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'im-composer-reply-cancel': ImComposerReplyCancelEvent;
    'im-composer-edit-cancel': ImComposerEditCancelEvent;
  }
}
