import type { ExtendedError } from 'socket.io';
import { ERROR_CODES, errorPayload, type ErrorCode } from '../../protocol/errors.js';
import type { ConversationId, RoomId, UserId } from '../../protocol/models.js';
import { checkHandshake } from '../../protocol/schemas.js';
import { isOriginAllowed } from '../auth/origins.js';
import { verifyRoomToken } from '../auth/tokens.js';
import { verifyTicket } from '../auth/tickets.js';
import type { ServerContext } from '../context.js';
import type { IMSocket } from './types.js';

/** A connect_error the client can read: `err.message` for people, `err.data.code` for code. */
export function connectError(code: ErrorCode, message: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  error.data = errorPayload(code, message);
  return error;
}

/** The HS256 key of user tickets. */
export function ticketSecret(ctx: ServerContext): string {
  return ctx.config.ticketSecret ?? ctx.secrets.adminKey;
}

/** Handshake middleware: origin, then a user ticket or a room token (with user and class id); fills `socket.data`. */
export function createRoomAuth(ctx: ServerContext) {
  return async (socket: IMSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    try {
      const origin = socket.handshake.headers.origin;
      if (!isOriginAllowed(ctx.config.allowedOrigins, origin)) {
        return next(connectError(ERROR_CODES.ORIGIN_NOT_ALLOWED, `origin ${origin} is not allowed`));
      }
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      if (auth && typeof auth === 'object' && 'ticket' in auth) {
        const ticket = typeof auth.ticket === 'string' ? verifyTicket(ticketSecret(ctx), auth.ticket, ctx.clock()) : null;
        if (!ticket || !ticket.ok) {
          return ticket?.reason === 'expired'
            ? next(connectError(ERROR_CODES.TICKET_EXPIRED, 'the ticket has expired'))
            : next(connectError(ERROR_CODES.TICKET_INVALID, 'the ticket is malformed or forged'));
        }
        socket.data = { kind: 'user', userId: ticket.claims.sub as UserId, expiresAt: ticket.claims.exp * 1000 };
        return next();
      }
      const handshake = checkHandshake(socket.handshake.auth);
      if (!handshake.ok) return next(connectError(handshake.error.code, handshake.error.message));
      const claims = verifyRoomToken(ctx.secrets.tokenSecret, handshake.value.token, ctx.clock());
      if (!claims) return next(connectError(ERROR_CODES.TOKEN_INVALID, 'the token is malformed, forged or expired'));
      const room = await ctx.store.getRoom(claims.r);
      if (!room || !room.bound || room.generation !== claims.g) {
        return next(connectError(ERROR_CODES.ROOM_UNBOUND, 'the room of this token is not bound'));
      }
      socket.data = {
        kind: 'room',
        userId: handshake.value.userId as UserId,
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
