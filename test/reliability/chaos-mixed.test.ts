/**
 * Everyone at once on a bad network: signed-in users chat in a direct conversation, a group and
 * a bound room while guests of that room talk through the CC API, every connection going through
 * the chaos proxy (cut at random, server→client bytes held 120 ms) for 60 s. Afterwards each
 * receiver's state is what a fresh load shows: the same messages, once each, in order; the
 * same unread counts; the same read receipts. Run over WebSocket and over long-polling only.
 *
 * Knobs (the defaults are what CI runs): RELIABILITY_MIXED_CHAOS_MS, RELIABILITY_MIXED_TICK_MS.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ConversationSummary, HistoryPage, StoredMessage } from '../../src/protocol/models.js';
import type { CachedMessage } from '../../src/sdk/cache/types.js';
import { CCIMManager, type CCIMMessage } from '../../src/sdk/compat/cc-im-manager.js';
import { IMClient } from '../../src/sdk/client.js';
import { bindRoom, cleanup, connectUser, requestOk, startServer, ticketFor, type TestServer } from '../server/helpers.js';
import { startChaosProxy, type ChaosProxy } from './chaos-proxy.js';

const CHAOS_MS = Math.min(Number(process.env.RELIABILITY_MIXED_CHAOS_MS) || 60_000, 60_000);
const TICK_MS = Number(process.env.RELIABILITY_MIXED_TICK_MS) || 100;
const SETTLE_MS = 45_000;

const opened: Array<{ close(): void }> = [];
let proxy: ChaosProxy | undefined;
afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function signedIn(url: string, ticket: string): IMClient {
  const client = new IMClient({ server: url, ticket, cache: 'memory', reconnectDelayMs: 100, reconnectDelayMaxMs: 1000, ackTimeoutMs: 4000 });
  opened.push(client);
  return client;
}

function connected(client: IMClient): Promise<void> {
  return new Promise((resolve) => client.once('connected', () => resolve()));
}

/** What a view of the conversation shows now: stored messages by seq. */
function viewOf(client: IMClient, conversationId: string): Promise<CachedMessage[]> {
  return new Promise((resolve) => {
    const stop = client.messages.observe(conversationId, 100_000, (messages) => {
      stop();
      resolve(messages.filter((message) => message.seq !== undefined));
    });
  });
}

/** Every message the server has for this reader, oldest first (the fresh load). */
async function freshLoad(server: TestServer, userId: string, conversationId: string): Promise<Array<{ seq: number; content: unknown }>> {
  const { socket } = await connectUser(server, await ticketFor(server, userId));
  const all: Array<{ seq: number; content: unknown }> = [];
  let after = 0;
  for (;;) {
    const page = await requestOk<HistoryPage>(socket, 'message:history', { conversationId, after, limit: 100 });
    all.push(...page.messages.map((message: StoredMessage) => ({ seq: message.seq, content: message.content })));
    if (!page.hasMore) break;
    after = page.messages.at(-1)!.seq;
  }
  socket.disconnect();
  return all;
}

