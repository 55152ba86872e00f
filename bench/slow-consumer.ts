// What a reader that stopped reading costs everyone else: the delivery latency of a group's
// messages to 20 connected members, with and without one member whose long-polling session
// stopped polling (so every packet for it queues on the server), alternating in the same run.
// Also reports how many packets queued for the stalled reader before it was dropped and the
// server's heap. Bounded: fixed message counts, loopback only, stops by itself.
// Usage: npm run bench:slow-consumer → prints a Markdown table, writes bench/results/.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { LIMITS } from '../src/protocol/limits.js';
import { createApp, type ImApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';

const ADMIN_KEY = 'bench-admin-key-0123456789';
const MEMBERS = 2000;
const READERS = 20;
const MESSAGES = 1400;
const SEND_INTERVAL_MS = 5;
const ROUNDS = 3;
/** Connections the owner sends over, each under the per-connection send rate. */
const SENDERS = 12;
const DEADLINE_MS = 5 * 60_000;

type Scenario = 'all reading' | 'one stalled reader';

interface Round {
  scenario: Scenario;
  p50ms: number;
  p99ms: number;
  maxQueued: number;
  stalledDropped: boolean;
  heapMiB: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function ticket(url: string, userId: string): Promise<string> {
  const response = await fetch(`${url}/v1/users/${userId}/tickets`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return ((await response.json()) as { ticket: string }).ticket;
}

function open(url: string, ticketValue: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], auth: { ticket: ticketValue }, reconnection: false, forceNew: true });
    socket.once('session:ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A long-polling session that reads until session:ready, then never polls again. */
async function stalledReader(url: string, ticketValue: string): Promise<string> {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const { sid } = JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string };
  await fetch(`${base}&sid=${sid}`, { method: 'POST', body: `40${JSON.stringify({ ticket: ticketValue })}` });
  let received = '';
  while (!received.includes('session:ready')) received += await (await fetch(`${base}&sid=${sid}`)).text();
  return sid;
}

async function round(app: ImApp, url: string, groupId: string, owners: Socket[], readers: Socket[], scenario: Scenario): Promise<Round> {
  let stalledSid: string | undefined;
  if (scenario === 'one stalled reader') stalledSid = await stalledReader(url, await ticket(url, `m${READERS}`));
  const conn = () =>
    [...app.io.of('/').sockets.values()].find((socket) => (socket.conn as unknown as { id: string }).id === stalledSid)?.conn as unknown as
      | { writeBuffer: unknown[] }
      | undefined;
  let maxQueued = 0;
  const watch = setInterval(() => {
    maxQueued = Math.max(maxQueued, conn()?.writeBuffer.length ?? 0);
  }, 20);
  const latencies: number[] = [];
  let heard = 0;
  const done = new Promise<void>((resolve) => {
    for (const reader of readers) {
      reader.on('message:created', (message: { content: { text: string } }) => {
        const sentAt = Number(message.content.text.split(':')[1]);
        latencies.push(performance.now() - sentAt);
        heard += 1;
        if (heard === MESSAGES * READERS) resolve();
      });
    }
  });
  for (let n = 0; n < MESSAGES; n += 1) {
    // Round robin over the owner's connections: each stays under its own send rate.
    owners[n % owners.length]!.emit('message:send', { conversationId: groupId, clientMsgId: randomUUID(), content: { text: `${n}:${performance.now()}` } }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, SEND_INTERVAL_MS));
  }
  await done;
  clearInterval(watch);
  for (const reader of readers) reader.removeAllListeners('message:created');
  const stalledDropped = scenario === 'one stalled reader' ? conn() === undefined : false;
  return { scenario, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99), maxQueued, stalledDropped, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error('slow-consumer bench: deadline passed');
    process.exit(1);
  }, DEADLINE_MS);
  const dataDir = mkdtempSync(join(tmpdir(), 'im-bench-slow-'));
  const app = await createApp({
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    allowedOrigins: '*',
    demo: false,
    distDir: dataDir,
    logLevel: 'silent',
    conversationRate: 100_000,
    maxConnectionsPerUser: 100,
  });
  const rounds: Round[] = [];
  try {
    const url = await app.listen();
    const owners = await Promise.all(Array.from({ length: SENDERS }, async () => open(url, await ticket(url, 'owner'))));
    const owner = owners[0]!;
    const members = Array.from({ length: MEMBERS - 1 }, (_, index) => `m${index}`);
    const group = await owner.timeout(30_000).emitWithAck('conversation:create-group', { name: 'Bench', members });
    const groupId = (group as { data: { id: string } }).data.id;
    const readers = await Promise.all(Array.from({ length: READERS }, async (_, index) => open(url, await ticket(url, `m${index}`))));
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const scenario of ['all reading', 'one stalled reader'] as const) rounds.push(await round(app, url, groupId, owners, readers, scenario));
    }
    for (const socket of [...owners, ...readers]) socket.disconnect();
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    clearTimeout(deadline);
  }
  const median = (scenario: Scenario, key: 'p50ms' | 'p99ms') => percentile(rounds.filter((r) => r.scenario === scenario).map((r) => r[key]), 50);
  const result = {
    benchmark: `Delivery latency of a ${MEMBERS}-member group to ${READERS} reading members, ${MESSAGES} messages every ${SEND_INTERVAL_MS} ms, with and without one member that stopped reading (long-polling, no polls); ${ROUNDS} rounds each, alternating`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
    queueLimit: LIMITS.OUTBOUND_QUEUE_MAX_PACKETS,
    rounds,
    p50Ratio: median('one stalled reader', 'p50ms') / median('all reading', 'p50ms'),
    p99Ratio: median('one stalled reader', 'p99ms') / median('all reading', 'p99ms'),
  };
  const table = [
    '| round | scenario | p50 ms | p99 ms | most packets queued for the stalled reader | stalled reader dropped | heap MiB |',
    '|---:|---|---:|---:|---:|---|---:|',
    ...rounds.map((r, index) => `| ${Math.floor(index / 2) + 1} | ${r.scenario} | ${r.p50ms.toFixed(1)} | ${r.p99ms.toFixed(1)} | ${r.maxQueued} | ${r.scenario === 'all reading' ? '—' : r.stalledDropped ? 'yes' : 'no'} | ${r.heapMiB.toFixed(0)} |`),
    '',
    `With a stalled reader, the others' latency is ${result.p50Ratio.toFixed(2)}× (p50) and ${result.p99Ratio.toFixed(2)}× (p99) that without one (medians of the rounds). The stalled reader's queue is closed past ${LIMITS.OUTBOUND_QUEUE_MAX_PACKETS} packets, checked every second.`,
    `Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, Linux ${result.machine.kernel}.`,
  ].join('\n');
  console.log(JSON.stringify(result, null, 2));
  console.log(table);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/slow-consumer.json', `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync('bench/results/slow-consumer.md', `# A reader that stopped reading\n\n${result.benchmark}.\n\n${table}\n`);
}

await main();
