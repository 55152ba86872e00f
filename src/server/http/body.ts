import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import { sendError } from './errors.js';

/**
 * The JSON object a REST call sent (an empty body is `{}` where `optional`), or undefined
 * after answering 400 INVALID_PAYLOAD. Bodies reach routes as text (app.ts), so every route
 * reads them here, the same way.
 */
export function jsonObject(
  request: FastifyRequest,
  reply: FastifyReply,
  example: string,
  optional = false,
): Record<string, unknown> | undefined {
  const raw = typeof request.body === 'string' ? request.body.trim() : '';
  if (raw === '' && optional) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    void sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, `the body must be JSON: ${example}`);
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    void sendError(reply, 400, ERROR_CODES.INVALID_PAYLOAD, `the body must be a JSON object: ${example}`);
    return undefined;
  }
  return parsed as Record<string, unknown>;
}
