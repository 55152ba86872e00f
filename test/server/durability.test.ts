import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Ack } from '../../src/protocol/ack.js';
import type { HistoryPage, JsonValue, SendResult, StoredMessage } from '../../src/protocol/models.js';
import {
  barrier,
  bindRoom,
  cleanup,
  connect,
  nextEvent,
  payloads,
  request,
  requestOk,
  rest,
  startServer,
  uuid,
  waitFor,
  type ClientSocket,
} from './helpers.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

async function send(socket: ClientSocket, content: unknown, clientMsgId = uuid(), extra: Record<string, unknown> = {}): Promise<SendResult> {
  return requestOk<SendResult>(socket, 'message:send', { content, clientMsgId, ...extra });
}

/** Every message the user can read in the connection's class, via paging (oldest first). */
async function readAll(socket: ClientSocket): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await requestOk<HistoryPage>(socket, 'message:history', { after, limit: 100 });
    all.push(...page.messages);
    if (!page.hasMore) return all;
    after = page.messages.at(-1)!.seq;
  }
}

describe('idempotency', () => {
  afterEach(cleanup);

  test('a retry with the same clientMsgId returns the original (duplicate: true), stores one message and notifies once', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    const alice = await connect(server, { token, userId: 'alice' });
    const alice2 = await connect(server, { token, userId: 'alice' });
    const bob = await connect(server, { token, userId: 'bob' });

    const clientMsgId = uuid();
    const first = await send(alice.socket, 'hello', clientMsgId);
    assert.equal(first.duplicate, false);
    const retry = await send(alice.socket, 'hello', clientMsgId);
    assert.deepEqual(retry, { ...first, duplicate: true });
    // Different content, another connection of the same user, upper case: still the original.
    assert.deepEqual(await send(alice.socket, 'changed', clientMsgId), { ...first, duplicate: true });
    assert.deepEqual(await send(alice2.socket, 'hello', clientMsgId), { ...first, duplicate: true });
    assert.deepEqual(await send(alice.socket, 'hello', clientMsgId.toUpperCase()), { ...first, duplicate: true });
    const next = await send(alice.socket, 'next');
    assert.equal(next.seq, first.seq + 1, 'duplicates do not use up a seq');

    await barrier(alice.socket, [bob.socket, alice2.socket]);
    for (const socket of [bob.socket, alice2.socket]) {
      assert.deepEqual(
        payloads<StoredMessage>(socket, 'message:created').map((message) => [message.seq, message.content]),
        [
          [1, 'hello'],
          [2, 'next'],
        ],
      );
    }
    const reader = await connect(server, { token, userId: 'carol' });
    assert.deepEqual(
      reader.session.history.map((message) => [message.seq, message.id, message.content, message.clientMsgId]),
      [
        [1, first.id, 'hello', clientMsgId],
        [2, next.id, 'next', reader.session.history[1]!.clientMsgId],
      ],
    );
  });

  test('the same clientMsgId sent twice at once is stored once', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    const alice = await connect(server, { token, userId: 'alice' });
    const bob = await connect(server, { token, userId: 'bob' });
    const clientMsgId = uuid();
    const acks = await Promise.all([
      send(alice.socket, 'twice', clientMsgId),
      send(alice.socket, 'twice', clientMsgId),
      send(alice.socket, 'twice', clientMsgId),
    ]);
    assert.equal(new Set(acks.map((ack) => ack.id)).size, 1);
    assert.deepEqual(
      acks.map((ack) => ack.seq),
      [1, 1, 1],
    );
    assert.deepEqual(
      acks.map((ack) => ack.duplicate),
      [false, true, true],
    );
    await barrier(alice.socket, [bob.socket]);
    assert.equal(payloads(bob.socket, 'message:created').length, 1);
    assert.equal((await readAll(bob.socket)).length, 1);
  });

  test('the same clientMsgId from another user is another message', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    const alice = await connect(server, { token, userId: 'alice' });
    const bob = await connect(server, { token, userId: 'bob' });
    const clientMsgId = uuid();
    const fromAlice = await send(alice.socket, 'from alice', clientMsgId);
    const fromBob = await send(bob.socket, 'from bob', clientMsgId);
    assert.equal(fromBob.duplicate, false);
    assert.notEqual(fromBob.id, fromAlice.id);
    assert.deepEqual([fromAlice.seq, fromBob.seq], [1, 2]);
    assert.equal((await nextEvent<StoredMessage>(alice.socket, 'message:created')).content, 'from bob');
    assert.deepEqual(
      (await readAll(alice.socket)).map((message) => [message.senderId, message.clientMsgId, message.content]),
      [
        ['~alice', clientMsgId, 'from alice'],
        ['~bob', clientMsgId, 'from bob'],
      ],
    );
  });

  test('the same clientMsgId sent at once by two users and in two rooms gives distinct messages', async () => {
    const server = await startServer();
    const tokenA = await bindRoom(server, 'room-a');
    const tokenB = await bindRoom(server, 'room-b');
    const aliceA = await connect(server, { token: tokenA, userId: 'alice' });
    const bobA = await connect(server, { token: tokenA, userId: 'bob' });
    const aliceB = await connect(server, { token: tokenB, userId: 'alice' });
    const clientMsgId = uuid();
    const [a1, b1, a2, a1again] = await Promise.all([
      send(aliceA.socket, 'alice in a', clientMsgId),
      send(bobA.socket, 'bob in a', clientMsgId),
      send(aliceB.socket, 'alice in b', clientMsgId),
      send(aliceA.socket, 'alice in a (retry)', clientMsgId),
    ]);
    assert.equal(new Set([a1!.id, b1!.id, a2!.id]).size, 3);
    assert.deepEqual([a1!.duplicate, b1!.duplicate, a2!.duplicate], [false, false, false]);
    assert.deepEqual(a1again, { ...a1!, duplicate: true });
    assert.deepEqual([a1!.seq, b1!.seq].sort(), [1, 2]);
    assert.equal(a2!.seq, 1);
    assert.deepEqual(
      (await readAll(bobA.socket)).map((message) => message.content).sort(),
      ['alice in a', 'bob in a'],
    );
    assert.deepEqual(
      (await readAll(aliceB.socket)).map((message) => message.content),
      ['alice in b'],
    );
  });

  test('the same clientMsgId in another room is another message', async () => {
    const server = await startServer();
    const inA = await connect(server, { token: await bindRoom(server, 'room-a'), userId: 'alice' });
    const inB = await connect(server, { token: await bindRoom(server, 'room-b'), userId: 'alice' });
    const clientMsgId = uuid();
    const a = await send(inA.socket, 'in a', clientMsgId);
    const b = await send(inB.socket, 'in b', clientMsgId);
    assert.equal(b.duplicate, false);
    assert.notEqual(a.id, b.id);
    assert.deepEqual((await readAll(inB.socket)).map((message) => message.content), ['in b']);
  });
});

