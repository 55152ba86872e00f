import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import type { SignalMessage, StoredMessage } from '../../src/protocol/models.js';
import {
  bindRoom,
  cleanup,
  connect,
  connectError,
  nextEvent,
  payloads,
  requestError,
  requestOk,
  rest,
  settle,
  signIn,
  startServer,
  unbindRoom,
  uuid,
  waitFor,
  type TestServer,
} from '../server/helpers.js';

afterEach(cleanup);

/** POST /v1/rooms/:roomId/tokens with the admin key; asserts 200. */
async function roomToken(server: TestServer, roomId: string, body: Record<string, unknown>): Promise<string> {
  const response = await rest<{ token: string }>(server, 'POST', `/v1/rooms/${roomId}/tokens`, { body: JSON.stringify(body) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.token;
}

describe('room tokens bound to a user, roles, and guests', () => {
  test('a token that names a user refuses any other id; without one it is a guest, never the signed-in user of that id', async () => {
    const server = await startServer();
    const guestToken = await bindRoom(server, 'class');
    const teacherToken = await bindRoom(server, 'class', { userId: 'teacher' });
    const aliceToken = await roomToken(server, 'class', { userId: 'alice' });

    assert.equal((await connectError(server, { token: aliceToken, userId: 'mallory' })).data?.code, ERROR_CODES.USER_MISMATCH);
    const viaToken = await connect(server, { token: aliceToken });
    assert.equal(viaToken.session.userId, 'alice');
    const teacher = await connect(server, { token: teacherToken, userId: 'teacher' });
    assert.equal(teacher.session.userId, 'teacher');
    // A guest who takes the id "alice" is ~alice: another person.
    const impostor = await connect(server, { token: guestToken, userId: 'alice' });
    assert.equal(impostor.session.userId, '~alice');
    const signedIn = await signIn(server, 'alice');
    await requestOk(signedIn.socket, 'conversation:join-room', { roomId: 'class', token: guestToken });

    // What the impostor says is theirs, not alice's.
    await requestOk(impostor.socket, 'message:send', { clientMsgId: uuid(), content: 'I am alice' });
    const heard = await nextEvent<StoredMessage>(signedIn.socket, 'message:created');
    assert.equal(heard.senderId, '~alice');

    // The teacher writes to alice: alice (signed in, and by her token) reads it, the impostor does not.
    const sent = await requestOk<{ seq: number }>(teacher.socket, 'message:send', { clientMsgId: uuid(), content: 'for alice', users: ['alice'] });
    const created = (seq: number) => (entry: { event: string; args: unknown[] }) => entry.event === 'message:created' && (entry.args[0] as StoredMessage).seq === seq;
    await waitFor(signedIn.socket, created(sent.seq), 'alice signed in gets it');
    await waitFor(viaToken.socket, created(sent.seq), 'alice by her token gets it');
    await requestOk(teacher.socket, 'signal:send', { content: 'ping alice', users: ['alice'] });
    await nextEvent<SignalMessage>(viaToken.socket, 'signal:received');
    const impostorHistory = await requestOk<{ messages: StoredMessage[] }>(impostor.socket, 'message:history', {});
    assert.ok(!impostorHistory.messages.some((message) => message.seq === sent.seq), 'the impostor cannot read it');
    await settle(signedIn.socket);
    assert.ok(!payloads<StoredMessage>(impostor.socket, 'message:created').some((message) => message.seq === sent.seq));
    assert.ok(!payloads<SignalMessage>(impostor.socket, 'signal:received').some((signal) => signal.content === 'ping alice'));

    // A guest writing to "teacher" reaches the teacher; guests reach each other by the ids they chose.
    const bobGuest = await connect(server, { token: guestToken, userId: 'bob' });
    const question = await requestOk<{ seq: number }>(bobGuest.socket, 'message:send', { clientMsgId: uuid(), content: 'question', users: ['teacher', 'alice'] });
    await waitFor(teacher.socket, created(question.seq), 'the teacher gets the question');
    await waitFor(impostor.socket, created(question.seq), 'guest alice gets it too');
    await waitFor(signedIn.socket, created(question.seq), 'and signed-in alice');
  });

  test('token requests are checked: roles, moderators need a user, unknown rooms are 404', async () => {
    const server = await startServer();
    await bindRoom(server, 'r');
    const post = (path: string, body: unknown) => rest(server, 'POST', path, { body: JSON.stringify(body) });
    assert.equal((await post('/v1/rooms/r/tokens', { role: 'moderator' })).status, 400);
    assert.equal((await post('/v1/rooms/r/tokens', { role: 'owner' })).status, 400);
    assert.equal((await post('/v1/rooms/r/tokens', { userId: 'a b' })).body.error.code, ERROR_CODES.INVALID_USER_ID);
    assert.equal((await post('/v1/rooms/r/tokens', { ttlSeconds: 59 })).status, 400);
    assert.equal((await post('/v1/rooms/nowhere/tokens', {})).body.error.code, ERROR_CODES.ROOM_NOT_FOUND);
    assert.equal((await post('/v1/room-binding', { roomId: 'r', role: 'moderator' })).status, 400);
    assert.equal((await rest(server, 'POST', '/v1/rooms/r/tokens', { body: '{}', key: null })).status, 401);
    const ok = await post('/v1/rooms/r/tokens', { userId: 'mod', role: 'moderator', ttlSeconds: 3600 });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.expiresAt > Date.now());
  });

  test('viewers receive only; high priority is for moderators; members are refused it', async () => {
    const server = await startServer();
    await bindRoom(server, 'live');
    const viewer = await connect(server, { token: await roomToken(server, 'live', { role: 'viewer' }), userId: 'v' });
    const member = await connect(server, { token: await roomToken(server, 'live', {}), userId: 'm' });
    const moderator = await connect(server, { token: await roomToken(server, 'live', { userId: 'mod', role: 'moderator' }) });
    assert.deepEqual([viewer.session.role, member.session.role, moderator.session.role], ['viewer', 'member', 'moderator']);
    for (const [event, payload] of [
      ['message:send', { clientMsgId: uuid(), content: 'hi' }],
      ['signal:broadcast', { content: 'hi' }],
      ['signal:send', { content: 'hi', users: ['m'] }],
    ] as const) {
      assert.equal((await requestError(viewer.socket, event, payload)).code, ERROR_CODES.FORBIDDEN, event);
    }
    assert.equal((await requestError(member.socket, 'message:send', { clientMsgId: uuid(), content: 'me first', priority: 'high' })).code, ERROR_CODES.FORBIDDEN);
    await requestOk(moderator.socket, 'message:send', { clientMsgId: uuid(), content: 'announcement', priority: 'high' });
    assert.equal((await nextEvent<StoredMessage>(viewer.socket, 'message:created')).content, 'announcement');
    const history = await requestOk<{ messages: StoredMessage[] }>(viewer.socket, 'message:history', {});
    assert.deepEqual(history.messages.map((message) => message.content), ['announcement']);
  });

  test('high priority in user conversations: a group owner may, a member and a direct chat may not', async () => {
    const server = await startServer();
    const owner = await signIn(server, 'owner');
    const member = await signIn(server, 'member');
    const { id } = await requestOk<{ id: string }>(owner.socket, 'conversation:create-group', { name: 'G', members: ['member'] });
    const { id: direct } = await requestOk<{ id: string }>(owner.socket, 'conversation:open-direct', { userId: 'member' });
    const send = (who: typeof owner, conversationId: string) =>
      requestOk(who.socket, 'message:send', { conversationId, clientMsgId: uuid(), content: { text: 'x' }, priority: 'high' });
    await send(owner, id);
    assert.equal((await requestError(member.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'x' }, priority: 'high' })).code, 'FORBIDDEN');
    assert.equal((await requestError(owner.socket, 'message:send', { conversationId: direct, clientMsgId: uuid(), content: { text: 'x' }, priority: 'high' })).code, 'FORBIDDEN');
  });

  test('one user of a room token has at most maxConnectionsPerUser connections: the oldest is told and closed', async () => {
    const server = await startServer({ maxConnectionsPerUser: 2 });
    const token = await bindRoom(server, 'r');
    const first = await connect(server, { token, userId: 'x' });
    const second = await connect(server, { token, userId: 'x' });
    const other = await connect(server, { token, userId: 'y' });
    const third = await connect(server, { token, userId: 'x' });
    const kicked = await nextEvent<{ code: string }>(first.socket, 'session:kicked');
    assert.equal(kicked.code, ERROR_CODES.TOO_MANY_CONNECTIONS);
    await waitFor(first.socket, (entry) => entry.event === 'disconnect', 'the oldest closed');
    for (const { socket } of [second, other, third]) assert.ok(socket.connected);
    await requestOk(other.socket, 'message:send', { clientMsgId: uuid(), content: 'still here' });
  });

  test('a room session ends when its token expires (TOKEN_EXPIRED), as ticket sessions do', async () => {
    let skew = 0;
    const server = await startServer({}, { clock: () => Date.now() + skew });
    const token = await bindRoom(server, 'r', { ttlSeconds: 60 });
    skew = 59_000;
    const { socket, session } = await connect(server, { token, userId: 'x' });
    assert.ok(session.expiresAt !== null && session.expiresAt - (Date.now() + skew) <= 1000);
    const kicked = await nextEvent<{ code: string }>(socket, 'session:kicked', 5000);
    assert.equal(kicked.code, ERROR_CODES.TOKEN_EXPIRED);
    await waitFor(socket, (entry) => entry.event === 'disconnect', 'closed at expiry');
  });

  test('an unbound room takes no writes from its signed-in members: no sends, reactions, edits or recalls', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'r');
    const alice = await signIn(server, 'alice');
    await requestOk(alice.socket, 'conversation:join-room', { roomId: 'r', token });
    const { seq } = await requestOk<{ seq: number }>(alice.socket, 'message:send', { conversationId: 'room:r', clientMsgId: uuid(), content: { text: 'hi' } });
    await unbindRoom(server, 'r');
    for (const [event, payload] of [
      ['message:send', { conversationId: 'room:r', clientMsgId: uuid(), content: { text: 'x' } }],
      ['message:react', { conversationId: 'room:r', seq, emoji: 'x', on: true }],
      ['message:edit', { conversationId: 'room:r', seq, text: 'y' }],
      ['message:recall', { conversationId: 'room:r', seq }],
    ] as const) {
      assert.equal((await requestError(alice.socket, event, payload)).code, ERROR_CODES.ROOM_UNBOUND, event);
    }
    // Reading stays possible: the room is still in alice's list with its history.
    const history = await requestOk<{ messages: StoredMessage[] }>(alice.socket, 'message:history', { conversationId: 'room:r' });
    assert.deepEqual(history.messages.map((message) => message.seq), [seq]);
    assert.equal(history.messages[0]!.reactions.x, undefined);
  });
});
