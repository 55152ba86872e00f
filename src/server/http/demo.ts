import type { FastifyInstance } from 'fastify';
import { checkRoomId, checkUserId } from '../../protocol/schemas.js';
import { signTicket } from '../auth/tickets.js';
import { ticketSecret } from '../realtime/auth.js';
import type { ServerContext } from '../context.js';
import { sendError } from './errors.js';
import { issueRoomToken } from './room-binding.js';

/**
 * Demo only (IM_DEMO): binds a room and returns its token, and issues user tickets (valid one
 * hour), without the admin key, so the demo pages work out of the box. A real site does this from its own backend with the admin key.
 */
export function registerDemoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/demo/room-token', async (request, reply) => {
    const roomId = checkRoomId((request.query as { roomId?: unknown }).roomId ?? 'demo');
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const binding = await ctx.store.bindRoom(roomId.value, ctx.clock());
    return { roomId: binding.roomId, token: issueRoomToken(ctx, binding) };
  });

  // Demo only: a user ticket for anyone who asks (a real site signs in its users first).
  app.get('/demo/ticket', async (request, reply) => {
    const userId = checkUserId((request.query as { userId?: unknown }).userId);
    if (!userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    const iat = Math.floor(ctx.clock() / 1000);
    const exp = iat + 3600;
    return { userId: userId.value, ticket: signTicket(ticketSecret(ctx), { sub: userId.value, iat, exp }), expiresAt: exp * 1000 };
  });
}
