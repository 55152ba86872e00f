import { randomUUID } from 'node:crypto';
import { ERROR_CODES } from '../../protocol/errors.js';
import type { UserSocketData } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import { conversationTypeOf, type ConversationId, type ConversationSummary, type JsonValue, type MessageId, type Quote, type RoomRole, type UserId, type UserSessionInfo } from '../../protocol/models.js';
import { previewOf } from '../../protocol/preview.js';
import {
  checkAddMembers,
  checkChangesQuery,
  checkConversationRef,
  checkConversationSync,
  checkCreateGroup,
  checkEdit,
  checkJoinRoom,
  checkMarkRead,
  checkMessageRef,
  checkOpenDirect,
  checkPresenceQuery,
  checkReaction,
  checkSettings,
  checkTicketPayload,
  checkTyping,
  checkUserHistoryQuery,
  checkUserMessageSend,
} from '../../protocol/schemas.js';
import { authenticateRoomToken, authenticateTicket } from '../auth/credentials.js';
import type { ServerContext } from '../context.js';
import { mayEdit, mayRecall, mayUsePriority, mayWrite, type Refusal, type Standing } from '../domain/permissions.js';
import { canRead, type Reader } from '../domain/visibility.js';
import type { MemberTable } from '../store/schema.js';
import { fileIdsOfContent, uploadOwner } from '../domain/files.js';
import type { Selectable } from 'kysely';
import { onRequest, RequestError } from './handler.js';
import { resolveContent } from './message-content.js';
import { isRoomConversation, publishCreated, publishUpdated } from './publish.js';
import { TokenBucket } from './rate-limit.js';
import { classRoom, classUserRoom, conversationRoom, principalRoom, userRoom, userSessionsRoom } from './rooms.js';
import { capConnections, endAtExpiry } from './session-limits.js';
import type { IMServer, IMSocket } from './types.js';

/**
 * Socket.IO rooms a signed-in member of a room's conversation joins: the whole room (online
 * count, typing), the class `null` (messages for everyone) and their own in it (messages sent
 * to them), and their own in the room (custom commands).
 */
const roomRoomsOf = (conversationId: string, userId: string): string[] => [
  conversationRoom(conversationId),
  classRoom(conversationId, null),
  classUserRoom(conversationId, null, userId),
  userRoom(conversationId, userId),
];

const roomsOf = (conversationId: string, userId: string): string[] =>
  isRoomConversation(conversationId) ? roomRoomsOf(conversationId, userId) : [conversationRoom(conversationId)];

const HISTORY_RATE = 10;
const HISTORY_BURST = 30;

/** Signed-in users (tickets): their direct and group conversations, across all their devices. */
export function registerUserHandlers(io: IMServer, ctx: ServerContext): void {
  io.on('connection', (socket) => {
    if (socket.data.kind !== 'user') return;
    void onUserConnection(io, ctx, socket).catch((error: unknown) => {
      ctx.log.error({ err: error }, 'user connection setup failed');
      socket.conn.close();
    });
  });
}

/** Tells every connection of these users that a conversation changed, so they sync it. */
async function announce(io: IMServer, ctx: ServerContext, conversationId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const version = await ctx.store.conversations.currentVersion();
  io.to(userIds.map(userSessionsRoom)).emit('conversation:changed', { conversationId, version });
}

/**
 * Online when the first connection of a user opens, offline when the last one closes; told to
 * everyone who shares a conversation with the user, in one emit over those conversations' rooms.
 */
async function announcePresence(io: IMServer, ctx: ServerContext, userId: string, online: boolean): Promise<void> {
  if (!online && (await io.in(userSessionsRoom(userId)).fetchSockets()).length > 0) return;
  // Not to chat rooms: thousands there do not follow each other's comings and goings.
  const rooms = (await ctx.store.conversations.conversationIdsOf(userId)).filter((id) => !isRoomConversation(id)).map(conversationRoom);
  if (rooms.length > 0) io.to(rooms).except(userSessionsRoom(userId)).emit('presence:changed', { userId, online });
}

