import type { ExtendedError } from 'socket.io';
import { ERROR_CODES, errorPayload, type ErrorCode } from '../../protocol/errors.js';
import type { ConversationId, RoomId } from '../../protocol/models.js';
import { checkHandshake } from '../../protocol/schemas.js';
import { authenticateRoomToken, authenticateTicket } from '../auth/credentials.js';
import { isOriginAllowed } from '../auth/origins.js';
import type { ServerContext } from '../context.js';
import type { IMSocket } from './types.js';

/** A connect_error the client can read: `err.message` for people, `err.data.code` for code. */
export function connectError(code: ErrorCode, message: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  error.data = errorPayload(code, message);
  return error;
}

/**
 * Handshake middleware: origin, then a user ticket or a room token (with the user's id and
 * class), checked by server/auth/credentials.ts; fills `socket.data`.
 */
export function createHandshakeAuth(ctx: ServerContext) {
  return async (socket: IMSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    try {
      const origin = socket.handshake.headers.origin;
      if (!isOriginAllowed(ctx.config.allowedOrigins, origin)) {
        return next(connectError(ERROR_CODES.ORIGIN_NOT_ALLOWED, `origin ${origin} is not allowed`));
      }
      const auth: unknown = socket.handshake.auth;
      if (typeof auth === 'object' && auth !== null && Object.hasOwn(auth, 'ticket')) {
        const user = await authenticateTicket(ctx, (auth as { ticket?: unknown }).ticket);
        if (!user.ok) return next(connectError(user.error.code, user.error.message));
        socket.data = { kind: 'user', userId: user.value.userId, expiresAt: user.value.expiresAt };
        return next();
      }
      const handshake = checkHandshake(auth);
      if (!handshake.ok) return next(connectError(handshake.error.code, handshake.error.message));
      const principal = await authenticateRoomToken(ctx, handshake.value.token, handshake.value.userId);
      if (!principal.ok) return next(connectError(principal.error.code, principal.error.message));
      const { room, userId, role, expiresAt } = principal.value;
      socket.data = {
        kind: 'room',
        userId,
        role,
        expiresAt,
        verified: principal.value.verified,
        roomId: room.roomId as RoomId,
        conversationId: room.conversationId as ConversationId,
        generation: room.generation,
        classId: handshake.value.classId,
        since: handshake.value.since,
      };
      next();
    } catch (error) {
      ctx.log.error({ err: error }, 'handshake failed');
      next(connectError(ERROR_CODES.INTERNAL, 'internal error'));
    }
  };
}
