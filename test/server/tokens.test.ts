import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import {
  barrier,
  bindRoom,
  cleanup,
  connect,
  connectError,
  payloads,
  requestOk,
  startServer,
  uuid,
  type ConnectAuth,
  type TestServer,
} from './helpers.js';

function splitToken(token: string): { prefix: string; body: string; signature: string } {
  const [prefix, body, signature] = token.split('.');
  assert.ok(prefix && body && signature, `token has three parts: ${token}`);
  return { prefix, body, signature };
}

const decodeClaims = (body: string): Record<string, unknown> => JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
const encodeClaims = (claims: Record<string, unknown>): string => Buffer.from(JSON.stringify(claims)).toString('base64url');

async function expectConnectError(server: TestServer, auth: ConnectAuth | undefined, code: string): Promise<void> {
  const failure = await connectError(server, auth as ConnectAuth);
  assert.equal(failure.data?.code, code, `auth ${JSON.stringify(auth)} → ${JSON.stringify(failure)}`);
  assert.equal(typeof failure.message, 'string');
}

describe('room tokens', () => {
  afterEach(cleanup);

  test('a token with an altered signature → TOKEN_INVALID', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    const { prefix, body, signature } = splitToken(token);
    const flip = (char: string) => (char === 'A' ? 'B' : 'A');
    const forged = [
      `${prefix}.${body}.${signature.slice(0, -1)}${flip(signature.at(-1)!)}`,
      `${prefix}.${body}.${flip(signature[0]!)}${signature.slice(1)}`,
      `${prefix}.${body}.${signature.slice(0, -1)}`,
      `${prefix}.${body}.`,
      `${prefix}.${body}`,
    ];
    for (const candidate of forged) await expectConnectError(server, { token: candidate, userId: 'alice' }, ERROR_CODES.TOKEN_INVALID);
    // The genuine token still works.
    await connect(server, { token, userId: 'alice' });
  });

  test('a token whose claims were edited (other room, other generation, expiry removed) → TOKEN_INVALID', async () => {
    const server = await startServer();
    const lobby = await bindRoom(server, 'lobby');
    await bindRoom(server, 'vip'); // a bound room the forger would like to enter
    const { prefix, body, signature } = splitToken(lobby);
    const claims = decodeClaims(body);
    assert.equal(claims.r, 'lobby');

    const otherRoom = `${prefix}.${encodeClaims({ ...claims, r: 'vip' })}.${signature}`;
    await expectConnectError(server, { token: otherRoom, userId: 'mallory' }, ERROR_CODES.TOKEN_INVALID);
    const otherGeneration = `${prefix}.${encodeClaims({ ...claims, g: Number(claims.g) + 1 })}.${signature}`;
    await expectConnectError(server, { token: otherGeneration, userId: 'mallory' }, ERROR_CODES.TOKEN_INVALID);
    const otherPrefix = `v2.${body}.${signature}`;
    await expectConnectError(server, { token: otherPrefix, userId: 'mallory' }, ERROR_CODES.TOKEN_INVALID);

    const expiring = await bindRoom(server, 'lobby', { ttlSeconds: 60 });
    const parts = splitToken(expiring);
    const { exp: _exp, ...withoutExpiry } = decodeClaims(parts.body);
    assert.equal(typeof _exp, 'number');
    const neverExpiring = `${parts.prefix}.${encodeClaims(withoutExpiry)}.${parts.signature}`;
    await expectConnectError(server, { token: neverExpiring, userId: 'mallory' }, ERROR_CODES.TOKEN_INVALID);
  });

  test('a token signed by another server (another secret) → TOKEN_INVALID', async () => {
    const serverA = await startServer();
    const serverB = await startServer();
    const tokenA = await bindRoom(serverA, 'lobby');
    const tokenB = await bindRoom(serverB, 'lobby');
    assert.notEqual(tokenA, tokenB);
    await expectConnectError(serverB, { token: tokenA, userId: 'alice' }, ERROR_CODES.TOKEN_INVALID);
    await expectConnectError(serverA, { token: tokenB, userId: 'alice' }, ERROR_CODES.TOKEN_INVALID);
    await connect(serverA, { token: tokenA, userId: 'alice' });
    await connect(serverB, { token: tokenB, userId: 'alice' });
  });

  test('malformed tokens → TOKEN_INVALID', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    for (const candidate of ['garbage', 'v1', 'v1..', 'v1.a.b', '...', `${token}.extra`, `${token}${'A'.repeat(3000)}`, ' ' + token]) {
      await expectConnectError(server, { token: candidate, userId: 'alice' }, ERROR_CODES.TOKEN_INVALID);
    }
  });

  test('a missing token → TOKEN_MISSING', async () => {
    const server = await startServer();
    await bindRoom(server, 'lobby');
    await expectConnectError(server, { userId: 'alice' }, ERROR_CODES.TOKEN_MISSING);
    await expectConnectError(server, { token: '', userId: 'alice' }, ERROR_CODES.TOKEN_MISSING);
    await expectConnectError(server, { token: 42 as unknown as string, userId: 'alice' }, ERROR_CODES.TOKEN_MISSING);
    await expectConnectError(server, { token: null as unknown as string, userId: 'alice' }, ERROR_CODES.TOKEN_MISSING);
    await expectConnectError(server, {}, ERROR_CODES.TOKEN_MISSING);
    await expectConnectError(server, undefined, ERROR_CODES.TOKEN_MISSING);
  });

  test('invalid user ids → INVALID_USER_ID; the limits of the pattern are accepted', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    for (const userId of ['', 'a b', 'a'.repeat(33), 'é', 'alice!', 'a.b', 42, null, ['alice'], undefined]) {
      await expectConnectError(server, { token, userId: userId as string }, ERROR_CODES.INVALID_USER_ID);
    }
    for (const userId of ['a', 'A'.repeat(32), 'user_1-X']) {
      const { session, socket } = await connect(server, { token, userId });
      // A token that names no user makes a guest: ~ + the id it gave.
      assert.equal(session.userId, `~${userId}`);
      socket.disconnect();
    }
  });

  test('invalid class ids → INVALID_CLASS_ID; 64 characters are accepted', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    for (const classId of ['c'.repeat(65), 7, { id: 'x' }]) {
      await expectConnectError(server, { token, userId: 'alice', classId: classId as string }, ERROR_CODES.INVALID_CLASS_ID);
    }
    const { session } = await connect(server, { token, userId: 'alice', classId: 'c'.repeat(64) });
    assert.equal(session.classId, 'c'.repeat(64));
    const noClass = await connect(server, { token, userId: 'bob', classId: '' });
    assert.equal(noClass.session.classId, null);
  });

  test('an invalid since → INVALID_PAYLOAD', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'lobby');
    for (const since of [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 2]) {
      await expectConnectError(server, { token, userId: 'alice', since: since as number }, ERROR_CODES.INVALID_PAYLOAD);
    }
  });

  test('a token for room A connects to room A only: nothing sent in A reaches room B', async () => {
    const server = await startServer();
    const tokenA = await bindRoom(server, 'room-a');
    const tokenB = await bindRoom(server, 'room-b');
    const a1 = await connect(server, { token: tokenA, userId: 'alice' });
    const a2 = await connect(server, { token: tokenA, userId: 'bob' });
    // Same user ids in room B: user rooms must be per conversation too.
    const b1 = await connect(server, { token: tokenB, userId: 'bob' });
    const b2 = await connect(server, { token: tokenB, userId: 'alice' });
    assert.equal(a1.session.roomId, 'room-a');
    assert.equal(b1.session.roomId, 'room-b');
    assert.notEqual(a1.session.conversationId, b1.session.conversationId);

    await requestOk(a1.socket, 'signal:broadcast', { content: 'broadcast in A' });
    await requestOk(a1.socket, 'signal:send', { content: 'command in A', users: ['bob', 'alice'] });
    const sent = await requestOk(a1.socket, 'message:send', { content: 'stored in A', clientMsgId: uuid() });
    assert.equal(sent.seq, 1);
    await requestOk(a1.socket, 'message:send', { content: 'targeted in A', clientMsgId: uuid(), users: ['bob'] });
    // Everything reached room A…
    await barrier(a1.socket, [a2.socket]);
    assert.deepEqual(
      payloads(a2.socket, 'signal:received').map((signal) => signal.content).slice(0, 2),
      ['broadcast in A', 'command in A'],
    );
    assert.deepEqual(
      payloads(a2.socket, 'message:created').map((message) => message.content),
      ['stored in A', 'targeted in A'],
    );
    // …and nothing reached room B (its own marker proves its sockets are live and caught up).
    await barrier(b1.socket, [b2.socket]);
    await barrier(b2.socket, [b1.socket]);
    for (const { socket } of [b1, b2]) {
      assert.deepEqual(payloads(socket, 'message:created'), []);
      assert.ok(payloads(socket, 'signal:received').every((signal) => String(signal.content).startsWith('barrier-')));
    }
    // Room B has its own history and seq.
    const b3 = await connect(server, { token: tokenB, userId: 'bob' });
    assert.deepEqual(b3.session.history, []);
    const first = await requestOk(b1.socket, 'message:send', { content: 'stored in B', clientMsgId: uuid() });
    assert.equal(first.seq, 1);
  });
});

describe('token expiry (controlled clock)', () => {
  afterEach(cleanup);

  test('a token with ttlSeconds works until its expiry, then → TOKEN_EXPIRED', async () => {
    const start = 1_700_000_000_000;
    let now = start;
    const server = await startServer({}, { clock: () => now });
    const token = await bindRoom(server, 'lobby', { ttlSeconds: 60 });
    const forever = await bindRoom(server, 'lobby');

    now = start + 59_999;
    const early = await connect(server, { token, userId: 'alice' });
    early.socket.disconnect();

    now = start + 60_000;
    await expectConnectError(server, { token, userId: 'alice' }, ERROR_CODES.TOKEN_EXPIRED);
    // A token without ttl does not expire.
    now = start + 400 * 24 * 3600 * 1000;
    await connect(server, { token: forever, userId: 'alice' });
  });
});
