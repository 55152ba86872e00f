import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { StoredMessage } from '../../src/protocol/models.js';
import { cleanup, requestError, requestOk, signIn, startServer, uuid, waitFor, type TestServer } from './helpers.js';

/** Moved forward by tests to pass the recall window without waiting. */
let skew = 0;
let server: TestServer;

beforeEach(async () => {
  skew = 0;
  server = await startServer({}, { clock: () => Date.now() + skew });
});
afterEach(cleanup);

async function group() {
  const owner = await signIn(server, 'owner');
  const ann = await signIn(server, 'ann');
  const ben = await signIn(server, 'ben');
  const summary = await requestOk<{ id: string }>(owner.socket, 'conversation:create-group', { name: 'Team', members: ['ann', 'ben'] });
  const send = (who: typeof ann, text: string) =>
    requestOk<{ seq: number }>(who.socket, 'message:send', { conversationId: summary.id, clientMsgId: uuid(), content: { text } });
  return { owner, ann, ben, id: summary.id, send };
}

describe('message operations', () => {
  test('the sender recalls within the window; everyone gets the tombstone, history too', async () => {
    const { ann, ben, id, send } = await group();
    const { seq } = await send(ann, 'secret');
    const recalled = await requestOk<StoredMessage>(ann.socket, 'message:recall', { conversationId: id, seq });
    assert.equal(recalled.content, null);
    assert.equal(recalled.recalled?.by, 'ann');
    const pushed = await waitFor(ben.socket, (e) => e.event === 'message:updated', 'the update');
    assert.equal((pushed.args[0] as StoredMessage).content, null);
    const history = await requestOk<{ messages: StoredMessage[] }>(ben.socket, 'message:history', { conversationId: id });
    const stored = history.messages.find((m) => m.seq === seq)!;
    assert.deepEqual([stored.content, stored.recalled?.by], [null, 'ann']);
  });

  test('after the window only the group owner may recall; others never', async () => {
    const { owner, ann, ben, id, send } = await group();
    const { seq } = await send(ann, 'said something');
    assert.equal((await requestError(ben.socket, 'message:recall', { conversationId: id, seq })).code, 'FORBIDDEN');
    skew = 121_000;
    assert.equal((await requestError(ann.socket, 'message:recall', { conversationId: id, seq })).code, 'RECALL_WINDOW_PASSED');
    const byOwner = await requestOk<StoredMessage>(owner.socket, 'message:recall', { conversationId: id, seq });
    assert.equal(byOwner.recalled?.by, 'owner');
  });

  test('edits: the sender, text only, within 24 hours; shown as edited', async () => {
    const { ann, ben, id, send } = await group();
    const { seq } = await send(ann, 'helo');
    assert.equal((await requestError(ben.socket, 'message:edit', { conversationId: id, seq, text: 'x' })).code, 'FORBIDDEN');
    assert.equal((await requestError(ann.socket, 'message:edit', { conversationId: id, seq, text: '' })).code, 'CONTENT_EMPTY');
    assert.equal((await requestError(ann.socket, 'message:edit', { conversationId: id, seq, text: 'x'.repeat(5001) })).code, 'TEXT_TOO_LONG');
    const edited = await requestOk<StoredMessage>(ann.socket, 'message:edit', { conversationId: id, seq, text: 'hello' });
    assert.deepEqual(edited.content, { text: 'hello' });
    assert.ok(edited.editedAt !== null, 'editedAt is set');
    const tip = 1;
    assert.equal((await requestError(ann.socket, 'message:edit', { conversationId: id, seq: tip, text: 'no' })).code, 'FORBIDDEN');
    skew = 24 * 3600 * 1000 + 1000;
    assert.equal((await requestError(ann.socket, 'message:edit', { conversationId: id, seq, text: 'late' })).code, 'EDIT_WINDOW_PASSED');
  });

  test('reactions add and remove per user; bad emoji and unknown messages are refused', async () => {
    const { ann, ben, id, send } = await group();
    const { seq } = await send(ann, 'vote');
    await requestOk(ben.socket, 'message:react', { conversationId: id, seq, emoji: '👍', on: true });
    const both = await requestOk<StoredMessage>(ann.socket, 'message:react', { conversationId: id, seq, emoji: '👍', on: true });
    assert.deepEqual(both.reactions, { '👍': ['ben', 'ann'] });
    const removed = await requestOk<StoredMessage>(ben.socket, 'message:react', { conversationId: id, seq, emoji: '👍', on: false });
    assert.deepEqual(removed.reactions, { '👍': ['ann'] });
    for (const emoji of ['', 'x'.repeat(33), '<b>']) {
      assert.equal((await requestError(ben.socket, 'message:react', { conversationId: id, seq, emoji, on: true })).code, 'INVALID_PAYLOAD');
    }
    assert.equal((await requestError(ben.socket, 'message:react', { conversationId: id, seq: 999, emoji: '👍', on: true })).code, 'MESSAGE_NOT_FOUND');
  });

  test('delete for me hides a message from my history only, and tells my other devices', async () => {
    const { ann, ben, id, send } = await group();
    const annPhone = await signIn(server, 'ann');
    const { seq } = await send(ben, 'for everyone');
    await requestOk(ann.socket, 'message:delete', { conversationId: id, seq });
    const told = await waitFor(annPhone.socket, (e) => e.event === 'message:deleted', 'the other device');
    assert.deepEqual(told.args[0], { conversationId: id, seq });
    const annHistory = await requestOk<{ messages: StoredMessage[] }>(annPhone.socket, 'message:history', { conversationId: id });
    assert.ok(!annHistory.messages.some((m) => m.seq === seq), 'gone for ann');
    const benHistory = await requestOk<{ messages: StoredMessage[] }>(ben.socket, 'message:history', { conversationId: id });
    assert.ok(benHistory.messages.some((m) => m.seq === seq), 'still there for ben');
    assert.equal((await requestError(ann.socket, 'message:recall', { conversationId: id, seq })).code, 'MESSAGE_NOT_FOUND');
  });

  test('message:changes returns what changed after a version, deletions for me included', async () => {
    const { ann, ben, id, send } = await group();
    const a = await send(ann, 'one');
    const b = await send(ann, 'two');
    const start = await requestOk<{ version: number }>(ben.socket, 'message:changes', { conversationId: id, since: 0 });
    await requestOk(ann.socket, 'message:edit', { conversationId: id, seq: a.seq, text: 'one!' });
    await requestOk(ben.socket, 'message:delete', { conversationId: id, seq: b.seq });
    const changes = await requestOk<{ messages: StoredMessage[]; deleted: number[]; version: number }>(ben.socket, 'message:changes', {
      conversationId: id,
      since: start.version,
    });
    assert.deepEqual(changes.messages.map((m) => [m.seq, m.content]), [[a.seq, { text: 'one!' }]]);
    assert.deepEqual(changes.deleted, [b.seq]);
    const none = await requestOk<{ messages: StoredMessage[]; deleted: number[] }>(ben.socket, 'message:changes', { conversationId: id, since: changes.version });
    assert.deepEqual([none.messages, none.deleted], [[], []]);
    assert.equal((await requestError(ben.socket, 'message:changes', { conversationId: id, since: -1 })).code, 'INVALID_PAYLOAD');
  });

  test('receipts: delivery and read positions per member, pushed to the conversation', async () => {
    const { owner, ann, ben, id, send } = await group();
    const { seq } = await send(ann, 'did everyone get this?');
    const delivered = await requestOk<{ deliveredSeq: number }>(ben.socket, 'conversation:delivered', { conversationId: id, seq: 999 });
    assert.equal(delivered.deliveredSeq, seq, 'clamped to the last message');
    const pushed = await waitFor(ann.socket, (e) => e.event === 'receipt:changed' && (e.args[0] as { userId: string }).userId === 'ben', 'ben’s receipt');
    assert.deepEqual(pushed.args[0], { conversationId: id, userId: 'ben', readSeq: 0, deliveredSeq: seq });
    const lower = await requestOk<{ deliveredSeq: number }>(ben.socket, 'conversation:delivered', { conversationId: id, seq: 1 });
    assert.equal(lower.deliveredSeq, seq, 'never moves back');
    await requestOk(owner.socket, 'conversation:read', { conversationId: id, seq });
    const { receipts } = await requestOk<{ receipts: { userId: string; readSeq: number; deliveredSeq: number }[] }>(ann.socket, 'conversation:receipts', {
      conversationId: id,
    });
    assert.deepEqual(receipts, [
      { userId: 'ann', readSeq: seq, deliveredSeq: seq },
      { userId: 'ben', readSeq: 0, deliveredSeq: seq },
      { userId: 'owner', readSeq: seq, deliveredSeq: seq },
    ]);
    assert.equal((await requestError(ann.socket, 'conversation:receipts', { conversationId: 'group:nope' })).code, 'NOT_MEMBER');
  });
});

