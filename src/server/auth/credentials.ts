import { ERROR_CODES, errorPayload, type ErrorCode, type ErrorPayload } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { guestId, type RoomRole, type UserId } from '../../protocol/models.js';
import { checkUserId } from '../../protocol/schemas.js';
import type { Config } from '../config.js';
import type { RoomBinding, Store } from '../store/store.js';
import type { Secrets } from './secrets.js';
import { signTicket, verifyTicket } from './tickets.js';
import { checkRoomToken, signRoomToken } from './tokens.js';

/**
 * Every credential the server accepts is checked here, and only here: the socket handshake,
 * uploads, `session:renew` and `conversation:join-room` all ask these functions. A credential
 * is genuine (signature), current (expiry, issue time not in the future, a ticket within the
 * longest allowed life), not revoked (issued after its user's last revocation) and, for room
 * tokens, of a room that is still bound under the same binding.
 */
export interface CredentialContext {
  config: Config;
  secrets: Secrets;
  store: Store;
  clock: () => number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** A signed-in user, from a ticket. */
export interface TicketPrincipal {
  userId: UserId;
  /** `iat` of the ticket (seconds). */
  issuedAt: number;
  /** When a session on this ticket ends: its expiry, or the longest allowed life after `iat` (ms). */
  expiresAt: number;
}

/** A user of a room, from a room token. */
export interface RoomPrincipal {
  /** The user the token names, or `~` + the id the client gave (a guest). */
  userId: UserId;
  /** True when the site bound the token to this user. */
  verified: boolean;
  role: RoomRole;
  room: RoomBinding;
  issuedAt: number;
  /** Token expiry (ms), or null when it lives as long as the binding. */
  expiresAt: number | null;
}

const fail = <T>(code: ErrorCode, message: string): Checked<T> => ({ ok: false, error: errorPayload(code, message) });

const inFuture = (ctx: CredentialContext, iat: number): boolean => iat > ctx.clock() / 1000 + LIMITS.CLOCK_SKEW_SECONDS;

async function revoked(ctx: CredentialContext, userId: string, issuedAt: number): Promise<boolean> {
  const at = await ctx.store.revokedAt(userId);
  return at !== undefined && issuedAt <= at;
}

export async function authenticateTicket(ctx: CredentialContext, ticket: unknown): Promise<Checked<TicketPrincipal>> {
  if (typeof ticket !== 'string' || ticket === '') return fail(ERROR_CODES.TICKET_INVALID, 'the ticket is missing');
  const checked = verifyTicket(ctx.secrets.ticketSecret, ticket, ctx.clock());
  if (!checked.ok) {
    return checked.reason === 'expired'
      ? fail(ERROR_CODES.TICKET_EXPIRED, 'the ticket has expired')
      : fail(ERROR_CODES.TICKET_INVALID, 'the ticket is malformed or forged');
  }
  const { sub, iat, exp } = checked.claims;
  if (inFuture(ctx, iat)) return fail(ERROR_CODES.TICKET_INVALID, 'the ticket was issued in the future (check the clock of whoever signed it)');
  const expiresAt = Math.min(exp, iat + ctx.config.ticketMaxLifetimeSeconds) * 1000;
  if (expiresAt <= ctx.clock()) {
    return fail(ERROR_CODES.TICKET_EXPIRED, `the ticket has expired: tickets live at most ${ctx.config.ticketMaxLifetimeSeconds} s after they are issued`);
  }
  if (await revoked(ctx, sub, iat)) return fail(ERROR_CODES.CREDENTIAL_REVOKED, "the ticket was issued before this user's credentials were revoked");
  return { ok: true, value: { userId: sub as UserId, issuedAt: iat, expiresAt } };
}

/**
 * A room token, with the user id the client gives: required (and taken as a guest's id) when
 * the token names no user; when it names one, the client may leave it out or repeat it.
 */
export async function authenticateRoomToken(ctx: CredentialContext, token: unknown, claimedUserId: unknown): Promise<Checked<RoomPrincipal>> {
  if (typeof token !== 'string' || token === '') return fail(ERROR_CODES.TOKEN_MISSING, 'the room token is missing');
  const checked = checkRoomToken(ctx.secrets.tokenSecret, token, ctx.clock());
  if (!checked.ok) {
    return checked.reason === 'expired'
      ? fail(ERROR_CODES.TOKEN_EXPIRED, 'the room token has expired')
      : fail(ERROR_CODES.TOKEN_INVALID, 'the token is malformed or forged');
  }
  const claims = checked.value;
  if (inFuture(ctx, claims.iat)) return fail(ERROR_CODES.TOKEN_INVALID, 'the token was issued in the future');
  let userId: UserId;
  if (claims.u !== undefined) {
    if (claimedUserId !== undefined && claimedUserId !== null && claimedUserId !== claims.u) {
      return fail(ERROR_CODES.USER_MISMATCH, 'this token is bound to another user');
    }
    if (await revoked(ctx, claims.u, claims.iat)) return fail(ERROR_CODES.CREDENTIAL_REVOKED, "the token was issued before this user's credentials were revoked");
    userId = claims.u as UserId;
  } else {
    const given = checkUserId(claimedUserId);
    if (!given.ok) return { ok: false, error: given.error };
    userId = guestId(given.value);
  }
  const room = await ctx.store.getRoom(claims.r);
  if (!room || !room.bound || room.generation !== claims.g) return fail(ERROR_CODES.ROOM_UNBOUND, 'the room of this token is not bound');
  return {
    ok: true,
    value: {
      userId,
      verified: claims.u !== undefined,
      role: claims.o ?? 'member',
      room,
      issuedAt: claims.iat,
      expiresAt: claims.exp === undefined ? null : claims.exp * 1000,
    },
  };
}

/** Issue time of a new credential for a user: never inside a second their credentials were revoked in. */
async function issueTime(ctx: CredentialContext, userId: string | undefined): Promise<number> {
  const now = Math.floor(ctx.clock() / 1000);
  const revokedAt = userId === undefined ? undefined : await ctx.store.revokedAt(userId);
  return revokedAt === undefined ? now : Math.max(now, revokedAt + 1);
}

export async function issueTicket(ctx: CredentialContext, userId: string, ttlSeconds: number): Promise<{ ticket: string; expiresAt: number }> {
  const iat = await issueTime(ctx, userId);
  const exp = Math.floor(ctx.clock() / 1000) + ttlSeconds;
  return { ticket: signTicket(ctx.secrets.ticketSecret, { sub: userId, iat, exp }), expiresAt: exp * 1000 };
}

export interface RoomTokenOptions {
  ttlSeconds?: number;
  userId?: string;
  role?: RoomRole;
}

export async function issueRoomToken(ctx: CredentialContext, binding: RoomBinding, options: RoomTokenOptions = {}): Promise<{ token: string; expiresAt: number | null }> {
  const iat = await issueTime(ctx, options.userId);
  const exp = options.ttlSeconds === undefined ? undefined : Math.floor(ctx.clock() / 1000) + options.ttlSeconds;
  const token = signRoomToken(ctx.secrets.tokenSecret, {
    r: binding.roomId,
    g: binding.generation,
    iat,
    ...(exp !== undefined ? { exp } : {}),
    ...(options.userId !== undefined ? { u: options.userId } : {}),
    ...(options.role !== undefined && options.role !== 'member' ? { o: options.role } : {}),
  });
  return { token, expiresAt: exp === undefined ? null : exp * 1000 };
}
