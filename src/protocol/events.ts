import type { AckCallback } from './ack.js';
import type { ErrorPayload } from './errors.js';
import type {
  HistoryPage,
  JsonValue,
  SendResult,
  SessionInfo,
  SignalMessage,
  SignalResult,
  SkippedMessage,
  StoredMessage,
  RoomRole,
  ConversationSummary,
  UserSessionInfo,
  UserId,
  RoomId,
  ConversationId,
  SendableType,
} from './models.js';

/** Handshake `auth` of a room connection. */
export interface RoomHandshake {
  token: string;
  /** Who you are: required with a token that names no user; must be that user (or left out) with one that does. */
  userId?: string;
  classId?: string | null;
  /**
   * Highest seq the client already holds for this room and class. The server then sends the
   * messages after it in `session:ready` instead of the latest page.
   */
  since?: number;
}

/** Handshake `auth` of a signed-in user (all of the user's conversations). */
export interface UserHandshake {
  ticket: string;
}

export interface ConversationSyncQuery {
  /** The `version` of the previous sync; without it every conversation comes. */
  since?: number;
}

export interface ConversationSyncResult {
  conversations: ConversationSummary[];
  /** Give this as `since` next time. */
  version: number;
}

/** How far one member has read and received a conversation. */
export interface MemberReceipt {
  userId: string;
  readSeq: number;
  deliveredSeq: number;
}

export interface UserMessageSendPayload {
  conversationId: string;
  clientMsgId: string;
  /** Default `text`. See the content of each type in models.ts; file types send `{ file: { id } }` of an upload. */
  type?: SendableType;
  content: JsonValue;
  /** Seq of a message of this conversation that this one replies to (quotes). */
  replyTo?: number;
  /** Mentioned user ids, or MENTION_ALL. */
  mentions?: string[];
  /** False: the message does not count as unread for anyone. */
  countUnread?: boolean;
  /** Not stored, not counted: delivered to who is online now (as `signal:received` kind `online`). */
  onlineOnly?: boolean;
  /** Over the conversation's message rate, `low` is dropped first and `high` always passes. */
  priority?: 'high' | 'normal' | 'low';
}

export interface UserHistoryQuery extends HistoryQuery {
  conversationId: string;
}

export interface BroadcastPayload {
  content: JsonValue;
}

export interface CommandPayload {
  content: JsonValue;
  /** One user id or a list of them. */
  users: string | string[];
}

export interface MessageSendPayload {
  content: JsonValue;
  /** UUID chosen by the client; a retry with the same id returns the original message. */
  clientMsgId: string;
  /** Only these users (and the sender) receive and can read the message. */
  users?: string | string[] | null;
  /** Class the message belongs to; defaults to the connection's class. */
  classId?: string | null;
  /** Over the room's message rate, `low` is dropped first and `high` always passes. */
  priority?: 'high' | 'normal' | 'low';
}

export interface HistoryQuery {
  /** Messages with seq lower than this, newest page first-in-time order (oldest first). */
  before?: number;
  /** Messages with seq higher than this, oldest first. */
  after?: number;
  limit?: number;
  /** Defaults to the connection's class. */
  classId?: string | null;
}

export interface SessionUpdatePayload {
  classId: string | null;
}

export interface KickPayload extends ErrorPayload {}

