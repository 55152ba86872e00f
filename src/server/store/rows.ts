import { sql, type Selectable, type Transaction } from 'kysely';
import type { ConversationId, JsonValue, MessageId, MessageType, StoredMessage, UserId } from '../../protocol/models.js';
import type { Database, MessageTable } from './schema.js';

/** Next value of the global sync version (the row lock orders concurrent writers). */
export async function nextVersion(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql`value + 1` })
    .where('name', '=', 'sync')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export function toMessage(row: Selectable<MessageTable>): StoredMessage {
  return {
    id: row.id as MessageId,
    conversationId: row.conversation_id as ConversationId,
    seq: Number(row.seq),
    classId: row.class_id === '' ? null : row.class_id,
    senderId: row.sender_id as UserId,
    clientMsgId: row.client_msg_id,
    content: JSON.parse(row.content) as JsonValue,
    recipients: row.recipients === null ? null : (JSON.parse(row.recipients) as UserId[]),
    time: Number(row.created_at),
    type: row.type as MessageType,
    mentions: row.mentions === null ? [] : (JSON.parse(row.mentions) as string[]),
    countsUnread: Number(row.counts_unread) === 1,
  };
}

