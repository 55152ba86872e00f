declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type ConversationId = Brand<string, 'ConversationId'>;
export type MessageId = Brand<string, 'MessageId'>;

/** Any JSON value a message may carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The conversation that backs a bound room. */
export function roomConversationId(roomId: string): ConversationId {
  return `room:${roomId}` as ConversationId;
}

/**
 * `custom`: any JSON content (room messages); `text`: `{ text }` with @mentions; `tip`: written
 * by the server (group created, members joined or left).
 */
export type MessageType = 'custom' | 'text' | 'tip';

export type ConversationType = 'room' | 'direct' | 'group';

/** Mention of everyone in a conversation. */
export const MENTION_ALL = '@all';

/** A stored ("reliable") message as the server delivers it. */
export interface StoredMessage {
  /** Server id, unique across the server. */
  id: MessageId;
  conversationId: ConversationId;
  /** Per-conversation sequence number: 1, 2, 3 … without holes. */
  seq: number;
  /** Class (course session) the message belongs to; null when sent without one. */
  classId: string | null;
  senderId: UserId;
  /** The sender's idempotency key (UUID). */
  clientMsgId: string;
  content: JsonValue;
  /** Recipients when the message was targeted; null when it is for everyone in the room. */
  recipients: UserId[] | null;
  /** Server time, ms since the epoch. */
  time: number;
  type: MessageType;
  /** Mentioned user ids (and MENTION_ALL); empty when none. */
  mentions: string[];
  /** False when the sender asked for it not to count as unread. */
  countsUnread: boolean;
  /** When the text was last edited, or null. */
  editedAt: number | null;
  /** Who recalled the message and when; its content is then null everywhere. */
  recalled: { by: UserId; at: number } | null;
  /** Emoji → the users who reacted with it. */
  reactions: Record<string, UserId[]>;
  /** Sync version of the last change (edit, recall, reaction); 0 when never changed. */
  version: number;
}

/** One conversation in a user's list, with this user's state of it. */
export interface ConversationSummary {
  id: ConversationId;
  type: ConversationType;
  /** Group name; null for direct conversations. */
  name: string | null;
  ownerId: UserId | null;
  /** The other user of a direct conversation. */
  peerId: UserId | null;
  memberCount: number;
  role: 'owner' | 'member';
  /** Highest seq in the conversation. */
  lastSeq: number;
  /** The newest message this user may read, or null. */
  lastMessage: StoredMessage | null;
  /** Server time of the last activity (last message or creation). */
  activeAt: number;
  readSeq: number;
  /** Messages after readSeq from others that count as unread, up to 100. */
  unreadCount: number;
  /** A message after readSeq mentions this user or @all. */
  mentioned: boolean;
  pinned: boolean;
  muted: boolean;
  /** Deleted for this user and no message since. */
  hidden: boolean;
  /** The user left (or was removed); kept so the list can drop it. */
  left: boolean;
  /** Sync version of this entry. */
  version: number;
}

/** What a user session learns right after connecting. */
export interface UserSessionInfo {
  kind: 'user';
  userId: UserId;
  /** Current sync version: ask `conversation:sync` for changes after your last one. */
  version: number;
  /** Ticket expiry, ms since the epoch. */
  expiresAt: number;
}

/** A transient (not stored) message: room broadcast or custom command. */
export interface SignalMessage {
  /** `room` broadcast, `custom` command, `online`: an online-only message in a user conversation. */
  kind: 'room' | 'custom' | 'online';
  conversationId: ConversationId;
  senderId: UserId;
  content: JsonValue;
  time: number;
}

/** What the server tells a room connection right after it connects. */
export interface SessionInfo {
  kind: 'room';
  userId: UserId;
  roomId: RoomId;
  conversationId: ConversationId;
  classId: string | null;
  /**
   * Stored messages visible to this user in this class, oldest first: the latest page when
   * the client asked for no `since`, or the first page after `since`.
   */
  history: StoredMessage[];
  /** More history remains on the side that was not delivered (older, or newer after `since`). */
  hasMore: boolean;
  /** Distinct users connected to the room now (this one included). */
  online: number;
}

export interface HistoryPage {
  messages: StoredMessage[];
  hasMore: boolean;
}

export interface SendResult {
  id: MessageId;
  seq: number;
  time: number;
  /** True when this client message id was already stored and the original was returned. */
  duplicate: boolean;
}

export interface SignalResult {
  time: number;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'kicked';
