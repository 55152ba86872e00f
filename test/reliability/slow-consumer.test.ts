/**
 * A connection that stops reading must not cost the server unbounded memory nor slow anyone
 * else: its queue is capped, it is closed like a network failure, and when it comes back it
 * fetches what it missed. The stalled reader here is a long-polling client that stops polling
 * (nothing is buffered in the kernel for it, so every packet queues on the server at once), in
 * a group of 2,000 members.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { LIMITS } from '../../src/protocol/limits.js';
import type { HistoryPage, StoredMessage } from '../../src/protocol/models.js';
import { cleanup, payloads, requestOk, signIn, startServer, ticketFor, uuid, waitFor, type TestServer } from '../server/helpers.js';

afterEach(cleanup);

/** An Engine.IO long-polling session that reads until told to stop. */
async function pollingSession(server: TestServer, ticket: string) {
  const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const { sid } = JSON.parse(open.slice(1)) as { sid: string };
  const url = `${base}&sid=${sid}`;
  const posted = await fetch(url, { method: 'POST', body: `40${JSON.stringify({ ticket })}` });
  assert.equal(await posted.text(), 'ok');
  let received = '';
  // Poll until the session is ready: the CONNECT answer and session:ready.
  while (!received.includes('session:ready')) received += await (await fetch(url)).text();
  return { sid, received };
}

describe('a reader that stopped reading', () => {
  test('is closed once its queue passes the limit, others get everything meanwhile, and it resyncs when back', async () => {
    // The owner writes over many connections at once (each has its own send rate).
    const server = await startServer({ maxConnectionsPerUser: 100 });
    const owner = await signIn(server, 'owner');
    const members = Array.from({ length: 1999 }, (_, index) => `m${index}`);
    const { id } = await requestOk<{ id: string }>(owner.socket, 'conversation:create-group', { name: 'Big', members });
    const fast = await signIn(server, 'm1');
    const slowTicket = await ticketFor(server, 'm0');
    const slow = await pollingSession(server, slowTicket);
    const slowSocket = () => [...server.app.io.of('/').sockets.values()].find((socket) => (socket.conn as unknown as { id: string }).id === slow.sid);
    assert.ok(slowSocket(), 'the stalled reader is connected');

    // More than the limit: spread over several sending connections (each has its own rate).
    const total = LIMITS.OUTBOUND_QUEUE_MAX_PACKETS + 200;
    const writers = await Promise.all(Array.from({ length: Math.ceil(total / LIMITS.SEND_BURST) }, async () => signIn(server, 'owner')));
    let peakQueue = 0;
    const watch = setInterval(() => {
      peakQueue = Math.max(peakQueue, ((slowSocket()?.conn as unknown as { writeBuffer?: unknown[] })?.writeBuffer?.length ?? 0));
    }, 10);
    let sent = 0;
    await Promise.all(
      writers.map(async (writer) => {
        for (let n = 0; n < LIMITS.SEND_BURST && sent < total; n += 1) {
          sent += 1;
          await requestOk(writer.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: `n${sent}` } });
        }
      }),
    );
    // The fast member hears every message; the stalled one is dropped within the next sweep.
    await waitFor(fast.socket, () => payloads(fast.socket, 'message:created').length >= total, 'every message at the fast member', 20_000);
    const deadline = Date.now() + 5000;
    while (slowSocket() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    clearInterval(watch);
    assert.equal(slowSocket(), undefined, 'the stalled reader was closed');
    // Checked every second: what arrives within one sweep on top of the limit, no more.
    assert.ok(peakQueue > LIMITS.OUTBOUND_QUEUE_MAX_PACKETS / 2, `the stalled reader's queue filled (peak ${peakQueue})`);
    assert.ok(peakQueue <= total, `its queue stayed bounded (peak ${peakQueue})`);

    // Back again, it catches up from where it was: everything after the tip it had.
    const back = await signIn(server, 'm0');
    const seqs: number[] = [];
    let after = 0;
    for (;;) {
      const page = await requestOk<HistoryPage>(back.socket, 'message:history', { conversationId: id, after, limit: 100 });
      seqs.push(...page.messages.map((message: StoredMessage) => message.seq));
      if (!page.hasMore) break;
      after = page.messages.at(-1)!.seq;
    }
    assert.equal(seqs.length, total + 1, 'the group-created tip and every message');
  });
});
