import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { secretsEqual } from '../auth/tokens.js';
import { sendError } from './errors.js';

/** preHandler for server-to-server routes: `Authorization: Bearer <admin key>`. */
export function requireAdminKey(adminKey: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !secretsEqual(match[1]!.trim(), adminKey)) {
      await sendError(reply, 401, ERROR_CODES.UNAUTHORIZED, 'a valid admin key is required (Authorization: Bearer <IM_ADMIN_KEY>)');
    }
  };
}
