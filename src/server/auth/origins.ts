/** True when a request with this Origin header may use the server. No header: not a browser. */
export function isOriginAllowed(allowed: '*' | string[], origin: string | undefined): boolean {
  if (allowed === '*' || origin === undefined) return true;
  return allowed.includes(origin.replace(/\/+$/, ''));
}
