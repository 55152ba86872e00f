import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import { ERROR_CODES, type ErrorPayload } from '../../src/protocol/errors.js';
import { LIMITS } from '../../src/protocol/limits.js';
import type { ConversationSummary, SendResult, StoredMessage } from '../../src/protocol/models.js';
import {
  cleanup,
  connectError,
  connectUser,
  issueTicket,
  nextEvent,
  payloads,
  received,
  requestError,
  requestOk,
  rest,
  settle,
  signIn,
  startServer,
  ticketFor,
  uuid,
  waitFor,
  type ClientSocket,
  type TestServer,
} from './helpers.js';

/**
 * Minting a user ticket in your own backend (what POST /v1/users/:userId/tickets does): an HS256
 * JWT, claims in seconds, signed with IM_TICKET_SECRET (or the admin key when that is unset).
 */
function mintTicket(secret: string, userId: string, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(secret, { alg: 'HS256', typ: 'JWT' }, { sub: userId, iat: now, exp: now + ttlSeconds });
}
function signJwt(secret: string, header: object, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part(header)}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const HEADER = { alg: 'HS256', typ: 'JWT' };
const nowSeconds = () => Math.floor(Date.now() / 1000);
const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

const ticketPath = (userId: string) => `/v1/users/${encodeURIComponent(userId)}/tickets`;

async function expectTicketRejected(server: TestServer, ticket: unknown, code: string): Promise<void> {
  const failure = await connectError(server, { ticket });
  assert.equal(failure.data?.code, code, `ticket ${JSON.stringify(ticket)} → ${JSON.stringify(failure)}`);
  assert.equal(typeof failure.message, 'string');
}

function kicksOf(socket: ClientSocket): ErrorPayload[] {
  return payloads<ErrorPayload>(socket, 'session:kicked');
}

