/**
 * The authorization matrix: every socket event and every REST route against every kind of
 * caller, with the answer the security rules demand. Each row runs against the real server.
 * A refused row also proves that nothing changed: every table of the database, the stored
 * files and the inboxes of the other connections (the owner's and a member's second device,
 * a guest of the room) are as they were before the call. Rows whose caller is allowed may name
 * connections that must still hear nothing (`quiet`) or state that must stay as it was
 * (`untouched`).
 *
 * docs/security.md carries the table as `renderMatrix()` renders it, between the lines
 * `<!-- authorization-matrix:start -->` and `<!-- authorization-matrix:end -->`. After changing
 * rows, regenerate that section with
 *   IM_WRITE_MATRIX=1 node --import tsx --test test/security/authorization-matrix.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import type { Ack } from '../../src/protocol/ack.js';
import { ERROR_CODES, type ErrorCode } from '../../src/protocol/errors.js';
import {
  bindRoom,
  cleanup,
  connect,
  createSocket,
  received,
  request,
  requestOk,
  rest,
  signIn,
  startServer,
  ticketFor,
  unbindRoom,
  uuid,
  waitFor,
  WAIT_MS,
  type ClientSocket,
  type ConnectAuth,
  type ConnectExtra,
  type ReceivedEvent,
  type TestServer,
} from '../server/helpers.js';

// ---------------------------------------------------------------------------------------------
// The table

/** Who calls. Room-session callers hold a room token; the others are signed-in users (a ticket) or servers. */
export type Caller =
  | 'signed-in user'
  | 'member'
  | 'group owner'
  | 'non-member'
  | 'former member'
  | 'late joiner'
  | 'room viewer (signed-in)'
  | 'room moderator (signed-in)'
  | 'guest'
  | 'user-bound token'
  | 'viewer token'
  | 'moderator token'
  | 'token of another room'
  | 'token of an unbound room'
  | 'token bound to another user'
  | 'expired token'
  | 'expired ticket'
  | 'forged credential'
  | 'revoked user'
  | 'disallowed origin'
  | 'allowed origin'
  | 'no credentials'
  | 'wrong admin key'
  | 'user ticket as admin key'
  | 'room token as admin key'
  | 'admin key'
  | 'room session'
  | 'user session';

/**
 * The documented answer: an ok acknowledgement (or a session that connects), an error code (in
 * the acknowledgement, or as the connect_error), no acknowledgement at all (an event the
 * session does not have), or an HTTP status with its error code.
 */
export type Answer = { ok: true } | { error: ErrorCode } | { noAck: true } | { status: number; error?: ErrorCode };

/** What a row's preparation hands to its call. */
export interface Prepared {
  seq?: number;
  conversationId?: string;
  socket?: ClientSocket;
  sockets?: ClientSocket[];
  token?: string;
  ticket?: string;
  fileId?: string;
  roomId?: string;
}

export interface Outcome {
  answer: Answer;
  data?: unknown;
}

export interface MatrixRow {
  /** The event (`message:send`), the route (`POST /v1/uploads`) or the connection (`connect with a ticket`). */
  subject: string;
  caller: Caller;
  /** The case, when the caller alone does not say it. */
  detail?: string;
  answer: Answer;
  /** What else the answer promises (checked by `expect`). */
  note?: string;
  /** Sets the case up; runs before the "nothing changed" snapshot. */
  prepare?: (w: World) => Promise<Prepared>;
  call: (w: World, p: Prepared) => Promise<Outcome>;
  expect?: (data: any, w: World, p: Prepared) => void | Promise<void>;
  /** Connections that must hear nothing of this call (refused rows: the world's witnesses as well). */
  quiet?: (w: World, p: Prepared) => ClientSocket[];
  /** Only these events count as heard by the quiet connections (default: any). */
  quietEvents?: string[];
  /** State an allowed call must leave as it was. */
  untouched?: (w: World, p: Prepared) => Promise<unknown>;
}

// ---------------------------------------------------------------------------------------------
// The world the rows run in

const HALL = 'matrix-hall';
const SIDE = 'matrix-side';
const GONE = 'matrix-gone';
const HALL_ID = `room:${HALL}`;
const SIDE_ID = `room:${SIDE}`;
const GONE_ID = `room:${GONE}`;
const SYSTEM_ID = 'system:bob';
const GOOD_ORIGIN = 'https://good.example';
const EVIL_ORIGIN = 'https://evil.example';
/** How long a request waits for the acknowledgement of an event the session does not have. */
const NO_ACK_MS = 500;
const WRONG_KEY = 'not-the-admin-key-of-this-server';
const RECALL_WINDOW_SECONDS = 120;

export interface World {
  server: TestServer;
  /** Added to the server's clock (ms): credentials minted in the past are expired now. */
  skew: { ms: number };
  db: BetterSqlite3.Database;
  /** Signed-in users' connections. */
  alice: ClientSocket;
  bob: ClientSocket;
  /** Bob's device that writes the messages rows act on, so bob's own send budget stays for the rows. */
  bobPrep: ClientSocket;
  carol: ClientSocket;
  dave: ClientSocket;
  fred: ClientSocket;
  mallory: ClientSocket;
  vic: ClientSocket;
  moe: ClientSocket;
  /** Room sessions in the hall: a guest, a token bound to `tom`, a viewer, a moderator; a guest of the side room. */
  guest: ClientSocket;
  tom: ClientSocket;
  viewer: ClientSocket;
  mod: ClientSocket;
  side: ClientSocket;
  /** Alice's and bob's second devices and a guest of the hall: whatever a refused call would have pushed reaches one of them. */
  witnesses: ClientSocket[];
  aliceWatch: ClientSocket;
  roomWatch: ClientSocket;
  /** Names of the witnesses, for failure messages. */
  names: Map<ClientSocket, string>;
  tokens: { hall: string; tom: string; viewer: string; mod: string; side: string; gone: string };
  tickets: { alice: string };
  group: string;
  direct: string;
  seqs: { groupByBob: number; hallByBob: number; hallTargeted: number; hallClass: number; notification: number; goneByBob: number };
}

// ---------------------------------------------------------------------------------------------
// Calls

function ackOutcome(ack: Ack<unknown>): Outcome {
  return ack.ok ? { answer: { ok: true }, data: ack.data } : { answer: { error: ack.error.code }, data: ack.error };
}

async function ask(socket: ClientSocket, event: string, payload: unknown): Promise<Outcome> {
  return ackOutcome(await request(socket, event, payload));
}

/** Emits and waits NO_ACK_MS for an acknowledgement that should never come. */
function unanswered(socket: ClientSocket, event: string, payload: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ answer: { noAck: true } }), NO_ACK_MS);
    (socket as unknown as Socket).emit(event, payload, (ack: Ack<unknown>) => {
      clearTimeout(timer);
      resolve(ackOutcome(ack));
    });
  });
}

/** Opens a connection: ok with its session, or the connect_error's code. An accepted connection is closed again. */
function dial(w: World, auth: ConnectAuth, extra: ConnectExtra = {}): Promise<Outcome> {
  const socket = createSocket(w.server, auth, extra);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connected nor refused')), WAIT_MS);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      const data = (error as { data?: { code: ErrorCode } }).data;
      resolve({ answer: { error: data?.code ?? ('none' as ErrorCode) }, data });
    });
    waitFor(socket, (entry) => entry.event === 'session:ready', 'session:ready').then((entry) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ answer: { ok: true }, data: entry.args[0] });
    }, reject);
  });
}

function restOutcome(status: number, body: unknown): Outcome {
  const code = (body as { error?: { code?: ErrorCode } } | null)?.error?.code;
  return { answer: code === undefined ? { status } : { status, error: code }, data: body };
}

async function http(
  w: World,
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; origin?: string; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  const headers: Record<string, string> = { ...options.headers, ...(options.origin ? { origin: options.origin } : {}) };
  const response = await rest(w.server, method, path, {
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    key: options.key === undefined ? w.server.adminKey : options.key,
    headers,
  });
  return restOutcome(response.status, response.body);
}

async function adminOk<T = any>(w: World, method: string, path: string, body?: unknown): Promise<T> {
  const outcome = await http(w, method, path, { body });
  const status = (outcome.answer as { status: number }).status;
  assert.ok(status >= 200 && status < 300, `${method} ${path}: ${JSON.stringify(outcome.data)}`);
  return outcome.data as T;
}

async function upload(
  w: World,
  credential: string | null,
  options: { headers?: Record<string, string>; data?: Uint8Array | string; name?: string; method?: string } = {},
): Promise<Outcome> {
  const form = new FormData();
  form.append('file', new Blob([(options.data ?? 'a note for the matrix') as BlobPart]), options.name ?? 'note.txt');
  const headers: Record<string, string> = { ...options.headers, ...(credential === null ? {} : { authorization: `Bearer ${credential}` }) };
  const response = await fetch(`${w.server.url}/v1/uploads`, { method: 'POST', headers, body: form });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return restOutcome(response.status, body);
}

async function uploaded(w: World, credential: string, options: { data?: Uint8Array | string; name?: string } = {}): Promise<string> {
  const outcome = await upload(w, credential, options);
  assert.deepEqual(outcome.answer, { status: 201 }, JSON.stringify(outcome.data));
  return (outcome.data as { id: string }).id;
}

const text = (conversationId: string, extra: Record<string, unknown> = {}) => ({
  conversationId,
  clientMsgId: uuid(),
  content: { text: 'matrix' },
  ...extra,
});
const roomText = (extra: Record<string, unknown> = {}) => ({ content: { text: 'matrix' }, clientMsgId: uuid(), ...extra });
const ref = (conversationId: string, seq: number) => ({ conversationId, seq });

/** A new text message by bob (from his preparing device). */
async function fresh(w: World, conversationId = w.group, extra: Record<string, unknown> = {}): Promise<Prepared> {
  const { seq } = await requestOk<{ seq: number }>(w.bobPrep, 'message:send', text(conversationId, extra));
  return { seq, conversationId };
}

/** Runs `mint` with the server's clock two hours back: whatever it issues for a minute is expired now. */
async function inThePast<T>(w: World, mint: () => Promise<T>): Promise<T> {
  w.skew.ms = -2 * 3600_000;
  try {
    return await mint();
  } finally {
    w.skew.ms = 0;
  }
}

async function roomToken(w: World, roomId: string, options: Record<string, unknown> = {}): Promise<string> {
  return (await adminOk<{ token: string }>(w, 'POST', `/v1/rooms/${roomId}/tokens`, options)).token;
}

