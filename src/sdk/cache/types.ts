import type { ErrorPayload } from '../../protocol/errors.js';
import type { ConversationSummary, JsonValue, MessageType, Quote, SendResult, StoredMessage } from '../../protocol/models.js';

export type MessageStatus = 'sending' | 'sent' | 'failed';

/** A message as the cache holds it: stored ones have `seq`; unsent ones do not yet. */
export interface CachedMessage {
  conversationId: string;
  senderId: string;
  clientMsgId: string;
  /** Class of the message, '' for none (an index key cannot be null). */
  classKey: string;
  content: JsonValue;
  recipients: string[] | null;
  status: MessageStatus;
  /** Local creation time; the order in which unsent messages are flushed. */
  createdAt: number;
  /** Server fields, present once stored. */
  id?: string;
  seq?: number;
  /** Server time once stored. */
  time?: number;
  /** Why the last send failed. */
  error?: ErrorPayload;
  /** Conversations of signed-in users: the message type, mentions and unread flag. */
  type?: MessageType;
  mentions?: string[];
  countsUnread?: boolean;
  editedAt?: number | null;
  recalled?: { by: string; at: number } | null;
  reactions?: Record<string, string[]>;
  /** Sync version of the last edit, recall or reaction. */
  version?: number;
  /** Send priority other than normal. */
  priority?: 'high' | 'low';
  /** The message this one quotes. */
  replyTo?: Quote | null;
  /** Seq of the message before this one in its stream (see StoredMessage.prev), once stored. */
  prev?: number;
  /**
   * An unsent file message whose file is not uploaded yet: the bytes are kept here (so the
   * upload survives a reload) until the server has them; `content.file` is filled in then.
   */
  upload?: PendingUpload;
}

export interface PendingUpload {
  blob: Blob;
  name: string;
  /** Video: a poster frame to upload with it. */
  poster?: Blob;
}

/** A conversation in the user's list, as the cache keeps it. */
export interface CachedConversation extends ConversationSummary {
  /** Each member's read and delivery position, once a view of the conversation asked for them. */
  receipts?: Record<string, { readSeq: number; deliveredSeq: number }>;
  /** Text typed but not sent, kept on this device only (`conversations.setDraft`). */
  draft?: { text: string; at: number };
}

/** A summary from the server keeps what only this device knows of the conversation (receipts, draft). */
export function keepLocal(incoming: CachedConversation, held: CachedConversation | undefined): CachedConversation {
  const receipts = incoming.receipts ?? held?.receipts;
  const draft = incoming.draft ?? held?.draft;
  return { ...incoming, ...(receipts ? { receipts } : {}), ...(draft ? { draft } : {}) };
}

/** Local search over cached messages; every field narrows the result. */
export interface SearchQuery {
  /** Words that must all appear in the message text (case- and accent-insensitive). */
  text?: string;
  conversationId?: string;
  senderId?: string;
  type?: MessageType;
  /** Server time range, ms since the epoch (inclusive). */
  from?: number;
  to?: number;
  /** Most results (default 50). */
  limit?: number;
}

/** The searchable text of a message: its text, a file's name, a location's or custom message's description. */
export function searchableText(message: CachedMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!content || typeof content !== 'object' || Array.isArray(content)) return '';
  if (typeof content.text === 'string') return content.text;
  if (typeof content.description === 'string') return content.description;
  const file = content.file;
  if (file && typeof file === 'object' && !Array.isArray(file) && typeof file.name === 'string') return file.name;
  return '';
}

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** True when a stored, not recalled message matches every field of the query. */
export function matchesSearch(message: CachedMessage, query: SearchQuery): boolean {
  if (message.seq === undefined || message.recalled) return false;
  if (query.conversationId !== undefined && message.conversationId !== query.conversationId) return false;
  if (query.senderId !== undefined && message.senderId !== query.senderId) return false;
  if (query.type !== undefined && (message.type ?? 'custom') !== query.type) return false;
  const time = message.time ?? message.createdAt;
  if (query.from !== undefined && time < query.from) return false;
  if (query.to !== undefined && time > query.to) return false;
  if (query.text) {
    const haystack = fold(searchableText(message));
    return fold(query.text)
      .split(/\s+/)
      .filter(Boolean)
      .every((word) => haystack.includes(word));
  }
  return true;
}

export type ReceiptStatus = 'sent' | 'delivered' | 'read';

/**
 * Receipts of one stored message: who of the other members has read it, who has not, and the
 * status the sender sees (read by anyone → 'read', received by anyone → 'delivered').
 */
export function receiptsOf(
  conversation: CachedConversation | undefined,
  message: { seq?: number; senderId: string },
): { status: ReceiptStatus; readBy: string[]; unreadBy: string[] } {
  const members = Object.entries(conversation?.receipts ?? {}).filter(([userId]) => userId !== message.senderId);
  const seq = message.seq ?? Number.MAX_SAFE_INTEGER;
  const readBy = members.filter(([, r]) => r.readSeq >= seq).map(([userId]) => userId);
  const unreadBy = members.filter(([, r]) => r.readSeq < seq).map(([userId]) => userId);
  const delivered = members.some(([, r]) => r.deliveredSeq >= seq);
  return { status: readBy.length > 0 ? 'read' : delivered ? 'delivered' : 'sent', readBy, unreadBy };
}

