import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ConversationId, ConversationSummary, ConversationType, UserId } from '../../protocol/models.js';
import { systemConversationId } from '../../protocol/models.js';
import { nextVersion, notDeletedFor, toMessage, visibleInRoomTo } from './rows.js';
import type { ConversationTable, Database, MemberTable } from './schema.js';

/** Id of the one direct conversation of two users (user ids cannot contain ':'). */
export function directConversationId(a: string, b: string): string {
  const [first, second] = [a, b].sort();
  return `direct:${first}:${second}`;
}

export interface MembershipChange {
  conversationId: string;
  /** Users who became members by this change (for tips and socket rooms). */
  added: string[];
  created: boolean;
}

/** What a member may do: `owner` in groups; `member`, `moderator` or `viewer` in rooms. */
export type MemberRole = MemberTable['role'];

/**
 * Rows per multi-row statement: 250 rows of 13 columns stay far below the bound-parameter
 * limits of SQLite (32,766) and PostgreSQL (65,535), and keep each statement short.
 */
const CHUNK = 250;

function chunked<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) chunks.push(items.slice(start, start + CHUNK));
  return chunks;
}

/**
 * The SQLite driver is synchronous: a transaction of many statements would hold the event loop
 * from its first statement to its commit (a 2,000-member group: tens of ms of building and
 * running SQL). Between statements, once it has held the loop this long, the change lets the
 * loop run (sockets, timers) and goes on. Still one transaction: in SQLite every other query
 * waits for the one connection until the commit, in PostgreSQL readers see the commit only,
 * so nobody reads a membership half-written.
 */
const HOLD_MS = 4;

function pacer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < HOLD_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * One sync version for a whole membership change, taken when the change first writes: a
 * change that writes nothing (both users already in a direct conversation) leaves the
 * counter alone, and one that writes a thousand rows is still one step for syncing devices.
 */
function versionOnce(trx: Transaction<Database>): () => Promise<number> {
  let taken: Promise<number> | undefined;
  return () => (taken ??= nextVersion(trx));
}

/**
 * Conversations of signed-in users (direct and group), their members and each member's own
 * state: read position, pin, mute, "deleted for me". Every change of a member row takes a new
 * sync version, so a device asks only for what changed since its last sync.
 *
 * `conversations.member_count` is kept in step in the transaction of every membership change,
 * which also gives the conversation row that change's version: the count is part of every
 * member's summary, and reading it never counts member rows.
 */
