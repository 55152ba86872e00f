// Membership writes of the real server on loopback: a 2,000-member group created through
// `conversation:create-group`, and 500 members added to an existing group through
// `conversation:add-members`. The figure that matters is the event loop's longest stall while
// the server does it (every other socket of the process waits that long), measured with
// perf_hooks.monitorEventLoopDelay at 1 ms resolution, and the wall time until the ack.
// Baseline, in the same run and on the same SQLite file (WAL, synchronous=FULL): the same rows
// written by raw multi-row INSERTs (250 rows each, one transaction) into a members-shaped
// table over better-sqlite3, without Kysely, validation, tips or sockets: the least any
// implementation of the change could block.
// Bounded: fixed counts, loopback only, a deadline, temporary data dir removed.
// Usage: npm run bench:membership  →  prints JSON and a Markdown table, writes bench/results/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';

const ADMIN_KEY = 'bench-admin-key-0123456789';
const GROUP_MEMBERS = 2000;
const ADDED_MEMBERS = 500;
/** Rows per baseline INSERT: the chunk the store uses too. */
const ROWS_PER_INSERT = 250;
const ROUNDS = 7;
/** Rounds before the measured ones, not recorded: a server that has run a while is warm (JIT). */
const WARMUP_ROUNDS = 1;
/** The longest stall the server may cause on this machine. */
const TARGET_MS = 50;
const DEADLINE_MS = 5 * 60_000;

type Workload = 'create-group' | 'add-members';

interface Sample {
  workload: Workload;
  mode: 'server' | 'baseline';
  rows: number;
  wallMs: number;
  maxStallMs: number;
  p99StallMs: number;
}

const round1 = (value: number) => Number(value.toFixed(1));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `work` while watching the event loop; the histogram's delays are the loop's stalls. */
async function watched(work: () => Promise<void> | void): Promise<{ wallMs: number; maxStallMs: number; p99StallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // Let the monitor's timer start ticking on an idle loop first. After a reset it records
  // nothing until it has ticked once (it measures from tick to tick): without the second
  // pause, a stall right at the start of synchronous work would go unseen.
  await sleep(20);
  histogram.reset();
  await sleep(5);
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  // One more tick after the work, so a stall at its very end is recorded too.
  await sleep(5);
  histogram.disable();
  return { wallMs: round1(wallMs), maxStallMs: round1(histogram.max / 1e6), p99StallMs: round1(histogram.percentile(99) / 1e6) };
}

async function ask<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: true; data: T } | { ok: false; error: { code: string } };
  if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code}`);
  return ack.data;
}

const deadline = setTimeout(() => {
  console.error(`membership bench: no result within ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