const expiredRoomToken = (w: World, options: Record<string, unknown> = {}) => inThePast(w, () => roomToken(w, HALL, { ttlSeconds: 60, ...options }));
const expiredTicket = (w: World, userId: string) => inThePast(w, () => ticketFor(w.server, userId, 60));

async function revoke(w: World, userId: string): Promise<void> {
  await adminOk(w, 'POST', `/v1/users/${userId}/revoke`);
}

/** The same credential with another signature. */
function forged(credential: string): string {
  const parts = credential.split('.');
  const signature = parts[2]!;
  parts[2] = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
  return parts.join('.');
}

const lastSeq = (w: World, conversationId: string): unknown =>
  (w.db.prepare('SELECT last_seq FROM conversations WHERE id = ?').get(conversationId) as { last_seq: number } | undefined)?.last_seq;

const seqsOf = (page: { messages: { seq: number }[] }): number[] => page.messages.map((message) => message.seq);

// ---------------------------------------------------------------------------------------------
// Rows

const groupByBob = (w: World) => ref(w.group, w.seqs.groupByBob);
const hallByBob = (w: World) => ref(HALL_ID, w.seqs.hallByBob);
const hallTargeted = (w: World) => ref(HALL_ID, w.seqs.hallTargeted);
const hallClass = (w: World) => ref(HALL_ID, w.seqs.hallClass);
const notification = (w: World) => ref(SYSTEM_ID, w.seqs.notification);
const goneByBob = (w: World) => ref(GONE_ID, w.seqs.goneByBob);

