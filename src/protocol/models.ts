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
}

/** A transient (not stored) message: room broadcast or custom command. */
export interface SignalMessage {
  kind: 'room' | 'custom';
  conversationId: ConversationId;
  senderId: UserId;
  content: JsonValue;
  time: number;
}

/** What the server tells a socket right after it connects. */
export interface SessionInfo {
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
