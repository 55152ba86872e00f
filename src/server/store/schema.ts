/** Tables as Kysely sees them. Timestamps are ms since the epoch; booleans are 0/1. */
export interface Database {
  conversations: ConversationTable;
  rooms: RoomTable;
  messages: MessageTable;
  message_recipients: MessageRecipientTable;
  message_mentions: MessageMentionTable;
  message_reactions: MessageReactionTable;
  message_deletions: MessageDeletionTable;
  members: MemberTable;
  counters: CounterTable;
  files: FileTable;
  room_grants: RoomGrantTable;
  revocations: RevocationTable;
  file_refs: FileRefTable;
}

/** A signed-in user the site let into a bound room, with the role they have there. */
export interface RoomGrantTable {
  room_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

/** Credentials of this user issued at or before `revoked_at` (seconds) are refused. */
export interface RevocationTable {
  user_id: string;
  revoked_at: number;
}

/** A stored message that names an uploaded file (its file or a video's poster). */
export interface FileRefTable {
  file_id: string;
  conversation_id: string;
  seq: number;
}

/** An uploaded file; its bytes are in the blob store under `id`, thumbnails under `id.s` / `id.l`. */
export interface FileTable {
  id: string;
  /** Who uploaded it: `user:<id>` (a ticket, or a room token bound to that user), or `guest:<roomId>:<~id>`. */
  owner: string;
  name: string;
  size: number;
  mime: string;
  kind: string;
  width: number | null;
  height: number | null;
  /** JSON { small, large } with each rendition's width and height; null for non-images. */
  thumbnails: string | null;
  created_at: number;
  /** Set when every message naming the file was recalled: the file is no longer served. */
  revoked_at: number | null;
}

export interface ConversationTable {
  id: string;
  /** 'room' now; 'direct', 'group' and 'system' share the table. */
  type: string;
  last_seq: number;
  created_at: number;
  name: string | null;
  owner_id: string | null;
  /** Sync version of the last change every member should see (a new message, a rename). */
  version: number;
  last_message_at: number | null;
  /** Active members (kept in step with every membership change). */
  member_count: number;
}

export interface RoomTable {
  room_id: string;
  conversation_id: string;
  /** Bumped by every bind that follows an unbind, so older tokens stop working. */
  generation: number;
  bound: number;
  bound_at: number;
  unbound_at: number | null;
}

export interface MessageTable {
  id: string;
  conversation_id: string;
  seq: number;
  /** '' when the message belongs to no class (keeps the index and equality portable). */
  class_id: string;
  sender_id: string;
  client_msg_id: string;
  /** JSON text. */
  content: string;
  /** JSON array of user ids for targeted messages, null for everyone. */
  recipients: string | null;
  created_at: number;
  /** 'custom' (room messages), 'text', 'tip' (server-generated). */
  type: string;
  /** 0 when the sender asked for the message not to count as unread. */
  counts_unread: number;
  /** JSON array of mentioned user ids (and '@all'), null when none. */
  mentions: string | null;
  /** Sync version of the last edit, recall or reaction (0: never changed). */
  version: number;
  edited_at: number | null;
  recalled_by: string | null;
  recalled_at: number | null;
  /** JSON Quote of the message this one replies to, or null. */
  reply_to: string | null;
  /** Seq of the message before this one in its stream (its class in a room, else the conversation); 0 for the first. */
  prev_seq: number;
}

export interface MessageRecipientTable {
  conversation_id: string;
  seq: number;
  user_id: string;
}

export interface MessageMentionTable {
  conversation_id: string;
  seq: number;
  /** A user id, or '*' for @all. */
  user_id: string;
}

/** One user's membership and per-user state of a conversation. */
export interface MemberTable {
  conversation_id: string;
  user_id: string;
  /** Groups: owner or member. Rooms: member, moderator or viewer (receive only). */
  role: 'owner' | 'member' | 'moderator' | 'viewer';
  joined_at: number;
  /** Messages up to this seq were sent before the user joined: not theirs to read. */
  joined_seq: number;
  read_seq: number;
  /** Highest seq one of the member's devices has received (receipts). */
  delivered_seq: number;
  /** "Deleted for me" up to this seq (-1: never): hidden from the list until a newer message arrives. */
  hidden_seq: number;
  pinned: number;
  muted: number;
  left: number;
  /** The conversation's last seq when the member left; null while a member. */
  left_seq: number | null;
  /** Sync version of the last change of this row. */
  version: number;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface MessageReactionTable {
  conversation_id: string;
  seq: number;
  emoji: string;
  user_id: string;
  created_at: number;
}

/** "Delete for me": the message is gone from this user's history on all their devices. */
export interface MessageDeletionTable {
  conversation_id: string;
  user_id: string;
  seq: number;
  version: number;
}
