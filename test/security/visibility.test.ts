import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { HistoryPage, SkippedMessage, StoredMessage, UserId } from '../../src/protocol/models.js';
import { canRead, type Reader } from '../../src/server/domain/visibility.js';
import { createSqliteStore } from '../../src/server/store/sqlite.js';
import {
  bindRoom,
  cleanup,
  connect,
  payloads,
  requestError,
  requestOk,
  settle,
  signIn,
  startServer,
  uuid,
  waitFor,
} from '../server/helpers.js';

afterEach(cleanup);

describe('who may read a message: every read and push path', () => {
  test('room messages for another class or for other users reach nobody else: not by react, changes, reply, updates or pushes', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'hall');
    const alice = await signIn(server, 'alice'); // signed in, not a recipient
    const dave = await signIn(server, 'dave'); // signed in, a recipient
    for (const user of [alice, dave]) await requestOk(user.socket, 'conversation:join-room', { roomId: 'hall', token });
    const sender = await connect(server, { token, userId: 'sender' });
    const bob = await connect(server, { token, userId: 'bob' }); // guest in no class, not a recipient
    const inClass = await connect(server, { token, userId: 'carol', classId: 'c1' });

    const send = (content: string, extra: Record<string, unknown> = {}) =>
      requestOk<{ seq: number }>(sender.socket, 'message:send', { clientMsgId: uuid(), content, ...extra });
    const toDave = await send('for dave only', { users: ['dave'] });
    const forClass = await send('for class c1', { classId: 'c1' });
    const open = await send('for everyone');
    await settle(alice.socket, dave.socket);

    // Dave may read and react to what was sent to him; the update goes to him and the sender only.
    const reacted = await requestOk<StoredMessage>(dave.socket, 'message:react', { conversationId: 'room:hall', seq: toDave.seq, emoji: '👍', on: true });
    assert.deepEqual(reacted.reactions['👍'], ['dave']);
    await waitFor(sender.socket, (entry) => entry.event === 'message:updated', 'the update at the sender');
    for (const seq of [toDave.seq, forClass.seq]) {
      for (const attempt of [
        () => requestError(alice.socket, 'message:react', { conversationId: 'room:hall', seq, emoji: '👀', on: true }),
        () => requestError(alice.socket, 'message:send', { conversationId: 'room:hall', clientMsgId: uuid(), content: { text: 'quoting' }, replyTo: seq }),
        () => requestError(alice.socket, 'message:delete', { conversationId: 'room:hall', seq }),
        () => requestError(alice.socket, 'message:recall', { conversationId: 'room:hall', seq }),
      ]) {
        assert.equal((await attempt()).code, 'MESSAGE_NOT_FOUND', `seq ${seq}`);
      }
    }
    const changes = await requestOk<{ messages: StoredMessage[] }>(alice.socket, 'message:changes', { conversationId: 'room:hall', since: 0 });
    assert.deepEqual(changes.messages.map((message) => message.seq), []);
    const history = await requestOk<HistoryPage>(alice.socket, 'message:history', { conversationId: 'room:hall' });
    assert.deepEqual(history.messages.map((message) => message.seq), [open.seq]);

    // A reaction to a message for everyone is pushed to everyone in its class.
    await requestOk(dave.socket, 'message:react', { conversationId: 'room:hall', seq: open.seq, emoji: '🎉', on: true });
    await waitFor(bob.socket, (entry) => entry.event === 'message:updated' && (entry.args[0] as StoredMessage).seq === open.seq, 'the open update');
    await settle(alice.socket);
    const seen = (socket: typeof alice.socket) => [
      ...payloads<StoredMessage>(socket, 'message:created').map((message) => message.seq),
      ...payloads<StoredMessage>(socket, 'message:updated').map((message) => message.seq),
    ];
    assert.ok(!seen(alice.socket).includes(toDave.seq) && !seen(alice.socket).includes(forClass.seq), `alice saw ${seen(alice.socket)}`);
    assert.ok(!seen(bob.socket).includes(toDave.seq) && !seen(bob.socket).includes(forClass.seq), `bob saw ${seen(bob.socket)}`);
    assert.ok(seen(dave.socket).includes(toDave.seq), 'dave got his message and its update');
    assert.ok(!seen(inClass.socket).includes(toDave.seq) && !seen(inClass.socket).includes(open.seq), 'class c1 sees its class only');
    assert.ok(seen(inClass.socket).includes(forClass.seq));
    // The rest of the class learns that its stream moved past a message not for it, and nothing else.
    const skips = payloads<SkippedMessage>(bob.socket, 'message:skipped');
    assert.deepEqual(skips, [{ conversationId: 'room:hall', classId: null, seq: toDave.seq, prev: 0 }]);
  });

  test('a group member added later reads nothing from before: not by react, changes, reply, or updates pushed later', async () => {
    const server = await startServer();
    const owner = await signIn(server, 'owner');
    const { id } = await requestOk<{ id: string }>(owner.socket, 'conversation:create-group', { name: 'Team', members: [] });
    const early = await requestOk<{ seq: number }>(owner.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'before ben' } });
    const ben = await signIn(server, 'ben');
    await requestOk(owner.socket, 'conversation:add-members', { conversationId: id, members: ['ben'] });
    await settle(ben.socket);
    assert.equal((await requestError(ben.socket, 'message:react', { conversationId: id, seq: early.seq, emoji: 'x', on: true })).code, 'MESSAGE_NOT_FOUND');
    assert.equal(
      (await requestError(ben.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'q' }, replyTo: early.seq })).code,
      'MESSAGE_NOT_FOUND',
    );
    await requestOk(owner.socket, 'message:edit', { conversationId: id, seq: early.seq, text: 'edited before ben' });
    await requestOk(owner.socket, 'message:react', { conversationId: id, seq: early.seq, emoji: 'x', on: true });
    const changes = await requestOk<{ messages: StoredMessage[] }>(ben.socket, 'message:changes', { conversationId: id, since: 0 });
    assert.ok(!changes.messages.some((message) => message.seq === early.seq));
    await settle(ben.socket);
    assert.ok(!payloads<StoredMessage>(ben.socket, 'message:updated').some((message) => message.seq === early.seq), 'no update of an earlier message');
  });

  test('canRead and its SQL rendering agree on random rooms, classes, recipients and readers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'im-visibility-'));
    const store = createSqliteStore(dir);
    try {
      await store.migrate();
      await store.bindRoom('r', 0);
      const users = ['a', 'b', '~a', '~c'];
      const classes = [null, 'k1', 'k2'];
      const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
      const batch = Array.from({ length: 300 }, (_, index) => {
        const recipients = Math.random() < 0.4 ? [...new Set([pick(users), pick(users)])] : null;
        return {
          conversationId: 'room:r',
          classId: pick(classes),
          senderId: pick(users),
          clientMsgId: randomUUID(),
          content: index,
          recipients,
          time: index,
          type: 'custom' as const,
          mentions: [],
          countsUnread: true,
        };
      });
      const all = (await store.appendMessages(batch)).map((result) => result.message);
      for (let round = 0; round < 40; round += 1) {
        const reader: Reader = { userId: pick(users), classId: pick(classes), joinedSeq: Math.floor(Math.random() * 50), leftSeq: Math.random() < 0.3 ? 150 + Math.floor(Math.random() * 100) : null };
        const expected = all.filter((message) => canRead(reader, message)).map((message) => message.seq);
        const got: number[] = [];
        let after = 0;
        for (;;) {
          const page = await store.history({ conversationId: 'room:r', reader, after, limit: 100 });
          got.push(...page.messages.map((message) => message.seq));
          if (!page.hasMore) break;
          after = page.messages.at(-1)!.seq;
        }
        assert.deepEqual(got, expected, JSON.stringify(reader));
      }
      assert.ok(all.some((message) => message.recipients !== null && message.recipients.includes('~a' as UserId)));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