describe('user tickets (REST)', () => {
  afterEach(cleanup);

  test('the admin key gets 200 { userId, ticket, expiresAt }; the default lifetime is ticketTtlSeconds (24 h)', async () => {
    const server = await startServer();
    assert.equal(server.config.ticketTtlSeconds, 24 * 3600);
    const before = nowSeconds();
    const response = await rest(server, 'POST', ticketPath('alice'));
    const after = nowSeconds();
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), ['expiresAt', 'ticket', 'userId']);
    assert.equal(response.body.userId, 'alice');
    const { expiresAt, ticket } = response.body as { expiresAt: number; ticket: string };
    assert.ok(expiresAt % 1000 === 0, 'whole seconds, in ms');
    assert.ok(expiresAt >= (before + 24 * 3600) * 1000 && expiresAt <= (after + 24 * 3600) * 1000, `expiresAt ${expiresAt}`);

    // As documented: an HS256 JWT with { sub, iat, exp } in seconds, signed with the ticket secret.
    const [header, claims, signature] = ticket.split('.') as [string, string, string];
    assert.deepEqual(decodePart(header), HEADER);
    const decoded = decodePart(claims);
    assert.deepEqual(Object.keys(decoded).sort(), ['exp', 'iat', 'sub']);
    assert.equal(decoded.sub, 'alice');
    assert.equal(decoded.exp, expiresAt / 1000);
    assert.equal((decoded.exp as number) - (decoded.iat as number), 24 * 3600);
    assert.equal(signature, createHmac('sha256', server.app.secrets.ticketSecret).update(`${header}.${claims}`).digest('base64url'));

    // An empty JSON object also means the default.
    const empty = await rest(server, 'POST', ticketPath('alice'), { body: '{}' });
    assert.equal(empty.status, 200);
    assert.ok(empty.body.expiresAt >= expiresAt, 'default lifetime');
  });

  test('the configured ticketTtlSeconds is the default lifetime', async () => {
    const server = await startServer({ ticketTtlSeconds: 600 });
    const before = nowSeconds();
    const { expiresAt } = await issueTicket(server, 'alice');
    assert.ok(expiresAt >= (before + 600) * 1000 && expiresAt <= (nowSeconds() + 600) * 1000, `expiresAt ${expiresAt}`);
  });

  test('a custom ttlSeconds (60 s … the longest ticket life, 7 days by default) sets expiresAt', async () => {
    const server = await startServer();
    for (const ttl of [LIMITS.TICKET_TTL_MIN, 3600, LIMITS.TICKET_MAX_LIFETIME_DEFAULT]) {
      const before = nowSeconds();
      const { expiresAt, ticket, userId } = await issueTicket(server, 'bob_2-x', ttl);
      const after = nowSeconds();
      assert.equal(userId, 'bob_2-x');
      assert.ok(expiresAt >= (before + ttl) * 1000 && expiresAt <= (after + ttl) * 1000, `ttl ${ttl}: expiresAt ${expiresAt}`);
      const claims = decodePart(ticket.split('.')[1]!);
      assert.equal((claims.exp as number) - (claims.iat as number), ttl);
    }
  });

  test('bad ttlSeconds or body → 400 INVALID_PAYLOAD', async () => {
    const server = await startServer();
    const bodies = [
      { ttlSeconds: 59 },
      { ttlSeconds: 30 * 24 * 3600 + 1 },
      { ttlSeconds: '3600' },
      { ttlSeconds: 3600.5 },
      { ttlSeconds: -60 },
      { ttlSeconds: null },
      [],
      'x',
    ].map((body) => JSON.stringify(body));
    for (const body of [...bodies, 'not json', '{"ttlSeconds":']) {
      const response = await rest(server, 'POST', ticketPath('alice'), { body });
      assert.equal(response.status, 400, body);
      assert.equal(response.body.error.code, ERROR_CODES.INVALID_PAYLOAD, body);
      assert.equal(typeof response.body.error.message, 'string');
    }
  });

  test('a bad user id in the path → 400 INVALID_USER_ID', async () => {
    const server = await startServer();
    for (const userId of ['bad id', 'a:b', 'x'.repeat(33), 'é', 'a.b']) {
      const response = await rest(server, 'POST', ticketPath(userId));
      assert.equal(response.status, 400, userId);
      assert.equal(response.body.error.code, ERROR_CODES.INVALID_USER_ID, userId);
    }
    assert.equal((await rest(server, 'POST', ticketPath('x'.repeat(32)))).status, 200);
  });

  test('no admin key or a wrong one → 401 UNAUTHORIZED', async () => {
    const server = await startServer();
    for (const key of [null, 'wrong-key-wrong-key', `${server.adminKey}x`, '']) {
      const response = await rest(server, 'POST', ticketPath('alice'), { key });
      assert.equal(response.status, 401, `key ${key}`);
      assert.equal(response.body.error.code, ERROR_CODES.UNAUTHORIZED);
      assert.equal(JSON.stringify(response.body).includes('ticket"'), false);
    }
    const other = await rest(server, 'POST', ticketPath('alice'), { key: null, headers: { authorization: `Basic ${server.adminKey}` } });
    assert.equal(other.status, 401);
  });
});

