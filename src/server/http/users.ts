import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { checkUserId } from '../../protocol/schemas.js';
import { signTicket } from '../auth/tickets.js';
import type { ServerContext } from '../context.js';
import { ticketSecret } from '../realtime/auth.js';
import { requireAdminKey } from './admin-auth.js';
import { sendError } from './errors.js';

/** Server-to-server: a signed ticket with which a user's browser connects as that user. */
export function registerUserRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/users/:userId/tickets', { preHandler: requireAdminKey(ctx.secrets.adminKey) }, async (request, reply) => {
    const userId = checkUserId((request.params as { userId?: unknown }).userId);
    if (!userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    let ttl = ctx.config.ticketTtlSeconds;
    const raw = typeof request.body === 'string' ? request.body.trim() : '';
    if (raw !== '') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'the body must be empty or JSON: {"ttlSeconds": 3600}');
      }
      const requested = (body as { ttlSeconds?: unknown } | null)?.ttlSeconds;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'the body must be a JSON object');
      }
      if (requested !== undefined) {
        if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < LIMITS.TICKET_TTL_MIN || requested > LIMITS.TICKET_TTL_MAX) {
          return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, `ttlSeconds must be an integer from ${LIMITS.TICKET_TTL_MIN} to ${LIMITS.TICKET_TTL_MAX}`);
        }
        ttl = requested;
      }
    }
    const iat = Math.floor(ctx.clock() / 1000);
    const exp = iat + ttl;
    return { userId: userId.value, ticket: signTicket(ticketSecret(ctx), { sub: userId.value, iat, exp }), expiresAt: exp * 1000 };
  });
}
