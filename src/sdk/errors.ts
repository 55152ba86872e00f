import { ERROR_CODES, RETRYABLE_CODES, type ErrorCode, type ErrorPayload } from '../protocol/errors.js';

/** Every failure the SDK reports: a stable `code` (see the README table) and a message. */
export class IMError extends Error {
  override readonly name = 'IMError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static from(payload: ErrorPayload): IMError {
    return new IMError(payload.code, payload.message, payload.details);
  }

  /** True when sending again with the same client message id may succeed. */
  get retryable(): boolean {
    return RETRYABLE_CODES.has(this.code);
  }

  toJSON(): ErrorPayload {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && code in ERROR_CODES && typeof message === 'string';
}
