import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { bindRoom, cleanup, requestOk, signIn, startServer } from '../server/helpers.js';

afterEach(cleanup);

describe('presence', () => {
  test('presence:query answers only about users who share a direct or group conversation with the caller', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'hall');
    const [alice, bob, carol, dave, erin] = await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin'].map((id) => signIn(server, id)));
    await requestOk(alice!.socket, 'conversation:open-direct', { userId: 'bob' });
    await requestOk(alice!.socket, 'conversation:create-group', { name: 'G', members: ['erin'] });
    // Sharing a room is not knowing each other.
    for (const user of [alice!, carol!]) await requestOk(user.socket, 'conversation:join-room', { roomId: 'hall', token });
    const { online } = await requestOk<{ online: string[] }>(alice!.socket, 'presence:query', { userIds: ['bob', 'carol', 'dave', 'erin', 'nobody'] });
    assert.deepEqual(online.sort(), ['bob', 'erin']);
    // Dave shares nothing with alice: to him, alice is as offline as anyone.
    assert.deepEqual((await requestOk<{ online: string[] }>(dave!.socket, 'presence:query', { userIds: ['alice', 'bob'] })).online, []);
    assert.ok(bob && carol && erin);
  });
});
