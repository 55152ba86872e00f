import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Ack } from '../../src/protocol/ack.js';
import { ERROR_CODES, type ErrorPayload } from '../../src/protocol/errors.js';
import type { ConversationSyncResult } from '../../src/protocol/events.js';
import type { ConversationSummary, HistoryPage, SendResult, StoredMessage } from '../../src/protocol/models.js';
import {
  bindRoom,
  cleanup,
  nextEvent,
  payloads,
  request,
  requestError,
  requestOk,
  settle,
  signIn,
  startServer,
  uuid,
  waitFor,
  type ClientSocket,
  type TestServer,
  type UserConnection,
} from './helpers.js';

let server: TestServer;
/** Added to the real time by the server's clock (only ever moves forward). */
let skew = 0;

const user = (userId: string): Promise<UserConnection> => signIn(server, userId);

async function send(socket: ClientSocket, conversationId: string, text: string, extra: Record<string, unknown> = {}): Promise<SendResult> {
  return requestOk<SendResult>(socket, 'message:send', { conversationId, clientMsgId: uuid(), content: { text }, ...extra });
}
async function sync(socket: ClientSocket, since?: number): Promise<ConversationSyncResult> {
  return requestOk<ConversationSyncResult>(socket, 'conversation:sync', since === undefined ? {} : { since });
}
/** This user's summary of one conversation, from a full sync. */
async function summary(socket: ClientSocket, conversationId: string): Promise<ConversationSummary> {
  const found = (await sync(socket)).conversations.find((c) => c.id === conversationId);
  assert.ok(found, `${conversationId} is in the list`);
  return found;
}
async function history(socket: ClientSocket, conversationId: string, query: Record<string, unknown> = {}): Promise<HistoryPage> {
  return requestOk<HistoryPage>(socket, 'message:history', { conversationId, ...query });
}
const openDirect = (socket: ClientSocket, userId: string) => requestOk<ConversationSummary>(socket, 'conversation:open-direct', { userId });
const createGroup = (socket: ClientSocket, name: string, members: string[]) =>
  requestOk<ConversationSummary>(socket, 'conversation:create-group', { name, members });
const createdIn = (socket: ClientSocket, conversationId: string) =>
  payloads<StoredMessage>(socket, 'message:created').filter((message) => message.conversationId === conversationId);
const textOf = (message: StoredMessage) => (message.content as { text?: unknown }).text;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

async function expectError(socket: ClientSocket, event: string, payload: unknown, code: string): Promise<void> {
  const error = await requestError(socket, event, payload);
  assert.equal(error.code, code, `${event} ${JSON.stringify(payload)?.slice(0, 120)} → ${JSON.stringify(error)}`);
  assert.equal(typeof error.message, 'string');
}

/** Waits for the message with this id on the socket. */
async function expectMessage(socket: ClientSocket, id: string): Promise<StoredMessage> {
  const entry = await waitFor(socket, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).id === id, `message ${id}`);
  return entry.args[0] as StoredMessage;
}
async function expectTip(socket: ClientSocket, conversationId: string, tip: string): Promise<StoredMessage> {
  const entry = await waitFor(
    socket,
    (e) => {
      const message = e.args[0] as StoredMessage;
      return e.event === 'message:created' && message.conversationId === conversationId && (message.content as { tip?: unknown }).tip === tip;
    },
    `tip ${tip}`,
  );
  return entry.args[0] as StoredMessage;
}
/** Waits for a conversation:changed of this conversation with a version above `after` (already received counts). */
async function expectChanged(socket: ClientSocket, conversationId: string, after = 0): Promise<{ conversationId: string; version: number }> {
  const entry = await waitFor(
    socket,
    (e) => {
      const change = e.args[0] as { conversationId: string; version: number };
      return e.event === 'conversation:changed' && change.conversationId === conversationId && change.version > after;
    },
    `conversation:changed for ${conversationId} after version ${after}`,
  );
  return entry.args[0] as { conversationId: string; version: number };
}

