import { ERROR_CODES, type ErrorPayload } from '../protocol/errors.js';
import type {
  ClientToServerEvents,
  MessageSendPayload,
  RoomHandshake,
  UserHandshake,
  UserMessageSendPayload,
} from '../protocol/events.js';
import { LIMITS } from '../protocol/limits.js';
import {
  MENTION_ALL,
  guestId,
  roomConversationId,
  type ConnectionState,
  type ConversationSummary,
  type HistoryPage,
  type FileInfo,
  type JsonValue,
  type MessageType,
  type Quote,
  type SessionInfo,
  type SignalMessage,
  type SignalResult,
  type StoredMessage,
  type UserSessionInfo,
} from '../protocol/models.js';
import { cacheName, DexieCache } from './cache/dexie-cache.js';
import { lazyCache } from './cache/lazy-cache.js';
import {
  classKeyOf,
  fromStored,
  isListed,
  type CachedConversation,
  type CachedMessage,
  type MessageCache,
  type PendingUpload,
  type SearchQuery,
  type ViewQuery,
} from './cache/types.js';
import { Emitter } from './emitter.js';
import { IMError } from './errors.js';
import { Outbox } from './outbox.js';
import { SeqRanges } from './seq-ranges.js';
import type { UploadOptions } from './upload.js';
import { previewOf } from '../protocol/preview.js';
import { claimsOfTicket, claimsOfRoomToken } from './token.js';
import { StreamTracker, type StreamKey } from './stream.js';
import { Transport, type StateChange } from './transport.js';