describe('sequencing under concurrency', () => {
  afterEach(cleanup);

  for (const maxCommitBatch of [undefined, 1, 7]) {
    test(`5 clients × 20 concurrent sends → seqs exactly 1..100, delivered to every other client in seq order (commit batch ${maxCommitBatch ?? 'default'})`, async () => {
      const server = await startServer({}, maxCommitBatch === undefined ? {} : { maxCommitBatch });
      const token = await bindRoom(server, 'lobby');
      const clients = await Promise.all(range(1, 5).map((n) => connect(server, { token, userId: `user${n}` })));
      const results = await Promise.all(
        clients.map(({ socket }, client) =>
          Promise.all(range(1, 20).map((n) => send(socket, { client, n }))),
        ),
      );
      const all = results.flat();
      assert.deepEqual(
        all.map((result) => result.seq).sort((a, b) => a - b),
        range(1, 100),
      );
      assert.equal(new Set(all.map((result) => result.id)).size, 100);
      assert.ok(all.every((result) => result.duplicate === false));

      const byId = new Map(all.map((result) => [result.id, result]));
      for (const [index, { socket }] of clients.entries()) {
        const seqOfLast = Math.max(...results.filter((_, other) => other !== index).flat().map((result) => result.seq));
        await waitFor(socket, (entry) => entry.event === 'message:created' && (entry.args[0] as StoredMessage).seq === seqOfLast);
        const created = payloads<StoredMessage>(socket, 'message:created');
        assert.equal(created.length, 80, 'every message of the 4 others, once');
        assert.ok(created.every((message) => (message.content as { client: number }).client !== index));
        const createdSeqs = created.map((message) => message.seq);
        assert.deepEqual(createdSeqs, [...createdSeqs].sort((a, b) => a - b), 'live delivery in seq order');
        for (const message of created) assert.equal(byId.get(message.id)?.seq, message.seq);
      }
      const history = await readAll(clients[0]!.socket);
      assert.deepEqual(
        history.map((message) => message.seq),
        range(1, 100),
      );
      // Each client's messages keep their send order.
      for (const client of range(0, 4)) {
        const mine = history.filter((message) => (message.content as { client: number }).client === client);
        assert.deepEqual(
          mine.map((message) => (message.content as { n: number }).n),
          range(1, 20),
        );
      }
    });
  }
});