const connectRows: MatrixRow[] = [
  {
    subject: 'connect with a room token',
    caller: 'guest',
    detail: 'gives a `userId`',
    answer: { ok: true },
    note: 'as `~` + that id',
    call: (w) => dial(w, { token: w.tokens.hall, userId: 'gail' }),
    expect: (session) => assert.equal(session.userId, '~gail'),
  },
  {
    subject: 'connect with a room token',
    caller: 'guest',
    detail: 'gives no `userId`',
    answer: { error: ERROR_CODES.INVALID_USER_ID },
    call: (w) => dial(w, { token: w.tokens.hall }),
  },
  {
    subject: 'connect with a room token',
    caller: 'guest',
    detail: 'gives a bound user’s id',
    answer: { ok: true },
    note: 'as a guest of that name, not as the user',
    call: (w) => dial(w, { token: w.tokens.hall, userId: 'tom' }),
    expect: (session) => assert.equal(session.userId, '~tom'),
  },
  {
    subject: 'connect with a room token',
    caller: 'user-bound token',
    answer: { ok: true },
    note: 'as its user',
    call: (w) => dial(w, { token: w.tokens.tom }),
    expect: (session) => assert.deepEqual([session.userId, session.role], ['tom', 'member']),
  },
  {
    subject: 'connect with a room token',
    caller: 'token bound to another user',
    detail: 'gives another `userId`',
    answer: { error: ERROR_CODES.USER_MISMATCH },
    call: (w) => dial(w, { token: w.tokens.tom, userId: 'bob' }),
  },
  {
    subject: 'connect with a room token',
    caller: 'viewer token',
    answer: { ok: true },
    note: 'role `viewer`',
    call: (w) => dial(w, { token: w.tokens.viewer, userId: 'vera' }),
    expect: (session) => assert.equal(session.role, 'viewer'),
  },
  {
    subject: 'connect with a room token',
    caller: 'moderator token',
    answer: { ok: true },
    note: 'role `moderator`',
    call: (w) => dial(w, { token: w.tokens.mod }),
    expect: (session) => assert.deepEqual([session.userId, session.role], ['mod', 'moderator']),
  },
  {
    subject: 'connect with a room token',
    caller: 'token of another room',
    answer: { ok: true },
    note: 'in its own room only',
    call: (w) => dial(w, { token: w.tokens.side, userId: 'otto' }),
    expect: (session) => assert.equal(session.roomId, SIDE),
  },
  {
    subject: 'connect with a room token',
    caller: 'token of an unbound room',
    answer: { error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => dial(w, { token: w.tokens.gone, userId: 'gus' }),
  },
  {
    subject: 'connect with a room token',
    caller: 'expired token',
    answer: { error: ERROR_CODES.TOKEN_EXPIRED },
    prepare: async (w) => ({ token: await expiredRoomToken(w) }),
    call: (w, p) => dial(w, { token: p.token!, userId: 'late' }),
  },
  {
    subject: 'connect with a room token',
    caller: 'forged credential',
    answer: { error: ERROR_CODES.TOKEN_INVALID },
    call: (w) => dial(w, { token: forged(w.tokens.hall), userId: 'fake' }),
  },
  {
    subject: 'connect with a room token',
    caller: 'revoked user',
    detail: 'a token bound to them, issued before the revocation',
    answer: { error: ERROR_CODES.CREDENTIAL_REVOKED },
    prepare: async (w) => {
      const token = await roomToken(w, HALL, { userId: 'rex1' });
      await revoke(w, 'rex1');
      return { token };
    },
    call: (w, p) => dial(w, { token: p.token! }),
  },
  {
    subject: 'connect with a room token',
    caller: 'signed-in user',
    detail: 'their ticket given as a room token',
    answer: { error: ERROR_CODES.TOKEN_INVALID },
    call: (w) => dial(w, { token: w.tickets.alice, userId: 'alice' }),
  },
  {
    subject: 'connect with a room token',
    caller: 'no credentials',
    answer: { error: ERROR_CODES.TOKEN_MISSING },
    call: (w) => dial(w, {}),
  },
  {
    subject: 'connect with a room token',
    caller: 'disallowed origin',
    answer: { error: ERROR_CODES.ORIGIN_NOT_ALLOWED },
    call: (w) => dial(w, { token: w.tokens.hall, userId: 'evil' }, { extraHeaders: { origin: EVIL_ORIGIN } }),
  },
  {
    subject: 'connect with a room token',
    caller: 'allowed origin',
    answer: { ok: true },
    call: (w) => dial(w, { token: w.tokens.hall, userId: 'good' }, { extraHeaders: { origin: GOOD_ORIGIN } }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'signed-in user',
    answer: { ok: true },
    call: async (w) => dial(w, { ticket: await ticketFor(w.server, 'carol') }),
    expect: (session) => assert.deepEqual([session.kind, session.userId], ['user', 'carol']),
  },
  {
    subject: 'connect with a ticket',
    caller: 'revoked user',
    detail: 'a ticket issued before the revocation',
    answer: { error: ERROR_CODES.CREDENTIAL_REVOKED },
    prepare: async (w) => {
      const ticket = await ticketFor(w.server, 'rex2');
      await revoke(w, 'rex2');
      return { ticket };
    },
    call: (w, p) => dial(w, { ticket: p.ticket! }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'expired ticket',
    answer: { error: ERROR_CODES.TICKET_EXPIRED },
    prepare: async (w) => ({ ticket: await expiredTicket(w, 'carol') }),
    call: (w, p) => dial(w, { ticket: p.ticket! }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'forged credential',
    answer: { error: ERROR_CODES.TICKET_INVALID },
    call: (w) => dial(w, { ticket: forged(w.tickets.alice) }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'guest',
    detail: 'a room token given as a ticket',
    answer: { error: ERROR_CODES.TICKET_INVALID },
    call: (w) => dial(w, { ticket: w.tokens.hall }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'admin key',
    detail: 'given as a ticket',
    answer: { error: ERROR_CODES.TICKET_INVALID },
    call: (w) => dial(w, { ticket: w.server.adminKey }),
  },
  {
    subject: 'connect with a ticket',
    caller: 'disallowed origin',
    answer: { error: ERROR_CODES.ORIGIN_NOT_ALLOWED },
    call: (w) => dial(w, { ticket: w.tickets.alice }, { extraHeaders: { origin: EVIL_ORIGIN } }),
  },
];

const roomRows: MatrixRow[] = [
  { subject: 'signal:broadcast', caller: 'guest', answer: { ok: true }, call: (w) => ask(w.guest, 'signal:broadcast', { content: 'hi' }) },
  { subject: 'signal:broadcast', caller: 'user-bound token', answer: { ok: true }, call: (w) => ask(w.tom, 'signal:broadcast', { content: 'hi' }) },
  { subject: 'signal:broadcast', caller: 'moderator token', answer: { ok: true }, call: (w) => ask(w.mod, 'signal:broadcast', { content: 'hi' }) },
  { subject: 'signal:broadcast', caller: 'viewer token', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.viewer, 'signal:broadcast', { content: 'hi' }) },
  {
    subject: 'signal:broadcast',
    caller: 'token of another room',
    answer: { ok: true },
    note: 'the hall hears nothing',
    call: (w) => ask(w.side, 'signal:broadcast', { content: 'hi' }),
    quiet: (w) => w.witnesses,
  },
  { subject: 'signal:send', caller: 'guest', answer: { ok: true }, call: (w) => ask(w.guest, 'signal:send', { content: 'psst', users: ['watch'] }) },
  { subject: 'signal:send', caller: 'viewer token', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.viewer, 'signal:send', { content: 'psst', users: ['watch'] }) },
  {
    subject: 'signal:send',
    caller: 'moderator token',
    detail: 'to `tom`',
    answer: { ok: true },
    note: 'a guest calling itself `tom` hears nothing',
    prepare: async (w) => ({ socket: (await connect(w.server, { token: w.tokens.hall, userId: 'tom' })).socket }),
    call: (w) => ask(w.mod, 'signal:send', { content: 'for tom', users: ['tom'] }),
    quiet: (_w, p) => [p.socket!],
  },
  {
    subject: 'signal:send',
    caller: 'token of another room',
    detail: 'to `~watch`',
    answer: { ok: true },
    note: 'the hall’s `~watch` hears nothing',
    call: (w) => ask(w.side, 'signal:send', { content: 'psst', users: ['~watch'] }),
    quiet: (w) => w.witnesses,
  },
  { subject: 'message:send', caller: 'guest', answer: { ok: true }, call: (w) => ask(w.guest, 'message:send', roomText()) },
  { subject: 'message:send', caller: 'user-bound token', answer: { ok: true }, call: (w) => ask(w.tom, 'message:send', roomText()) },
  { subject: 'message:send', caller: 'viewer token', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.viewer, 'message:send', roomText()) },
  {
    subject: 'message:send',
    caller: 'guest',
    detail: '`priority: high`',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.guest, 'message:send', roomText({ priority: 'high' })),
  },
  {
    subject: 'message:send',
    caller: 'user-bound token',
    detail: '`priority: high`',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.tom, 'message:send', roomText({ priority: 'high' })),
  },
  {
    subject: 'message:send',
    caller: 'moderator token',
    detail: '`priority: high`',
    answer: { ok: true },
    call: (w) => ask(w.mod, 'message:send', roomText({ priority: 'high' })),
  },
  {
    subject: 'message:send',
    caller: 'moderator token',
    detail: 'to `tom`',
    answer: { ok: true },
    note: 'a guest calling itself `tom` does not get it',
    prepare: async (w) => ({ socket: (await connect(w.server, { token: w.tokens.hall, userId: 'tom' })).socket }),
    call: (w) => ask(w.mod, 'message:send', roomText({ users: ['tom'] })),
    quiet: (_w, p) => [p.socket!],
    quietEvents: ['message:created', 'message:updated'],
  },
  {
    subject: 'message:send',
    caller: 'token of another room',
    answer: { ok: true },
    note: 'stored in its own room; the hall is untouched',
    call: (w) => ask(w.side, 'message:send', roomText()),
    quiet: (w) => w.witnesses,
    untouched: async (w) => lastSeq(w, HALL_ID),
  },
  { subject: 'message:history', caller: 'guest', answer: { ok: true }, call: (w) => ask(w.guest, 'message:history', {}) },
  { subject: 'message:history', caller: 'viewer token', answer: { ok: true }, call: (w) => ask(w.viewer, 'message:history', {}) },
  {
    subject: 'message:history',
    caller: 'guest',
    detail: 'calling itself `tom`',
    answer: { ok: true },
    note: 'without what was sent to `tom`',
    prepare: async (w) => {
      const { seq } = await requestOk<{ seq: number }>(w.mod, 'message:send', roomText({ users: ['tom'] }));
      return { seq, socket: (await connect(w.server, { token: w.tokens.hall, userId: 'tom' })).socket };
    },
    call: (_w, p) => ask(p.socket!, 'message:history', { after: p.seq! - 1 }),
    expect: (page, _w, p) => assert.ok(!seqsOf(page).includes(p.seq!)),
  },
  {
    subject: 'message:history',
    caller: 'token of another room',
    answer: { ok: true },
    note: 'its own room’s messages only',
    call: (w) => ask(w.side, 'message:history', {}),
    expect: (page) => {
      assert.ok(page.messages.length > 0);
      for (const message of page.messages) assert.equal(message.conversationId, SIDE_ID);
    },
  },
  { subject: 'session:update', caller: 'guest', answer: { ok: true }, call: (w) => ask(w.guest, 'session:update', { classId: null }) },
  { subject: 'session:update', caller: 'viewer token', answer: { ok: true }, call: (w) => ask(w.viewer, 'session:update', { classId: null }) },
];

const userRows: MatrixRow[] = [
  // session:renew
  {
    subject: 'session:renew',
    caller: 'signed-in user',
    detail: 'a new ticket of their own',
    answer: { ok: true },
    call: async (w) => ask(w.carol, 'session:renew', { ticket: await ticketFor(w.server, 'carol') }),
  },
  {
    subject: 'session:renew',
    caller: 'signed-in user',
    detail: 'another user’s ticket',
    answer: { error: ERROR_CODES.TICKET_INVALID },
    call: async (w) => ask(w.mallory, 'session:renew', { ticket: w.tickets.alice }),
  },
  {
    subject: 'session:renew',
    caller: 'revoked user',
    detail: 'a ticket from before the revocation',
    answer: { error: ERROR_CODES.CREDENTIAL_REVOKED },
    prepare: async (w) => {
      const ticket = await ticketFor(w.server, 'rex3');
      await revoke(w, 'rex3');
      return { ticket, socket: (await signIn(w.server, 'rex3')).socket };
    },
    call: (_w, p) => ask(p.socket!, 'session:renew', { ticket: p.ticket! }),
  },
  {
    subject: 'session:renew',
    caller: 'expired ticket',
    answer: { error: ERROR_CODES.TICKET_EXPIRED },
    prepare: async (w) => ({ ticket: await expiredTicket(w, 'carol') }),
    call: (w, p) => ask(w.carol, 'session:renew', { ticket: p.ticket! }),
  },
  {
    subject: 'session:renew',
    caller: 'forged credential',
    answer: { error: ERROR_CODES.TICKET_INVALID },
    call: async (w) => ask(w.carol, 'session:renew', { ticket: forged(await ticketFor(w.server, 'carol')) }),
  },
  // conversation:sync
  {
    subject: 'conversation:sync',
    caller: 'member',
    answer: { ok: true },
    note: 'their conversations',
    call: (w) => ask(w.bob, 'conversation:sync', {}),
    expect: (result, w) => {
      const ids = result.conversations.map((conversation: { id: string }) => conversation.id);
      for (const id of [w.group, w.direct, HALL_ID, SYSTEM_ID]) assert.ok(ids.includes(id), id);
    },
  },
  {
    subject: 'conversation:sync',
    caller: 'non-member',
    answer: { ok: true },
    note: 'none of the others’',
    call: (w) => ask(w.mallory, 'conversation:sync', {}),
    expect: (result, w) => {
      const ids = result.conversations.map((conversation: { id: string }) => conversation.id);
      for (const id of [w.group, w.direct, HALL_ID, SYSTEM_ID, GONE_ID]) assert.ok(!ids.includes(id), id);
    },
  },
  {
    subject: 'conversation:sync',
    caller: 'member',
    detail: 'of a room whose newest message was sent to others',
    answer: { ok: true },
    note: 'the room’s last message is not that one',
    prepare: async (w) => {
      const { seq } = await requestOk<{ seq: number }>(w.guest, 'message:send', roomText({ users: ['nobody'] }));
      return { seq };
    },
    call: (w) => ask(w.alice, 'conversation:sync', {}),
    expect: (result, _w, p) => {
      const hall = result.conversations.find((conversation: { id: string }) => conversation.id === HALL_ID);
      assert.ok(hall && hall.lastMessage && hall.lastMessage.seq !== p.seq, JSON.stringify(hall?.lastMessage));
    },
  },
  // conversation:open-direct
  { subject: 'conversation:open-direct', caller: 'signed-in user', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:open-direct', { userId: 'zed' }) },
  {
    subject: 'conversation:open-direct',
    caller: 'signed-in user',
    detail: 'with themselves',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.mallory, 'conversation:open-direct', { userId: 'mallory' }),
  },
  // conversation:create-group
  {
    subject: 'conversation:create-group',
    caller: 'signed-in user',
    answer: { ok: true },
    note: 'as its owner',
    call: (w) => ask(w.carol, 'conversation:create-group', { name: 'Carol’s', members: ['zed'] }),
    expect: (summary) => assert.equal(summary.role, 'owner'),
  },
  // conversation:add-members
  { subject: 'conversation:add-members', caller: 'group owner', answer: { ok: true }, call: (w) => ask(w.alice, 'conversation:add-members', { conversationId: w.group, members: ['erin'] }) },
  { subject: 'conversation:add-members', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:add-members', { conversationId: w.group, members: ['faye'] }) },
  {
    subject: 'conversation:add-members',
    caller: 'non-member',
    detail: 'adds themselves',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'conversation:add-members', { conversationId: w.group, members: ['mallory'] }),
  },
  {
    subject: 'conversation:add-members',
    caller: 'former member',
    detail: 'adds themselves back',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.fred, 'conversation:add-members', { conversationId: w.group, members: ['fred'] }),
  },
  {
    subject: 'conversation:add-members',
    caller: 'member',
    detail: 'of a direct conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'conversation:add-members', { conversationId: w.direct, members: ['mallory'] }),
  },
  {
    subject: 'conversation:add-members',
    caller: 'member',
    detail: 'of a room',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'conversation:add-members', { conversationId: HALL_ID, members: ['mallory'] }),
  },
  {
    subject: 'conversation:add-members',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'conversation:add-members', { conversationId: SYSTEM_ID, members: ['mallory'] }),
  },
  // conversation:leave
  {
    subject: 'conversation:leave',
    caller: 'member',
    detail: 'of a group',
    answer: { ok: true },
    prepare: async (w) => ({ conversationId: (await requestOk<{ id: string }>(w.alice, 'conversation:create-group', { name: 'Brief', members: ['carol'] })).id }),
    call: (w, p) => ask(w.carol, 'conversation:leave', { conversationId: p.conversationId! }),
  },
  {
    subject: 'conversation:leave',
    caller: 'group owner',
    answer: { ok: true },
    note: 'the group passes on',
    prepare: async (w) => ({ conversationId: (await requestOk<{ id: string }>(w.alice, 'conversation:create-group', { name: 'Handed on', members: ['carol'] })).id }),
    call: (w, p) => ask(w.alice, 'conversation:leave', { conversationId: p.conversationId! }),
    expect: async (_data, w, p) => {
      const { conversations } = await requestOk<{ conversations: { id: string; ownerId: string }[] }>(w.carol, 'conversation:sync', {});
      assert.equal(conversations.find((conversation) => conversation.id === p.conversationId)?.ownerId, 'carol');
    },
  },
  {
    subject: 'conversation:leave',
    caller: 'member',
    detail: 'of a room',
    answer: { ok: true },
    prepare: async (w) => {
      await requestOk(w.carol, 'conversation:join-room', { roomId: HALL, token: w.tokens.hall });
      return {};
    },
    call: (w) => ask(w.carol, 'conversation:leave', { conversationId: HALL_ID }),
  },
  {
    subject: 'conversation:leave',
    caller: 'non-member',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'conversation:leave', { conversationId: w.group }),
  },
  {
    subject: 'conversation:leave',
    caller: 'member',
    detail: 'of a direct conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'conversation:leave', { conversationId: w.direct }),
  },
  {
    subject: 'conversation:leave',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'conversation:leave', { conversationId: SYSTEM_ID }),
  },
  // conversation:join-room
  {
    subject: 'conversation:join-room',
    caller: 'signed-in user',
    detail: 'with a token of the room',
    answer: { ok: true },
    note: 'role `member`',
    prepare: async (w) => ({ socket: (await signIn(w.server, 'joy')).socket }),
    call: (w, p) => ask(p.socket!, 'conversation:join-room', { roomId: HALL, token: w.tokens.hall }),
    expect: (summary) => assert.deepEqual([summary.id, summary.role], [HALL_ID, 'member']),
  },
  {
    subject: 'conversation:join-room',
    caller: 'signed-in user',
    detail: 'with a viewer token',
    answer: { ok: true },
    note: 'role `viewer`',
    prepare: async (w) => ({ socket: (await signIn(w.server, 'wendy')).socket }),
    call: (w, p) => ask(p.socket!, 'conversation:join-room', { roomId: HALL, token: w.tokens.viewer }),
    expect: (summary) => assert.equal(summary.role, 'viewer'),
  },
  {
    subject: 'conversation:join-room',
    caller: 'signed-in user',
    detail: 'granted by the site',
    answer: { ok: true },
    note: 'with the granted role',
    prepare: async (w) => {
      await adminOk(w, 'POST', `/v1/rooms/${HALL}/members`, { userIds: ['gwen'], role: 'moderator' });
      return { socket: (await signIn(w.server, 'gwen')).socket };
    },
    call: (_w, p) => ask(p.socket!, 'conversation:join-room', { roomId: HALL }),
    expect: (summary) => assert.equal(summary.role, 'moderator'),
  },
  {
    subject: 'conversation:join-room',
    caller: 'non-member',
    detail: 'no token, no grant: a bound room',
    answer: { error: ERROR_CODES.ROOM_NOT_FOUND },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: HALL }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'non-member',
    detail: 'no token, no grant: an unknown room',
    answer: { error: ERROR_CODES.ROOM_NOT_FOUND },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: 'matrix-nowhere' }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'non-member',
    detail: 'no token, no grant: an unbound room',
    answer: { error: ERROR_CODES.ROOM_NOT_FOUND },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: GONE }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'token of another room',
    answer: { error: ERROR_CODES.ROOM_NOT_FOUND },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: HALL, token: w.tokens.side }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'token bound to another user',
    answer: { error: ERROR_CODES.USER_MISMATCH },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: HALL, token: w.tokens.tom }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'token of an unbound room',
    answer: { error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: GONE, token: w.tokens.gone }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'expired token',
    answer: { error: ERROR_CODES.TOKEN_EXPIRED },
    prepare: async (w) => ({ token: await expiredRoomToken(w) }),
    call: (w, p) => ask(w.mallory, 'conversation:join-room', { roomId: HALL, token: p.token! }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'forged credential',
    answer: { error: ERROR_CODES.TOKEN_INVALID },
    call: (w) => ask(w.mallory, 'conversation:join-room', { roomId: HALL, token: forged(w.tokens.hall) }),
  },
  {
    subject: 'conversation:join-room',
    caller: 'revoked user',
    detail: 'a token bound to them, issued before the revocation',
    answer: { error: ERROR_CODES.CREDENTIAL_REVOKED },
    prepare: async (w) => {
      const token = await roomToken(w, HALL, { userId: 'rex4' });
      await revoke(w, 'rex4');
      return { token, socket: (await signIn(w.server, 'rex4')).socket };
    },
    call: (_w, p) => ask(p.socket!, 'conversation:join-room', { roomId: HALL, token: p.token! }),
  },
  // conversation:read / delivered / receipts / settings / hide
  { subject: 'conversation:read', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:read', groupByBob(w)) },
  { subject: 'conversation:read', caller: 'member', detail: 'of their system conversation', answer: { ok: true }, call: (w) => ask(w.bob, 'conversation:read', notification(w)) },
  { subject: 'conversation:read', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'conversation:read', groupByBob(w)) },
  { subject: 'conversation:read', caller: 'former member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.fred, 'conversation:read', groupByBob(w)) },
  { subject: 'conversation:delivered', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:delivered', groupByBob(w)) },
  { subject: 'conversation:delivered', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'conversation:delivered', groupByBob(w)) },
  { subject: 'conversation:receipts', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:receipts', { conversationId: w.group }) },
  {
    subject: 'conversation:receipts',
    caller: 'member',
    detail: 'of a room',
    answer: { ok: true },
    note: 'none: rooms keep no receipts',
    call: (w) => ask(w.bob, 'conversation:receipts', { conversationId: HALL_ID }),
    expect: (result) => assert.deepEqual(result.receipts, []),
  },
  { subject: 'conversation:receipts', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'conversation:receipts', { conversationId: w.group }) },
  { subject: 'conversation:settings', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'conversation:settings', { conversationId: w.group, pinned: true }) },
  { subject: 'conversation:settings', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'conversation:settings', { conversationId: w.group, muted: true }) },
  { subject: 'conversation:hide', caller: 'member', answer: { ok: true }, call: (w) => ask(w.bob, 'conversation:hide', { conversationId: SYSTEM_ID }) },
  { subject: 'conversation:hide', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'conversation:hide', { conversationId: w.direct }) },
  // typing:set
  { subject: 'typing:set', caller: 'member', answer: { ok: true }, call: (w) => ask(w.bob, 'typing:set', { conversationId: w.group, typing: true }) },
  { subject: 'typing:set', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'typing:set', { conversationId: w.group, typing: true }) },
  { subject: 'typing:set', caller: 'room viewer (signed-in)', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.vic, 'typing:set', { conversationId: HALL_ID, typing: true }) },
  {
    subject: 'typing:set',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'typing:set', { conversationId: SYSTEM_ID, typing: true }),
  },
  {
    subject: 'typing:set',
    caller: 'member',
    detail: 'of an unbound room',
    answer: { error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => ask(w.bob, 'typing:set', { conversationId: GONE_ID, typing: true }),
  },
  // message:send
  { subject: 'message:send', caller: 'member', answer: { ok: true }, call: (w) => ask(w.bob, 'message:send', text(w.group)) },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'after another member left',
    answer: { ok: true },
    note: 'the former member hears nothing',
    call: (w) => ask(w.carol, 'message:send', text(w.group)),
    quiet: (w) => [w.fred],
  },
  { subject: 'message:send', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:send', text(w.group)) },
  {
    subject: 'message:send',
    caller: 'non-member',
    detail: '`onlineOnly`',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'message:send', text(w.group, { onlineOnly: true })),
  },
  {
    subject: 'message:send',
    caller: 'non-member',
    detail: 'of a direct conversation',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'message:send', text(w.direct)),
  },
  { subject: 'message:send', caller: 'non-member', detail: 'of a room', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:send', text(HALL_ID)) },
  { subject: 'message:send', caller: 'former member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.fred, 'message:send', text(w.group)) },
  {
    subject: 'message:send',
    caller: 'member',
    detail: '`priority: high`',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'message:send', text(w.group, { priority: 'high' })),
  },
  { subject: 'message:send', caller: 'group owner', detail: '`priority: high`', answer: { ok: true }, call: (w) => ask(w.alice, 'message:send', text(w.group, { priority: 'high' })) },
  { subject: 'message:send', caller: 'room viewer (signed-in)', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.vic, 'message:send', text(HALL_ID)) },
  {
    subject: 'message:send',
    caller: 'room viewer (signed-in)',
    detail: '`onlineOnly`',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.vic, 'message:send', text(HALL_ID, { onlineOnly: true })),
  },
  {
    subject: 'message:send',
    caller: 'room moderator (signed-in)',
    detail: '`priority: high`',
    answer: { ok: true },
    call: (w) => ask(w.moe, 'message:send', text(HALL_ID, { priority: 'high' })),
  },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'of a room, `priority: high`',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'message:send', text(HALL_ID, { priority: 'high' })),
  },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'message:send', text(SYSTEM_ID)),
  },
  { subject: 'message:send', caller: 'member', detail: 'of an unbound room', answer: { error: ERROR_CODES.ROOM_UNBOUND }, call: (w) => ask(w.bob, 'message:send', text(GONE_ID)) },
  {
    subject: 'message:send',
    caller: 'late joiner',
    detail: 'replying to a message from before they joined',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.dave, 'message:send', text(w.group, { replyTo: w.seqs.groupByBob })),
  },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'of a room, replying to a message sent to others',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:send', text(HALL_ID, { replyTo: w.seqs.hallTargeted })),
  },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'attaching their own upload',
    answer: { ok: true },
    prepare: async (w) => ({ fileId: await uploaded(w, await ticketFor(w.server, 'bob')) }),
    call: (w, p) => ask(w.bob, 'message:send', { conversationId: w.group, clientMsgId: uuid(), type: 'file', content: { file: { id: p.fileId! } } }),
  },
  {
    subject: 'message:send',
    caller: 'member',
    detail: 'attaching another user’s upload',
    answer: { error: ERROR_CODES.FILE_NOT_FOUND },
    prepare: async (w) => ({ fileId: await uploaded(w, w.tickets.alice) }),
    call: (w, p) => ask(w.bob, 'message:send', { conversationId: w.group, clientMsgId: uuid(), type: 'file', content: { file: { id: p.fileId! } } }),
  },
  // message:history
  { subject: 'message:history', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'message:history', { conversationId: w.group }) },
  {
    subject: 'message:history',
    caller: 'late joiner',
    answer: { ok: true },
    note: 'nothing from before they joined',
    call: (w) => ask(w.dave, 'message:history', { conversationId: w.group }),
    expect: (page, w) => assert.ok(seqsOf(page).every((seq) => seq > w.seqs.groupByBob)),
  },
  {
    subject: 'message:history',
    caller: 'member',
    detail: 'of a room',
    answer: { ok: true },
    note: 'nothing sent to others or to a class',
    call: (w) => ask(w.bob, 'message:history', { conversationId: HALL_ID }),
    expect: (page, w) => {
      assert.ok(seqsOf(page).includes(w.seqs.hallByBob));
      assert.ok(!seqsOf(page).includes(w.seqs.hallTargeted));
      assert.ok(!seqsOf(page).includes(w.seqs.hallClass));
    },
  },
  { subject: 'message:history', caller: 'member', detail: 'of an unbound room', answer: { ok: true }, call: (w) => ask(w.bob, 'message:history', { conversationId: GONE_ID }) },
  { subject: 'message:history', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:history', { conversationId: w.group }) },
  {
    subject: 'message:history',
    caller: 'non-member',
    detail: 'of a direct conversation',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'message:history', { conversationId: w.direct }),
  },
  { subject: 'message:history', caller: 'non-member', detail: 'of a room', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:history', { conversationId: HALL_ID }) },
  {
    subject: 'message:history',
    caller: 'non-member',
    detail: 'another user’s system conversation',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'message:history', { conversationId: SYSTEM_ID }),
  },
  { subject: 'message:history', caller: 'former member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.fred, 'message:history', { conversationId: w.group }) },
  // message:recall
  {
    subject: 'message:recall',
    caller: 'member',
    detail: 'their own message, within the window',
    answer: { ok: true },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.bob, 'message:recall', ref(w.group, p.seq!)),
  },
  {
    subject: 'message:recall',
    caller: 'group owner',
    detail: 'another member’s message',
    answer: { ok: true },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.alice, 'message:recall', ref(w.group, p.seq!)),
  },
  {
    subject: 'message:recall',
    caller: 'member',
    detail: 'another member’s message',
    answer: { error: ERROR_CODES.FORBIDDEN },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.carol, 'message:recall', ref(w.group, p.seq!)),
  },
  {
    subject: 'message:recall',
    caller: 'member',
    detail: 'their own message, after the window',
    answer: { error: ERROR_CODES.RECALL_WINDOW_PASSED },
    prepare: async (w) => ({ ...(await fresh(w)), socket: (await signIn(w.server, 'bob')).socket }),
    call: async (w, p) => {
      // A device of its own: its send budget is spent in the future and never used again.
      w.skew.ms = (RECALL_WINDOW_SECONDS + 60) * 1000;
      try {
        return await ask(p.socket!, 'message:recall', ref(w.group, p.seq!));
      } finally {
        w.skew.ms = 0;
        p.socket!.disconnect();
      }
    },
  },
  {
    subject: 'message:recall',
    caller: 'room moderator (signed-in)',
    detail: 'another member’s message',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.moe, 'message:recall', hallByBob(w)),
  },
  { subject: 'message:recall', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:recall', groupByBob(w)) },
  { subject: 'message:recall', caller: 'late joiner', answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND }, call: (w) => ask(w.dave, 'message:recall', groupByBob(w)) },
  {
    subject: 'message:recall',
    caller: 'member',
    detail: 'of a room, a message sent to others',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:recall', hallTargeted(w)),
  },
  {
    subject: 'message:recall',
    caller: 'member',
    detail: 'of a room, a message of a class',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:recall', hallClass(w)),
  },
  { subject: 'message:recall', caller: 'room viewer (signed-in)', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.vic, 'message:recall', hallByBob(w)) },
  { subject: 'message:recall', caller: 'member', detail: 'of their system conversation', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.bob, 'message:recall', notification(w)) },
  { subject: 'message:recall', caller: 'member', detail: 'of an unbound room', answer: { error: ERROR_CODES.ROOM_UNBOUND }, call: (w) => ask(w.bob, 'message:recall', goneByBob(w)) },
  // message:edit
  {
    subject: 'message:edit',
    caller: 'member',
    detail: 'their own text',
    answer: { ok: true },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.bob, 'message:edit', { ...ref(w.group, p.seq!), text: 'edited' }),
  },
  {
    subject: 'message:edit',
    caller: 'member',
    detail: 'their own location (not text)',
    answer: { error: ERROR_CODES.FORBIDDEN },
    prepare: (w) => fresh(w, w.group, { type: 'location', content: { lat: 1, lng: 2 } }),
    call: (w, p) => ask(w.bob, 'message:edit', { ...ref(w.group, p.seq!), text: 'edited' }),
  },
  {
    subject: 'message:edit',
    caller: 'group owner',
    detail: 'another member’s text',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.alice, 'message:edit', { ...groupByBob(w), text: 'edited' }),
  },
  { subject: 'message:edit', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:edit', { ...groupByBob(w), text: 'edited' }) },
  { subject: 'message:edit', caller: 'late joiner', answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND }, call: (w) => ask(w.dave, 'message:edit', { ...groupByBob(w), text: 'edited' }) },
  { subject: 'message:edit', caller: 'room viewer (signed-in)', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.vic, 'message:edit', { ...hallByBob(w), text: 'edited' }) },
  {
    subject: 'message:edit',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'message:edit', { ...notification(w), text: 'edited' }),
  },
  {
    subject: 'message:edit',
    caller: 'member',
    detail: 'their own text in an unbound room',
    answer: { error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => ask(w.bob, 'message:edit', { ...goneByBob(w), text: 'edited' }),
  },
  // message:react
  { subject: 'message:react', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'message:react', { ...groupByBob(w), emoji: '👍', on: true }) },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'on a message from before another member joined',
    answer: { ok: true },
    note: 'the late joiner hears nothing',
    call: (w) => ask(w.carol, 'message:react', { ...groupByBob(w), emoji: '🎉', on: true }),
    quiet: (w) => [w.dave],
  },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'of a room, on a message sent to them',
    answer: { ok: true },
    note: 'nobody else in the room hears of it',
    prepare: async (w) => {
      const { seq } = await requestOk<{ seq: number }>(w.mod, 'message:send', roomText({ users: ['bob'] }));
      return { seq };
    },
    call: (w, p) => ask(w.bob, 'message:react', { ...ref(HALL_ID, p.seq!), emoji: '👍', on: true }),
    quiet: (w) => [w.aliceWatch, w.roomWatch],
    quietEvents: ['message:updated'],
  },
  { subject: 'message:react', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:react', { ...groupByBob(w), emoji: '👎', on: true }) },
  {
    subject: 'message:react',
    caller: 'non-member',
    detail: 'removing a member’s reaction',
    answer: { error: ERROR_CODES.NOT_MEMBER },
    call: (w) => ask(w.mallory, 'message:react', { ...groupByBob(w), emoji: '👍', on: false }),
  },
  { subject: 'message:react', caller: 'late joiner', answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND }, call: (w) => ask(w.dave, 'message:react', { ...groupByBob(w), emoji: '👎', on: true }) },
  { subject: 'message:react', caller: 'room viewer (signed-in)', answer: { error: ERROR_CODES.FORBIDDEN }, call: (w) => ask(w.vic, 'message:react', { ...hallByBob(w), emoji: '👍', on: true }) },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'of a room, a message sent to others',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:react', { ...hallTargeted(w), emoji: '👍', on: true }),
  },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'of a room, a message of a class',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:react', { ...hallClass(w), emoji: '👍', on: true }),
  },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'of their system conversation',
    answer: { error: ERROR_CODES.FORBIDDEN },
    call: (w) => ask(w.bob, 'message:react', { ...notification(w), emoji: '👍', on: true }),
  },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'of an unbound room',
    answer: { error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => ask(w.bob, 'message:react', { ...goneByBob(w), emoji: '👍', on: true }),
  },
  {
    subject: 'message:react',
    caller: 'member',
    detail: 'a recalled message',
    answer: { error: ERROR_CODES.FORBIDDEN },
    prepare: async (w) => {
      const prepared = await fresh(w);
      await requestOk(w.bobPrep, 'message:recall', ref(w.group, prepared.seq!));
      return prepared;
    },
    call: (w, p) => ask(w.carol, 'message:react', { ...ref(w.group, p.seq!), emoji: '👍', on: true }),
  },
  // message:delete
  {
    subject: 'message:delete',
    caller: 'member',
    answer: { ok: true },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.carol, 'message:delete', ref(w.group, p.seq!)),
  },
  { subject: 'message:delete', caller: 'member', detail: 'of their system conversation', answer: { ok: true }, call: (w) => ask(w.bob, 'message:delete', notification(w)) },
  { subject: 'message:delete', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:delete', groupByBob(w)) },
  { subject: 'message:delete', caller: 'late joiner', answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND }, call: (w) => ask(w.dave, 'message:delete', groupByBob(w)) },
  {
    subject: 'message:delete',
    caller: 'member',
    detail: 'of a room, a message sent to others',
    answer: { error: ERROR_CODES.MESSAGE_NOT_FOUND },
    call: (w) => ask(w.bob, 'message:delete', hallTargeted(w)),
  },
  // message:changes
  { subject: 'message:changes', caller: 'member', answer: { ok: true }, call: (w) => ask(w.carol, 'message:changes', { conversationId: w.group, since: 0 }) },
  {
    subject: 'message:changes',
    caller: 'late joiner',
    answer: { ok: true },
    note: 'no change to a message from before they joined',
    call: (w) => ask(w.dave, 'message:changes', { conversationId: w.group, since: 0 }),
    expect: (changes, w) => assert.ok(changes.messages.every((message: { seq: number }) => message.seq > w.seqs.groupByBob)),
  },
  {
    subject: 'message:changes',
    caller: 'member',
    detail: 'of a room',
    answer: { ok: true },
    note: 'no change to a message sent to others',
    prepare: async (w) => {
      const { seq } = await requestOk<{ seq: number }>(w.mod, 'message:send', roomText({ users: ['bob'] }));
      await requestOk(w.bobPrep, 'message:react', { ...ref(HALL_ID, seq), emoji: '🎉', on: true });
      return { seq };
    },
    call: (w) => ask(w.alice, 'message:changes', { conversationId: HALL_ID, since: 0 }),
    expect: (changes, _w, p) => assert.ok(!changes.messages.some((message: { seq: number }) => message.seq === p.seq)),
  },
  { subject: 'message:changes', caller: 'non-member', answer: { error: ERROR_CODES.NOT_MEMBER }, call: (w) => ask(w.mallory, 'message:changes', { conversationId: w.group, since: 0 }) },
  // presence:query
  {
    subject: 'presence:query',
    caller: 'member',
    detail: 'about a contact who is online',
    answer: { ok: true },
    note: 'online',
    call: (w) => ask(w.bob, 'presence:query', { userIds: ['alice'] }),
    expect: (result) => assert.deepEqual(result.online, ['alice']),
  },
  {
    subject: 'presence:query',
    caller: 'non-member',
    detail: 'about online users they share nothing with',
    answer: { ok: true },
    note: 'offline',
    call: (w) => ask(w.mallory, 'presence:query', { userIds: ['alice', 'bob'] }),
    expect: (result) => assert.deepEqual(result.online, []),
  },
  {
    subject: 'presence:query',
    caller: 'room viewer (signed-in)',
    detail: 'about an online user they share only a room with',
    answer: { ok: true },
    note: 'offline',
    call: (w) => ask(w.vic, 'presence:query', { userIds: ['bob'] }),
    expect: (result) => assert.deepEqual(result.online, []),
  },
  // Who hears the pushes these requests cause.
  {
    subject: 'typing:set',
    caller: 'member',
    detail: '`typing:changed` reaches the members only',
    answer: { ok: true },
    call: (w) => ask(w.bob, 'typing:set', { conversationId: w.group, typing: false }),
    expect: async (_data, w) => {
      await waitFor(w.carol, (entry) => entry.event === 'typing:changed' && (entry.args[0] as { userId: string; typing: boolean }).userId === 'bob' && !(entry.args[0] as { typing: boolean }).typing, 'carol hears bob stop typing');
    },
    quiet: (w) => [w.mallory, w.guest, w.roomWatch],
    quietEvents: ['typing:changed'],
  },
  {
    subject: 'message:delete',
    caller: 'member',
    detail: '`message:deleted` reaches their own connections only',
    answer: { ok: true },
    prepare: (w) => fresh(w),
    call: (w, p) => ask(w.carol, 'message:delete', ref(w.group, p.seq!)),
    expect: async (_data, w, p) => {
      await waitFor(w.carol, (entry) => entry.event === 'message:deleted' && (entry.args[0] as { seq: number }).seq === p.seq, 'carol hears her deletion');
    },
    quiet: (w) => [w.bob, w.alice, w.aliceWatch, w.mallory],
    quietEvents: ['message:deleted'],
  },
  {
    subject: 'conversation:settings',
    caller: 'member',
    detail: '`conversation:changed` reaches their own connections only',
    answer: { ok: true },
    call: (w) => ask(w.carol, 'conversation:settings', { conversationId: w.group, muted: true }),
    quiet: (w) => [w.bob, w.alice, w.aliceWatch, w.mallory],
    quietEvents: ['conversation:changed'],
  },
  {
    subject: 'conversation:read',
    caller: 'member',
    detail: '`receipt:changed` reaches the members only',
    answer: { ok: true },
    call: (w) => ask(w.carol, 'conversation:read', groupByBob(w)),
    expect: async (_data, w) => {
      await waitFor(w.bob, (entry) => entry.event === 'receipt:changed' && (entry.args[0] as { userId: string }).userId === 'carol', 'bob hears how far carol read');
    },
    quiet: (w) => [w.mallory, w.guest, w.roomWatch],
    quietEvents: ['receipt:changed'],
  },
  {
    subject: 'conversation:read',
    caller: 'member',
    detail: 'of a room: rooms keep no receipts, nobody gets `receipt:changed`',
    answer: { ok: true },
    call: (w) => ask(w.bob, 'conversation:read', hallByBob(w)),
    quiet: (w) => [w.guest, w.tom, w.viewer, w.mod, w.roomWatch, w.vic, w.moe],
    quietEvents: ['receipt:changed'],
  },
];

