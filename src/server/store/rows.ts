import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ConversationId, JsonValue, MessageId, MessageType, Quote, StoredMessage, UserId } from '../../protocol/models.js';
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
    content: row.recalled_by === null ? (JSON.parse(row.content) as JsonValue) : null,
    recipients: row.recipients === null ? null : (JSON.parse(row.recipients) as UserId[]),
    time: Number(row.created_at),
    type: row.type as MessageType,
    mentions: row.mentions === null ? [] : (JSON.parse(row.mentions) as string[]),
    countsUnread: Number(row.counts_unread) === 1,
    editedAt: row.edited_at === null ? null : Number(row.edited_at),
    recalled: row.recalled_by === null ? null : { by: row.recalled_by as UserId, at: Number(row.recalled_at) },
    reactions: {},
    version: Number(row.version),
    replyTo: row.reply_to === null || row.recalled_by !== null ? null : (JSON.parse(row.reply_to) as Quote),
  };
}


/** Fills in the reactions of messages of one conversation (one query for the whole page). */
export async function withReactions(db: Kysely<Database>, messages: StoredMessage[]): Promise<StoredMessage[]> {
  if (messages.length === 0) return messages;
  const rows = await db
    .selectFrom('message_reactions')
    .select(['seq', 'emoji', 'user_id'])
    .where('conversation_id', '=', messages[0]!.conversationId)
    .where('seq', 'in', messages.map((message) => message.seq))
    .orderBy('created_at', 'asc')
    .execute();
  if (rows.length === 0) return messages;
  const bySeq = new Map<number, Record<string, UserId[]>>();
  for (const row of rows) {
    const reactions = bySeq.get(Number(row.seq)) ?? {};
    (reactions[row.emoji] ??= []).push(row.user_id as UserId);
    bySeq.set(Number(row.seq), reactions);
  }
  return messages.map((message) => ({ ...message, reactions: bySeq.get(message.seq) ?? {} }));
}

/**
 * Condition: a room message a signed-in member may read: one for no class, sent to everyone
 * or to this user. Messages of user conversations always pass (no class, no recipients).
 */
export function visibleInRoomTo(userId: string, alias: 'm' | 'messages') {
  return (eb: ExpressionBuilder<any, any>) =>
    eb.and([
      eb(`${alias}.class_id`, '=', ''),
      eb.or([
        eb(`${alias}.recipients`, 'is', null),
        eb.exists(
          eb
            .selectFrom('message_recipients as r')
            .select('r.seq')
            .whereRef('r.conversation_id', '=', `${alias}.conversation_id`)
            .whereRef('r.seq', '=', `${alias}.seq`)
            .where('r.user_id', '=', userId),
        ),
      ]),
    ]);
}

/** Condition: the message (table alias `alias`) was not deleted for this user ("delete for me"). */
export function notDeletedFor(userId: string, alias: 'm' | 'messages') {
  return (eb: ExpressionBuilder<any, any>) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom('message_deletions as d')
          .select('d.seq')
          .whereRef('d.conversation_id', '=', `${alias}.conversation_id`)
          .whereRef('d.seq', '=', `${alias}.seq`)
          .where('d.user_id', '=', userId),
      ),
    );
}