const refuse = (refusal: Refusal | null): void => {
  if (refusal) throw new RequestError(refusal.code, refusal.message);
};

async function onUserConnection(io: IMServer, ctx: ServerContext, socket: IMSocket): Promise<void> {
  const data = socket.data as UserSocketData;
  const { userId } = data;
  const conversations = ctx.store.conversations;
  const sends = new TokenBucket(LIMITS.SEND_RATE_PER_SECOND, LIMITS.SEND_BURST, ctx.clock);
  const reads = new TokenBucket(HISTORY_RATE, HISTORY_BURST, ctx.clock);
  // Typing signals come often while someone types; they have their own budget.
  const typingBucket = new TokenBucket(5, 10, ctx.clock);
  // Membership changes write a row per member: a lower rate of their own.
  const memberships = new TokenBucket(LIMITS.MEMBERSHIP_RATE_PER_SECOND, LIMITS.MEMBERSHIP_BURST, ctx.clock);

  const rearmExpiry = endAtExpiry(socket, ctx.clock, () => data.expiresAt, ERROR_CODES.TICKET_EXPIRED, 'the ticket has expired');
  socket.on('disconnect', () => {
    void announcePresence(io, ctx, userId, false).catch((error: unknown) => ctx.log.error({ err: error }, 'presence failed'));
  });

  /** A room's conversation takes writes while the room is bound. */
  const requireBoundRoom = async (conversationId: string) => {
    if (!isRoomConversation(conversationId)) return;
    const room = await ctx.store.getRoom(conversationId.slice('room:'.length));
    if (!room?.bound) throw new RequestError(ERROR_CODES.ROOM_UNBOUND, 'the room of this conversation is not bound');
  };

  /** The caller's active membership and where they stand in the conversation, or a NOT_MEMBER failure. */
  const membership = async (conversationId: string) => {
    const member = await conversations.member(conversationId, userId);
    const type = conversationTypeOf(conversationId);
    if (!member || !type) throw new RequestError(ERROR_CODES.NOT_MEMBER, 'no such conversation, or you are not a member');
    const standing: Standing = { conversationType: type, role: member.role };
    return { member, type, standing, reader: readerOf(member) };
  };
  const readerOf = (member: Selectable<MemberTable>): Reader => ({ userId, classId: null, joinedSeq: Number(member.joined_seq) });
  const summaryOf = async (conversationId: string): Promise<ConversationSummary> => {
    const [summary] = await conversations.summaries(userId, 0, conversationId);
    if (!summary) throw new RequestError(ERROR_CODES.NOT_MEMBER, 'no such conversation');
    return summary;
  };
  /** Stores a server-written tip (joins, departures) and delivers it like any message. */
  const tip = async (conversationId: string, content: JsonValue) => {
    const { message } = await ctx.writer.append({
      conversationId,
      classId: null,
      senderId: userId,
      clientMsgId: randomUUID(),
      content,
      recipients: null,
      time: ctx.clock(),
      type: 'tip',
      mentions: [],
      countsUnread: false,
    });
    publishCreated(io, message);
  };
  const joinSockets = (conversationId: string, userIds: readonly string[]) => {
    if (userIds.length > 0) io.in(userIds.map(userSessionsRoom)).socketsJoin(conversationRoom(conversationId));
  };

  onRequest(ctx, socket, 'session:renew', reads, checkTicketPayload, async ({ ticket }) => {
    const renewed = await authenticateTicket(ctx, ticket);
    if (!renewed.ok) throw new RequestError(renewed.error.code, renewed.error.message);
    if (renewed.value.userId !== userId) throw new RequestError(ERROR_CODES.TICKET_INVALID, 'the ticket is for another user');
    data.expiresAt = renewed.value.expiresAt;
    rearmExpiry();
    return { expiresAt: data.expiresAt };
  });

  onRequest(ctx, socket, 'conversation:sync', reads, checkConversationSync, async ({ since }) => {
    const version = await conversations.currentVersion();
    return { conversations: await conversations.summaries(userId, since), version };
  });

  onRequest(ctx, socket, 'conversation:open-direct', memberships, checkOpenDirect, async ({ userId: peerId }) => {
    if (peerId === userId) throw new RequestError(ERROR_CODES.FORBIDDEN, 'a direct conversation needs another user');
    const change = await conversations.openDirect(userId, peerId, ctx.clock());
    joinSockets(change.conversationId, change.added);
    await announce(io, ctx, change.conversationId, change.added);
    return summaryOf(change.conversationId);
  });

  onRequest(ctx, socket, 'conversation:create-group', memberships, checkCreateGroup, async ({ name, members }) => {
    const change = await conversations.createGroup(`group:${randomUUID()}`, userId, name, members, ctx.clock());
    joinSockets(change.conversationId, change.added);
    await tip(change.conversationId, { tip: 'group-created', name, members: change.added });
    await announce(io, ctx, change.conversationId, change.added);
    return summaryOf(change.conversationId);
  });

  onRequest(ctx, socket, 'conversation:add-members', memberships, checkAddMembers, async ({ conversationId, members }) => {
    const { type } = await membership(conversationId);
    if (type !== 'group') throw new RequestError(ERROR_CODES.FORBIDDEN, 'members can be added to groups only');
    const current = await conversations.memberCount(conversationId);
    if (current + (await conversations.newcomers(conversationId, members)) > LIMITS.GROUP_MEMBERS_MAX) {
      throw new RequestError(ERROR_CODES.TOO_MANY_MEMBERS, `a group has at most ${LIMITS.GROUP_MEMBERS_MAX} members`);
    }
    const change = await conversations.addMembers(conversationId, members, ctx.clock());
    joinSockets(conversationId, change.added);
    if (change.added.length > 0) {
      await tip(conversationId, { tip: 'members-joined', by: userId, members: change.added });
      await announce(io, ctx, conversationId, await conversations.memberIds(conversationId));
    }
    return summaryOf(conversationId);
  });

  /**
   * The role a signed-in user enters a room with: the site's grant for them, or the one a token
   * of that room gives, or the one they already have, or `member` when the server opens rooms to all.
   * Every other case answers as an unknown room does, so ids of rooms cannot be probed.
   */
  const roomEntry = async (roomId: string, token: string | null): Promise<{ conversationId: string; role: RoomRole }> => {
    const refused = new RequestError(ERROR_CODES.ROOM_NOT_FOUND, `no room "${roomId}" that you may join`);
    // The site's grant for this user decides their role, over whatever a shared token says.
    const grant = await ctx.store.roomGrant(roomId, userId);
    if (token !== null) {
      const principal = await authenticateRoomToken(ctx, token, userId);
      if (!principal.ok) throw new RequestError(principal.error.code, principal.error.message);
      if (principal.value.room.roomId !== roomId) throw refused;
      return { conversationId: principal.value.room.conversationId, role: grant?.role ?? principal.value.role };
    }
    const room = await ctx.store.getRoom(roomId);
    if (!room?.bound) throw refused;
    if (grant) return { conversationId: room.conversationId, role: grant.role };
    const existing = await conversations.member(room.conversationId, userId);
    if (existing) return { conversationId: room.conversationId, role: existing.role as RoomRole };
    if (ctx.config.openRooms) return { conversationId: room.conversationId, role: 'member' };
    throw refused;
  };

  onRequest(ctx, socket, 'conversation:join-room', memberships, checkJoinRoom, async ({ roomId, token }) => {
    const { conversationId, role } = await roomEntry(roomId, token);
    const change = await conversations.joinRoom(conversationId, userId, ctx.clock(), role);
    io.in(userSessionsRoom(userId)).socketsJoin(roomRoomsOf(conversationId, userId));
    await announce(io, ctx, conversationId, change.added.length > 0 ? change.added : [userId]);
    return summaryOf(conversationId);
  });

  onRequest(ctx, socket, 'conversation:leave', memberships, checkConversationRef, async ({ conversationId }) => {
    const { type } = await membership(conversationId);
    if (type !== 'group' && type !== 'room') {
      throw new RequestError(ERROR_CODES.FORBIDDEN, 'only groups and rooms can be left; hide a direct conversation instead');
    }
    if (type === 'group') await tip(conversationId, { tip: 'member-left', members: [userId] });
    await conversations.leave(conversationId, userId);
    io.in(userSessionsRoom(userId)).socketsLeave(roomsOf(conversationId, userId));
    await announce(io, ctx, conversationId, [...(await conversations.memberIds(conversationId)), userId]);
    return { conversationId };
  });

  /** Tells the conversation how far this user read and received, where receipts are kept (not in rooms). */
  const publishReceipt = async (conversationId: string) => {
    if (isRoomConversation(conversationId) || (await conversations.memberCount(conversationId)) > LIMITS.RECEIPTS_MEMBERS_MAX) return;
    const mine = (await conversations.receipts(conversationId)).find((receipt) => receipt.userId === userId);
    if (mine) io.to(conversationRoom(conversationId)).emit('receipt:changed', { conversationId, ...mine });
  };

  onRequest(ctx, socket, 'conversation:read', reads, checkMarkRead, async ({ conversationId, seq }) => {
    await membership(conversationId);
    const readSeq = await conversations.markRead(conversationId, userId, seq);
    await announce(io, ctx, conversationId, [userId]);
    await publishReceipt(conversationId);
    return { readSeq };
  });

  onRequest(ctx, socket, 'conversation:delivered', reads, checkMarkRead, async ({ conversationId, seq }) => {
    const { member } = await membership(conversationId);
    const before = Number(member.delivered_seq);
    const deliveredSeq = await conversations.markDelivered(conversationId, userId, seq);
    if (deliveredSeq > before) await publishReceipt(conversationId);
    return { deliveredSeq };
  });

  onRequest(ctx, socket, 'conversation:receipts', reads, checkConversationRef, async ({ conversationId }) => {
    await membership(conversationId);
    // Rooms keep no receipts: who read what in a room is nobody else's business.
    if (isRoomConversation(conversationId)) return { receipts: [] };
    if ((await conversations.memberCount(conversationId)) > LIMITS.RECEIPTS_MEMBERS_MAX) {
      throw new RequestError(ERROR_CODES.TOO_MANY_MEMBERS, `receipts are kept for conversations of up to ${LIMITS.RECEIPTS_MEMBERS_MAX} members`);
    }
    return { receipts: await conversations.receipts(conversationId) };
  });

  onRequest(ctx, socket, 'conversation:settings', reads, checkSettings, async ({ conversationId, ...settings }) => {
    await membership(conversationId);
    await conversations.updateSettings(conversationId, userId, settings);
    await announce(io, ctx, conversationId, [userId]);
    return summaryOf(conversationId);
  });

  onRequest(ctx, socket, 'conversation:hide', reads, checkConversationRef, async ({ conversationId }) => {
    await membership(conversationId);
    await conversations.hide(conversationId, userId);
    await announce(io, ctx, conversationId, [userId]);
    return { conversationId };
  });

  /** A message of this conversation the caller may read (and did not delete for themselves), or MESSAGE_NOT_FOUND. */
  const readableMessage = async (conversationId: string, seq: number, reader: Reader) => {
    const message = await ctx.store.messageOps.get(conversationId, seq);
    if (!message || !canRead(reader, message) || (await ctx.store.messageOps.isDeletedFor(conversationId, seq, userId))) {
      throw new RequestError(ERROR_CODES.MESSAGE_NOT_FOUND, `no message ${seq} here`);
    }
    return message;
  };
  const visibleMessage = async (conversationId: string, seq: number) => {
    const standing = await membership(conversationId);
    return { ...standing, message: await readableMessage(conversationId, seq, standing.reader) };
  };

  onRequest(ctx, socket, 'message:send', sends, checkUserMessageSend, async (payload) => {
    const { conversationId } = payload;
    const { standing, reader } = await membership(conversationId);
    refuse(mayWrite(standing));
    await requireBoundRoom(conversationId);
    refuse(mayUsePriority(payload.priority, standing));
    if (!ctx.rates.admit(conversationId, payload.priority)) {
      throw new RequestError(ERROR_CODES.CONVERSATION_BUSY, 'the conversation is over its message rate; try again shortly');
    }
    const content = await resolveContent(ctx, payload.body, uploadOwner(userId));
    if (payload.onlineOnly) {
      // Not stored, not counted: whoever is online now gets it.
      const time = ctx.clock();
      socket
        .to(conversationRoom(conversationId))
        .emit('signal:received', { kind: 'online', conversationId: conversationId as ConversationId, senderId: userId, content, time });
      return { id: '' as MessageId, seq: 0, time, duplicate: false, prev: 0 };
    }
    let replyTo: Quote | null = null;
    if (payload.replyTo !== null) {
      const quoted = await readableMessage(conversationId, payload.replyTo, reader).catch(() => undefined);
      if (!quoted || quoted.recalled || quoted.type === 'tip') throw new RequestError(ERROR_CODES.MESSAGE_NOT_FOUND, `no message ${payload.replyTo} to reply to here`);
      replyTo = { seq: quoted.seq, senderId: quoted.senderId, type: quoted.type, preview: previewOf(quoted.type, quoted.content) };
    }
    const mentions = payload.body.type === 'text' ? payload.mentions : [];
    const { message, duplicate } = await ctx.writer.append({
      conversationId,
      classId: null,
      senderId: userId as UserId,
      clientMsgId: payload.clientMsgId,
      content,
      recipients: null,
      time: ctx.clock(),
      type: payload.body.type,
      mentions,
      countsUnread: payload.countUnread,
      replyTo,
      fileIds: fileIdsOfContent(content),
    });
    if (!duplicate) {
      publishCreated(io, message, socket);
      // Sending a message means having read everything before it.
      await conversations.markRead(conversationId, userId, message.seq);
    }
    return { id: message.id, seq: message.seq, time: message.time, duplicate, prev: message.prev };
  });

  /** Shared state of a message (recall, edit, reactions) changes only where the caller may write. */
  const writable = async (conversationId: string, seq: number) => {
    const found = await visibleMessage(conversationId, seq);
    refuse(mayWrite(found.standing));
    await requireBoundRoom(conversationId);
    return found;
  };

  onRequest(ctx, socket, 'message:recall', sends, checkMessageRef, async ({ conversationId, seq }) => {
    const { message, standing } = await writable(conversationId, seq);
    if (message.recalled) return message;
    refuse(mayRecall(message, userId, standing, ctx.clock(), ctx.config.recallWindowSeconds));
    const recalled = await ctx.store.messageOps.recall(conversationId, seq, userId, ctx.clock());
    // Its files are served no longer once no other message names them.
    const released = await ctx.store.files.release(conversationId, seq, ctx.clock());
    await Promise.all(released.flatMap((id) => [id, `${id}.s`, `${id}.l`]).map((key) => ctx.blobs.delete(key)));
    await publishUpdated(io, ctx.store, recalled);
    return recalled;
  });

  onRequest(ctx, socket, 'message:edit', sends, checkEdit, async ({ conversationId, seq, text }) => {
    const { message } = await writable(conversationId, seq);
    refuse(mayEdit(message, userId, ctx.clock()));
    const content = typeof message.content === 'object' && message.content !== null && !Array.isArray(message.content) ? message.content : {};
    const edited = await ctx.store.messageOps.edit(conversationId, seq, { ...content, text }, ctx.clock());
    await publishUpdated(io, ctx.store, edited);
    return edited;
  });

  onRequest(ctx, socket, 'message:react', sends, checkReaction, async ({ conversationId, seq, emoji, on }) => {
    const { message } = await writable(conversationId, seq);
    if (message.recalled) throw new RequestError(ERROR_CODES.FORBIDDEN, 'a recalled message takes no reactions');
    if (on && !Object.hasOwn(message.reactions, emoji) && (await ctx.store.messageOps.emojiCount(conversationId, seq)) >= LIMITS.REACTIONS_PER_MESSAGE_MAX) {
      throw new RequestError(ERROR_CODES.TOO_MANY_REACTIONS, `at most ${LIMITS.REACTIONS_PER_MESSAGE_MAX} different reactions per message`);
    }
    const reacted = await ctx.store.messageOps.react(conversationId, seq, userId, emoji, on, ctx.clock());
    await publishUpdated(io, ctx.store, reacted);
    return reacted;
  });

  onRequest(ctx, socket, 'message:delete', sends, checkMessageRef, async ({ conversationId, seq }) => {
    await visibleMessage(conversationId, seq);
    await ctx.store.messageOps.deleteForMe(conversationId, seq, userId);
    io.to(userSessionsRoom(userId)).emit('message:deleted', { conversationId, seq });
    return { conversationId, seq };
  });

  onRequest(ctx, socket, 'message:changes', reads, checkChangesQuery, async ({ conversationId, since, limit }) => {
    const { reader } = await membership(conversationId);
    return ctx.store.messageOps.changes(conversationId, reader, since, limit);
  });

  onRequest(ctx, socket, 'typing:set', typingBucket, checkTyping, async ({ conversationId, typing }) => {
    const { standing } = await membership(conversationId);
    refuse(mayWrite(standing));
    await requireBoundRoom(conversationId);
    socket
      .to(conversationRoom(conversationId))
      .emit('typing:changed', { conversationId, userId, typing, expiresInMs: LIMITS.TYPING_TTL_MS });
    return { expiresInMs: LIMITS.TYPING_TTL_MS };
  });

  onRequest(ctx, socket, 'presence:query', reads, checkPresenceQuery, async ({ userIds }) => {
    // Only about people you share a direct or group conversation with: anyone else is as offline.
    const contacts = await conversations.sharedContacts(userId, userIds);
    if (contacts.length === 0) return { online: [] };
    const sockets = await io.in(contacts.map(userSessionsRoom)).fetchSockets();
    const connected = new Set(sockets.map((other) => other.data.userId as string));
    return { online: contacts.filter((id) => connected.has(id)) };
  });

  onRequest(ctx, socket, 'message:history', reads, checkUserHistoryQuery, async (query) => {
    const { reader } = await membership(query.conversationId);
    return ctx.store.history({
      conversationId: query.conversationId,
      reader,
      limit: query.limit,
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
  });

  // Too many connections of this user: the oldest ones make room.
  await capConnections(
    io,
    userSessionsRoom(userId),
    ctx.config.maxConnectionsPerUser,
    () => true,
    ERROR_CODES.TOO_MANY_CONNECTIONS,
    `at most ${ctx.config.maxConnectionsPerUser} connections per user`,
  );
  const memberOf = await conversations.conversationIdsOf(userId);
  const firstConnection = (await io.in(userSessionsRoom(userId)).fetchSockets()).length === 0;
  await socket.join([userSessionsRoom(userId), principalRoom(userId), ...memberOf.flatMap((id) => roomsOf(id, userId))]);
  if (!socket.connected) return;
  if (firstConnection) await announcePresence(io, ctx, userId, true);
  const session: UserSessionInfo = {
    kind: 'user',
    userId: userId as UserId,
    version: await conversations.currentVersion(),
    expiresAt: data.expiresAt,
    uploadMaxBytes: ctx.config.uploadMaxBytes,
  };
  socket.emit('session:ready', session);
}