describe('conversations', () => {
  beforeEach(async () => {
    skew = 0;
    server = await startServer({}, { clock: () => Date.now() + skew });
  });
  afterEach(cleanup);

  describe('direct conversations', () => {
    test('open-direct creates one conversation per pair: the same id from both sides, type direct, peerId the other user', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const fromAlice = await openDirect(alice.socket, 'bob');
      assert.equal(fromAlice.type, 'direct');
      assert.equal(fromAlice.peerId, 'bob');
      assert.equal(fromAlice.name, null);
      assert.equal(fromAlice.ownerId, null);
      assert.equal(fromAlice.memberCount, 2);
      assert.equal(fromAlice.role, 'member');
      assert.equal(fromAlice.lastSeq, 0);
      assert.equal(fromAlice.lastMessage, null);
      assert.equal(fromAlice.unreadCount, 0);
      assert.equal(fromAlice.hidden, false);
      assert.equal(fromAlice.left, false);
      // Bob learns of it at once.
      await expectChanged(bob.socket, fromAlice.id);

      const fromBob = await openDirect(bob.socket, 'alice');
      assert.equal(fromBob.id, fromAlice.id);
      assert.equal(fromBob.peerId, 'alice');
      assert.equal((await openDirect(alice.socket, 'bob')).id, fromAlice.id);
      for (const socket of [alice.socket, bob.socket]) {
        const list = (await sync(socket)).conversations;
        assert.deepEqual(list.map((c) => c.id), [fromAlice.id]);
      }
      // The other pairs get their own.
      const carolAlice = await openDirect((await user('carol')).socket, 'alice');
      assert.notEqual(carolAlice.id, fromAlice.id);
      assert.equal(carolAlice.peerId, 'alice');
      // And it works: a message reaches the peer.
      const sent = await send(alice.socket, fromAlice.id, 'hello bob');
      assert.equal((await nextEvent<StoredMessage>(bob.socket, 'message:created')).id, sent.id);
    });

    test('open-direct with yourself → FORBIDDEN; a bad user id → INVALID_USER_ID', async () => {
      const alice = await user('alice');
      await expectError(alice.socket, 'conversation:open-direct', { userId: 'alice' }, ERROR_CODES.FORBIDDEN);
      for (const userId of ['bad id', '', 'x'.repeat(33), 'a:b', 42, null, undefined]) {
        await expectError(alice.socket, 'conversation:open-direct', { userId }, ERROR_CODES.INVALID_USER_ID);
      }
      await expectError(alice.socket, 'conversation:open-direct', 'bob', ERROR_CODES.INVALID_PAYLOAD);
      assert.deepEqual((await sync(alice.socket)).conversations, []);
    });
  });

  describe('groups', () => {
    test('create-group: name trimmed, creator is owner, memberCount; a group-created tip arrives live and is first in history', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const carol = await user('carol');
      const group = await createGroup(alice.socket, '  Team  ', ['bob', 'carol', 'bob', 'alice']);
      assert.equal(group.type, 'group');
      assert.equal(group.name, 'Team');
      assert.equal(group.ownerId, 'alice');
      assert.equal(group.role, 'owner');
      assert.equal(group.peerId, null);
      assert.equal(group.memberCount, 3);
      assert.ok(group.id.length > 0, 'an id');

      for (const member of [alice, bob, carol]) {
        const tip = await expectTip(member.socket, group.id, 'group-created');
        assert.equal(tip.type, 'tip');
        assert.equal(tip.seq, 1);
        assert.equal((tip.content as { name?: unknown }).name, 'Team');
        assert.deepEqual([...((tip.content as { members: string[] }).members)].sort(), ['alice', 'bob', 'carol']);
        assert.equal(tip.countsUnread, false);
      }
      await expectChanged(bob.socket, group.id);
      await expectChanged(carol.socket, group.id);

      const bobs = await summary(bob.socket, group.id);
      assert.equal(bobs.role, 'member');
      assert.equal(bobs.ownerId, 'alice');
      assert.equal(bobs.name, 'Team');
      assert.equal(bobs.memberCount, 3);
      assert.equal(bobs.lastMessage?.type, 'tip');
      assert.equal(bobs.unreadCount, 0, 'tips do not count');

      const sent = await send(bob.socket, group.id, 'first real message');
      assert.equal(sent.seq, 2);
      const page = await history(carol.socket, group.id);
      assert.deepEqual(page.messages.map((m) => m.seq), [1, 2]);
      assert.equal(page.messages[0]!.type, 'tip');
      assert.deepEqual((page.messages[0]!.content as { tip: string }).tip, 'group-created');

      // A group of one is fine.
      const solo = await createGroup(alice.socket, 'just me', []);
      assert.equal(solo.memberCount, 1);
    });

    test('create-group with an empty, blank, too long or missing name → INVALID_PAYLOAD; 64 characters are fine', async () => {
      const alice = await user('alice');
      for (const name of ['', '   ', 'x'.repeat(65), undefined, 42, null]) {
        await expectError(alice.socket, 'conversation:create-group', { name, members: ['bob'] }, ERROR_CODES.INVALID_PAYLOAD);
      }
      await expectError(alice.socket, 'conversation:create-group', { name: 'ok', members: 'bob' }, ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'conversation:create-group', { name: 'ok', members: ['bad id'] }, ERROR_CODES.INVALID_USER_ID);
      assert.deepEqual((await sync(alice.socket)).conversations, []);
      assert.equal((await createGroup(alice.socket, 'x'.repeat(64), ['bob'])).name, 'x'.repeat(64));
    });

    test('a non-member cannot send, read history, mark read, change settings, hide, add or leave (NOT_MEMBER); nor can anyone for an unknown id', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const mallory = await user('mallory');
      const group = await createGroup(alice.socket, 'secret', ['bob']);
      const direct = await openDirect(alice.socket, 'bob');
      await send(alice.socket, group.id, 'for members only');
      await send(alice.socket, direct.id, 'for bob only');
      await bindRoom(server, 'lobby');

      const requests = (conversationId: string): Array<[string, unknown]> => [
        ['message:send', { conversationId, clientMsgId: uuid(), content: { text: 'let me in' } }],
        ['message:history', { conversationId }],
        ['conversation:read', { conversationId, seq: 1 }],
        ['conversation:settings', { conversationId, pinned: true }],
        ['conversation:hide', { conversationId }],
        ['conversation:add-members', { conversationId, members: ['mallory'] }],
        ['conversation:leave', { conversationId }],
      ];
      for (const conversationId of [group.id, direct.id, 'group:nope', 'direct:mallory:zed', 'room:lobby', 'nothing']) {
        for (const [event, payload] of requests(conversationId)) await expectError(mallory.socket, event, payload, ERROR_CODES.NOT_MEMBER);
      }
      for (const [event, payload] of requests('group:unknown')) await expectError(alice.socket, event, payload, ERROR_CODES.NOT_MEMBER);

      // Nothing reached mallory, nothing changed for the members.
      await send(bob.socket, group.id, 'still private');
      await settle(mallory.socket);
      assert.deepEqual(payloads(mallory.socket, 'message:created'), []);
      assert.deepEqual((await sync(mallory.socket)).conversations, []);
      assert.equal((await summary(alice.socket, group.id)).memberCount, 2);
      assert.deepEqual((await history(bob.socket, group.id)).messages.map((m) => m.seq), [1, 2, 3]);
    });

    test('add-members: the new member is told, joins live, sees history only from joining on, and a members-joined tip goes out', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const carol = await user('carol');
      const group = await createGroup(alice.socket, 'team', ['bob']);
      await send(alice.socket, group.id, 'before carol 1');
      await send(bob.socket, group.id, 'before carol 2');

      const { version: beforeAdd } = await sync(bob.socket);
      const added = await requestOk<ConversationSummary>(alice.socket, 'conversation:add-members', { conversationId: group.id, members: ['carol'] });
      assert.equal(added.memberCount, 3);
      await expectChanged(carol.socket, group.id, beforeAdd);
      await expectChanged(bob.socket, group.id, beforeAdd);
      for (const member of [alice, bob, carol]) {
        const tip = await expectTip(member.socket, group.id, 'members-joined');
        assert.equal(tip.type, 'tip');
        assert.equal(tip.seq, 4);
        assert.deepEqual(tip.content, { tip: 'members-joined', by: 'alice', members: ['carol'] });
      }
      const carols = await summary(carol.socket, group.id);
      assert.equal(carols.role, 'member');
      assert.equal(carols.ownerId, 'alice');
      assert.equal(carols.memberCount, 3);
      assert.equal(carols.unreadCount, 0);
      assert.equal(carols.lastMessage?.seq, 4);

      // Live without reconnecting.
      const after = await send(bob.socket, group.id, 'welcome carol');
      assert.equal((await expectMessage(carol.socket, after.id)).seq, 5);
      assert.equal((await summary(carol.socket, group.id)).unreadCount, 1);
      // History only from joining on: older messages are not there, whichever way one pages.
      assert.deepEqual((await history(carol.socket, group.id)).messages.map((m) => m.seq), [4, 5]);
      assert.deepEqual((await history(carol.socket, group.id, { before: 4 })).messages, []);
      assert.deepEqual((await history(carol.socket, group.id, { after: 0 })).messages.map((m) => m.seq), [4, 5]);
      assert.equal((await history(carol.socket, group.id, { before: 4 })).hasMore, false);
      // The earlier members still see everything.
      assert.deepEqual((await history(bob.socket, group.id)).messages.map((m) => m.seq), [1, 2, 3, 4, 5]);

      // Adding an existing member changes nothing.
      const again = await requestOk<ConversationSummary>(bob.socket, 'conversation:add-members', { conversationId: group.id, members: ['carol', 'alice'] });
      assert.equal(again.memberCount, 3);
      assert.equal(again.lastSeq, 5);
      // Bad member lists.
      await expectError(alice.socket, 'conversation:add-members', { conversationId: group.id, members: [] }, ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'conversation:add-members', { conversationId: group.id, members: ['bad id'] }, ERROR_CODES.INVALID_USER_ID);
    });

    test('adding members to a direct conversation → FORBIDDEN; leaving one → FORBIDDEN', async () => {
      const alice = await user('alice');
      const direct = await openDirect(alice.socket, 'bob');
      await expectError(alice.socket, 'conversation:add-members', { conversationId: direct.id, members: ['carol'] }, ERROR_CODES.FORBIDDEN);
      await expectError(alice.socket, 'conversation:leave', { conversationId: direct.id }, ERROR_CODES.FORBIDDEN);
      const summaryAfter = await summary(alice.socket, direct.id);
      assert.equal(summaryAfter.memberCount, 2);
      assert.equal(summaryAfter.lastSeq, 0);
      const carol = await user('carol');
      await settle(carol.socket);
      assert.deepEqual((await sync(carol.socket)).conversations, []);
    });

    test('leave: member-left tip to the others, the leaver (all devices) stops receiving and gets NOT_MEMBER; the owner hands over to the longest-standing member', async () => {
      const alice = await user('alice');
      const alice2 = await user('alice');
      const bob = await user('bob');
      const zed = await user('zed');
      const group = await createGroup(alice.socket, 'team', ['zed']);
      skew += 1000; // bob joins a second later than zed (and sorts before zed by name)
      await requestOk(alice.socket, 'conversation:add-members', { conversationId: group.id, members: ['bob'] });
      await send(bob.socket, group.id, 'hi all');

      const { version: beforeLeave } = await sync(zed.socket);
      assert.deepEqual(await requestOk(alice.socket, 'conversation:leave', { conversationId: group.id }), { conversationId: group.id });
      for (const other of [bob, zed]) {
        const tip = await expectTip(other.socket, group.id, 'member-left');
        assert.equal(tip.type, 'tip');
        assert.deepEqual(tip.content, { tip: 'member-left', members: ['alice'] });
        await expectChanged(other.socket, group.id, beforeLeave);
      }
      await expectChanged(alice2.socket, group.id, beforeLeave);

      // Ownership: zed has been there longest.
      const zeds = await summary(zed.socket, group.id);
      assert.equal(zeds.role, 'owner');
      assert.equal(zeds.ownerId, 'zed');
      assert.equal(zeds.memberCount, 2);
      const bobs = await summary(bob.socket, group.id);
      assert.equal(bobs.role, 'member');
      assert.equal(bobs.ownerId, 'zed');
      // The leaver's list keeps it, marked left.
      const alices = await summary(alice2.socket, group.id);
      assert.equal(alices.left, true);
      assert.equal(alices.role, 'member');

      // The leaver's devices no longer receive, and every request is NOT_MEMBER.
      const afterLeave = await send(bob.socket, group.id, 'alice is gone');
      await expectMessage(zed.socket, afterLeave.id);
      await settle(alice.socket, alice2.socket);
      for (const device of [alice, alice2]) assert.equal(createdIn(device.socket, group.id).some((m) => m.id === afterLeave.id), false);
      await expectError(alice.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), content: { text: 'x' } }, ERROR_CODES.NOT_MEMBER);
      await expectError(alice2.socket, 'message:history', { conversationId: group.id }, ERROR_CODES.NOT_MEMBER);
      await expectError(alice.socket, 'conversation:read', { conversationId: group.id, seq: 1 }, ERROR_CODES.NOT_MEMBER);
      await expectError(alice.socket, 'conversation:leave', { conversationId: group.id }, ERROR_CODES.NOT_MEMBER);
      await expectError(alice.socket, 'conversation:add-members', { conversationId: group.id, members: ['alice'] }, ERROR_CODES.NOT_MEMBER);
      // A reconnecting device of the leaver does not get it either.
      const alice3 = await user('alice');
      const later = await send(zed.socket, group.id, 'later');
      await expectMessage(bob.socket, later.id);
      await settle(alice3.socket);
      assert.deepEqual(createdIn(alice3.socket, group.id), []);

      // The new owner can leave too: bob is the last one and becomes owner.
      await requestOk(zed.socket, 'conversation:leave', { conversationId: group.id });
      const lastOne = await summary(bob.socket, group.id);
      assert.equal(lastOne.role, 'owner');
      assert.equal(lastOne.ownerId, 'bob');
      assert.equal(lastOne.memberCount, 1);
    });

    test('a member who left does not see later messages in their conversation list (lastMessage, unread, mentions)', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const group = await createGroup(alice.socket, 'team', ['bob']);
      await send(bob.socket, group.id, 'before');
      await requestOk(alice.socket, 'conversation:leave', { conversationId: group.id });
      const atLeave = await summary(alice.socket, group.id);
      assert.equal(atLeave.left, true);
      const { version } = await sync(alice.socket);

      await send(bob.socket, group.id, 'private after alice left', { mentions: ['@all', 'alice'] });
      const changed = (await sync(alice.socket, version)).conversations.find((c) => c.id === group.id);
      const left = changed ?? (await summary(alice.socket, group.id));
      assert.equal(left.left, true);
      assert.ok(
        left.lastMessage === null || left.lastMessage.seq <= atLeave.lastSeq,
        `lastMessage after leaving leaks: ${JSON.stringify(left.lastMessage)}`,
      );
      assert.equal(left.unreadCount, atLeave.unreadCount, 'messages after leaving are not unread for the leaver');
      assert.equal(left.mentioned, false, 'mentions after leaving do not concern the leaver');
    });
  });

  describe('sending', () => {
    test('text content { text } is validated: empty → CONTENT_EMPTY, 5001 characters → TEXT_TOO_LONG, 5000 is fine', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(alice.socket, 'bob');
      const payload = (content: unknown, extra: Record<string, unknown> = {}) => ({ conversationId: direct.id, clientMsgId: uuid(), content, ...extra });
      for (const content of [{ text: '' }, { text: '   ' }, {}, { text: 42 }, 'plain string', ['text'], null, '']) {
        await expectError(alice.socket, 'message:send', payload(content), ERROR_CODES.CONTENT_EMPTY);
      }
      await expectError(alice.socket, 'message:send', payload({ text: 'x'.repeat(5001) }), ERROR_CODES.TEXT_TOO_LONG);
      await expectError(alice.socket, 'message:send', payload({ text: 'x' }, { clientMsgId: 'not-a-uuid' }), ERROR_CODES.INVALID_CLIENT_MSG_ID);
      await expectError(alice.socket, 'message:send', payload({ text: 'x' }, { type: 'tip' }), ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'message:send', payload({ text: 'x' }, { countUnread: 'no' }), ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'message:send', payload({ text: 'x' }, { mentions: 'bob' }), ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'message:send', payload({ text: 'x' }, { mentions: ['bad id'] }), ERROR_CODES.INVALID_USER_ID);

      const longest = 'é'.repeat(5000);
      const sent = await requestOk<SendResult>(alice.socket, 'message:send', payload({ text: longest, extra: true }));
      assert.equal(sent.seq, 1, 'refused sends take no seq');
      assert.equal(sent.duplicate, false);
      const received = await nextEvent<StoredMessage>(bob.socket, 'message:created');
      assert.equal(received.id, sent.id);
      assert.equal(received.type, 'text');
      assert.equal(textOf(received), longest);
      assert.equal(received.conversationId, direct.id);
      assert.equal(received.senderId, 'alice');
      assert.equal(received.time, sent.time);
      assert.deepEqual(received.mentions, []);
      assert.equal(received.countsUnread, true);
    });

    test('type custom carries any JSON data (≤ 8 KB) with a text description', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(alice.socket, 'bob');
      const datas = [{ kind: 'card', items: [1, { b: null }], ok: true }, 42, 'just a string', [1, 'two'], false, null];
      const contents = datas.map((data, index) => ({ data, description: index === 0 ? 'A card' : '' }));
      for (const content of contents) {
        await requestOk(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'custom', content, mentions: ['bob'] });
        const message = await nextEvent<StoredMessage>(bob.socket, 'message:created');
        assert.equal(message.type, 'custom');
        assert.deepEqual(message.content, content);
        assert.deepEqual(message.mentions, [], 'mentions belong to text messages');
      }
      const page = await history(bob.socket, direct.id);
      assert.deepEqual(page.messages.map((m) => m.content), contents);
      assert.ok(page.messages.every((m) => m.type === 'custom'), 'all custom');

      const send = (content: unknown) => ({ conversationId: direct.id, clientMsgId: uuid(), type: 'custom', content });
      await expectError(alice.socket, 'message:send', send({ description: 'no data' }), ERROR_CODES.CONTENT_EMPTY);
      await expectError(alice.socket, 'message:send', send({ data: 'x'.repeat(8 * 1024) }), ERROR_CODES.CONTENT_TOO_LARGE);
      await expectError(alice.socket, 'message:send', send({ data: 1, description: 'x'.repeat(501) }), ERROR_CODES.INVALID_PAYLOAD);
      await expectError(alice.socket, 'message:send', send({ data: 1, description: 7 }), ERROR_CODES.INVALID_PAYLOAD);
    });

    test('seq runs 1..N per conversation without holes; a retry with the same clientMsgId is a duplicate with the same seq', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(alice.socket, 'bob');
      const group = await createGroup(alice.socket, 'g', ['bob']); // seq 1 is its tip
      const seqs: number[] = [];
      for (let index = 0; index < 12; index++) {
        const from = index % 2 === 0 ? alice : bob;
        seqs.push((await send(from.socket, direct.id, `d${index}`)).seq);
        if (index % 3 === 0) await expectError(from.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: '' } }, ERROR_CODES.CONTENT_EMPTY);
      }
      assert.deepEqual(seqs, range(1, 12));
      assert.equal((await send(bob.socket, group.id, 'in the group')).seq, 2, 'each conversation counts on its own');
      // Concurrent sends from both sides still give distinct seqs without holes.
      const concurrent = await Promise.all([
        ...range(1, 5).map((n) => send(alice.socket, direct.id, `ca${n}`)),
        ...range(1, 5).map((n) => send(bob.socket, direct.id, `cb${n}`)),
      ]);
      assert.deepEqual(concurrent.map((r) => r.seq).sort((a, b) => a - b), range(13, 22));

      const clientMsgId = uuid();
      const payload = { conversationId: direct.id, clientMsgId, content: { text: 'once' } };
      const first = await requestOk<SendResult>(alice.socket, 'message:send', payload);
      const retry = await requestOk<SendResult>(alice.socket, 'message:send', payload);
      const upper = await requestOk<SendResult>(alice.socket, 'message:send', { ...payload, clientMsgId: clientMsgId.toUpperCase() });
      assert.equal(first.duplicate, false);
      assert.equal(first.seq, 23);
      for (const again of [retry, upper]) assert.deepEqual(again, { ...first, duplicate: true });
      // The same id from another user is a different message.
      const bobs = await requestOk<SendResult>(bob.socket, 'message:send', { ...payload, content: { text: 'mine' } });
      assert.equal(bobs.duplicate, false);
      assert.equal(bobs.seq, 24);

      await settle(bob.socket);
      assert.equal(createdIn(bob.socket, direct.id).filter((m) => m.clientMsgId === clientMsgId).length, 1, 'delivered once');
      const all = [...(await history(alice.socket, direct.id, { limit: 100 })).messages];
      assert.deepEqual(all.map((m) => m.seq), range(1, 24));
    });
  });

  describe('conversation list', () => {
    test('sync: the full list, then only what changed since the returned version; ordering data (activeAt, lastMessage)', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const carol = await user('carol');
      const direct = await openDirect(bob.socket, 'alice');
      const group = await createGroup(carol.socket, 'g', ['alice']);
      const other = await openDirect(bob.socket, 'carol'); // not alice's
      await expectChanged(alice.socket, group.id);

      const full = await sync(alice.socket);
      assert.deepEqual(full.conversations.map((c) => c.id).sort(), [direct.id, group.id].sort());
      assert.ok(!full.conversations.some((c) => c.id === other.id), 'not other users’ conversations');
      assert.ok(full.version >= alice.session.version, 'versions only grow');
      const fullGroup = full.conversations.find((c) => c.id === group.id)!;
      assert.equal(fullGroup.lastMessage?.type, 'tip');
      assert.equal(fullGroup.activeAt, fullGroup.lastMessage!.time);
      const fullDirect = full.conversations.find((c) => c.id === direct.id)!;
      assert.equal(fullDirect.lastMessage, null);
      assert.ok(Number.isFinite(fullDirect.activeAt) && fullDirect.activeAt > 0, 'activeAt of an empty conversation is its creation');
      for (const c of full.conversations) assert.ok(c.version <= full.version && c.version > 0, `entry version ${c.version} within ${full.version}`);

      assert.deepEqual((await sync(alice.socket, full.version)).conversations, [], 'nothing changed');
      skew += 1000;
      const sent = await send(bob.socket, direct.id, 'news');
      const next = await sync(alice.socket, full.version);
      assert.deepEqual(next.conversations.map((c) => c.id), [direct.id]);
      const changed = next.conversations[0]!;
      assert.equal(changed.lastSeq, sent.seq);
      assert.equal(changed.lastMessage?.id, sent.id);
      assert.equal(textOf(changed.lastMessage!), 'news');
      assert.equal(changed.activeAt, sent.time);
      assert.ok(changed.activeAt > fullGroup.activeAt, 'the newest activity sorts first');
      assert.ok(changed.version > full.version && changed.version <= next.version, 'entry version after the last sync');
      assert.deepEqual((await sync(alice.socket, next.version)).conversations, []);
      // Activity in a conversation alice is not in does not show up.
      await send(bob.socket, other.id, 'not for alice');
      assert.deepEqual((await sync(alice.socket, next.version)).conversations, []);
      // Since session:ready's version too.
      const since = await sync(alice.socket, alice.session.version);
      assert.deepEqual(since.conversations.map((c) => c.id).sort(), [direct.id, group.id].sort());
      // Bad queries.
      for (const query of [{ since: -1 }, { since: 'x' }, { since: 1.5 }, 'all']) {
        await expectError(alice.socket, 'conversation:sync', query, ERROR_CODES.INVALID_PAYLOAD);
      }
    });

    test('unreadCount: others’ messages after readSeq; own, countUnread:false and tips never count', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(alice.socket, 'bob');
      await send(alice.socket, direct.id, 'a1');
      for (const text of ['b1', 'b2', 'b3']) await send(bob.socket, direct.id, text);
      await send(bob.socket, direct.id, 'silent', { countUnread: false });
      await requestOk(bob.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'custom', content: { data: { silent: true }, description: '' }, countUnread: false });
      const alices = await summary(alice.socket, direct.id);
      assert.equal(alices.readSeq, 1);
      assert.equal(alices.lastSeq, 6);
      assert.equal(alices.unreadCount, 3);
      assert.equal(alices.lastMessage?.seq, 6);
      const silent = (await history(alice.socket, direct.id)).messages.find((m) => textOf(m) === 'silent')!;
      assert.equal(silent.countsUnread, false);
      assert.equal((await summary(bob.socket, direct.id)).unreadCount, 0, 'own messages never count');

      // Tips do not count: a group with its created and joined tips.
      const carol = await user('carol');
      const group = await createGroup(carol.socket, 'g', ['alice']);
      await requestOk(carol.socket, 'conversation:add-members', { conversationId: group.id, members: ['bob'] });
      for (const member of [alice, bob]) {
        const s = await summary(member.socket, group.id);
        assert.equal(s.lastMessage?.type, 'tip');
        assert.equal(s.unreadCount, 0);
      }
      await send(carol.socket, group.id, 'now one');
      assert.equal((await summary(alice.socket, group.id)).unreadCount, 1);
      assert.equal((await summary(bob.socket, group.id)).unreadCount, 1);
    });

    test('unreadCount stops at 100 (105 messages from another user)', async () => {
      const alice = await user('alice');
      const direct = await openDirect(alice.socket, 'bob');
      // 20/s with bursts of 40 per connection: three connections of the sender.
      const senders = [await user('bob'), await user('bob'), await user('bob')];
      for (let index = 0; index < 105; index++) await send(senders[Math.floor(index / 40)]!.socket, direct.id, `m${index + 1}`);
      const alices = await summary(alice.socket, direct.id);
      assert.equal(alices.lastSeq, 105);
      assert.equal(alices.unreadCount, 100);
      await requestOk(alice.socket, 'conversation:read', { conversationId: direct.id, seq: 10 });
      assert.equal((await summary(alice.socket, direct.id)).unreadCount, 95);
    });

    test('mentioned: a message after readSeq mentioning the user or @all; false again after conversation:read', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const carol = await user('carol');
      const group = await createGroup(bob.socket, 'g', ['alice', 'carol']);
      const mentioned = async (member: UserConnection) => (await summary(member.socket, group.id)).mentioned;

      const toAlice = await send(bob.socket, group.id, '@alice look', { mentions: ['alice'] });
      assert.equal((await expectMessage(alice.socket, toAlice.id)).mentions.includes('alice'), true);
      assert.equal(await mentioned(alice), true);
      assert.equal(await mentioned(carol), false);
      assert.equal(await mentioned(bob), false, 'the sender is not mentioned');
      await requestOk(alice.socket, 'conversation:read', { conversationId: group.id, seq: toAlice.seq });
      assert.equal(await mentioned(alice), false);

      const toAll = await send(bob.socket, group.id, '@all meeting', { mentions: ['@all'] });
      assert.equal(await mentioned(alice), true);
      assert.equal(await mentioned(carol), true);
      await requestOk(carol.socket, 'conversation:read', { conversationId: group.id, seq: toAll.seq });
      assert.equal(await mentioned(carol), false);
      assert.equal(await mentioned(alice), true);
      // Sending reads everything before it, mentions included.
      await send(alice.socket, group.id, 'on my way');
      assert.equal(await mentioned(alice), false);
      // Mentions of a custom message are ignored.
      await requestOk(bob.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), type: 'custom', content: { data: { x: 1 }, description: '' }, mentions: ['carol'] });
      assert.equal(await mentioned(carol), false);
    });

    test('conversation:read is monotonic and clamped to lastSeq, and other devices learn of it; sending marks one’s own read position', async () => {
      const alice = await user('alice');
      const alice2 = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(bob.socket, 'alice');
      for (const n of range(1, 5)) await send(bob.socket, direct.id, `b${n}`);
      const { version } = await sync(alice2.socket);
      assert.equal((await summary(alice.socket, direct.id)).unreadCount, 5);

      assert.deepEqual(await requestOk(alice.socket, 'conversation:read', { conversationId: direct.id, seq: 3 }), { readSeq: 3 });
      const change = await expectChanged(alice2.socket, direct.id, version);
      assert.ok(change.version > version, 'a newer version');
      const seen = await sync(alice2.socket, version);
      assert.deepEqual(seen.conversations.map((c) => c.id), [direct.id]);
      assert.equal(seen.conversations[0]!.readSeq, 3);
      assert.equal(seen.conversations[0]!.unreadCount, 2);
      // Never backwards.
      assert.deepEqual(await requestOk(alice.socket, 'conversation:read', { conversationId: direct.id, seq: 1 }), { readSeq: 3 });
      assert.deepEqual(await requestOk(alice.socket, 'conversation:read', { conversationId: direct.id, seq: 0 }), { readSeq: 3 });
      assert.equal((await summary(alice2.socket, direct.id)).readSeq, 3);
      // Never past the last message.
      assert.deepEqual(await requestOk(alice.socket, 'conversation:read', { conversationId: direct.id, seq: 999 }), { readSeq: 5 });
      const latest = await sync(alice2.socket, seen.version);
      assert.equal(latest.conversations[0]!.readSeq, 5);
      assert.equal(latest.conversations[0]!.unreadCount, 0);
      // Bob's state is his own.
      assert.equal((await summary(bob.socket, direct.id)).readSeq, 5, 'bob sent them all');
      for (const seq of [-1, 1.5, '3', undefined, null]) {
        await expectError(alice.socket, 'conversation:read', { conversationId: direct.id, seq }, ERROR_CODES.INVALID_PAYLOAD);
      }

      // Sending marks one's own read position at that seq, unread before it included.
      for (const n of range(6, 8)) await send(bob.socket, direct.id, `b${n}`);
      assert.equal((await summary(alice2.socket, direct.id)).unreadCount, 3);
      const own = await send(alice2.socket, direct.id, 'caught up');
      const after = await summary(alice.socket, direct.id);
      assert.equal(after.readSeq, own.seq);
      assert.equal(after.unreadCount, 0);
    });

    test('settings pinned/muted reach the user’s other devices (conversation:changed + sync); bad payloads → INVALID_PAYLOAD', async () => {
      const alice = await user('alice');
      const alice2 = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(alice.socket, 'bob');
      const { version } = await sync(alice2.socket);

      const pinned = await requestOk<ConversationSummary>(alice.socket, 'conversation:settings', { conversationId: direct.id, pinned: true });
      assert.equal(pinned.pinned, true);
      assert.equal(pinned.muted, false);
      assert.equal(pinned.id, direct.id);
      await expectChanged(alice2.socket, direct.id, version);
      const first = await sync(alice2.socket, version);
      assert.deepEqual(first.conversations.map((c) => [c.id, c.pinned, c.muted]), [[direct.id, true, false]]);

      const muted = await requestOk<ConversationSummary>(alice2.socket, 'conversation:settings', { conversationId: direct.id, muted: true });
      assert.equal(muted.pinned, true);
      assert.equal(muted.muted, true);
      const second = await sync(alice.socket, first.version);
      assert.deepEqual(second.conversations.map((c) => [c.id, c.pinned, c.muted]), [[direct.id, true, true]]);

      const both = await requestOk<ConversationSummary>(alice.socket, 'conversation:settings', { conversationId: direct.id, pinned: false, muted: false });
      assert.deepEqual([both.pinned, both.muted], [false, false]);
      // Another user's settings are untouched.
      const bobs = await summary(bob.socket, direct.id);
      assert.deepEqual([bobs.pinned, bobs.muted], [false, false]);
      await settle(bob.socket);

      for (const payload of [
        { conversationId: direct.id },
        { conversationId: direct.id, pinned: 'yes' },
        { conversationId: direct.id, muted: 1 },
        { conversationId: direct.id, pinned: null },
        { pinned: true },
        { conversationId: '', pinned: true },
        { conversationId: 'x'.repeat(201), pinned: true },
        null,
        'pin',
      ]) {
        await expectError(alice.socket, 'conversation:settings', payload, ERROR_CODES.INVALID_PAYLOAD);
      }
      const final = await summary(alice2.socket, direct.id);
      assert.deepEqual([final.pinned, final.muted], [false, false]);
    });

    test('hide: hidden with unreadCount 0 (other devices told); a new message from the peer brings it back', async () => {
      const alice = await user('alice');
      const alice2 = await user('alice');
      const bob = await user('bob');
      const direct = await openDirect(bob.socket, 'alice');
      await send(bob.socket, direct.id, 'one');
      await send(bob.socket, direct.id, 'two');
      await requestOk(alice.socket, 'conversation:settings', { conversationId: direct.id, pinned: true });
      const before = await sync(alice.socket);
      assert.equal(before.conversations.find((c) => c.id === direct.id)!.unreadCount, 2);

      assert.deepEqual(await requestOk(alice.socket, 'conversation:hide', { conversationId: direct.id }), { conversationId: direct.id });
      await expectChanged(alice2.socket, direct.id, before.version);
      const hidden = await summary(alice2.socket, direct.id);
      assert.equal(hidden.hidden, true);
      assert.equal(hidden.unreadCount, 0);
      assert.equal(hidden.readSeq, 2);
      assert.equal((await summary(bob.socket, direct.id)).hidden, false, 'only for alice');

      const { version } = await sync(alice.socket);
      const back = await send(bob.socket, direct.id, 'three');
      await expectMessage(alice.socket, back.id);
      const shown = (await sync(alice.socket, version)).conversations.find((c) => c.id === direct.id);
      assert.ok(shown, 'the conversation comes back in the incremental sync');
      assert.equal(shown.hidden, false);
      assert.equal(shown.unreadCount, 1);
      assert.equal(shown.lastMessage?.id, back.id);
      // History is still there for alice.
      assert.deepEqual((await history(alice.socket, direct.id)).messages.map((m) => m.seq), [1, 2, 3]);
      // Hiding an empty conversation works too.
      const empty = await openDirect(alice.socket, 'carol');
      await requestOk(alice.socket, 'conversation:hide', { conversationId: empty.id });
      assert.equal((await summary(alice.socket, empty.id)).hidden, true);
    });

    test('one user’s bad requests (malformed payloads, unknown ids, rate limited) never affect another user’s session', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const mallory = await user('mallory');
      const direct = await openDirect(alice.socket, 'bob');
      const mine = await openDirect(mallory.socket, 'alice');

      const events = [
        'message:send',
        'message:history',
        'session:renew',
        'conversation:sync',
        'conversation:open-direct',
        'conversation:create-group',
        'conversation:add-members',
        'conversation:leave',
        'conversation:read',
        'conversation:settings',
        'conversation:hide',
      ];
      const junk: unknown[] = [undefined, null, 42, 'x', [], [1, 2], { conversationId: 7 }, { conversationId: 'x'.repeat(300) }, { conversationId: 'direct:alice:bob' }, { conversationId: 'group:nope', members: ['a'], seq: 1, pinned: true, clientMsgId: uuid(), content: { text: 'x' } }, { __proto__: { x: 1 }, constructor: 'x' }];
      const codes = new Set<string>();
      let round = 0;
      const chat = async () => {
        round++;
        const sent = await send(alice.socket, direct.id, `alice ${round}`);
        assert.equal((await expectMessage(bob.socket, sent.id)).seq, sent.seq);
        const reply = await send(bob.socket, direct.id, `bob ${round}`);
        assert.equal((await expectMessage(alice.socket, reply.id)).seq, reply.seq);
      };
      for (const event of events) {
        const acks = await Promise.all(junk.map((payload) => request(mallory.socket, event, payload)));
        for (const ack of acks as Ack<unknown>[]) {
          // An empty or unknown-field sync query is a valid full sync; everything else must be refused.
          if (event === 'conversation:sync' && ack.ok) continue;
          assert.equal(ack.ok, false, `${event} accepted junk`);
          codes.add((ack as { error: ErrorPayload }).error.code);
        }
        (mallory.socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit(event, { conversationId: direct.id }); // no ack
        await chat();
      }
      assert.ok(!codes.has(ERROR_CODES.INTERNAL), `no internal errors: ${[...codes].join(', ')}`);
      assert.ok(codes.has(ERROR_CODES.RATE_LIMITED), 'mallory got rate limited');
      assert.ok(codes.has(ERROR_CODES.NOT_MEMBER) && codes.has(ERROR_CODES.INVALID_PAYLOAD), [...codes].join(', '));

      // Nobody was kicked; alice's and bob's view of their conversation is intact; mallory's session survives.
      await settle(alice.socket, bob.socket);
      for (const socket of [alice.socket, bob.socket, mallory.socket]) assert.deepEqual(payloads(socket, 'session:kicked'), []);
      assert.equal(mallory.socket.connected, true);
      const page = await history(bob.socket, direct.id);
      assert.deepEqual(page.messages.map((m) => m.seq), range(1, events.length * 2));
      const alices = (await sync(alice.socket)).conversations;
      assert.deepEqual(alices.map((c) => c.id).sort(), [direct.id, mine.id].sort());
      assert.equal(alices.find((c) => c.id === direct.id)!.memberCount, 2);
      assert.equal(createdIn(mallory.socket, direct.id).length, 0);
    });
  });
});
