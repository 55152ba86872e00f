/** Tables as Kysely sees them. Timestamps are ms since the epoch; booleans are 0/1. */
export interface Database {
  conversations: ConversationTable;
  rooms: RoomTable;
  messages: MessageTable;
  message_recipients: MessageRecipientTable;
}

export interface ConversationTable {
  id: string;
  /** 'room' now; 'direct', 'group' and 'system' share the table. */
  type: string;
  last_seq: number;
  created_at: number;
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
}

export interface MessageRecipientTable {
  conversation_id: string;
  seq: number;
  user_id: string;
}
