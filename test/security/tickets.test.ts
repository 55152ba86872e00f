import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import { loadConfig } from '../../src/server/config.js';
import {
  bindRoom,
  cleanup,
  connect,
  connectError,
  connectUser,
  nextEvent,
  requestError,
  requestOk,
  rest,
  signIn,
  startServer,
  ticketFor,
  waitFor,
  type TestServer,
} from '../server/helpers.js';

afterEach(cleanup);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function mint(server: TestServer, claims: Record<string, unknown>): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', server.app.secrets.ticketSecret).update(body).digest('base64url')}`;
}
const seconds = () => Math.floor(Date.now() / 1000);

describe('ticket lifetime, issue time and revocation', () => {
  test('a ticket that lives longer than allowed ends at iat + the longest life (7 days by default), and session:ready says so', async () => {
    let skew = 0;
    const server = await startServer({}, { clock: () => Date.now() + skew });
    assert.equal(server.config.ticketMaxLifetimeSeconds, 7 * 24 * 3600);
    const iat = seconds();
    const longLived = mint(server, { sub: 'alice', iat, exp: iat + 365 * 24 * 3600 });
    const { session } = await connectUser(server, longLived);
    assert.equal(session.expiresAt, (iat + 7 * 24 * 3600) * 1000);
    skew = 7 * 24 * 3600 * 1000 + 1000;
    assert.equal((await connectError(server, { ticket: longLived })).data?.code, ERROR_CODES.TICKET_EXPIRED);
    // The REST route never issues one longer than that.
    const tooLong = await rest(server, 'POST', '/v1/users/alice/tickets', { body: JSON.stringify({ ttlSeconds: 7 * 24 * 3600 + 1 }) });
    assert.equal(tooLong.status, 400);
    assert.throws(() => loadConfig({ IM_TICKET_TTL: '700000' }), /IM_TICKET_MAX_LIFETIME/);
    assert.equal(loadConfig({ IM_TICKET_MAX_LIFETIME: '3600', IM_TICKET_TTL: '600' }).ticketMaxLifetimeSeconds, 3600);
  });

  test('iat is required and may not lie in the future (beyond a minute of clock skew)', async () => {
    const server = await startServer();
    const now = seconds();
    assert.equal((await connectError(server, { ticket: mint(server, { sub: 'a', exp: now + 600 }) })).data?.code, ERROR_CODES.TICKET_INVALID);
    assert.equal((await connectError(server, { ticket: mint(server, { sub: 'a', iat: now + 300, exp: now + 600 }) })).data?.code, ERROR_CODES.TICKET_INVALID);
    assert.equal((await connectError(server, { ticket: mint(server, { sub: 'a', iat: 'yesterday', exp: now + 600 }) })).data?.code, ERROR_CODES.TICKET_INVALID);
    await connectUser(server, mint(server, { sub: 'a', iat: now + 30, exp: now + 600 }));
  });

  test('POST /v1/users/:userId/revoke ends every session of the user and refuses their older tickets and user-bound tokens', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'r');
    const boundToken = (await rest(server, 'POST', '/v1/rooms/r/tokens', { body: JSON.stringify({ userId: 'alice' }) })).body.token as string;
    const oldTicket = await ticketFor(server, 'alice');
    const tab1 = await connectUser(server, oldTicket);
    const tab2 = await signIn(server, 'alice');
    const inRoom = await connect(server, { token: boundToken });
    const guestAlice = await connect(server, { token, userId: 'alice' });
    const bob = await signIn(server, 'bob');

    assert.equal((await rest(server, 'POST', '/v1/users/alice/revoke', { key: null })).status, 401);
    const revoked = await rest(server, 'POST', '/v1/users/alice/revoke');
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.sessionsEnded, 3);
    for (const { socket } of [tab1, tab2, inRoom]) {
      assert.equal((await nextEvent<{ code: string }>(socket, 'session:kicked')).code, ERROR_CODES.CREDENTIAL_REVOKED);
      await waitFor(socket, (entry) => entry.event === 'disconnect', 'closed');
    }
    // A guest who merely calls itself alice, and other users, are not affected.
    assert.ok(guestAlice.socket.connected && bob.socket.connected);
    await requestOk(bob.socket, 'conversation:sync', {});

    assert.equal((await connectError(server, { ticket: oldTicket })).data?.code, ERROR_CODES.CREDENTIAL_REVOKED);
    assert.equal((await connectError(server, { token: boundToken })).data?.code, ERROR_CODES.CREDENTIAL_REVOKED);
    const uploadRefused = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${oldTicket}` }, body: new FormData() });
    assert.equal(((await uploadRefused.json()) as { error: { code: string } }).error.code, ERROR_CODES.CREDENTIAL_REVOKED);
    // Credentials issued after the revocation work at once (even within the same second).
    const fresh = await signIn(server, 'alice');
    assert.equal(fresh.session.userId, 'alice');
    assert.equal((await requestError(fresh.socket, 'session:renew', { ticket: oldTicket })).code, ERROR_CODES.CREDENTIAL_REVOKED);
    const newBound = (await rest(server, 'POST', '/v1/rooms/r/tokens', { body: JSON.stringify({ userId: 'alice' }) })).body.token as string;
    await connect(server, { token: newBound });
  });
});
