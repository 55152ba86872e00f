/**
 * Reads the room id a token was issued for, without verifying it (only the server can), so
 * cached messages can be shown before the socket connects. Returns undefined when the token
 * is not in the room token format.
 */
export function roomIdOfToken(token: string): string | undefined {
  return claimsOfRoomToken(token)?.r;
}

/** The room a token is for and the user it names (when the site bound it to one), unverified. */
export function claimsOfRoomToken(token: string): { r: string; u?: string } | undefined {
  const claims = decodeSegment(token.split('.')[1]);
  if (typeof claims?.r !== 'string') return undefined;
  return typeof claims.u === 'string' ? { r: claims.r, u: claims.u } : { r: claims.r };
}

/** The claims of a user ticket (a JWT), unverified: the user id and expiry, or undefined. */
export function claimsOfTicket(ticket: string): { sub: string; exp: number } | undefined {
  const claims = decodeSegment(ticket.split('.')[1]);
  if (!claims || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
  return { sub: claims.sub, exp: claims.exp };
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const value = JSON.parse(json) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
