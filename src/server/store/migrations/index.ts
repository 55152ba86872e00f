import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { fileIdsOfContent } from '../../domain/files.js';

/**
 * Versioned migrations, portable between SQLite and PostgreSQL: only types both understand
 * (text, integer, bigint) and no dialect-specific defaults. Never edit a released migration;
 * add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_rooms_and_messages': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rooms')
        .addColumn('room_id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('bound', 'integer', (c) => c.notNull())
        .addColumn('bound_at', 'bigint', (c) => c.notNull())
        .addColumn('unbound_at', 'bigint')
        .execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('class_id', 'text', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('client_msg_id', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('recipients', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_conversation_seq').unique().on('messages').columns(['conversation_id', 'seq']).execute();
      await db.schema
        .createIndex('messages_conversation_class_seq')
        .on('messages')
        .columns(['conversation_id', 'class_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('messages_client_msg_id')
        .unique()
        .on('messages')
        .columns(['conversation_id', 'sender_id', 'client_msg_id'])
        .execute();
      await db.schema
        .createTable('message_recipients')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_recipients_pk', ['conversation_id', 'seq', 'user_id'])
        .execute();
    },
  },
  '0002_users_conversations_members': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('conversations').addColumn('name', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('owner_id', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('conversations').addColumn('last_message_at', 'bigint').execute();
      await db.schema.alterTable('messages').addColumn('type', 'text', (c) => c.notNull().defaultTo('custom')).execute();
      await db.schema.alterTable('messages').addColumn('counts_unread', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('messages').addColumn('mentions', 'text').execute();
      await db.schema
        .createTable('members')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addColumn('joined_seq', 'bigint', (c) => c.notNull())
        .addColumn('read_seq', 'bigint', (c) => c.notNull())
        .addColumn('hidden_seq', 'bigint', (c) => c.notNull())
        .addColumn('pinned', 'integer', (c) => c.notNull())
        .addColumn('muted', 'integer', (c) => c.notNull())
        .addColumn('left', 'integer', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_user_version').on('members').columns(['user_id', 'version']).execute();
      await db.schema
        .createTable('message_mentions')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        /** A user id, or '*' for @all. */
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_mentions_pk', ['conversation_id', 'user_id', 'seq'])
        .execute();
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('counters').values({ name: 'sync', value: 0 }).execute();
    },
  },
  '0003_member_left_seq': {
    async up(db: Kysely<any>) {
      // Where a member left: what came after is not theirs to see.
      await db.schema.alterTable('members').addColumn('left_seq', 'bigint').execute();
    },
  },
  '0004_message_operations': {
    async up(db: Kysely<any>) {
      // Every change of a stored message (edit, recall, reaction) takes a new sync version.
      await db.schema.alterTable('messages').addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('messages').addColumn('edited_at', 'bigint').execute();
      await db.schema.alterTable('messages').addColumn('recalled_by', 'text').execute();
      await db.schema.alterTable('messages').addColumn('recalled_at', 'bigint').execute();
      await db.schema.createIndex('messages_conversation_version').on('messages').columns(['conversation_id', 'version']).execute();
      await db.schema
        .createTable('message_reactions')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_reactions_pk', ['conversation_id', 'seq', 'emoji', 'user_id'])
        .execute();
      await db.schema
        .createTable('message_deletions')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_deletions_pk', ['conversation_id', 'user_id', 'seq'])
        .execute();
    },
  },
  '0005_member_delivered_seq': {
    async up(db: Kysely<any>) {
      // Delivery receipts: the highest seq one of the member's devices received.
      await db.schema.alterTable('members').addColumn('delivered_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0006_files_and_replies': {
    async up(db: Kysely<any>) {
      // Uploaded files (the bytes live in the blob store under the same id).
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('thumbnails', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('files_owner').on('files').columns(['owner', 'created_at']).execute();
      // A reply keeps what it quoted as it was when sent.
      await db.schema.alterTable('messages').addColumn('reply_to', 'text').execute();
    },
  },
  '0007_trust': {
    async up(db: Kysely<any>) {
      // Each message names the seq of the message before it in its own stream (its class in a
      // room, the conversation otherwise), so a receiver sees any hole in what it was sent.
      await db.schema.alterTable('messages').addColumn('prev_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE messages SET prev_seq = COALESCE((
          SELECT MAX(earlier.seq) FROM messages earlier
          WHERE earlier.conversation_id = messages.conversation_id
            AND earlier.class_id = messages.class_id
            AND earlier.seq < messages.seq), 0)`.execute(db);
      // Active members, kept in step with every membership change (no count(*) per read).
      await db.schema.alterTable('conversations').addColumn('member_count', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE conversations SET member_count = (
          SELECT COUNT(*) FROM members WHERE members.conversation_id = conversations.id AND members."left" = 0)`.execute(db);
      // Signed-in users the site lets into a bound room (POST /v1/rooms/:roomId/members).
      await db.schema
        .createTable('room_grants')
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('room_grants_pk', ['room_id', 'user_id'])
        .execute();
      // Credentials of a user issued up to this second (tickets, user-bound room tokens) are refused.
      await db.schema
        .createTable('revocations')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('revoked_at', 'bigint', (c) => c.notNull())
        .execute();
      // Which stored messages name an uploaded file; a file nothing names any more is not served.
      await db.schema
        .createTable('file_refs')
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('file_refs_pk', ['file_id', 'conversation_id', 'seq'])
        .execute();
      await db.schema.createIndex('file_refs_message').on('file_refs').columns(['conversation_id', 'seq']).execute();
      await db.schema.alterTable('files').addColumn('revoked_at', 'bigint').execute();
      const withFiles = await db
        .selectFrom('messages')
        .select(['conversation_id', 'seq', 'content'])
        .where('type', 'in', ['image', 'file', 'audio', 'video'])
        .where('recalled_by', 'is', null)
        .execute();
      const refs = withFiles.flatMap((row: { conversation_id: string; seq: number; content: string }) =>
        fileIdsOfContent(JSON.parse(row.content)).map((fileId) => ({ file_id: fileId, conversation_id: row.conversation_id, seq: row.seq })),
      );
      for (let start = 0; start < refs.length; start += 250) {
        await db.insertInto('file_refs').values(refs.slice(start, start + 250)).onConflict((oc) => oc.doNothing()).execute();
      }
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