/** List order: pinned first, then by last activity, newest first. */
export function compareConversations(a: CachedConversation, b: CachedConversation): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  return b.activeAt - a.activeAt || (a.id < b.id ? -1 : 1);
}

/** What a list shows: not left, not deleted-for-me. */
export const isListed = (conversation: CachedConversation): boolean => !conversation.left && !conversation.hidden;

/** The identity of a message in every cache: unique per (conversation, sender) forever. */
export interface MessageKey {
  conversationId: string;
  senderId: string;
  clientMsgId: string;
}

export const classKeyOf = (classId: string | null | undefined): string => classId ?? '';

export function fromStored(message: StoredMessage): CachedMessage {
  return {
    conversationId: message.conversationId,
    senderId: message.senderId,
    clientMsgId: message.clientMsgId,
    classKey: classKeyOf(message.classId),
    content: message.content,
    recipients: message.recipients,
    status: 'sent',
    createdAt: message.time,
    id: message.id,
    seq: message.seq,
    time: message.time,
    type: message.type,
    mentions: message.mentions,
    countsUnread: message.countsUnread,
    editedAt: message.editedAt,
    recalled: message.recalled,
    reactions: message.reactions,
    version: message.version,
    replyTo: message.replyTo ?? null,
    prev: message.prev,
  };
}

export function withSendResult(message: CachedMessage, result: SendResult): CachedMessage {
  const { error: _error, ...rest } = message;
  return { ...rest, status: 'sent', id: result.id, seq: result.seq, time: result.time, prev: result.prev };
}

/** Display order: stored messages by seq, then unsent ones in the order they were written. */
export function compareForDisplay(a: CachedMessage, b: CachedMessage): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  if (a.seq !== undefined) return -1;
  if (b.seq !== undefined) return 1;
  return a.createdAt - b.createdAt;
}

export interface ViewQuery {
  conversationId: string;
  classKey: string;
  /** How many of the newest stored messages (unsent ones always come too). */
  limit: number;
}

/**
 * Where the SDK keeps messages. Everything the client learns is written here first; listeners
 * and elements are told after the write.
 */
export interface MessageCache {
  /** Inserts or updates stored messages; returns those this cache did not hold as stored yet. */
  putStored(messages: readonly StoredMessage[]): Promise<CachedMessage[]>;
  /** Replaces a held stored message with a newer state of it (edit, recall, reaction); returns it, or undefined when not held. */
  replaceStored(message: StoredMessage): Promise<CachedMessage | undefined>;
  /** Drops a stored message (deleted for me). */
  removeStored(conversationId: string, classKey: string, seq: number): Promise<void>;
  /** Adds an unsent message (the outbox). */
  addPending(message: CachedMessage): Promise<void>;
  /** Removes an unsent message (a cancelled upload); false when it is stored or absent. */
  removePending(key: MessageKey): Promise<boolean>;
  update(key: MessageKey, change: (message: CachedMessage) => CachedMessage): Promise<CachedMessage | undefined>;
  get(key: MessageKey): Promise<CachedMessage | undefined>;
  /** Unsent messages (status 'sending') of a conversation, oldest first. */
  outbox(conversationId: string): Promise<CachedMessage[]>;
  /** Highest stored seq held for a conversation and class; 0 when none. */
  lastSeq(conversationId: string, classKey: string): Promise<number>;
  /** Lowest stored seq held for a conversation and class; 0 when none. */
  firstSeq(conversationId: string, classKey: string): Promise<number>;
  /** Stored messages with seq < before, newest `limit` of them, in display order. */
  before(conversationId: string, classKey: string, before: number, limit: number): Promise<CachedMessage[]>;
  /** The newest `limit` stored messages plus every unsent one, in display order. */
  view(query: ViewQuery): Promise<CachedMessage[]>;
  /**
   * The sync watermark of a conversation and class: the cache holds every message after the
   * latest page it loaded up to this seq, so a reconnect asks for what came after it.
   */
  watermark(conversationId: string, classKey: string): Promise<number>;
  /** Raises the watermark (never lowers it). */
  advanceWatermark(conversationId: string, classKey: string, seq: number): Promise<void>;
  /** Conversations of a signed-in user; receipts already held for one are kept (atomically). */
  putConversations(conversations: readonly CachedConversation[]): Promise<void>;
  getConversation(id: string): Promise<CachedConversation | undefined>;
  updateConversation(id: string, change: (conversation: CachedConversation) => CachedConversation): Promise<CachedConversation | undefined>;
  /** Every cached conversation (also left and hidden ones), in list order. */
  conversations(): Promise<CachedConversation[]>;
  observeConversations(listener: (conversations: CachedConversation[]) => void): () => void;
  /** Ids of conversations with unsent messages. */
  pendingConversations(): Promise<string[]>;
  /** Stored messages held in the cache that match, newest first (local search). */
  search(query: SearchQuery): Promise<CachedMessage[]>;
  /** Small numbers kept with the cache (the conversation sync version). */
  getMeta(key: string): Promise<number>;
  setMeta(key: string, value: number): Promise<void>;
  /** Calls `listener` with `view(query)` now and after every change that affects it. */
  observe(query: ViewQuery, listener: (messages: CachedMessage[]) => void): () => void;
  close(): void;
}