async function run(refuseWebSocket: boolean): Promise<void> {
  const server = await startServer({ maxConnectionsPerUser: 50 });
  const token = await bindRoom(server, 'hall');
  proxy = await startChaosProxy({
    target: server.url,
    holdMs: 120,
    refuseWebSocket,
    // Long-polling opens a connection per request, each short-lived: cut them early or never.
    ...(refuseWebSocket ? { cutAfterMs: [0, 2000] as [number, number] } : {}),
  });
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (id) => signedIn(proxy!.url, await ticketFor(server, id))));
  await Promise.all([alice!, bob!, carol!].map((client) => {
    const ready = connected(client);
    client.connect();
    return ready;
  }));
  const direct = (await alice!.conversations.openDirect('bob')).id;
  const group = (await alice!.conversations.createGroup('Crew', ['bob', 'carol'])).id;
  for (const client of [alice!, bob!, carol!]) await client.conversations.joinRoom('hall', token);
  const room = 'room:hall';

  // A guest of the room on the CC API: its arrivals, in order, as its page sees them.
  const guestArrivals: number[] = [];
  const guest = new CCIMManager({ token, userId: 'g2', server: proxy.url });
  opened.push({ close: () => guest.release() });
  guest.onMessage = (data: CCIMMessage) => {
    if (data.type === 'reliable' && data.seq !== undefined) guestArrivals.push(data.seq);
  };
  const guestSender = new CCIMManager({ token, userId: 'g1', server: proxy.url });
  opened.push({ close: () => guestSender.release() });
  await new Promise<void>((resolve) => {
    guest.connect = () => resolve();
    guest.initCCIM();
  });
  await new Promise<void>((resolve) => {
    guestSender.connect = () => resolve();
    guestSender.initCCIM();
  });

  // Views make the receivers follow these conversations (as an open chat does).
  const watches = [
    bob!.messages.observe(direct, 50, () => undefined),
    bob!.messages.observe(group, 50, () => undefined),
    bob!.messages.observe(room, 50, () => undefined),
    carol!.messages.observe(group, 50, () => undefined),
    carol!.messages.observe(room, 50, () => undefined),
    alice!.messages.observe(direct, 50, () => undefined),
    alice!.messages.observe(group, 50, () => undefined),
  ];

  proxy.setChaos(true);
  const sends: Array<Promise<unknown>> = [];
  let queued = 0;
  const started = Date.now();
  for (let tick = 0; Date.now() - started < CHAOS_MS; tick += 1) {
    const n = tick;
    sends.push(alice!.messages.send(direct, `d${n}`), alice!.messages.send(group, `g${n}`));
    queued += 2;
    if (n % 2 === 0) {
      sends.push(alice!.messages.send(room, `r${n}`));
      queued += 1;
    }
    if (n % 3 === 0) {
      guestSender.sendReliableMessage({ n }, () => undefined);
      queued += 1;
    }
    // Readers read now and then (it may fail on a cut; the list and receipts must still converge).
    if (n % 25 === 0) {
      void bob!.conversations.markRead(direct).catch(() => undefined);
      void carol!.conversations.markRead(group).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  proxy.setChaos(false);
  const stats = proxy.stats();
  assert.ok(stats.cuts >= 10, `only ${stats.cuts} cuts: the chaos did not bite`);
  assert.ok(queued >= 500, `only ${queued} messages`);
  await Promise.all(sends);

  // Settled: every receiver holds what a fresh load of each conversation shows.
  const expectations: Array<[IMClient, string, string]> = [
    [bob!, 'bob', direct],
    [bob!, 'bob', group],
    [bob!, 'bob', room],
    [carol!, 'carol', group],
    [carol!, 'carol', room],
    [alice!, 'alice', direct],
  ];
  for (const [client, userId, conversationId] of expectations) {
    const truth = await freshLoad(server, userId, conversationId);
    const same = async () => {
      const view = await viewOf(client, conversationId);
      return JSON.stringify(view.map((message) => [message.seq, message.content])) === JSON.stringify(truth.map((message) => [message.seq, message.content]));
    };
    await until(same, `${userId} in ${conversationId} equals a fresh load (${truth.length} messages)`, SETTLE_MS);
  }
  const roomTruth = (await freshLoad(server, 'carol', room)).map((message) => message.seq);
  await until(() => guestArrivals.length >= roomTruth.length, 'the guest has the room', SETTLE_MS);
  assert.deepEqual(guestArrivals, roomTruth, 'the guest got every room message once, in order');

  // Unread counts and receipts converge with the server's.
  await bob!.conversations.markRead(direct);
  await carol!.conversations.markRead(group);
  const { socket: witness } = await connectUser(server, await ticketFor(server, 'bob'));
  const summaries = (await requestOk<{ conversations: ConversationSummary[] }>(witness, 'conversation:sync', {})).conversations;
  for (const conversationId of [direct, group, room]) {
    const server_ = summaries.find((summary) => summary.id === conversationId)!;
    await until(async () => {
      const cached = await bob!.conversations.get(conversationId);
      return cached?.unreadCount === server_.unreadCount && cached.readSeq === server_.readSeq && cached.lastSeq === server_.lastSeq;
    }, `bob's ${conversationId} list entry converges`, SETTLE_MS);
  }
  const { receipts } = await requestOk<{ receipts: Array<{ userId: string; readSeq: number; deliveredSeq: number }> }>(witness, 'conversation:receipts', { conversationId: direct });
  const bobReceipt = receipts.find((receipt) => receipt.userId === 'bob')!;
  await until(async () => {
    const seen = (await alice!.conversations.get(direct))?.receipts?.bob;
    return seen?.readSeq === bobReceipt.readSeq;
  }, 'alice sees how far bob read', SETTLE_MS);
  witness.disconnect();
  for (const stop of watches) stop();
}

describe('signed-in users and guests chatting through a bad network for a minute', () => {
  test('WebSocket: direct, group and room converge on a fresh load; unread counts and receipts too', { timeout: 240_000 }, async () => {
    await run(false);
  });

  test('long-polling only: direct, group and room converge on a fresh load; unread counts and receipts too', { timeout: 240_000 }, async () => {
    await run(true);
  });
});
