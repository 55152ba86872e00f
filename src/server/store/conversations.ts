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

/**
 * Conversations of signed-in users (direct and group), their members and each member's own
 * state: read position, pin, mute, "deleted for me". Every change of a member row takes a new
 * sync version, so a device asks only for what changed since its last sync.
 */
export class ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  private async insertMembers(trx: Transaction<Database>, conversationId: string, userIds: string[], ownerId: string | null, joinedSeq: number, now: number): Promise<string[]> {
    const added: string[] = [];
    for (const userId of userIds) {
      const version = await nextVersion(trx);
      const existing = await trx
        .selectFrom('members')
        .select(['left'])
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (existing && Number(existing.left) === 0) continue;
      const row = {
        role: userId === ownerId ? ('owner' as const) : ('member' as const),
        joined_at: now,
        joined_seq: joinedSeq,
        read_seq: joinedSeq,
        delivered_seq: joinedSeq,
        hidden_seq: -1,
        pinned: 0,
        muted: 0,
        left: 0,
        left_seq: null,
        version,
      };
      if (existing) {
        await trx.updateTable('members').set(row).where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
      } else {
        await trx.insertInto('members').values({ conversation_id: conversationId, user_id: userId, ...row }).execute();
      }
      added.push(userId);
    }
    return added;
  }

  private async createConversation(trx: Transaction<Database>, id: string, type: ConversationType, name: string | null, ownerId: string | null, now: number): Promise<void> {
    await trx
      .insertInto('conversations')
      .values({ id, type, name, owner_id: ownerId, last_seq: 0, created_at: now, version: await nextVersion(trx), last_message_at: null })
      .execute();
  }

  /** The direct conversation of two users, created (with both as members) on first use. */
  async openDirect(userId: string, peerId: string, now: number): Promise<MembershipChange> {
    const id = directConversationId(userId, peerId);
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst();
      if (!existing) await this.createConversation(trx, id, 'direct', null, null, now);
      // A direct conversation never loses its members: re-add one who had left (a new message brings it back).
      const added = await this.insertMembers(trx, id, [...new Set([userId, peerId])], null, 0, now);
      return { conversationId: id, added, created: !existing };
    });
  }

  /** The user's system (notifications) conversation, created on first use. */
  async openSystem(userId: string, now: number): Promise<MembershipChange> {
    const id = systemConversationId(userId);
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst();
      if (!existing) await this.createConversation(trx, id, 'system', null, null, now);
      const added = existing ? [] : await this.insertMembers(trx, id, [userId], null, 0, now);
      return { conversationId: id, added, created: !existing };
    });
  }

  /** A signed-in user enters a room's conversation: its history (for everyone in the room) is theirs to read. */
  async joinRoom(conversationId: string, userId: string, now: number): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const added = await this.insertMembers(trx, conversationId, [userId], null, 0, now);
      return { conversationId, added, created: false };
    });
  }

  async createGroup(id: string, ownerId: string, name: string, memberIds: string[], now: number): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      await this.createConversation(trx, id, 'group', name, ownerId, now);
      const added = await this.insertMembers(trx, id, [...new Set([ownerId, ...memberIds])], ownerId, 0, now);
      return { conversationId: id, added, created: true };
    });
  }

  async addMembers(conversationId: string, userIds: string[], now: number): Promise<MembershipChange> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx.selectFrom('conversations').select(['last_seq']).where('id', '=', conversationId).executeTakeFirstOrThrow();
      // New members read from now on, not what was said before they came.
      const added = await this.insertMembers(trx, conversationId, [...new Set(userIds)], null, Number(conversation.last_seq), now);
      return { conversationId, added, created: false };
    });
  }

  /** Marks a member as gone; an owner who leaves hands the group to its longest-standing member. */
  async leave(conversationId: string, userId: string): Promise<{ newOwner: string | null }> {
    return this.db.transaction().execute(async (trx) => {
      const { last_seq } = await trx.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirstOrThrow();
      await trx
        .updateTable('members')
        .set({ left: 1, left_seq: Number(last_seq), pinned: 0, role: 'member', version: await nextVersion(trx) })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
      const conversation = await trx.selectFrom('conversations').select(['owner_id']).where('id', '=', conversationId).executeTakeFirstOrThrow();
      if (conversation.owner_id !== userId) return { newOwner: null };
      const heir = await trx
        .selectFrom('members')
        .select('user_id')
        .where('conversation_id', '=', conversationId)
        .where('left', '=', 0)
        .orderBy('joined_at', 'asc')
        .orderBy('user_id', 'asc')
        .executeTakeFirst();
      const version = await nextVersion(trx);
      await trx.updateTable('conversations').set({ owner_id: heir?.user_id ?? null, version }).where('id', '=', conversationId).execute();
      if (heir) {
        await trx.updateTable('members').set({ role: 'owner', version }).where('conversation_id', '=', conversationId).where('user_id', '=', heir.user_id).execute();
      }
      return { newOwner: heir?.user_id ?? null };
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

  async memberCount(conversationId: string): Promise<number> {
    return (await this.memberIds(conversationId)).length;
  }

  /** How many of these users are not active members yet. */
  async newcomers(conversationId: string, userIds: readonly string[]): Promise<number> {
    const current = new Set(await this.memberIds(conversationId));
    return userIds.filter((id) => !current.has(id)).length;
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
      role: string;
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
    const [members, last, unread, mention] = await Promise.all([
      this.db.selectFrom('members').select('user_id').where('conversation_id', '=', id).where('left', '=', 0).execute(),
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
    const memberIds = members.map((member) => member.user_id);
    return {
      id: id as ConversationId,
      type: row.type as ConversationType,
      name: row.type === 'room' ? id.slice('room:'.length) : row.name,
      ownerId: row.owner_id as UserId | null,
      peerId: row.type === 'direct' ? ((id.split(':').slice(1).find((member) => member !== userId) ?? userId) as UserId) : null,
      memberCount: memberIds.length,
      role: row.role === 'owner' ? 'owner' : 'member',
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