export interface ClientToServerEvents {
  // Room sessions (room token)
  'signal:broadcast': (payload: BroadcastPayload, ack: AckCallback<SignalResult>) => void;
  'signal:send': (payload: CommandPayload, ack: AckCallback<SignalResult>) => void;
  /** Room sessions: MessageSendPayload; user sessions: UserMessageSendPayload. */
  'message:send': (payload: MessageSendPayload | UserMessageSendPayload, ack: AckCallback<SendResult>) => void;
  /** Room sessions: HistoryQuery; user sessions: UserHistoryQuery. */
  'message:history': (query: HistoryQuery | UserHistoryQuery, ack: AckCallback<HistoryPage>) => void;
  'session:update': (payload: SessionUpdatePayload, ack: AckCallback<{ classId: string | null }>) => void;
  // User sessions (ticket)
  'session:renew': (payload: UserHandshake, ack: AckCallback<{ expiresAt: number }>) => void;
  'conversation:sync': (query: ConversationSyncQuery, ack: AckCallback<ConversationSyncResult>) => void;
  'conversation:open-direct': (payload: { userId: string }, ack: AckCallback<ConversationSummary>) => void;
  'conversation:create-group': (payload: { name: string; members: string[] }, ack: AckCallback<ConversationSummary>) => void;
  'conversation:add-members': (payload: { conversationId: string; members: string[] }, ack: AckCallback<ConversationSummary>) => void;
  'conversation:leave': (payload: { conversationId: string }, ack: AckCallback<{ conversationId: string }>) => void;
  /**
   * Enter a bound room as a signed-in user: it becomes a `room` conversation in your list. Needs
   * one of the room's tokens, or a grant by the site (POST /v1/rooms/:roomId/members), unless
   * the server opens rooms to every signed-in user (IM_OPEN_ROOMS).
   */
  'conversation:join-room': (payload: { roomId: string; token?: string }, ack: AckCallback<ConversationSummary>) => void;
  'conversation:read': (payload: { conversationId: string; seq: number }, ack: AckCallback<{ readSeq: number }>) => void;
  'conversation:settings': (
    payload: { conversationId: string; pinned?: boolean; muted?: boolean },
    ack: AckCallback<ConversationSummary>,
  ) => void;
  'conversation:hide': (payload: { conversationId: string }, ack: AckCallback<{ conversationId: string }>) => void;
  /** Online-only: tell the conversation you are (or stopped) typing; it expires by itself after 5 s. */
  'typing:set': (payload: { conversationId: string; typing: boolean }, ack: AckCallback<{ expiresInMs: number }>) => void;
  /** Recall: the sender within the recall window, a group owner at any time. */
  'message:recall': (payload: { conversationId: string; seq: number }, ack: AckCallback<StoredMessage>) => void;
  /** Edit a text message: the sender, within 24 hours. */
  'message:edit': (payload: { conversationId: string; seq: number; text: string }, ack: AckCallback<StoredMessage>) => void;
  /** Add (`on: true`) or remove a reaction. */
  'message:react': (payload: { conversationId: string; seq: number; emoji: string; on: boolean }, ack: AckCallback<StoredMessage>) => void;
  /** Delete for me: gone from your history on all your devices. */
  'message:delete': (payload: { conversationId: string; seq: number }, ack: AckCallback<{ conversationId: string; seq: number }>) => void;
  /** Edits, recalls, reactions and deletions for me after `since` (a version), for a device that was away. */
  'message:changes': (
    payload: { conversationId: string; since: number; limit?: number },
    ack: AckCallback<{ messages: StoredMessage[]; deleted: number[]; version: number; hasMore: boolean }>,
  ) => void;
  /** One of your devices received the conversation's messages up to `seq` (the SDK sends this itself). */
  'conversation:delivered': (payload: { conversationId: string; seq: number }, ack: AckCallback<{ deliveredSeq: number }>) => void;
  /** Every member's read and delivery position (conversations up to 500 members). */
  'conversation:receipts': (payload: { conversationId: string }, ack: AckCallback<{ receipts: MemberReceipt[] }>) => void;
  /** Who of these users is online now (at most 500 ids). */
  'presence:query': (payload: { userIds: string[] }, ack: AckCallback<{ online: string[] }>) => void;
}

export interface ServerToClientEvents {
  'session:ready': (session: SessionInfo | UserSessionInfo) => void;
  'message:created': (message: StoredMessage) => void;
  /** A message of your class targeted to other users was stored: your stream moved on past it. */
  'message:skipped': (skip: SkippedMessage) => void;
  'signal:received': (signal: SignalMessage) => void;
  'session:kicked': (reason: KickPayload) => void;
  /** A conversation of this user changed (membership, settings, read state on another device): sync. */
  'conversation:changed': (change: { conversationId: string; version: number }) => void;
  /** How many distinct users are connected to the room now (sent at most every half second). */
  'room:online': (change: { conversationId: string; online: number }) => void;
  /** A member read or received further (conversations up to 500 members). */
  'receipt:changed': (change: { conversationId: string } & MemberReceipt) => void;
  /** A stored message was edited, recalled or reacted to: the new state. */
  'message:updated': (message: StoredMessage) => void;
  /** You deleted a message for yourself (on this or another device). */
  'message:deleted': (change: { conversationId: string; seq: number }) => void;
  /** Someone in a conversation started or stopped typing (`expiresInMs` after which to drop it). */
  'typing:changed': (change: { conversationId: string; userId: string; typing: boolean; expiresInMs: number }) => void;
  /** A user who shares a conversation with you came online (first connection) or went offline (last one closed). */
  'presence:changed': (change: { userId: string; online: boolean }) => void;
}

export interface InterServerEvents {}

/** Per-connection identity, set by the handshake middleware. */
export type SocketData = RoomSocketData | UserSocketData;

export interface UserSocketData {
  kind: 'user';
  userId: UserId;
  /** When the session ends (ticket expiry, capped by the longest ticket life allowed), ms since the epoch. */
  expiresAt: number;
}

export interface RoomSocketData {
  kind: 'room';
  /** The user the token names, or `~` + the id the client gave (a guest). */
  userId: UserId;
  role: RoomRole;
  /** When the token expires (ms since the epoch), or null. */
  expiresAt: number | null;
  /** The site bound the token to this user (not a guest). */
  verified: boolean;
  roomId: RoomId;
  conversationId: ConversationId;
  /** Binding generation the token was issued for. */
  generation: number;
  classId: string | null;
  since: number | undefined;
}
