import { ERROR_CODES, errorPayload } from '../../protocol/errors.js';
import type { RoomSocketData } from '../../protocol/events.js';
import { LIMITS } from '../../protocol/limits.js';
import type { SessionInfo, SignalMessage } from '../../protocol/models.js';
import { checkBroadcast, checkCommand, checkHistoryQuery, checkMessageSend, checkSessionUpdate } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import { mayUsePriority, mayWrite, resolveRecipients, type Standing } from '../domain/permissions.js';
import type { Reader } from '../domain/visibility.js';
import { onRequest, RequestError } from './handler.js';
import { publishCreated } from './publish.js';
import { TokenBucket } from './rate-limit.js';
import { classRoom, classUserRoom, conversationRoom, principalRoom, userRoom } from './rooms.js';
import { capConnections, endAtExpiry } from './session-limits.js';
import type { IMServer, IMSocket } from './types.js';

/** Requests per second for history pages (separate from sends so a resync cannot starve sending). */
const HISTORY_RATE = 10;
const HISTORY_BURST = 30;

/** How long joins and departures are gathered before a room hears its new online count. */
const ONLINE_COALESCE_MS = 500;

/** Distinct users connected to a room's conversation (on every node of the adapter). */
async function onlineUsers(io: IMServer, conversationId: string): Promise<number> {
  const sockets = await io.in(conversationRoom(conversationId)).fetchSockets();
  return new Set(sockets.map((socket) => socket.data.userId)).size;
}

/**
 * Tells a room its online count after joins and departures, at most every half second, so a
 * class of hundreds joining at once causes a handful of broadcasts, not one per join.
 */
function onlineAnnouncer(io: IMServer, ctx: ServerContext) {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return (conversationId: string) => {
    if (pending.has(conversationId)) return;
    pending.set(
      conversationId,
      setTimeout(() => {
        pending.delete(conversationId);
        onlineUsers(io, conversationId).then(
          (online) => io.to(conversationRoom(conversationId)).emit('room:online', { conversationId, online }),
          (error: unknown) => ctx.log.error({ err: error }, 'online count failed'),
        );
      }, ONLINE_COALESCE_MS),
    );
  };
}

/** Room chat with a room token: broadcasts, custom commands, stored messages and history. */
export function registerRoomHandlers(io: IMServer, ctx: ServerContext): void {
  const announceOnline = onlineAnnouncer(io, ctx);
  io.on('connection', (socket) => {
    if (socket.data.kind !== 'room') return;
    const { conversationId } = socket.data;
    socket.on('disconnect', () => announceOnline(conversationId));
    onConnection(io, ctx, socket).then(
      () => announceOnline(conversationId),
      (error: unknown) => {
        ctx.log.error({ err: error }, 'connection setup failed');
        // Close the transport, not the session: the client takes it as a network failure and retries.
        socket.conn.close();
      },
    );
  });
}

/** The Socket.IO rooms of a room session reading `classId`. */
const readingRooms = (data: RoomSocketData, classId: string | null): string[] => [
  classRoom(data.conversationId, classId),
  classUserRoom(data.conversationId, classId, data.userId),
];

