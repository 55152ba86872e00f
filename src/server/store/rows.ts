import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ConversationId, JsonValue, MessageId, MessageType, Quote, StoredMessage, UserId } from '../../protocol/models.js';
import type { Database, MessageTable } from './schema.js';
import { readableBy } from '../domain/visibility.js';

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
    reactions: emptyReactions(),
    version: Number(row.version),
    replyTo: row.reply_to === null || row.recalled_by !== null ? null : (JSON.parse(row.reply_to) as Quote),
    prev: Number(row.prev_seq),
  };
}

/**
 * Reactions are keyed by what users typed: a record without a prototype, so `constructor` or
 * `__proto__` are reactions like any other, never inherited members.
 */
export function emptyReactions(): Record<string, UserId[]> {
  return Object.create(null) as Record<string, UserId[]>;
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
  const bySeq = new Map<number, Map<string, UserId[]>>();
  for (const row of rows) {
    const reactions = bySeq.get(Number(row.seq)) ?? new Map<string, UserId[]>();
    const users = reactions.get(row.emoji) ?? [];
    users.push(row.user_id as UserId);
    reactions.set(row.emoji, users);
    bySeq.set(Number(row.seq), reactions);
  }
  return messages.map((message) => {
    const reactions = emptyReactions();
    for (const [emoji, users] of bySeq.get(message.seq) ?? []) reactions[emoji] = users;
    return { ...message, reactions };
  });
}

/**
 * Condition: a message a signed-in member may read (server/domain/visibility.ts, as a reader
 * without a class). Messages of direct and group conversations always pass (no class, no
 * recipients); the caller bounds the seq range by the member's join and departure.
 */
export function visibleInRoomTo(userId: string, alias: 'm' | 'messages') {
  return readableBy({ userId, classId: null, joinedSeq: 0 }, alias);
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
