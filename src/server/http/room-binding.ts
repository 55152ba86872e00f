import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { ROOM_ROLES, type RoomRole } from '../../protocol/models.js';
import { checkRecipients, checkRoomId, checkUserId } from '../../protocol/schemas.js';
import { issueRoomToken, type RoomTokenOptions } from '../auth/credentials.js';
import type { ServerContext } from '../context.js';
import type { RoomBinding } from '../store/store.js';
import { requireAdminKey } from './admin-auth.js';
import { jsonObject } from './body.js';
import { sendError } from './errors.js';

export interface RoomBindingHooks {
  /** Called after a room was unbound, to disconnect its sockets. */
  onUnbound(binding: RoomBinding): Promise<void>;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES]; message: string };

/** `ttlSeconds`, `userId` and `role` of a token request. */
function tokenOptions(fields: Record<string, unknown>): Parsed<RoomTokenOptions> {
  const options: RoomTokenOptions = {};
  const { ttlSeconds, userId, role } = fields;
  if (ttlSeconds !== undefined) {
    if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < LIMITS.ROOM_TOKEN_TTL_MIN || ttlSeconds > LIMITS.ROOM_TOKEN_TTL_MAX) {
      return { ok: false, code: ERROR_CODES.INVALID_PAYLOAD, message: `ttlSeconds must be an integer from ${LIMITS.ROOM_TOKEN_TTL_MIN} to ${LIMITS.ROOM_TOKEN_TTL_MAX}` };
    }
    options.ttlSeconds = ttlSeconds;
  }
  if (userId !== undefined) {
    const checked = checkUserId(userId);
    if (!checked.ok) return { ok: false, code: checked.error.code, message: checked.error.message };
    options.userId = checked.value;
  }
  if (role !== undefined) {
    if (!(ROOM_ROLES as readonly unknown[]).includes(role)) return { ok: false, code: ERROR_CODES.INVALID_PAYLOAD, message: `role must be one of ${ROOM_ROLES.join(', ')}` };
    options.role = role as RoomRole;
  }
  // A moderator speaks with authority: the site must say who it is.
  if (options.role === 'moderator' && options.userId === undefined) {
    return { ok: false, code: ERROR_CODES.INVALID_PAYLOAD, message: 'a moderator token must name its user (userId)' };
  }
  return { ok: true, value: options };
}

/**
 * Server-to-server room binding, as the CC live-class IM documents it, and the room access the
 * site hands out: tokens (for everyone, or for one user with a role) and grants that let
 * signed-in users in.
 */
export function registerRoomBindingRoutes(app: FastifyInstance, ctx: ServerContext, hooks: RoomBindingHooks): void {
  const preHandler = requireAdminKey(ctx.secrets.adminKey);

  app.post('/v1/room-binding', { preHandler }, async (request, reply) => {
    const fields = jsonObject(request, reply, '{"roomId": "…"}');
    if (!fields) return reply;
    const roomId = checkRoomId(fields.roomId);
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const options = tokenOptions(fields);
    if (!options.ok) return sendError(reply, 400, options.code, options.message);
    const binding = await ctx.store.bindRoom(roomId.value, ctx.clock());
    const issued = await issueRoomToken(ctx, binding, options.value);
    return reply.code(200).send({ roomId: binding.roomId, ...issued });
  });

  app.post('/v1/rooms/:roomId/tokens', { preHandler }, async (request, reply) => {
    const roomId = checkRoomId((request.params as { roomId?: unknown }).roomId);
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const fields = jsonObject(request, reply, '{"userId"?: "…", "role"?: "viewer" | "member" | "moderator", "ttlSeconds"?: 3600}', true);
    if (!fields) return reply;
    const options = tokenOptions(fields);
    if (!options.ok) return sendError(reply, 400, options.code, options.message);
    const binding = await ctx.store.getRoom(roomId.value);
    if (!binding?.bound) return sendError(reply, 404, ERROR_CODES.ROOM_NOT_FOUND, `room "${roomId.value}" is not bound`);
    const issued = await issueRoomToken(ctx, binding, options.value);
    return reply.code(200).send({ roomId: binding.roomId, ...issued });
  });

  app.post('/v1/rooms/:roomId/members', { preHandler }, async (request, reply) => {
    const roomId = checkRoomId((request.params as { roomId?: unknown }).roomId);
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const fields = jsonObject(request, reply, '{"userIds": ["alice"], "role"?: "member"}');
    if (!fields) return reply;
    const userIds = checkRecipients(fields.userIds);
    if (!userIds.ok) return sendError(reply, 400, userIds.error.code, userIds.error.message.replace('users', 'userIds').replace('recipients', 'users'));
    if (userIds.value.length > LIMITS.ROOM_GRANT_USERS_MAX) {
      return sendError(reply, 400, ERROR_CODES.TOO_MANY_RECIPIENTS, `at most ${LIMITS.ROOM_GRANT_USERS_MAX} users per request`);
    }
    const role = fields.role ?? 'member';
    if (!(ROOM_ROLES as readonly unknown[]).includes(role)) return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, `role must be one of ${ROOM_ROLES.join(', ')}`);
    const binding = await ctx.store.getRoom(roomId.value);
    if (!binding?.bound) return sendError(reply, 404, ERROR_CODES.ROOM_NOT_FOUND, `room "${roomId.value}" is not bound`);
    await ctx.store.grantRoom(roomId.value, userIds.value, role as RoomRole, ctx.clock());
    return reply.code(200).send({ roomId: roomId.value, userIds: userIds.value, role });
  });

  app.delete('/v1/room-binding/:roomId', { preHandler }, async (request, reply) => {
    const roomId = checkRoomId((request.params as { roomId?: unknown }).roomId);
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const unbound = await ctx.store.unbindRoom(roomId.value, ctx.clock());
    if (!unbound) return sendError(reply, 404, ERROR_CODES.ROOM_NOT_FOUND, `room "${roomId.value}" is not bound`);
    const binding = await ctx.store.getRoom(roomId.value);
    if (binding) await hooks.onUnbound(binding);
    return reply.code(200).send({ roomId: roomId.value, unbound: true });
  });
}