describe('send options', () => {
  test('over a conversation’s rate, low priority is dropped first, normal next, high always passes', async () => {
    // A clock that stands still: no token comes back during the test, so the outcome is exact.
    const frozen = Date.now();
    const rated = await startServer({ conversationRate: 2 }, { clock: () => frozen });
    const owner = await signIn(rated, 'owner');
    const { id } = await requestOk<{ id: string }>(owner.socket, 'conversation:create-group', { name: 'Busy', members: [] });
    const send = (priority: string) =>
      requestOk<{ seq: number }>(owner.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: priority }, priority }).then(
        () => 'ok',
        () => 'x',
      );
    const refused = (priority: string) =>
      requestError(owner.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: priority }, priority });
    // Burst of 4 (twice the rate): low needs 2 left over, normal 1, high none.
    assert.deepEqual([await send('low'), await send('low')], ['ok', 'ok']);
    assert.equal((await refused('low')).code, 'CONVERSATION_BUSY');
    assert.deepEqual([await send('normal'), await send('normal')], ['ok', 'ok']);
    assert.equal((await refused('normal')).code, 'CONVERSATION_BUSY');
    assert.deepEqual([await send('high'), await send('high')], ['ok', 'ok']);
    assert.equal((await refused('urgent')).code, 'INVALID_PAYLOAD');
  });

  test('online-only messages reach who is online, are not stored and do not count as unread', async () => {
    const { ann, ben, id } = await group();
    const ack = await requestOk<{ seq: number }>(ann.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'ping' }, onlineOnly: true });
    assert.equal(ack.seq, 0);
    const signal = await waitFor(ben.socket, (e) => e.event === 'signal:received', 'the online message');
    assert.deepEqual((signal.args[0] as { kind: string; content: unknown }).kind, 'online');
    const history = await requestOk<{ messages: StoredMessage[] }>(ben.socket, 'message:history', { conversationId: id });
    assert.ok(!history.messages.some((m) => (m.content as { text?: string } | null)?.text === 'ping'), 'not stored');
    const { conversations } = await requestOk<{ conversations: { id: string; unreadCount: number }[] }>(ben.socket, 'conversation:sync', {});
    assert.equal(conversations.find((c) => c.id === id)?.unreadCount, 0);
  });
});
