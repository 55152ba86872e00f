// Stored-message throughput of the server on loopback: group commit (the default) against a
// baseline that commits every message on its own, both measured in the same run on the same
// machine, alternating, so the ratio holds even when the machine is noisy.
// Bounded: fixed message counts, loopback only, stops by itself.
// Usage: npm run bench  →  prints JSON and a Markdown table, writes bench/results/.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';

// Each client sends a burst within its rate limit (burst 40), all clients at once, each in a
// room of its own: this measures the write path (validation, commit, ack), not the fan-out of
// one room to a hundred sockets living in this same process.
const CLIENTS = 100;
const MESSAGES_PER_CLIENT = 30;
const ROUNDS = 3;
const ADMIN_KEY = 'bench-admin-key-0123456789';

type Mode = 'one commit per message' | 'group commit';

interface Run {
  mode: Mode;
  messages: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

async function measure(mode: Mode): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-bench-'));
  const app = await createApp(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, allowedOrigins: '*', demo: false, distDir: dataDir, logLevel: 'silent' },
    { maxCommitBatch: mode === 'group commit' ? 256 : 1 },
  );
  try {
    const url = await app.listen();
    const bind = async (roomId: string) => {
      const response = await fetch(`${url}/v1/room-binding`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ roomId }),
      });
      return ((await response.json()) as { token: string }).token;
    };
    const sockets = await Promise.all(
      Array.from(
        { length: CLIENTS },
        async (_, index) => {
          const token = await bind(`bench-${index}`);
          return new Promise<Socket>((resolve, reject) => {
            const socket = io(url, { transports: ['websocket'], auth: { token, userId: `u${index}` }, reconnection: false });
            socket.once('session:ready', () => resolve(socket));
            socket.once('connect_error', reject);
          });
        },
      ),
    );
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      sockets.flatMap((socket) =>
        Array.from({ length: MESSAGES_PER_CLIENT }, async (_, i) => {
          const sentAt = performance.now();
          const ack = await socket
            .timeout(30_000)
            .emitWithAck('message:send', { content: { text: `message ${i}` }, clientMsgId: randomUUID() });
          if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
          latencies.push(performance.now() - sentAt);
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    for (const socket of sockets) socket.close();
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(1));
    return {
      mode,
      messages: latencies.length,
      seconds: Number(seconds.toFixed(3)),
      perSecond: Math.round(latencies.length / seconds),
      p50ms: at(0.5),
      p99ms: at(0.99),
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const runs: Run[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  runs.push(await measure('one commit per message'));
  runs.push(await measure('group commit'));
}
const summarise = (mode: Mode) => {
  const mine = runs.filter((run) => run.mode === mode);
  return {
    mode,
    perSecond: median(mine.map((run) => run.perSecond)),
    p50ms: median(mine.map((run) => run.p50ms)),
    p99ms: median(mine.map((run) => run.p99ms)),
  };
};
const baseline = summarise('one commit per message');
const grouped = summarise('group commit');
const result = {
  benchmark: 'stored messages acknowledged per second: 100 clients in rooms of their own, 30 messages each at once (SQLite, synchronous=FULL, loopback WebSocket)',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
  workload: { clients: CLIENTS, messagesPerClient: MESSAGES_PER_CLIENT, rounds: ROUNDS },
  baseline,
  groupCommit: grouped,
  ratio: {
    throughput: Number((grouped.perSecond / baseline.perSecond).toFixed(2)),
    p99Latency: Number((grouped.p99ms / baseline.p99ms).toFixed(2)),
  },
  runs,
};
const table = [
  `| mode | messages/s (median of ${ROUNDS}) | p50 ack ms | p99 ack ms |`,
  '|---|---|---|---|',
  ...[baseline, grouped].map((row) => `| ${row.mode} | ${row.perSecond} | ${row.p50ms} | ${row.p99ms} |`),
  '',
  `Group commit: **${result.ratio.throughput}×** the baseline's throughput, p99 latency ${result.ratio.p99Latency}× the baseline's.`,
  `Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, Linux ${result.machine.kernel}.`,
].join('\n');
console.log(JSON.stringify(result, null, 2));
console.log(`\n${table}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/message-throughput.json', `${JSON.stringify(result, null, 2)}\n`);
writeFileSync('bench/results/message-throughput.md', `# Stored-message throughput\n\n${result.benchmark}.\n\n${table}\n`);
