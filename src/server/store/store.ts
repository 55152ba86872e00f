import type { ConversationStore } from './conversations.js';
import type { MessageOpsStore } from './message-ops.js';
import type { StoredMessage, JsonValue, MessageType, Quote } from '../../protocol/models.js';
import type { FileStore } from './files.js';

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
}

export interface AppendResult {
  message: StoredMessage;
  /** The client message id was stored before: `message` is the original. */
  duplicate: boolean;
}

export interface HistoryRequest {
  conversationId: string;
  /** Only messages this user may read: untargeted ones, their own, and those sent to them. */
  userId: string;
  classId: string | null;
  before?: number;
  after?: number;
  limit: number;
  /** Only messages after this seq (a group member does not read what came before joining). */
  minSeq?: number;
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
  /** Appends messages in one transaction (group commit); results are in input order. */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  /** A page of history, oldest first. Without before/after: the latest page. */
  history(request: HistoryRequest): Promise<{ messages: StoredMessage[]; hasMore: boolean }>;
  close(): Promise<void>;
}