describe('user sessions: connecting with a ticket', () => {
  afterEach(cleanup);

  test('a REST ticket connects: session:ready { kind: "user", userId, version, expiresAt, uploadMaxBytes }', async () => {
    const server = await startServer({ uploadMaxBytes: 5 * 1024 * 1024 });
    const { ticket, expiresAt } = await issueTicket(server, 'alice');
    const { socket, session } = await connectUser(server, ticket);
    assert.deepEqual(Object.keys(session).sort(), ['expiresAt', 'kind', 'uploadMaxBytes', 'userId', 'version']);
    assert.equal(session.uploadMaxBytes, 5 * 1024 * 1024);
    assert.equal(session.kind, 'user');
    assert.equal(session.userId, 'alice');
    assert.equal(session.expiresAt, expiresAt);
    assert.ok(Number.isSafeInteger(session.version) && session.version >= 0, `version ${session.version}`);
    assert.equal(payloads(socket, 'session:ready').length, 1);
    // The session works.
    const sync = await requestOk<{ conversations: ConversationSummary[]; version: number }>(socket, 'conversation:sync', {});
    assert.deepEqual(sync.conversations, []);
    assert.equal(sync.version, session.version);
  });

  test('a ticket minted by hand as documented (HS256 JWT signed with the ticket secret) connects; the admin key signs none', async () => {
    const server = await startServer();
    const secret = server.app.secrets.ticketSecret;
    assert.notEqual(secret, server.adminKey);
    const ticket = mintTicket(secret, 'alice');
    const { session } = await connectUser(server, ticket);
    assert.equal(session.userId, 'alice');
    assert.equal(session.expiresAt, (decodePart(ticket.split('.')[1]!).exp as number) * 1000);
    // Claims in another order are fine too; iat is required.
    const exp = nowSeconds() + 120;
    assert.equal((await connectUser(server, signJwt(secret, HEADER, { exp, iat: nowSeconds(), sub: 'bob' }))).session.expiresAt, exp * 1000);
    await expectTicketRejected(server, signJwt(secret, HEADER, { exp, sub: 'bob' }), ERROR_CODES.TICKET_INVALID);
    await expectTicketRejected(server, mintTicket(server.adminKey, 'bob'), ERROR_CODES.TICKET_INVALID);
  });

  test('with ticketSecret set, tickets are signed with it and no longer with the admin key', async () => {
    const ticketSecret = 'ticket-secret-0123456789abcdef';
    const server = await startServer({ ticketSecret });
    assert.notEqual(server.adminKey, ticketSecret);
    const { ticket } = await issueTicket(server, 'alice');
    const [header, claims, signature] = ticket.split('.') as [string, string, string];
    assert.equal(signature, createHmac('sha256', ticketSecret).update(`${header}.${claims}`).digest('base64url'));
    assert.equal((await connectUser(server, ticket)).session.userId, 'alice');
    assert.equal((await connectUser(server, mintTicket(ticketSecret, 'bob'))).session.userId, 'bob');
    await expectTicketRejected(server, mintTicket(server.adminKey, 'bob'), ERROR_CODES.TICKET_INVALID);
  });

  test('forged, alg none, other secret, malformed or garbage tickets → connect_error TICKET_INVALID', async () => {
    const server = await startServer();
    const genuine = mintTicket(server.app.secrets.ticketSecret, 'alice');
    const [header, claims, signature] = genuine.split('.') as [string, string, string];
    const flip = (char: string) => (char === 'A' ? 'B' : 'A');
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = nowSeconds() + 3600;
    const none = part({ alg: 'none', typ: 'JWT' });
    const bad: unknown[] = [
      `${header}.${claims}.${signature.slice(0, -1)}${flip(signature.at(-1)!)}`,
      `${header}.${claims}.${flip(signature[0]!)}${signature.slice(1)}`,
      `${header}.${claims}.`,
      `${header}.${claims}`,
      // Claims edited (another user, a later expiry) under the original signature.
      `${header}.${part({ sub: 'bob', iat: nowSeconds(), exp })}.${signature}`,
      `${header}.${part({ sub: 'alice', iat: nowSeconds(), exp: exp + 86400 })}.${signature}`,
      // alg none: unsigned, and even "signed" with the right key.
      `${none}.${claims}.`,
      signJwt(server.app.secrets.ticketSecret, { alg: 'none', typ: 'JWT' }, { sub: 'alice', iat: nowSeconds(), exp }),
      signJwt(server.app.secrets.ticketSecret, { alg: 'HS512', typ: 'JWT' }, { sub: 'alice', iat: nowSeconds(), exp }),
      // Another secret.
      mintTicket('some-other-secret-0123456789', 'alice'),
      // Properly signed but unusable claims.
      signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'bad id', iat: nowSeconds(), exp }),
      signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: nowSeconds() }),
      signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', exp: String(exp) }),
      signJwt(server.app.secrets.ticketSecret, HEADER, { iat: nowSeconds(), exp }),
      // Garbage.
      'garbage',
      '',
      'a.b.c',
      '...',
      'x'.repeat(5000),
      123,
      null,
      { sub: 'alice' },
    ];
    for (const ticket of bad) await expectTicketRejected(server, ticket, ERROR_CODES.TICKET_INVALID);
    // The genuine one still works.
    await connectUser(server, genuine);
  });

  test('an expired ticket → connect_error TICKET_EXPIRED', async () => {
    const server = await startServer();
    const past = nowSeconds() - 10;
    await expectTicketRejected(server, signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: past - 60, exp: past }), ERROR_CODES.TICKET_EXPIRED);
    await expectTicketRejected(server, signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: 0, exp: 1 }), ERROR_CODES.TICKET_EXPIRED);
  });
});

