/**
 * Every documented limit (README "Limits", src/protocol/limits.ts) at its boundary: the limit
 * itself passes, one more fails with its documented code. test/server/limits.test.ts covers
 * room content bytes, room recipients and the room send burst; this file covers the rest and
 * the boundary pairs that file leaves out. The server's clock is frozen and moved by hand, so
 * rate limits are exact.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { Ack } from '../../src/protocol/ack.js';
import { ERROR_CODES, type ErrorPayload } from '../../src/protocol/errors.js';
import { LIMITS } from '../../src/protocol/limits.js';
import type { ConversationSummary, HistoryPage, SendResult, StoredMessage } from '../../src/protocol/models.js';
import {
  bindRoom,
  cleanup,
  connect,
  connectError,
  connectUser,
  nextEvent,
  rest,
  request,
  requestError,
  requestOk,
  signIn,
  startServer,
  ticketFor,
  uuid,
  waitFor,
  WAIT_MS,
  type ClientSocket,
  type TestServer,
} from '../server/helpers.js';
import type { Config } from '../../src/server/config.js';

let now = Date.UTC(2030, 0, 1);
/** Moves the server's clock (rate limits refill by it). */
const advance = (ms: number) => {
  now += ms;
};

let server: TestServer;
const start = async (overrides: Partial<Config> = {}) => {
  now = Date.now();
  server = await startServer(overrides, { clock: () => now });
  return server;
};

const rawSockets = new Set<WebSocket>();
afterEach(async () => {
  for (const socket of rawSockets) socket.terminate();
  rawSockets.clear();
  await cleanup();
});

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
const code = (ack: Ack<unknown>) => (ack.ok ? 'ok' : ack.error.code);
/** A user id of exactly `length` characters. */
const userIdOf = (length: number, fill = 'u') => fill.repeat(length);

