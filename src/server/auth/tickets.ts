import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../../protocol/limits.js';

/**
 * User tickets are HS256 JSON Web Tokens: header {"alg":"HS256","typ":"JWT"}, claims
 * { sub: userId, iat, exp } (seconds). A site's backend may mint them itself with the ticket
 * secret (IM_TICKET_SECRET, or the one generated into the data directory).
 */
export interface TicketClaims {
  sub: string;
  iat: number;
  exp: number;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = encode({ alg: 'HS256', typ: 'JWT' });

function signature(secret: string, signingInput: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

export function signTicket(secret: string, claims: TicketClaims): string {
  const body = `${HEADER}.${encode(claims)}`;
  return `${body}.${signature(secret, body)}`;
}

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Genuine, well-formed and unexpired: the signature, `sub`, `exp` and a numeric `iat` (which the caller checks further). */

export function verifyTicket(secret: string, ticket: string, nowMs: number): TicketCheck {
  const invalid = { ok: false, reason: 'invalid' } as const;
  if (ticket.length > 4096) return invalid;
  const parts = ticket.split('.');
  if (parts.length !== 3) return invalid;
  const [header, payload, given] = parts as [string, string, string];
  const expected = Buffer.from(signature(secret, `${header}.${payload}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return invalid;
  let head: unknown;
  let claims: unknown;
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  if (typeof head !== 'object' || head === null || (head as { alg?: unknown }).alg !== 'HS256') return invalid;
  if (typeof claims !== 'object' || claims === null) return invalid;
  const { sub, iat, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || !LIMITS.USER_ID_PATTERN.test(sub)) return invalid;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return invalid;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid;
  if (exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  if (iat > exp) return invalid;
  return { ok: true, claims: { sub, iat, exp } };
}