async function onConnection(io: IMServer, ctx: ServerContext, socket: IMSocket): Promise<void> {
  const data = socket.data as RoomSocketData;
  const { conversationId, userId, roomId } = data;
  const sends = new TokenBucket(LIMITS.SEND_RATE_PER_SECOND, LIMITS.SEND_BURST, ctx.clock);
  const reads = new TokenBucket(HISTORY_RATE, HISTORY_BURST, ctx.clock);
  const standing: Standing = { conversationType: 'room', role: data.role };
  const reader = (classId: string | null): Reader => ({ userId, classId, joinedSeq: 0 });
  const requireWrite = () => {
    const refusal = mayWrite(standing);
    if (refusal) throw new RequestError(refusal.code, refusal.message);
  };

  endAtExpiry(socket, ctx.clock, () => data.expiresAt, ERROR_CODES.TOKEN_EXPIRED, 'the room token has expired');

  onRequest(ctx, socket, 'signal:broadcast', sends, checkBroadcast, ({ content }) => {
    requireWrite();
    const signal: SignalMessage = { kind: 'room', conversationId, senderId: userId, content, time: ctx.clock() };
    socket.to(conversationRoom(conversationId)).emit('signal:received', signal);
    return { time: signal.time };
  });

  onRequest(ctx, socket, 'signal:send', sends, checkCommand, ({ content, users }) => {
    requireWrite();
    const signal: SignalMessage = { kind: 'custom', conversationId, senderId: userId, content, time: ctx.clock() };
    socket.to(resolveRecipients(userId, users).map((id) => userRoom(conversationId, id))).emit('signal:received', signal);
    return { time: signal.time };
  });

  onRequest(ctx, socket, 'message:send', sends, checkMessageSend, async (payload) => {
    requireWrite();
    const refusal = mayUsePriority(payload.priority, standing);
    if (refusal) throw new RequestError(refusal.code, refusal.message);
    if (!ctx.rates.admit(conversationId, payload.priority)) {
      throw new RequestError(ERROR_CODES.CONVERSATION_BUSY, 'the conversation is over its message rate; try again shortly');
    }
    const { message, duplicate } = await ctx.writer.append({
      conversationId,
      classId: payload.classId === undefined ? data.classId : payload.classId,
      senderId: userId,
      clientMsgId: payload.clientMsgId,
      content: payload.content,
      recipients: payload.users === null ? null : resolveRecipients(userId, payload.users),
      time: ctx.clock(),
      type: 'custom',
      mentions: [],
      countsUnread: true,
    });
    // A duplicate was delivered when it was first stored; only the sender learns its seq again.
    if (!duplicate) publishCreated(io, message, socket);
    return { id: message.id, seq: message.seq, time: message.time, duplicate, prev: message.prev };
  });

  onRequest(ctx, socket, 'message:history', reads, checkHistoryQuery, (query) =>
    ctx.store.history({
      conversationId,
      reader: reader(query.classId === undefined ? data.classId : query.classId),
      limit: query.limit,
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    }),
  );

  onRequest(ctx, socket, 'session:update', reads, checkSessionUpdate, async ({ classId }) => {
    for (const room of readingRooms(data, data.classId)) await socket.leave(room);
    data.classId = classId;
    await socket.join(readingRooms(data, classId));
    return { classId };
  });

  // Too many connections of this user of the room: the oldest make room.
  await capConnections(
    io,
    userRoom(conversationId, userId),
    ctx.config.maxConnectionsPerUser,
    (other) => other.kind === 'room',
    ERROR_CODES.TOO_MANY_CONNECTIONS,
    `at most ${ctx.config.maxConnectionsPerUser} connections per user of a room`,
  );
  // Join before reading history: a message committed after the read is then delivered live,
  // one committed before it is in the history. The SDK merges both by seq.
  await socket.join([
    conversationRoom(conversationId),
    userRoom(conversationId, userId),
    ...readingRooms(data, data.classId),
    ...(data.verified ? [principalRoom(userId)] : []),
  ]);
  // An unbind between the handshake check and the join would not have reached this socket.
  const room = await ctx.store.getRoom(roomId);
  if (!room?.bound || room.generation !== data.generation) {
    socket.emit('session:kicked', errorPayload(ERROR_CODES.ROOM_UNBOUND, `room "${roomId}" was unbound`));
    socket.disconnect(true);
    return;
  }
  const { since, classId } = data;
  const page = await ctx.store.history({
    conversationId,
    reader: reader(classId),
    limit: LIMITS.HISTORY_PAGE_MAX,
    ...(since !== undefined ? { after: since } : {}),
  });
  if (!socket.connected) return;
  const session: SessionInfo = {
    kind: 'room',
    userId,
    role: data.role,
    expiresAt: data.expiresAt,
    roomId,
    conversationId,
    classId,
    history: page.messages,
    hasMore: page.hasMore,
    through: page.through,
    online: await onlineUsers(io, conversationId),
    uploadMaxBytes: ctx.config.uploadMaxBytes,
  };
  socket.emit('session:ready', session);
}
