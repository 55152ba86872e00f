import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import {
  barrier,
  bindRoom,
  cleanup,
  connect,
  connectError,
  nextEvent,
  received,
  requestOk,
  rest,
  startServer,
  unbindRoom,
  type TestServer,
} from './helpers.js';

/** Asserts a REST error response: status, JSON content type and `{ error: { code, message } }`. */
function assertRestError(response: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  assert.equal(response.status, status, `status (body: ${JSON.stringify(response.body)})`);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(typeof response.body, 'object', `body is JSON: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.error?.code, code, `error code (body: ${JSON.stringify(response.body)})`);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 0);
}

const post = (server: TestServer, body: string | undefined, key?: string | null, headers?: Record<string, string>) =>
  rest(server, 'POST', '/v1/room-binding', {
    ...(body !== undefined ? { body } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(headers ? { headers } : {}),
  });

describe('room binding REST', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(cleanup);

  test('POST binds a room and returns 200 { roomId, token } with a token that connects', async () => {
    const response = await post(server, JSON.stringify({ roomId: 'lobby' }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(Object.keys(response.body).sort(), ['expiresAt', 'roomId', 'token']);
    assert.equal(response.body.roomId, 'lobby');
    assert.equal(typeof response.body.token, 'string');
    assert.ok(response.body.token.length > 0);
    const { session } = await connect(server, { token: response.body.token, userId: 'alice' });
    assert.equal(session.roomId, 'lobby');
    assert.equal(session.userId, '~alice');
  });

  test('POST without an admin key → 401 UNAUTHORIZED', async () => {
    assertRestError(await post(server, JSON.stringify({ roomId: 'lobby' }), null), 401, ERROR_CODES.UNAUTHORIZED);
  });

  test('POST with a wrong admin key → 401 UNAUTHORIZED', async () => {
    assertRestError(await post(server, JSON.stringify({ roomId: 'lobby' }), 'not-the-admin-key'), 401, ERROR_CODES.UNAUTHORIZED);
    assertRestError(await post(server, JSON.stringify({ roomId: 'lobby' }), `${server.adminKey}x`), 401, ERROR_CODES.UNAUTHORIZED);
    const noBearer = await rest(server, 'POST', '/v1/room-binding', {
      key: null,
      headers: { authorization: server.adminKey },
      body: JSON.stringify({ roomId: 'lobby' }),
    });
    assertRestError(noBearer, 401, ERROR_CODES.UNAUTHORIZED);
  });

  test('POST with no body → 400 INVALID_PAYLOAD', async () => {
    assertRestError(await post(server, undefined), 400, ERROR_CODES.INVALID_PAYLOAD);
    // A declared JSON body that is empty.
    assertRestError(await post(server, ''), 400, ERROR_CODES.INVALID_PAYLOAD);
  });

  test('POST with an invalid roomId → 400 INVALID_ROOM_ID', async () => {
    for (const body of [{}, { roomId: '' }, { roomId: 42 }, { roomId: null }, { roomId: ['a'] }, { roomId: 'x'.repeat(129) }]) {
      assertRestError(await post(server, JSON.stringify(body)), 400, ERROR_CODES.INVALID_ROOM_ID);
    }
  });

  test('POST accepts a roomId of exactly 128 characters', async () => {
    const roomId = 'r'.repeat(128);
    const response = await post(server, JSON.stringify({ roomId }));
    assert.equal(response.status, 200);
    assert.equal(response.body.roomId, roomId);
    const { session } = await connect(server, { token: response.body.token, userId: 'alice' });
    assert.equal(session.roomId, roomId);
  });

  test('POST with a body that is not JSON, or not a JSON object → 400 INVALID_PAYLOAD', async () => {
    for (const body of ['{roomId: lobby', 'roomId=lobby', '[{"roomId":"lobby"}]', '"lobby"', '42', 'null']) {
      assertRestError(await post(server, body), 400, ERROR_CODES.INVALID_PAYLOAD);
    }
    // Not JSON even when declared as text.
    assertRestError(await post(server, 'lobby', undefined, { 'content-type': 'text/plain' }), 400, ERROR_CODES.INVALID_PAYLOAD);
  });

  test('POST with an oversized body → 413 with a coded error', async () => {
    const body = JSON.stringify({ roomId: 'lobby', padding: 'x'.repeat(17 * 1024) });
    assertRestError(await post(server, body), 413, ERROR_CODES.INVALID_PAYLOAD);
    // The server is fine afterwards.
    assert.equal((await post(server, JSON.stringify({ roomId: 'lobby' }))).status, 200);
  });

  test('binding a bound room again returns a token that works, and the first one keeps working', async () => {
    const first = await bindRoom(server, 'lobby');
    const second = await bindRoom(server, 'lobby');
    const a = await connect(server, { token: second, userId: 'alice' });
    const b = await connect(server, { token: first, userId: 'bob' });
    assert.equal(a.session.roomId, 'lobby');
    // Both tokens lead into the same room.
    await requestOk(a.socket, 'signal:broadcast', { content: 'same room?' });
    const signal = await nextEvent(b.socket, 'signal:received');
    assert.equal(signal.content, 'same room?');
  });

  test('ttlSeconds is validated: bad values → 400 INVALID_PAYLOAD, valid ones give a working token', async () => {
    for (const ttlSeconds of [59, 0, -60, 1.5, '3600', null, 365 * 24 * 3600 + 1, true]) {
      assertRestError(await post(server, JSON.stringify({ roomId: 'lobby', ttlSeconds })), 400, ERROR_CODES.INVALID_PAYLOAD);
    }
    for (const ttlSeconds of [60, 365 * 24 * 3600]) {
      const token = await bindRoom(server, 'lobby', { ttlSeconds });
      const { socket } = await connect(server, { token, userId: 'alice' });
      socket.disconnect();
    }
  });

  test('DELETE unbinds: connected sockets are kicked with ROOM_UNBOUND and disconnected; the token stops working', async () => {
    const token = await bindRoom(server, 'lobby');
    const a = await connect(server, { token, userId: 'alice' });
    const a2 = await connect(server, { token, userId: 'alice' });
    const b = await connect(server, { token, userId: 'bob' });

    const response = await unbindRoom(server, 'lobby');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { roomId: 'lobby', unbound: true });

    for (const { socket } of [a, a2, b]) {
      const kicked = await nextEvent(socket, 'session:kicked');
      assert.equal(kicked.code, ERROR_CODES.ROOM_UNBOUND);
      assert.equal(typeof kicked.message, 'string');
      assert.equal(await nextEvent(socket, 'disconnect'), 'io server disconnect');
      const order = received(socket).map((entry) => entry.event);
      assert.ok(order.indexOf('session:kicked') < order.indexOf('disconnect'), `kick before disconnect: ${order}`);
      assert.equal(socket.connected, false);
    }

    const failure = await connectError(server, { token, userId: 'carol' });
    assert.equal(failure.data?.code, ERROR_CODES.ROOM_UNBOUND);
  });

  test('DELETE of one room does not touch another room', async () => {
    const lobby = await bindRoom(server, 'lobby');
    const other = await bindRoom(server, 'other');
    const inLobby = await connect(server, { token: lobby, userId: 'alice' });
    const x = await connect(server, { token: other, userId: 'xavier' });
    const y = await connect(server, { token: other, userId: 'yvonne' });

    assert.equal((await unbindRoom(server, 'lobby')).status, 200);
    await nextEvent(inLobby.socket, 'disconnect');
    // The other room still works, and its sockets saw no kick.
    await barrier(x.socket, [y.socket]);
    assert.equal(x.socket.connected, true);
    assert.deepEqual(
      received(y.socket).filter((entry) => entry.event === 'session:kicked' || entry.event === 'disconnect'),
      [],
    );
    await connect(server, { token: other, userId: 'zoe' });
  });

  test('after re-binding an unbound room the OLD token still fails and the NEW token works', async () => {
    const oldToken = await bindRoom(server, 'lobby');
    const before = await connect(server, { token: oldToken, userId: 'alice' });
    await requestOk(before.socket, 'message:send', { content: 'kept', clientMsgId: crypto.randomUUID() });
    assert.equal((await unbindRoom(server, 'lobby')).status, 200);
    await nextEvent(before.socket, 'disconnect');

    const newToken = await bindRoom(server, 'lobby');
    assert.notEqual(newToken, oldToken);
    const failure = await connectError(server, { token: oldToken, userId: 'alice' });
    assert.equal(failure.data?.code, ERROR_CODES.ROOM_UNBOUND);

    const { session } = await connect(server, { token: newToken, userId: 'alice' });
    assert.equal(session.roomId, 'lobby');
    // The room keeps its conversation: history from before the unbind is still there.
    assert.deepEqual(
      session.history.map((message) => message.content),
      ['kept'],
    );
  });

  test('DELETE of an unknown room → 404 ROOM_NOT_FOUND; of an already unbound room → 404 too', async () => {
    assertRestError(await unbindRoom(server, 'never-bound'), 404, ERROR_CODES.ROOM_NOT_FOUND);
    await bindRoom(server, 'lobby');
    assert.equal((await unbindRoom(server, 'lobby')).status, 200);
    assertRestError(await unbindRoom(server, 'lobby'), 404, ERROR_CODES.ROOM_NOT_FOUND);
  });

  test('DELETE without or with a wrong admin key → 401 UNAUTHORIZED and the room stays bound', async () => {
    const token = await bindRoom(server, 'lobby');
    assertRestError(await rest(server, 'DELETE', '/v1/room-binding/lobby', { key: null }), 401, ERROR_CODES.UNAUTHORIZED);
    assertRestError(await rest(server, 'DELETE', '/v1/room-binding/lobby', { key: 'wrong-key' }), 401, ERROR_CODES.UNAUTHORIZED);
    await connect(server, { token, userId: 'alice' });
  });

  test('DELETE works for a percent-encoded room id', async () => {
    const roomId = 'class 7/b é';
    const token = await bindRoom(server, roomId);
    const { socket } = await connect(server, { token, userId: 'alice' });
    const response = await unbindRoom(server, roomId);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { roomId, unbound: true });
    assert.equal((await nextEvent(socket, 'session:kicked')).code, ERROR_CODES.ROOM_UNBOUND);
  });

  // BUG (src/server/app.ts, the Fastify({...}) options in createApp): Fastify's router rejects path parameters longer than 100
  // characters (maxParamLength) with its own 414 body, so rooms with ids of 101–128 characters
  // can be bound but never unbound.
  test('DELETE unbinds a room whose id has the maximum length of 128 characters', async () => {
    const roomId = 'r'.repeat(128);
    const token = await bindRoom(server, roomId);
    const response = await unbindRoom(server, roomId);
    assert.equal(response.status, 200, `body: ${JSON.stringify(response.body)}`);
    assert.deepEqual(response.body, { roomId, unbound: true });
    const failure = await connectError(server, { token, userId: 'alice' });
    assert.equal(failure.data?.code, ERROR_CODES.ROOM_UNBOUND);
  });

  // BUG (src/server/app.ts, the Fastify({...}) options in createApp): a malformed percent-encoding in the path is answered by
  // Fastify's default body { error: 'Bad Request', code: 'FST_ERR_BAD_URL' } instead of the
  // documented { error: { code, message } }.
  test('DELETE with a malformed percent-encoded room id → 400 with a coded error body', async () => {
    const response = await rest(server, 'DELETE', '/v1/room-binding/%E0%A4%A');
    assert.equal(response.status, 400);
    assert.equal(typeof response.body.error, 'object', `coded body: ${JSON.stringify(response.body)}`);
    assert.ok(
      [ERROR_CODES.INVALID_ROOM_ID, ERROR_CODES.INVALID_PAYLOAD].includes(response.body.error.code),
      `code: ${JSON.stringify(response.body)}`,
    );
  });
});

describe('origin allowlist', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ allowedOrigins: ['https://good.example'] });
  });
  afterEach(cleanup);

  test('REST from a foreign origin → 403 ORIGIN_NOT_ALLOWED, from an allowed origin or without Origin → 200', async () => {
    const body = JSON.stringify({ roomId: 'lobby' });
    assertRestError(await post(server, body, undefined, { origin: 'https://evil.example' }), 403, ERROR_CODES.ORIGIN_NOT_ALLOWED);
    assertRestError(
      await rest(server, 'DELETE', '/v1/room-binding/lobby', { headers: { origin: 'https://evil.example' } }),
      403,
      ERROR_CODES.ORIGIN_NOT_ALLOWED,
    );
    const good = await post(server, body, undefined, { origin: 'https://good.example' });
    assert.equal(good.status, 200);
    assert.equal(good.headers.get('access-control-allow-origin'), 'https://good.example');
    // Server-to-server calls carry no Origin header.
    assert.equal((await post(server, body)).status, 200);
  });

  // BUG (src/server/app.ts, the onRequest hook in createApp): the allowlist is only applied when the raw URL starts with
  // "/v1/", but the router also matches percent-encoded spellings of the same route.
  test('a percent-encoded spelling of a /v1 route does not bypass the origin allowlist', async () => {
    const body = JSON.stringify({ roomId: 'lobby' });
    const response = await rest(server, 'POST', '/%761/room-binding', { body, headers: { origin: 'https://evil.example' } });
    assert.notEqual(response.status, 200, 'a foreign origin must not bind rooms');
    assertRestError(response, 403, ERROR_CODES.ORIGIN_NOT_ALLOWED);
  });

  test('CORS preflight: allowed origin → 204 with CORS headers, foreign origin → 403', async () => {
    const preflight = (origin: string) =>
      rest(server, 'OPTIONS', '/v1/room-binding', {
        key: null,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const good = await preflight('https://good.example');
    assert.equal(good.status, 204);
    assert.equal(good.headers.get('access-control-allow-origin'), 'https://good.example');
    assert.match(good.headers.get('access-control-allow-methods') ?? '', /POST/);
    assertRestError(await preflight('https://evil.example'), 403, ERROR_CODES.ORIGIN_NOT_ALLOWED);
  });

  test('socket handshake from a foreign origin → connect_error ORIGIN_NOT_ALLOWED; the allowed origin connects', async () => {
    const token = await bindRoom(server, 'lobby');
    const evil = await connectError(server, { token, userId: 'alice' }, { extraHeaders: { origin: 'https://evil.example' } });
    assert.equal(evil.data?.code, ERROR_CODES.ORIGIN_NOT_ALLOWED);
    const { session } = await connect(server, { token, userId: 'alice' }, { extraHeaders: { origin: 'https://good.example' } });
    assert.equal(session.roomId, 'lobby');
  });
});

describe('other routes', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(cleanup);

  test('GET /health → 200 { ok: true }', async () => {
    const response = await rest(server, 'GET', '/health', { key: null });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { ok: true });
  });

  test('unknown routes → 404 NOT_FOUND with a coded body', async () => {
    assertRestError(await rest(server, 'GET', '/nope', { key: null }), 404, ERROR_CODES.NOT_FOUND);
    assertRestError(await rest(server, 'GET', '/v1/room-binding', {}), 404, ERROR_CODES.NOT_FOUND);
    assertRestError(await rest(server, 'PUT', '/v1/room-binding/lobby', { body: '{}' }), 404, ERROR_CODES.NOT_FOUND);
  });

  test('the bundle route answers 404 NOT_FOUND with a coded body when nothing is built', async () => {
    assertRestError(await rest(server, 'GET', '/im-elements.js', { key: null }), 404, ERROR_CODES.NOT_FOUND);
  });
});
