import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { checkRoomId, checkUserId } from '../../protocol/schemas.js';
import { issueRoomToken, issueTicket } from '../auth/credentials.js';
import type { ServerContext } from '../context.js';
import { sendError } from './errors.js';

/** Headers a reverse proxy adds: behind one, every request comes from loopback. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'via'];

/** A client on this machine talking to the server directly (not through a proxy). */
export function isLocalRequest(request: FastifyRequest): boolean {
  const address = request.socket.remoteAddress ?? '';
  const loopback = address === '::1' || /^(::ffff:)?127\./.test(address);
  return loopback && FORWARDING_HEADERS.every((header) => request.headers[header] === undefined);
}

/**
 * Demo only: binds a room and returns its token, and issues user tickets (valid one hour),
 * without the admin key, so the demo pages work out of the box. They answer clients on this
 * machine only, and never with NODE_ENV=production (config.demo is false then). A real site
 * does this from its own backend with the admin key.
 */
export function registerDemoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const localOnly = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isLocalRequest(request)) {
      await sendError(reply, 403, ERROR_CODES.FORBIDDEN, 'the demo routes answer clients on the server machine only');
    }
  };

  // With `userId`, the token is bound to that user, as a site's backend binds it to whoever signed in.
  app.get('/demo/room-token', { preHandler: localOnly }, async (request, reply) => {
    const query = request.query as { roomId?: unknown; userId?: unknown };
    const roomId = checkRoomId(query.roomId ?? 'demo');
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const userId = query.userId === undefined ? undefined : checkUserId(query.userId);
    if (userId && !userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    const binding = await ctx.store.bindRoom(roomId.value, ctx.clock());
    const issued = await issueRoomToken(ctx, binding, userId ? { userId: userId.value } : {});
    return { roomId: binding.roomId, token: issued.token };
  });

  app.get('/demo/ticket', { preHandler: localOnly }, async (request, reply) => {
    const userId = checkUserId((request.query as { userId?: unknown }).userId);
    if (!userId.ok) return sendError(reply, 400, userId.error.code, userId.error.message);
    return { userId: userId.value, ...(await issueTicket(ctx, userId.value, 3600)) };
  });
}
