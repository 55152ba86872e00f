/**
 * The room scenario under a bad network: one sender and several receivers in a bound room,
 * all through the chaos proxy, the sender storing messages at a steady pace while connections
 * are cut. Afterwards it measures what every receiver saw against what the sender had
 * acknowledged, and keeps enough of a trail (connection changes, what came over the wire, live
 * or as history) to tell where a lost message went missing.
 *
 * The clients are the real SDK running in Node: CCIMManager (the CC-compatible wrapper) or a
 * bare IMClient. Nothing of the SDK is replaced; a few of its private fields are read to tap the
 * socket for the trail, never to steer it.
 */
import { randomUUID } from 'node:crypto';
import { CCIMManager, type CCIMMessage } from '../../src/sdk/compat/cc-im-manager.js';
import { IMClient } from '../../src/sdk/client.js';
import { bindRoom, cleanup, connect, requestOk, startServer, uniqueRoom, type TestServer } from '../server/helpers.js';
import { startChaosProxy, type ChaosStats } from './chaos-proxy.js';

export interface RoomChaosOptions {
  label: string;
  /** `cc`: CCIMManager (its own reconnect delays); `client`: IMClient with fast reconnects. */
  kind: 'cc' | 'client';
  refuseWebSocket: boolean;
  receivers: number;
  messages: number;
  chaosMs: number;
  /** After chaos stops: how long the run may take to deliver everything acknowledged. */
  settleMs: number;
  cutAfterMs?: [number, number];
  holdMs?: number;
}

/** One stored message as a receiver's listener saw it. */
export interface Arrival {
  seq: number;
  n: number | undefined;
  history: boolean;
  at: number;
  /** How many sessions (connect + reconnects) the receiver had begun when it arrived. */
  session: number;
}

export interface ConnectionEvent {
  at: number;
  what: string;
}

export interface LossContext {
  seq: number;
  n: number;
  /** When the sender's ack came, relative to the start of chaos (ms). */
  ackedAt: number;
  /** What the receiver's connection last did before the ack, and how long before. */
  before: string;
  beforeMs: number | null;
  /** What it did next, and how long after. */
  after: string;
  afterMs: number | null;
  /** Whether the socket under the SDK received it live (message:created) or in a session:ready page. */
  onWireLive: number;
  onWireHistory: number;
}

export interface ReceiverReport {
  name: string;
  arrivals: number;
  live: number;
  history: number;
  sessions: number;
  lost: number[];
  duplicates: number[];
  /** Arrivals whose seq was not above the previous one. */
  outOfOrder: Array<{ seq: number; after: number }>;
  /** Content that arrived under a seq other than the one the sender was acknowledged. */
  wrongContent: number[];
  losses: LossContext[];
  /** session:ready pages as they came over the wire: first and last seq, and whether more followed. */
  readyPages: Array<{ at: number; first: number | null; last: number | null; count: number; hasMore: boolean }>;
  events: ConnectionEvent[];
}

export interface RoomChaosReport {
  label: string;
  transport: 'websocket+polling' | 'polling only';
  cutAfterMs: [number, number];
  holdMs: number;
  queued: number;
  acked: number;
  /** Sends the SDK gave up on (its own outbox retries everything retryable). */
  failed: Array<{ n: number; error: unknown }>;
  /** Acknowledged before chaos stopped. */
  ackedDuringChaos: number;
  proxy: ChaosStats;
  /** How long after chaos stopped everything acknowledged had arrived everywhere (null: never, within settleMs). */
  settledAfterMs: number | null;
  /** What the server stored, read directly (not through the proxy) after the run. */
  stored: { count: number; duplicatesOfContent: number[]; holes: number[]; ackMismatches: number[] };
  receivers: ReceiverReport[];
  /** Lines the SDK logged to console.error (it logs failed catch-ups and sends there). */
  sdkErrors: string[];
  durationMs: number;
}

