import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ConversationId, JsonValue, MessageId, StoredMessage, UserId } from '../../protocol/models.js';
import { roomConversationId } from '../../protocol/models.js';
import type { Database, MessageTable, RoomTable } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import type { AppendResult, HistoryRequest, NewMessage, RoomBinding, Store } from './store.js';

function toBinding(row: Selectable<RoomTable>): RoomBinding {
  return {
    roomId: row.room_id,
    conversationId: row.conversation_id,
    generation: Number(row.generation),
    bound: Number(row.bound) === 1,
    boundAt: Number(row.bound_at),
  };
}

function toMessage(row: Selectable<MessageTable>): StoredMessage {
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
  };
}

/** The Store over any Kysely dialect; SQL stays portable between SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  constructor(private readonly db: Kysely<Database>) {}

  async migrate(): Promise<void> {
    const { error, results } = await new Migrator({ db: this.db, provider: migrationProvider }).migrateToLatest();
    const failed = results?.find((result) => result.status === 'Error');
    if (error || failed) {
      throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}`, { cause: error });
    }
  }

  async bindRoom(roomId: string, now: number): Promise<RoomBinding> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('rooms').selectAll().where('room_id', '=', roomId).executeTakeFirst();
      if (existing && Number(existing.bound) === 1) return toBinding(existing);
      if (existing) {
        const row = await trx
          .updateTable('rooms')
          .set({ bound: 1, generation: Number(existing.generation) + 1, bound_at: now, unbound_at: null })
          .where('room_id', '=', roomId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toBinding(row);
      }
      const conversationId = roomConversationId(roomId);
      await trx
        .insertInto('conversations')
        .values({ id: conversationId, type: 'room', last_seq: 0, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await trx
        .insertInto('rooms')
        .values({ room_id: roomId, conversation_id: conversationId, generation: 1, bound: 1, bound_at: now, unbound_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toBinding(row);
    });
  }

  async unbindRoom(roomId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('rooms')
      .set({ bound: 0, unbound_at: now })
      .where('room_id', '=', roomId)
      .where('bound', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getRoom(roomId: string): Promise<RoomBinding | undefined> {
    const row = await this.db.selectFrom('rooms').selectAll().where('room_id', '=', roomId).executeTakeFirst();
    return row ? toBinding(row) : undefined;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const results: AppendResult[] = [];
      for (const message of batch) results.push(await this.appendOne(trx, message));
      return results;
    });
  }

  private async appendOne(trx: Transaction<Database>, message: NewMessage): Promise<AppendResult> {
    const original = await trx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', message.conversationId)
      .where('sender_id', '=', message.senderId)
      .where('client_msg_id', '=', message.clientMsgId)
      .executeTakeFirst();
    if (original) return { message: toMessage(original), duplicate: true };
    // The row lock of this UPDATE serialises writers of one conversation (also across
    // PostgreSQL nodes); seq therefore has no holes and never repeats.
    const bumped = await trx
      .updateTable('conversations')
      .set({ last_seq: sql`last_seq + 1` })
      .where('id', '=', message.conversationId)
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const row: Selectable<MessageTable> = {
      id: randomUUID(),
      conversation_id: message.conversationId,
      seq: Number(bumped.last_seq),
      class_id: message.classId ?? '',
      sender_id: message.senderId,
      client_msg_id: message.clientMsgId,
      content: JSON.stringify(message.content),
      recipients: message.recipients === null ? null : JSON.stringify(message.recipients),
      created_at: message.time,
    };
    await trx.insertInto('messages').values(row).execute();
    if (message.recipients !== null) {
      const recipients = new Set([...message.recipients, message.senderId]);
      await trx
        .insertInto('message_recipients')
        .values([...recipients].map((userId) => ({ conversation_id: row.conversation_id, seq: row.seq, user_id: userId })))
        .execute();
    }
    return { message: toMessage(row), duplicate: false };
  }

  async history(request: HistoryRequest): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
    const { conversationId, userId, classId, before, after, limit } = request;
    let query = this.db
      .selectFrom('messages as m')
      .selectAll('m')
      .where('m.conversation_id', '=', conversationId)
      .where('m.class_id', '=', classId ?? '')
      .where((eb) =>
        eb.or([
          eb('m.recipients', 'is', null),
          eb.exists(
            eb
              .selectFrom('message_recipients as r')
              .select('r.seq')
              .whereRef('r.conversation_id', '=', 'm.conversation_id')
              .whereRef('r.seq', '=', 'm.seq')
              .where('r.user_id', '=', userId),
          ),
        ]),
      );
    const forward = after !== undefined;
    if (forward) query = query.where('m.seq', '>', after);
    if (before !== undefined) query = query.where('m.seq', '<', before);
    const rows = await query
      .orderBy('m.seq', forward ? 'asc' : 'desc')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    if (!forward) page.reverse();
    return { messages: page, hasMore };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
