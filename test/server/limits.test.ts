import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Ack } from '../../src/protocol/ack.js';
import { ERROR_CODES, type ErrorPayload } from '../../src/protocol/errors.js';
import type { HistoryPage, SendResult, SignalMessage, StoredMessage } from '../../src/protocol/models.js';
import {
  barrier,
  bindRoom,
  cleanup,
  connect,
  contentOfBytes,
  nextEvent,
  payloads,
  request,
  requestError,
  requestOk,
  startServer,
  uuid,
  waitFor,
  type ConnectAuth,
  type TestServer,
} from './helpers.js';

const LIMIT = 16 * 1024;

let server: TestServer;
let token: string;

const join = async (userId: string, extra: Partial<ConnectAuth> = {}) => connect(server, { token, userId, ...extra });

/** The three kinds of send, as request payloads for a given content. */
const sends: Array<{ event: string; payload: (content: unknown) => Record<string, unknown> }> = [
  { event: 'signal:broadcast', payload: (content) => ({ content }) },
  { event: 'signal:send', payload: (content) => ({ content, users: ['bob'] }) },
  { event: 'message:send', payload: (content) => ({ content, clientMsgId: uuid() }) },
];

/** A fresh pair in the room proves the server still works: a stored message goes from one to the other. */
async function assertServerHealthy(label: string): Promise<void> {
  const sender = await join('healthy-sender');
  const receiver = await join('healthy-receiver');
  const content = `still alive after ${label}`;
  const result = await requestOk<SendResult>(sender.socket, 'message:send', { content, clientMsgId: uuid() });
  const created = await nextEvent<StoredMessage>(receiver.socket, 'message:created');
  assert.equal(created.content, content);
  assert.equal(created.seq, result.seq);
  await requestOk(sender.socket, 'signal:broadcast', { content });
  assert.equal((await nextEvent<SignalMessage>(receiver.socket, 'signal:received')).content, content);
  sender.socket.disconnect();
  receiver.socket.disconnect();
}

