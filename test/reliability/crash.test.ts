/**
 * The server process is killed (SIGKILL: no shutdown, no flush) while 20 clients send, then
 * started again on the same data and port. Every message a client got an acknowledgement for
 * is stored exactly once under the seq it was acknowledged with, seqs have no holes, unsent
 * messages go out after the restart from the clients' outboxes, and every client ends with
 * what a fresh load shows.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CachedMessage } from '../../src/sdk/cache/types.js';
import { IMClient } from '../../src/sdk/client.js';

const ADMIN_KEY = 'crash-test-admin-key-0123456789';
const CLIENTS = 20;
const PER_CLIENT = 25;

const dataDir = mkdtempSync(join(tmpdir(), 'im-crash-'));
let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the server CLI (as in production: its own process) and resolves once it listens. */
async function startProcess(port: number): Promise<ChildProcess> {
  const started = spawn(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', IM_DATA_DIR: dataDir, IM_ADMIN_KEY: ADMIN_KEY, IM_LOG_LEVEL: 'error', IM_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no start within 20 s: ${output}`)), 20_000);
    started.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    started.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
  });
  return started;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stored messages a client's cache holds for its room, in seq order. */
function viewOf(client: IMClient): Promise<CachedMessage[]> {
  return new Promise((resolve) => {
    const stop = client.messages.observe(client.conversationId, 100_000, (messages) => {
      stop();
      resolve(messages);
    });
  });
}

describe('a server killed while clients send', () => {
  test('loses nothing acknowledged, stores nothing twice, leaves no hole in seqs, and every client converges', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = await startProcess(port);
    const binding = await fetch(`${url}/v1/room-binding`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roomId: 'crash' }),
    });
    const { token } = (await binding.json()) as { token: string };
    const clients = Array.from({ length: CLIENTS }, (_, index) =>
      new IMClient({ server: url, token, userId: `c${index}`, cache: 'memory', reconnectDelayMs: 100, reconnectDelayMaxMs: 500, ackTimeoutMs: 3000 }),
    );
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    })));

    const acknowledged = new Map<string, number>();
    let acks = 0;
    const sending = clients.map(async (client, index) => {
      for (let n = 0; n < PER_CLIENT; n += 1) {
        const sent = await client.messages.send(client.conversationId, { from: index, n });
        acknowledged.set(`${index}:${n}`, sent.seq!);
        acks += 1;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 40));
      }
    });
    // Kill it mid-stream: some messages stored and acknowledged, some stored but not yet acknowledged, some not sent.
    await until(() => acks >= (CLIENTS * PER_CLIENT) / 3, 'a third of the acknowledgements', 30_000);
    const ackedBeforeKill = new Map(acknowledged);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = await startProcess(port);
    await Promise.all(sending);

    // A fresh reader: the truth as the server has it.
    const reader = new IMClient({ server: url, token, userId: 'reader', cache: 'memory' });
    await new Promise<void>((resolve) => {
      reader.once('connected', () => resolve());
      reader.connect();
    });
    const all: Array<{ seq: number; key: string }> = [];
    let cursor = 0;
    for (;;) {
      const page = await reader.messages.history({ after: cursor, limit: 100 });
      for (const message of page.messages) {
        const content = message.content as { from: number; n: number };
        all.push({ seq: message.seq, key: `${content.from}:${content.n}` });
      }
      if (!page.hasMore) break;
      cursor = page.messages.at(-1)!.seq;
    }
    assert.deepEqual(all.map((entry) => entry.seq), Array.from({ length: all.length }, (_, index) => index + 1), 'seqs 1..N without holes');
    assert.equal(new Set(all.map((entry) => entry.key)).size, all.length, 'no message stored twice');
    assert.equal(all.length, CLIENTS * PER_CLIENT, 'every message was stored in the end');
    const seqOf = new Map(all.map((entry) => [entry.key, entry.seq]));
    for (const [key, seq] of ackedBeforeKill) assert.equal(seqOf.get(key), seq, `acknowledged before the kill: ${key} at ${seq}`);
    for (const [key, seq] of acknowledged) assert.equal(seqOf.get(key), seq, `acknowledged: ${key} at ${seq}`);

    // Every client's cache converges on the server's: the same messages in the same order.
    const truth = all.map((entry) => entry.seq).join();
    for (const client of clients) {
      await until(async () => (await viewOf(client)).filter((m) => m.seq !== undefined).map((m) => m.seq).join() === truth, `client ${client.userId} converges`, 20_000);
    }
    for (const client of [...clients, reader]) client.close();
  });
});
