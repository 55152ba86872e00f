/**
 * A TCP proxy on loopback that makes the network between clients and the IM server bad on
 * purpose: while chaos is on, every proxied connection is cut at a random moment after it
 * opened, and server→client bytes are held back before they are forwarded, so a cut loses
 * whatever was still on its way. It works below HTTP, so Socket.IO's websocket and long-polling
 * transports are hurt alike.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';

export interface ChaosProxyOptions {
  /** The IM server, e.g. http://127.0.0.1:PORT. Only loopback hosts are accepted. */
  target: string;
  /** A connection is cut at a uniformly random moment in [min, max] ms after it opened (or after chaos was switched on). */
  cutAfterMs?: [number, number];
  /** Server→client bytes wait this long before they are forwarded while chaos is on. */
  holdMs?: number;
  /**
   * Answers `Upgrade: websocket` requests with 400, so Socket.IO clients that try websocket
   * first fall back to long-polling and stay there (their upgrade probes fail the same way).
   */
  refuseWebSocket?: boolean;
  /** Whether chaos starts on (default false: a clean pipe until setChaos(true)). */
  chaos?: boolean;
  /** Random source in [0, 1); a seeded one makes a run repeatable. */
  random?: () => number;
}

export interface ChaosStats {
  /** Client connections accepted so far. */
  connections: number;
  /** Connections the proxy cut. */
  cuts: number;
  /** Server→client bytes that were held when their connection was cut, and so never arrived. */
  bytesDropped: number;
  /** WebSocket upgrade requests answered with 400. */
  refusedUpgrades: number;
  /** Connections open now. */
  open: number;
}

export interface ChaosProxy {
  /** Base URL of the proxy (http://127.0.0.1:PORT): give it to clients instead of the server's. */
  url: string;
  setChaos(on: boolean): void;
  stats(): ChaosStats;
  /** Stops listening and destroys every proxied connection. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Headers of the first request beyond this size are not an upgrade we need to see. */
const HEADER_SCAN_LIMIT = 16 * 1024;

interface Held {
  chunk: Buffer;
  releaseAt: number;
}

class Pair {
  /** Server→client chunks waiting for their release time, oldest first. */
  private held: Held[] = [];
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private cutTimer: ReturnType<typeof setTimeout> | undefined;
  upstream: Socket | undefined;
  closed = false;
  /** The server ended its side: the client's side ends once everything held went out. */
  private ending = false;

  constructor(
    readonly client: Socket,
    private readonly proxy: ProxyState,
  ) {}

  heldBytes(): number {
    return this.held.reduce((sum, { chunk }) => sum + chunk.length, 0);
  }

  fromServer(chunk: Buffer): void {
    if (this.closed) return;
    const hold = this.proxy.chaos ? this.proxy.holdMs : 0;
    // Once something is held, later bytes queue behind it even with chaos off: TCP keeps order.
    if (hold === 0 && this.held.length === 0) {
      this.client.write(chunk);
      return;
    }
    const releaseAt = Math.max(Date.now() + hold, this.held.at(-1)?.releaseAt ?? 0);
    this.held.push({ chunk, releaseAt });
    this.scheduleRelease();
  }

  private scheduleRelease(): void {
    if (this.releaseTimer || this.held.length === 0) return;
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = undefined;
      const now = Date.now();
      while (this.held.length > 0 && this.held[0]!.releaseAt <= now) this.client.write(this.held.shift()!.chunk);
      if (this.held.length === 0 && this.ending) this.client.end();
      this.scheduleRelease();
    }, Math.max(0, this.held[0]!.releaseAt - Date.now()));
  }

  /**
   * The server closed its side in order (an HTTP response delimited by close, say): what it
   * sent before still has to reach the client, and only a cut may lose it.
   */
  endFromServer(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (this.held.length === 0) this.client.end();
  }

  armCut(): void {
    if (this.closed || this.cutTimer) return;
    const [min, max] = this.proxy.cutAfterMs;
    this.cutTimer = setTimeout(() => this.cut(), min + this.proxy.random() * (max - min));
  }

  disarmCut(): void {
    clearTimeout(this.cutTimer);
    this.cutTimer = undefined;
  }

  private cut(): void {
    this.cutTimer = undefined;
    if (this.closed) return;
    this.proxy.counters.cuts += 1;
    this.proxy.counters.bytesDropped += this.heldBytes();
    this.destroy(true);
  }

  /** `reset` sends RST to both ends, as a dead network path looks to them, instead of an orderly FIN. */
  destroy(reset: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.cutTimer);
    clearTimeout(this.releaseTimer);
    this.held = [];
    for (const socket of [this.client, this.upstream]) {
      if (!socket || socket.destroyed) continue;
      // libuv refuses a reset (EINVAL) once a socket's end() has begun shutting it down, and
      // Node then leaves the handle open: the process never exits and spins. Such a socket gets
      // a plain destroy.
      if (reset && !socket.connecting && !socket.writableEnded) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.proxy.pairs.delete(this);
  }
}

