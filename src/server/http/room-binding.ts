import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { checkRoomId } from '../../protocol/schemas.js';
import { signRoomToken } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import type { RoomBinding } from '../store/store.js';
import { requireAdminKey } from './admin-auth.js';
import { sendError } from './errors.js';

export interface RoomBindingHooks {
  /** Called after a room was unbound, to disconnect its sockets. */
  onUnbound(binding: RoomBinding): Promise<void>;
}

/** Optional token lifetime in seconds: 60 s to 1 year. */
function checkTtl(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value > 365 * 24 * 3600) return null;
  return value;
}

export function issueRoomToken(ctx: ServerContext, binding: RoomBinding, ttlSeconds?: number): string {
  const iat = Math.floor(ctx.clock() / 1000);
  return signRoomToken(ctx.secrets.tokenSecret, {
    r: binding.roomId,
    g: binding.generation,
    iat,
    ...(ttlSeconds !== undefined ? { exp: iat + ttlSeconds } : {}),
  });
}

/** Server-to-server room binding, as the CC live-class IM documents it. */
export function registerRoomBindingRoutes(app: FastifyInstance, ctx: ServerContext, hooks: RoomBindingHooks): void {
  const preHandler = requireAdminKey(ctx.secrets.adminKey);

  app.post('/v1/room-binding', { preHandler }, async (request, reply) => {
    let body: unknown = request.body;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      try {
        body = JSON.parse(body.toString());
      } catch {
        return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'the body must be JSON: {"roomId": "…"}');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'the body must be a JSON object: {"roomId": "…"}');
    }
    const fields = body as Record<string, unknown>;
    const roomId = checkRoomId(fields.roomId);
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const ttl = checkTtl(fields.ttlSeconds);
    if (ttl === null) {
      return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'ttlSeconds must be an integer from 60 to 31536000');
    }
    const binding = await ctx.store.bindRoom(roomId.value, ctx.clock());
    return reply.code(200).send({ roomId: binding.roomId, token: issueRoomToken(ctx, binding, ttl) });
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
