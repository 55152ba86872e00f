import { randomUUID } from 'node:crypto';
import { ERROR_CODES, errorPayload } from '../../protocol/errors.js';
import type { UserSocketData } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import type { ConversationId, ConversationSummary, JsonValue, MessageId, Quote, StoredMessage, UserId, UserSessionInfo } from '../../protocol/models.js';
import { previewOf } from '../../protocol/preview.js';
import { resolveContent } from './message-content.js';
import {
  checkAddMembers,
  checkConversationRef,
  checkRoomRef,
  checkConversationSync,
  checkCreateGroup,
  checkMarkRead,
  checkOpenDirect,
  checkChangesQuery,
  checkEdit,
  checkMessageRef,
  checkReaction,
  checkPresenceQuery,
  checkTyping,
  checkSettings,
  checkTicketPayload,
  checkUserHistoryQuery,
  checkUserMessageSend,
} from '../../protocol/schemas.js';
import { verifyTicket } from '../auth/tickets.js';
import type { ServerContext } from '../context.js';
import { ticketSecret } from './auth.js';
import { onRequest, RequestError } from './handler.js';
import { TokenBucket } from './rate-limit.js';
import { classRoom, conversationRoom, userRoom, type IMServer, type IMSocket } from './types.js';

/**
 * Socket.IO rooms a signed-in member of a room's conversation joins: the whole room (online
 * count, typing), no class (stored messages for everyone) and their own (messages sent to them).
 */
const roomRoomsOf = (conversationId: string, userId: string): string[] => [
  conversationRoom(conversationId),
  classRoom(conversationId, null),
  userRoom(conversationId, userId),
];

/** Socket.IO room of every connection of one signed-in user. */
export const userSessionsRoom = (userId: string): string => `user:${userId}`;