/** A type alias, not an interface: only aliases are assignable to the SDK's JsonValue. */
type Content = { run: string; n: number };

function contentN(content: unknown, run: string): number | undefined {
  if (content && typeof content === 'object' && (content as Content).run === run) return (content as Content).n;
  return undefined;
}

/** Resolves once `done()` is true, re-checked whenever `poke()` is called; gives up at the deadline. */
class Condition {
  private waiters: Array<() => void> = [];
  constructor(private readonly done: () => boolean) {}
  poke(): void {
    if (!this.done()) return;
    for (const wake of this.waiters.splice(0)) wake();
  }
  wait(deadline: number): Promise<boolean> {
    if (this.done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(this.done());
      }, Math.max(0, deadline - Date.now()));
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}

/** The Socket.IO socket under an SDK client, for the wire trail (undefined until it loaded). */
type TappableSocket = { onAny(listener: (event: string, ...args: unknown[]) => void): void };
function socketOf(client: IMClient | undefined): TappableSocket | undefined {
  return (client as unknown as { transport?: { socket?: TappableSocket } } | undefined)?.transport?.socket;
}
function clientOfManager(manager: CCIMManager): IMClient | undefined {
  return (manager as unknown as { session?: { client?: IMClient } }).session?.client;
}

/** The common face of both kinds of client, as the scenario uses them. */
interface Peer {
  name: string;
  start(): void;
  /** The client under it (for the wire tap); changes only when it is started again. */
  client(): IMClient | undefined;
  send(content: Content): Promise<{ seq: number }>;
  close(): void;
}

interface Hooks {
  event(what: string): void;
  message(seq: number, content: unknown, history: boolean): void;
}

function ccPeer(name: string, server: string, token: string, hooks: Hooks): Peer {
  const im = new CCIMManager({ token, userId: name, server });
  im.connect = () => hooks.event('connect');
  im.reconnect = () => hooks.event('reconnect');
  im.reconnecting = () => hooks.event('reconnecting');
  im.disconnect = (reason) => hooks.event(reason ? `disconnect ${JSON.stringify(reason)}` : 'disconnect');
  im.connect_error = (error) => hooks.event(`connect_error ${(error as { code?: string } | undefined)?.code ?? ''}`);
  im.onMessage = (data: CCIMMessage) => {
    if (data.type === 'reliable' && data.seq !== undefined) hooks.message(data.seq, data.content, data.history === true);
  };
  return {
    name,
    start: () => im.initCCIM(),
    client: () => clientOfManager(im),
    send: (content) =>
      new Promise((resolve, reject) =>
        im.sendReliableMessage(content, (data) => {
          const result = data as { ok: boolean; seq?: number; error?: unknown };
          if (result.ok && typeof result.seq === 'number') resolve({ seq: result.seq });
          else reject(result.error ?? result);
        }),
      ),
    close: () => im.release(),
  };
}

function clientPeer(name: string, server: string, token: string, hooks: Hooks): Peer {
  const client = new IMClient({ server, token, userId: name, cache: 'memory', reconnectDelayMs: 100, reconnectDelayMaxMs: 1000 });
  client.on('state', ({ state, previous }) => hooks.event(`${previous}→${state}`));
  client.on('connected', ({ reconnect }) => hooks.event(reconnect ? 'reconnect' : 'connect'));
  client.on('connect_error', (error) => hooks.event(`connect_error ${error.code}`));
  client.on('message', (message, { history }) => {
    if (message.seq !== undefined) hooks.message(message.seq, message.content, history);
  });
  return {
    name,
    start: () => client.connect(),
    client: () => client,
    send: async (content) => {
      const sent = await client.messages.send(client.conversationId, content);
      if (sent.seq === undefined) throw new Error('sent without a seq');
      return { seq: sent.seq };
    },
    close: () => client.close(),
  };
}

