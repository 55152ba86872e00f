import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ConversationSyncResult } from '../../src/protocol/events.js';
import { roomConversationId, systemConversationId, type ConversationSummary } from '../../src/protocol/models.js';
import { bindRoom, cleanup, requestOk, signIn, startServer, uniqueRoom, type ClientSocket, type TestServer } from './helpers.js';

let server: TestServer;

const conversations = () => server.app.store.conversations;
const sync = (socket: ClientSocket, since?: number) =>
  requestOk<ConversationSyncResult>(socket, 'conversation:sync', since === undefined ? {} : { since });
/** This user's summary of one conversation, from a full sync. */
async function summary(socket: ClientSocket, conversationId: string): Promise<ConversationSummary> {
  const found = (await sync(socket)).conversations.find((c) => c.id === conversationId);
  assert.ok(found, `${conversationId} is in the list`);
  return found;
}
const createGroup = (socket: ClientSocket, name: string, members: string[]) =>
  requestOk<ConversationSummary>(socket, 'conversation:create-group', { name, members });
const addMembers = (socket: ClientSocket, conversationId: string, members: string[]) =>
  requestOk<ConversationSummary>(socket, 'conversation:add-members', { conversationId, members });
const leave = (socket: ClientSocket, conversationId: string) => requestOk(socket, 'conversation:leave', { conversationId });
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

/** A bound room's conversation (rooms are bound by the site, server to server). */
async function room(): Promise<string> {
  const roomId = uniqueRoom();
  await bindRoom(server, roomId);
  return roomConversationId(roomId);
}

