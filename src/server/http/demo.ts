import type { FastifyInstance } from 'fastify';
import { checkRoomId } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import { sendError } from './errors.js';
import { issueRoomToken } from './room-binding.js';

/**
 * Demo only (IM_DEMO): binds a room and returns its token without the admin key, so the demo
 * pages work out of the box. A real site does this from its own backend with the admin key.
 */
export function registerDemoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/demo/room-token', async (request, reply) => {
    const roomId = checkRoomId((request.query as { roomId?: unknown }).roomId ?? 'demo');
    if (!roomId.ok) return sendError(reply, 400, roomId.error.code, roomId.error.message);
    const binding = await ctx.store.bindRoom(roomId.value, ctx.clock());
    return { roomId: binding.roomId, token: issueRoomToken(ctx, binding) };
  });
}
