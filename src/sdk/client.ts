import { ERROR_CODES, type ErrorPayload } from '../protocol/errors.js';
import type { RoomHandshake } from '../protocol/events.js';
import { LIMITS } from '../protocol/limits.js';
import {
  roomConversationId,
  type ConnectionState,
  type HistoryPage,
  type JsonValue,
  type SessionInfo,
  type SignalMessage,
  type SignalResult,
  type StoredMessage,
} from '../protocol/models.js';
import { cacheName, DexieCache } from './cache/dexie-cache.js';
import { MemoryCache } from './cache/memory-cache.js';
import { classKeyOf, fromStored, type CachedMessage, type MessageCache, type ViewQuery } from './cache/types.js';
import { Emitter } from './emitter.js';
import { IMError } from './errors.js';
import { Outbox } from './outbox.js';
import { roomIdOfToken } from './token.js';
import { Transport, type StateChange } from './transport.js';

export interface IMClientOptions {
  /** Server base URL; defaults to the origin this script was loaded from. */
  server?: string;
  /** Room token from the room binding. */
  token: string;
  /** This user's id: [A-Za-z0-9_-]{1,32}. */
  userId: string;
  /** Class (course session) for stored messages and history. */
  classId?: string | null;
  /** Where messages are kept: IndexedDB (default, survives reloads) or memory, or your own. */
  cache?: 'indexeddb' | 'memory' | MessageCache;
  /** How long to wait for an acknowledgement before retrying (ms). */
  ackTimeoutMs?: number;
  /** First reconnect delay and its cap (ms); each attempt doubles, with ±50 % jitter. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

export interface MessageMeta {
  /** True for messages from history or a resync, false for live ones. */
  history: boolean;
}

export type IMClientEvents = {
  /** Every connection state change. */
  state: (change: StateChange) => void;
  /** The session is ready (after the first connection and after each reconnect). */
  connected: (info: { reconnect: boolean; session: SessionInfo }) => void;
  /** A connection attempt failed; `error.code` says why. */
  connect_error: (error: IMError) => void;
  /** The server ended this session (for example because the room was unbound). */
  kicked: (reason: ErrorPayload) => void;
  /** A stored message this client did not have before, already written to the cache. */
  message: (message: CachedMessage, meta: MessageMeta) => void;
  /** A cached message changed (sent, failed, retried). */
  'message:update': (message: CachedMessage) => void;
  /** A room broadcast or custom command (not stored). */
  signal: (signal: SignalMessage) => void;
  /** setClassId() changed the class: views of stored messages should be reread. */
  'class:change': (classId: string | null) => void;
};

export interface SendOptions {
  /** Only these users (and you) receive and can read the message. */
  users?: string | string[] | null;
}

function defaultServer(): string {
  try {
    const here = new URL(import.meta.url);
    if (here.protocol === 'http:' || here.protocol === 'https:') return here.origin;
  } catch {
    // not loaded from a URL
  }
  return globalThis.location?.origin ?? 'http://localhost:3000';
}

function newClientMsgId(): string {
  return crypto.randomUUID();
}

/**
 * The browser SDK. Everything it learns is written to its cache before listeners are told;
 * stored messages are sent through an outbox that survives reloads; after every reconnect it
 * asks for what it missed since the last seq it holds.
 *
 * @example
 * const client = new IMClient({ token, userId: 'alice' });
 * client.on('message', (m) => console.log(m.senderId, m.content));
 * client.connect();
 * await client.messages.send(client.conversationId, 'hello');
 */
export class IMClient extends Emitter<IMClientEvents> {
  readonly server: string;
  readonly userId: string;
  /** The room this client's token was issued for (read from the token). */
  readonly roomId: string;
  readonly conversationId: string;
  private classIdValue: string | null;
  private readonly token: string;
  private readonly cache: MessageCache;
  private readonly transport: Transport;
  private readonly outbox: Outbox;
  /** Inbound work runs one at a time, so listeners see messages in the order they arrived. */
  private inbound: Promise<void> = Promise.resolve();
  private closed = false;
  private olderExhausted = new Set<string>();
  /** Last local creation time handed out: unsent messages are flushed in this order. */
  private lastCreatedAt = 0;
  /** The `since` sent in the latest handshake: tells `session:ready` pages which way they run. */
  private handshakeSince = 0;
  /**
   * True once the catch-up after connecting (or after a class change) completed: from then on
   * live messages extend the synced range. Reset whenever the connection is lost.
   */
  private inSync = false;
  /** Ids of the messages this instance has told its listeners about (another tab may share the cache). */
  private readonly emitted = new Set<string>();

