import type { Kysely } from 'kysely';
import type { JsonValue, StoredMessage } from '../../protocol/models.js';
import { nextVersion, toMessage, withReactions } from './rows.js';
import type { Database } from './schema.js';
import { readableBy, type Reader } from '../domain/visibility.js';

export interface MessageChanges {
  /** Messages edited, recalled or reacted to after `since`, in version order. */
  messages: StoredMessage[];
  /** Seqs this user deleted for themselves after `since`. */
  deleted: number[];
  /** Give this as `since` next time. */
  version: number;
  hasMore: boolean;
}

/**
 * Changes to stored messages: recall, edit, reactions, delete for me. Each takes a new sync
 * version on the message (and on the conversation, so lists update), which is how a device
 * that was offline learns about them (`changes`).
 */
export class MessageOpsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(conversationId: string, seq: number): Promise<StoredMessage | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('seq', '=', seq).executeTakeFirst();
    if (!row) return undefined;
    const [message] = await withReactions(this.db, [toMessage(row)]);
    return message;
  }

  private async touch(conversationId: string, seq: number, change: Partial<{ content: string; edited_at: number; recalled_by: string; recalled_at: number }>): Promise<StoredMessage> {
    await this.db.transaction().execute(async (trx) => {
      const version = await nextVersion(trx);
      await trx.updateTable('messages').set({ ...change, version }).where('conversation_id', '=', conversationId).where('seq', '=', seq).execute();
      await trx.updateTable('conversations').set({ version }).where('id', '=', conversationId).execute();
    });
    return (await this.get(conversationId, seq))!;
  }

  recall(conversationId: string, seq: number, by: string, now: number): Promise<StoredMessage> {
    return this.touch(conversationId, seq, { recalled_by: by, recalled_at: now });
  }

  edit(conversationId: string, seq: number, content: JsonValue, now: number): Promise<StoredMessage> {
    return this.touch(conversationId, seq, { content: JSON.stringify(content), edited_at: now });
  }

  async react(conversationId: string, seq: number, userId: string, emoji: string, on: boolean, now: number): Promise<StoredMessage> {
    await this.db.transaction().execute(async (trx) => {
      if (on) {
        await trx
          .insertInto('message_reactions')
          .values({ conversation_id: conversationId, seq, emoji, user_id: userId, created_at: now })
          .onConflict((oc) => oc.columns(['conversation_id', 'seq', 'emoji', 'user_id']).doNothing())
          .execute();
      } else {
        await trx
          .deleteFrom('message_reactions')
          .where('conversation_id', '=', conversationId)
          .where('seq', '=', seq)
          .where('emoji', '=', emoji)
          .where('user_id', '=', userId)
          .execute();
      }
      const version = await nextVersion(trx);
      await trx.updateTable('messages').set({ version }).where('conversation_id', '=', conversationId).where('seq', '=', seq).execute();
    });
    return (await this.get(conversationId, seq))!;
  }

  /** Distinct emoji on a message (bounded, so one message cannot collect unlimited kinds). */
  async emojiCount(conversationId: string, seq: number): Promise<number> {
    const rows = await this.db.selectFrom('message_reactions').select('emoji').distinct().where('conversation_id', '=', conversationId).where('seq', '=', seq).execute();
    return rows.length;
  }

  async deleteForMe(conversationId: string, seq: number, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const version = await nextVersion(trx);
      await trx
        .insertInto('message_deletions')
        .values({ conversation_id: conversationId, user_id: userId, seq, version })
        .onConflict((oc) => oc.columns(['conversation_id', 'user_id', 'seq']).doNothing())
        .execute();
      // The user's other devices learn it through their next conversation sync.
      await trx.updateTable('members').set({ version }).where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
    });
  }

  async isDeletedFor(conversationId: string, seq: number, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('message_deletions')
      .select('seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** What changed after `since` among the messages this reader may read (server/domain/visibility.ts). */
  async changes(conversationId: string, reader: Reader, since: number, limit: number): Promise<MessageChanges> {
    const userId = reader.userId;
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('version', '>', since)
      .where(readableBy(reader, 'messages'))
      .orderBy('version', 'asc')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const upTo = hasMore ? Number(page.at(-1)!.version) : Number.MAX_SAFE_INTEGER;
    const deletions = await this.db
      .selectFrom('message_deletions')
      .select(['seq', 'version'])
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('version', '>', since)
      .where('version', '<=', upTo)
      .execute();
    const deleted = new Set(deletions.map((row) => Number(row.seq)));
    const messages = (await withReactions(this.db, page.map(toMessage))).filter((message) => !deleted.has(message.seq));
    const version = Math.max(since, ...page.map((row) => Number(row.version)), ...deletions.map((row) => Number(row.version)));
    return { messages, deleted: [...deleted], version, hasMore };
  }
}