/** Events a user session has and a room session does not, each with a payload it would act on in the hall. */
const USER_ONLY_EVENTS: Array<[string, (w: World) => unknown]> = [
  ['session:renew', (w) => ({ ticket: w.tickets.alice })],
  ['conversation:sync', () => ({})],
  ['conversation:open-direct', () => ({ userId: 'alice' })],
  ['conversation:create-group', () => ({ name: 'From a room', members: ['alice'] })],
  ['conversation:add-members', (w) => ({ conversationId: w.group, members: ['mallory'] })],
  ['conversation:leave', () => ({ conversationId: HALL_ID })],
  ['conversation:join-room', (w) => ({ roomId: HALL, token: w.tokens.hall })],
  ['conversation:read', (w) => hallByBob(w)],
  ['conversation:delivered', (w) => hallByBob(w)],
  ['conversation:receipts', () => ({ conversationId: HALL_ID })],
  ['conversation:settings', () => ({ conversationId: HALL_ID, pinned: true })],
  ['conversation:hide', () => ({ conversationId: HALL_ID })],
  ['typing:set', () => ({ conversationId: HALL_ID, typing: true })],
  ['message:recall', (w) => hallByBob(w)],
  ['message:edit', (w) => ({ ...hallByBob(w), text: 'edited' })],
  ['message:react', (w) => ({ ...hallByBob(w), emoji: '👍', on: true })],
  ['message:delete', (w) => hallByBob(w)],
  ['message:changes', () => ({ conversationId: HALL_ID, since: 0 })],
  ['presence:query', () => ({ userIds: ['alice'] })],
];