  constructor(options: IMClientOptions) {
    super();
    if (!options || typeof options.token !== 'string' || options.token === '') {
      throw new IMError(ERROR_CODES.TOKEN_MISSING, 'IMClient needs a token');
    }
    if (typeof options.userId !== 'string' || !LIMITS.USER_ID_PATTERN.test(options.userId)) {
      throw new IMError(ERROR_CODES.INVALID_USER_ID, 'userId must match [A-Za-z0-9_-]{1,32}');
    }
    this.server = (options.server ?? defaultServer()).replace(/\/+$/, '');
    this.token = options.token;
    this.userId = options.userId;
    this.classIdValue = options.classId || null;
    this.roomId = roomIdOfToken(options.token) ?? '';
    this.conversationId = roomConversationId(this.roomId);
    const cache = options.cache ?? 'indexeddb';
    this.cache =
      cache === 'memory' || (cache === 'indexeddb' && typeof indexedDB === 'undefined')
        ? new MemoryCache()
        : cache === 'indexeddb'
          ? new DexieCache(cacheName(this.server, this.userId))
          : cache;

    this.transport = new Transport({
      server: this.server,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      handshake: () => this.handshake(),
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
      ...(options.reconnectDelayMaxMs !== undefined ? { reconnectDelayMaxMs: options.reconnectDelayMaxMs } : {}),
    });
    this.outbox = new Outbox(this.cache, this.transport, (message) => this.emit('message:update', message));
    this.transport.on('state', (change) => {
      if (change.state !== 'connected') this.inSync = false;
      this.emit('state', change);
      if (change.state === 'kicked' && change.reason) this.emit('kicked', change.reason);
    });
    this.transport.on('connectError', (error) => this.emit('connect_error', error));
    this.transport.on('ready', (session, reconnect) => this.enqueue(() => this.onReady(session, reconnect)));
    this.transport.on('message', (message) => this.enqueue(() => this.onLive(message)));
    this.transport.on('signal', (signal) => this.emit('signal', signal));
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.transport.state;
  }

  get classId(): string | null {
    return this.classIdValue;
  }

  /** Opens the connection (again). Does nothing after close(). */
  connect(): void {
    if (this.closed) return;
    this.transport.connect();
  }

  /** Closes the connection until connect() is called again. Unsent messages stay in the outbox. */
  disconnect(): void {
    this.transport.disconnect();
  }

  /** Ends this client for good: closes the connection and the cache. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.close();
    this.transport.close();
    this.cache.close();
    this.removeAllListeners();
  }

  /** Test and diagnostics hook: drops the connection as a network failure would. */
  simulateNetworkDrop(): void {
    this.transport.simulateNetworkDrop();
  }

  private async handshake(): Promise<RoomHandshake> {
    let since = 0;
    try {
      since = await this.cache.watermark(this.conversationId, classKeyOf(this.classIdValue));
    } catch (error) {
      // An unreadable cache must not keep us offline: connect and load the latest page.
      console.error('im-elements: cannot read the cache', error);
    }
    this.handshakeSince = since;
    return {
      token: this.token,
      userId: this.userId,
      classId: this.classIdValue,
      ...(since > 0 ? { since } : {}),
    };
  }

  /** Date.now(), but strictly increasing, so sends in the same millisecond keep their order. */
  private nextCreatedAt(): number {
    const now = Date.now();
    this.lastCreatedAt = now > this.lastCreatedAt ? now : this.lastCreatedAt + 0.001;
    return this.lastCreatedAt;
  }

