/**
 * Reads the room id a token was issued for, without verifying it (only the server can), so
 * cached messages can be shown before the socket connects. Returns undefined when the token
 * is not in the room token format.
 */
export function roomIdOfToken(token: string): string | undefined {
  const body = token.split('.')[1];
  if (!body) return undefined;
  try {
    const base64 = body.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as { r?: unknown };
    return typeof claims.r === 'string' ? claims.r : undefined;
  } catch {
    return undefined;
  }
}