const dataDir = mkdtempSync(join(tmpdir(), 'im-bench-membership-'));
const app = await createApp(
  { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, allowedOrigins: '*', demo: false, distDir: dataDir, logLevel: 'silent' },
  {},
);
const samples: Sample[] = [];
try {
  const url = await app.listen();
  const signIn = async (userId: string): Promise<Socket> => {
    const response = await fetch(`${url}/v1/users/${userId}/tickets`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    if (response.status !== 200) throw new Error(`ticket for ${userId}: ${response.status}`);
    const { ticket } = (await response.json()) as { ticket: string };
    return new Promise<Socket>((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], auth: { ticket }, reconnection: false });
      socket.once('session:ready', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  };
  const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

  // The same database file, through a connection of its own: the baseline's writes pay for the
  // same file, journal and sync mode as the server's.
  const raw = new BetterSqlite3(join(dataDir, 'im.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE bench_members (
    conversation_id text NOT NULL, user_id text NOT NULL, role text NOT NULL, joined_at bigint NOT NULL,
    joined_seq bigint NOT NULL, read_seq bigint NOT NULL, delivered_seq bigint NOT NULL, hidden_seq bigint NOT NULL,
    pinned integer NOT NULL, muted integer NOT NULL, "left" integer NOT NULL, left_seq bigint, version bigint NOT NULL,
    PRIMARY KEY (conversation_id, user_id))`);
  raw.exec('CREATE INDEX bench_members_user_version ON bench_members (user_id, version)');
  const baseline = (conversationId: string, userIds: string[]) => {
    const now = Date.now();
    raw.exec('BEGIN');
    for (let start = 0; start < userIds.length; start += ROWS_PER_INSERT) {
      const chunk = userIds.slice(start, start + ROWS_PER_INSERT);
      const statement = raw.prepare(
        `INSERT INTO bench_members VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      );
      statement.run(chunk.flatMap((userId) => [conversationId, userId, 'member', now, 0, 0, 0, -1, 0, 0, 0, null, 1]));
    }
    raw.exec('COMMIT');
  };

  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    const record = (sample: Sample) => {
      if (round >= WARMUP_ROUNDS) samples.push(sample);
    };
    // A connection per round: each makes three membership changes, within any per-connection rate.
    const owner = await signIn(`owner${round}`);
    const members = ids('m', GROUP_MEMBERS - 1);
    const created = await watched(async () => {
      const summary = await ask<{ memberCount: number }>(owner, 'conversation:create-group', { name: `bench ${round}`, members });
      if (summary.memberCount !== GROUP_MEMBERS) throw new Error(`created a group of ${summary.memberCount}`);
    });
    record({ workload: 'create-group', mode: 'server', rows: GROUP_MEMBERS, ...created });
    record({ workload: 'create-group', mode: 'baseline', rows: GROUP_MEMBERS, ...(await watched(() => baseline(`create:${round}`, [`owner${round}`, ...members]))) });

    const small = await ask<{ id: string }>(owner, 'conversation:create-group', { name: `grows ${round}`, members: ['seed'] });
    const newcomers = ids(`a${round}-`, ADDED_MEMBERS);
    const added = await watched(async () => {
      const summary = await ask<{ memberCount: number }>(owner, 'conversation:add-members', { conversationId: small.id, members: newcomers });
      if (summary.memberCount !== ADDED_MEMBERS + 2) throw new Error(`the group grew to ${summary.memberCount}`);
    });
    record({ workload: 'add-members', mode: 'server', rows: ADDED_MEMBERS, ...added });
    record({ workload: 'add-members', mode: 'baseline', rows: ADDED_MEMBERS, ...(await watched(() => baseline(`add:${round}`, newcomers))) });
    owner.close();
  }
  raw.close();
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const summarise = (workload: Workload, mode: Sample['mode']) => {
  const mine = samples.filter((sample) => sample.workload === workload && sample.mode === mode);
  return {
    wallMs: median(mine.map((sample) => sample.wallMs)),
    maxStallMs: median(mine.map((sample) => sample.maxStallMs)),
    worstStallMs: Math.max(...mine.map((sample) => sample.maxStallMs)),
    p99StallMs: median(mine.map((sample) => sample.p99StallMs)),
  };
};
const workloads = (['create-group', 'add-members'] as const).map((workload) => {
  const server = summarise(workload, 'server');
  const base = summarise(workload, 'baseline');
  return {
    workload,
    rows: workload === 'create-group' ? GROUP_MEMBERS : ADDED_MEMBERS,
    server,
    baseline: base,
    ratio: {
      maxStall: Number((server.maxStallMs / base.maxStallMs).toFixed(2)),
      wall: Number((server.wallMs / base.wallMs).toFixed(2)),
    },
    underTarget: server.worstStallMs < TARGET_MS,
  };
});
const result = {
  benchmark: `event-loop stall and wall time of membership writes through the real socket events (SQLite, synchronous=FULL, loopback WebSocket), against raw multi-row INSERTs of the same rows into the same database file`,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
  workload: { groupMembers: GROUP_MEMBERS, addedMembers: ADDED_MEMBERS, rowsPerBaselineInsert: ROWS_PER_INSERT, rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS, histogramResolutionMs: 1, targetMaxStallMs: TARGET_MS },
  workloads,
  samples,
};
const table = [
  `| change | rows | max stall ms (median of ${ROUNDS}, after ${WARMUP_ROUNDS} warm-up) | worst max stall ms | p99 stall ms | wall ms | baseline max stall ms | baseline wall ms | stall ratio | wall ratio |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...workloads.map(
    (row) =>
      `| \`conversation:${row.workload}\` | ${row.rows} | ${row.server.maxStallMs} | ${row.server.worstStallMs} | ${row.server.p99StallMs} | ${row.server.wallMs} | ${row.baseline.maxStallMs} | ${row.baseline.wallMs} | ${row.ratio.maxStall} | ${row.ratio.wall} |`,
  ),
  '',
  `Longest stall of any round: ${Math.max(...workloads.map((row) => row.server.worstStallMs))} ms (target: under ${TARGET_MS} ms). Ratios are the server's figure over the baseline's (raw multi-row INSERTs, ${ROWS_PER_INSERT} rows each, one transaction, same SQLite file).`,
  `Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, Linux ${result.machine.kernel}.`,
].join('\n');
console.log(JSON.stringify(result, null, 2));
console.log(`\n${table}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/membership.json', `${JSON.stringify(result, null, 2)}\n`);
writeFileSync('bench/results/membership.md', `# Membership writes\n\n${result.benchmark}.\n\n${table}\n`);