  private enqueue(work: () => Promise<void>): void {
    this.inbound = this.inbound.then(work).catch((error: unknown) => {
      if (!this.closed) console.error('im-elements: failed to process an inbound message', error);
    });
  }

  /**
   * Writes stored messages to the cache, then tells listeners about the ones this instance has
   * not reported yet. With `advance`, the messages extend the synced range of their class.
   */
  private async receive(messages: readonly StoredMessage[], history: boolean, advance: boolean): Promise<void> {
    if (this.closed || messages.length === 0) return;
    await this.cache.putStored(messages);
    if (advance) {
      const last = messages.at(-1)!;
      await this.cache.advanceWatermark(last.conversationId, classKeyOf(last.classId), Math.max(...messages.map((m) => m.seq)));
    }
    for (const message of messages) {
      const cached = fromStored(message);
      if (message.senderId === this.userId) this.outbox.delivered(cached);
      if (this.emitted.has(message.id)) continue;
      this.emitted.add(message.id);
      this.emit('message', cached, { history });
    }
  }

  private async onLive(message: StoredMessage): Promise<void> {
    // Messages of another class (sent to us in person) belong to another history.
    if (classKeyOf(message.classId) !== classKeyOf(this.classIdValue)) return;
    await this.receive([message], false, this.inSync);
  }

  /** Pulls every page after `after` until the server has no more. */
  private async syncForward(classId: string | null, after: number): Promise<void> {
    let cursor = after;
    for (;;) {
      const page = await this.requestWithBackoff(() =>
        this.transport.request('message:history', { after: cursor, limit: LIMITS.HISTORY_PAGE_MAX, classId }),
      );
      await this.receive(page.messages, true, true);
      cursor = page.messages.at(-1)?.seq ?? cursor;
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }

  private async requestWithBackoff<T>(run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof IMError) || error.code !== ERROR_CODES.RATE_LIMITED) throw error;
        const wait = typeof error.details?.retryAfterMs === 'number' ? error.details.retryAfterMs : 500;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async onReady(session: SessionInfo, reconnect: boolean): Promise<void> {
    try {
      await this.receive(session.history, true, true);
      if (session.hasMore && this.handshakeSince > 0) {
        // We asked for everything after our watermark and there is more: fetch it all now.
        await this.syncForward(session.classId, session.history.at(-1)?.seq ?? this.handshakeSince);
      }
    } catch (error) {
      // Without the catch-up the cache would have a gap: reconnect and try again.
      if (this.closed) return;
      console.error('im-elements: catching up failed; reconnecting', error);
      this.transport.simulateNetworkDrop();
      return;
    }
    this.inSync = this.transport.connected;
    this.emit('connected', { reconnect, session });
    void this.outbox.flush(this.conversationId);
  }

  /** Changes the class used for stored messages and history, and loads that class's history. */
  async setClassId(classId: string | null): Promise<void> {
    const next = classId || null;
    if (next !== this.classIdValue) {
      this.classIdValue = next;
      this.inSync = false;
      this.emit('class:change', next);
    }
    if (!this.transport.connected) return;
    await this.transport.request('session:update', { classId: this.classIdValue });
    const since = await this.cache.watermark(this.conversationId, classKeyOf(this.classIdValue));
    try {
      if (since > 0) {
        await this.syncForward(this.classIdValue, since);
      } else {
        const page = await this.transport.request('message:history', { limit: LIMITS.HISTORY_PAGE_MAX, classId: this.classIdValue });
        await this.receive(page.messages, true, true);
      }
    } catch (error) {
      this.transport.simulateNetworkDrop();
      throw error;
    }
    this.inSync = this.transport.connected && classKeyOf(next) === classKeyOf(this.classIdValue);
  }

  /** Room broadcast to every other connection in the room; not stored. */
  broadcast(content: JsonValue): Promise<SignalResult> {
    return this.transport.request('signal:broadcast', { content });
  }

  /** Custom command to the listed users' connections in the room; not stored. */
  command(content: JsonValue, users: string | string[]): Promise<SignalResult> {
    return this.transport.request('signal:send', { content, users });
  }