/** Events a room session has and a user session does not. */
const ROOM_ONLY_EVENTS: Array<[string, (w: World) => unknown]> = [
  ['signal:broadcast', () => ({ content: 'from a user session' })],
  ['signal:send', () => ({ content: 'from a user session', users: ['watch'] })],
  ['session:update', () => ({ classId: 'c1' })],
];

const noAckRows: MatrixRow[] = [
  ...USER_ONLY_EVENTS.map(
    ([event, payload]): MatrixRow => ({
      subject: event,
      caller: 'room session',
      answer: { noAck: true },
      call: (w) => unanswered(w.guest, event, payload(w)),
    }),
  ),
  ...ROOM_ONLY_EVENTS.map(
    ([event, payload]): MatrixRow => ({
      subject: event,
      caller: 'user session',
      answer: { noAck: true },
      call: (w) => unanswered(w.bob, event, payload(w)),
    }),
  ),
  { subject: 'room:bind', caller: 'room session', detail: 'an unknown event', answer: { noAck: true }, call: (w) => unanswered(w.guest, 'room:bind', { roomId: 'matrix-taken' }) },
  { subject: 'room:bind', caller: 'user session', detail: 'an unknown event', answer: { noAck: true }, call: (w) => unanswered(w.bob, 'room:bind', { roomId: 'matrix-taken' }) },
];