describe('limits', () => {
  beforeEach(async () => {
    server = await startServer();
    token = await bindRoom(server, 'lobby');
  });
  afterEach(cleanup);

  test('content of exactly 16384 serialized bytes is accepted by every kind of send; one byte more → CONTENT_TOO_LARGE', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const ascii = contentOfBytes(LIMIT);
    const multibyte = 'é'.repeat((LIMIT - 2) / 2); // 2 bytes per character in UTF-8
    const object = { text: 'y'.repeat(LIMIT - '{"text":""}'.length) };
    for (const content of [ascii, multibyte, object]) assert.equal(Buffer.byteLength(JSON.stringify(content)), LIMIT);
    const tooLarge = [contentOfBytes(LIMIT + 1), `${multibyte}a`, { text: `${object.text}z` }];
    for (const content of tooLarge) assert.equal(Buffer.byteLength(JSON.stringify(content)), LIMIT + 1);
    assert.ok(`${multibyte}a`.length < LIMIT / 2 + 2, 'bytes are counted, not characters');

    for (const { event, payload } of sends) {
      for (const content of [ascii, multibyte, object]) {
        await requestOk(alice.socket, event, payload(content));
        if (event === 'message:send') {
          assert.deepEqual((await nextEvent<StoredMessage>(bob.socket, 'message:created')).content, content);
        } else {
          assert.deepEqual((await nextEvent<SignalMessage>(bob.socket, 'signal:received')).content, content);
        }
      }
      for (const content of tooLarge) {
        const error = await requestError(alice.socket, event, payload(content));
        assert.equal(error.code, ERROR_CODES.CONTENT_TOO_LARGE, event);
        assert.deepEqual(error.details, { size: LIMIT + 1, limit: LIMIT });
      }
    }
    // Only the three accepted stored messages exist.
    const reader = await join('reader');
    assert.deepEqual(
      reader.session.history.map((message) => message.seq),
      [1, 2, 3],
    );
  });

  test('the biggest valid request (full content, 500 recipients of 32 characters) fits into a packet', async () => {
    const alice = await join('alice');
    const users = Array.from({ length: 500 }, (_, index) => `u${String(index).padStart(31, '0')}`);
    const target = await join(users[499]!);
    const content = contentOfBytes(LIMIT);
    const result = await requestOk<SendResult>(alice.socket, 'message:send', { content, users, clientMsgId: uuid() });
    const created = await nextEvent<StoredMessage>(target.socket, 'message:created');
    assert.equal(created.seq, result.seq);
    // From a guest, each plain id names the signed-in user and the guest of that id.
    assert.equal(created.recipients?.length, 1000);
    await requestOk(alice.socket, 'signal:send', { content, users });
    assert.equal((await nextEvent<SignalMessage>(target.socket, 'signal:received')).content, content);
    // Every listed recipient (first, middle, last) can read it later; others cannot.
    for (const userId of [users[0]!, users[250]!, users[499]!, 'alice']) {
      const reader = await join(userId);
      assert.deepEqual(reader.session.history.map((message) => message.seq), [result.seq], userId);
      reader.socket.disconnect();
    }
    assert.deepEqual((await join('outsider')).session.history, []);
  });

  test('empty content (missing, null, empty string) → CONTENT_EMPTY for every kind of send; 0, false, {} and [] are content', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    for (const { event, payload } of sends) {
      for (const content of [undefined, null, '']) {
        const body = payload(content);
        if (content === undefined) delete body.content;
        assert.equal((await requestError(alice.socket, event, body)).code, ERROR_CODES.CONTENT_EMPTY, `${event} ${content}`);
      }
    }
    for (const content of [0, false, {}, []]) {
      await requestOk(alice.socket, 'message:send', { content, clientMsgId: uuid() });
      assert.deepEqual((await nextEvent<StoredMessage>(bob.socket, 'message:created')).content, content);
    }
  });

  test('500 recipients are accepted, 501 → TOO_MANY_RECIPIENTS', async () => {
    const alice = await join('alice');
    const users = (count: number) => Array.from({ length: count }, (_, index) => `user${index}`);
    const last = await join('user499');

    await requestOk(alice.socket, 'signal:send', { content: 'hi 500', users: users(500) });
    assert.equal((await nextEvent<SignalMessage>(last.socket, 'signal:received')).content, 'hi 500');
    const stored = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'hi 500', users: users(500), clientMsgId: uuid() });
    assert.equal((await nextEvent<StoredMessage>(last.socket, 'message:created')).seq, stored.seq);

    for (const event of ['signal:send', 'message:send']) {
      const error = await requestError(alice.socket, event, { content: 'hi 501', users: users(501), clientMsgId: uuid() });
      assert.equal(error.code, ERROR_CODES.TOO_MANY_RECIPIENTS, event);
      assert.deepEqual(error.details, { count: 501, limit: 500 });
    }
    // Duplicates count as listed: 501 entries are too many even when fewer are distinct.
    const error = await requestError(alice.socket, 'signal:send', { content: 'dup', users: [...users(500), 'user0'] });
    assert.equal(error.code, ERROR_CODES.TOO_MANY_RECIPIENTS);
  });

  test('invalid ids inside users → INVALID_USER_ID; users of the wrong shape → INVALID_PAYLOAD', async () => {
    const alice = await join('alice');
    for (const users of [['bob', 'a b'], [''], ['é'], [42], ['x'.repeat(33)], 'a b', [null], [['bob']]]) {
      for (const event of ['signal:send', 'message:send']) {
        const error = await requestError(alice.socket, event, { content: 'hi', users, clientMsgId: uuid() });
        assert.equal(error.code, ERROR_CODES.INVALID_USER_ID, `${event} ${JSON.stringify(users)}`);
      }
    }
    for (const users of [42, {}, true]) {
      const error = await requestError(alice.socket, 'message:send', { content: 'hi', users, clientMsgId: uuid() });
      assert.equal(error.code, ERROR_CODES.INVALID_PAYLOAD, `message:send ${JSON.stringify(users)}`);
    }
    // A custom command needs recipients.
    for (const users of [undefined, null, [], 42]) {
      const error = await requestError(alice.socket, 'signal:send', { content: 'hi', users });
      assert.equal(error.code, ERROR_CODES.INVALID_PAYLOAD, `signal:send ${JSON.stringify(users)}`);
    }
  });

  test('a bad clientMsgId → INVALID_CLIENT_MSG_ID', async () => {
    const alice = await join('alice');
    const id = uuid();
    for (const clientMsgId of [undefined, null, '', 'abc', 42, id.replaceAll('-', ''), `${id}0`, ` ${id}`, id.replace(/[0-9a-f]$/, 'g'), [id]]) {
      const error = await requestError(alice.socket, 'message:send', { content: 'hi', clientMsgId });
      assert.equal(error.code, ERROR_CODES.INVALID_CLIENT_MSG_ID, JSON.stringify(clientMsgId));
    }
    // Any UUID version and upper case are fine.
    await requestOk(alice.socket, 'message:send', { content: 'hi', clientMsgId: id.toUpperCase() });
    await requestOk(alice.socket, 'message:send', { content: 'hi', clientMsgId: '00000000-0000-0000-0000-000000000000' });
  });

  test('failed sends change nothing: no event, no history entry, and the next good message has the next seq', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const first = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'first', clientMsgId: uuid() });
    assert.equal(first.seq, 1);
    const bad: unknown[] = [
      { content: contentOfBytes(LIMIT + 1), clientMsgId: uuid() },
      { content: '', clientMsgId: uuid() },
      { content: 'x', clientMsgId: 'nope' },
      { content: 'x', clientMsgId: uuid(), users: Array.from({ length: 501 }, (_, index) => `u${index}`) },
      { content: 'x', clientMsgId: uuid(), users: ['bad id'] },
      { content: 'x', clientMsgId: uuid(), classId: 'c'.repeat(65) },
      { content: 'x', clientMsgId: uuid(), classId: 5 },
      null,
      'x',
      [{ content: 'x', clientMsgId: uuid() }],
    ];
    for (const payload of bad) {
      const ack = await request(alice.socket, 'message:send', payload);
      assert.equal(ack.ok, false, JSON.stringify(payload).slice(0, 80));
    }
    const second = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'second', clientMsgId: uuid() });
    assert.equal(second.seq, 2);
    await barrier(alice.socket, [bob.socket]);
    assert.deepEqual(
      payloads<StoredMessage>(bob.socket, 'message:created').map((message) => [message.seq, message.content]),
      [
        [1, 'first'],
        [2, 'second'],
      ],
    );
    const page = await requestOk<HistoryPage>(bob.socket, 'message:history', {});
    assert.deepEqual(
      page.messages.map((message) => message.content),
      ['first', 'second'],
    );
  });

  test('rate limit: a burst of 60 sends gets the first 40 through and RATE_LIMITED with retryAfterMs for the rest; another connection is unaffected', async () => {
    const alice = await join('alice');
    const alice2 = await join('alice');
    const bob = await join('bob');
    // Emit everything without awaiting in between: the server sees one burst per connection.
    const burst: Array<Promise<Ack<unknown>>> = [];
    const other: Array<Promise<Ack<unknown>>> = [];
    for (let index = 0; index < 60; index++) {
      burst.push(request(alice.socket, 'signal:broadcast', { content: `burst ${index}` }));
      if (index < 40) other.push(request(alice2.socket, 'signal:broadcast', { content: `other ${index}` }));
    }
    const acks = await Promise.all(burst);
    const otherAcks = await Promise.all(other);

    assert.ok(
      acks.slice(0, 40).every((ack) => ack.ok),
      'the first 40 (the burst size) are accepted',
    );
    const limited = acks.filter((ack): ack is { ok: false; error: ErrorPayload } => !ack.ok);
    const accepted = acks.filter((ack) => ack.ok).length;
    assert.ok(accepted >= 40, `accepted ${accepted}`);
    // 20 tokens per second: the burst takes far less than the 750 ms needed to refill 15 tokens.
    assert.ok(limited.length >= 15, `limited ${limited.length}`);
    for (const ack of limited) {
      assert.equal(ack.error.code, ERROR_CODES.RATE_LIMITED);
      const retryAfterMs = ack.error.details?.retryAfterMs;
      assert.equal(typeof retryAfterMs, 'number');
      assert.ok((retryAfterMs as number) > 0 && (retryAfterMs as number) <= 50, `retryAfterMs ${retryAfterMs}`);
    }
    // The same user's other connection has its own bucket.
    assert.ok(
      otherAcks.every((ack) => ack.ok),
      'another connection is not limited',
    );
    // Exactly the accepted broadcasts reached bob.
    const carol = await join('carol');
    await barrier(carol.socket, [bob.socket]);
    const fromAlice = payloads<SignalMessage>(bob.socket, 'signal:received')
      .map((signal) => String(signal.content))
      .filter((content) => content.startsWith('burst '));
    assert.deepEqual(
      fromAlice,
      acks.flatMap((ack, index) => (ack.ok ? [`burst ${index}`] : [])),
    );
  });

  test('malformed payloads get INVALID_PAYLOAD and never hurt the server or other clients', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const events = ['signal:broadcast', 'signal:send', 'message:send', 'session:update'];
    for (const event of events) {
      for (const payload of ['text', 42, true, null, [], [{ content: 'x', users: ['bob'], clientMsgId: uuid() }]]) {
        const error = await requestError(alice.socket, event, payload);
        assert.equal(error.code, ERROR_CODES.INVALID_PAYLOAD, `${event} ${JSON.stringify(payload)}`);
      }
      // An undefined payload arrives as null.
      assert.equal((await requestError(alice.socket, event, undefined)).code, ERROR_CODES.INVALID_PAYLOAD);
    }
    await barrier(bob.socket, [alice.socket]);
    assert.deepEqual(payloads(bob.socket, 'message:created'), []);
    await assertServerHealthy('malformed payloads');
  });

  test('requests without an ack callback are ignored (not executed) and never break the connection', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const raw = alice.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    raw.emit('message:send', { content: 'no ack', clientMsgId: uuid() });
    raw.emit('message:send', { content: 'ack is not a function', clientMsgId: uuid() }, 'callback');
    raw.emit('signal:broadcast', { content: 'no ack' });
    raw.emit('signal:send', { content: 'no ack', users: 'bob' });
    raw.emit('message:history', {});
    raw.emit('session:update', { classId: 'class-x' });
    raw.emit('signal:broadcast');
    // The next request on the same connection is processed after all of them.
    const result = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'with ack', clientMsgId: uuid() });
    assert.equal(result.seq, 1, 'the ack-less sends were not stored');
    await barrier(alice.socket, [bob.socket]);
    const created = payloads<StoredMessage>(bob.socket, 'message:created');
    assert.deepEqual(
      created.map((message) => message.content),
      ['with ack'],
    );
    assert.equal(created[0]!.classId, null, 'session:update without ack did not apply');
    assert.ok(payloads<SignalMessage>(bob.socket, 'signal:received').every((signal) => String(signal.content).startsWith('barrier-')));
    assert.equal(alice.socket.connected, true);
  });

  test('unknown events are ignored: no ack, the connection keeps working', async () => {
    const alice = await join('alice');
    let unknownAcked = false;
    const raw = alice.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    for (const event of ['nope', 'message:delete', 'admin:unbind', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      raw.emit(event, { content: 'x' }, () => {
        unknownAcked = true;
      });
    }
    // Processed after the unknown ones on the same connection.
    await requestOk(alice.socket, 'signal:broadcast', { content: 'after unknown events' });
    assert.equal(unknownAcked, false);
    assert.equal(alice.socket.connected, true);
    await assertServerHealthy('unknown events');
  });

  test('a packet larger than maxHttpBufferSize closes only that connection', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const raw = alice.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    raw.emit('signal:broadcast', { content: 'z'.repeat(64 * 1024) }, () => {});
    const reason = await nextEvent<string>(alice.socket, 'disconnect');
    assert.equal(alice.socket.connected, false);
    assert.match(reason, /transport (close|error)/);
    // Bob never got the oversized broadcast and keeps working.
    const carol = await join('carol');
    await barrier(carol.socket, [bob.socket]);
    assert.ok(payloads<SignalMessage>(bob.socket, 'signal:received').every((signal) => String(signal.content).startsWith('barrier-')));
    assert.equal(bob.socket.connected, true);
    await assertServerHealthy('an oversized packet');
    // The same user simply reconnects.
    await join('alice');
  });

  test('garbage at the Socket.IO packet level closes only that connection', async () => {
    const bob = await join('bob');
    // Socket.IO packets (the engine.io framing is added by write()): type 2 is an event.
    const garbage = ['2not json', '2{"a":1}', '2[]', '2[42,{}]', '2[null]', '9', '', '4{}', '2["signal:broadcast",{"content":"x"}', '1/nope,', '2["disconnect"]', '2["disconnecting",{}]', '2["newListener","x"]'];
    for (const packet of garbage) {
      const alice = await join('alice');
      const engine = (alice.socket as unknown as { io: { engine: { write(data: string): void } } }).io.engine;
      engine.write(packet);
      // Either the server drops the connection or it ignores the packet; both leave it healthy.
      const outcome = await Promise.race([
        nextEvent(alice.socket, 'disconnect').then(() => 'disconnected'),
        requestOk(alice.socket, 'signal:broadcast', { content: `after ${packet}` }).then(
          () => 'ignored',
          () => 'disconnected',
        ),
      ]);
      assert.equal(outcome === 'ignored' ? alice.socket.connected : !alice.socket.connected, true, `${packet}: ${outcome}`);
      await barrier(bob.socket, []);
      alice.socket.disconnect();
    }
    await assertServerHealthy('garbage packets');
  });

  test('deeply nested content that cannot be re-serialized is refused with INVALID_PAYLOAD', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    // Built by hand: the Socket.IO client itself cannot encode such a value.
    const depth = 7000;
    const nested = `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
    const engine = (alice.socket as unknown as { io: { engine: { write(data: string): void; on(event: string, fn: (packet: { data?: unknown }) => void): void } } }).io
      .engine;
    const ackId = 987654;
    const reply = new Promise<string>((resolve) => {
      engine.on('packet', (packet) => {
        if (typeof packet.data === 'string' && packet.data.startsWith(`3${ackId}`)) resolve(packet.data);
      });
    });
    engine.write(`2${ackId}["message:send",{"clientMsgId":"${uuid()}","content":${nested}}]`);
    const ack = JSON.parse((await reply).slice(`3${ackId}`.length)) as [Ack<unknown>];
    assert.equal(ack[0].ok, false);
    assert.equal((ack[0] as { error: ErrorPayload }).error.code, ERROR_CODES.INVALID_PAYLOAD);
    const result = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'next', clientMsgId: uuid() });
    assert.equal(result.seq, 1);
    assert.equal((await nextEvent<StoredMessage>(bob.socket, 'message:created')).content, 'next');
    await assertServerHealthy('deep nesting');
  });
});

describe('rate limit (controlled clock)', () => {
  afterEach(cleanup);

  test('exactly SEND_BURST sends pass, refill is 20 per second, failed attempts store nothing', async () => {
    let now = 1_700_000_000_000;
    server = await startServer({}, { clock: () => now });
    token = await bindRoom(server, 'lobby');
    const alice = await join('alice');
    const bob = await join('bob');

    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, index) => request<SendResult>(alice.socket, 'message:send', { content: `m${index}`, clientMsgId: uuid() })),
    );
    const okSeqs = burst.flatMap((ack) => (ack.ok ? [ack.data.seq] : []));
    assert.equal(okSeqs.length, 40);
    assert.deepEqual(
      burst.map((ack) => ack.ok),
      [...Array(40).fill(true), ...Array(20).fill(false)],
    );
    assert.deepEqual(
      [...okSeqs].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, index) => index + 1),
    );
    for (const ack of burst.slice(40)) {
      assert.equal(ack.ok, false);
      if (!ack.ok) assert.deepEqual(ack.error.details, { retryAfterMs: 50 });
    }
    // All kinds of send share the bucket; history has its own.
    assert.equal((await requestError(alice.socket, 'signal:broadcast', { content: 'x' })).code, ERROR_CODES.RATE_LIMITED);
    assert.equal((await requestError(alice.socket, 'signal:send', { content: 'x', users: 'bob' })).code, ERROR_CODES.RATE_LIMITED);
    assert.equal((await requestOk<HistoryPage>(alice.socket, 'message:history', { limit: 100 })).messages.length, 40);

    now += 49;
    assert.equal((await requestError(alice.socket, 'signal:broadcast', { content: 'x' })).code, ERROR_CODES.RATE_LIMITED);
    now += 2;
    const next = await requestOk<SendResult>(alice.socket, 'message:send', { content: 'after refill', clientMsgId: uuid() });
    assert.equal(next.seq, 41, 'no hole after the rejected sends');
    assert.equal((await requestError(alice.socket, 'signal:broadcast', { content: 'x' })).code, ERROR_CODES.RATE_LIMITED);

    // A long pause refills to the burst size, not more.
    now += 60_000;
    const again = await Promise.all(
      Array.from({ length: 41 }, (_, index) => request(alice.socket, 'signal:broadcast', { content: `again ${index}` })),
    );
    assert.equal(again.filter((ack) => ack.ok).length, 40);
    assert.equal(again[40]!.ok, false);

    await waitFor(bob.socket, (entry) => entry.event === 'message:created' && (entry.args[0] as StoredMessage).seq === 41);
    assert.equal(payloads(bob.socket, 'message:created').length, 41);
  });
});