  /** Stored messages: send, retry, history and live views. */
  readonly messages = {
    /**
     * Stores a message in the room (to everyone, or only to `options.users`). It is written to
     * the outbox first, so it is sent even after a reload. Resolves once the server stored it.
     */
    send: async (conversationId: string, content: JsonValue, options: SendOptions = {}): Promise<CachedMessage> => {
      this.assertOpen();
      this.assertConversation(conversationId);
      const users = options.users === undefined || options.users === null ? null : [options.users].flat();
      const message: CachedMessage = {
        conversationId,
        senderId: this.userId,
        clientMsgId: newClientMsgId(),
        classKey: classKeyOf(this.classIdValue),
        content,
        recipients: users && users.length > 0 ? users : null,
        status: 'sending',
        createdAt: this.nextCreatedAt(),
      };
      await this.cache.addPending(message);
      this.emit('message:update', message);
      const sent = this.outbox.wait(message);
      void this.outbox.flush(conversationId);
      return sent;
    },

    /** Sends a failed message again, with the same client message id. */
    retry: async (conversationId: string, clientMsgId: string): Promise<CachedMessage> => {
      this.assertOpen();
      const key = { conversationId, senderId: this.userId, clientMsgId };
      const retried = await this.cache.update(key, (current) => {
        if (current.status !== 'failed') return current;
        const { error: _error, ...rest } = current;
        return { ...rest, status: 'sending', createdAt: this.nextCreatedAt() };
      });
      if (!retried) throw new IMError(ERROR_CODES.NOT_FOUND, 'no such message');
      if (retried.status === 'sent') return retried;
      this.emit('message:update', retried);
      const sent = this.outbox.wait(key);
      void this.outbox.flush(conversationId);
      return sent;
    },

    /** One page of history straight from the server (oldest first). */
    history: (query: { before?: number; after?: number; limit?: number } = {}): Promise<HistoryPage> =>
      this.transport.request('message:history', { ...query, classId: this.classIdValue }),

    /**
     * Makes sure the cache holds up to `limit` stored messages older than `beforeSeq` (the
     * oldest one on screen), fetching them from the server when the cache has fewer. Resolves
     * with whether even older messages exist.
     */
    loadOlder: async (
      conversationId: string,
      beforeSeq: number,
      limit: number = LIMITS.HISTORY_PAGE_DEFAULT,
    ): Promise<{ hasMore: boolean }> => {
      this.assertConversation(conversationId);
      const classKey = classKeyOf(this.classIdValue);
      const cached = await this.cache.before(conversationId, classKey, beforeSeq, limit);
      const oldest = cached[0]?.seq ?? beforeSeq;
      if (cached.length >= limit) return { hasMore: oldest > 1 };
      const partition = `${conversationId}\u0000${classKey}`;
      if (oldest <= 1 || this.olderExhausted.has(partition)) return { hasMore: false };
      const page = await this.transport.request('message:history', {
        before: oldest,
        limit: Math.min(limit - cached.length, LIMITS.HISTORY_PAGE_MAX),
        classId: this.classIdValue,
      });
      await this.receive(page.messages, true, false);
      if (!page.hasMore) this.olderExhausted.add(partition);
      return { hasMore: page.hasMore };
    },

    /** Live view of the newest `limit` messages of a conversation plus unsent ones. */
    observe: (conversationId: string, limit: number, listener: (messages: CachedMessage[]) => void): (() => void) => {
      // Bound to the current class; subscribe again after 'class:change'.
      const query: ViewQuery = { conversationId, classKey: classKeyOf(this.classIdValue), limit };
      return this.cache.observe(query, listener);
    },
  };

  private assertOpen(): void {
    if (this.closed) throw new IMError(ERROR_CODES.CLIENT_CLOSED, 'the client was closed');
  }

  private assertConversation(conversationId: string): void {
    if (conversationId !== this.conversationId) {
      throw new IMError(ERROR_CODES.NOT_FOUND, `this client is bound to ${this.conversationId}, not ${conversationId}`);
    }
  }
}
