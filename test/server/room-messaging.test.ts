import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import type { HistoryPage, SendResult, SignalMessage, StoredMessage } from '../../src/protocol/models.js';
import { createSqliteStore } from '../../src/server/store/sqlite.js';
import {
  barrier,
  bindRoom,
  cleanup,
  connect,
  createSocket,
  nextEvent,
  payloads,
  received,
  requestError,
  requestOk,
  startServer,
  uuid,
  waitFor,
  type ClientSocket,
  type ConnectAuth,
  type TestServer,
} from './helpers.js';

let server: TestServer;
let token: string;

const join = async (userId: string, extra: Partial<ConnectAuth> = {}) => connect(server, { token, userId, ...extra });

async function send(socket: ClientSocket, content: unknown, extra: Record<string, unknown> = {}): Promise<SendResult> {
  return requestOk<SendResult>(socket, 'message:send', { content, clientMsgId: uuid(), ...extra });
}

/** Sends `count` messages "m1".."mN" one after another, spreading them over fresh connections (rate limit). */
async function sendNumbered(count: number, userId = 'writer'): Promise<SendResult[]> {
  const results: SendResult[] = [];
  let socket: ClientSocket | undefined;
  for (let index = 1; index <= count; index++) {
    if ((index - 1) % 40 === 0) {
      socket?.disconnect();
      socket = (await join(userId)).socket;
    }
    results.push(await send(socket!, `m${index}`));
  }
  socket?.disconnect();
  return results;
}