function assertRest(response: { status: number; body: any }, status: number, errorCode: string | null, label: string): void {
  assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body).slice(0, 200)}`);
  if (errorCode !== null) assert.equal(response.body?.error?.code, errorCode, label);
}

/** Sends `count` text messages from `socket`, spacing the clock so that the send bucket never runs dry. */
async function sendTexts(socket: ClientSocket, conversationId: string, count: number, prefix = 'm'): Promise<SendResult[]> {
  const results: SendResult[] = [];
  for (let index = 0; index < count; index++) {
    advance(1000 / LIMITS.SEND_RATE_PER_SECOND);
    results.push(await requestOk<SendResult>(socket, 'message:send', { conversationId, clientMsgId: uuid(), content: { text: `${prefix}${index}` } }));
  }
  return results;
}

describe('limits at their boundaries', () => {
  // -------------------------------------------------------------------------------------------
  // Ids

  test(`room id: ${LIMITS.ROOM_ID_MAX_LENGTH} characters pass every route and conversation:join-room; ${LIMITS.ROOM_ID_MAX_LENGTH + 1} or none → INVALID_ROOM_ID`, async () => {
    await start();
    const longest = 'r'.repeat(LIMITS.ROOM_ID_MAX_LENGTH);
    const tooLong = 'r'.repeat(LIMITS.ROOM_ID_MAX_LENGTH + 1);
    const roomToken = await bindRoom(server, longest);
    assertRest(await rest(server, 'POST', '/v1/room-binding', { body: JSON.stringify({ roomId: tooLong }) }), 400, ERROR_CODES.INVALID_ROOM_ID, 'bind 129');
    assertRest(await rest(server, 'POST', '/v1/room-binding', { body: JSON.stringify({ roomId: '' }) }), 400, ERROR_CODES.INVALID_ROOM_ID, 'bind empty');

    const token = await rest(server, 'POST', `/v1/rooms/${longest}/tokens`, { body: '{}' });
    assertRest(token, 200, null, 'token 128');
    assert.equal(token.body.roomId, longest);
    assertRest(await rest(server, 'POST', `/v1/rooms/${tooLong}/tokens`, { body: '{}' }), 400, ERROR_CODES.INVALID_ROOM_ID, 'token 129');

    assertRest(await rest(server, 'POST', `/v1/rooms/${longest}/members`, { body: JSON.stringify({ userIds: ['granted'] }) }), 200, null, 'grant 128');
    assertRest(await rest(server, 'POST', `/v1/rooms/${tooLong}/members`, { body: JSON.stringify({ userIds: ['granted'] }) }), 400, ERROR_CODES.INVALID_ROOM_ID, 'grant 129');

    const alice = await signIn(server, 'alice');
    const joined = await requestOk<ConversationSummary>(alice.socket, 'conversation:join-room', { roomId: longest, token: roomToken });
    assert.equal(joined.type, 'room');
    const granted = await signIn(server, 'granted');
    assert.equal((await requestOk<ConversationSummary>(granted.socket, 'conversation:join-room', { roomId: longest })).id, joined.id);
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: tooLong, token: roomToken })).code, ERROR_CODES.INVALID_ROOM_ID);
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: '' })).code, ERROR_CODES.INVALID_ROOM_ID);

    assertRest(await rest(server, 'DELETE', `/v1/room-binding/${tooLong}`), 400, ERROR_CODES.INVALID_ROOM_ID, 'unbind 129');
    assertRest(await rest(server, 'DELETE', `/v1/room-binding/${longest}`), 200, null, 'unbind 128');
  });

  test(`user id: ${LIMITS.USER_ID_PATTERN.source} — 32 characters pass wherever a user is named; 33 or another character → INVALID_USER_ID`, async () => {
    await start();
    const longest = userIdOf(32, 'a');
    const tooLong = userIdOf(33, 'a');
    assert.ok(LIMITS.USER_ID_PATTERN.test(longest) && !LIMITS.USER_ID_PATTERN.test(tooLong));
    const allChars = 'Az09_-Az09_-Az09_-Az09_-Az09_-Az';
    assert.equal(allChars.length, 32);

    // REST: tickets, room tokens naming a user, grants, notifications.
    for (const userId of [longest, allChars]) assertRest(await rest(server, 'POST', `/v1/users/${userId}/tickets`), 200, null, `ticket ${userId}`);
    for (const userId of [tooLong, 'a.b', 'a b', 'é']) {
      assertRest(await rest(server, 'POST', `/v1/users/${encodeURIComponent(userId)}/tickets`), 400, ERROR_CODES.INVALID_USER_ID, `ticket ${userId}`);
    }
    await bindRoom(server, 'ids');
    const named = await rest(server, 'POST', '/v1/rooms/ids/tokens', { body: JSON.stringify({ userId: longest }) });
    assertRest(named, 200, null, 'token for 32');
    assertRest(await rest(server, 'POST', '/v1/rooms/ids/tokens', { body: JSON.stringify({ userId: tooLong }) }), 400, ERROR_CODES.INVALID_USER_ID, 'token for 33');
    assertRest(await rest(server, 'POST', '/v1/rooms/ids/members', { body: JSON.stringify({ userIds: [longest] }) }), 200, null, 'grant 32');
    assertRest(await rest(server, 'POST', '/v1/rooms/ids/members', { body: JSON.stringify({ userIds: [tooLong] }) }), 400, ERROR_CODES.INVALID_USER_ID, 'grant 33');
    const notify = (users: string[]) => rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users, content: { text: 'n' } }) });
    assertRest(await notify([longest]), 201, null, 'notify 32');
    assertRest(await notify([tooLong]), 400, ERROR_CODES.INVALID_USER_ID, 'notify 33');

    // The room handshake.
    const roomToken = await bindRoom(server, 'ids');
    const guest = await connect(server, { token: roomToken, userId: longest });
    assert.equal(guest.session.userId, `~${longest}`);
    assert.equal((await connectError(server, { token: roomToken, userId: tooLong })).data?.code, ERROR_CODES.INVALID_USER_ID);
    const bound = await connect(server, { token: named.body.token as string });
    assert.equal(bound.session.userId, longest);

    // Signed-in requests.
    const alice = await signIn(server, 'alice');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: longest });
    assert.equal(direct.peerId, longest);
    advance(1000);
    assert.equal((await requestError(alice.socket, 'conversation:open-direct', { userId: tooLong })).code, ERROR_CODES.INVALID_USER_ID);
    assert.equal((await requestError(alice.socket, 'conversation:open-direct', { userId: `~${longest}` })).code, ERROR_CODES.INVALID_USER_ID, 'guests exist in rooms only');
    const group = await requestOk<ConversationSummary>(alice.socket, 'conversation:create-group', { name: 'ids', members: [longest] });
    assert.equal(group.memberCount, 2);
    assert.equal((await requestError(alice.socket, 'conversation:create-group', { name: 'ids', members: [tooLong] })).code, ERROR_CODES.INVALID_USER_ID);
    advance(1000);
    const mentioned = await requestOk<SendResult>(alice.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), content: { text: 'hi' }, mentions: [longest] });
    assert.ok(mentioned.seq > 0);
    assert.equal(
      (await requestError(alice.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), content: { text: 'hi' }, mentions: [tooLong] })).code,
      ERROR_CODES.INVALID_USER_ID,
    );
    await requestOk(alice.socket, 'presence:query', { userIds: [longest] });
    assert.equal((await requestError(alice.socket, 'presence:query', { userIds: [tooLong] })).code, ERROR_CODES.INVALID_USER_ID);
  });

  test('a guest id is ~ + a valid id: ~ + 32 characters is a recipient; ~ + 33, a bare ~ and ~~ → INVALID_USER_ID', async () => {
    await start();
    const token = await bindRoom(server, 'guests');
    const longest = userIdOf(32, 'g');
    const sender = await connect(server, { token, userId: 'sender' });
    const target = await connect(server, { token, userId: longest });
    assert.equal(target.session.userId, `~${longest}`);
    await requestOk(sender.socket, 'signal:send', { content: 'to the guest', users: [`~${longest}`] });
    assert.equal((await nextEvent<{ content: unknown }>(target.socket, 'signal:received')).content, 'to the guest');
    const stored = await requestOk<SendResult>(sender.socket, 'message:send', { content: 'stored for the guest', clientMsgId: uuid(), users: `~${longest}` });
    assert.equal((await nextEvent<StoredMessage>(target.socket, 'message:created')).seq, stored.seq);
    for (const users of [[`~${userIdOf(33, 'g')}`], ['~'], ['~~g'], ['~g g'], [`~${longest}~`]]) {
      for (const event of ['signal:send', 'message:send']) {
        const error = await requestError(sender.socket, event, { content: 'x', clientMsgId: uuid(), users });
        assert.equal(error.code, ERROR_CODES.INVALID_USER_ID, `${event} ${JSON.stringify(users)}`);
      }
    }
    // Guests count toward the recipients like anyone: 250 users and 250 guests pass, one more does not.
    const mixed = [...ids('user', 250), ...ids('~guest', 250)];
    await requestOk(sender.socket, 'signal:send', { content: 'x', users: mixed });
    advance(1000);
    const error = await requestError(sender.socket, 'signal:send', { content: 'x', users: [...mixed, '~one-more'] });
    assert.equal(error.code, ERROR_CODES.TOO_MANY_RECIPIENTS);
    assert.deepEqual(error.details, { count: LIMITS.RECIPIENTS_MAX + 1, limit: LIMITS.RECIPIENTS_MAX });
  });

  test(`class id: ${LIMITS.CLASS_ID_MAX_LENGTH} characters pass the handshake, session:update, message:send and history; ${LIMITS.CLASS_ID_MAX_LENGTH + 1} → INVALID_CLASS_ID`, async () => {
    await start();
    const token = await bindRoom(server, 'classes');
    const longest = 'c'.repeat(LIMITS.CLASS_ID_MAX_LENGTH);
    const tooLong = 'c'.repeat(LIMITS.CLASS_ID_MAX_LENGTH + 1);
    const student = await connect(server, { token, userId: 'student', classId: longest });
    assert.equal(student.session.classId, longest);
    assert.equal((await connectError(server, { token, userId: 'student', classId: tooLong })).data?.code, ERROR_CODES.INVALID_CLASS_ID);

    const teacher = await connect(server, { token, userId: 'teacher' });
    assert.deepEqual(await requestOk(teacher.socket, 'session:update', { classId: longest }), { classId: longest });
    assert.equal((await requestError(teacher.socket, 'session:update', { classId: tooLong })).code, ERROR_CODES.INVALID_CLASS_ID);

    const sent = await requestOk<SendResult>(teacher.socket, 'message:send', { content: 'class', clientMsgId: uuid(), classId: longest });
    assert.equal((await nextEvent<StoredMessage>(student.socket, 'message:created')).classId, longest);
    assert.equal((await requestError(teacher.socket, 'message:send', { content: 'class', clientMsgId: uuid(), classId: tooLong })).code, ERROR_CODES.INVALID_CLASS_ID);

    const page = await requestOk<HistoryPage>(teacher.socket, 'message:history', { classId: longest });
    assert.deepEqual(page.messages.map((message) => message.seq), [sent.seq]);
    assert.equal((await requestError(teacher.socket, 'message:history', { classId: tooLong })).code, ERROR_CODES.INVALID_CLASS_ID);
  });

  // -------------------------------------------------------------------------------------------
  // Message content

  test(`content of signed-in messages: ${LIMITS.CONTENT_MAX_BYTES} bytes as JSON pass, one more → CONTENT_TOO_LARGE; custom data ${LIMITS.CUSTOM_DATA_MAX_BYTES} / ${LIMITS.CUSTOM_DATA_MAX_BYTES + 1}`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    const send = (type: string, content: unknown) => request<SendResult>(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type, content });

    // Extra keys count toward the content's size (the text message keeps only its text).
    const padded = (bytes: number) => ({ text: 'hi', pad: 'p'.repeat(bytes - '{"text":"hi","pad":""}'.length) });
    assert.equal(Buffer.byteLength(JSON.stringify(padded(LIMITS.CONTENT_MAX_BYTES))), LIMITS.CONTENT_MAX_BYTES);
    assert.equal(code(await send('text', padded(LIMITS.CONTENT_MAX_BYTES))), 'ok');
    const tooLarge = await send('text', padded(LIMITS.CONTENT_MAX_BYTES + 1));
    assert.equal(code(tooLarge), ERROR_CODES.CONTENT_TOO_LARGE);
    assert.deepEqual((tooLarge as { error: ErrorPayload }).error.details, { size: LIMITS.CONTENT_MAX_BYTES + 1, limit: LIMITS.CONTENT_MAX_BYTES });

    const data = (bytes: number) => 'd'.repeat(bytes - 2);
    assert.equal(code(await send('custom', { data: data(LIMITS.CUSTOM_DATA_MAX_BYTES), description: 'd' })), 'ok');
    const bigData = await send('custom', { data: data(LIMITS.CUSTOM_DATA_MAX_BYTES + 1), description: 'd' });
    assert.equal(code(bigData), ERROR_CODES.CONTENT_TOO_LARGE);
    assert.deepEqual((bigData as { error: ErrorPayload }).error.details, { size: LIMITS.CUSTOM_DATA_MAX_BYTES + 1, limit: LIMITS.CUSTOM_DATA_MAX_BYTES });
    // Multi-byte characters count as bytes.
    assert.equal(code(await send('custom', { data: 'é'.repeat((LIMITS.CUSTOM_DATA_MAX_BYTES - 2) / 2) })), 'ok');
    assert.equal(code(await send('custom', { data: `${'é'.repeat((LIMITS.CUSTOM_DATA_MAX_BYTES - 2) / 2)}a` })), ERROR_CODES.CONTENT_TOO_LARGE);

    advance(5000);
    const description = (length: number) => 'w'.repeat(length);
    assert.equal(code(await send('custom', { data: 1, description: description(LIMITS.CUSTOM_DESCRIPTION_MAX_LENGTH) })), 'ok');
    assert.equal(code(await send('custom', { data: 1, description: description(LIMITS.CUSTOM_DESCRIPTION_MAX_LENGTH + 1) })), ERROR_CODES.INVALID_PAYLOAD);
    assert.equal(code(await send('location', { lat: 1, lng: 2, description: description(LIMITS.LOCATION_DESCRIPTION_MAX_LENGTH) })), 'ok');
    assert.equal(code(await send('location', { lat: 1, lng: 2, description: description(LIMITS.LOCATION_DESCRIPTION_MAX_LENGTH + 1) })), ERROR_CODES.INVALID_PAYLOAD);
  });

  test(`text: ${LIMITS.TEXT_MAX_LENGTH} characters pass in edits and notifications; ${LIMITS.TEXT_MAX_LENGTH + 1} → TEXT_TOO_LONG`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const bob = await signIn(server, 'bob');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    const longest = 't'.repeat(LIMITS.TEXT_MAX_LENGTH);
    const tooLong = `${longest}t`;
    const sent = await requestOk<SendResult>(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: longest } });
    assert.equal(
      (await requestError(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: tooLong } })).code,
      ERROR_CODES.TEXT_TOO_LONG,
    );
    const edited = await requestOk<StoredMessage>(alice.socket, 'message:edit', { conversationId: direct.id, seq: sent.seq, text: `${'e'.repeat(LIMITS.TEXT_MAX_LENGTH - 1)}!` });
    assert.equal((edited.content as { text: string }).text.length, LIMITS.TEXT_MAX_LENGTH);
    assert.equal((await requestError(alice.socket, 'message:edit', { conversationId: direct.id, seq: sent.seq, text: tooLong })).code, ERROR_CODES.TEXT_TOO_LONG);
    const history = await requestOk<HistoryPage>(bob.socket, 'message:history', { conversationId: direct.id });
    assert.equal((history.messages.at(-1)!.content as { text: string }).text.at(-1), '!', 'the refused edit changed nothing');

    const notify = (text: string) => rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users: ['bob'], content: { text } }) });
    assertRest(await notify(longest), 201, null, 'notification of 5000');
    assertRest(await notify(tooLong), 400, ERROR_CODES.TEXT_TOO_LONG, 'notification of 5001');
  });

  test(`mentions: ${LIMITS.MENTIONS_MAX} pass, ${LIMITS.MENTIONS_MAX + 1} → INVALID_PAYLOAD`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const group = await requestOk<ConversationSummary>(alice.socket, 'conversation:create-group', { name: 'mentions', members: ['bob'] });
    const send = (mentions: string[]) =>
      request<SendResult>(alice.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), content: { text: 'hey' }, mentions });
    const sent = await send(ids('m', LIMITS.MENTIONS_MAX));
    assert.equal(code(sent), 'ok');
    const bob = await signIn(server, 'bob');
    const page = await requestOk<HistoryPage>(bob.socket, 'message:history', { conversationId: group.id });
    assert.equal(page.messages.at(-1)!.mentions.length, LIMITS.MENTIONS_MAX);
    assert.equal(code(await send(ids('m', LIMITS.MENTIONS_MAX + 1))), ERROR_CODES.INVALID_PAYLOAD);
    assert.equal(code(await send([...ids('m', LIMITS.MENTIONS_MAX), '@all'])), ERROR_CODES.INVALID_PAYLOAD);
    assert.equal(code(await send([...ids('m', LIMITS.MENTIONS_MAX - 1), '@all'])), 'ok');
  });

  test(`reactions: ${LIMITS.REACTION_MAX_LENGTH} characters pass, ${LIMITS.REACTION_MAX_LENGTH + 1} → INVALID_PAYLOAD; ${LIMITS.REACTIONS_PER_MESSAGE_MAX} different ones pass, the next → TOO_MANY_REACTIONS`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const bob = await signIn(server, 'bob');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    const [first, second] = await sendTexts(alice.socket, direct.id, 2);
    const react = (socket: ClientSocket, seq: number, emoji: string, on = true) => {
      advance(1000 / LIMITS.SEND_RATE_PER_SECOND);
      return request<StoredMessage>(socket, 'message:react', { conversationId: direct.id, seq, emoji, on });
    };

    const longest = 'x'.repeat(LIMITS.REACTION_MAX_LENGTH);
    assert.equal(code(await react(alice.socket, first!.seq, longest)), 'ok');
    assert.equal(code(await react(alice.socket, first!.seq, `${longest}x`)), ERROR_CODES.INVALID_PAYLOAD);

    for (let index = 0; index < LIMITS.REACTIONS_PER_MESSAGE_MAX; index++) {
      assert.equal(code(await react(alice.socket, second!.seq, `e${index}`)), 'ok', `reaction ${index + 1}`);
    }
    const full = await react(bob.socket, second!.seq, 'one-more');
    assert.equal(code(full), ERROR_CODES.TOO_MANY_REACTIONS);
    // An existing reaction still takes more people; taking one back makes room for another.
    const joined = await react(bob.socket, second!.seq, 'e0');
    assert.ok(joined.ok);
    assert.deepEqual(joined.data.reactions['e0'], ['alice', 'bob']);
    assert.equal(Object.keys(joined.data.reactions).length, LIMITS.REACTIONS_PER_MESSAGE_MAX);
    assert.ok((await react(alice.socket, second!.seq, `e${LIMITS.REACTIONS_PER_MESSAGE_MAX - 1}`, false)).ok);
    const room = await react(bob.socket, second!.seq, 'one-more');
    assert.ok(room.ok);
    assert.equal(Object.keys(room.data.reactions).length, LIMITS.REACTIONS_PER_MESSAGE_MAX);
  });

  // -------------------------------------------------------------------------------------------
  // Groups

  test(`groups: names of ${LIMITS.GROUP_NAME_MAX_LENGTH} characters (after trimming) pass, ${LIMITS.GROUP_NAME_MAX_LENGTH + 1} → INVALID_PAYLOAD`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const longest = 'n'.repeat(LIMITS.GROUP_NAME_MAX_LENGTH);
    assert.equal((await requestOk<ConversationSummary>(alice.socket, 'conversation:create-group', { name: `  ${longest}  `, members: [] })).name, longest);
    assert.equal((await requestError(alice.socket, 'conversation:create-group', { name: `${longest}n`, members: [] })).code, ERROR_CODES.INVALID_PAYLOAD);
  });

  test(`groups: ${LIMITS.GROUP_MEMBERS_MAX} members pass, the next → TOO_MANY_MEMBERS; ${LIMITS.RECIPIENTS_MAX} added per request pass, ${LIMITS.RECIPIENTS_MAX + 1} → TOO_MANY_MEMBERS`, async () => {
    await start();
    const owner = await signIn(server, 'owner');
    const create = (members: string[]) => {
      advance(1000);
      return request<ConversationSummary>(owner.socket, 'conversation:create-group', { name: 'big', members });
    };
    const add = (conversationId: string, members: string[]) => {
      advance(1000);
      return request<ConversationSummary>(owner.socket, 'conversation:add-members', { conversationId, members });
    };

    // At creation: the owner plus 1,999 members is the limit.
    const full = await create(ids('m', LIMITS.GROUP_MEMBERS_MAX - 1));
    assert.ok(full.ok, JSON.stringify(full).slice(0, 200));
    assert.equal(full.data.memberCount, LIMITS.GROUP_MEMBERS_MAX);
    assert.equal(code(await create(ids('m', LIMITS.GROUP_MEMBERS_MAX))), ERROR_CODES.TOO_MANY_MEMBERS);

    // Added later: up to 2,000 in all.
    const growing = await create(ids('g', 1500));
    assert.ok(growing.ok);
    const grown = await add(growing.data.id, ids('h', LIMITS.GROUP_MEMBERS_MAX - 1501));
    assert.ok(grown.ok, JSON.stringify(grown).slice(0, 200));
    assert.equal(grown.data.memberCount, LIMITS.GROUP_MEMBERS_MAX);
    assert.equal(code(await add(growing.data.id, ['one-more'])), ERROR_CODES.TOO_MANY_MEMBERS);
    // Naming members who are in already adds nobody, so it passes.
    const again = await add(growing.data.id, ['g0', 'h0']);
    assert.ok(again.ok);
    assert.equal(again.data.memberCount, LIMITS.GROUP_MEMBERS_MAX);
    // One leaves: one place is free again.
    const leaver = await signIn(server, 'g7');
    await requestOk(leaver.socket, 'conversation:leave', { conversationId: growing.data.id });
    const refilled = await add(growing.data.id, ['one-more']);
    assert.ok(refilled.ok);
    assert.equal(refilled.data.memberCount, LIMITS.GROUP_MEMBERS_MAX);
    assert.equal(code(await add(growing.data.id, ['two-more'])), ERROR_CODES.TOO_MANY_MEMBERS);

    // Per request: 500 pass, 501 do not (whatever the group's size).
    const small = await create(['s']);
    assert.ok(small.ok);
    const plus500 = await add(small.data.id, ids('p', LIMITS.RECIPIENTS_MAX));
    assert.ok(plus500.ok);
    assert.equal(plus500.data.memberCount, 2 + LIMITS.RECIPIENTS_MAX);
    assert.equal(code(await add(small.data.id, ids('q', LIMITS.RECIPIENTS_MAX + 1))), ERROR_CODES.TOO_MANY_MEMBERS);
    assert.equal(
      (await requestOk<{ conversations: ConversationSummary[] }>(owner.socket, 'conversation:sync', {})).conversations.find((c) => c.id === small.data.id)!.memberCount,
      2 + LIMITS.RECIPIENTS_MAX,
      'the refused request added nobody',
    );
  });

  // -------------------------------------------------------------------------------------------
  // Pages

  test(`history page in a room: ${LIMITS.HISTORY_PAGE_DEFAULT} by default, ${LIMITS.HISTORY_PAGE_MAX} at most (and in session:ready); ${LIMITS.HISTORY_PAGE_MAX + 1} or 0 → INVALID_PAYLOAD`, async () => {
    await start();
    const token = await bindRoom(server, 'pages');
    const writer = await connect(server, { token, userId: 'writer' });
    for (let index = 0; index < 150; index++) {
      advance(1000 / LIMITS.SEND_RATE_PER_SECOND);
      await requestOk(writer.socket, 'message:send', { content: `m${index}`, clientMsgId: uuid() });
    }
    const reader = await connect(server, { token, userId: 'reader' });
    assert.equal(reader.session.history.length, LIMITS.HISTORY_PAGE_MAX);
    assert.equal(reader.session.hasMore, true);
    assert.equal(reader.session.history.at(-1)!.seq, 150);
    const full = await requestOk<HistoryPage>(reader.socket, 'message:history', { limit: LIMITS.HISTORY_PAGE_MAX });
    assert.equal(full.messages.length, LIMITS.HISTORY_PAGE_MAX);
    assert.equal(full.hasMore, true);
    assert.equal((await requestOk<HistoryPage>(reader.socket, 'message:history', {})).messages.length, LIMITS.HISTORY_PAGE_DEFAULT);
    assert.equal((await requestOk<HistoryPage>(reader.socket, 'message:history', { limit: 1 })).messages.length, 1);
    for (const limit of [LIMITS.HISTORY_PAGE_MAX + 1, 0, -1, 1.5, '100']) {
      assert.equal((await requestError(reader.socket, 'message:history', { limit })).code, ERROR_CODES.INVALID_PAYLOAD, JSON.stringify(limit));
    }
  });

  test(`history and changes pages in a conversation: ${LIMITS.HISTORY_PAGE_MAX} / ${LIMITS.HISTORY_PAGE_MAX + 1}; changes ${LIMITS.CHANGES_PAGE_MAX} by default and at most, ${LIMITS.CHANGES_PAGE_MAX + 1} → INVALID_PAYLOAD`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const bob = await signIn(server, 'bob');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    const count = LIMITS.CHANGES_PAGE_MAX + 1;
    const sent = await sendTexts(alice.socket, direct.id, count);

    const history = (limit?: number) => request<HistoryPage>(bob.socket, 'message:history', { conversationId: direct.id, ...(limit === undefined ? {} : { limit }) });
    const page = await history(LIMITS.HISTORY_PAGE_MAX);
    assert.ok(page.ok);
    assert.equal(page.data.messages.length, LIMITS.HISTORY_PAGE_MAX);
    assert.equal(page.data.hasMore, true);
    assert.equal(page.data.messages.at(-1)!.seq, sent.at(-1)!.seq);
    for (const limit of [LIMITS.HISTORY_PAGE_MAX + 1, 0]) assert.equal(code(await history(limit)), ERROR_CODES.INVALID_PAYLOAD);

    // Every message changes once (a reaction): 201 changed messages.
    for (const { seq } of sent) {
      advance(1000 / LIMITS.SEND_RATE_PER_SECOND);
      await requestOk(alice.socket, 'message:react', { conversationId: direct.id, seq, emoji: '👍', on: true });
    }
    const changes = (extra: Record<string, unknown>) => request<{ messages: StoredMessage[]; version: number; hasMore: boolean }>(bob.socket, 'message:changes', { conversationId: direct.id, since: 0, ...extra });
    for (const extra of [{}, { limit: LIMITS.CHANGES_PAGE_MAX }]) {
      const first = await changes(extra);
      assert.ok(first.ok);
      assert.equal(first.data.messages.length, LIMITS.CHANGES_PAGE_MAX, JSON.stringify(extra));
      assert.equal(first.data.hasMore, true);
      const rest = await changes({ since: first.data.version });
      assert.ok(rest.ok);
      assert.equal(rest.data.messages.length, 1);
      assert.equal(rest.data.hasMore, false);
    }
    for (const limit of [LIMITS.CHANGES_PAGE_MAX + 1, 0, 2.5]) assert.equal(code(await changes({ limit })), ERROR_CODES.INVALID_PAYLOAD, String(limit));
  });

  // -------------------------------------------------------------------------------------------
  // REST

  test(`REST body: ${LIMITS.REST_BODY_MAX_BYTES} bytes pass, one more → 413 INVALID_PAYLOAD`, async () => {
    await start();
    const body = (bytes: number) => {
      const text = JSON.stringify({ roomId: 'exact', pad: 'p'.repeat(bytes - '{"roomId":"exact","pad":""}'.length) });
      assert.equal(Buffer.byteLength(text), bytes);
      return text;
    };
    assertRest(await rest(server, 'POST', '/v1/room-binding', { body: body(LIMITS.REST_BODY_MAX_BYTES) }), 200, null, '16384 bytes');
    assertRest(await rest(server, 'POST', '/v1/room-binding', { body: body(LIMITS.REST_BODY_MAX_BYTES + 1) }), 413, ERROR_CODES.INVALID_PAYLOAD, '16385 bytes');
    // Bytes, not characters.
    const multibyte = JSON.stringify({ roomId: 'exact', pad: 'é'.repeat((LIMITS.REST_BODY_MAX_BYTES - '{"roomId":"exact","pad":""}'.length) / 2 + 1) });
    assert.ok(multibyte.length < LIMITS.REST_BODY_MAX_BYTES);
    assertRest(await rest(server, 'POST', '/v1/room-binding', { body: multibyte }), 413, ERROR_CODES.INVALID_PAYLOAD, 'multi-byte');
    for (const path of ['/v1/rooms/exact/tokens', '/v1/users/alice/tickets', '/v1/notifications', '/v1/rooms/exact/members']) {
      assertRest(await rest(server, 'POST', path, { body: body(LIMITS.REST_BODY_MAX_BYTES + 1) }), 413, ERROR_CODES.INVALID_PAYLOAD, path);
    }
  });

  test(`notifications: ${LIMITS.NOTIFICATION_USERS_MAX} users pass, ${LIMITS.NOTIFICATION_USERS_MAX + 1} → 400 TOO_MANY_RECIPIENTS`, async () => {
    await start();
    const notify = (users: string[]) => rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users, content: { text: 'news' } }) });
    const refused = await notify(ids('n', LIMITS.NOTIFICATION_USERS_MAX + 1));
    assertRest(refused, 400, ERROR_CODES.TOO_MANY_RECIPIENTS, '501');
    const last = await signIn(server, `n${LIMITS.NOTIFICATION_USERS_MAX}`);
    assert.deepEqual((await requestOk<{ conversations: ConversationSummary[] }>(last.socket, 'conversation:sync', {})).conversations, [], 'the refused request wrote nothing');
    const accepted = await notify(ids('n', LIMITS.NOTIFICATION_USERS_MAX));
    assertRest(accepted, 201, null, '500');
    assert.equal((accepted.body as { delivered: unknown[] }).delivered.length, LIMITS.NOTIFICATION_USERS_MAX);
  });

  test(`room grants: ${LIMITS.ROOM_GRANT_USERS_MAX} users pass, ${LIMITS.ROOM_GRANT_USERS_MAX + 1} → 400 TOO_MANY_RECIPIENTS`, async () => {
    await start();
    await bindRoom(server, 'granted');
    const grant = (userIds: string[]) => rest(server, 'POST', '/v1/rooms/granted/members', { body: JSON.stringify({ userIds }) });
    assertRest(await grant(ids('g', LIMITS.ROOM_GRANT_USERS_MAX + 1)), 400, ERROR_CODES.TOO_MANY_RECIPIENTS, '501');
    const refusedUser = await signIn(server, `g${LIMITS.ROOM_GRANT_USERS_MAX}`);
    assert.equal((await requestError(refusedUser.socket, 'conversation:join-room', { roomId: 'granted' })).code, ERROR_CODES.ROOM_NOT_FOUND, 'the refused grant granted nothing');
    const accepted = await grant(ids('g', LIMITS.ROOM_GRANT_USERS_MAX));
    assertRest(accepted, 200, null, '500');
    assert.equal((accepted.body as { userIds: string[] }).userIds.length, LIMITS.ROOM_GRANT_USERS_MAX);
    const lastGranted = await signIn(server, `g${LIMITS.ROOM_GRANT_USERS_MAX - 1}`);
    assert.equal((await requestOk<ConversationSummary>(lastGranted.socket, 'conversation:join-room', { roomId: 'granted' })).type, 'room');
  });

  test('presence:query: 500 ids pass, 501 → TOO_MANY_MEMBERS', async () => {
    await start();
    const alice = await signIn(server, 'alice');
    assert.deepEqual(await requestOk(alice.socket, 'presence:query', { userIds: ids('p', LIMITS.RECIPIENTS_MAX) }), { online: [] });
    assert.equal((await requestError(alice.socket, 'presence:query', { userIds: ids('p', LIMITS.RECIPIENTS_MAX + 1) })).code, ERROR_CODES.TOO_MANY_MEMBERS);
  });

  // -------------------------------------------------------------------------------------------
  // Credential lifetimes

  test(`ticket ttlSeconds: ${LIMITS.TICKET_TTL_MIN} … config.ticketMaxLifetimeSeconds pass; one less or one more → 400 INVALID_PAYLOAD`, async () => {
    for (const overrides of [{}, { ticketMaxLifetimeSeconds: 3600, ticketTtlSeconds: 600 }]) {
      await start(overrides);
      const max = server.config.ticketMaxLifetimeSeconds;
      if (Object.keys(overrides).length === 0) assert.equal(max, LIMITS.TICKET_MAX_LIFETIME_DEFAULT);
      const issue = (ttlSeconds: number) => rest(server, 'POST', '/v1/users/alice/tickets', { body: JSON.stringify({ ttlSeconds }) });
      for (const ttl of [LIMITS.TICKET_TTL_MIN, max]) {
        const response = await issue(ttl);
        assertRest(response, 200, null, `ttl ${ttl}`);
        assert.equal(response.body.expiresAt, (Math.floor(now / 1000) + ttl) * 1000, `ttl ${ttl}`);
        const { session } = await connectUser(server, response.body.ticket as string);
        assert.equal(session.expiresAt, response.body.expiresAt);
      }
      for (const ttl of [LIMITS.TICKET_TTL_MIN - 1, max + 1]) assertRest(await issue(ttl), 400, ERROR_CODES.INVALID_PAYLOAD, `ttl ${ttl} (max ${max})`);
      await cleanup();
    }
  });

  test(`room token ttlSeconds on /v1/rooms/:roomId/tokens: ${LIMITS.ROOM_TOKEN_TTL_MIN} … ${LIMITS.ROOM_TOKEN_TTL_MAX} pass; one less or one more → 400 INVALID_PAYLOAD`, async () => {
    await start();
    await bindRoom(server, 'ttl');
    const issue = (ttlSeconds: number) => rest(server, 'POST', '/v1/rooms/ttl/tokens', { body: JSON.stringify({ ttlSeconds }) });
    for (const ttl of [LIMITS.ROOM_TOKEN_TTL_MIN, LIMITS.ROOM_TOKEN_TTL_MAX]) {
      const response = await issue(ttl);
      assertRest(response, 200, null, `ttl ${ttl}`);
      assert.equal(response.body.expiresAt, (Math.floor(now / 1000) + ttl) * 1000);
      const { session } = await connect(server, { token: response.body.token as string, userId: 'guest' });
      assert.equal(session.expiresAt, response.body.expiresAt);
    }
    for (const ttl of [LIMITS.ROOM_TOKEN_TTL_MIN - 1, LIMITS.ROOM_TOKEN_TTL_MAX + 1]) assertRest(await issue(ttl), 400, ERROR_CODES.INVALID_PAYLOAD, `ttl ${ttl}`);
  });

  // -------------------------------------------------------------------------------------------
  // Rates

  test(`sends per signed-in connection: a burst of ${LIMITS.SEND_BURST} passes, the next → RATE_LIMITED; edits, reactions, recalls and deletes share the bucket`, async () => {
    await start();
    const alice = await signIn(server, 'alice');
    const other = await connectUser(server, await ticketFor(server, 'alice'));
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    advance(60_000);
    const burst = await Promise.all(
      Array.from({ length: LIMITS.SEND_BURST + 1 }, (_, index) =>
        request<SendResult>(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: `b${index}` } }),
      ),
    );
    assert.deepEqual(burst.map(code), [...Array(LIMITS.SEND_BURST).fill('ok'), ERROR_CODES.RATE_LIMITED]);
    const retryAfterMs = 1000 / LIMITS.SEND_RATE_PER_SECOND;
    assert.deepEqual((burst.at(-1) as { error: ErrorPayload }).error.details, { retryAfterMs });
    const seq = (burst[0] as { data: SendResult }).data.seq;
    const shared: Array<[string, Record<string, unknown>]> = [
      ['message:react', { conversationId: direct.id, seq, emoji: 'x', on: true }],
      ['message:edit', { conversationId: direct.id, seq, text: 'edit' }],
      ['message:recall', { conversationId: direct.id, seq }],
      ['message:delete', { conversationId: direct.id, seq }],
    ];
    for (const [event, payload] of shared) assert.equal((await requestError(alice.socket, event, payload)).code, ERROR_CODES.RATE_LIMITED, event);
    // Reads have their own bucket, and another connection of the same user its own.
    await requestOk(alice.socket, 'message:history', { conversationId: direct.id });
    await requestOk(other.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'other tab' } });
    advance(retryAfterMs - 1);
    assert.equal((await requestError(alice.socket, 'message:react', shared[0]![1])).code, ERROR_CODES.RATE_LIMITED);
    advance(1);
    await requestOk(alice.socket, 'message:react', shared[0]![1]);
    assert.equal(alice.socket.connected, true);
  });

  test('reads per connection: a burst of 30 history requests passes, the next → RATE_LIMITED (rooms and signed-in users)', async () => {
    await start();
    const token = await bindRoom(server, 'reads');
    const guest = await connect(server, { token, userId: 'guest' });
    const alice = await signIn(server, 'alice');
    const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
    advance(60_000);
    const burst = 30;
    for (const [socket, payload] of [
      [guest.socket, {}],
      [alice.socket, { conversationId: direct.id }],
    ] as const) {
      const acks = await Promise.all(Array.from({ length: burst + 1 }, () => request<HistoryPage>(socket, 'message:history', payload)));
      assert.deepEqual(acks.map(code), [...Array(burst).fill('ok'), ERROR_CODES.RATE_LIMITED]);
      assert.deepEqual((acks.at(-1) as { error: ErrorPayload }).error.details, { retryAfterMs: 100 });
    }
    // Sends are not held up by reads.
    await requestOk(guest.socket, 'message:send', { content: 'still sending', clientMsgId: uuid() });
    await requestOk(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'still sending' } });
  });

  test(`membership changes per connection: a burst of ${LIMITS.MEMBERSHIP_BURST} passes, the next → RATE_LIMITED, refilled at ${LIMITS.MEMBERSHIP_RATE_PER_SECOND} per second`, async () => {
    await start();
    const roomToken = await bindRoom(server, 'members');
    const alice = await signIn(server, 'alice');
    advance(60_000);
    const burst = await Promise.all(
      ids('peer', LIMITS.MEMBERSHIP_BURST + 1).map((userId) => request<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId })),
    );
    assert.deepEqual(burst.map(code), [...Array(LIMITS.MEMBERSHIP_BURST).fill('ok'), ERROR_CODES.RATE_LIMITED]);
    const retryAfterMs = 1000 / LIMITS.MEMBERSHIP_RATE_PER_SECOND;
    assert.deepEqual((burst.at(-1) as { error: ErrorPayload }).error.details, { retryAfterMs });
    // Every membership change shares the bucket; sending does not.
    const group = 'group:none';
    for (const [event, payload] of [
      ['conversation:create-group', { name: 'g', members: [] }],
      ['conversation:add-members', { conversationId: group, members: ['x'] }],
      ['conversation:join-room', { roomId: 'members', token: roomToken }],
      ['conversation:leave', { conversationId: group }],
      ['conversation:open-direct', { userId: 'late' }],
    ] as const) {
      assert.equal((await requestError(alice.socket, event, payload)).code, ERROR_CODES.RATE_LIMITED, event);
    }
    const first = (burst[0] as { data: ConversationSummary }).data;
    await requestOk(alice.socket, 'message:send', { conversationId: first.id, clientMsgId: uuid(), content: { text: 'sends are fine' } });
    advance(retryAfterMs - 1);
    assert.equal((await requestError(alice.socket, 'conversation:open-direct', { userId: 'late' })).code, ERROR_CODES.RATE_LIMITED);
    advance(1);
    assert.equal((await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'late' })).peerId, 'late');
    assert.equal((await requestError(alice.socket, 'conversation:open-direct', { userId: 'later' })).code, ERROR_CODES.RATE_LIMITED);
  });

  test(`connections per user: ${LIMITS.CONNECTIONS_PER_USER_DEFAULT} by default pass; the next kicks the oldest with TOO_MANY_CONNECTIONS (tickets and one user of a room token)`, async () => {
    await start();
    const max = server.config.maxConnectionsPerUser;
    assert.equal(max, LIMITS.CONNECTIONS_PER_USER_DEFAULT);
    const ticket = await ticketFor(server, 'alice');
    const roomToken = await bindRoom(server, 'tabs');
    const kinds: Array<[string, () => Promise<ClientSocket>, (socket: ClientSocket) => Promise<unknown>]> = [
      ['ticket', async () => (await connectUser(server, ticket)).socket, (socket) => requestOk(socket, 'conversation:sync', {})],
      ['room token', async () => (await connect(server, { token: roomToken, userId: 'alice' })).socket, (socket) => requestOk(socket, 'message:history', { limit: 1 })],
    ];
    for (const [kind, open, roundTrip] of kinds) {
      const sockets: ClientSocket[] = [];
      for (let index = 0; index < max; index++) sockets.push(await open());
      // At the limit nobody was kicked: every connection still answers.
      for (const socket of sockets) await roundTrip(socket);
      assert.ok(sockets.every((socket) => socket.connected), `${kind}: ${max} connections`);
      const bystander = kind === 'ticket' ? (await signIn(server, 'bob')).socket : (await connect(server, { token: roomToken, userId: 'bob' })).socket;
      const newest = await open();
      const kicked = await nextEvent<ErrorPayload>(sockets[0]!, 'session:kicked');
      assert.equal(kicked.code, ERROR_CODES.TOO_MANY_CONNECTIONS, kind);
      await waitFor(sockets[0]!, (entry) => entry.event === 'disconnect', `${kind}: the oldest closed`);
      for (const socket of [...sockets.slice(1), newest, bystander]) await roundTrip(socket);
      for (const socket of [...sockets, newest, bystander]) socket.disconnect();
    }
  });

  // -------------------------------------------------------------------------------------------
  // Uploads and packets

  test('uploads: with uploadMaxBytes 1024, 1024 bytes pass and 1025 → 413 FILE_TOO_LARGE, with a ticket and with a room token (x-im-user-id)', async () => {
    await start({ uploadMaxBytes: 1024 });
    const upload = async (credential: string, bytes: number, headers: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes).fill(7)]), `f${bytes}.bin`);
      const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, ...headers }, body: form });
      return { status: response.status, body: (await response.json()) as { size?: number; error?: { code: string } } };
    };
    const ticket = await ticketFor(server, 'alice');
    assert.equal((await connectUser(server, ticket)).session.uploadMaxBytes, 1024);
    const roomToken = await bindRoom(server, 'uploads');
    const guest = { 'x-im-user-id': 'guest' };
    for (const [credential, headers] of [
      [ticket, {}],
      [roomToken, guest],
    ] as const) {
      const fits = await upload(credential, 1024, headers);
      assert.deepEqual([fits.status, fits.body.size], [201, 1024]);
      const over = await upload(credential, 1025, headers);
      assert.deepEqual([over.status, over.body.error?.code], [413, ERROR_CODES.FILE_TOO_LARGE]);
    }
    // A room token that names no user needs a valid id in the header: 32 characters pass, 33 do not.
    assert.equal((await upload(roomToken, 10, { 'x-im-user-id': userIdOf(32) })).status, 201);
    const badHeader = await upload(roomToken, 10, { 'x-im-user-id': userIdOf(33) });
    assert.deepEqual([badHeader.status, badHeader.body.error?.code], [400, ERROR_CODES.INVALID_USER_ID]);
    const noHeader = await upload(roomToken, 10);
    assert.deepEqual([noHeader.status, noHeader.body.error?.code], [400, ERROR_CODES.INVALID_USER_ID]);
  });

  test(`Socket.IO packet: a frame of exactly LIMITS.MAX_PACKET_BYTES (${LIMITS.MAX_PACKET_BYTES}) is read and answered; one byte more closes that connection only`, async () => {
    await start();
    const token = await bindRoom(server, 'packets');
    const bystander = await connect(server, { token, userId: 'bystander' });
    /** A raw Engine.IO connection with a room session; resolves once session:ready arrived. */
    const rawSession = async () => {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
      rawSockets.add(ws);
      ws.on('error', () => undefined);
      const frames: string[] = [];
      const waiters: Array<() => void> = [];
      ws.on('message', (data: WebSocket.Data) => {
        frames.push(String(data));
        for (const waiter of waiters.splice(0)) waiter();
      });
      const closed = new Promise<number>((resolve) => ws.on('close', (closeCode: number) => resolve(closeCode)));
      const frame = async (match: (frame: string) => boolean) => {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
          const found = frames.find(match);
          if (found !== undefined) return found;
          if (Date.now() > deadline) throw new Error(`no such frame in ${JSON.stringify(frames.map((f) => f.slice(0, 60)))}`);
          await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), closed, new Promise((resolve) => setTimeout(resolve, 100))]);
        }
      };
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(`40${JSON.stringify({ token, userId: 'raw' })}`);
      await frame((f) => f.startsWith('42["session:ready"'));
      return { ws, frame, closed };
    };
    /** `42<id>["signal:broadcast",{"content":"zzz…"}]` of exactly `bytes` bytes. */
    const packetOf = (bytes: number, id: number) => {
      const head = `42${id}["signal:broadcast",{"content":"`;
      const tail = '"}]';
      const packet = `${head}${'z'.repeat(bytes - head.length - tail.length)}${tail}`;
      assert.equal(Buffer.byteLength(packet), bytes);
      return packet;
    };

    const atLimit = await rawSession();
    atLimit.ws.send(packetOf(LIMITS.MAX_PACKET_BYTES, 7));
    // Read and answered: its content is over the content limit, which is a coded refusal.
    const answer = await atLimit.frame((f) => f.startsWith('437['));
    assert.equal((JSON.parse(answer.slice(3)) as [Ack<unknown>])[0].ok, false);
    assert.match(answer, /CONTENT_TOO_LARGE/);

    const overLimit = await rawSession();
    overLimit.ws.send(packetOf(LIMITS.MAX_PACKET_BYTES + 1, 8));
    assert.equal(await overLimit.closed, 1009, 'closed as "message too big"');

    // The connection at the limit and the bystander go on.
    atLimit.ws.send('429["signal:broadcast",{"content":"after"}]');
    assert.match(await atLimit.frame((f) => f.startsWith('439[')), /"ok":true/);
    await waitFor(bystander.socket, (entry) => entry.event === 'signal:received' && (entry.args[0] as { content: unknown }).content === 'after');
    await requestOk(bystander.socket, 'message:send', { content: 'fine', clientMsgId: uuid() });
  });

  test('Socket.IO packet over HTTP long-polling: a POST of exactly LIMITS.MAX_PACKET_BYTES is read; one byte more → 413 and is never read', async () => {
    await start();
    const token = await bindRoom(server, 'polling');
    const bystander = await connect(server, { token, userId: 'bystander' });
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    /** Long-polls until a packet matches; returns every packet received meanwhile (payloads are split on the record separator). */
    const pollUntil = async (url: string, match: (packet: string) => boolean): Promise<string[]> => {
      const seen: string[] = [];
      const deadline = Date.now() + WAIT_MS;
      while (Date.now() < deadline) {
        const response = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) });
        assert.equal(response.status, 200);
        seen.push(...(await response.text()).split('\x1e'));
        if (seen.some(match)) return seen;
      }
      throw new Error(`no matching packet in ${JSON.stringify(seen.map((packet) => packet.slice(0, 60)))}`);
    };
    const session = async () => {
      const open = await (await fetch(base)).text();
      const url = `${base}&sid=${(JSON.parse(open.slice(1)) as { sid: string }).sid}`;
      assert.equal((await fetch(url, { method: 'POST', body: `40${JSON.stringify({ token, userId: 'poller' })}` })).status, 200);
      await pollUntil(url, (packet) => packet.startsWith('42["session:ready"'));
      return url;
    };
    const packetOf = (bytes: number, id: number) => {
      const head = `42${id}["signal:broadcast",{"content":"`;
      const tail = '"}]';
      return `${head}${'z'.repeat(bytes - head.length - tail.length)}${tail}`;
    };

    const atLimit = await session();
    assert.equal((await fetch(atLimit, { method: 'POST', body: packetOf(LIMITS.MAX_PACKET_BYTES, 5) })).status, 200);
    const answered = await pollUntil(atLimit, (packet) => packet.startsWith('435['));
    assert.match(answered.find((packet) => packet.startsWith('435['))!, /CONTENT_TOO_LARGE/);

    const overLimit = await session();
    const refused = await fetch(overLimit, { method: 'POST', body: packetOf(LIMITS.MAX_PACKET_BYTES + 1, 6) });
    assert.equal(refused.status, 413);
    // Whatever the transport does with the session afterwards, the packet itself was never read:
    // a request posted after it is answered, the oversized one never is.
    const probe = await fetch(overLimit, { method: 'POST', body: '427["signal:broadcast",{"content":"probe"}]' });
    if (probe.status === 200) {
      const seen = await pollUntil(overLimit, (packet) => packet.startsWith('437['));
      assert.ok(!seen.some((packet) => packet.startsWith('436[')), 'the oversized packet was read');
    } else {
      assert.equal(probe.status, 400, 'a closed polling session answers 400');
    }
    await requestOk(bystander.socket, 'message:send', { content: 'fine', clientMsgId: uuid() });
  });
});
