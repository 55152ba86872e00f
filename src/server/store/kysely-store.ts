import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { StoredMessage } from '../../protocol/models.js';
import { MENTION_ALL, roomConversationId } from '../../protocol/models.js';
import type { Database, MessageTable, RoomTable } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { nextVersion, notDeletedFor, toMessage, withReactions } from './rows.js';
import { ConversationStore } from './conversations.js';
import { MessageOpsStore } from './message-ops.js';
import { FileStore } from './files.js';
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

/** The Store over any Kysely dialect; SQL stays portable between SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  readonly conversations: ConversationStore;
  readonly messageOps: MessageOpsStore;
  readonly files: FileStore;

  constructor(protected readonly db: Kysely<Database>) {
    this.conversations = new ConversationStore(db);
    this.messageOps = new MessageOpsStore(db);
    this.files = new FileStore(db);
  }

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
        .values({ id: conversationId, type: 'room', last_seq: 0, created_at: now, version: 0, name: null, owner_id: null, last_message_at: null })
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
    const byConversation = new Map<string, number[]>();
    batch.forEach((message, index) => {
      const indexes = byConversation.get(message.conversationId) ?? [];
      indexes.push(index);
      byConversation.set(message.conversationId, indexes);
    });
    return this.db.transaction().execute(async (trx) => {
      const results: AppendResult[] = new Array(batch.length);
      for (const [conversationId, indexes] of byConversation) {
        await this.appendToConversation(trx, conversationId, indexes.map((index) => batch[index]!), (position, result) => {
          results[indexes[position]!] = result;
        });
      }
      return results;
    });
  }

  /**
   * Appends one conversation's share of a batch with a fixed number of statements, whatever
   * its size: one lookup of already stored client message ids, one seq bump, one insert.
   */
  private async appendToConversation(
    trx: Transaction<Database>,
    conversationId: string,
    messages: readonly NewMessage[],
    deliver: (position: number, result: AppendResult) => void,
  ): Promise<void> {
    const identity = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;
    const stored = new Map<string, StoredMessage>();
    const originals = await trx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('client_msg_id', 'in', [...new Set(messages.map((message) => message.clientMsgId))])
      .execute();
    for (const row of originals) stored.set(identity(row.sender_id, row.client_msg_id), toMessage(row));

    // New messages, first occurrence only: a client message id repeated within the batch is a retry.
    const fresh: { position: number; message: NewMessage }[] = [];
    const firstInBatch = new Map<string, number>();
    messages.forEach((message, position) => {
      const key = identity(message.senderId, message.clientMsgId);
      if (stored.has(key) || firstInBatch.has(key)) return;
      firstInBatch.set(key, position);
      fresh.push({ position, message });
    });

    const rows: Selectable<MessageTable>[] = [];
    if (fresh.length > 0) {
      // The row lock of this UPDATE serialises writers of one conversation (also across
      // PostgreSQL nodes); seq therefore has no holes and never repeats.
      const version = await nextVersion(trx);
      const bumped = await trx
        .updateTable('conversations')
        .set({ last_seq: sql`last_seq + ${fresh.length}`, version, last_message_at: fresh.at(-1)!.message.time })
        .where('id', '=', conversationId)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      const firstSeq = Number(bumped.last_seq) - fresh.length + 1;
      fresh.forEach(({ message }, offset) => {
        rows.push({
          id: randomUUID(),
          conversation_id: conversationId,
          seq: firstSeq + offset,
          class_id: message.classId ?? '',
          sender_id: message.senderId,
          client_msg_id: message.clientMsgId,
          content: JSON.stringify(message.content),
          recipients: message.recipients === null ? null : JSON.stringify(message.recipients),
          created_at: message.time,
          type: message.type,
          counts_unread: message.countsUnread ? 1 : 0,
          mentions: message.mentions.length === 0 ? null : JSON.stringify(message.mentions),
          version: 0,
          edited_at: null,
          recalled_by: null,
          recalled_at: null,
          reply_to: message.replyTo ? JSON.stringify(message.replyTo) : null,
        });
      });
      await trx.insertInto('messages').values(rows).execute();
      const mentionRows = fresh.flatMap(({ message }, offset) =>
        [...new Set(message.mentions)].map((userId) => ({
          conversation_id: conversationId,
          seq: firstSeq + offset,
          user_id: userId === MENTION_ALL ? '*' : userId,
        })),
      );
      for (let start = 0; start < mentionRows.length; start += 250) {
        await trx.insertInto('message_mentions').values(mentionRows.slice(start, start + 250)).execute();
      }
      const recipientRows = fresh.flatMap(({ message }, offset) =>
        message.recipients === null
          ? []
          : [...new Set([...message.recipients, message.senderId])].map((userId) => ({
              conversation_id: conversationId,
              seq: firstSeq + offset,
              user_id: userId,
            })),
      );
      // Chunked: a targeted message may list hundreds of users, and SQL has a parameter limit.
      for (let start = 0; start < recipientRows.length; start += 250) {
        await trx.insertInto('message_recipients').values(recipientRows.slice(start, start + 250)).execute();
      }
    }

    const created = new Map<number, StoredMessage>();
    fresh.forEach(({ position }, offset) => created.set(position, toMessage(rows[offset]!)));
    messages.forEach((message, position) => {
      const original = stored.get(identity(message.senderId, message.clientMsgId));
      if (original) return deliver(position, { message: original, duplicate: true });
      const own = created.get(position);
      if (own) return deliver(position, { message: own, duplicate: false });
      const first = created.get(firstInBatch.get(identity(message.senderId, message.clientMsgId))!)!;
      return deliver(position, { message: first, duplicate: true });
    });
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
    if (request.minSeq !== undefined) query = query.where('m.seq', '>', request.minSeq);
    // Deleted for this user: gone from their history.
    query = query.where(notDeletedFor(userId, 'm'));
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
    return { messages: await withReactions(this.db, page), hasMore };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