describe('restart durability', () => {
  afterEach(cleanup);

  const contentFor = (n: number): JsonValue => {
    switch (n % 5) {
      case 0:
        return `plain text ${n} — ünïcødé 🎉`;
      case 1:
        return { type: 'rich', n, nested: { list: [1, 'two', null, true, { deep: [n] }], empty: {} }, float: n / 3 };
      case 2:
        return [n, `${n}`, [], { a: null }];
      case 3:
        return n;
      default:
        return { quote: '"quoted" \\ back\nslash', n };
    }
  };

  test('50 acknowledged messages survive a restart with the same seqs, ids and contents; secrets persist', async () => {
    const server = await startServer();
    const adminKey = server.adminKey;
    const token = await bindRoom(server, 'lobby');
    // Two connections of the same user: one connection may send 40 at once (rate limit).
    const alice = await connect(server, { token, userId: 'alice', classId: 'class-1' });
    const alice2 = await connect(server, { token, userId: 'alice', classId: 'class-1' });
    const sent: Array<{ clientMsgId: string; content: JsonValue; result: SendResult }> = [];
    for (const n of range(1, 50)) {
      const clientMsgId = uuid();
      const content = contentFor(n);
      const extra = n % 10 === 0 ? { users: ['bob'] } : {};
      const socket = n <= 25 ? alice.socket : alice2.socket;
      sent.push({ clientMsgId, content, result: await send(socket, content, clientMsgId, extra) });
    }
    assert.deepEqual(
      sent.map((entry) => entry.result.seq),
      range(1, 50),
    );
    const before = await readAll(alice.socket);
    assert.equal(before.length, 50);

    await server.restart();
    assert.equal(server.adminKey, adminKey, 'the admin key persists');
    // Connections are dropped as a transport loss, so that real clients reconnect.
    assert.equal(await nextEvent(alice.socket, 'disconnect'), 'transport close');

    // The old token still connects (the token secret persists) and the history is intact.
    const again = await connect(server, { token, userId: 'alice', classId: 'class-1' });
    const after = await readAll(again.socket);
    assert.deepEqual(after, before);
    for (const [index, message] of after.entries()) {
      const original = sent[index]!;
      assert.equal(message.seq, original.result.seq);
      assert.equal(message.id, original.result.id);
      assert.equal(message.time, original.result.time);
      assert.equal(message.clientMsgId, original.clientMsgId);
      assert.deepEqual(message.content, original.content);
      assert.deepEqual(message.recipients, (index + 1) % 10 === 0 ? ['bob', '~bob'] : null);
      assert.equal(message.classId, 'class-1');
    }
    // Targeted messages stay private after the restart.
    const carol = await connect(server, { token, userId: 'carol', classId: 'class-1' });
    assert.equal((await readAll(carol.socket)).length, 45);
    assert.equal(carol.session.history.length, 45);

    // Idempotency and seq continue across the restart.
    const retry = await send(again.socket, 'whatever', sent[7]!.clientMsgId);
    assert.deepEqual(retry, { ...sent[7]!.result, duplicate: true });
    const next = await send(again.socket, 'after restart');
    assert.equal(next.seq, 51);

    // The admin key from before works for REST after the restart.
    const rebind = await rest(server, 'POST', '/v1/room-binding', { key: adminKey, body: JSON.stringify({ roomId: 'lobby' }) });
    assert.equal(rebind.status, 200);
  });

  test('a configured admin key is used instead of a generated one, and a generated one is kept in the data dir', async () => {
    const configured = await startServer({ adminKey: 'configured-admin-key-123' });
    assert.equal(configured.adminKey, 'configured-admin-key-123');
    assert.equal((await rest(configured, 'POST', '/v1/room-binding', { body: JSON.stringify({ roomId: 'r' }) })).status, 200);

    const generated = await startServer();
    const key = generated.adminKey;
    assert.ok(key.length >= 16);
    await generated.restart();
    assert.equal(generated.adminKey, key);
    const response = await rest(generated, 'POST', '/v1/room-binding', { key, body: JSON.stringify({ roomId: 'r' }) });
    assert.equal(response.status, 200);
  });

  test('sends in flight during a shutdown: every acknowledged message survives, retries make the rest exactly-once', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    const writers = await Promise.all(range(1, 4).map((n) => connect(server, { token, userId: `writer${n}` })));
    const attempts = writers.flatMap(({ socket }, writer) =>
      range(1, 30).map((n) => ({ writer, socket, clientMsgId: uuid(), content: `w${writer}-${n}` })),
    );
    const inFlight = attempts.map((attempt) =>
      request<SendResult>(attempt.socket, 'message:send', { content: attempt.content, clientMsgId: attempt.clientMsgId }).catch(
        (error: Error) => ({ ok: false, error: { code: 'LOST', message: error.message } }) as unknown as Ack<SendResult>,
      ),
    );
    // Shut down while the sends are on their way: as soon as the first one is acknowledged.
    await Promise.race(inFlight);
    await server.restart();
    const acks = await Promise.all(inFlight);
    const acked = new Map<string, SendResult>();
    acks.forEach((ack, index) => {
      if (ack.ok) acked.set(attempts[index]!.clientMsgId, ack.data);
    });

    // Every acknowledged message is there, unchanged.
    const reader = await connect(server, { token, userId: 'reader' });
    const stored = await readAll(reader.socket);
    for (const message of stored) {
      const ack = acked.get(message.clientMsgId);
      if (ack) assert.deepEqual([message.id, message.seq, message.time], [ack.id, ack.seq, ack.time]);
    }
    const storedIds = new Set(stored.map((message) => message.clientMsgId));
    for (const clientMsgId of acked.keys()) assert.ok(storedIds.has(clientMsgId), 'acknowledged ⇒ stored');

    // Clients retry what was not acknowledged, with the same clientMsgId.
    const reconnected = await Promise.all(range(1, 4).map((n) => connect(server, { token, userId: `writer${n}` })));
    const pending = attempts.filter((attempt) => !acked.has(attempt.clientMsgId));
    for (const attempt of pending) {
      const result = await send(reconnected[attempt.writer]!.socket, attempt.content, attempt.clientMsgId);
      assert.equal(result.duplicate, storedIds.has(attempt.clientMsgId), 'duplicate exactly when it was stored before');
    }
    const final = await readAll(reader.socket);
    assert.deepEqual(
      final.map((message) => message.seq),
      range(1, attempts.length),
    );
    assert.deepEqual(
      final.map((message) => message.content).sort(),
      attempts.map((attempt) => attempt.content).sort(),
      'every message exactly once',
    );
  });
});