interface ProxyState {
  chaos: boolean;
  holdMs: number;
  cutAfterMs: [number, number];
  random: () => number;
  pairs: Set<Pair>;
  counters: { connections: number; cuts: number; bytesDropped: number; refusedUpgrades: number };
}

function parseTarget(target: string): { host: string; port: number } {
  const url = new URL(target);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`the chaos proxy only targets loopback, not ${url.hostname}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function isWebSocketUpgrade(head: string): boolean {
  return /^upgrade:\s*websocket\s*$/im.test(head);
}

export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const target = parseTarget(options.target);
  const cutAfterMs = options.cutAfterMs ?? [700, 3000];
  if (!(cutAfterMs[0] >= 0 && cutAfterMs[1] >= cutAfterMs[0])) throw new Error('cutAfterMs must be [min, max] with 0 <= min <= max');
  const state: ProxyState = {
    chaos: options.chaos ?? false,
    holdMs: options.holdMs ?? 120,
    cutAfterMs,
    random: options.random ?? Math.random,
    pairs: new Set(),
    counters: { connections: 0, cuts: 0, bytesDropped: 0, refusedUpgrades: 0 },
  };

  const openUpstream = (pair: Pair, first: Buffer | undefined): void => {
    // Half-open on both legs: each direction ends on its own, after its held bytes.
    const upstream = tcpConnect({ host: target.host, port: target.port, allowHalfOpen: true });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    if (first) upstream.write(first);
    pair.client.on('data', (chunk: Buffer) => {
      if (!pair.closed) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => pair.fromServer(chunk));
    // Orderly ends pass through as ends, so HTTP responses delimited by close still work.
    pair.client.on('end', () => upstream.end());
    upstream.on('end', () => pair.endFromServer());
    upstream.on('error', () => pair.destroy(false));
    upstream.on('close', (hadError) => (hadError ? pair.destroy(false) : pair.endFromServer()));
  };

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    state.counters.connections += 1;
    client.setNoDelay(true);
    const pair = new Pair(client, state);
    state.pairs.add(pair);
    client.on('error', () => pair.destroy(false));
    client.on('close', () => pair.destroy(false));
    if (state.chaos) pair.armCut();
    if (!options.refuseWebSocket) {
      openUpstream(pair, undefined);
      return;
    }
    // Look at the first request's head before the server sees anything. A WebSocket handshake
    // is the first request on its own connection (ws, browsers), so later requests on a
    // kept-alive connection need no look.
    let head = Buffer.alloc(0);
    client.once('end', () => {
      if (!pair.upstream) client.end();
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length < HEADER_SCAN_LIMIT) return;
      client.off('data', onData);
      if (isWebSocketUpgrade(head.subarray(0, end < 0 ? head.length : end).toString('latin1'))) {
        state.counters.refusedUpgrades += 1;
        client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\nwebsocket not allowed');
        return;
      }
      openUpstream(pair, head);
    };
    client.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the chaos proxy has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    setChaos(on: boolean) {
      state.chaos = on;
      for (const pair of state.pairs) {
        if (on) pair.armCut();
        else pair.disarmCut();
      }
    },
    stats() {
      return { ...state.counters, open: state.pairs.size };
    },
    close() {
      state.chaos = false;
      for (const pair of [...state.pairs]) pair.destroy(false);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