interface AdminRequest {
  path: string;
  body?: unknown;
}

/**
 * A server-to-server route: the admin key gets `okStatus`; no key, a wrong key, a user's ticket
 * or a room token get 401 UNAUTHORIZED; the admin key from a disallowed origin gets 403.
 */
function adminRoute(
  subject: string,
  method: string,
  allowed: { request: (w: World, p: Prepared) => AdminRequest; status: number; note?: string; prepare?: (w: World) => Promise<Prepared>; expect?: MatrixRow['expect'] },
  refused: (w: World) => AdminRequest,
): MatrixRow[] {
  const asCaller = (caller: Caller, key: (w: World) => string | null, answer: Answer, origin?: string): MatrixRow => ({
    subject,
    caller,
    answer,
    call: (w) => {
      const { path, body } = refused(w);
      return http(w, method, path, { body, key: key(w), ...(origin ? { origin } : {}) });
    },
  });
  const unauthorized: Answer = { status: 401, error: ERROR_CODES.UNAUTHORIZED };
  return [
    {
      subject,
      caller: 'admin key',
      answer: { status: allowed.status },
      ...(allowed.note ? { note: allowed.note } : {}),
      ...(allowed.prepare ? { prepare: allowed.prepare } : {}),
      ...(allowed.expect ? { expect: allowed.expect } : {}),
      call: (w, p) => {
        const { path, body } = allowed.request(w, p);
        return http(w, method, path, { body });
      },
    },
    asCaller('no credentials', () => null, unauthorized),
    asCaller('wrong admin key', () => WRONG_KEY, unauthorized),
    asCaller('user ticket as admin key', (w) => w.tickets.alice, unauthorized),
    asCaller('room token as admin key', (w) => w.tokens.hall, unauthorized),
    asCaller('disallowed origin', (w) => w.server.adminKey, { status: 403, error: ERROR_CODES.ORIGIN_NOT_ALLOWED }, EVIL_ORIGIN),
  ];
}