export class ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Makes these users active members with a fresh row state (one who left and comes back
   * starts over at `joinedSeq`); active members stay as they are. Returns who was added, in
   * order of first appearance. Statements are per chunk of users, not per user: a group of
   * 2,000 is a few statements, not thousands, and stays one transaction, so no reader ever
   * sees it half-written.
   */
  private async insertMembers(
    trx: Transaction<Database>,
    version: () => Promise<number>,
    conversationId: string,
    userIds: readonly string[],
    options: { ownerId?: string | null; role?: Exclude<MemberRole, 'owner'>; joinedSeq: number; now: number },
  ): Promise<string[]> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return [];
    const pace = pacer();
    const left = new Map<string, boolean>();
    for (const chunk of chunked(unique)) {
      await pace();
      const rows = await trx
        .selectFrom('members')
        .select(['user_id', 'left'])
        .where('conversation_id', '=', conversationId)
        .where('user_id', 'in', chunk)
        .execute();
      for (const row of rows) left.set(row.user_id, Number(row.left) !== 0);
    }
    const added = unique.filter((userId) => left.get(userId) !== false);
    if (added.length === 0) return added;

    const state = {
      joined_at: options.now,
      joined_seq: options.joinedSeq,
      read_seq: options.joinedSeq,
      delivered_seq: options.joinedSeq,
      hidden_seq: -1,
      pinned: 0,
      muted: 0,
      left: 0,
      left_seq: null,
      version: await version(),
    };
    const roleOf = (userId: string): MemberRole => (userId === options.ownerId ? 'owner' : (options.role ?? 'member'));
    const fresh = added.filter((userId) => !left.has(userId));
    for (const chunk of chunked(fresh)) {
      await pace();
      await trx
        .insertInto('members')
        .values(chunk.map((userId) => ({ conversation_id: conversationId, user_id: userId, role: roleOf(userId), ...state })))
        .execute();
    }
    // Everyone coming back gets the same state but their role: one UPDATE per role and chunk.
    const returning = new Map<MemberRole, string[]>();
    for (const userId of added) {
      if (!left.has(userId)) continue;
      const role = roleOf(userId);
      const users = returning.get(role);
      if (users) users.push(userId);
      else returning.set(role, [userId]);
    }
    for (const [role, users] of returning) {
      for (const chunk of chunked(users)) {
        await pace();
        await trx
          .updateTable('members')
          .set({ ...state, role })
          .where('conversation_id', '=', conversationId)
          .where('user_id', 'in', chunk)
          .execute();
      }
    }
    await pace();
    await trx
      .updateTable('conversations')
      .set((eb) => ({ member_count: eb('member_count', '+', added.length), version: state.version }))
      .where('id', '=', conversationId)
      .execute();
    return added;
  }

  private async createConversation(trx: Transaction<Database>, version: number, id: string, type: ConversationType, name: string | null, ownerId: string | null, now: number): Promise<void> {
    await trx
      .insertInto('conversations')
      .values({ id, type, name, owner_id: ownerId, last_seq: 0, created_at: now, version, last_message_at: null, member_count: 0 })
      .execute();
  }

  /** The direct conversation of two users, created (with both as members) on first use. */
  async openDirect(userId: string, peerId: string, now: number): Promise<MembershipChange> {
    const id = directConversationId(userId, peerId);
    return this.db.transaction().execute(async (trx) => {
      const version = versionOnce(trx);
      const existing = await trx.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst();
      if (!existing) await this.createConversation(trx, await version(), id, 'direct', null, null, now);
      // A direct conversation never loses its members: re-add one who had left (a new message brings it back).
      const added = await this.insertMembers(trx, version, id, [userId, peerId], { joinedSeq: 0, now });
      return { conversationId: id, added, created: !existing };
    });
  }

  /** The user's system (notifications) conversation, created on first use. */
  async openSystem(userId: string, now: number): Promise<MembershipChange> {
    const id = systemConversationId(userId);
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst();
      if (existing) return { conversationId: id, added: [], created: false };
      const version = versionOnce(trx);
      await this.createConversation(trx, await version(), id, 'system', null, null, now);
      const added = await this.insertMembers(trx, version, id, [userId], { joinedSeq: 0, now });
      return { conversationId: id, added, created: true };
    });
  }

  /**
   * A signed-in user enters a room's conversation with a role there: its history (for
   * everyone in the room) is theirs to read. Joining again with another role changes the role.
   */
  async joinRoom(conversationId: string, userId: string, now: number, role: Exclude<MemberRole, 'owner'> = 'member'): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const version = versionOnce(trx);
      const current = await trx
        .selectFrom('members')
        .select('role')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('left', '=', 0)
        .executeTakeFirst();
      if (current) {
        if (current.role !== role) {
          await trx
            .updateTable('members')
            .set({ role, version: await version() })
            .where('conversation_id', '=', conversationId)
            .where('user_id', '=', userId)
            .execute();
        }
        return { conversationId, added: [], created: false };
      }
      const added = await this.insertMembers(trx, version, conversationId, [userId], { role, joinedSeq: 0, now });
      return { conversationId, added, created: false };
    });
  }

  async createGroup(id: string, ownerId: string, name: string, memberIds: string[], now: number): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const version = versionOnce(trx);
      await this.createConversation(trx, await version(), id, 'group', name, ownerId, now);
      const added = await this.insertMembers(trx, version, id, [ownerId, ...memberIds], { ownerId, joinedSeq: 0, now });
      return { conversationId: id, added, created: true };
    });
  }

  async addMembers(conversationId: string, userIds: string[], now: number): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select(['last_seq']).where('id', '=', conversationId).executeTakeFirstOrThrow();
      // New members read from now on, not what was said before they came.
      const added = await this.insertMembers(trx, versionOnce(trx), conversationId, userIds, { joinedSeq: Number(conversation.last_seq), now });
      return { conversationId, added, created: false };
    });
  }

  /** Marks a member as gone; an owner who leaves hands the group to its longest-standing member. */
  async leave(conversationId: string, userId: string): Promise<{ newOwner: string | null }> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select(['last_seq', 'owner_id']).where('id', '=', conversationId).executeTakeFirstOrThrow();
      const version = await nextVersion(trx);
      const gone = await trx
        .updateTable('members')
        .set({ left: 1, left_seq: Number(conversation.last_seq), pinned: 0, role: 'member', version })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('left', '=', 0)
        .executeTakeFirst();
      // Leaving twice must not count twice.
      if (Number(gone.numUpdatedRows) === 0) return { newOwner: null };
      let newOwner: string | null = null;
      if (conversation.owner_id === userId) {
        const heir = await trx
          .selectFrom('members')
          .select('user_id')
          .where('conversation_id', '=', conversationId)
          .where('left', '=', 0)
          .orderBy('joined_at', 'asc')
          .orderBy('user_id', 'asc')
          .executeTakeFirst();
        newOwner = heir?.user_id ?? null;
        if (newOwner !== null) {
          await trx.updateTable('members').set({ role: 'owner', version }).where('conversation_id', '=', conversationId).where('user_id', '=', newOwner).execute();
        }
      }
      await trx
        .updateTable('conversations')
        .set((eb) => ({
          member_count: eb('member_count', '-', 1),
          version,
          ...(conversation.owner_id === userId ? { owner_id: newOwner } : {}),
        }))
        .where('id', '=', conversationId)
        .execute();
      return { newOwner };
    });
  }

  /** The user's active membership, if any. */
  async member(conversationId: string, userId: string): Promise<Selectable<MemberTable> | undefined> {
    return this.db
      .selectFrom('members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('left', '=', 0)
      .executeTakeFirst();
  }

  async conversation(conversationId: string): Promise<Selectable<ConversationTable> | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
  }

  /** Ids of the conversations the user is an active member of. */
  async conversationIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('members').select('conversation_id').where('user_id', '=', userId).where('left', '=', 0).execute();
    return rows.map((row) => row.conversation_id);
  }

  /** Active members' ids. */
  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('members').select('user_id').where('conversation_id', '=', conversationId).where('left', '=', 0).execute();
    return rows.map((row) => row.user_id);
  }

  /** Active members (0 for no such conversation). */
  async memberCount(conversationId: string): Promise<number> {
    const row = await this.db.selectFrom('conversations').select('member_count').where('id', '=', conversationId).executeTakeFirst();
    return Number(row?.member_count ?? 0);
  }

  /** How many of these users are not active members yet. */
  async newcomers(conversationId: string, userIds: readonly string[]): Promise<number> {
    const current = new Set<string>();
    for (const chunk of chunked([...new Set(userIds)])) {
      const rows = await this.db
        .selectFrom('members')
        .select('user_id')
        .where('conversation_id', '=', conversationId)
        .where('user_id', 'in', chunk)
        .where('left', '=', 0)
        .execute();
      for (const row of rows) current.add(row.user_id);
    }
    return userIds.filter((id) => !current.has(id)).length;
  }

  /**
   * The candidates who share a direct or group conversation with the user, both as active
   * members: those who may see each other's presence. Rooms and system conversations do not
   * make contacts (thousands in one room do not follow each other), and the user is not their
   * own contact. Each membership lookup is a primary-key probe (conversation, user).
   */
  async sharedContacts(userId: string, candidates: readonly string[]): Promise<string[]> {
    const others = [...new Set(candidates)].filter((id) => id !== userId);
    const shared = new Set<string>();
    for (const chunk of chunked(others)) {
      const rows = await this.db
        .selectFrom('members as mine')
        .innerJoin('conversations as c', 'c.id', 'mine.conversation_id')
        .innerJoin('members as theirs', 'theirs.conversation_id', 'mine.conversation_id')
        .select('theirs.user_id')
        .distinct()
        .where('mine.user_id', '=', userId)
        .where('mine.left', '=', 0)
        .where('c.type', 'in', ['direct', 'group'])
        .where('theirs.user_id', 'in', chunk)
        .where('theirs.left', '=', 0)
        .execute();
      for (const row of rows) shared.add(row.user_id);
    }
    return others.filter((id) => shared.has(id));
  }

  async currentVersion(): Promise<number> {
    const row = await this.db.selectFrom('counters').select('value').where('name', '=', 'sync').executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /** Read up to `seq` (never backwards, never past the last message). */
  async markRead(conversationId: string, userId: string, seq: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
      const member = await trx
        .selectFrom('members')
        .select(['read_seq', 'delivered_seq'])
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      const target = Math.min(seq, Number(conversation.last_seq));
      if (target <= Number(member.read_seq)) return Number(member.read_seq);
      await trx
        .updateTable('members')
        .set({ read_seq: target, delivered_seq: Math.max(Number(member.delivered_seq), target), version: await nextVersion(trx) })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
      return target;
    });
  }

  /** Received up to `seq` on some device (never backwards, never past the last message). */
  async markDelivered(conversationId: string, userId: string, seq: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { last_seq } = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
      const member = await trx
        .selectFrom('members')
        .select('delivered_seq')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      const target = Math.min(seq, Number(last_seq));
      if (target <= Number(member.delivered_seq)) return Number(member.delivered_seq);
      await trx.updateTable('members').set({ delivered_seq: target }).where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
      return target;
    });
  }

  /** Every active member's read and delivery position (receipts). */
  async receipts(conversationId: string): Promise<{ userId: string; readSeq: number; deliveredSeq: number }[]> {
    const rows = await this.db
      .selectFrom('members')
      .select(['user_id', 'read_seq', 'delivered_seq', 'joined_seq'])
      .where('conversation_id', '=', conversationId)
      .where('left', '=', 0)
      .orderBy('user_id')
      .execute();
    return rows.map((row) => {
      const readSeq = Math.max(Number(row.read_seq), Number(row.joined_seq));
      return { userId: row.user_id, readSeq, deliveredSeq: Math.max(Number(row.delivered_seq), readSeq) };
    });
  }

  async updateSettings(conversationId: string, userId: string, settings: { pinned?: boolean; muted?: boolean }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('members')
        .set({
          ...(settings.pinned !== undefined ? { pinned: settings.pinned ? 1 : 0 } : {}),
          ...(settings.muted !== undefined ? { muted: settings.muted ? 1 : 0 } : {}),
          version: await nextVersion(trx),
        })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  /** "Delete for me": hidden (and read) until a newer message arrives. */
  async hide(conversationId: string, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
      const lastSeq = Number(conversation.last_seq);
      await trx
        .updateTable('members')
        .set({ hidden_seq: lastSeq, read_seq: lastSeq, pinned: 0, version: await nextVersion(trx) })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  /**
   * The user's conversations that changed after `since` (all of them without it), each with
   * this user's state. Unread counts stop at 100: a list shows "99+" beyond that.
   */
  async summaries(userId: string, since = 0, only?: string): Promise<ConversationSummary[]> {
    let query = this.db
      .selectFrom('members as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select([
        'c.id',
        'c.type',
        'c.name',
        'c.owner_id',
        'c.last_seq',
        'c.created_at',
        'c.last_message_at',
        'c.version as c_version',
        'c.member_count',
        'm.role',
        'm.joined_seq',
        'm.read_seq',
        'm.hidden_seq',
        'm.pinned',
        'm.muted',
        'm.left',
        'm.left_seq',
        'm.version as m_version',
      ])
      .where('m.user_id', '=', userId)
      // A conversation's own changes matter to its members only, not to those who left it.
      .where((eb) => eb.or([eb('m.version', '>', since), eb.and([eb('c.version', '>', since), eb('m.left', '=', 0)])]));
    if (only !== undefined) query = query.where('c.id', '=', only);
    const rows = await query.execute();
    return Promise.all(rows.map((row) => this.summarise(userId, row)));
  }

  private async summarise(
    userId: string,
    row: {
      id: string;
      type: string;
      name: string | null;
      owner_id: string | null;
      last_seq: number;
      created_at: number;
      last_message_at: number | null;
      c_version: number;
      member_count: number;
      role: MemberRole;
      joined_seq: number;
      read_seq: number;
      hidden_seq: number;
      pinned: number;
      muted: number;
      left: number;
      left_seq: number | null;
      m_version: number;
    },
  ): Promise<ConversationSummary> {
    const id = row.id;
    const floor = Math.max(Number(row.joined_seq), Number(row.read_seq));
    // One who left sees the conversation as it was when they left.
    const ceiling = row.left_seq === null ? Number.MAX_SAFE_INTEGER : Number(row.left_seq);
    const [last, unread, mention] = await Promise.all([
      this.db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', id)
        .where('seq', '>', Number(row.joined_seq))
        .where('seq', '<=', ceiling)
        .where(notDeletedFor(userId, 'messages'))
        .where(visibleInRoomTo(userId, 'messages'))
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
      this.db
        .selectFrom((eb) =>
          eb
            .selectFrom('messages')
            .select('seq')
            .where('conversation_id', '=', id)
            .where('seq', '>', floor)
            .where('seq', '<=', ceiling)
            .where('sender_id', '!=', userId)
            .where('counts_unread', '=', 1)
            .where(visibleInRoomTo(userId, 'messages'))
            .limit(100)
            .as('unread'),
        )
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('message_mentions')
        .select('seq')
        .where('conversation_id', '=', id)
        .where('user_id', 'in', [userId, '*'])
        .where('seq', '>', floor)
        .where('seq', '<=', ceiling)
        .limit(1)
        .executeTakeFirst(),
    ]);
    const lastSeq = Math.min(Number(row.last_seq), ceiling);
    return {
      id: id as ConversationId,
      type: row.type as ConversationType,
      name: row.type === 'room' ? id.slice('room:'.length) : row.name,
      ownerId: row.owner_id as UserId | null,
      peerId: row.type === 'direct' ? ((id.split(':').slice(1).find((member) => member !== userId) ?? userId) as UserId) : null,
      memberCount: Number(row.member_count),
      role: row.role,
      lastSeq,
      lastMessage: last ? toMessage(last) : null,
      activeAt: Number(row.last_message_at ?? row.created_at),
      readSeq: Math.max(Number(row.read_seq), Number(row.joined_seq)),
      unreadCount: Number(unread.count),
      mentioned: mention !== undefined,
      pinned: Number(row.pinned) === 1,
      muted: Number(row.muted) === 1,
      hidden: Number(row.hidden_seq) >= lastSeq,
      left: Number(row.left) === 1,
      version: Math.max(Number(row.c_version), Number(row.m_version)),
    };
  }
}