describe('membership at scale', () => {
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(cleanup);

  test('a 2,000-member group created through the socket event counts 2,000 for its creator and for a member', async () => {
    const owner = await signIn(server, 'owner');
    const members = ids('m', 1999);
    const created = await createGroup(owner.socket, 'everyone', members);
    assert.equal(created.memberCount, 2000);
    assert.equal(created.role, 'owner');
    assert.equal((await summary(owner.socket, created.id)).memberCount, 2000);

    for (const userId of ['m0', 'm1234', 'm1998']) {
      const member = await signIn(server, userId);
      const theirs = (await sync(member.socket)).conversations.find((c) => c.id === created.id);
      assert.ok(theirs, `${userId} has the group`);
      assert.equal(theirs.memberCount, 2000);
      assert.equal(theirs.role, 'member');
      assert.equal(theirs.left, false);
      assert.equal(theirs.ownerId, 'owner');
    }
    assert.equal(await conversations().memberCount(created.id), 2000);
    assert.equal((await conversations().memberIds(created.id)).length, 2000);
  });

  test('leaving and coming back keep the count right; an active member is not added twice', async () => {
    const owner = await signIn(server, 'owner');
    const bob = await signIn(server, 'bob');
    const group = await createGroup(owner.socket, 'team', ['bob', 'carol', 'dave']);
    assert.equal(group.memberCount, 4);

    await leave(bob.socket, group.id);
    assert.equal((await summary(owner.socket, group.id)).memberCount, 3);
    const gone = await summary(bob.socket, group.id);
    assert.equal(gone.left, true);

    // bob comes back, carol is already in, erin is new: two more, not three.
    const grown = await addMembers(owner.socket, group.id, ['bob', 'carol', 'erin']);
    assert.equal(grown.memberCount, 5);
    const back = await summary(bob.socket, group.id);
    assert.equal(back.left, false);
    assert.equal(back.role, 'member');
    assert.equal(back.memberCount, 5);
    assert.deepEqual((await conversations().memberIds(group.id)).sort(), ['bob', 'carol', 'dave', 'erin', 'owner']);

    // The owner leaves: the group is handed over and counts one fewer.
    await leave(owner.socket, group.id);
    const carol = await signIn(server, 'carol');
    const carols = await summary(carol.socket, group.id);
    assert.equal(carols.memberCount, 4);
    assert.equal(carols.ownerId, 'carol');
    assert.equal(carols.role, 'owner');
    assert.equal(await conversations().memberCount(group.id), 4);
  });

  test('500 members added to a group at once are all counted and all see the group', async () => {
    const owner = await signIn(server, 'owner');
    const group = await createGroup(owner.socket, 'growing', ['seed']);
    const newcomers = ids('n', 500);
    const grown = await addMembers(owner.socket, group.id, newcomers);
    assert.equal(grown.memberCount, 502);
    const last = await signIn(server, 'n499');
    const theirs = await summary(last.socket, group.id);
    assert.equal(theirs.memberCount, 502);
    assert.equal(theirs.left, false);
  });

  test('someone joining a room changes its count in the delta sync of a member who was there before', async () => {
    const conversationId = await room();
    await conversations().joinRoom(conversationId, 'alice', Date.now());
    const alice = await signIn(server, 'alice');
    const before = await sync(alice.socket);
    assert.equal(before.conversations.find((c) => c.id === conversationId)?.memberCount, 1);

    await conversations().joinRoom(conversationId, 'bob', Date.now());
    const delta = await sync(alice.socket, before.version);
    assert.equal(delta.conversations.find((c) => c.id === conversationId)?.memberCount, 2);
    await conversations().leave(conversationId, 'bob');
    const afterLeave = await sync(alice.socket, delta.version);
    assert.equal(afterLeave.conversations.find((c) => c.id === conversationId)?.memberCount, 1);
  });

  test('joinRoom with a role: the summary reports it, and joining again with another role changes it', async () => {
    const conversationId = await room();
    await conversations().joinRoom(conversationId, 'alice', Date.now(), 'moderator');
    const alice = await signIn(server, 'alice');
    const first = await sync(alice.socket);
    const moderator = first.conversations.find((c) => c.id === conversationId);
    assert.equal(moderator?.role, 'moderator');
    assert.equal(moderator?.memberCount, 1);

    const change = await conversations().joinRoom(conversationId, 'alice', Date.now(), 'viewer');
    assert.deepEqual(change.added, [], 'already a member: a change of role, not a join');
    const delta = await sync(alice.socket, first.version);
    const viewer = delta.conversations.find((c) => c.id === conversationId);
    assert.ok(viewer, 'the change of role reaches a delta sync');
    assert.equal(viewer.role, 'viewer');
    assert.equal(viewer.memberCount, 1);

    // The same role again changes nothing.
    await conversations().joinRoom(conversationId, 'alice', Date.now(), 'viewer');
    assert.deepEqual((await sync(alice.socket, delta.version)).conversations, []);

    await conversations().joinRoom(conversationId, 'bob', Date.now());
    const bob = await signIn(server, 'bob');
    assert.equal((await summary(bob.socket, conversationId)).role, 'member');
  });

  test('sharedContacts: only users sharing a direct or group conversation as active members', async () => {
    const alice = await signIn(server, 'alice');
    await requestOk(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    const withCarol = await createGroup(alice.socket, 'with carol', ['carol']);
    const withDave = await createGroup(alice.socket, 'with dave', ['dave']);
    const dave = await signIn(server, 'dave');
    await leave(dave.socket, withDave.id);
    // erin is only in a room with alice.
    const shared = await room();
    await conversations().joinRoom(shared, 'alice', Date.now());
    await conversations().joinRoom(shared, 'erin', Date.now());
    // Nothing in the product puts two users in one system conversation; forcing it here pins
    // down that its type, not the shared row, decides.
    await conversations().openSystem('alice', Date.now());
    await conversations().joinRoom(systemConversationId('alice'), 'frank', Date.now());

    const candidates = ['bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'alice', 'bob'];
    assert.deepEqual(await conversations().sharedContacts('alice', candidates), ['bob', 'carol']);
    assert.deepEqual(await conversations().sharedContacts('bob', ['alice', 'carol']), ['alice']);
    assert.deepEqual(await conversations().sharedContacts('dave', ['alice']), []);
    assert.deepEqual(await conversations().sharedContacts('erin', ['alice']), []);
    assert.deepEqual(await conversations().sharedContacts('alice', []), []);

    // Coming back makes dave a contact again; alice leaving the group with carol ends that one.
    await addMembers(alice.socket, withDave.id, ['dave']);
    assert.deepEqual(await conversations().sharedContacts('alice', candidates), ['bob', 'carol', 'dave']);
    await leave(alice.socket, withCarol.id);
    assert.deepEqual(await conversations().sharedContacts('alice', candidates), ['bob', 'dave']);
    assert.deepEqual(await conversations().sharedContacts('carol', ['alice']), []);
  });

  test('sharedContacts answers long candidate lists (more than one chunk)', async () => {
    const owner = await signIn(server, 'owner');
    await createGroup(owner.socket, 'big', ids('m', 600));
    const candidates = [...ids('m', 700), 'stranger'];
    const contacts = await conversations().sharedContacts('owner', candidates);
    assert.deepEqual(contacts, ids('m', 600));
  });
});
