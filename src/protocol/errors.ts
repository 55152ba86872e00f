/**
 * Every error the server or the SDK can report, with a stable machine code.
 * The README has the same table for integrators; keep both in step.
 */
export const ERROR_CODES = {
  /** The request body or event payload does not match its schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The room id is missing, empty, not a string or longer than allowed. */
  INVALID_ROOM_ID: 'INVALID_ROOM_ID',
  /** The user id does not match [A-Za-z0-9_-]{1,32}. */
  INVALID_USER_ID: 'INVALID_USER_ID',
  /** The class id is not a string of allowed length. */
  INVALID_CLASS_ID: 'INVALID_CLASS_ID',
  /** The client message id is not a UUID. */
  INVALID_CLIENT_MSG_ID: 'INVALID_CLIENT_MSG_ID',
  /** Admin REST call without a valid admin key, or an upload without `Authorization: Bearer <ticket or room token>`. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** No token in the handshake. */
  TOKEN_MISSING: 'TOKEN_MISSING',
  /** The token is malformed, forged or expired. */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** The room token has expired (also the kick reason when it expires while connected). */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The room token is bound to another user than the handshake names. */
  USER_MISMATCH: 'USER_MISMATCH',
  /** The credential was issued before its user's credentials were revoked (also the kick reason). */
  CREDENTIAL_REVOKED: 'CREDENTIAL_REVOKED',
  /** The token was valid but its room has been unbound (or bound anew since). */
  ROOM_UNBOUND: 'ROOM_UNBOUND',
  /** The room does not exist. */
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** The Origin header is not in IM_ALLOWED_ORIGINS. */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** The serialized content is larger than the limit. */
  CONTENT_TOO_LARGE: 'CONTENT_TOO_LARGE',
  /** The content is missing (undefined, null or empty string). */
  CONTENT_EMPTY: 'CONTENT_EMPTY',
  /** More recipient ids than allowed in one request. */
  TOO_MANY_RECIPIENTS: 'TOO_MANY_RECIPIENTS',
  /** The connection sends faster than its rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The requested resource does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** Something failed inside the server; details are in the server log only. */
  INTERNAL: 'INTERNAL',
  /** SDK only: the server did not acknowledge in time. */
  TIMEOUT: 'TIMEOUT',
  /** SDK only: the call needs a connection and there is none. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** SDK only: the client was closed for good. */
  CLIENT_CLOSED: 'CLIENT_CLOSED',
  /** The user ticket is malformed, forged or signed with another secret. */
  TICKET_INVALID: 'TICKET_INVALID',
  /** The user ticket has expired (also the kick reason when it expires while connected). */
  TICKET_EXPIRED: 'TICKET_EXPIRED',
  /** Kick reason: the user opened more connections than allowed; this was the oldest. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** The conversation does not exist or the user is not (or no longer) a member. */
  NOT_MEMBER: 'NOT_MEMBER',
  /** The request is valid but not allowed for this user (for example a direct chat with oneself). */
  FORBIDDEN: 'FORBIDDEN',
  /** A text message is longer than allowed. */
  TEXT_TOO_LONG: 'TEXT_TOO_LONG',
  /** A group would get more members than allowed. */
  TOO_MANY_MEMBERS: 'TOO_MANY_MEMBERS',
  /** No stored message with that seq that this user may see. */
  MESSAGE_NOT_FOUND: 'MESSAGE_NOT_FOUND',
  /** The sender's recall window (2 minutes by default) has passed. */
  RECALL_WINDOW_PASSED: 'RECALL_WINDOW_PASSED',
  /** The edit window (24 hours) has passed. */
  EDIT_WINDOW_PASSED: 'EDIT_WINDOW_PASSED',
  /** A message has as many different reactions as allowed. */
  TOO_MANY_REACTIONS: 'TOO_MANY_REACTIONS',
  /** The conversation is over its message rate; low-priority messages are dropped first. */
  CONVERSATION_BUSY: 'CONVERSATION_BUSY',
  /** An upload is larger than IM_UPLOAD_MAX_BYTES. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** An upload request has no file in the multipart field `file`. */
  FILE_MISSING: 'FILE_MISSING',
  /** A message names an uploaded file that does not exist. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** A message's file is of the wrong kind (an image message needs an image). */
  FILE_TYPE_MISMATCH: 'FILE_TYPE_MISMATCH',
  /** An upload sent nothing for too long, or took longer than allowed. */
  UPLOAD_TIMEOUT: 'UPLOAD_TIMEOUT',
  /** SDK only: the upload was cancelled. */
  CANCELLED: 'CANCELLED',
  /** Kick reason: the server is shutting down. */
  SERVER_SHUTDOWN: 'SERVER_SHUTDOWN',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Errors a client may retry with the same client message id. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ERROR_CODES.RATE_LIMITED,
  ERROR_CODES.CONVERSATION_BUSY,
  ERROR_CODES.INTERNAL,
  ERROR_CODES.TIMEOUT,
  ERROR_CODES.NOT_CONNECTED,
]);

export function errorPayload(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ErrorPayload {
  return details ? { code, message, details } : { code, message };
}
