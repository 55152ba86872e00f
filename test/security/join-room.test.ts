import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import type { ConversationSummary } from '../../src/protocol/models.js';
import { bindRoom, cleanup, requestError, requestOk, rest, signIn, startServer, unbindRoom, uuid } from '../server/helpers.js';

afterEach(cleanup);

describe('signed-in users entering rooms', () => {
  test('without a token, a grant or open rooms: refused exactly as for a room that does not exist', async () => {
    const server = await startServer();
    await bindRoom(server, 'secret-room');
    await bindRoom(server, 'gone');
    await unbindRoom(server, 'gone');
    const alice = await signIn(server, 'alice');
    const answers = [];
    for (const roomId of ['secret-room', 'no-such-room', 'gone']) {
      const error = await requestError(alice.socket, 'conversation:join-room', { roomId });
      answers.push([error.code, error.message.replace(roomId, '<id>')]);
    }
    assert.deepEqual(answers[0], [ERROR_CODES.ROOM_NOT_FOUND, answers[1]![1]]);
    assert.deepEqual(answers[1], answers[2]);
    assert.deepEqual(answers[0], answers[1]);
    // Not a member: nothing of the room can be read.
    assert.equal((await requestError(alice.socket, 'message:history', { conversationId: 'room:secret-room' })).code, ERROR_CODES.NOT_MEMBER);
  });

  test('a token of the room lets in (with its role); a token of another room, forged or for another user does not', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'a');
    const otherRoom = await bindRoom(server, 'b');
    const forBob = (await rest(server, 'POST', '/v1/rooms/a/tokens', { body: JSON.stringify({ userId: 'bob' }) })).body.token as string;
    const viewerToken = (await rest(server, 'POST', '/v1/rooms/a/tokens', { body: JSON.stringify({ role: 'viewer' }) })).body.token as string;
    const alice = await signIn(server, 'alice');
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'a', token: otherRoom })).code, ERROR_CODES.ROOM_NOT_FOUND);
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'a', token: `${token}x` })).code, ERROR_CODES.TOKEN_INVALID);
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'a', token: forBob })).code, ERROR_CODES.USER_MISMATCH);
    const carol = await signIn(server, 'carol');
    const asViewer = await requestOk<ConversationSummary>(carol.socket, 'conversation:join-room', { roomId: 'a', token: viewerToken });
    assert.equal(asViewer.role, 'viewer');
    assert.equal((await requestError(carol.socket, 'message:send', { conversationId: 'room:a', clientMsgId: uuid(), content: { text: 'x' } })).code, ERROR_CODES.FORBIDDEN);
    const joined = await requestOk<ConversationSummary>(alice.socket, 'conversation:join-room', { roomId: 'a', token });
    assert.deepEqual([joined.id, joined.role], ['room:a', 'member']);
  });

  test('a grant by the site (admin key) lets users in with a role; IM_OPEN_ROOMS opens every bound room', async () => {
    const server = await startServer();
    await bindRoom(server, 'granted');
    const grant = await rest(server, 'POST', '/v1/rooms/granted/members', { body: JSON.stringify({ userIds: ['alice', 'mod'], role: 'moderator' }) });
    assert.equal(grant.status, 200, JSON.stringify(grant.body));
    assert.equal((await rest(server, 'POST', '/v1/rooms/granted/members', { body: '{"userIds":["x"]}', key: null })).status, 401);
    assert.equal((await rest(server, 'POST', '/v1/rooms/nowhere/members', { body: '{"userIds":["x"]}' })).body.error.code, ERROR_CODES.ROOM_NOT_FOUND);
    assert.equal((await rest(server, 'POST', '/v1/rooms/granted/members', { body: '{"userIds":["x"],"role":"owner"}' })).status, 400);
    assert.equal((await rest(server, 'POST', '/v1/rooms/granted/members', { body: '{"userIds":[]}' })).status, 400);
    const alice = await signIn(server, 'alice');
    const summary = await requestOk<ConversationSummary>(alice.socket, 'conversation:join-room', { roomId: 'granted' });
    assert.equal(summary.role, 'moderator');
    await requestOk(alice.socket, 'message:send', { conversationId: 'room:granted', clientMsgId: uuid(), content: { text: 'now' }, priority: 'high' });
    const bob = await signIn(server, 'bob');
    assert.equal((await requestError(bob.socket, 'conversation:join-room', { roomId: 'granted' })).code, ERROR_CODES.ROOM_NOT_FOUND);

    const open = await startServer({ openRooms: true });
    await bindRoom(open, 'lobby');
    const anyone = await signIn(open, 'anyone');
    assert.equal((await requestOk<ConversationSummary>(anyone.socket, 'conversation:join-room', { roomId: 'lobby' })).role, 'member');
    assert.equal((await requestError(anyone.socket, 'conversation:join-room', { roomId: 'unbound' })).code, ERROR_CODES.ROOM_NOT_FOUND);
  });
});