class ReceiverTrail {
  readonly arrivals: Arrival[] = [];
  readonly events: ConnectionEvent[] = [];
  readonly wireLive = new Map<number, number>();
  readonly wireHistory = new Map<number, number>();
  readonly readyPages: ReceiverReport['readyPages'] = [];
  sessions = 0;
  private tapped = new WeakSet<object>();

  constructor(
    readonly name: string,
    private readonly run: string,
    private readonly clock: () => number,
  ) {}

  event(what: string): void {
    if (what === 'connect' || what === 'reconnect') this.sessions += 1;
    this.events.push({ at: this.clock(), what });
  }

  message(seq: number, content: unknown, history: boolean): void {
    this.arrivals.push({ seq, n: contentN(content, this.run), history, at: this.clock(), session: this.sessions });
  }

  /** Records what reaches the socket before the SDK sees it; called again whenever the socket may be new. */
  tap(socket: TappableSocket | undefined): void {
    if (!socket || this.tapped.has(socket)) return;
    this.tapped.add(socket);
    const bump = (map: Map<number, number>, seq: number) => map.set(seq, (map.get(seq) ?? 0) + 1);
    socket.onAny((event, ...args) => {
      if (event === 'message:created') {
        const seq = (args[0] as { seq?: unknown } | undefined)?.seq;
        if (typeof seq === 'number') bump(this.wireLive, seq);
      } else if (event === 'session:ready') {
        const page = args[0] as { history?: Array<{ seq: number }>; hasMore?: boolean } | undefined;
        const history = page?.history ?? [];
        for (const { seq } of history) bump(this.wireHistory, seq);
        this.readyPages.push({
          at: this.clock(),
          first: history[0]?.seq ?? null,
          last: history.at(-1)?.seq ?? null,
          count: history.length,
          hasMore: page?.hasMore === true,
        });
      }
    });
  }
}

/** Reads the room's whole stored history straight from the server (a plain Socket.IO client, no proxy). */
async function storedHistory(server: TestServer, token: string): Promise<Array<{ seq: number; content: unknown }>> {
  const { socket } = await connect(server, { token, userId: 'auditor' });
  try {
    const all: Array<{ seq: number; content: unknown }> = [];
    let after = 0;
    for (;;) {
      const page = await requestOk<{ messages: Array<{ seq: number; content: unknown }>; hasMore: boolean }>(socket, 'message:history', {
        after,
        limit: 100,
      });
      all.push(...page.messages);
      if (!page.hasMore || page.messages.length === 0) return all;
      after = page.messages.at(-1)!.seq;
    }
  } finally {
    socket.disconnect();
  }
}

function describeEvent(event: ConnectionEvent | undefined, at: number): { what: string; ms: number | null } {
  return event ? { what: event.what, ms: Math.abs(event.at - at) } : { what: '(none)', ms: null };
}