export interface IMClientOptions {
  /** Server base URL; defaults to the origin this script was loaded from. */
  server?: string;
  /** Room token from the room binding: a session in that room. */
  token?: string;
  /** User ticket (see POST /v1/users/:userId/tickets): a session as that user, in all their conversations. */
  ticket?: string;
  /** Called before the ticket expires (and when a connection is refused as expired): resolve with a fresh ticket. */
  refreshTicket?: () => Promise<string>;
  /** This user's id: [A-Za-z0-9_-]{1,32}. Required with a token; taken from the ticket otherwise. */
  userId?: string;
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

export interface SendFileOptions {
  /** How to show it; default from the file's type (image, audio, video, else file). The server's sniffing has the last word. */
  type?: 'image' | 'file' | 'audio' | 'video';
  /** Name shown and used for downloads (default: the File's name). */
  name?: string;
  /** Audio and video: seconds; found out from the file when not given. */
  duration?: number;
  /** Video: a still shown before playing; taken from the video when not given. */
  poster?: Blob;
  replyTo?: number;
  countUnread?: boolean;
}

export interface MessageMeta {
  /** True for messages from history or a resync, false for live ones. */
  history: boolean;
}

export type IMClientEvents = {
  /** Every connection state change. */
  state: (change: StateChange) => void;
  /** The session is ready (after the first connection and after each reconnect). */
  connected: (info: { reconnect: boolean; session: SessionInfo | UserSessionInfo }) => void;
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
  /** A stored message was deleted for you (on this or another device). */
  'message:delete': (change: { conversationId: string; seq: number }) => void;
  /** Room sessions: how many distinct users are connected to the room. */
  'room:online': (online: number) => void;
  /** Who is typing in a conversation changed (user sessions). */
  typing: (change: { conversationId: string; userIds: string[] }) => void;
  /** A user who shares a conversation with you came online or went offline (user sessions). */
  presence: (change: { userId: string; online: boolean }) => void;
  /** Upload progress (0–100) of an unsent file message. */
  'upload:progress': (progress: { conversationId: string; clientMsgId: string; percent: number }) => void;
};

export interface SendOptions {
  /** Room sessions: only these users (and you) receive and can read the message. */
  users?: string | string[] | null;
  /**
   * User sessions: `text` (the default; a string is sent as `{ text }`), `location`
   * (`{ lat, lng, description }`), `custom` (`{ data, description }`). Files go through `sendFile`.
   */
  type?: 'text' | 'custom' | 'location';
  /** User sessions: the seq of the message this one replies to (quotes). */
  replyTo?: number;
  /** User sessions: mentioned user ids, or '@all'. */
  mentions?: string[];
  /** User sessions: false keeps the message out of everyone's unread count. */
  countUnread?: boolean;
  /** User sessions: not stored, not counted; delivered to who is online now as a `signal` (kind `online`). */
  onlineOnly?: boolean;
  /** Over the conversation's message rate, `low` is dropped first (CONVERSATION_BUSY) and `high` always passes. */
  priority?: 'high' | 'normal' | 'low';
}

/** Total unread of a list: muted and hidden conversations do not count. */
export function totalUnread(conversations: readonly CachedConversation[]): number {
  return conversations.filter((c) => isListed(c) && !c.muted).reduce((sum, c) => sum + c.unreadCount, 0);
}

const CONVERSATIONS_VERSION = 'conversations.version';

/** Positions only move forward, so whichever answer arrives last, the higher one is right. */
function mergeReceipts(
  held: CachedConversation['receipts'],
  incoming: readonly { userId: string; readSeq: number; deliveredSeq: number }[],
): NonNullable<CachedConversation['receipts']> {
  const merged = { ...held };
  for (const { userId, readSeq, deliveredSeq } of incoming) {
    const current = merged[userId];
    merged[userId] = {
      readSeq: Math.max(readSeq, current?.readSeq ?? 0),
      deliveredSeq: Math.max(deliveredSeq, current?.deliveredSeq ?? 0),
    };
  }
  return merged;
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

/** Content of a user message: a string becomes `{ text }`; custom JSON without `data` becomes `{ data, description: '' }`. */
function userContent(type: MessageType, content: JsonValue): JsonValue {
  if (type === 'text' && typeof content === 'string') return { text: content };
  if (type === 'custom' && !(content && typeof content === 'object' && !Array.isArray(content) && 'data' in content)) {
    return { data: content, description: '' };
  }
  return content;
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
  /** `room` with a room token, `user` with a ticket. */
  readonly mode: 'room' | 'user';
  /** Room sessions: the room this client's token was issued for (read from the token); '' otherwise. */
  readonly roomId: string;
  /** Room sessions: the room's conversation; '' for user sessions. */
  readonly conversationId: string;
  private classIdValue: string | null;
  /** Room sessions: distinct users connected to the room, as last heard (0 before connecting). */
  roomOnline = 0;
  /** Largest file the server takes, as it said when the session started (0: not known yet). */
  uploadMaxBytes = 0;
  private readonly token: string;
  /** The user id the page gave with a room token (sent in the handshake). */
  private readonly givenUserId: string | undefined;
  private ticket: string;
  private refresh: (() => Promise<string>) | undefined;

  /** Resolves with a fresh ticket before the current one expires; may be set or replaced at any time. */
  get refreshTicket(): (() => Promise<string>) | undefined {
    return this.refresh;
  }

  set refreshTicket(refresh: (() => Promise<string>) | undefined) {
    this.refresh = refresh;
    this.scheduleRefresh();
  }
  private ticketExpiresAt = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** One refresh-and-reconnect after an "expired" refusal; reset once connected. */
  private refreshedAfterRefusal = false;
  /** Who is typing where, each with the timer that drops them. */
  private readonly typers = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  /** Online users as last heard (presence events and queries). */
  private readonly online = new Set<string>();
  /** Conversations a view is showing: their latest page is loaded when there is none yet. */
  private readonly watched = new Set<string>();
  private readonly cache: MessageCache;
  private readonly transport: Transport;
  private readonly outbox: Outbox;
  /** Sees holes in what the server sent and fetches them. */
  private readonly streams: StreamTracker;
  /** Inbound work runs one at a time, so listeners see messages in the order they arrived. */
  private inbound: Promise<void> = Promise.resolve();
  private closed = false;
  private olderExhausted = new Set<string>();
  /** Seq ranges the server confirmed complete in the cache (holes in them are deletions, not gaps). */
  private readonly verified = new SeqRanges();
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
    const hasTicket = typeof options?.ticket === 'string' && options.ticket !== '';
    if (!options || (!hasTicket && (typeof options.token !== 'string' || options.token === ''))) {
      throw new IMError(ERROR_CODES.TOKEN_MISSING, 'IMClient needs a room token or a user ticket');
    }
    this.mode = hasTicket ? 'user' : 'room';
    const roomClaims = hasTicket ? undefined : claimsOfRoomToken(options.token!);
    const given = hasTicket ? (claimsOfTicket(options.ticket!)?.sub ?? options.userId) : (roomClaims?.u ?? options.userId);
    if (typeof given !== 'string' || !LIMITS.USER_ID_PATTERN.test(given)) {
      throw new IMError(ERROR_CODES.INVALID_USER_ID, 'userId must match [A-Za-z0-9_-]{1,32}');
    }
    if (roomClaims?.u !== undefined && options.userId !== undefined && options.userId !== roomClaims.u) {
      throw new IMError(ERROR_CODES.USER_MISMATCH, `this token is bound to the user "${roomClaims.u}"`);
    }
    // A room token that names no user makes a guest, known in the room as `~id`.
    const userId = this.mode === 'room' && roomClaims?.u === undefined ? guestId(given) : given;
    this.givenUserId = this.mode === 'room' ? (roomClaims?.u ?? options.userId) : undefined;
    this.server = (options.server ?? defaultServer()).replace(/\/+$/, '');
    this.token = options.token ?? '';
    this.ticket = options.ticket ?? '';
    this.refresh = options.refreshTicket;
    this.userId = userId;
    this.classIdValue = this.mode === 'room' ? options.classId || null : null;
    this.roomId = this.mode === 'room' ? (roomClaims?.r ?? '') : '';
    this.conversationId = this.mode === 'room' ? roomConversationId(this.roomId) : '';
    const cache = options.cache ?? 'indexeddb';
    this.cache =
      cache === 'memory' || (cache === 'indexeddb' && typeof indexedDB === 'undefined')
        ? lazyCache(() => import('./cache/memory-cache.js').then(({ MemoryCache }) => new MemoryCache()))
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
    this.outbox = new Outbox(
      this.cache,
      this.transport,
      (message) => {
        this.emit('message:update', message);
        if (message.status === 'sent' && message.seq !== undefined && message.prev !== undefined) {
          const { seq, prev } = message;
          const stream = { conversationId: message.conversationId, classKey: message.classKey };
          this.enqueue(() => this.streams.sent(stream, seq, prev, this.inSync));
        }
        if (this.mode === 'user' && message.status === 'sent') {
          this.applyToConversation(message).catch((error: unknown) => {
            if (!this.closed) console.error('im-elements: cannot update the conversation list', error);
          });
        }
      },
      (message) => this.sendPayloadOf(message),
      () => (this.mode === 'room' ? Promise.resolve([this.conversationId]) : this.cache.pendingConversations()),
      (message, signal) => this.uploadPending(message, signal),
    );
    this.streams = new StreamTracker({
      cursor: (stream) => this.cache.watermark(stream.conversationId, stream.classKey),
      follows: (_stream, cursor) => this.mode === 'room' || cursor > 0,
      advance: (stream, seq) => this.cache.advanceWatermark(stream.conversationId, stream.classKey, seq),
      fetchAfter: (stream, after) => this.requestWithBackoff(() => this.transport.request('message:history', this.forwardQuery(stream, after))),
      store: (messages, history) => this.receive(messages, history),
      filled: async () => {
        // Messages that came as a fill did not count into the list's unread and previews: ask again.
        if (this.mode === 'user') await this.syncConversations();
      },
    });
    this.transport.on('state', (change) => {
      if (change.state !== 'connected') this.inSync = false;
      this.emit('state', change);
      if (change.state === 'kicked' && change.reason) {
        this.emit('kicked', change.reason);
        if (change.reason.code === ERROR_CODES.TICKET_EXPIRED) void this.refreshAndReconnect();
      }
    });
    this.transport.on('connectError', (error) => {
      this.emit('connect_error', error);
      if (error.code === ERROR_CODES.TICKET_EXPIRED) void this.refreshAndReconnect();
    });
    this.transport.on('ready', (session, reconnect) =>
      this.enqueue(() => (session.kind === 'user' ? this.onUserReady(session, reconnect) : this.onReady(session, reconnect))),
    );
    this.transport.on('typing', ({ conversationId, userId, typing, expiresInMs }) =>
      this.setTyper(conversationId, userId, typing, expiresInMs),
    );
    this.transport.on('presence', ({ userId, online }) => {
      if (online) this.online.add(userId);
      else this.online.delete(userId);
      this.emit('presence', { userId, online });
    });
    this.transport.on('receipt', ({ conversationId, userId, readSeq, deliveredSeq }) =>
      this.enqueue(async () => {
        await this.cache.updateConversation(conversationId, (c) => ({
          ...c,
          receipts: mergeReceipts(c.receipts, [{ userId, readSeq, deliveredSeq }]),
        }));
      }),
    );
    this.transport.on('roomOnline', ({ online }) => this.setRoomOnline(online));
    this.transport.on('messageUpdated', (message) => this.enqueue(() => this.applyUpdate(message)));
    this.transport.on('messageDeleted', ({ conversationId, seq }) => this.enqueue(() => this.applyDeletion(conversationId, seq)));
    this.transport.on('conversationChanged', () => this.enqueue(() => this.syncConversations().then(() => undefined)));
    this.transport.on('message', (message) => this.enqueue(() => this.onLive(message)));
    this.transport.on('skipped', (skip) => this.enqueue(() => this.streams.skipped(skip, this.inSync)));
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
    clearTimeout(this.refreshTimer);
    clearTimeout(this.deliveryTimer);
    for (const timers of this.typers.values()) for (const timer of timers.values()) clearTimeout(timer);
    this.outbox.close();
    this.transport.close();
    this.cache.close();
    this.removeAllListeners();
  }

  /** Test and diagnostics hook: drops the connection as a network failure would. */
  simulateNetworkDrop(): void {
    this.transport.simulateNetworkDrop();
  }

  private async handshake(): Promise<RoomHandshake | UserHandshake> {
    if (this.mode === 'user') return { ticket: this.ticket };
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
      ...(this.givenUserId !== undefined ? { userId: this.givenUserId } : {}),
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
   * not reported yet. Cursors are the stream tracker's business (stream.ts).
   */
  private async receive(messages: readonly StoredMessage[], history: boolean): Promise<void> {
    if (this.closed || messages.length === 0) return;
    await this.cache.putStored(messages);
    this.noteDelivered(messages);
    for (const message of messages) {
      const cached = fromStored(message);
      if (message.senderId === this.userId) this.outbox.delivered(cached);
      if (this.emitted.has(message.id)) continue;
      this.emitted.add(message.id);
      this.emit('message', cached, { history });
    }
  }

  private async onLive(message: StoredMessage): Promise<void> {
    if (this.mode === 'user') {
      if (this.typers.get(message.conversationId)?.has(message.senderId)) this.setTyper(message.conversationId, message.senderId, false, 0);
      await this.streams.live(message, this.inSync);
      const known = await this.applyToConversation(fromStored(message));
      if (!known) await this.syncConversations();
      return;
    }
    // Messages of another class (sent to us in person) belong to another history.
    if (classKeyOf(message.classId) !== classKeyOf(this.classIdValue)) return;
    await this.streams.live(message, this.inSync);
  }

  /** A forward history query of a stream. */
  private forwardQuery(stream: StreamKey, after: number) {
    return this.mode === 'user'
      ? { conversationId: stream.conversationId, after, limit: LIMITS.HISTORY_PAGE_MAX }
      : { after, limit: LIMITS.HISTORY_PAGE_MAX, classId: stream.classKey === '' ? null : stream.classKey };
  }

  private setTyper(conversationId: string, userId: string, typing: boolean, expiresInMs: number): void {
    const timers = this.typers.get(conversationId) ?? new Map<string, ReturnType<typeof setTimeout>>();
    this.typers.set(conversationId, timers);
    clearTimeout(timers.get(userId));
    timers.delete(userId);
    if (typing) timers.set(userId, setTimeout(() => this.setTyper(conversationId, userId, false, 0), expiresInMs));
    this.emit('typing', { conversationId, userIds: [...timers.keys()] });
  }

  /** Updates a cached conversation for a message in it (last message, unread, @-me); false when not cached. */
  private async applyToConversation(message: CachedMessage): Promise<boolean> {
    if (message.seq === undefined) return true;
    const seq = message.seq;
    const own = message.senderId === this.userId;
    const stored: StoredMessage = {
      id: message.id as StoredMessage['id'],
      conversationId: message.conversationId as StoredMessage['conversationId'],
      seq,
      classId: null,
      senderId: message.senderId as StoredMessage['senderId'],
      clientMsgId: message.clientMsgId,
      content: message.content,
      recipients: null,
      time: message.time ?? message.createdAt,
      type: message.type ?? 'custom',
      mentions: message.mentions ?? [],
      countsUnread: message.countsUnread ?? true,
      editedAt: message.editedAt ?? null,
      recalled: (message.recalled ?? null) as StoredMessage['recalled'],
      reactions: (message.reactions ?? {}) as StoredMessage['reactions'],
      version: message.version ?? 0,
      replyTo: message.replyTo ?? null,
      prev: message.prev ?? 0,
    };
    const updated = await this.cache.updateConversation(message.conversationId, (current) => {
      // A summary from the server that already counts this message (it came after it) stays as it is.
      if (seq <= current.lastSeq) {
        // Already counted; an own message still moves the read position (the server did too).
        const readSeq = own ? Math.max(current.readSeq, seq) : current.readSeq;
        const lastMessage = current.lastMessage?.seq === seq ? stored : current.lastMessage;
        return { ...current, readSeq, lastMessage };
      }
      const newer = !current.lastMessage || seq >= current.lastMessage.seq;
      const mentionsMe = stored.mentions.includes(this.userId) || stored.mentions.includes(MENTION_ALL);
      return {
        ...current,
        lastSeq: Math.max(current.lastSeq, seq),
        lastMessage: newer ? stored : current.lastMessage,
        activeAt: Math.max(current.activeAt, stored.time),
        hidden: false,
        readSeq: own ? Math.max(current.readSeq, seq) : current.readSeq,
        unreadCount: own ? 0 : stored.countsUnread && stored.type !== 'tip' ? Math.min(100, current.unreadCount + 1) : current.unreadCount,
        mentioned: own ? false : current.mentioned || mentionsMe,
      };
    });
    return updated !== undefined;
  }

  /** A newer state of a stored message (edit, recall, reaction) into the cache and the list. */
  private async applyUpdate(message: StoredMessage): Promise<void> {
    if (this.closed) return;
    const replaced = await this.cache.replaceStored(message);
    if (replaced) this.emit('message:update', replaced);
    await this.cache.updateConversation(message.conversationId, (c) =>
      c.lastMessage?.seq === message.seq ? { ...c, lastMessage: message } : c,
    );
  }

  private async applyDeletion(conversationId: string, seq: number): Promise<void> {
    if (this.closed) return;
    await this.cache.removeStored(conversationId, '', seq);
    this.emit('message:delete', { conversationId, seq });
  }

  /** Edits, recalls, reactions and deletions a device missed while it was away. */
  private async catchUpChanges(conversation: ConversationSummary): Promise<void> {
    const key = `changes:${conversation.id}`;
    let since = await this.cache.getMeta(key);
    for (;;) {
      const page = await this.requestWithBackoff(() =>
        this.transport.request('message:changes', { conversationId: conversation.id, since }),
      );
      for (const message of page.messages) await this.applyUpdate(message);
      for (const seq of page.deleted) await this.applyDeletion(conversation.id, seq);
      since = page.version;
      await this.cache.setMeta(key, since);
      if (!page.hasMore) return;
    }
  }

  /** Fetches the conversations that changed since the last sync into the cache. */
  private async syncConversations(): Promise<ConversationSummary[]> {
    if (this.mode !== 'user' || !this.transport.connected) return [];
    const since = await this.cache.getMeta(CONVERSATIONS_VERSION);
    const result = await this.requestWithBackoff(() => this.transport.request('conversation:sync', { since }));
    await this.cache.putConversations(result.conversations);
    await this.cache.setMeta(CONVERSATIONS_VERSION, result.version);
    return result.conversations;
  }

  private async onUserReady(session: UserSessionInfo, reconnect: boolean): Promise<void> {
    this.refreshedAfterRefusal = false;
    this.uploadMaxBytes = session.uploadMaxBytes;
    this.ticketExpiresAt = session.expiresAt;
    this.scheduleRefresh();
    await this.catchUp(session, reconnect, async () => {
      const changed = await this.syncConversations();
      for (const conversation of changed) {
        const watermark = await this.cache.watermark(conversation.id, '');
        if (watermark === 0) continue;
        if (conversation.lastSeq > watermark) await this.streams.catchUp({ conversationId: conversation.id, classKey: '' });
        await this.catchUpChanges(conversation);
      }
      for (const conversationId of this.watched) {
        try {
          await this.ensureLatest(conversationId);
          await this.loadReceipts(conversationId);
        } catch (error) {
          // A view of a conversation this user is not (or no longer) in: nothing to load, and no
          // reason to drop the connection over it.
          if (!(error instanceof IMError) || (error.code !== ERROR_CODES.NOT_MEMBER && error.code !== ERROR_CODES.TOO_MANY_MEMBERS)) throw error;
        }
      }
    });
  }

  /**
   * Runs the catch-up after a connection; then the session is in sync, listeners hear
   * 'connected' and the outbox flushes. A failed catch-up would leave a gap: reconnect and retry.
   */
  private async catchUp(session: SessionInfo | UserSessionInfo, reconnect: boolean, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (this.closed) return;
      console.error('im-elements: catching up failed; reconnecting', error);
      this.transport.simulateNetworkDrop();
      return;
    }
    this.inSync = this.transport.connected;
    this.emit('connected', { reconnect, session });
    void this.outbox.flush();
  }

  /** Loads the newest page of a conversation the cache has nothing of yet. */
  private async ensureLatest(conversationId: string): Promise<void> {
    if (this.mode !== 'user' || !this.transport.connected) return;
    if ((await this.cache.watermark(conversationId, '')) > 0) return;
    // Changes after the list's version are caught up later; the page below already has the older ones.
    const known = await this.cache.getConversation(conversationId);
    const changesKey = `changes:${conversationId}`;
    if ((await this.cache.getMeta(changesKey)) === 0) await this.cache.setMeta(changesKey, known?.version ?? 0);
    const page = await this.transport.request('message:history', { conversationId, limit: LIMITS.HISTORY_PAGE_DEFAULT });
    await this.streams.page({ conversationId, classKey: '' }, page, undefined);
  }

  /** Keeps the ticket fresh: asks the app for a new one shortly before expiry. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    if (!this.refreshTicket || this.closed || this.ticketExpiresAt === 0) return;
    const left = this.ticketExpiresAt - Date.now();
    const delay = Math.max(0, left - Math.min(60_000, left * 0.1));
    this.refreshTimer = setTimeout(() => void this.renewTicket(), Math.min(delay, 2 ** 31 - 1));
  }

  private async renewTicket(): Promise<boolean> {
    if (!this.refreshTicket || this.closed) return false;
    try {
      const ticket = await this.refreshTicket();
      if (this.closed) return false;
      this.ticket = ticket;
      const claims = claimsOfTicket(ticket);
      if (this.transport.connected) {
        this.ticketExpiresAt = (await this.transport.request('session:renew', { ticket })).expiresAt;
      } else if (claims) {
        this.ticketExpiresAt = claims.exp * 1000;
      }
      this.scheduleRefresh();
      return true;
    } catch (error) {
      console.error('im-elements: refreshing the ticket failed; trying again in 30 s', error);
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.renewTicket(), 30_000);
      return false;
    }
  }

  /** After an "expired" refusal or kick: one fresh ticket and one more try, never a loop. */
  private async refreshAndReconnect(): Promise<void> {
    if (!this.refreshTicket || this.refreshedAfterRefusal || this.closed) return;
    this.refreshedAfterRefusal = true;
    if (await this.renewTicket()) this.connect();
  }

  /** Refuses a file the server would refuse (when the session told the limit). */
  private assertUploadSize(blob: Blob): void {
    if (this.uploadMaxBytes > 0 && blob.size > this.uploadMaxBytes) {
      throw new IMError(ERROR_CODES.FILE_TOO_LARGE, `files may be at most ${this.uploadMaxBytes} bytes; this one is ${blob.size}`, {
        size: blob.size,
        limit: this.uploadMaxBytes,
      });
    }
  }

  /** Writes an unsent message to the outbox and starts sending; resolves once the server stored it. */
  private async queue(
    conversationId: string,
    type: MessageType,
    content: JsonValue,
    options: SendOptions,
    upload?: PendingUpload,
  ): Promise<CachedMessage> {
    const users = options.users === undefined || options.users === null ? null : [options.users].flat();
    const userSession = this.mode === 'user';
    const message: CachedMessage = {
      conversationId,
      senderId: this.userId,
      clientMsgId: newClientMsgId(),
      classKey: classKeyOf(this.classIdValue),
      content,
      recipients: !userSession && users && users.length > 0 ? users : null,
      status: 'sending',
      createdAt: this.nextCreatedAt(),
      ...(userSession ? { type, mentions: options.mentions ?? [], countsUnread: options.countUnread !== false } : {}),
      ...(options.priority && options.priority !== 'normal' ? { priority: options.priority } : {}),
      ...(userSession && options.replyTo !== undefined ? { replyTo: await this.localQuote(conversationId, options.replyTo) } : {}),
      ...(upload ? { upload } : {}),
    };
    await this.cache.addPending(message);
    this.emit('message:update', message);
    const sent = this.outbox.wait(message);
    void this.outbox.flush();
    return sent;
  }

  /** The quote an unsent reply shows until the server's own arrives. */
  private async localQuote(conversationId: string, seq: number): Promise<Quote> {
    const [quoted] = (await this.cache.before(conversationId, '', seq + 1, 1)).filter((m) => m.seq === seq);
    if (!quoted) return { seq, senderId: '' as Quote['senderId'], type: 'text', preview: '' };
    return { seq, senderId: quoted.senderId as Quote['senderId'], type: quoted.type ?? 'custom', preview: previewOf(quoted.type ?? 'custom', quoted.content) };
  }

  /** An online-only message: straight to the server, never cached, never retried. */
  private async sendOnline(conversationId: string, content: JsonValue, options: SendOptions): Promise<CachedMessage> {
    const type = options.type ?? (typeof content === 'string' ? 'text' : 'custom');
    const body = userContent(type, content);
    const clientMsgId = newClientMsgId();
    const { time } = await this.transport.request('message:send', {
      conversationId,
      clientMsgId,
      type,
      content: body,
      onlineOnly: true,
      ...(options.priority ? { priority: options.priority } : {}),
    });
    return { conversationId, senderId: this.userId, clientMsgId, classKey: '', content: body, recipients: null, status: 'sent', createdAt: time, time, type };
  }

  /** The `message:send` payload of a queued message. */
  private sendPayloadOf(message: CachedMessage): MessageSendPayload | UserMessageSendPayload {
    if (this.mode === 'room') {
      return {
        content: message.content,
        clientMsgId: message.clientMsgId,
        users: message.recipients,
        classId: message.classKey === '' ? null : message.classKey,
        ...(message.priority ? { priority: message.priority } : {}),
      };
    }
    const type = message.type && message.type !== 'tip' ? message.type : 'custom';
    return {
      conversationId: message.conversationId,
      clientMsgId: message.clientMsgId,
      type,
      content: message.content,
      ...(message.mentions && message.mentions.length > 0 ? { mentions: message.mentions } : {}),
      ...(message.countsUnread === false ? { countUnread: false } : {}),
      ...(message.priority ? { priority: message.priority } : {}),
      ...(message.replyTo ? { replyTo: message.replyTo.seq } : {}),
    };
  }

  /** Upload progress of unsent file messages, by message key. */
  private readonly progress = new Map<string, number>();

  /**
   * Before a file message is sent: uploads its file (and poster), then keeps the server's file
   * details in the message and drops the bytes from the cache. The type follows what the server
   * found the file to be (a "photo" that is really a PDF goes as a file).
   */
  private async uploadPending(message: CachedMessage, signal: AbortSignal): Promise<CachedMessage> {
    const pending = message.upload;
    if (!pending) return message;
    this.assertUploadSize(pending.blob);
    const key = `${message.conversationId}\u0000${message.clientMsgId}`;
    const report = (percent: number) => {
      if (this.progress.get(key) === percent) return;
      this.progress.set(key, percent);
      this.emit('upload:progress', { conversationId: message.conversationId, clientMsgId: message.clientMsgId, percent });
    };
    report(0);
    const credential = this.mode === 'user' ? this.ticket : this.token;
    // Uploading is its own chunk: most sessions never send a file.
    const { uploadFile } = await import('./upload.js');
    const file = await uploadFile(this.server, credential, pending.blob, pending.name, { onProgress: report, signal });
    const content = (message.content && typeof message.content === 'object' && !Array.isArray(message.content) ? message.content : {}) as Record<string, JsonValue>;
    const requested = message.type ?? 'file';
    const type = requested === file.kind ? requested : 'file';
    let poster: FileInfo | null = null;
    if (type === 'video' && pending.poster) {
      poster = await uploadFile(this.server, credential, pending.poster, `${pending.name}.jpg`, { signal }).catch((error: unknown) => {
        if (error instanceof IMError && error.code === ERROR_CODES.CANCELLED) throw error;
        return null;
      });
    }
    const body: Record<string, JsonValue> = { file: file as unknown as JsonValue };
    if (type === 'audio' || type === 'video') body.duration = typeof content.duration === 'number' ? content.duration : 0;
    if (type === 'video') body.poster = poster as unknown as JsonValue;
    const updated = await this.cache.update(message, (current) => {
      const { upload: _upload, ...rest } = current;
      return { ...rest, type, content: body };
    });
    this.progress.delete(key);
    if (!updated) throw new IMError(ERROR_CODES.CANCELLED, 'the message was cancelled');
    this.emit('message:update', updated);
    return updated;
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

  private setRoomOnline(online: number): void {
    if (online === this.roomOnline) return;
    this.roomOnline = online;
    this.emit('room:online', online);
  }

  private async onReady(session: SessionInfo, reconnect: boolean): Promise<void> {
    this.setRoomOnline(session.online);
    this.uploadMaxBytes = session.uploadMaxBytes;
    await this.catchUp(session, reconnect, async () => {
      const stream = { conversationId: session.conversationId, classKey: classKeyOf(session.classId) };
      const since = this.handshakeSince > 0 ? this.handshakeSince : undefined;
      await this.streams.page(stream, { messages: session.history, hasMore: session.hasMore, through: session.through }, since);
      // We asked for everything after our cursor and there is more: fetch it all now.
      if (session.hasMore && since !== undefined) await this.streams.catchUp(stream);
    });
  }

  /** Changes the class used for stored messages and history, and loads that class's history. */
  async setClassId(classId: string | null): Promise<void> {
    if (this.mode !== 'room') throw new IMError(ERROR_CODES.FORBIDDEN, 'classes belong to room sessions');
    const next = classId || null;
    if (next !== this.classIdValue) {
      this.classIdValue = next;
      this.inSync = false;
      this.emit('class:change', next);
    }
    if (!this.transport.connected) return;
    await this.transport.request('session:update', { classId: this.classIdValue });
    const stream = { conversationId: this.conversationId, classKey: classKeyOf(this.classIdValue) };
    const since = await this.cache.watermark(stream.conversationId, stream.classKey);
    try {
      if (since > 0) {
        await this.streams.catchUp(stream);
      } else {
        const page = await this.transport.request('message:history', { limit: LIMITS.HISTORY_PAGE_MAX, classId: this.classIdValue });
        await this.streams.page(stream, page, undefined);
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
     * Stores a message. Room sessions: to everyone in the room, or only to `options.users`.
     * User sessions: a string is sent as a text message `{ text }`; give `type: 'custom'` for
     * any JSON. It is written to the outbox first, so it is sent even after a reload. Resolves
     * once the server stored it.
     */
    send: async (conversationId: string, content: JsonValue, options: SendOptions = {}): Promise<CachedMessage> => {
      this.assertOpen();
      this.assertConversation(conversationId);
      if (options.onlineOnly && this.mode === 'user') return this.sendOnline(conversationId, content, options);
      const type = options.type ?? (typeof content === 'string' ? 'text' : 'custom');
      return this.queue(conversationId, type, this.mode === 'user' ? userContent(type, content) : content, options);
    },

    /**
     * Sends a file (image, file, audio, video). The message shows at once with status `sending`
     * and the bytes are kept in the cache, so the upload resumes after a reload; progress comes
     * as `upload:progress` events; `cancel()` stops it. Resolves once the server stored the message.
     */
    sendFile: async (conversationId: string, blob: Blob, options: SendFileOptions = {}): Promise<CachedMessage> => {
      this.assertOpen();
      if (this.mode !== 'user') throw new IMError(ERROR_CODES.FORBIDDEN, 'file messages belong to user sessions; room sessions use files.upload()');
      this.assertUploadSize(blob);
      const { kindOfBlob, probeMedia } = await import('./media.js');
      const type = options.type ?? kindOfBlob(blob);
      const name = options.name ?? ((blob as File).name || 'file');
      let duration = options.duration ?? 0;
      let poster = options.poster;
      if ((type === 'audio' || type === 'video') && (options.duration === undefined || (type === 'video' && !poster))) {
        const probe = await probeMedia(blob, type);
        if (options.duration === undefined) duration = probe.duration;
        poster ??= probe.poster;
      }
      const file = { id: '', url: '', name, size: blob.size, mime: blob.type || 'application/octet-stream', kind: type };
      const content: Record<string, JsonValue> = { file };
      if (type === 'audio' || type === 'video') content.duration = Math.round(duration * 1000) / 1000;
      if (type === 'video') content.poster = null;
      return this.queue(conversationId, type, content, {
        ...(options.countUnread === false ? { countUnread: false } : {}),
        ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
      }, { blob, name, ...(poster ? { poster } : {}) });
    },

    /**
     * Cancels an unsent message that has not gone to the server yet (a file still uploading, or
     * one that failed): it is removed. Resolves false when it is already stored or being stored.
     */
    cancel: async (conversationId: string, clientMsgId: string): Promise<boolean> => {
      const key = { conversationId, senderId: this.userId, clientMsgId };
      this.progress.delete(`${conversationId}\u0000${clientMsgId}`);
      return this.outbox.cancel(key);
    },

    /** Upload progress (0–100) of an unsent file message, or undefined when it is not uploading. */
    uploadProgress: (conversationId: string, clientMsgId: string): number | undefined => this.progress.get(`${conversationId}\u0000${clientMsgId}`),

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
      void this.outbox.flush();
      return sent;
    },

    /** One page of history straight from the server (oldest first). User sessions name the conversation. */
    history: (query: { conversationId?: string; before?: number; after?: number; limit?: number } = {}): Promise<HistoryPage> => {
      const { conversationId, ...page } = query;
      if (this.mode === 'user') {
        if (!conversationId) return Promise.reject(new IMError(ERROR_CODES.INVALID_PAYLOAD, 'history needs a conversationId'));
        return this.transport.request('message:history', { ...page, conversationId });
      }
      return this.transport.request('message:history', { ...page, classId: this.classIdValue });
    },

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
      const partition = `${conversationId}\u0000${classKey}`;
      const cached = await this.cache.before(conversationId, classKey, beforeSeq, limit);
      const oldest = cached[0]?.seq ?? beforeSeq;
      const top = beforeSeq === Number.MAX_SAFE_INTEGER ? (cached.at(-1)?.seq ?? 0) : beforeSeq - 1;
      const contiguous = cached.every((m, i) => i === 0 || m.seq === cached[i - 1]!.seq! + 1) && (cached.at(-1)?.seq ?? top) === top;
      if (cached.length >= limit && (contiguous || this.verified.covers(partition, oldest, top) || !this.transport.connected)) {
        return { hasMore: oldest > 1 };
      }
      if (!this.transport.connected && cached.length > 0) return { hasMore: oldest > 1 };
      if (this.olderExhausted.has(partition) && this.verified.covers(partition, 1, top)) return { hasMore: false };
      // Fewer than asked, or holes the server has not vouched for (messages never loaded while
      // a device was away): fetch the page below `beforeSeq` and fill in what is missing.
      const count = Math.min(limit, LIMITS.HISTORY_PAGE_MAX);
      const before = beforeSeq === Number.MAX_SAFE_INTEGER ? undefined : beforeSeq;
      const page = await this.transport.request(
        'message:history',
        this.mode === 'user' ? { conversationId, before, limit: count } : { before, limit: count, classId: this.classIdValue },
      );
      await this.receive(page.messages, true);
      const low = page.hasMore ? (page.messages[0]?.seq ?? beforeSeq) : 1;
      const high = before === undefined ? (page.messages.at(-1)?.seq ?? 0) : before - 1;
      if (page.messages.length > 0 || !page.hasMore) this.verified.add(partition, low, high);
      if (!page.hasMore) this.olderExhausted.add(partition);
      const held = await this.cache.before(conversationId, classKey, beforeSeq, limit);
      return { hasMore: page.hasMore || (held[0]?.seq ?? 1) > low };
    },

    /** Recall a message: yours within the recall window, or any in a group you own. Everyone sees a tombstone. */
    recall: async (conversationId: string, seq: number): Promise<CachedMessage | undefined> =>
      this.applyOwn(await this.userOp('message:recall', { conversationId, seq })),

    /** Edit the text of your own text message (within 24 hours); shown as edited. */
    edit: async (conversationId: string, seq: number, text: string): Promise<CachedMessage | undefined> =>
      this.applyOwn(await this.userOp('message:edit', { conversationId, seq, text })),

    /** Add (or with `on: false` remove) your reaction. */
    react: async (conversationId: string, seq: number, emoji: string, on = true): Promise<CachedMessage | undefined> =>
      this.applyOwn(await this.userOp('message:react', { conversationId, seq, emoji, on })),

    /** Delete for me: gone from your history on all your devices; others keep it. */
    deleteForMe: async (conversationId: string, seq: number): Promise<void> => {
      await this.userOp('message:delete', { conversationId, seq });
      await this.applyDeletion(conversationId, seq);
    },

    /**
     * Searches the messages cached on this device (no server round trip): text (all words, case
     * and accents ignored), sender, type, time range, one conversation or all. Newest first.
     */
    search: (query: SearchQuery): Promise<CachedMessage[]> => this.cache.search(query),

    /** Live view of the newest `limit` messages of a conversation plus unsent ones. */
    observe: (conversationId: string, limit: number, listener: (messages: CachedMessage[]) => void): (() => void) => {
      if (this.mode === 'user' && !this.watched.has(conversationId)) {
        // First view of it: the latest page and the receipts (a view widening keeps them).
        this.watched.add(conversationId);
        void this.ensureLatest(conversationId)
          .then(() => this.loadReceipts(conversationId))
          .catch(() => {
            // Offline: loaded when the session is ready.
          });
      }
      // Bound to the current class; subscribe again after 'class:change'.
      const query: ViewQuery = { conversationId, classKey: classKeyOf(this.classIdValue), limit };
      return this.cache.observe(query, listener);
    },
  };

  /** User sessions: the conversation list and everything about membership and per-user state. */
  readonly conversations = {
    /** The listed conversations (not left, not deleted for me): pinned first, then newest activity. */
    list: async (): Promise<CachedConversation[]> => (await this.cache.conversations()).filter(isListed),

    /** One conversation from the cache. */
    get: (conversationId: string): Promise<CachedConversation | undefined> => this.cache.getConversation(conversationId),

    /** Calls `listener` with the listed conversations now and after every change. */
    observe: (listener: (conversations: CachedConversation[]) => void): (() => void) =>
      this.cache.observeConversations((all) => listener(all.filter(isListed))),

    /** Fetches what changed since the last sync (the client does this by itself after connecting). */
    sync: (): Promise<ConversationSummary[]> => this.syncConversations(),

    /** The direct conversation with a user, created on first use. */
    openDirect: async (userId: string): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:open-direct', { userId })),

    /** A new group: you are its owner; `members` are added with you. */
    createGroup: async (name: string, members: string[] = []): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:create-group', { name, members })),

    addMembers: async (conversationId: string, members: string[]): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:add-members', { conversationId, members })),

    /**
     * Enter a bound room (chat room): it joins your list as a `room` conversation. Give one of
     * the room's tokens, unless the site let you in (POST /v1/rooms/:roomId/members) or the
     * server opens rooms to every signed-in user.
     */
    joinRoom: async (roomId: string, token?: string): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:join-room', token === undefined ? { roomId } : { roomId, token })),

    /** Leave a group or a room (its history stays readable up to now in your cache). */
    leave: async (conversationId: string): Promise<void> => {
      await this.userRequest('conversation:leave', { conversationId });
      await this.cache.updateConversation(conversationId, (c) => ({ ...c, left: true, pinned: false }));
    },

    /** Marks the conversation read up to `seq` (default: its last message); syncs to your other devices. */
    markRead: async (conversationId: string, seq?: number): Promise<number> => {
      const cached = await this.cache.getConversation(conversationId);
      const target = seq ?? cached?.lastSeq ?? 0;
      const { readSeq } = await this.userRequest('conversation:read', { conversationId, seq: target });
      await this.cache.updateConversation(conversationId, (c) => ({
        ...c,
        readSeq: Math.max(c.readSeq, readSeq),
        unreadCount: readSeq >= c.lastSeq ? 0 : c.unreadCount,
        mentioned: readSeq >= c.lastSeq ? false : c.mentioned,
      }));
      return readSeq;
    },

    setPinned: async (conversationId: string, pinned: boolean): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:settings', { conversationId, pinned })),

    /** Do not disturb: the conversation's unread messages leave the total. */
    setMuted: async (conversationId: string, muted: boolean): Promise<CachedConversation> =>
      this.keep(await this.userRequest('conversation:settings', { conversationId, muted })),

    /** Delete for me: gone from your list (on all your devices) until a new message arrives. */
    hide: async (conversationId: string): Promise<void> => {
      await this.userRequest('conversation:hide', { conversationId });
      await this.cache.updateConversation(conversationId, (c) => ({ ...c, hidden: true, unreadCount: 0, mentioned: false, readSeq: c.lastSeq }));
    },

    /**
     * Keeps the text typed but not sent (on this device; '' clears it). Lists show it as the
     * preview, and a chat view restores it when the conversation is opened again.
     */
    setDraft: async (conversationId: string, text: string): Promise<void> => {
      await this.cache.updateConversation(conversationId, (c) => {
        const { draft: _draft, ...rest } = c;
        return text.trim() === '' ? rest : { ...rest, draft: { text, at: Date.now() } };
      });
    },

    /** Sum of unread messages of the listed, unmuted conversations. */
    totalUnread: async (): Promise<number> => totalUnread(await this.cache.conversations()),
  };

  /** Files on the IM server. */
  readonly files = {
    /** Uploads a file (POST /v1/uploads) and resolves with its details; for messages use `messages.sendFile`. */
    upload: async (blob: Blob, options: UploadOptions & { name?: string } = {}): Promise<FileInfo> => {
      this.assertOpen();
      const { name, ...rest } = options;
      const { uploadFile } = await import('./upload.js');
      return uploadFile(this.server, this.mode === 'user' ? this.ticket : this.token, blob, name ?? ((blob as File).name || 'file'), { ...rest, ...this.uploadIdentity() });
    },
    /** Absolute URL of a file path the server gave (`file.url`, a thumbnail's `url`). */
    url: (path: string): string => (/^https?:\/\//.test(path) ? path : `${this.server}${path}`),
  };

  /** Typing indicators (user sessions; online only, never stored). */
  readonly typing = {
    /** Tell the conversation you are typing (repeat while typing; it lapses 5 s after the last call) or stopped. */
    set: async (conversationId: string, typing: boolean): Promise<void> => {
      if (this.mode !== 'user' || !this.transport.connected) return;
      await this.transport.request('typing:set', { conversationId, typing });
    },
    /** Who is typing in a conversation now. */
    who: (conversationId: string): string[] => [...(this.typers.get(conversationId)?.keys() ?? [])],
  };

  /** Presence of users you share conversations with (user sessions). */
  readonly presence = {
    /** Asks the server who of these users is online now (at most 500). */
    query: async (userIds: string[]): Promise<string[]> => {
      if (this.mode !== 'user') throw new IMError(ERROR_CODES.FORBIDDEN, 'presence belongs to user sessions');
      const { online } = await this.transport.request('presence:query', { userIds });
      for (const id of userIds) {
        if (online.includes(id)) this.online.add(id);
        else this.online.delete(id);
      }
      return online;
    },
    /** Online as last heard from the server. */
    isOnline: (userId: string): boolean => this.online.has(userId),
  };

  private async applyOwn(message: StoredMessage): Promise<CachedMessage | undefined> {
    await this.applyUpdate(message);
    return this.cache.get(message);
  }

  private userOp<E extends 'message:recall' | 'message:edit' | 'message:react' | 'message:delete'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ) {
    this.assertOpen();
    if (this.mode !== 'user') return Promise.reject(new IMError(ERROR_CODES.FORBIDDEN, 'message operations belong to user sessions (a ticket)'));
    return this.transport.request(event, payload);
  }

  private async keep(summary: ConversationSummary): Promise<CachedConversation> {
    await this.cache.putConversations([summary]);
    return (await this.cache.getConversation(summary.id)) ?? summary;
  }

  /** Fetches every member's read and delivery position of a conversation a view shows. */
  private async loadReceipts(conversationId: string): Promise<void> {
    if (this.mode !== 'user' || !this.transport.connected) return;
    const conversation = await this.cache.getConversation(conversationId);
    if (!conversation || conversation.memberCount > LIMITS.RECEIPTS_MEMBERS_MAX) return;
    const { receipts } = await this.transport.request('conversation:receipts', { conversationId });
    await this.cache.updateConversation(conversationId, (c) => ({ ...c, receipts: mergeReceipts(c.receipts, receipts) }));
  }

  /** Highest seq received from others per conversation, told to the server in one batch shortly after. */
  private readonly undelivered = new Map<string, number>();
  private deliveryTimer: ReturnType<typeof setTimeout> | undefined;

  private noteDelivered(messages: readonly StoredMessage[]): void {
    if (this.mode !== 'user') return;
    for (const message of messages) {
      if (message.senderId === this.userId) continue;
      this.undelivered.set(message.conversationId, Math.max(this.undelivered.get(message.conversationId) ?? 0, message.seq));
    }
    if (this.undelivered.size === 0 || this.deliveryTimer) return;
    this.deliveryTimer = setTimeout(() => {
      this.deliveryTimer = undefined;
      const batch = [...this.undelivered];
      this.undelivered.clear();
      for (const [conversationId, seq] of batch) {
        this.transport.request('conversation:delivered', { conversationId, seq }).catch(() => {
          // Offline or rate limited: the next message or reconnect tells it again.
        });
      }
    }, 300);
  }

  private userRequest<E extends 'conversation:open-direct' | 'conversation:create-group' | 'conversation:add-members' | 'conversation:leave' | 'conversation:join-room' | 'conversation:read' | 'conversation:settings' | 'conversation:hide'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ) {
    this.assertOpen();
    if (this.mode !== 'user') return Promise.reject(new IMError(ERROR_CODES.FORBIDDEN, 'conversations belong to user sessions (a ticket)'));
    return this.transport.request(event, payload);
  }

  /** Guests of a room name themselves on uploads (the token does not). */
  private uploadIdentity(): { guestId?: string } {
    return this.mode === 'room' && this.userId !== this.givenUserId && this.givenUserId !== undefined ? { guestId: this.givenUserId } : {};
  }

  private assertOpen(): void {
    if (this.closed) throw new IMError(ERROR_CODES.CLIENT_CLOSED, 'the client was closed');
  }

  private assertConversation(conversationId: string): void {
    if (this.mode === 'room' && conversationId !== this.conversationId) {
      throw new IMError(ERROR_CODES.NOT_FOUND, `this client is bound to ${this.conversationId}, not ${conversationId}`);
    }
  }
}