describe('user sessions: ticket expiry and renewal (real time, ~1–3 s each)', () => {
  afterEach(cleanup);

  test('a connected socket whose ticket expires gets session:kicked TICKET_EXPIRED and is disconnected', async () => {
    const server = await startServer();
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const { socket, session } = await connectUser(server, signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: exp - 60, exp }));
    assert.equal(session.expiresAt, exp * 1000);
    const kicked = await nextEvent<ErrorPayload>(socket, 'session:kicked', 4000);
    assert.ok(Date.now() >= exp * 1000 - 50, 'not kicked before the expiry');
    assert.equal(kicked.code, ERROR_CODES.TICKET_EXPIRED);
    assert.equal(typeof kicked.message, 'string');
    assert.equal(await nextEvent<string>(socket, 'disconnect'), 'io server disconnect');
    assert.equal(socket.connected, false);
  });

  test('session:renew with a fresh ticket extends expiresAt: the socket is not kicked at the old expiry', async () => {
    const server = await startServer();
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const shortTicket = signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: exp - 60, exp });
    const renewed = await connectUser(server, shortTicket);
    // A witness whose ticket expires one second after the renewed socket's old one.
    const witness = await connectUser(server, signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'bob', iat: exp - 60, exp: exp + 1 }));

    const fresh = await issueTicket(server, 'alice');
    const ack = await requestOk<{ expiresAt: number }>(renewed.socket, 'session:renew', { ticket: fresh.ticket });
    assert.deepEqual(ack, { expiresAt: fresh.expiresAt });

    // Once the witness is kicked, the old expiry passed a second ago.
    assert.equal((await nextEvent<ErrorPayload>(witness.socket, 'session:kicked', 5000)).code, ERROR_CODES.TICKET_EXPIRED);
    assert.ok(Date.now() >= exp * 1000 + 900, 'the old expiry has passed');
    await settle(renewed.socket);
    assert.equal(renewed.socket.connected, true);
    assert.deepEqual(kicksOf(renewed.socket), []);
    assert.equal(payloads(renewed.socket, 'disconnect').length, 0);
  });

  test('session:renew with another user’s ticket → TICKET_INVALID; bad and expired tickets are refused; the session stays', async () => {
    const server = await startServer();
    const alice = await signIn(server, 'alice');
    const bobTicket = await ticketFor(server, 'bob');
    assert.equal((await requestError(alice.socket, 'session:renew', { ticket: bobTicket })).code, ERROR_CODES.TICKET_INVALID);
    for (const payload of [{ ticket: 'garbage' }, { ticket: '' }, {}, null, 'ticket', { ticket: mintTicket('another-secret-0123456789', 'alice') }]) {
      assert.equal((await requestError(alice.socket, 'session:renew', payload)).code, ERROR_CODES.TICKET_INVALID, JSON.stringify(payload));
    }
    const past = nowSeconds() - 5;
    const expired = signJwt(server.app.secrets.ticketSecret, HEADER, { sub: 'alice', iat: past - 60, exp: past });
    assert.equal((await requestError(alice.socket, 'session:renew', { ticket: expired })).code, ERROR_CODES.TICKET_EXPIRED);
    // A good renewal still works and the session is intact.
    const fresh = await issueTicket(server, 'alice', 7200);
    assert.deepEqual(await requestOk(alice.socket, 'session:renew', { ticket: fresh.ticket }), { expiresAt: fresh.expiresAt });
    await settle(alice.socket);
    assert.deepEqual(kicksOf(alice.socket), []);
  });
});