export async function runRoomChaos(options: RoomChaosOptions): Promise<RoomChaosReport> {
  const started = Date.now();
  const run = randomUUID().slice(0, 8);
  const server = await startServer();
  const token = await bindRoom(server, uniqueRoom('chaos'));
  const proxy = await startChaosProxy({
    target: server.url,
    refuseWebSocket: options.refuseWebSocket,
    ...(options.cutAfterMs ? { cutAfterMs: options.cutAfterMs } : {}),
    ...(options.holdMs !== undefined ? { holdMs: options.holdMs } : {}),
  });
  let chaosStartedAt = Date.now();
  const clock = () => Date.now() - chaosStartedAt;

  const sdkErrors: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    sdkErrors.push(args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' '));
  };

  const make = options.kind === 'cc' ? ccPeer : clientPeer;
  const acked = new Map<number, { seq: number; at: number }>();
  const failed: RoomChaosReport['failed'] = [];
  let settledCheck: Condition | undefined;
  const trails: ReceiverTrail[] = [];
  const peers: Peer[] = [];
  const connected = new Set<string>();
  const allConnected = new Condition(() => connected.size === options.receivers + 1);

  const hooksFor = (trail: ReceiverTrail | undefined, name: string, peer: () => Peer | undefined): Hooks => ({
    event(what) {
      trail?.event(what);
      if (what === 'connect' || what === 'reconnect') {
        connected.add(name);
        allConnected.poke();
        trail?.tap(socketOf(peer()?.client()));
      }
    },
    message(seq, content, history) {
      trail?.message(seq, content, history);
      settledCheck?.poke();
    },
  });

  try {
    let sender: Peer | undefined;
    sender = make(`sender-${run}`, proxy.url, token, hooksFor(undefined, 'sender', () => sender));
    peers.push(sender);
    for (let i = 0; i < options.receivers; i++) {
      const name = `receiver${i + 1}-${run}`;
      const trail = new ReceiverTrail(`receiver${i + 1}`, run, clock);
      trails.push(trail);
      let peer: Peer | undefined;
      peer = make(name, proxy.url, token, hooksFor(trail, name, () => peer));
      peers.push(peer);
    }
    for (const peer of peers) peer.start();
    if (!(await allConnected.wait(Date.now() + 10_000))) throw new Error('the clients did not all connect through the proxy (chaos off)');
    // The wire tap goes on at the first connect; a message arriving before it would look lost on the wire.
    for (const [i, trail] of trails.entries()) trail.tap(socketOf(peers[i + 1]!.client()));

    chaosStartedAt = Date.now();
    proxy.setChaos(true);
    const interval = options.chaosMs / options.messages;
    for (let n = 0; n < options.messages; n++) {
      const due = chaosStartedAt + n * interval;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      // Not awaited: the sender keeps its pace while the outbox works through cuts; the
      // settle condition below waits for every answer.
      void sender.send({ run, n }).then(
        ({ seq }) => {
          acked.set(n, { seq, at: clock() });
          settledCheck?.poke();
        },
        (error: unknown) => {
          failed.push({ n, error });
          settledCheck?.poke();
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, chaosStartedAt + options.chaosMs - Date.now())));
    proxy.setChaos(false);
    const chaosEndedAt = Date.now();
    const ackedDuringChaos = acked.size;

    // Settled: every send answered, and every receiver holds every acknowledged seq.
    const complete = () =>
      acked.size + failed.length === options.messages &&
      trails.every((trail) => {
        const seqs = new Set(trail.arrivals.map((a) => a.seq));
        return [...acked.values()].every(({ seq }) => seqs.has(seq));
      });
    settledCheck = new Condition(complete);
    const settled = await settledCheck.wait(chaosEndedAt + options.settleMs);
    const settledAfterMs = settled ? Date.now() - chaosEndedAt : null;
    const proxyStats = proxy.stats();

    const stored = await storedHistory(server, token);
    const bySeq = new Map<number, number>();
    const seenContent = new Map<number, number>();
    for (const message of stored) {
      const n = contentN(message.content, run);
      if (n === undefined) continue;
      bySeq.set(message.seq, n);
      seenContent.set(n, (seenContent.get(n) ?? 0) + 1);
    }
    const storedSeqs = stored.map((m) => m.seq);
    const holes: number[] = [];
    for (let seq = 1; seq <= Math.max(0, ...storedSeqs); seq++) if (!storedSeqs.includes(seq)) holes.push(seq);

    const receivers = trails.map((trail): ReceiverReport => {
      const counts = new Map<number, number>();
      for (const arrival of trail.arrivals) counts.set(arrival.seq, (counts.get(arrival.seq) ?? 0) + 1);
      const outOfOrder: ReceiverReport['outOfOrder'] = [];
      trail.arrivals.forEach((arrival, i) => {
        const previous = trail.arrivals[i - 1];
        if (previous && arrival.seq <= previous.seq) outOfOrder.push({ seq: arrival.seq, after: previous.seq });
      });
      const wrongContent = trail.arrivals.filter((a) => a.n !== undefined && acked.has(a.n) && acked.get(a.n)!.seq !== a.seq).map((a) => a.seq);
      const lostEntries = [...acked.entries()].filter(([, { seq }]) => !counts.has(seq)).sort((a, b) => a[1].seq - b[1].seq);
      const losses = lostEntries.map(([n, { seq, at }]): LossContext => {
        const before = describeEvent(trail.events.filter((e) => e.at <= at).at(-1), at);
        const after = describeEvent(trail.events.find((e) => e.at > at), at);
        return {
          seq,
          n,
          ackedAt: at,
          before: before.what,
          beforeMs: before.ms,
          after: after.what,
          afterMs: after.ms,
          onWireLive: trail.wireLive.get(seq) ?? 0,
          onWireHistory: trail.wireHistory.get(seq) ?? 0,
        };
      });
      return {
        name: trail.name,
        arrivals: trail.arrivals.length,
        live: trail.arrivals.filter((a) => !a.history).length,
        history: trail.arrivals.filter((a) => a.history).length,
        sessions: trail.sessions,
        lost: lostEntries.map(([, { seq }]) => seq),
        duplicates: [...counts].filter(([, count]) => count > 1).map(([seq]) => seq),
        outOfOrder,
        wrongContent,
        losses,
        readyPages: trail.readyPages,
        events: trail.events,
      };
    });

    return {
      label: options.label,
      transport: options.refuseWebSocket ? 'polling only' : 'websocket+polling',
      cutAfterMs: options.cutAfterMs ?? [700, 3000],
      holdMs: options.holdMs ?? 120,
      queued: options.messages,
      acked: acked.size,
      failed,
      ackedDuringChaos,
      proxy: proxyStats,
      settledAfterMs,
      stored: {
        count: bySeq.size,
        duplicatesOfContent: [...seenContent].filter(([, count]) => count > 1).map(([n]) => n),
        holes,
        ackMismatches: [...acked].filter(([n, { seq }]) => bySeq.get(seq) !== n).map(([n]) => n),
      },
      receivers,
      sdkErrors,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const peer of peers) peer.close();
    await proxy.close();
    await cleanup();
    console.error = consoleError;
  }
}

