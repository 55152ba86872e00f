import type { AckCallback } from './ack.js';
import type { ErrorPayload } from './errors.js';
import type {
  HistoryPage,
  JsonValue,
  SendResult,
  SessionInfo,
  SignalMessage,
  SignalResult,
  StoredMessage,
  UserId,
  RoomId,
  ConversationId,
} from './models.js';

/** Handshake `auth` of a room connection. */
export interface RoomHandshake {
  token: string;
  userId: string;
  classId?: string | null;
  /**
   * Highest seq the client already holds for this room and class. The server then sends the
   * messages after it in `session:ready` instead of the latest page.
   */
  since?: number;
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
  'signal:broadcast': (payload: BroadcastPayload, ack: AckCallback<SignalResult>) => void;
  'signal:send': (payload: CommandPayload, ack: AckCallback<SignalResult>) => void;
  'message:send': (payload: MessageSendPayload, ack: AckCallback<SendResult>) => void;
  'message:history': (query: HistoryQuery, ack: AckCallback<HistoryPage>) => void;
  'session:update': (payload: SessionUpdatePayload, ack: AckCallback<{ classId: string | null }>) => void;
}

export interface ServerToClientEvents {
  'session:ready': (session: SessionInfo) => void;
  'message:created': (message: StoredMessage) => void;
  'signal:received': (signal: SignalMessage) => void;
  'session:kicked': (reason: KickPayload) => void;
}

export interface InterServerEvents {}

export interface SocketData {
  userId: UserId;
  roomId: RoomId;
  conversationId: ConversationId;
  /** Binding generation the token was issued for. */
  generation: number;
  classId: string | null;
  since: number | undefined;
}