describe('user sessions: devices', () => {
  afterEach(cleanup);

  test('multi-device: every device of a member gets a message, also the sender’s other device, never the sending socket', async () => {
    const server = await startServer();
    const bob1 = await signIn(server, 'bob');
    // The conversation exists before the other devices connect: they join it on connecting.
    const direct = await requestOk<ConversationSummary>(bob1.socket, 'conversation:open-direct', { userId: 'alice' });
    const alice = [await signIn(server, 'alice'), await signIn(server, 'alice'), await signIn(server, 'alice')];
    const bob2 = await signIn(server, 'bob');

    const sent = await requestOk<SendResult>(bob1.socket, 'message:send', {
      conversationId: direct.id,
      clientMsgId: uuid(),
      content: { text: 'hi alice' },
    });
    for (const device of [...alice, bob2]) {
      const message = await nextEvent<StoredMessage>(device.socket, 'message:created');
      assert.equal(message.id, sent.id);
      assert.equal(message.seq, sent.seq);
      assert.equal(message.senderId, 'bob');
      assert.deepEqual(message.content, { text: 'hi alice' });
    }
    await settle(bob1.socket, ...alice.map((d) => d.socket), bob2.socket);
    assert.deepEqual(payloads(bob1.socket, 'message:created'), []);
    for (const device of [...alice, bob2]) assert.equal(payloads(device.socket, 'message:created').length, 1);

    // A group created while everyone is connected reaches every device live, too.
    const carol = await signIn(server, 'carol');
    const group = await requestOk<ConversationSummary>(carol.socket, 'conversation:create-group', { name: 'g', members: ['alice', 'bob'] });
    const reply = await requestOk<SendResult>(alice[1]!.socket, 'message:send', { conversationId: group.id, clientMsgId: uuid(), content: { text: 'from alice 2' } });
    for (const device of [alice[0]!, alice[2]!, bob1, bob2, carol]) {
      await waitFor(
        device.socket,
        (entry) => entry.event === 'message:created' && (entry.args[0] as StoredMessage).id === reply.id,
        'the group message',
      );
    }
    await settle(alice[1]!.socket);
    assert.equal(payloads<StoredMessage>(alice[1]!.socket, 'message:created').some((m) => m.id === reply.id), false);
  });

  test('maxConnectionsPerUser 2: a third connection kicks the oldest with TOO_MANY_CONNECTIONS; the other two keep working', async () => {
    const server = await startServer({ maxConnectionsPerUser: 2 });
    const bob = await signIn(server, 'bob');
    const first = await signIn(server, 'alice');
    const second = await signIn(server, 'alice');
    const direct = await requestOk<ConversationSummary>(bob.socket, 'conversation:open-direct', { userId: 'alice' });
    await settle(first.socket, second.socket);
    assert.deepEqual(kicksOf(first.socket), []);

    const third = await signIn(server, 'alice');
    const kicked = await nextEvent<ErrorPayload>(first.socket, 'session:kicked');
    assert.equal(kicked.code, ERROR_CODES.TOO_MANY_CONNECTIONS);
    assert.equal(typeof kicked.message, 'string');
    assert.equal(await nextEvent<string>(first.socket, 'disconnect'), 'io server disconnect');

    // The other two still receive and send.
    const sent = await requestOk<SendResult>(bob.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'still there?' } });
    for (const device of [second, third]) assert.equal((await nextEvent<StoredMessage>(device.socket, 'message:created')).id, sent.id);
    const answer = await requestOk<SendResult>(second.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'yes' } });
    assert.equal((await nextEvent<StoredMessage>(bob.socket, 'message:created')).id, answer.id);
    assert.equal((await nextEvent<StoredMessage>(third.socket, 'message:created')).id, answer.id);
    await settle(second.socket, third.socket, bob.socket);
    for (const device of [second, third, bob]) assert.deepEqual(kicksOf(device.socket), []);
    assert.equal(received(first.socket).filter((e) => e.event === 'message:created').length, 0);

    // A fourth connection kicks the now oldest (second).
    const fourth = await signIn(server, 'alice');
    assert.equal((await nextEvent<ErrorPayload>(second.socket, 'session:kicked')).code, ERROR_CODES.TOO_MANY_CONNECTIONS);
    await settle(third.socket, fourth.socket);
    assert.deepEqual(kicksOf(third.socket), []);
    assert.deepEqual(kicksOf(fourth.socket), []);
  });
});
