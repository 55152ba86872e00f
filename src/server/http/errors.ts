import type { FastifyReply } from 'fastify';
import { errorPayload, type ErrorCode } from '../../protocol/errors.js';

/** Every REST error body: `{ "error": { "code": "…", "message": "…" } }`. */
export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: errorPayload(code, message) });
}
