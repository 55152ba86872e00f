import type { MessageCache } from './types.js';

type Subscribe = (...args: unknown[]) => () => void;
type Call = (...args: unknown[]) => unknown;

/**
 * A cache whose implementation loads on first use (the in-memory cache, used without
 * IndexedDB, is its own chunk): calls wait for it, subscriptions start once it is there, and
 * unsubscribing before that cancels them.
 */
export function lazyCache(load: () => Promise<MessageCache>): MessageCache {
  let cache: MessageCache | undefined;
  let closed = false;
  const ready = load().then((loaded) => {
    if (closed) loaded.close();
    return (cache = loaded);
  });
  const method = (name: keyof MessageCache) => (cache![name] as Call).bind(cache);
  return new Proxy({} as MessageCache, {
    get(_, name) {
      // Not a promise itself: `await` must not take it for one.
      if (typeof name !== 'string' || name === 'then') return undefined;
      const key = name as keyof MessageCache;
      if (key === 'close') {
        return () => {
          closed = true;
          cache?.close();
        };
      }
      if (key === 'observe' || key === 'observeConversations') {
        return (...args: unknown[]) => {
          if (cache) return (method(key) as Subscribe)(...args);
          let off: (() => void) | undefined;
          let stopped = false;
          void ready.then(() => {
            if (!stopped) off = (method(key) as Subscribe)(...args);
          });
          return () => {
            stopped = true;
            off?.();
          };
        };
      }
      return (...args: unknown[]) => (cache ? method(key)(...args) : ready.then(() => method(key)(...args)));
    },
  });
}
