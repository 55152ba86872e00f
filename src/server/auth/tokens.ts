import { createHmac, timingSafeEqual, createHash } from 'node:crypto';

/**
 * Room tokens: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 * Claims: `r` room id, `g` binding generation (a new binding after an unbind invalidates old
 * tokens), `iat` issue time (s), optional `exp` expiry (s).
 */
export interface RoomTokenClaims {
  r: string;
  g: number;
  iat: number;
  exp?: number;
}

const PREFIX = 'v1';

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');
}

export function signRoomToken(secret: Buffer, claims: RoomTokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}.${body}.${sign(secret, body)}`;
}

/** Returns the claims of a genuine, unexpired token, or null. */
export function verifyRoomToken(secret: Buffer, token: string, nowMs: number): RoomTokenClaims | null {
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
  const { r, g, iat, exp } = claims as Record<string, unknown>;
  if (typeof r !== 'string' || typeof g !== 'number' || typeof iat !== 'number') return null;
  if (exp !== undefined && (typeof exp !== 'number' || exp * 1000 <= nowMs)) return null;
  return exp === undefined ? { r, g, iat } : { r, g, iat, exp };
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