const HISTORY_RATE = 10;
const HISTORY_BURST = 30;
/** setTimeout cannot wait longer than about 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  const rooms = (await ctx.store.conversations.conversationIdsOf(userId)).filter((id) => !id.startsWith('room:')).map(conversationRoom);
  if (rooms.length > 0) io.to(rooms).except(userSessionsRoom(userId)).emit('presence:changed', { userId, online });
}

async function onUserConnection(io: IMServer, ctx: ServerContext, socket: IMSocket): Promise<void> {
  const data = socket.data as UserSocketData;
  const { userId } = data;
  const conversations = ctx.store.conversations;
  const sends = new TokenBucket(LIMITS.SEND_RATE_PER_SECOND, LIMITS.SEND_BURST, ctx.clock);
  const reads = new TokenBucket(HISTORY_RATE, HISTORY_BURST, ctx.clock);
  // Typing signals come often while someone types; they have their own budget.
  const typingBucket = new TokenBucket(5, 10, ctx.clock);

  let expiry: ReturnType<typeof setTimeout> | undefined;
  const armExpiry = () => {
    clearTimeout(expiry);
    expiry = setTimeout(() => {
      if (data.expiresAt > ctx.clock()) return armExpiry();
      socket.emit('session:kicked', errorPayload(ERROR_CODES.TICKET_EXPIRED, 'the ticket has expired'));
      socket.disconnect(true);
    }, Math.min(Math.max(0, data.expiresAt - ctx.clock()), MAX_TIMER_MS));
  };
  armExpiry();
  socket.on('disconnect', () => {
    clearTimeout(expiry);
    void announcePresence(io, ctx, userId, false).catch((error: unknown) => ctx.log.error({ err: error }, 'presence failed'));
  });

  /** Messages to a room's conversation can be sent while the room is bound. */
  const requireBoundRoom = async (conversationId: string) => {
    const room = await ctx.store.getRoom(conversationId.slice('room:'.length));
    if (!room?.bound) throw new RequestError(ERROR_CODES.ROOM_UNBOUND, 'the room of this conversation is not bound');
  };

  /** The caller's active membership, or a NOT_MEMBER failure. */
  const membership = async (conversationId: string) => {
    const member = await conversations.member(conversationId, userId);
    if (!member) throw new RequestError(ERROR_CODES.NOT_MEMBER, 'no such conversation, or you are not a member');
    return member;
  };
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
    io.to(conversationRoom(conversationId)).emit('message:created', message);
  };
  const joinSockets = (conversationId: string, userIds: readonly string[]) => {
    if (userIds.length > 0) io.in(userIds.map(userSessionsRoom)).socketsJoin(conversationRoom(conversationId));
  };
  onRequest(ctx, socket, 'session:renew', reads, checkTicketPayload, ({ ticket }) => {
    const checked = verifyTicket(ticketSecret(ctx), ticket, ctx.clock());
    if (!checked.ok) {
      throw new RequestError(
        checked.reason === 'expired' ? ERROR_CODES.TICKET_EXPIRED : ERROR_CODES.TICKET_INVALID,
        checked.reason === 'expired' ? 'the ticket has expired' : 'the ticket is malformed or forged',
      );
    }
    if (checked.claims.sub !== userId) throw new RequestError(ERROR_CODES.TICKET_INVALID, 'the ticket is for another user');
    data.expiresAt = checked.claims.exp * 1000;
    armExpiry();
    return { expiresAt: data.expiresAt };
  });

  onRequest(ctx, socket, 'conversation:sync', reads, checkConversationSync, async ({ since }) => {
    const version = await conversations.currentVersion();
    return { conversations: await conversations.summaries(userId, since), version };
  });

  onRequest(ctx, socket, 'conversation:open-direct', sends, checkOpenDirect, async ({ userId: peerId }) => {
    if (peerId === userId) throw new RequestError(ERROR_CODES.FORBIDDEN, 'a direct conversation needs another user');
    const change = await conversations.openDirect(userId, peerId, ctx.clock());
    joinSockets(change.conversationId, change.added);
    await announce(io, ctx, change.conversationId, change.added);
    return summaryOf(change.conversationId);
  });

  onRequest(ctx, socket, 'conversation:create-group', sends, checkCreateGroup, async ({ name, members }) => {
    const change = await conversations.createGroup(`group:${randomUUID()}`, userId, name, members, ctx.clock());
    joinSockets(change.conversationId, change.added);
    await tip(change.conversationId, { tip: 'group-created', name, members: change.added });
    await announce(io, ctx, change.conversationId, change.added);
    return summaryOf(change.conversationId);
  });

  onRequest(ctx, socket, 'conversation:add-members', sends, checkAddMembers, async ({ conversationId, members }) => {
    await membership(conversationId);
    const conversation = await conversations.conversation(conversationId);
    if (conversation?.type !== 'group') throw new RequestError(ERROR_CODES.FORBIDDEN, 'members can be added to groups only');
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

  onRequest(ctx, socket, 'conversation:join-room', sends, checkRoomRef, async ({ roomId }) => {
    const room = await ctx.store.getRoom(roomId);
    if (!room) throw new RequestError(ERROR_CODES.ROOM_NOT_FOUND, `no room "${roomId}"`);
    if (!room.bound) throw new RequestError(ERROR_CODES.ROOM_UNBOUND, `room "${roomId}" is not bound`);
    const change = await conversations.joinRoom(room.conversationId, userId, ctx.clock());
    io.in(userSessionsRoom(userId)).socketsJoin(roomRoomsOf(room.conversationId, userId));
    await announce(io, ctx, room.conversationId, change.added);
    return summaryOf(room.conversationId);
  });

  onRequest(ctx, socket, 'conversation:leave', sends, checkConversationRef, async ({ conversationId }) => {
    await membership(conversationId);
    const conversation = await conversations.conversation(conversationId);
    if (conversation?.type !== 'group' && conversation?.type !== 'room') {
      throw new RequestError(ERROR_CODES.FORBIDDEN, 'only groups and rooms can be left; hide a direct conversation instead');
    }
    if (conversation.type === 'group') await tip(conversationId, { tip: 'member-left', members: [userId] });
    await conversations.leave(conversationId, userId);
    io.in(userSessionsRoom(userId)).socketsLeave(conversation.type === 'room' ? roomRoomsOf(conversationId, userId) : [conversationRoom(conversationId)]);
    await announce(io, ctx, conversationId, [...(await conversations.memberIds(conversationId)), userId]);
    return { conversationId };
  });

  /** Tells the conversation how far this user read and received, where receipts are kept. */
  const publishReceipt = async (conversationId: string) => {
    if ((await conversations.memberCount(conversationId)) > LIMITS.RECEIPTS_MEMBERS_MAX) return;
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
    const member = await membership(conversationId);
    const before = Number(member.delivered_seq);
    const deliveredSeq = await conversations.markDelivered(conversationId, userId, seq);
    if (deliveredSeq > before) await publishReceipt(conversationId);
    return { deliveredSeq };
  });

  onRequest(ctx, socket, 'conversation:receipts', reads, checkConversationRef, async ({ conversationId }) => {
    await membership(conversationId);
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

  onRequest(ctx, socket, 'message:send', sends, checkUserMessageSend, async (payload) => {
    const member = await membership(payload.conversationId);
    const conversation = await conversations.conversation(payload.conversationId);
    if (conversation?.type === 'system') throw new RequestError(ERROR_CODES.FORBIDDEN, 'system conversations are written by the site only');
    if (conversation?.type === 'room') await requireBoundRoom(payload.conversationId);
    if (!ctx.rates.admit(payload.conversationId, payload.priority)) {
      throw new RequestError(ERROR_CODES.CONVERSATION_BUSY, 'the conversation is over its message rate; try again shortly');
    }
    const content = await resolveContent(ctx, payload.body);
    if (payload.onlineOnly) {
      // Not stored, not counted: whoever is online now gets it.
      const time = ctx.clock();
      socket
        .to(conversationRoom(payload.conversationId))
        .emit('signal:received', { kind: 'online', conversationId: payload.conversationId as ConversationId, senderId: userId, content, time });
      return { id: '' as MessageId, seq: 0, time, duplicate: false };
    }
    let replyTo: Quote | null = null;
    if (payload.replyTo !== null) {
      const quoted = await ctx.store.messageOps.get(payload.conversationId, payload.replyTo);
      const visible =
        quoted &&
        quoted.seq > Number(member.joined_seq) &&
        !quoted.recalled &&
        quoted.type !== 'tip' &&
        !(await ctx.store.messageOps.isDeletedFor(payload.conversationId, quoted.seq, userId));
      if (!visible) throw new RequestError(ERROR_CODES.MESSAGE_NOT_FOUND, `no message ${payload.replyTo} to reply to here`);
      replyTo = { seq: quoted.seq, senderId: quoted.senderId, type: quoted.type, preview: previewOf(quoted.type, quoted.content) };
    }
    const mentions = payload.body.type === 'text' ? payload.mentions : [];
    const { message, duplicate } = await ctx.writer.append({
      conversationId: payload.conversationId,
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
    });
    if (!duplicate) {
      // In a room, signed-in members hear messages for no class, as room sessions in no class do.
      const audience = conversation?.type === 'room' ? classRoom(payload.conversationId, null) : conversationRoom(payload.conversationId);
      socket.to(audience).emit('message:created', message);
      // Sending a message means having read everything before it.
      await conversations.markRead(payload.conversationId, userId, message.seq);
    }
    return { id: message.id, seq: message.seq, time: message.time, duplicate };
  });

  /** A message of this conversation the caller may see, or MESSAGE_NOT_FOUND. */
  const visibleMessage = async (conversationId: string, seq: number) => {
    const member = await membership(conversationId);
    const message = await ctx.store.messageOps.get(conversationId, seq);
    if (!message || message.seq <= Number(member.joined_seq) || (await ctx.store.messageOps.isDeletedFor(conversationId, seq, userId))) {
      throw new RequestError(ERROR_CODES.MESSAGE_NOT_FOUND, `no message ${seq} here`);
    }
    return message;
  };
  const publishUpdate = (message: StoredMessage) => io.to(conversationRoom(message.conversationId)).emit('message:updated', message);

  onRequest(ctx, socket, 'message:recall', sends, checkMessageRef, async ({ conversationId, seq }) => {
    const message = await visibleMessage(conversationId, seq);
    if (message.recalled) return message;
    if (message.type === 'tip') throw new RequestError(ERROR_CODES.FORBIDDEN, 'server tips cannot be recalled');
    const conversation = await conversations.conversation(conversationId);
    const isOwner = conversation?.type === 'group' && conversation.owner_id === userId;
    if (!isOwner) {
      if (message.senderId !== userId) throw new RequestError(ERROR_CODES.FORBIDDEN, 'only the sender or the group owner can recall a message');
      if (ctx.clock() - message.time > ctx.config.recallWindowSeconds * 1000) {
        throw new RequestError(ERROR_CODES.RECALL_WINDOW_PASSED, `messages can be recalled within ${ctx.config.recallWindowSeconds} s of sending`);
      }
    }
    const recalled = await ctx.store.messageOps.recall(conversationId, seq, userId, ctx.clock());
    publishUpdate(recalled);
    return recalled;
  });

  onRequest(ctx, socket, 'message:edit', sends, checkEdit, async ({ conversationId, seq, text }) => {
    const message = await visibleMessage(conversationId, seq);
    if (message.senderId !== userId) throw new RequestError(ERROR_CODES.FORBIDDEN, 'only the sender can edit a message');
    if (message.type !== 'text' || message.recalled) throw new RequestError(ERROR_CODES.FORBIDDEN, 'only text messages that were not recalled can be edited');
    if (ctx.clock() - message.time > LIMITS.EDIT_WINDOW_MS) throw new RequestError(ERROR_CODES.EDIT_WINDOW_PASSED, 'messages can be edited within 24 hours');
    const content = typeof message.content === 'object' && message.content !== null && !Array.isArray(message.content) ? message.content : {};
    const edited = await ctx.store.messageOps.edit(conversationId, seq, { ...content, text }, ctx.clock());
    publishUpdate(edited);
    return edited;
  });

  onRequest(ctx, socket, 'message:react', sends, checkReaction, async ({ conversationId, seq, emoji, on }) => {
    const message = await visibleMessage(conversationId, seq);
    if (message.recalled) throw new RequestError(ERROR_CODES.FORBIDDEN, 'a recalled message takes no reactions');
    if (on && !(emoji in message.reactions) && (await ctx.store.messageOps.emojiCount(conversationId, seq)) >= LIMITS.REACTIONS_PER_MESSAGE_MAX) {
      throw new RequestError(ERROR_CODES.TOO_MANY_REACTIONS, `at most ${LIMITS.REACTIONS_PER_MESSAGE_MAX} different reactions per message`);
    }
    const reacted = await ctx.store.messageOps.react(conversationId, seq, userId, emoji, on, ctx.clock());
    publishUpdate(reacted);
    return reacted;
  });

  onRequest(ctx, socket, 'message:delete', sends, checkMessageRef, async ({ conversationId, seq }) => {
    await visibleMessage(conversationId, seq);
    await ctx.store.messageOps.deleteForMe(conversationId, seq, userId);
    io.to(userSessionsRoom(userId)).emit('message:deleted', { conversationId, seq });
    return { conversationId, seq };
  });

  onRequest(ctx, socket, 'message:changes', reads, checkChangesQuery, async ({ conversationId, since, limit }) => {
    const member = await membership(conversationId);
    return ctx.store.messageOps.changes(conversationId, userId, since, Number(member.joined_seq), limit);
  });

  onRequest(ctx, socket, 'typing:set', typingBucket, checkTyping, async ({ conversationId, typing }) => {
    await membership(conversationId);
    socket
      .to(conversationRoom(conversationId))
      .emit('typing:changed', { conversationId, userId, typing, expiresInMs: LIMITS.TYPING_TTL_MS });
    return { expiresInMs: LIMITS.TYPING_TTL_MS };
  });

  onRequest(ctx, socket, 'presence:query', reads, checkPresenceQuery, async ({ userIds }) => {
    const online: string[] = [];
    for (const id of userIds) {
      if ((await io.in(userSessionsRoom(id)).fetchSockets()).length > 0) online.push(id);
    }
    return { online };
  });

  onRequest(ctx, socket, 'message:history', reads, checkUserHistoryQuery, async (query) => {
    const member = await membership(query.conversationId);
    return ctx.store.history({
      conversationId: query.conversationId,
      userId,
      classId: null,
      limit: query.limit,
      minSeq: Number(member.joined_seq),
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
  });

  // Too many connections of this user: the oldest ones make room.
  const existing = await io.in(userSessionsRoom(userId)).fetchSockets();
  const surplus = existing.length + 1 - ctx.config.maxConnectionsPerUser;
  if (surplus > 0) {
    const oldest = [...existing].sort((a, b) => a.handshake.issued - b.handshake.issued).slice(0, surplus);
    for (const other of oldest) {
      other.emit('session:kicked', errorPayload(ERROR_CODES.TOO_MANY_CONNECTIONS, `at most ${ctx.config.maxConnectionsPerUser} connections per user`));
      other.disconnect(true);
    }
  }
  const memberships = await conversations.conversationIdsOf(userId);
  const firstConnection = (await io.in(userSessionsRoom(userId)).fetchSockets()).length === 0;
  await socket.join([
    userSessionsRoom(userId),
    ...memberships.flatMap((id) => (id.startsWith('room:') ? roomRoomsOf(id, userId) : [conversationRoom(id)])),
  ]);
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
