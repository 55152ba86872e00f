import { ERROR_CODES } from '../protocol/errors.js';
import type { SendResult } from '../protocol/models.js';
import type { MessageSendPayload, UserMessageSendPayload } from '../protocol/events.js';
import type { CachedMessage, MessageCache, MessageKey } from './cache/types.js';
import { withSendResult } from './cache/types.js';
import { IMError } from './errors.js';
import type { Transport } from './transport.js';

interface Waiter {
  resolve: (message: CachedMessage) => void;
  reject: (error: IMError) => void;
}

const waiterKey = (key: MessageKey): string => JSON.stringify([key.conversationId, key.senderId, key.clientMsgId]);

/**
 * Unsent stored messages live in the cache with status `sending` until the server
 * acknowledges them, so they survive reloads. They are sent one at a time in the order they
 * were written, each with its client message id, so a retry never stores a message twice.
 */
export class Outbox {
  private flushing = false;
  private closed = false;
  private flushRequested = false;
  private readonly waiters = new Map<string, { key: MessageKey; list: Waiter[] }>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 500;

  constructor(
    private readonly cache: MessageCache,
    private readonly transport: Transport,
    private readonly onUpdate: (message: CachedMessage) => void,
    /** The `message:send` payload for a queued message (room and user sessions differ). */
    private readonly payloadOf: (message: CachedMessage) => MessageSendPayload | UserMessageSendPayload,
    /** Conversations that may have unsent messages. */
    private readonly conversations: () => Promise<string[]>,
    /** Work before sending (uploading a file message's file); resolves with the message to send. */
    private readonly prepare: (message: CachedMessage, signal: AbortSignal) => Promise<CachedMessage> = async (message) => message,
  ) {}

  /** The message being prepared (uploaded) now, with the means to abort it. */
  private preparing: { key: string; controller: AbortController } | undefined;
  /** The message whose `message:send` is in flight: too late to cancel. */
  private sendingKey: string | undefined;

  /**
   * Cancels an unsent message that is not on its way to the server yet (typically a file still
   * uploading): aborts its upload and removes it. False when it is already being sent or stored.
   */
  async cancel(key: MessageKey): Promise<boolean> {
    const id = waiterKey(key);
    if (this.sendingKey === id) return false;
    if (this.preparing?.key === id) this.preparing.controller.abort();
    const removed = await this.cache.removePending(key);
    if (removed) this.settle(key, { error: new IMError(ERROR_CODES.CANCELLED, 'the message was cancelled') });
    return removed;
  }

  /** Resolves when the message is stored on the server; rejects when it failed for good. */
  wait(key: MessageKey): Promise<CachedMessage> {
    return new Promise((resolve, reject) => {
      const id = waiterKey(key);
      const entry = this.waiters.get(id) ?? { key, list: [] };
      entry.list.push({ resolve, reject });
      this.waiters.set(id, entry);
    });
  }

  private settle(key: MessageKey, outcome: { message: CachedMessage } | { error: IMError }): void {
    const id = waiterKey(key);
    const entry = this.waiters.get(id);
    if (!entry) return;
    this.waiters.delete(id);
    for (const waiter of entry.list) {
      if ('message' in outcome) waiter.resolve(outcome.message);
      else waiter.reject(outcome.error);
    }
  }

  /** A message of ours arrived stored (from history or another tab): its send is done. */
  delivered(message: CachedMessage): void {
    if (message.seq !== undefined) this.settle(message, { message });
  }

  /** Settles waiters whose messages left the outbox some other way (another tab sent them). */
  private async settleFinished(): Promise<void> {
    for (const { key } of [...this.waiters.values()]) {
      const current = await this.cache.get(key);
      if (current?.status === 'sent') this.settle(key, { message: current });
      else if (current?.status === 'failed' && current.error) this.settle(key, { error: IMError.from(current.error) });
      else if (!current) this.settle(key, { error: new IMError(ERROR_CODES.NOT_FOUND, 'the message left the cache') });
    }
  }

  /** Sends everything unsent, oldest first per conversation, while connected. */
  async flush(): Promise<void> {
    if (this.flushing) {
      // A message may have been queued after the running flush last looked: look again then.
      this.flushRequested = true;
      return;
    }
    this.flushing = true;
    try {
      let outcome: 'empty' | 'paused';
      do {
        this.flushRequested = false;
        outcome = 'empty';
        for (const conversationId of await this.conversations()) {
          outcome = await this.sendAll(conversationId);
          if (outcome === 'paused') break;
        }
        if (outcome === 'empty') await this.settleFinished();
      } while (outcome === 'empty' && this.flushRequested);
    } catch (error) {
      // After close() the cache is gone: nothing to report. Otherwise the next flush retries.
      if (!this.closed) console.error('im-elements: sending queued messages failed', error);
    } finally {
      this.flushing = false;
    }
  }

  private async sendAll(conversationId: string): Promise<'empty' | 'paused'> {
    while (this.transport.connected) {
      const [next] = await this.cache.outbox(conversationId);
      if (!next) return 'empty';
      if (!(await this.sendOne(next))) return 'paused';
    }
    return 'paused';
  }

  /** Returns false when sending should pause (disconnected, or backing off). */
  private async sendOne(queued: CachedMessage): Promise<boolean> {
    let result: SendResult;
    let message = queued;
    const id = waiterKey(queued);
    try {
      const controller = new AbortController();
      this.preparing = { key: id, controller };
      try {
        message = await this.prepare(queued, controller.signal);
      } finally {
        this.preparing = undefined;
      }
      // Cancelled while preparing: it left the cache, go on with the next one.
      if (!(await this.cache.get(message))) return true;
      this.sendingKey = id;
      try {
        result = await this.transport.request('message:send', this.payloadOf(message));
      } finally {
        this.sendingKey = undefined;
      }
    } catch (error) {
      const imError = error instanceof IMError ? error : new IMError(ERROR_CODES.INTERNAL, String(error));
      if (imError.code === ERROR_CODES.CANCELLED) return true;
      // A busy conversation drops low-priority messages for good; others wait their turn.
      const dropped = imError.code === ERROR_CODES.CONVERSATION_BUSY && message.priority === 'low';
      if (imError.retryable && !dropped) {
        this.scheduleRetry(imError);
        return false;
      }
      const failed = await this.cache.update(message, (current) =>
        current.seq !== undefined ? current : { ...current, status: 'failed', error: imError.toJSON() },
      );
      if (failed) this.onUpdate(failed);
      this.settle(message, { error: imError });
      return true;
    }
    this.retryDelayMs = 500;
    const sent = await this.cache.update(message, (current) => withSendResult(current, result));
    if (sent) {
      this.onUpdate(sent);
      this.settle(message, { message: sent });
    }
    return true;
  }

  private scheduleRetry(error: IMError): void {
    if (!this.transport.connected || this.retryTimer) return;
    let delay: number;
    if (error.code === ERROR_CODES.RATE_LIMITED) {
      // The server says when a send will pass again: wait that long (plus a little jitter).
      const hinted = typeof error.details?.retryAfterMs === 'number' ? error.details.retryAfterMs : 100;
      delay = hinted * (1 + Math.random() * 0.2);
    } else {
      delay = this.retryDelayMs * (0.5 + Math.random());
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 15_000);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, delay);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const closed = new IMError(ERROR_CODES.CLIENT_CLOSED, 'the client was closed before the message was sent');
    for (const { list } of this.waiters.values()) for (const waiter of list) waiter.reject(closed);
    this.waiters.clear();
  }
}