const restRows: MatrixRow[] = [
  ...adminRoute(
    'POST /v1/room-binding',
    'POST',
    { request: () => ({ path: '/v1/room-binding', body: { roomId: 'matrix-new' } }), status: 200 },
    () => ({ path: '/v1/room-binding', body: { roomId: 'matrix-refused' } }),
  ),
  ...adminRoute(
    'DELETE /v1/room-binding/:roomId',
    'DELETE',
    {
      request: (_w, p) => ({ path: `/v1/room-binding/${p.roomId!}` }),
      status: 200,
      note: 'its room sessions end',
      prepare: async (w) => {
        await bindRoom(w.server, 'matrix-closing');
        const token = await roomToken(w, 'matrix-closing');
        return { roomId: 'matrix-closing', socket: (await connect(w.server, { token, userId: 'leaver' })).socket };
      },
      expect: async (_data, _w, p) => {
        await waitFor(p.socket!, (entry) => entry.event === 'session:kicked' && (entry.args[0] as { code: string }).code === ERROR_CODES.ROOM_UNBOUND, 'the kick');
      },
    },
    () => ({ path: `/v1/room-binding/${HALL}` }),
  ),
  ...adminRoute(
    'POST /v1/rooms/:roomId/tokens',
    'POST',
    { request: () => ({ path: `/v1/rooms/${HALL}/tokens`, body: { userId: 'tina', role: 'moderator' } }), status: 200 },
    () => ({ path: `/v1/rooms/${HALL}/tokens`, body: { userId: 'mallory', role: 'moderator' } }),
  ),
  ...adminRoute(
    'POST /v1/rooms/:roomId/members',
    'POST',
    { request: () => ({ path: `/v1/rooms/${HALL}/members`, body: { userIds: ['hank'] } }), status: 200 },
    () => ({ path: `/v1/rooms/${HALL}/members`, body: { userIds: ['mallory'], role: 'moderator' } }),
  ),
  ...adminRoute(
    'POST /v1/users/:userId/tickets',
    'POST',
    { request: () => ({ path: '/v1/users/ivy/tickets' }), status: 200 },
    () => ({ path: '/v1/users/alice/tickets' }),
  ),
  ...adminRoute(
    'POST /v1/users/:userId/revoke',
    'POST',
    {
      request: () => ({ path: '/v1/users/rex5/revoke' }),
      status: 200,
      note: 'their ticket and user-bound token sessions end',
      prepare: async (w) => {
        const user = await signIn(w.server, 'rex5');
        const room = await connect(w.server, { token: await roomToken(w, HALL, { userId: 'rex5' }) });
        return { sockets: [user.socket, room.socket] };
      },
      expect: async (_data, _w, p) => {
        for (const socket of p.sockets!) {
          await waitFor(socket, (entry) => entry.event === 'session:kicked' && (entry.args[0] as { code: string }).code === ERROR_CODES.CREDENTIAL_REVOKED, 'the kick');
        }
      },
    },
    () => ({ path: '/v1/users/bob/revoke' }),
  ),
  ...adminRoute(
    'POST /v1/notifications',
    'POST',
    { request: () => ({ path: '/v1/notifications', body: { users: ['nora'], content: { text: 'hello' } } }), status: 201 },
    () => ({ path: '/v1/notifications', body: { users: ['bob'], content: { text: 'not from the site' } } }),
  ),
  { subject: 'POST /v1/uploads', caller: 'signed-in user', answer: { status: 201 }, call: (w) => upload(w, w.tickets.alice) },
  {
    subject: 'POST /v1/uploads',
    caller: 'guest',
    detail: 'with `x-im-user-id`',
    answer: { status: 201 },
    call: (w) => upload(w, w.tokens.hall, { headers: { 'x-im-user-id': 'gina' } }),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'guest',
    detail: 'without `x-im-user-id`',
    answer: { status: 400, error: ERROR_CODES.INVALID_USER_ID },
    call: (w) => upload(w, w.tokens.hall),
  },
  { subject: 'POST /v1/uploads', caller: 'user-bound token', answer: { status: 201 }, call: (w) => upload(w, w.tokens.tom) },
  { subject: 'POST /v1/uploads', caller: 'moderator token', answer: { status: 201 }, call: (w) => upload(w, w.tokens.mod) },
  {
    subject: 'POST /v1/uploads',
    caller: 'viewer token',
    answer: { status: 403, error: ERROR_CODES.FORBIDDEN },
    call: (w) => upload(w, w.tokens.viewer, { headers: { 'x-im-user-id': 'val' } }),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'token bound to another user',
    detail: '`x-im-user-id` names another',
    answer: { status: 401, error: ERROR_CODES.USER_MISMATCH },
    call: (w) => upload(w, w.tokens.tom, { headers: { 'x-im-user-id': 'bob' } }),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'token of an unbound room',
    answer: { status: 401, error: ERROR_CODES.ROOM_UNBOUND },
    call: (w) => upload(w, w.tokens.gone, { headers: { 'x-im-user-id': 'gus' } }),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'expired token',
    answer: { status: 401, error: ERROR_CODES.TOKEN_EXPIRED },
    prepare: async (w) => ({ token: await expiredRoomToken(w) }),
    call: (w, p) => upload(w, p.token!, { headers: { 'x-im-user-id': 'late' } }),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'expired ticket',
    answer: { status: 401, error: ERROR_CODES.TICKET_EXPIRED },
    prepare: async (w) => ({ ticket: await expiredTicket(w, 'alice') }),
    call: (w, p) => upload(w, p.ticket!),
  },
  {
    subject: 'POST /v1/uploads',
    caller: 'revoked user',
    detail: 'a ticket from before the revocation',
    answer: { status: 401, error: ERROR_CODES.CREDENTIAL_REVOKED },
    prepare: async (w) => {
      const ticket = await ticketFor(w.server, 'rex6');
      await revoke(w, 'rex6');
      return { ticket };
    },
    call: (w, p) => upload(w, p.ticket!),
  },
  { subject: 'POST /v1/uploads', caller: 'forged credential', detail: 'a ticket', answer: { status: 401, error: ERROR_CODES.TICKET_INVALID }, call: (w) => upload(w, forged(w.tickets.alice)) },
  {
    subject: 'POST /v1/uploads',
    caller: 'forged credential',
    detail: 'a room token',
    answer: { status: 401, error: ERROR_CODES.TOKEN_INVALID },
    call: (w) => upload(w, forged(w.tokens.hall), { headers: { 'x-im-user-id': 'fake' } }),
  },
  { subject: 'POST /v1/uploads', caller: 'admin key', answer: { status: 401, error: ERROR_CODES.TOKEN_INVALID }, call: (w) => upload(w, w.server.adminKey) },
  { subject: 'POST /v1/uploads', caller: 'no credentials', answer: { status: 401, error: ERROR_CODES.UNAUTHORIZED }, call: (w) => upload(w, null) },
  {
    subject: 'POST /v1/uploads',
    caller: 'disallowed origin',
    answer: { status: 403, error: ERROR_CODES.ORIGIN_NOT_ALLOWED },
    call: (w) => upload(w, w.tickets.alice, { headers: { origin: EVIL_ORIGIN } }),
  },
  {
    subject: 'OPTIONS /v1/uploads',
    caller: 'allowed origin',
    answer: { status: 204 },
    call: (w) => http(w, 'OPTIONS', '/v1/uploads', { key: null, origin: GOOD_ORIGIN }),
  },
  {
    subject: 'OPTIONS /v1/uploads',
    caller: 'disallowed origin',
    answer: { status: 403, error: ERROR_CODES.ORIGIN_NOT_ALLOWED },
    call: (w) => http(w, 'OPTIONS', '/v1/uploads', { key: null, origin: EVIL_ORIGIN }),
  },
  {
    subject: 'GET /v1/files/:id',
    caller: 'no credentials',
    detail: 'a file of a message',
    answer: { status: 200 },
    prepare: async (w) => {
      const fileId = await uploaded(w, await ticketFor(w.server, 'bob'));
      await requestOk(w.bobPrep, 'message:send', { conversationId: w.group, clientMsgId: uuid(), type: 'file', content: { file: { id: fileId } } });
      return { fileId };
    },
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}`, { key: null }),
  },
  {
    subject: 'GET /v1/files/:id',
    caller: 'no credentials',
    detail: 'a file of a recalled message',
    answer: { status: 404, error: ERROR_CODES.FILE_NOT_FOUND },
    prepare: async (w) => {
      const fileId = await uploaded(w, await ticketFor(w.server, 'bob'));
      const { seq } = await requestOk<{ seq: number }>(w.bobPrep, 'message:send', { conversationId: w.group, clientMsgId: uuid(), type: 'file', content: { file: { id: fileId } } });
      await requestOk(w.bobPrep, 'message:recall', ref(w.group, seq));
      return { fileId };
    },
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}`, { key: null }),
  },
  {
    subject: 'GET /v1/files/:id',
    caller: 'no credentials',
    detail: 'an unknown id',
    answer: { status: 404, error: ERROR_CODES.FILE_NOT_FOUND },
    call: (w) => http(w, 'GET', '/v1/files/AAAAAAAAAAAAAAAAAAAAAA', { key: null }),
  },
  {
    subject: 'GET /v1/files/:id',
    caller: 'disallowed origin',
    answer: { status: 403, error: ERROR_CODES.ORIGIN_NOT_ALLOWED },
    prepare: async (w) => ({ fileId: await uploaded(w, w.tickets.alice) }),
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}`, { key: null, origin: EVIL_ORIGIN }),
  },
  {
    subject: 'GET /v1/files/:id/small',
    caller: 'no credentials',
    detail: 'an image',
    answer: { status: 200 },
    prepare: async (w) => ({ fileId: await uploaded(w, w.tickets.alice, { data: await png(), name: 'dot.png' }) }),
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}/small`, { key: null }),
  },
  {
    subject: 'GET /v1/files/:id/large',
    caller: 'no credentials',
    detail: 'an image',
    answer: { status: 200 },
    prepare: async (w) => ({ fileId: await uploaded(w, w.tickets.alice, { data: await png(), name: 'dot.png' }) }),
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}/large`, { key: null }),
  },
  {
    subject: 'GET /v1/files/:id/small',
    caller: 'no credentials',
    detail: 'not an image',
    answer: { status: 404, error: ERROR_CODES.FILE_NOT_FOUND },
    prepare: async (w) => ({ fileId: await uploaded(w, w.tickets.alice) }),
    call: (w, p) => http(w, 'GET', `/v1/files/${p.fileId!}/small`, { key: null }),
  },
  { subject: 'GET /health', caller: 'no credentials', answer: { status: 200 }, call: (w) => http(w, 'GET', '/health', { key: null }) },
  {
    subject: 'GET /health',
    caller: 'disallowed origin',
    detail: 'not under /v1',
    answer: { status: 200 },
    call: (w) => http(w, 'GET', '/health', { key: null, origin: EVIL_ORIGIN }),
  },
];

/** Every row, in the order of the rendered table. */
export const MATRIX: readonly MatrixRow[] = [...connectRows, ...roomRows, ...userRows, ...noAckRows, ...restRows];

const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#2a6' } }).png().toBuffer();

// ---------------------------------------------------------------------------------------------
// Rendering

const isConnect = (row: MatrixRow) => row.subject.startsWith('connect ');
const isRest = (row: MatrixRow) => /^(GET|POST|DELETE|OPTIONS) /.test(row.subject);

function subjectText(row: MatrixRow): string {
  return isConnect(row) ? row.subject : `\`${row.subject}\``;
}

function callerText(row: MatrixRow): string {
  return row.detail ? `${row.caller}: ${row.detail}` : row.caller;
}

export function answerText(row: MatrixRow): string {
  const { answer } = row;
  let text: string;
  if ('noAck' in answer) text = 'no ack (not an event of this session)';
  else if ('status' in answer) text = answer.error ? `${answer.status} \`${answer.error}\`` : String(answer.status);
  else if ('error' in answer) text = isConnect(row) ? `connect_error \`${answer.error}\`` : `\`${answer.error}\``;
  else text = isConnect(row) ? 'connects' : 'ok';
  return row.note ? `${text} (${row.note})` : text;
}

const cell = (value: string) => value.replace(/\|/g, '\\|');

/** The table as Markdown: event or route, caller, answer. */
export function renderMatrix(rows: readonly MatrixRow[] = MATRIX): string {
  const lines = ['| Event or route | Caller | Answer |', '| --- | --- | --- |'];
  for (const row of rows) lines.push(`| ${cell(subjectText(row))} | ${cell(callerText(row))} | ${cell(answerText(row))} |`);
  return `${lines.join('\n')}\n`;
}

const START_MARKER = '<!-- authorization-matrix:start -->';
const END_MARKER = '<!-- authorization-matrix:end -->';
const DOC_PATH = fileURLToPath(new URL('../../docs/security.md', import.meta.url));

/** The page split around the generated section (which starts after the start marker's line and ends before the end marker's). */
function splitDoc(page: string): { head: string; section: string; tail: string } {
  const start = page.indexOf(`${START_MARKER}\n`);
  const end = page.indexOf(END_MARKER);
  assert.ok(start >= 0 && end > start, `${DOC_PATH} must hold the lines ${START_MARKER} and ${END_MARKER}`);
  const from = start + START_MARKER.length + 1;
  return { head: page.slice(0, from), section: page.slice(from, end), tail: page.slice(end) };
}

// ---------------------------------------------------------------------------------------------
// Running a row

/**
 * What the whole server holds: every row of every table (read from the SQLite file over a
 * read-only connection, so no table is left out), and the stored files.
 */
