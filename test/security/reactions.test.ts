import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { HistoryPage, SessionInfo, StoredMessage } from '../../src/protocol/models.js';
import { createSqliteStore } from '../../src/server/store/sqlite.js';
import { bindRoom, cleanup, connect, requestOk, signIn, startServer, uuid } from '../server/helpers.js';

afterEach(cleanup);

/** Every name an ordinary object inherits: each must be a reaction like any other. */
const INHERITED = Object.getOwnPropertyNames(Object.prototype);

describe('reactions named after object members', () => {
  test('every Object.prototype name works as a reaction; history, changes, replies, un-react and delete keep working', async () => {
    assert.ok(INHERITED.includes('__proto__') && INHERITED.includes('constructor') && INHERITED.includes('toString'));
    const server = await startServer();
    const ann = await signIn(server, 'ann');
    const ben = await signIn(server, 'ben');
    const { id } = await requestOk<{ id: string }>(ann.socket, 'conversation:open-direct', { userId: 'ben' });
    const { seq } = await requestOk<{ seq: number }>(ann.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'react to me' } });

    for (const emoji of INHERITED) {
      const reacted = await requestOk<StoredMessage>(ben.socket, 'message:react', { conversationId: id, seq, emoji, on: true });
      assert.ok(Object.hasOwn(reacted.reactions, emoji), `${emoji} is an own key`);
      assert.deepEqual(reacted.reactions[emoji], ['ben'], emoji);
    }
    const history = await requestOk<HistoryPage>(ann.socket, 'message:history', { conversationId: id });
    const stored = history.messages.find((message) => message.seq === seq)!;
    assert.deepEqual(Object.keys(stored.reactions).sort(), [...INHERITED].sort());
    for (const emoji of INHERITED) assert.deepEqual(stored.reactions[emoji], ['ben']);

    const changes = await requestOk<{ messages: StoredMessage[] }>(ann.socket, 'message:changes', { conversationId: id, since: 0 });
    assert.deepEqual(Object.keys(changes.messages.find((message) => message.seq === seq)!.reactions).sort(), [...INHERITED].sort());
    // Adding the same one again is no second reaction, and a reply to the message works.
    const again = await requestOk<StoredMessage>(ann.socket, 'message:react', { conversationId: id, seq, emoji: 'constructor', on: true });
    assert.deepEqual(again.reactions.constructor, ['ben', 'ann']);
    await requestOk(ann.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'a reply' }, replyTo: seq });
    for (const emoji of INHERITED) {
      const removed = await requestOk<StoredMessage>(ben.socket, 'message:react', { conversationId: id, seq, emoji, on: false });
      assert.equal(Object.hasOwn(removed.reactions, emoji), emoji === 'constructor', emoji);
    }
    await requestOk(ben.socket, 'message:delete', { conversationId: id, seq });
  });

  test('in a room, a fresh room session (no since) still gets session:ready after such a reaction; rows stored before read back right', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'hall');
    const alice = await signIn(server, 'alice');
    await requestOk(alice.socket, 'conversation:join-room', { roomId: 'hall', token });
    const { seq } = await requestOk<{ seq: number }>(alice.socket, 'message:send', { conversationId: 'room:hall', clientMsgId: uuid(), content: { text: 'hi' } });
    for (const emoji of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await requestOk(alice.socket, 'message:react', { conversationId: 'room:hall', seq, emoji, on: true });
    }
    const guest = await connect(server, { token, userId: 'guest' });
    assert.deepEqual(guest.session.history.map((message) => message.seq), [seq]);
    assert.deepEqual(Object.keys(guest.session.history[0]!.reactions).sort(), ['__proto__', 'constructor', 'hasOwnProperty', 'toString']);

    // The rows as stored read back the same after a restart (nothing is rewritten on the way).
    await server.restart();
    const again = await connect(server, { token, userId: 'guest2' });
    assert.deepEqual((again.session as SessionInfo).history[0]!.reactions.__proto__, ['alice']);
    const store = createSqliteStore(server.dataDir);
    const [message] = (await store.history({ conversationId: 'room:hall', reader: { userId: '~x', classId: null, joinedSeq: 0 }, limit: 10 })).messages;
    assert.equal(Object.getPrototypeOf(message!.reactions), null, 'the server keeps reactions in a record without a prototype');
    await store.close();
  });
});
