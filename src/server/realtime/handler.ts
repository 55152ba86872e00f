import type { Ack } from '../../protocol/ack.js';
import { ERROR_CODES, errorPayload, type ErrorCode } from '../../protocol/errors.js';
import type { ClientToServerEvents } from '../../protocol/events.js';
import type { Checked } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import type { TokenBucket } from './rate-limit.js';
import type { IMSocket } from './types.js';

/** A coded failure a handler throws on purpose; the ack carries its code and message. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (ack: Ack<infer T>) => void
  ? T
  : never;

/**
 * Registers one request handler with the invariants every request shares: it needs an ack
 * callback (requests without one are ignored), it is rate limited, its payload is validated
 * before use, and no error escapes: internal failures reach the client as INTERNAL only.
 */
export function onRequest<E extends keyof ClientToServerEvents, P>(
  ctx: ServerContext,
  socket: IMSocket,
  event: E,
  bucket: TokenBucket,
  validate: (payload: unknown) => Checked<P>,
  run: (payload: P) => Promise<AckData<E>> | AckData<E>,
): void {
  const listener = async (payload: unknown, ack: unknown): Promise<void> => {
    if (typeof ack !== 'function') return;
    const reply = ack as (result: Ack<AckData<E>>) => void;
    if (!bucket.take()) {
      reply({
        ok: false,
        error: errorPayload(ERROR_CODES.RATE_LIMITED, 'too many requests on this connection', {
          retryAfterMs: bucket.retryAfterMs(),
        }),
      });
      return;
    }
    const checked = validate(payload);
    if (!checked.ok) {
      reply({ ok: false, error: checked.error });
      return;
    }
    try {
      reply({ ok: true, data: await run(checked.value) });
    } catch (error) {
      if (error instanceof RequestError) {
        reply({ ok: false, error: errorPayload(error.code, error.message, error.details) });
        return;
      }
      ctx.log.error({ err: error, event }, 'request failed');
      reply({ ok: false, error: errorPayload(ERROR_CODES.INTERNAL, 'internal error') });
    }
  };
  // Socket.IO's typed `on` cannot express "any payload"; the validator is the type boundary.
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(event, (payload, ack) => {
    void listener(payload, ack);
  });
}