/** A short, readable account of a run for the test log. */
export function summarize(report: RoomChaosReport): string[] {
  const lines = [
    `${report.label} [${report.transport}, cut ${report.cutAfterMs.join('–')} ms, hold ${report.holdMs} ms]: ${report.acked}/${report.queued} acked (${report.ackedDuringChaos} during chaos), ` +
      `${report.failed.length} failed; proxy ${report.proxy.connections} connections, ${report.proxy.cuts} cuts, ` +
      `${report.proxy.bytesDropped} bytes dropped, ${report.proxy.refusedUpgrades} upgrades refused; ` +
      `settled ${report.settledAfterMs === null ? 'never' : `after ${report.settledAfterMs} ms`}; ` +
      `stored ${report.stored.count} (dup contents ${report.stored.duplicatesOfContent.length}, holes ${report.stored.holes.length}, ack mismatches ${report.stored.ackMismatches.length}); ` +
      `${report.sdkErrors.length} SDK error lines`,
  ];
  for (const r of report.receivers) {
    lines.push(
      `  ${r.name}: ${r.arrivals} arrivals (${r.live} live, ${r.history} history), ${r.sessions} sessions, ` +
        `lost ${r.lost.length}${r.lost.length ? ` [${r.lost.join(',')}]` : ''}, duplicates ${r.duplicates.length}, ` +
        `out of order ${r.outOfOrder.length}, wrong content ${r.wrongContent.length}`,
    );
    for (const loss of r.losses.slice(0, 10)) {
      lines.push(
        `    seq ${loss.seq} (acked at ${loss.ackedAt} ms): last before "${loss.before}" ${loss.beforeMs ?? '-'} ms earlier, ` +
          `next "${loss.after}" ${loss.afterMs ?? '-'} ms later; on the wire live ×${loss.onWireLive}, history ×${loss.onWireHistory}`,
      );
    }
  }
  return lines;
}
