/** Helpers for browser tests: the real IM server started by web-test-runner.config.mjs. */
import type { IMClient, IMClientEvents } from '../src/sdk/client.js';

interface TestServer {
  server: string;
  adminKey: string;
  /** Key of user tickets, for tests that mint them by hand. */
  ticketSecret: string;
}

export const testServer = (window as unknown as { __IM_TEST__: TestServer }).__IM_TEST__;

/** A unique id for rooms and users, so tests (and reruns) never share state. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Binds a room through the real admin REST API and returns its token. */
export async function bindRoom(roomId: string = uniqueId('room')): Promise<{ roomId: string; token: string }> {
  const response = await fetch(`${testServer.server}/v1/room-binding`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testServer.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ roomId }),
  });
  if (!response.ok) throw new Error(`room binding failed: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ roomId: string; token: string }>;
}

export async function unbindRoom(roomId: string): Promise<void> {
  const response = await fetch(`${testServer.server}/v1/room-binding/${encodeURIComponent(roomId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${testServer.adminKey}` },
  });
  if (!response.ok) throw new Error(`unbinding failed: ${response.status}`);
}

/** Resolves once `check` holds (for DOM and cache state that has no event of its own). */
export function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = async () => {
      try {
        if (await check()) return resolve();
      } catch (error) {
        return reject(error);
      }
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    void poll();
  });
}

/** Resolves with the arguments of the next emission of a client event (that passes `filter`). */
export function nextEvent<K extends keyof IMClientEvents>(
  client: IMClient,
  event: K,
  filter: (...args: Parameters<IMClientEvents[K]>) => boolean = () => true,
  ms = 10_000,
): Promise<Parameters<IMClientEvents[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const off = client.on(event, ((...args: Parameters<IMClientEvents[K]>) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    }) as IMClientEvents[K]);
  });
}

export async function connected(client: IMClient): Promise<void> {
  if (client.state === 'connected') return;
  await nextEvent(client, 'connected');
}

/** A user ticket through the real admin REST API. */
export async function ticketFor(userId: string, ttlSeconds?: number): Promise<{ ticket: string; expiresAt: number }> {
  const response = await fetch(`${testServer.server}/v1/users/${encodeURIComponent(userId)}/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testServer.adminKey}`, 'content-type': 'application/json' },
    body: ttlSeconds === undefined ? '' : JSON.stringify({ ttlSeconds }),
  });
  if (!response.ok) throw new Error(`ticket failed: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ ticket: string; expiresAt: number }>;
}