function snapshot(w: World): { tables: Record<string, unknown[]>; files: string[] } {
  const names = w.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  const tables: Record<string, unknown[]> = {};
  for (const { name } of names) {
    tables[name] = (w.db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort();
  }
  const dir = join(w.server.dataDir, 'files');
  const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
  return { tables, files };
}

function assertUnchanged(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): void {
  const changed = Object.keys({ ...before.tables, ...after.tables }).filter((name) => !isDeepStrictEqual(before.tables[name], after.tables[name]));
  const detail = changed.map((name) => {
    const was = new Set(before.tables[name] ?? []);
    const now = new Set(after.tables[name] ?? []);
    return `${name}: -${JSON.stringify([...was].filter((row) => !now.has(row)))} +${JSON.stringify([...now].filter((row) => !was.has(row)))}`;
  });
  assert.deepEqual(changed, [], `the database changed:\n${detail.join('\n')}`);
  assert.deepEqual(after.files, before.files, 'the stored files changed');
}

/** Pushes that come whatever the rows do: online counts (timed) and presence (connections of the rows coming and going). */
const BACKGROUND = new Set(['room:online', 'presence:changed']);

/**
 * One request/ack round trip on each open connection: whatever the server sent them before
 * (because of an earlier call whose answer already arrived) has arrived once this resolves.
 * Any acknowledgement does, even a refusal for the rate.
 */
async function settle(sockets: readonly ClientSocket[]): Promise<void> {
  await Promise.all(sockets.filter((socket) => socket.connected).map((socket) => request(socket, 'message:history', { limit: 1 })));
}

const isRefusal = (answer: Answer) => !('ok' in answer) && !('status' in answer && answer.status < 400);

async function runRow(w: World, row: MatrixRow): Promise<void> {
  const prepared = row.prepare ? await row.prepare(w) : {};
  const refused = isRefusal(row.answer);
  const listeners = [...new Set([...(refused ? w.witnesses : []), ...(row.quiet?.(w, prepared) ?? [])])];
  await settle(listeners);
  const marks = listeners.map((socket) => received(socket).length);
  const before = refused ? snapshot(w) : undefined;
  const kept = row.untouched ? await row.untouched(w, prepared) : undefined;

  const outcome = await row.call(w, prepared);
  // Every check runs, so a failing row shows its wrong answer together with what it changed.
  const problems: string[] = [];
  const check = async (assertion: () => unknown): Promise<void> => {
    try {
      await assertion();
    } catch (error) {
      problems.push((error as Error).message);
    }
  };
  await check(() => assert.deepEqual(outcome.answer, row.answer, `the answer was ${JSON.stringify(outcome.data)}`));
  if (problems.length === 0) {
    if (isRest(row) && refused) await check(() => assert.deepEqual(Object.keys(outcome.data as object), ['error'], 'a refusal carries nothing but the error'));
    if (row.expect) await check(() => row.expect!(outcome.data, w, prepared));
  }
  await settle(listeners);
  if (before) await check(() => assertUnchanged(before, snapshot(w)));
  for (const [index, socket] of listeners.entries()) {
    const heard = received(socket)
      .slice(marks[index])
      .filter((entry: ReceivedEvent) => !BACKGROUND.has(entry.event) && (!row.quietEvents || row.quietEvents.includes(entry.event)))
      .map((entry) => `${entry.event} ${JSON.stringify(entry.args[0])}`);
    await check(() => assert.deepEqual(heard, [], `${w.names.get(socket) ?? 'a connection that must hear nothing'} heard of the call`));
  }
  if (row.untouched) {
    const now = await row.untouched(w, prepared);
    await check(() => assert.deepEqual(now, kept, 'the call changed what it must leave alone'));
  }
  if (problems.length > 0) assert.fail(problems.join('\n\n'));
}

// ---------------------------------------------------------------------------------------------
// Setting the world up

async function buildWorld(): Promise<World> {
  const skew = { ms: 0 };
  const server = await startServer(
    { allowedOrigins: [GOOD_ORIGIN], recallWindowSeconds: RECALL_WINDOW_SECONDS },
    { clock: () => Date.now() + skew.ms },
  );
  const partial = { server, skew } as World;
  const tokens = {
    hall: await bindRoom(server, HALL),
    side: await bindRoom(server, SIDE),
    gone: await bindRoom(server, GONE),
    tom: await roomToken(partial, HALL, { userId: 'tom' }),
    viewer: await roomToken(partial, HALL, { role: 'viewer' }),
    mod: await roomToken(partial, HALL, { userId: 'mod', role: 'moderator' }),
  };
  const tickets = { alice: await ticketFor(server, 'alice') };
  const [alice, bob, bobPrep, carol, dave, fred, mallory, vic, moe] = await Promise.all(
    ['alice', 'bob', 'bob', 'carol', 'dave', 'fred', 'mallory', 'vic', 'moe'].map(async (id) => (await signIn(server, id)).socket),
  );

  // A group of alice (owner), bob and carol; fred was in it and left; dave joined after bob's message.
  const group = (await requestOk<{ id: string }>(alice!, 'conversation:create-group', { name: 'Matrix', members: ['bob', 'carol', 'fred'] })).id;
  const { seq: groupByBob } = await requestOk<{ seq: number }>(bob!, 'message:send', text(group));
  await requestOk(fred!, 'conversation:leave', { conversationId: group });
  await requestOk(alice!, 'conversation:add-members', { conversationId: group, members: ['dave'] });
  const direct = (await requestOk<{ id: string }>(bob!, 'conversation:open-direct', { userId: 'alice' })).id;
  await requestOk(alice!, 'message:send', text(direct));
  const delivered = await adminOk<{ delivered: { seq: number }[] }>(partial, 'POST', '/v1/notifications', { users: ['bob'], content: { text: 'welcome' } });

  // The hall: alice and bob entered with its token, vic with a viewer token, moe by a moderator grant.
  for (const socket of [alice!, bob!]) await requestOk(socket, 'conversation:join-room', { roomId: HALL, token: tokens.hall });
  await requestOk(vic!, 'conversation:join-room', { roomId: HALL, token: tokens.viewer });
  await adminOk(partial, 'POST', `/v1/rooms/${HALL}/members`, { userIds: ['moe'], role: 'moderator' });
  await requestOk(moe!, 'conversation:join-room', { roomId: HALL });
  const { seq: hallByBob } = await requestOk<{ seq: number }>(bob!, 'message:send', text(HALL_ID));
  // A room alice and bob entered and bob wrote in, unbound since.
  for (const socket of [alice!, bob!]) await requestOk(socket, 'conversation:join-room', { roomId: GONE, token: tokens.gone });
  const { seq: goneByBob } = await requestOk<{ seq: number }>(bob!, 'message:send', text(GONE_ID));
  const unbound = await unbindRoom(server, GONE);
  assert.equal(unbound.status, 200);

  const room = async (auth: ConnectAuth) => (await connect(server, auth)).socket;
  const guest = await room({ token: tokens.hall, userId: 'gina' });
  const tom = await room({ token: tokens.tom });
  const viewer = await room({ token: tokens.viewer, userId: 'val' });
  const mod = await room({ token: tokens.mod });
  const side = await room({ token: tokens.side, userId: 'olga' });
  await requestOk(side, 'message:send', roomText());
  const { seq: hallTargeted } = await requestOk<{ seq: number }>(guest, 'message:send', roomText({ users: ['nobody'] }));
  const { seq: hallClass } = await requestOk<{ seq: number }>(guest, 'message:send', roomText({ classId: 'c1' }));

  const aliceWatch = (await signIn(server, 'alice')).socket;
  const roomWatch = await room({ token: tokens.hall, userId: 'watch' });
  const names = new Map<ClientSocket, string>([
    [aliceWatch, 'alice’s second device'],
    [(await signIn(server, 'bob')).socket, 'bob’s second device'],
    [roomWatch, 'the hall’s guest ~watch'],
  ]);
  const witnesses = [...names.keys()];
  const db = new BetterSqlite3(join(server.dataDir, 'im.sqlite'), { readonly: true, fileMustExist: true });
  return {
    server,
    skew,
    db,
    alice: alice!,
    bob: bob!,
    bobPrep: bobPrep!,
    carol: carol!,
    dave: dave!,
    fred: fred!,
    mallory: mallory!,
    vic: vic!,
    moe: moe!,
    guest,
    tom,
    viewer,
    mod,
    side,
    witnesses,
    aliceWatch,
    roomWatch,
    names,
    tokens,
    tickets,
    group,
    direct,
    seqs: { groupByBob, hallByBob, hallTargeted, hallClass, notification: delivered.delivered[0]!.seq, goneByBob },
  };
}

// ---------------------------------------------------------------------------------------------
// The tests

const rowName = (row: MatrixRow) => `${row.subject} · ${callerText(row)} → ${answerText(row)}`;

describe('authorization matrix', () => {
  let world: World | undefined;
  before(async () => {
    world = await buildWorld();
  });
  after(async () => {
    world?.db.close();
    await cleanup();
  });

  for (const row of MATRIX.filter((candidate) => !noAckRows.includes(candidate))) {
    test(rowName(row), () => runRow(world!, row));
  }

  // Each of these waits for an acknowledgement that must not come: they wait together.
  describe('events a session does not have', { concurrency: true }, () => {
    for (const row of noAckRows) test(rowName(row), () => runRow(world!, row));
  });
});

describe('docs/security.md', () => {
  test('holds the rendered matrix between its markers (IM_WRITE_MATRIX=1 rewrites it)', () => {
    const page = readFileSync(DOC_PATH, 'utf8');
    const { head, section, tail } = splitDoc(page);
    const rendered = renderMatrix();
    if (process.env.IM_WRITE_MATRIX === '1') {
      writeFileSync(DOC_PATH, `${head}${rendered}${tail}`);
      return;
    }
    if (section !== rendered) {
      const documented = new Set(section.split('\n'));
      const wanted = new Set(rendered.split('\n'));
      const missing = [...wanted].filter((line) => !documented.has(line));
      const extra = [...documented].filter((line) => !wanted.has(line));
      assert.fail(
        `docs/security.md does not hold the rendered matrix (rerun this file with IM_WRITE_MATRIX=1)\n` +
          `missing:\n${missing.join('\n') || '(none: the order differs)'}\nnot in the matrix:\n${extra.join('\n') || '(none)'}`,
      );
    }
  });

  test('every row renders as one line and the table names every event of the protocol', () => {
    const lines = renderMatrix().trimEnd().split('\n');
    assert.equal(lines.length, MATRIX.length + 2);
    const subjects = new Set(MATRIX.map((row) => row.subject));
    for (const event of [
      'signal:broadcast',
      'signal:send',
      'message:send',
      'message:history',
      'session:update',
      ...USER_ONLY_EVENTS.map(([event]) => event),
    ]) {
      assert.ok(subjects.has(event), event);
    }
  });
});