const seqs = (messages: StoredMessage[]) => messages.map((message) => message.seq);
const contents = (messages: StoredMessage[]) => messages.map((message) => message.content);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('room messaging', () => {
  beforeEach(async () => {
    server = await startServer();
    token = await bindRoom(server, 'lobby');
  });
  afterEach(cleanup);

  test('a broadcast reaches every other connection in the room (also the sender’s other one), never the sender’s socket, and is not stored', async () => {
    const alice = await join('alice');
    const alice2 = await join('alice');
    const bob = await join('bob');
    const carol = await join('carol');

    const before = Date.now();
    const ack = await requestOk<{ time: number }>(alice.socket, 'signal:broadcast', { content: { text: 'hello', n: [1, 2] } });
    const after = Date.now();
    assert.ok(ack.time >= before && ack.time <= after, 'server time');

    for (const { socket } of [alice2, bob, carol]) {
      const signal = await nextEvent<SignalMessage>(socket, 'signal:received');
      assert.deepEqual(signal, {
        kind: 'room',
        conversationId: alice.session.conversationId,
        senderId: '~alice',
        content: { text: 'hello', n: [1, 2] },
        time: ack.time,
      });
    }
    // Bob's marker reaches alice's socket after anything alice's broadcast could have caused.
    await barrier(bob.socket, [alice.socket]);
    assert.deepEqual(
      payloads<SignalMessage>(alice.socket, 'signal:received').filter((signal) => signal.senderId === '~alice'),
      [],
    );
    // Not stored.
    const late = await join('dave');
    assert.deepEqual(late.session.history, []);
    assert.deepEqual(await requestOk<HistoryPage>(late.socket, 'message:history', {}), { messages: [], hasMore: false, through: 0 });
  });

  test('a custom command reaches only the listed users’ connections (one id or a list)', async () => {
    const alice = await join('alice');
    const alice2 = await join('alice');
    const bob = await join('bob');
    const bob2 = await join('bob');
    const carol = await join('carol');
    const dave = await join('dave');
    const everyone = [alice, alice2, bob, bob2, carol, dave];
    const commandsOf = (socket: ClientSocket) =>
      payloads<SignalMessage>(socket, 'signal:received')
        .filter((signal) => signal.kind === 'custom')
        .map((signal) => signal.content);

    const ack = await requestOk<{ time: number }>(alice.socket, 'signal:send', { content: 'to bob', users: 'bob' });
    assert.equal(typeof ack.time, 'number');
    await requestOk(alice.socket, 'signal:send', { content: 'to bob and carol', users: ['bob', 'carol', 'bob'] });
    await requestOk(alice.socket, 'signal:send', { content: 'to myself', users: ['alice'] });
    await requestOk(alice.socket, 'signal:send', { content: 'to nobody here', users: ['zed'] });
    await barrier(dave.socket, everyone.filter((c) => c !== dave).map((c) => c.socket));
    await barrier(alice.socket, [dave.socket]);

    assert.deepEqual(commandsOf(bob.socket), ['to bob', 'to bob and carol']);
    assert.deepEqual(commandsOf(bob2.socket), ['to bob', 'to bob and carol']);
    assert.deepEqual(commandsOf(carol.socket), ['to bob and carol']);
    assert.deepEqual(commandsOf(alice2.socket), ['to myself']);
    assert.deepEqual(commandsOf(alice.socket), []);
    assert.deepEqual(commandsOf(dave.socket), []);
    const signal = payloads<SignalMessage>(bob.socket, 'signal:received')[0]!;
    assert.deepEqual(signal, {
      kind: 'custom',
      conversationId: alice.session.conversationId,
      senderId: '~alice',
      content: 'to bob',
      time: ack.time,
    });
    // Not stored.
    assert.deepEqual((await join('bob')).session.history, []);
  });

  test('reliable messages get seq 1, 2, 3 without holes and server time, and reach everyone else in the room', async () => {
    const alice = await join('alice');
    const alice2 = await join('alice');
    const bob = await join('bob');

    const results: SendResult[] = [];
    const clientMsgIds: string[] = [];
    for (const content of ['one', { two: 2 }, [3, 'three']]) {
      const clientMsgId = uuid();
      clientMsgIds.push(clientMsgId);
      const before = Date.now();
      const result = await requestOk<SendResult>(alice.socket, 'message:send', { content, clientMsgId });
      const after = Date.now();
      assert.ok(result.time >= before && result.time <= after, 'server time');
      assert.equal(result.duplicate, false);
      assert.equal(typeof result.id, 'string');
      results.push(result);
    }
    assert.deepEqual(
      results.map((result) => result.seq),
      [1, 2, 3],
    );
    assert.equal(new Set(results.map((result) => result.id)).size, 3);

    for (const { socket } of [alice2, bob]) {
      const created = [
        await nextEvent<StoredMessage>(socket, 'message:created'),
        await nextEvent<StoredMessage>(socket, 'message:created'),
        await nextEvent<StoredMessage>(socket, 'message:created'),
      ];
      assert.deepEqual(created, [
        { id: results[0]!.id, conversationId: alice.session.conversationId, seq: 1, classId: null, senderId: '~alice', clientMsgId: clientMsgIds[0], content: 'one', recipients: null, time: results[0]!.time, type: 'custom', mentions: [], countsUnread: true, editedAt: null, recalled: null, reactions: {}, version: 0, replyTo: null, prev: 0 },
        { id: results[1]!.id, conversationId: alice.session.conversationId, seq: 2, classId: null, senderId: '~alice', clientMsgId: clientMsgIds[1], content: { two: 2 }, recipients: null, time: results[1]!.time, type: 'custom', mentions: [], countsUnread: true, editedAt: null, recalled: null, reactions: {}, version: 0, replyTo: null, prev: 1 },
        { id: results[2]!.id, conversationId: alice.session.conversationId, seq: 3, classId: null, senderId: '~alice', clientMsgId: clientMsgIds[2], content: [3, 'three'], recipients: null, time: results[2]!.time, type: 'custom', mentions: [], countsUnread: true, editedAt: null, recalled: null, reactions: {}, version: 0, replyTo: null, prev: 2 },
      ]);
    }
    await barrier(bob.socket, [alice.socket]);
    assert.deepEqual(payloads(alice.socket, 'message:created'), [], 'the sender’s own socket gets the ack, not an echo');

    // The stored form is the same for a later reader.
    const late = await join('carol');
    assert.deepEqual(late.session.history, payloads(bob.socket, 'message:created'));
  });

  test('a targeted reliable message reaches and is readable by the listed users and the sender only', async () => {
    const alice = await join('alice');
    const alice2 = await join('alice');
    const bob = await join('bob');
    const bob2 = await join('bob');
    const carol = await join('carol');

    await send(alice.socket, 'for all');
    const secret = await send(alice.socket, 'for bob', { users: ['bob'] });
    await send(alice.socket, 'for bob by string', { users: 'bob' });
    await send(carol.socket, 'carol to alice', { users: ['alice', 'alice'] });
    await send(alice.socket, 'empty list means everyone', { users: [] });
    await barrier(carol.socket, [alice.socket, alice2.socket, bob.socket, bob2.socket]);
    await barrier(alice.socket, [carol.socket]);

    const live = (socket: ClientSocket) => contents(payloads<StoredMessage>(socket, 'message:created'));
    assert.deepEqual(live(bob.socket), ['for all', 'for bob', 'for bob by string', 'empty list means everyone']);
    assert.deepEqual(live(bob2.socket), ['for all', 'for bob', 'for bob by string', 'empty list means everyone']);
    assert.deepEqual(live(alice2.socket), ['for all', 'for bob', 'for bob by string', 'carol to alice', 'empty list means everyone']);
    assert.deepEqual(live(alice.socket), ['carol to alice']);
    assert.deepEqual(live(carol.socket), ['for all', 'empty list means everyone']);
    const created = payloads<StoredMessage>(bob.socket, 'message:created')[1]!;
    assert.equal(created.seq, secret.seq);
    // A guest's plain ids reach the signed-in user and the guest of that id.
    assert.deepEqual(created.recipients, ['bob', '~bob']);
    assert.deepEqual(payloads<StoredMessage>(alice2.socket, 'message:created')[3]!.recipients, ['alice', '~alice']);
    assert.equal(payloads<StoredMessage>(bob.socket, 'message:created')[3]!.recipients, null);

    const historyOf = async (userId: string) => {
      const { session, socket } = await join(userId);
      const page = await requestOk<HistoryPage>(socket, 'message:history', {});
      assert.deepEqual(page.messages, session.history);
      return contents(session.history);
    };
    assert.deepEqual(await historyOf('bob'), ['for all', 'for bob', 'for bob by string', 'empty list means everyone']);
    assert.deepEqual(await historyOf('alice'), ['for all', 'for bob', 'for bob by string', 'carol to alice', 'empty list means everyone']);
    assert.deepEqual(await historyOf('carol'), ['for all', 'carol to alice', 'empty list means everyone']);
    assert.deepEqual(await historyOf('dave'), ['for all', 'empty list means everyone']);
  });

  test('history on connect comes oldest first in session:ready, before any live message:created', async () => {
    const alice = await join('alice');
    await send(alice.socket, 'first');
    await send(alice.socket, 'second');
    await send(alice.socket, 'third');

    const bobSocket = createSocket(server, { token, userId: 'bob' });
    const ready = await waitFor(bobSocket, (entry) => entry.event === 'session:ready');
    const session = ready.args[0] as { history: StoredMessage[]; hasMore: boolean; userId: string; classId: string | null };
    assert.deepEqual(contents(session.history), ['first', 'second', 'third']);
    assert.deepEqual(seqs(session.history), [1, 2, 3]);
    assert.equal(session.hasMore, false);
    // A token that names no user makes a guest: known in the room as ~ + the id it gave.
    assert.equal(session.userId, '~bob');
    assert.equal(session.classId, null);

    const fourth = await send(alice.socket, 'fourth');
    const live = await nextEvent<StoredMessage>(bobSocket, 'message:created');
    assert.equal(live.seq, fourth.seq);
    assert.equal(live.seq, 4);
    assert.deepEqual(
      received(bobSocket).map((entry) => entry.event),
      ['session:ready', 'message:created'],
    );
  });

  test('connections made while messages are being sent see session:ready first and miss no message', async () => {
    const writers = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((userId) => join(userId)));
    const perWriter = 30;
    const sending = writers.map(async ({ socket }, index) => {
      const results: SendResult[] = [];
      for (let n = 0; n < perWriter; n++) results.push(await send(socket, `w${index}-${n}`));
      return results;
    });
    // Connect readers while the writers are busy.
    const readers: ClientSocket[] = [];
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: 5 }, (_, index) => createSocket(server, { token, userId: `reader${round}-${index}` }));
      readers.push(...batch);
      await Promise.all(batch.map((socket) => waitFor(socket, (entry) => entry.event === 'session:ready')));
    }
    const all = (await Promise.all(sending)).flat();
    const total = writers.length * perWriter;
    assert.deepEqual(
      all.map((result) => result.seq).sort((a, b) => a - b),
      range(1, total),
    );
    await barrier(writers[0]!.socket, readers);

    for (const socket of readers) {
      const events = received(socket);
      assert.equal(events[0]!.event, 'session:ready', `first event: ${events.map((entry) => entry.event).slice(0, 3)}`);
      const session = events[0]!.args[0] as { history: StoredMessage[] };
      const seen = new Set([...seqs(session.history), ...seqs(payloads<StoredMessage>(socket, 'message:created'))]);
      const from = session.history[0]?.seq ?? Math.min(...seen, total + 1);
      // Everything from the oldest delivered message to the last one, without a gap.
      assert.deepEqual(
        [...seen].filter((seq) => seq >= from).sort((a, b) => a - b),
        range(from, total),
      );
    }
  });

  test('with slow store reads (as over a network) a connection made during sends still misses no message', async () => {
    // The real SQLite store; only its history reads take longer, like a remote database's would.
    await server.close();
    server = await startServer({}, (dataDir) => {
      const store = createSqliteStore(dataDir);
      const history = store.history.bind(store);
      store.history = async (request) => {
        const page = await history(request);
        await new Promise((resolve) => setTimeout(resolve, 15));
        return page;
      };
      return { store };
    });
    token = await bindRoom(server, 'lobby');
    const writers = await Promise.all(['w1', 'w2', 'w3'].map((userId) => join(userId)));
    const perWriter = 25;
    const sending = writers.map(async ({ socket }, index) => {
      for (let n = 0; n < perWriter; n++) await send(socket, `w${index}-${n}`);
    });
    const readers: ClientSocket[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 4 }, (_, index) => createSocket(server, { token, userId: `reader${round}-${index}` }));
      readers.push(...batch);
      await Promise.all(batch.map((socket) => waitFor(socket, (entry) => entry.event === 'session:ready')));
    }
    await Promise.all(sending);
    const total = writers.length * perWriter;
    await barrier(writers[0]!.socket, readers);
    for (const socket of readers) {
      const session = payloads<{ history: StoredMessage[] }>(socket, 'session:ready')[0]!;
      const seen = new Set([...seqs(session.history), ...seqs(payloads<StoredMessage>(socket, 'message:created'))]);
      const from = session.history[0]?.seq ?? Math.min(...seen, total + 1);
      assert.deepEqual(
        [...seen].filter((seq) => seq >= from).sort((a, b) => a - b),
        range(from, total),
      );
    }
  });

  test('classId scopes stored messages: each class (and "no class") has its own history', async () => {
    const x = await join('xena', { classId: 'class-x' });
    const y = await join('yuri', { classId: 'class-y' });
    const none = await join('nick');
    assert.equal(x.session.classId, 'class-x');
    assert.equal(none.session.classId, null);

    await send(x.socket, 'x default');
    await send(y.socket, 'y default');
    await send(none.socket, 'none default');
    await send(none.socket, 'none into x', { classId: 'class-x' });
    await send(x.socket, 'x into none', { classId: null });
    await send(x.socket, 'x into none by empty string', { classId: '' });

    // Live delivery follows the class: each connection gets the stored messages of its own class.
    await barrier(none.socket, [x.socket, y.socket]);
    await barrier(x.socket, [none.socket]);
    const liveOf = (socket: ClientSocket) =>
      new Map(payloads<StoredMessage>(socket, 'message:created').map((message) => [message.content, message]));
    assert.deepEqual([...liveOf(y.socket).keys()], []);
    assert.deepEqual([...liveOf(x.socket).keys()], ['none into x']);
    assert.equal(liveOf(x.socket).get('none into x')?.classId, 'class-x');
    assert.deepEqual([...liveOf(none.socket).keys()], ['x into none', 'x into none by empty string']);
    assert.equal(liveOf(none.socket).get('x into none')?.classId, null);

    const historyOf = async (classId?: string) =>
      contents((await join('reader', classId === undefined ? {} : { classId })).session.history);
    assert.deepEqual(await historyOf('class-x'), ['x default', 'none into x']);
    assert.deepEqual(await historyOf('class-y'), ['y default']);
    assert.deepEqual(await historyOf(), ['none default', 'x into none', 'x into none by empty string']);
    assert.deepEqual(await historyOf('class-z'), []);

    // message:history follows the connection's class unless the query names one.
    const page = (query: unknown) => requestOk<HistoryPage>(x.socket, 'message:history', query);
    assert.deepEqual(contents((await page({})).messages), ['x default', 'none into x']);
    assert.deepEqual(contents((await page({ classId: 'class-y' })).messages), ['y default']);
    assert.deepEqual(contents((await page({ classId: null })).messages), ['none default', 'x into none', 'x into none by empty string']);
  });

  test('since in the handshake returns only the messages after it', async () => {
    const alice = await join('alice');
    for (const content of ['a', 'b', 'c', 'd', 'e']) await send(alice.socket, content);

    const withSince = async (since: number) => (await join('bob', { since })).session;
    let session = await withSince(3);
    assert.deepEqual(seqs(session.history), [4, 5]);
    assert.deepEqual(contents(session.history), ['d', 'e']);
    assert.equal(session.hasMore, false);
    session = await withSince(0);
    assert.deepEqual(seqs(session.history), [1, 2, 3, 4, 5]);
    session = await withSince(5);
    assert.deepEqual(session.history, []);
    assert.equal(session.hasMore, false);
    session = await withSince(1000);
    assert.deepEqual(session.history, []);
  });

  test('history pages: latest page on connect, since pages forward, before/after/limit with hasMore', async () => {
    const total = 120;
    const results = await sendNumbered(total);
    assert.deepEqual(
      results.map((result) => result.seq),
      range(1, total),
    );

    const { session, socket } = await join('reader');
    assert.deepEqual(seqs(session.history), range(21, 120));
    assert.deepEqual(contents(session.history), range(21, 120).map((n) => `m${n}`));
    assert.equal(session.hasMore, true);

    const since = await join('reader', { since: 10 });
    assert.deepEqual(seqs(since.session.history), range(11, 110));
    assert.equal(since.session.hasMore, true);
    const sinceLast = await join('reader', { since: 20 });
    assert.deepEqual(seqs(sinceLast.session.history), range(21, 120));
    assert.equal(sinceLast.session.hasMore, false);

    const page = async (query: unknown) => {
      const result = await requestOk<HistoryPage>(socket, 'message:history', query);
      return { seqs: seqs(result.messages), hasMore: result.hasMore };
    };
    assert.deepEqual(await page({}), { seqs: range(71, 120), hasMore: true });
    assert.deepEqual(await page(undefined), { seqs: range(71, 120), hasMore: true });
    assert.deepEqual(await page({ before: 71 }), { seqs: range(21, 70), hasMore: true });
    assert.deepEqual(await page({ before: 21 }), { seqs: range(1, 20), hasMore: false });
    assert.deepEqual(await page({ before: 1 }), { seqs: [], hasMore: false });
    assert.deepEqual(await page({ before: 51, limit: 50 }), { seqs: range(1, 50), hasMore: false });
    assert.deepEqual(await page({ before: 52, limit: 50 }), { seqs: range(2, 51), hasMore: true });
    assert.deepEqual(await page({ after: 0, limit: 10 }), { seqs: range(1, 10), hasMore: true });
    assert.deepEqual(await page({ after: 100, limit: 10 }), { seqs: range(101, 110), hasMore: true });
    assert.deepEqual(await page({ after: 110, limit: 10 }), { seqs: range(111, 120), hasMore: false });
    assert.deepEqual(await page({ after: 120 }), { seqs: [], hasMore: false });
    assert.deepEqual(await page({ limit: 100 }), { seqs: range(21, 120), hasMore: true });
    assert.deepEqual(await page({ limit: 1 }), { seqs: [120], hasMore: true });
    assert.deepEqual(await page({ after: 5, limit: 100 }), { seqs: range(6, 105), hasMore: true });
    const full = await requestOk<HistoryPage>(socket, 'message:history', { after: 100, limit: 3 });
    assert.deepEqual(contents(full.messages), ['m101', 'm102', 'm103']);
  });

  test('invalid history queries → INVALID_PAYLOAD (or INVALID_CLASS_ID)', async () => {
    const { socket } = await join('reader');
    await send(socket, 'something');
    const invalid: unknown[] = [
      { before: 10, after: 1 },
      { limit: 0 },
      { limit: 101 },
      { limit: -1 },
      { limit: 1.5 },
      { limit: '10' },
      { before: -1 },
      { after: -5 },
      { before: 2.5 },
      { after: '3' },
      'latest',
      42,
      [1, 2],
    ];
    for (const query of invalid) {
      const error = await requestError(socket, 'message:history', query);
      assert.equal(error.code, ERROR_CODES.INVALID_PAYLOAD, `query ${JSON.stringify(query)}`);
    }
    assert.equal((await requestError(socket, 'message:history', { classId: 'c'.repeat(65) })).code, ERROR_CODES.INVALID_CLASS_ID);
    // Still usable afterwards.
    assert.deepEqual(contents((await requestOk<HistoryPage>(socket, 'message:history', { limit: 100 })).messages), ['something']);
  });

  test('session:update changes the class used by later sends and history', async () => {
    const alice = await join('alice');
    await send(alice.socket, 'before update');

    assert.deepEqual(await requestOk(alice.socket, 'session:update', { classId: 'class-x' }), { classId: 'class-x' });
    const sent = await send(alice.socket, 'after update');
    const observer = await join('observer', { classId: 'class-x' });
    assert.deepEqual(contents(observer.session.history), ['after update']);
    assert.equal(observer.session.history[0]!.seq, sent.seq);
    assert.equal(observer.session.history[0]!.classId, 'class-x');
    assert.deepEqual(contents((await requestOk<HistoryPage>(alice.socket, 'message:history', {})).messages), ['after update']);
    assert.deepEqual(contents((await join('observer')).session.history), ['before update']);

    // Back to no class ('' and null both mean none).
    assert.deepEqual(await requestOk(alice.socket, 'session:update', { classId: '' }), { classId: null });
    await send(alice.socket, 'no class again');
    assert.deepEqual(contents((await requestOk<HistoryPage>(alice.socket, 'message:history', {})).messages), ['before update', 'no class again']);

    // Invalid updates change nothing.
    assert.equal((await requestError(alice.socket, 'session:update', { classId: 'c'.repeat(65) })).code, ERROR_CODES.INVALID_CLASS_ID);
    assert.equal((await requestError(alice.socket, 'session:update', {})).code, ERROR_CODES.INVALID_PAYLOAD);
    assert.equal((await requestError(alice.socket, 'session:update', null)).code, ERROR_CODES.INVALID_PAYLOAD);
    assert.equal((await requestError(alice.socket, 'session:update', 'class-x')).code, ERROR_CODES.INVALID_PAYLOAD);
    const last = await send(alice.socket, 'still no class');
    const reader = await join('reader');
    assert.deepEqual(contents(reader.session.history), ['before update', 'no class again', 'still no class']);
    assert.equal(reader.session.history.at(-1)!.seq, last.seq);
  });
});
