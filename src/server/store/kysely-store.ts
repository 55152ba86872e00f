import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { HistoryPage, RoomRole, StoredMessage } from '../../protocol/models.js';
import { MENTION_ALL, roomConversationId } from '../../protocol/models.js';
import type { Database, MessageTable, RoomTable } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { nextVersion, notDeletedFor, toMessage, withReactions } from './rows.js';
import { ConversationStore } from './conversations.js';
import { MessageOpsStore } from './message-ops.js';
import { FileStore } from './files.js';
import type { AppendResult, HistoryRequest, NewMessage, RoomBinding, Store } from './store.js';
import { readableBy } from '../domain/visibility.js';

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
        .values({ id: conversationId, type: 'room', last_seq: 0, created_at: now, version: 0, name: null, owner_id: null, last_message_at: null, member_count: 0 })
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
      // Each message names the one before it in its class (its stream): the newest stored one
      // per class, then each earlier message of this batch.
      const classes = [...new Set(fresh.map(({ message }) => message.classId ?? ''))];
      const heads = await trx
        .selectFrom('messages')
        .select(['class_id', (eb) => eb.fn.max('seq').as('last')])
        .where('conversation_id', '=', conversationId)
        .where('class_id', 'in', classes)
        .groupBy('class_id')
        .execute();
      const lastOfClass = new Map(heads.map((head) => [head.class_id, Number(head.last)]));
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
        const classId = message.classId ?? '';
        const prev = lastOfClass.get(classId) ?? 0;
        lastOfClass.set(classId, firstSeq + offset);
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
          prev_seq: prev,
        });
      });
      await trx.insertInto('messages').values(rows).execute();
      const fileRows = fresh.flatMap(({ message }, offset) =>
        [...new Set(message.fileIds ?? [])].map((fileId) => ({ file_id: fileId, conversation_id: conversationId, seq: firstSeq + offset })),
      );
      for (let start = 0; start < fileRows.length; start += 250) {
        await trx.insertInto('file_refs').values(fileRows.slice(start, start + 250)).execute();
      }
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

  async history(request: HistoryRequest): Promise<HistoryPage> {
    const { conversationId, reader, before, after, limit } = request;
    // Read before the page: every seq up to it is committed (seqs are assigned in commit order
    // per conversation), so a page that reaches the end is complete up to it.
    const head = await this.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    let query = this.db
      .selectFrom('messages as m')
      .selectAll('m')
      .where('m.conversation_id', '=', conversationId)
      .where(readableBy(reader, 'm'));
    // Deleted for this user: gone from their history.
    query = query.where(notDeletedFor(reader.userId, 'm'));
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
    const headSeq = Number(head?.last_seq ?? 0);
    let through: number;
    if (before !== undefined) through = before - 1;
    else if (forward && hasMore) through = page.at(-1)!.seq;
    else through = Math.max(headSeq, page.at(-1)?.seq ?? 0);
    return { messages: await withReactions(this.db, page), hasMore, through };
  }

  async lateJoiners(conversationId: string, seq: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('left', '=', 0)
      .where('joined_seq', '>=', seq)
      .execute();
    return rows.map((row) => row.user_id);
  }

  async grantRoom(roomId: string, userIds: readonly string[], role: RoomRole, now: number): Promise<void> {
    const rows = [...new Set(userIds)].map((userId) => ({ room_id: roomId, user_id: userId, role, created_at: now }));
    for (let start = 0; start < rows.length; start += 250) {
      await this.db
        .insertInto('room_grants')
        .values(rows.slice(start, start + 250))
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    }
  }

  async roomGrant(roomId: string, userId: string): Promise<{ role: RoomRole } | undefined> {
    const row = await this.db.selectFrom('room_grants').select('role').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    return row ? { role: row.role as RoomRole } : undefined;
  }

  async revoke(userId: string, atSeconds: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('revocations').select('revoked_at').where('user_id', '=', userId).executeTakeFirst();
      const revokedAt = Math.max(atSeconds, Number(existing?.revoked_at ?? 0));
      if (existing) await trx.updateTable('revocations').set({ revoked_at: revokedAt }).where('user_id', '=', userId).execute();
      else await trx.insertInto('revocations').values({ user_id: userId, revoked_at: revokedAt }).execute();
      return revokedAt;
    });
  }

  async revokedAt(userId: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('revocations').select('revoked_at').where('user_id', '=', userId).executeTakeFirst();
    return row ? Number(row.revoked_at) : undefined;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
