import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { SYSTEM_SENDER, type UserId } from '../../protocol/models.js';
import { checkMessageBody, checkRecipients } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import { resolveContent } from '../realtime/message-content.js';
import { RequestError } from '../realtime/handler.js';
import { publishCreated } from '../realtime/publish.js';
import { conversationRoom, userSessionsRoom } from '../realtime/rooms.js';
import type { IMServer } from '../realtime/types.js';
import { fileIdsOfContent } from '../domain/files.js';
import { jsonObject } from './body.js';
import { requireAdminKey } from './admin-auth.js';
import { sendError } from './errors.js';

/**
 * Server-to-server: the site writes notifications into users' `system` conversations (created on
 * first use). Users read them like any conversation (unread, mute, delete for me) but cannot reply.
 */
export function registerNotificationRoutes(app: FastifyInstance, ctx: ServerContext, io: IMServer): void {
  app.post('/v1/notifications', { preHandler: requireAdminKey(ctx.secrets.adminKey) }, async (request, reply) => {
    const body = jsonObject(request, reply, '{"users": ["alice"], "content": {"text": "…"}}');
    if (!body) return reply;
    const users = checkRecipients(body.users);
    if (!users.ok) return sendError(reply, 400, users.error.code, users.error.message.replace('recipients', 'users'));
    if (users.value.length > LIMITS.NOTIFICATION_USERS_MAX) {
      return sendError(reply, 400, ERROR_CODES.TOO_MANY_RECIPIENTS, `at most ${LIMITS.NOTIFICATION_USERS_MAX} users per request`);
    }
    const message = checkMessageBody(body.type, body.content);
    if (!message.ok) return sendError(reply, 400, message.error.code, message.error.message);
    if (body.countUnread !== undefined && typeof body.countUnread !== 'boolean') {
      return sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, 'countUnread must be a boolean');
    }
    let content;
    try {
      // The site may attach any upload.
      content = await resolveContent(ctx, message.value, null);
    } catch (error) {
      if (error instanceof RequestError) return sendError(reply, 400, error.code, error.message);
      throw error;
    }
    const delivered: { userId: string; conversationId: string; seq: number }[] = [];
    for (const userId of users.value) {
      const change = await ctx.store.conversations.openSystem(userId, ctx.clock());
      if (change.created) io.in(userSessionsRoom(userId)).socketsJoin(conversationRoom(change.conversationId));
      const { message: stored } = await ctx.writer.append({
        conversationId: change.conversationId,
        classId: null,
        senderId: SYSTEM_SENDER as UserId,
        clientMsgId: randomUUID(),
        content,
        recipients: null,
        time: ctx.clock(),
        type: message.value.type,
        mentions: [],
        countsUnread: body.countUnread !== false,
        fileIds: fileIdsOfContent(content),
      });
      if (change.created) {
        const version = await ctx.store.conversations.currentVersion();
        io.to(userSessionsRoom(userId)).emit('conversation:changed', { conversationId: change.conversationId, version });
      }
      publishCreated(io, stored);
      delivered.push({ userId, conversationId: change.conversationId, seq: stored.seq });
    }
    return reply.code(201).send({ delivered });
  });
}
