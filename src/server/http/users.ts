import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, errorPayload } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { checkUserId } from '../../protocol/schemas.js';
import { issueTicket } from '../auth/credentials.js';
import type { ServerContext } from '../context.js';
import { principalRoom } from '../realtime/rooms.js';
import type { IMServer } from '../realtime/types.js';
import { requireAdminKey } from './admin-auth.js';
import { jsonObject } from './body.js';
import { sendError } from './errors.js';

/** Server-to-server: tickets with which a user's browser connects as that user, and their revocation. */
export function registerUserRoutes(app: FastifyInstance, ctx: ServerContext, io: IMServer): void {
  const preHandler = requireAdminKey(ctx.secrets.adminKey);
  const maxTtl = ctx.config.ticketMaxLifetimeSeconds;

  app.post('/v1/users/:userId/tickets', { preHandler }, async (request, reply) => {
    const userId = checkUserId((request.params as { userId?: unknown }).userId);
    if (!userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    const fields = jsonObject(request, reply, '{"ttlSeconds": 3600}', true);
    if (!fields) return reply;
    let ttl = ctx.config.ticketTtlSeconds;
    if (fields.ttlSeconds !== undefined) {
      const requested = fields.ttlSeconds;
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < LIMITS.TICKET_TTL_MIN || requested > maxTtl) {
        return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, `ttlSeconds must be an integer from ${LIMITS.TICKET_TTL_MIN} to ${maxTtl}`);
      }
      ttl = requested;
    }
    return { userId: userId.value, ...(await issueTicket(ctx, userId.value, ttl)) };
  });

  // Signs a user out everywhere: every ticket and user-bound room token issued until now stops
  // working, and their open sessions end.
  app.post('/v1/users/:userId/revoke', { preHandler }, async (request, reply) => {
    const userId = checkUserId((request.params as { userId?: unknown }).userId);
    if (!userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    const revokedAt = await ctx.store.revoke(userId.value, Math.floor(ctx.clock() / 1000));
    const sessions = io.in(principalRoom(userId.value));
    const ended = (await sessions.fetchSockets()).length;
    io.to(principalRoom(userId.value)).emit('session:kicked', errorPayload(ERROR_CODES.CREDENTIAL_REVOKED, "this user's credentials were revoked"));
    sessions.disconnectSockets(true);
    return reply.code(200).send({ userId: userId.value, revokedAt: revokedAt * 1000, sessionsEnded: ended });
  });
}
