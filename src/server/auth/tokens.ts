import { createHmac, timingSafeEqual, createHash } from 'node:crypto';

import { LIMITS } from '../../protocol/limits.js';
import { ROOM_ROLES, type RoomRole } from '../../protocol/models.js';

/**
 * Room tokens: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 * Claims: `r` room id, `g` binding generation (a new binding after an unbind invalidates old
 * tokens), `iat` issue time (s), optional `exp` expiry (s), optional `u` the one user the token
 * is for, optional `o` the role (`viewer`, `member`, `moderator`; `member` when absent).
 */
export interface RoomTokenClaims {
  r: string;
  g: number;
  iat: number;
  exp?: number;
  u?: string;
  o?: RoomRole;
}

const PREFIX = 'v1';

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');
}

export function signRoomToken(secret: Buffer, claims: RoomTokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}.${body}.${sign(secret, body)}`;
}

/** The claims of a genuine, well-formed token (expired or not), or null. */
function verifyRoomToken(secret: Buffer, token: string): RoomTokenClaims | null {
  if (token.length > 2048) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const [, body, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { r, g, iat, exp, u, o } = claims as Record<string, unknown>;
  if (typeof r !== 'string' || typeof g !== 'number' || typeof iat !== 'number') return null;
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) return null;
  if (u !== undefined && (typeof u !== 'string' || !LIMITS.USER_ID_PATTERN.test(u))) return null;
  if (o !== undefined && !(ROOM_ROLES as readonly unknown[]).includes(o)) return null;
  return {
    r,
    g,
    iat,
    ...(exp !== undefined ? { exp: exp as number } : {}),
    ...(u !== undefined ? { u: u as string } : {}),
    ...(o !== undefined ? { o: o as RoomRole } : {}),
  };
}

/** A genuine token's claims, or why not: forged or malformed, or past its expiry. */
export type RoomTokenCheck = { ok: true; value: RoomTokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

export function checkRoomToken(secret: Buffer, token: string, nowMs: number): RoomTokenCheck {
  const claims = verifyRoomToken(secret, token);
  if (!claims) return { ok: false, reason: 'invalid' };
  if (claims.exp !== undefined && claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, value: claims };
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
