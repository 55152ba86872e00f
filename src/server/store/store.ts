import type { ConversationStore } from './conversations.js';
import type { MessageOpsStore } from './message-ops.js';
import type { HistoryPage, StoredMessage, JsonValue, MessageType, Quote, RoomRole } from '../../protocol/models.js';
import type { FileStore } from './files.js';
import type { Reader } from '../domain/visibility.js';

export interface RoomBinding {
  roomId: string;
  conversationId: string;
  generation: number;
  bound: boolean;
  boundAt: number;
}

export interface NewMessage {
  conversationId: string;
  classId: string | null;
  senderId: string;
  clientMsgId: string;
  content: JsonValue;
  recipients: string[] | null;
  time: number;
  type: MessageType;
  mentions: string[];
  countsUnread: boolean;
  /** What this message quotes, or null. */
  replyTo?: Quote | null;
  /** Uploads the message names (its file, a video's poster): recorded so recall can stop serving them. */
  fileIds?: readonly string[];
}

export interface AppendResult {
  message: StoredMessage;
  /** The client message id was stored before: `message` is the original. */
  duplicate: boolean;
}

export interface HistoryRequest {
  conversationId: string;
  /** Only what this reader may read (server/domain/visibility.ts), less what they deleted for themselves. */
  reader: Reader;
  before?: number;
  after?: number;
  limit: number;
}

/**
 * Persistence of the IM server. Implementations must keep `seq` strictly increasing without
 * holes per conversation, and must commit a message before its promise resolves.
 */
export interface Store {
  /** Conversations of signed-in users: direct and group, members and per-member state. */
  readonly conversations: ConversationStore;
  /** Recall, edit, reactions and delete-for-me of stored messages. */
  readonly messageOps: MessageOpsStore;
  /** Uploaded files' records. */
  readonly files: FileStore;
  migrate(): Promise<void>;
  /** Binds a room, creating it on first use. An active binding is returned unchanged. */
  bindRoom(roomId: string, now: number): Promise<RoomBinding>;
  /** Returns false when the room was not bound. */
  unbindRoom(roomId: string, now: number): Promise<boolean>;
  getRoom(roomId: string): Promise<RoomBinding | undefined>;
  /** Active members of a direct or group conversation who joined after `seq` (may not read it). */
  lateJoiners(conversationId: string, seq: number): Promise<string[]>;
  /** Lets signed-in users into a room (with a role there); a later grant replaces the role. */
  grantRoom(roomId: string, userIds: readonly string[], role: RoomRole, now: number): Promise<void>;
  /** The user's grant to a room, if any. */
  roomGrant(roomId: string, userId: string): Promise<{ role: RoomRole } | undefined>;
  /** Refuses credentials of this user issued at or before `atSeconds` (never moves back). */
  revoke(userId: string, atSeconds: number): Promise<number>;
  /** The second up to which this user's credentials are revoked, if ever. */
  revokedAt(userId: string): Promise<number | undefined>;
  /** Appends messages in one transaction (group commit); results are in input order. */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /** A page of history, oldest first. Without before/after: the latest page. */
  history(request: HistoryRequest): Promise<HistoryPage>;
  close(): Promise<void>;
}
