/**
 * Hostile input: every kind of bad input gets a coded error or a closed connection, never a
 * crash, never unbounded memory, and nobody else notices. One server runs the whole file; after
 * every attack, bystanders in the same room and the same conversation still send and receive,
 * GET /health answers, no prototype was polluted and the heap stayed bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import type { Ack } from '../../src/protocol/ack.js';
import { ERROR_CODES, type ErrorPayload } from '../../src/protocol/errors.js';
import { LIMITS } from '../../src/protocol/limits.js';
import type { ConversationSummary, SendResult, SignalMessage, StoredMessage } from '../../src/protocol/models.js';
import {
  bindRoom,
  cleanup,
  connect,
  connectError,
  rest,
  request,
  requestOk,
  signIn,
  startServer,
  ticketFor,
  uuid,
  waitFor,
  WAIT_MS,
  type ClientSocket,
  type ConnectAuth,
  type TestServer,
} from '../server/helpers.js';

// ---------------------------------------------------------------------------------------------
// Shared state: one server, bystanders, an attacker

let skew = 0;
let server: TestServer;
let arenaToken: string;
/** Bystanders in the room "arena" (room token) … */
let bob: ClientSocket;
let carol: ClientSocket;
/** … and in the group "bystanders" (signed in). */
let dan: ClientSocket;
let erin: ClientSocket;
let groupId: string;
/** The attacker's signed-in connection, a member of the bystanders' group. */
let mallory: ClientSocket;
let malloryTicket: string;
/** A message of mallory's in the group, for edits, recalls, reactions. */
let mallorySeq: number;

/** Every request bucket is full again: the server's clock moves on by 5 s (the slowest bucket, 20 at 5 per second, needs 4). */
const refill = () => {
  skew += 5_000;
};

/** A key no code would ever set: if it shows up on a prototype, hostile input put it there. */
const MARKER = `imPolluted_${uuid().slice(0, 8)}`;

/** JSON with prototype keys as own keys (an object literal `{ __proto__: … }` would set the prototype instead). */
const protoObject = (): Record<string, unknown> =>
  JSON.parse(
    `{"__proto__":{"${MARKER}":true,"toString":"x"},"constructor":{"prototype":{"${MARKER}":true}},"prototype":{"${MARKER}":true},"toString":{"${MARKER}":true}}`,
  ) as Record<string, unknown>;

const KNOWN_CODES = new Set<string>(Object.values(ERROR_CODES));

function assertNoPollution(label: string): void {
  for (const probe of [{}, [], Object.create(Object.prototype) as object, new Map(), () => undefined, 'text', 42]) {
    assert.equal((probe as Record<string, unknown>)[MARKER], undefined, `${label}: a prototype was polluted`);
  }
  assert.equal(typeof ({} as { toString: unknown }).toString, 'function', `${label}: Object.prototype.toString was replaced`);
  assert.equal(({} as object).constructor, Object, `${label}: Object.prototype.constructor was replaced`);
}

/** A coded failure, never INTERNAL, with a human message. */
function assertCoded(ack: Ack<unknown>, label: string): asserts ack is { ok: false; error: ErrorPayload } {
  assert.equal(ack.ok, false, `${label}: expected a refusal, got ${JSON.stringify(ack).slice(0, 200)}`);
  if (ack.ok) return;
  assert.ok(KNOWN_CODES.has(ack.error.code), `${label}: unknown code ${ack.error.code}`);
  assert.notEqual(ack.error.code, ERROR_CODES.INTERNAL, `${label}: INTERNAL`);
  assert.equal(typeof ack.error.message, 'string', label);
}

/** Either an answer or a coded failure (never INTERNAL, never a missing ack). */
function assertAnsweredSafely(ack: Ack<unknown>, label: string): void {
  assert.equal(typeof ack, 'object', label);
  assert.equal(typeof ack.ok, 'boolean', `${label}: ${JSON.stringify(ack).slice(0, 200)}`);
  if (!ack.ok) assertCoded(ack, label);
}

// ---------------------------------------------------------------------------------------------
// Bounded memory

/**
 * `global.gc` when the file runs with --expose-gc; otherwise the flag is turned on now and a
 * fresh context hands out its gc (CI runs `node --import tsx --test` without flags). Undefined
 * when neither works: then heap figures would measure garbage, not leaks, and are not asserted.
 */
function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const fromContext = runInNewContext('gc') as unknown;
    return typeof fromContext === 'function' ? (fromContext as () => void) : undefined;
  } catch {
    return undefined;
  }
}
const gc = findGc();
/** Generous on purpose: this catches unbounded growth (buffers kept per bad frame), not noise. */
const HEAP_GROWTH_MAX = 100 * 1024 * 1024;
let heapBaseline = 0;
let heapWorst = 0;

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function assertHeapBounded(label: string): void {
  if (!gc) return; // see findGc: without a gc the figure is not meaningful
  const growth = heapAfterGc() - heapBaseline;
  heapWorst = Math.max(heapWorst, growth);
  assert.ok(growth < HEAP_GROWTH_MAX, `${label}: the heap grew by ${Math.round(growth / 1024 / 1024)} MB`);
}

// ---------------------------------------------------------------------------------------------
// Bystanders

async function health(): Promise<void> {
  const response = await rest(server, 'GET', '/health', { key: null });
  assert.deepEqual([response.status, response.body], [200, { ok: true }]);
}

/** Bystanders in the room and in the group still send and receive; the server is healthy. */
async function assertUnaffected(label: string): Promise<void> {
  refill();
  const marker = `${label} → still fine ${uuid()}`;
  for (const socket of [bob, carol, dan, erin]) assert.equal(socket.connected, true, `${label}: a bystander was disconnected`);
  await requestOk<SendResult>(bob, 'message:send', { content: marker, clientMsgId: uuid() });
  await waitFor(carol, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).content === marker, `${label}: carol gets bob's message`);
  await requestOk(carol, 'signal:broadcast', { content: marker });
  await waitFor(bob, (e) => e.event === 'signal:received' && (e.args[0] as SignalMessage).content === marker, `${label}: bob gets carol's broadcast`);
  await requestOk<SendResult>(dan, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: marker } });
  await waitFor(
    erin,
    (e) => e.event === 'message:created' && ((e.args[0] as StoredMessage).content as { text?: unknown }).text === marker,
    `${label}: erin gets dan's message`,
  );
  await health();
  assertNoPollution(label);
}

/** Runs one attack, then checks the bystanders, the prototypes and the heap. */
async function attack(label: string, run: () => Promise<void>): Promise<void> {
  await run();
  await assertUnaffected(label);
  assertHeapBounded(label);
}

// ---------------------------------------------------------------------------------------------
// Raw Engine.IO / Socket.IO over a WebSocket

const rawClients = new Set<RawClient>();

/** A WebSocket speaking Engine.IO v4 by hand, so that it can send what no Socket.IO client would. */
class RawClient {
  private readonly frames: string[] = [];
  private waiters: Array<{ match: (frame: string) => boolean; resolve: (frame: string) => void }> = [];
  private nextAckId = 1;
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => undefined);
    ws.on('message', (data: WebSocket.Data) => {
      const frame = typeof data === 'string' ? data : `<binary ${Buffer.isBuffer(data) ? data.length : 0}>`;
      // Engine.IO ping: answer, as a client does.
      if (frame === '2') ws.send('3');
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(frame)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Opens the transport and waits for the Engine.IO open packet (no Socket.IO connect yet). */
  static async open(): Promise<RawClient> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const client = new RawClient(ws);
    rawClients.add(client);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.next((frame) => frame.startsWith('0{'), 'the Engine.IO open packet');
    return client;
  }

  /** Opens and connects to the main namespace with this auth; resolves after session:ready. */
  static async session(auth: Record<string, unknown>): Promise<RawClient> {
    const client = await RawClient.open();
    client.send(`40${JSON.stringify(auth)}`);
    await client.next((frame) => frame.startsWith('42["session:ready"'), 'session:ready');
    return client;
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The first frame (received already or still to come) that matches. */
  next(match: (frame: string) => boolean, what: string, timeoutMs = WAIT_MS): Promise<string> {
    const found = this.frames.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (frame: string) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.map((f) => f.slice(0, 80)))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** A fresh ack id (never 0, so that ids cannot be prefixes of each other's frames plus `[`). */
  ackId(): number {
    return this.nextAckId++;
  }

  /** Sends `event` with an ack id and resolves with the Ack. */
  async request(event: string, payload: unknown): Promise<Ack<unknown>> {
    const id = this.ackId();
    this.send(`42${id}${JSON.stringify([event, payload])}`);
    return this.ackOf(id);
  }

  /** The Ack the server sent for this id. */
  async ackOf(id: number | string): Promise<Ack<unknown>> {
    const prefix = `43${id}[`;
    const frame = await this.next((candidate) => candidate.startsWith(prefix), `the ack ${id}`);
    return (JSON.parse(frame.slice(prefix.length - 1)) as [Ack<unknown>])[0];
  }

  /**
   * After an attack frame: 'closed' when the server ends the connection, 'alive' when a
   * following request is still answered on it.
   */
  async outcome(): Promise<'closed' | 'alive'> {
    if (this.closeCode !== null) return 'closed';
    const id = this.ackId();
    this.send(`42${id}["signal:broadcast",{"content":"probe"}]`);
    return Promise.race([this.closed.then(() => 'closed' as const), this.ackOf(id).then(() => 'alive' as const)]);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

const nested = (depth: number, leaf = '"x"') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const nestedValue = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
};

// ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  before(async () => {
    server = await startServer({}, { clock: () => Date.now() + skew });
    arenaToken = await bindRoom(server, 'arena');
    bob = (await connect(server, { token: arenaToken, userId: 'bob' })).socket;
    carol = (await connect(server, { token: arenaToken, userId: 'carol' })).socket;
    dan = (await signIn(server, 'dan')).socket;
    erin = (await signIn(server, 'erin')).socket;
    malloryTicket = await ticketFor(server, 'mallory');
    mallory = (await connect(server, { ticket: malloryTicket })).socket;
    groupId = (await requestOk<ConversationSummary>(dan, 'conversation:create-group', { name: 'bystanders', members: ['erin', 'mallory'] })).id;
    mallorySeq = (await requestOk<SendResult>(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'hello' } })).seq;
    await assertUnaffected('setup');
    heapBaseline = heapAfterGc();
  });

  after(async () => {
    for (const client of rawClients) client.terminate();
    rawClients.clear();
    await cleanup();
  });

  test('malformed Engine.IO / Socket.IO frames over a raw WebSocket: that connection is closed or the frame ignored, nothing else', async () => {
    // What each frame must do to its own connection.
    const frames: Array<{ label: string; frame: string | Buffer; expect: 'closed' | 'alive' }> = [
      { label: 'garbage text', frame: 'hello, server', expect: 'closed' },
      { label: 'an empty frame', frame: '', expect: 'closed' },
      { label: 'JSON cut off after 42', frame: '42["message:send",{"content":', expect: 'closed' },
      { label: 'JSON cut off after the event name', frame: '42["signal:broadcast"', expect: 'closed' },
      { label: 'binary garbage', frame: Buffer.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]), expect: 'closed' },
      { label: 'an Engine.IO packet type that does not exist', frame: '9abc', expect: 'closed' },
      { label: 'a Socket.IO packet type that does not exist', frame: '47["signal:broadcast",{"content":"x"}]', expect: 'closed' },
      { label: 'a Socket.IO ack for nothing', frame: '4312[{"ok":true}]', expect: 'alive' },
      { label: 'an object as event name', frame: '42[{"name":"signal:broadcast"},{"content":"x"}]', expect: 'closed' },
      { label: 'null as event name', frame: '42[null,{"content":"x"}]', expect: 'closed' },
      { label: 'an empty event', frame: '42[]', expect: 'closed' },
      { label: 'a reserved event name', frame: '42["disconnect",{}]', expect: 'closed' },
      // Socket.IO allows numeric event names; nobody listens to one, so it is dropped.
      { label: 'a number as event name', frame: '42[42,{"content":"x"}]', expect: 'alive' },
      { label: '10,000 nested arrays as the packet', frame: `42${nested(10_000)}`, expect: 'closed' },
      { label: '10,000 nested arrays as the payload, no ack', frame: `42["signal:broadcast",${nested(10_000)}]`, expect: 'alive' },
      { label: 'a binary event that claims a million attachments', frame: '45999999-["signal:broadcast",{"_placeholder":true,"num":0}]', expect: 'closed' },
      { label: 'a placeholder for an attachment that never came', frame: '42["signal:broadcast",{"content":{"_placeholder":true,"num":5}}]', expect: 'alive' },
      // Packets for a namespace this connection never joined, and a second connect, end it.
      { label: 'a namespace that does not exist', frame: '42/admin,["signal:broadcast",{"content":"x"}]', expect: 'closed' },
      { label: 'a second connect', frame: `40${JSON.stringify({ token: 'v1.x.y' })}`, expect: 'closed' },
    ];
    for (const { label, frame, expect } of frames) {
      await attack(`raw frame: ${label}`, async () => {
        const raw = await RawClient.session({ token: arenaToken, userId: 'mallory' });
        raw.send(frame);
        assert.equal(await raw.outcome(), expect, label);
        raw.terminate();
      });
    }
  });

  test('raw frames that are answered: a huge ack id, deep nesting in content, a binary attachment as content', async () => {
    await attack('a huge ack id', async () => {
      const raw = await RawClient.session({ token: arenaToken, userId: 'mallory' });
      raw.send('4299999999999999999999999999["signal:broadcast",{"content":"huge ack id"}]');
      // The id does not fit a safe integer; the server still answers on the connection (with
      // the id as it parsed it), and the connection keeps working.
      const frame = await raw.next((candidate) => /^43[0-9e+.]+\[/.test(candidate), 'an ack for the huge id');
      assert.match(frame, /"ok":true/);
      assert.equal(await raw.outcome(), 'alive');
      raw.terminate();
    });
    await attack('10,000 and 20,000 nested arrays in content', async () => {
      const raw = await RawClient.session({ token: arenaToken, userId: 'mallory' });
      for (const depth of [10_000, 20_000]) {
        for (const event of ['signal:broadcast', 'message:send']) {
          const id = raw.ackId();
          raw.send(`42${id}["${event}",{"clientMsgId":"${uuid()}","content":${nested(depth)}}]`);
          const ack = await raw.ackOf(id);
          assertCoded(ack, `${event} ${depth} levels`);
          assert.equal(ack.error.code, ERROR_CODES.INVALID_PAYLOAD);
        }
      }
      assert.equal(await raw.outcome(), 'alive');
      raw.terminate();
    });
    await attack('a binary attachment as content', async () => {
      const raw = await RawClient.session({ token: arenaToken, userId: 'mallory' });
      const id = raw.ackId();
      raw.send(`451-${id}["signal:broadcast",{"content":{"_placeholder":true,"num":0}}]`);
      raw.send(Buffer.from('binary content'));
      const ack = await raw.ackOf(id);
      assertCoded(ack, 'binary content');
      assert.equal(ack.error.code, ERROR_CODES.INVALID_PAYLOAD);
      assert.equal(await raw.outcome(), 'alive');
      raw.terminate();
    });
  });

  test(`a frame above LIMITS.MAX_PACKET_BYTES (${LIMITS.MAX_PACKET_BYTES}) closes that connection only`, async () => {
    for (const size of [LIMITS.MAX_PACKET_BYTES + 1, 1024 * 1024]) {
      await attack(`a ${size}-byte frame`, async () => {
        const raw = await RawClient.session({ token: arenaToken, userId: 'mallory' });
        const head = '42["signal:broadcast",{"content":"';
        const tail = '"}]';
        raw.send(`${head}${'z'.repeat(size - head.length - tail.length)}${tail}`);
        assert.equal(await raw.closed, 1009, 'closed as "message too big"');
      });
    }
    // Before the Socket.IO connect, too.
    await attack('a big frame before connecting', async () => {
      const raw = await RawClient.open();
      raw.send(`40${JSON.stringify({ token: arenaToken, userId: 'mallory', classId: 'c'.repeat(LIMITS.MAX_PACKET_BYTES) })}`);
      assert.equal(await raw.closed, 1009);
    });
  });

  test('handshake auth of the wrong shape: a coded connect_error or a closed connection, never a session', async () => {
    const connectErrorOf = async (auth: string): Promise<string> => {
      const raw = await RawClient.open();
      raw.send(`40${auth}`);
      const outcome = await Promise.race([
        raw.closed.then(() => 'closed'),
        raw.next((frame) => frame.startsWith('44') || frame.startsWith('40{'), 'the connect answer').then((frame) => {
          if (frame.startsWith('40{')) return 'connected';
          const error = JSON.parse(frame.slice(2)) as { message: string; data?: ErrorPayload };
          assert.equal(typeof error.message, 'string');
          return error.data?.code ?? `uncoded: ${error.message}`;
        }),
      ]);
      raw.terminate();
      return outcome;
    };
    const token = JSON.stringify(arenaToken);
    const cases: Array<[string, string]> = [
      ['[]', 'closed'],
      [`[${token}]`, 'closed'],
      ['"a string"', 'closed'],
      ['null', 'closed'],
      ['true', 'closed'],
      // "4042": the parser takes the digits after the packet type for an ack id, so this is a connect without auth.
      ['42', ERROR_CODES.TOKEN_MISSING],
      ['{}', ERROR_CODES.TOKEN_MISSING],
      [`{"token":42}`, ERROR_CODES.TOKEN_MISSING],
      [`{"token":[${token}]}`, ERROR_CODES.TOKEN_MISSING],
      [`{"token":{"__proto__":${token}}}`, ERROR_CODES.TOKEN_MISSING],
      [`{"token":{"constructor":{"prototype":{"${MARKER}":true}}}}`, ERROR_CODES.TOKEN_MISSING],
      // Prototype keys never stand in for the fields.
      [`{"__proto__":{"token":${token},"userId":"mallory"}}`, ERROR_CODES.TOKEN_MISSING],
      [`{"__proto__":{"ticket":${JSON.stringify(malloryTicket)}}}`, ERROR_CODES.TOKEN_MISSING],
      [`{"ticket":{"__proto__":${JSON.stringify(malloryTicket)}}}`, ERROR_CODES.TICKET_INVALID],
      [`{"ticket":null}`, ERROR_CODES.TICKET_INVALID],
      [`{"ticket":["${malloryTicket}"]}`, ERROR_CODES.TICKET_INVALID],
      [`{"token":"__proto__","userId":"mallory"}`, ERROR_CODES.TOKEN_INVALID],
      [`{"token":"constructor"}`, ERROR_CODES.TOKEN_INVALID],
      [`{"token":${token},"userId":{"__proto__":"mallory"}}`, ERROR_CODES.INVALID_USER_ID],
      [`{"token":${token},"userId":["mallory"]}`, ERROR_CODES.INVALID_USER_ID],
      [`{"token":${token},"userId":42}`, ERROR_CODES.INVALID_USER_ID],
      [`{"token":${token}}`, ERROR_CODES.INVALID_USER_ID],
      [`{"token":${token},"userId":"mallory","classId":["a"]}`, ERROR_CODES.INVALID_CLASS_ID],
      [`{"token":${token},"userId":"mallory","classId":{"__proto__":"a"}}`, ERROR_CODES.INVALID_CLASS_ID],
      [`{"token":${token},"userId":"mallory","since":"__proto__"}`, ERROR_CODES.INVALID_PAYLOAD],
      [`{"token":${token},"userId":"mallory","since":-1}`, ERROR_CODES.INVALID_PAYLOAD],
      [`{"token":${token},"userId":"mallory","since":{"valueOf":7}}`, ERROR_CODES.INVALID_PAYLOAD],
      // 40 KB strings still fit a packet and get their codes.
      [`{"token":${JSON.stringify('t'.repeat(40_000))},"userId":"mallory"}`, ERROR_CODES.TOKEN_INVALID],
      [`{"token":${token},"userId":${JSON.stringify('u'.repeat(40_000))}}`, ERROR_CODES.INVALID_USER_ID],
      [`{"token":${token},"userId":"mallory","classId":${JSON.stringify('c'.repeat(40_000))}}`, ERROR_CODES.INVALID_CLASS_ID],
      // 100 KB do not: the transport closes.
      [`{"token":${token},"userId":"mallory","classId":${JSON.stringify('c'.repeat(100_000))}}`, 'closed'],
    ];
    for (const [auth, expected] of cases) {
      await attack(`handshake ${auth.slice(0, 60)}`, async () => {
        assert.equal(await connectErrorOf(auth), expected, auth.slice(0, 120));
      });
    }
    // Prototype names as ids are just ids: a guest "~__proto__" in class "constructor".
    await attack('prototype names as handshake ids', async () => {
      const { session, socket } = await connect(server, { token: arenaToken, userId: '__proto__', classId: 'constructor' });
      assert.equal(session.userId, '~__proto__');
      assert.equal(session.classId, 'constructor');
      socket.disconnect();
    });
    // Through the real client, a number as auth is a coded refusal as well.
    await attack('the real client with auth 42', async () => {
      const failure = await connectError(server, 42 as unknown as ConnectAuth);
      assert.equal(failure.data?.code, ERROR_CODES.TOKEN_MISSING);
    });
  });

  test('content nested 32 levels passes; 33 levels → INVALID_PAYLOAD, in every kind of send', async () => {
    await attack('deep content', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      const sends: Array<[string, (content: unknown) => Record<string, unknown>]> = [
        ['signal:broadcast', (content) => ({ content })],
        ['signal:send', (content) => ({ content, users: ['carol'] })],
        ['message:send', (content) => ({ content, clientMsgId: uuid() })],
      ];
      const objects = (depth: number): unknown => {
        let value: unknown = 'leaf';
        for (let level = 0; level < depth; level++) value = { k: value };
        return value;
      };
      for (const [event, payload] of sends) {
        for (const make of [nestedValue, objects]) {
          await requestOk(attacker, event, payload(make(32)));
          const ack = await request(attacker, event, payload(make(33)));
          assertCoded(ack, `${event} 33 levels`);
          assert.equal(ack.error.code, ERROR_CODES.INVALID_PAYLOAD);
        }
      }
      // What passed arrives whole.
      const deepest = objects(32);
      await requestOk(attacker, 'message:send', { content: deepest, clientMsgId: uuid() });
      const created = await waitFor(carol, (e) => e.event === 'message:created' && JSON.stringify((e.args[0] as StoredMessage).content) === JSON.stringify(deepest));
      assert.deepEqual((created.args[0] as StoredMessage).content, deepest);
      // A signed-in user's custom data: content { data } is one level, so data may nest 31 more.
      refill();
      await requestOk(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), type: 'custom', content: { data: nestedValue(31) } });
      const deep = await request(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), type: 'custom', content: { data: nestedValue(32) } });
      assertCoded(deep, 'custom data 33 levels');
      assert.equal(deep.error.code, ERROR_CODES.INVALID_PAYLOAD);
      attacker.disconnect();
    });
  });

  // -------------------------------------------------------------------------------------------
  // Every field of every payload

  /** Values put into every field (and as the whole payload). */
  const hostileValues = (): Array<[string, unknown]> => [
    ['"__proto__"', '__proto__'],
    ['"constructor"', 'constructor'],
    ['"prototype"', 'prototype'],
    ['"toString"', 'toString'],
    ['an object with prototype keys', protoObject()],
    ['["__proto__"]', ['__proto__']],
    ['null', null],
    ['42', 42],
    ['-1', -1],
    ['1.5', 1.5],
    ['1e308', 1e308],
    ['true', true],
    ['[]', []],
    ['{}', {}],
    ['[{}]', [{}]],
    ['""', ''],
    ['a lone surrogate', '\uD800'],
    ['30 KB', 'x'.repeat(30_000)],
  ];

  /** Room requests with a valid payload each; fields are replaced one at a time. */
  const roomRequests = (): Record<string, () => Record<string, unknown>> => ({
    'signal:broadcast': () => ({ content: 'x' }),
    'signal:send': () => ({ content: 'x', users: ['carol'] }),
    'message:send': () => ({ content: 'x', clientMsgId: uuid(), users: ['carol'], classId: null, priority: 'normal' }),
    'message:history': () => ({ before: 5, limit: 10, classId: null }),
    'session:update': () => ({ classId: null }),
  });

  /** Signed-in requests, each valid for mallory. */
  const userRequests = (): Record<string, () => Record<string, unknown>> => ({
    'session:renew': () => ({ ticket: malloryTicket }),
    'conversation:sync': () => ({ since: 0 }),
    'conversation:open-direct': () => ({ userId: 'dan' }),
    'conversation:create-group': () => ({ name: 'g', members: ['dan'] }),
    'conversation:add-members': () => ({ conversationId: groupId, members: ['newcomer'] }),
    'conversation:join-room': () => ({ roomId: 'arena', token: arenaToken }),
    'conversation:read': () => ({ conversationId: groupId, seq: 1 }),
    'conversation:delivered': () => ({ conversationId: groupId, seq: 1 }),
    'conversation:receipts': () => ({ conversationId: groupId }),
    'conversation:settings': () => ({ conversationId: groupId, pinned: true, muted: false }),
    'conversation:hide': () => ({ conversationId: groupId }),
    'conversation:leave': () => ({ conversationId: 'group:not-a-member-here' }),
    'typing:set': () => ({ conversationId: groupId, typing: true }),
    'message:send': () => ({
      conversationId: groupId,
      clientMsgId: uuid(),
      type: 'text',
      content: { text: 'x' },
      mentions: ['dan'],
      countUnread: true,
      onlineOnly: false,
      priority: 'normal',
      replyTo: mallorySeq,
    }),
    'message:history': () => ({ conversationId: groupId, before: 5, limit: 10 }),
    'message:recall': () => ({ conversationId: groupId, seq: mallorySeq }),
    'message:edit': () => ({ conversationId: groupId, seq: mallorySeq, text: 'edited' }),
    'message:react': () => ({ conversationId: groupId, seq: mallorySeq, emoji: '👍', on: true }),
    'message:delete': () => ({ conversationId: groupId, seq: 1 }),
    'message:changes': () => ({ conversationId: groupId, since: 0, limit: 10 }),
    'presence:query': () => ({ userIds: ['dan'] }),
  });

  async function fuzz(socket: ClientSocket, requests: Record<string, () => Record<string, unknown>>, session: string): Promise<void> {
    for (const [event, base] of Object.entries(requests)) {
      const fields = Object.keys(base());
      for (const [label, value] of hostileValues()) {
        for (const field of [...fields, '(the whole payload)']) {
          refill();
          const payload = field === '(the whole payload)' ? value : { ...base(), [field]: value };
          const ack = await request(socket, event, payload);
          assertAnsweredSafely(ack, `${session} ${event} ${field} = ${label}`);
        }
      }
      // Prototype keys next to valid fields change nothing (they are ignored or stored as data).
      refill();
      const withKeys = { ...base(), ...protoObject() };
      assertAnsweredSafely(await request(socket, event, withKeys), `${session} ${event} with prototype keys`);
      // Fields hidden behind a "__proto__" key are not read: answered as the empty payload is.
      refill();
      const empty = await request(socket, event, {});
      refill();
      const hidden = await request(socket, event, JSON.parse(`{"__proto__":${JSON.stringify(base())}}`));
      assert.deepEqual(
        hidden.ok ? 'ok' : hidden.error.code,
        empty.ok ? 'ok' : empty.error.code,
        `${session} ${event}: fields behind "__proto__" were read`,
      );
    }
  }

  test('prototype names, wrong types and odd values in every field of every room request: coded answers only', async () => {
    await attack('room payload matrix', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      await fuzz(attacker, roomRequests(), 'room');
      assert.equal(attacker.connected, true);
      attacker.disconnect();
    });
  });

  test('prototype names, wrong types and odd values in every field of every signed-in request: coded answers only', async () => {
    await attack('user payload matrix', async () => {
      await fuzz(mallory, userRequests(), 'user');
      assert.equal(mallory.connected, true);
    });
  });

  test('prototype names get their documented answers, and prototype keys in content are data', async () => {
    await attack('documented answers', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      // A message of mallory's that no earlier attack recalled.
      refill();
      const fresh = (await requestOk<SendResult>(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'fresh' } })).seq;
      const code = async (socket: ClientSocket, event: string, payload: unknown) => {
        refill();
        const ack = await request(socket, event, payload);
        return ack.ok ? 'ok' : ack.error.code;
      };
      const expectations: Array<[ClientSocket, string, Record<string, unknown>, string]> = [
        [attacker, 'signal:send', { content: 'x', users: ['constructor', '__proto__', '~toString'] }, 'ok'],
        [attacker, 'message:send', { content: 'x', clientMsgId: uuid(), users: ['constructor'] }, 'ok'],
        [attacker, 'message:send', { content: 'x', clientMsgId: '__proto__' }, ERROR_CODES.INVALID_CLIENT_MSG_ID],
        [attacker, 'message:send', { content: 'x', clientMsgId: uuid(), priority: 'constructor' }, ERROR_CODES.INVALID_PAYLOAD],
        [attacker, 'message:send', { content: 'x', clientMsgId: uuid(), classId: '__proto__' }, 'ok'],
        [attacker, 'message:history', { classId: 'toString' }, 'ok'],
        [attacker, 'message:history', { limit: '__proto__' }, ERROR_CODES.INVALID_PAYLOAD],
        [mallory, 'message:send', { conversationId: '__proto__', clientMsgId: uuid(), content: { text: 'x' } }, ERROR_CODES.NOT_MEMBER],
        [mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), type: '__proto__', content: { text: 'x' } }, ERROR_CODES.INVALID_PAYLOAD],
        [mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'x' }, mentions: ['__proto__', 'constructor'] }, 'ok'],
        [mallory, 'message:history', { conversationId: 'constructor' }, ERROR_CODES.NOT_MEMBER],
        [mallory, 'conversation:read', { conversationId: 'toString', seq: 1 }, ERROR_CODES.NOT_MEMBER],
        [mallory, 'conversation:read', { conversationId: groupId, seq: 'constructor' }, ERROR_CODES.INVALID_PAYLOAD],
        [mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji: '__proto__', on: true }, 'ok'],
        [mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji: 'constructor', on: true }, 'ok'],
        [mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji: 'hasOwnProperty', on: true }, 'ok'],
        [mallory, 'conversation:open-direct', { userId: 'constructor' }, 'ok'],
        [mallory, 'conversation:create-group', { name: '__proto__', members: ['prototype', 'toString'] }, 'ok'],
        [mallory, 'conversation:join-room', { roomId: 'constructor' }, ERROR_CODES.ROOM_NOT_FOUND],
        [mallory, 'conversation:join-room', { roomId: 'arena', token: '__proto__' }, ERROR_CODES.TOKEN_INVALID],
        [mallory, 'session:renew', { ticket: 'toString' }, ERROR_CODES.TICKET_INVALID],
        [mallory, 'presence:query', { userIds: ['__proto__', 'constructor'] }, 'ok'],
        [mallory, 'typing:set', { conversationId: groupId, typing: 'toString' }, ERROR_CODES.INVALID_PAYLOAD],
      ];
      for (const [socket, event, payload, expected] of expectations) {
        assert.equal(await code(socket, event, payload), expected, `${event} ${JSON.stringify(payload)}`);
      }

      // A reaction named "__proto__" is an ordinary key of the message's reactions.
      refill();
      const reacted = await requestOk<StoredMessage>(mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji: '__proto__', on: true });
      assert.ok(Object.hasOwn(reacted.reactions, '__proto__'));
      assert.deepEqual(reacted.reactions['__proto__'], ['mallory']);

      // Content with prototype keys is stored and delivered as data, live and from history.
      const content = protoObject();
      refill();
      const sent = await requestOk<SendResult>(attacker, 'message:send', { content, clientMsgId: uuid() });
      const live = await waitFor(bob, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === sent.seq);
      const delivered = (live.args[0] as StoredMessage).content as Record<string, unknown>;
      assert.ok(Object.hasOwn(delivered, '__proto__'), 'the "__proto__" key arrives as a key');
      assert.equal(JSON.stringify(delivered), JSON.stringify(content));
      refill();
      const page = await requestOk<{ messages: StoredMessage[] }>(bob, 'message:history', { after: sent.seq - 1, limit: 1 });
      assert.equal(JSON.stringify(page.messages[0]!.content), JSON.stringify(content));
      // The same in a signed-in conversation (extra keys of text content are dropped).
      refill();
      const text = JSON.parse(`{"text":"proto","__proto__":{"${MARKER}":true},"constructor":{"prototype":{"${MARKER}":true}}}`) as unknown;
      const stored = await requestOk<SendResult>(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: text });
      const seen = await waitFor(erin, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === stored.seq);
      assert.deepEqual((seen.args[0] as StoredMessage).content, { text: 'proto' });
      attacker.disconnect();
    });
  });

  test('users, rooms and classes named like Object.prototype members work like any others', async () => {
    await attack('prototype names as ids', async () => {
      const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
      const sockets = new Map<string, ClientSocket>();
      for (const name of names) sockets.set(name, (await signIn(server, name)).socket);
      const owner = sockets.get('__proto__')!;
      const group = await requestOk<ConversationSummary>(owner, 'conversation:create-group', { name: 'constructor', members: names.slice(1) });
      assert.equal(group.memberCount, names.length);
      refill();
      const sent = await requestOk<SendResult>(sockets.get('constructor')!, 'message:send', {
        conversationId: group.id,
        clientMsgId: uuid(),
        content: { text: 'hi @__proto__' },
        mentions: ['__proto__'],
      });
      for (const name of names.filter((other) => other !== 'constructor')) {
        await waitFor(sockets.get(name)!, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === sent.seq, `${name} gets it`);
      }
      const receipts = await requestOk<{ receipts: Array<{ userId: string }> }>(owner, 'conversation:receipts', { conversationId: group.id });
      assert.deepEqual(receipts.receipts.map((receipt) => receipt.userId).sort(), [...names].sort());
      const presence = await requestOk<{ online: string[] }>(owner, 'presence:query', { userIds: names });
      assert.deepEqual([...presence.online].sort(), names.filter((name) => name !== '__proto__').sort());
      const direct = await requestOk<ConversationSummary>(owner, 'conversation:open-direct', { userId: 'toString' });
      assert.equal(direct.peerId, 'toString');

      // A room called "__proto__", with a grant and a notification for users of such names.
      const roomToken = await bindRoom(server, '__proto__');
      const grant = await rest(server, 'POST', '/v1/rooms/__proto__/members', { body: JSON.stringify({ userIds: ['constructor'] }) });
      assert.equal(grant.status, 200);
      const joined = await requestOk<ConversationSummary>(sockets.get('constructor')!, 'conversation:join-room', { roomId: '__proto__' });
      assert.equal(joined.name, '__proto__');
      const guest = await connect(server, { token: roomToken, userId: 'valueOf', classId: '__proto__' });
      assert.equal(guest.session.roomId, '__proto__');
      const notified = await rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users: ['__proto__', 'hasOwnProperty'], content: { text: 'n' } }) });
      assert.equal(notified.status, 201);
      assert.deepEqual(
        (notified.body as { delivered: Array<{ userId: string }> }).delivered.map((entry) => entry.userId),
        ['__proto__', 'hasOwnProperty'],
      );
      for (const socket of sockets.values()) socket.disconnect();
      guest.socket.disconnect();
    });
  });

  test('huge strings: what fits a packet gets its code, what does not closes that connection', async () => {
    const big = 'x'.repeat(40_000);
    await attack('40 KB ids in room requests', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['message:send', { content: 'x', clientMsgId: big }, ERROR_CODES.INVALID_CLIENT_MSG_ID],
        ['message:send', { content: 'x', clientMsgId: uuid(), users: [big] }, ERROR_CODES.INVALID_USER_ID],
        ['message:send', { content: 'x', clientMsgId: uuid(), classId: big }, ERROR_CODES.INVALID_CLASS_ID],
        ['signal:send', { content: 'x', users: big }, ERROR_CODES.INVALID_USER_ID],
        ['session:update', { classId: big }, ERROR_CODES.INVALID_CLASS_ID],
        ['message:history', { classId: big }, ERROR_CODES.INVALID_CLASS_ID],
      ];
      for (const [event, payload, expected] of cases) {
        refill();
        const ack = await request(attacker, event, payload);
        assertCoded(ack, event);
        assert.equal(ack.error.code, expected, event);
      }
      attacker.disconnect();
    });
    await attack('40 KB ids in signed-in requests', async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['message:send', { conversationId: big, clientMsgId: uuid(), content: { text: 'x' } }, ERROR_CODES.INVALID_PAYLOAD],
        ['message:react', { conversationId: groupId, seq: mallorySeq, emoji: big, on: true }, ERROR_CODES.INVALID_PAYLOAD],
        ['conversation:open-direct', { userId: big }, ERROR_CODES.INVALID_USER_ID],
        ['conversation:join-room', { roomId: big }, ERROR_CODES.INVALID_ROOM_ID],
        ['conversation:join-room', { roomId: 'arena', token: big }, ERROR_CODES.INVALID_PAYLOAD],
        ['conversation:create-group', { name: big, members: [] }, ERROR_CODES.INVALID_PAYLOAD],
        ['session:renew', { ticket: big }, ERROR_CODES.TICKET_INVALID],
        ['presence:query', { userIds: [big] }, ERROR_CODES.INVALID_USER_ID],
      ];
      for (const [event, payload, expected] of cases) {
        refill();
        const ack = await request(mallory, event, payload);
        assertCoded(ack, event);
        assert.equal(ack.error.code, expected, event);
      }
    });
    await attack('1 MB ids close the connection that sent them', async () => {
      const huge = 'x'.repeat(1024 * 1024);
      for (const payload of [{ content: 'x', clientMsgId: huge }, { content: 'x', clientMsgId: uuid(), classId: huge }, { content: 'x', clientMsgId: uuid(), users: [huge] }]) {
        const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
        const gone = waitFor(attacker, (e) => e.event === 'disconnect', 'the disconnect');
        let answered = false;
        (attacker as unknown as { emit(event: string, ...args: unknown[]): void }).emit('message:send', payload, () => {
          answered = true;
        });
        const reason = (await gone).args[0];
        assert.match(String(reason), /transport (close|error)/);
        assert.equal(answered, false, 'a 1 MB packet was answered');
      }
      // A 100 KB class id in session:update, likewise.
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      const gone = waitFor(attacker, (e) => e.event === 'disconnect', 'the disconnect');
      (attacker as unknown as { emit(event: string, ...args: unknown[]): void }).emit('session:update', { classId: 'c'.repeat(100_000) }, () => undefined);
      await gone;
    });
    await attack('1 MB in a REST body', async () => {
      const response = await rest(server, 'POST', '/v1/room-binding', { body: JSON.stringify({ roomId: 'x'.repeat(1024 * 1024) }) });
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, ERROR_CODES.INVALID_PAYLOAD);
    });
  });

  test('a 1 MB REST path is refused with a coded error body, like every other error', async () => {
    await attack('1 MB REST path', async () => {
      const response = await rest(server, 'DELETE', `/v1/room-binding/${'x'.repeat(1024 * 1024)}`);
      assert.ok([414, 431].includes(response.status), `status ${response.status}`);
      // README: "Every error answers with a JSON body {"error": {"code": "…", "message": "…"}}".
      assert.equal(typeof response.body, 'object', JSON.stringify(response.body));
      assert.equal(response.body.error?.code, ERROR_CODES.INVALID_PAYLOAD, `body ${JSON.stringify(response.body)}`);
    });
  });

  // -------------------------------------------------------------------------------------------
  // Invalid UTF-16

  /** The code units of a string, to make failures readable. */
  const units = (value: unknown) => (typeof value === 'string' ? [...value].map((char) => char.charCodeAt(0).toString(16)).join(' ') : JSON.stringify(value));
  const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  test('lone surrogates in text are kept exactly; in ids they get codes', async () => {
    await attack('lone surrogates in text and ids', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      for (const text of ['\uD800', 'a\uDC00b', '\uDBFF\uDBFF', '😀\uD83D']) {
        refill();
        const sent = await requestOk<SendResult>(attacker, 'message:send', { content: { text }, clientMsgId: uuid() });
        const live = await waitFor(carol, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === sent.seq);
        assert.equal(((live.args[0] as StoredMessage).content as { text: string }).text, text, units(text));
        const page = await requestOk<{ messages: StoredMessage[] }>(carol, 'message:history', { after: sent.seq - 1, limit: 1 });
        assert.equal((page.messages[0]!.content as { text: string }).text, text, units(text));
        const stored = await requestOk<SendResult>(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text } });
        const seen = await waitFor(erin, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === stored.seq);
        assert.equal(((seen.args[0] as StoredMessage).content as { text: string }).text, text, units(text));
      }
      const ids: Array<[ClientSocket, string, Record<string, unknown>, string]> = [
        [attacker, 'signal:send', { content: 'x', users: ['\uD800'] }, ERROR_CODES.INVALID_USER_ID],
        [attacker, 'message:send', { content: 'x', clientMsgId: `${uuid().slice(0, -1)}\uD800` }, ERROR_CODES.INVALID_CLIENT_MSG_ID],
        [mallory, 'conversation:open-direct', { userId: 'a\uD800' }, ERROR_CODES.INVALID_USER_ID],
        [mallory, 'message:send', { conversationId: `${groupId}\uD800`, clientMsgId: uuid(), content: { text: 'x' } }, ERROR_CODES.INVALID_PAYLOAD],
        [mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'x' }, mentions: ['\uDC00'] }, ERROR_CODES.INVALID_USER_ID],
        [mallory, 'conversation:create-group', { name: 'g', members: ['\uD800'] }, ERROR_CODES.INVALID_USER_ID],
      ];
      for (const [socket, event, payload, expected] of ids) {
        refill();
        const ack = await request(socket, event, payload);
        assertCoded(ack, event);
        assert.equal(ack.error.code, expected, `${event} ${units(JSON.stringify(payload))}`);
      }
      const path = await rest(server, 'POST', '/v1/users/%ED%A0%80/tickets');
      assert.deepEqual([path.status, path.body.error?.code], [400, ERROR_CODES.INVALID_PAYLOAD]);
      attacker.disconnect();
    });
  });

  test('a room id with a lone surrogate is refused (INVALID_ROOM_ID) or bound under exactly that id', async () => {
    await attack('lone surrogate room id', async () => {
      for (const roomId of ['r\uD800', 'r\uDC00x']) {
        const response = await rest(server, 'POST', '/v1/room-binding', { body: JSON.stringify({ roomId }) });
        if (response.status === 400) {
          assert.equal(response.body.error.code, ERROR_CODES.INVALID_ROOM_ID);
          continue;
        }
        assert.equal(response.status, 200);
        assert.equal(response.body.roomId, roomId, `the answer names room ${units(response.body.roomId)}, not ${units(roomId)}`);
        const joined = await connect(server, { token: response.body.token as string, userId: 'mallory' });
        assert.equal(joined.session.roomId, roomId);
        joined.socket.disconnect();
      }
    });
  });

  test('a class id with a lone surrogate is refused (INVALID_CLASS_ID) or kept exactly, live and in history', async () => {
    await attack('lone surrogate class id', async () => {
      const classId = 'k\uD800';
      const attacker = await connect(server, { token: arenaToken, userId: 'mallory', classId }).catch(() => undefined);
      if (!attacker) {
        assert.equal((await connectError(server, { token: arenaToken, userId: 'mallory', classId })).data?.code, ERROR_CODES.INVALID_CLASS_ID);
        refill();
        assert.equal((await request(bob, 'session:update', { classId })).ok, false);
        return;
      }
      const classmate = await connect(server, { token: arenaToken, userId: 'classmate', classId });
      refill();
      const sent = await requestOk<SendResult>(attacker.socket, 'message:send', { content: 'in class', clientMsgId: uuid() });
      const live = await waitFor(classmate.socket, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === sent.seq);
      assert.equal((live.args[0] as StoredMessage).classId, classId, `live: ${units((live.args[0] as StoredMessage).classId)}`);
      const page = await requestOk<{ messages: StoredMessage[] }>(classmate.socket, 'message:history', { after: sent.seq - 1, limit: 1 });
      assert.equal(page.messages[0]!.classId, classId, `history: ${units(page.messages[0]!.classId)}`);
      attacker.socket.disconnect();
      classmate.socket.disconnect();
    });
  });

  test('a reaction with a lone surrogate is refused (INVALID_PAYLOAD), or shown under exactly that key and taken back by it', async () => {
    await attack('lone surrogate reaction', async () => {
      refill();
      const fresh = (await requestOk<SendResult>(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'react here' } })).seq;
      const emoji = '\uD83D';
      const ack = await request<StoredMessage>(mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji, on: true });
      if (!ack.ok) {
        assert.equal(ack.error.code, ERROR_CODES.INVALID_PAYLOAD);
        return;
      }
      const odd = (reactions: Record<string, string[]>) => Object.keys(reactions).filter((key) => LONE.test(key) || key.includes('\ufffd'));
      const shown = odd(ack.data.reactions);
      assert.equal(shown.length, 1, JSON.stringify(ack.data.reactions));
      // A client takes a reaction back by the key the message shows: it must be gone then.
      refill();
      const off = await requestOk<StoredMessage>(mallory, 'message:react', { conversationId: groupId, seq: fresh, emoji: shown[0], on: false });
      assert.deepEqual(odd(off.reactions).map((key) => [units(key), off.reactions[key]]), [], 'the reaction cannot be taken back by the key it is shown under');
      assert.equal(units(shown[0]), units(emoji), 'the reaction is shown under the emoji that was sent');
    });
  });

  test('lone surrogates in group names and file names end up well-formed; such files are served', async () => {
    await attack('lone surrogate names', async () => {
      refill();
      const group = await requestOk<ConversationSummary>(mallory, 'conversation:create-group', { name: 'g\uD800', members: [] });
      assert.ok(group.name === 'g\uD800' || !LONE.test(group.name ?? ''), `group name ${units(group.name)}`);
      const boundary = 'hostile-boundary';
      const dispositions = [
        Buffer.from('form-data; name="file"; filename="a\xED\xA0\x80.txt"', 'latin1'),
        Buffer.from("form-data; name=\"file\"; filename*=utf-8''a%ED%A0%80b.txt"),
      ];
      for (const disposition of dispositions) {
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: `),
          disposition,
          Buffer.from(`\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`),
        ]);
        const response = await fetch(`${server.url}/v1/uploads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${malloryTicket}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
          body,
        });
        assert.equal(response.status, 201);
        const file = (await response.json()) as { name: string; url: string };
        assert.ok(!LONE.test(file.name), `file name ${units(file.name)}`);
        const served = await fetch(`${server.url}${file.url}`);
        assert.equal(served.status, 200);
        assert.match(served.headers.get('content-disposition') ?? '', /^attachment; filename="/);
        assert.equal(await served.text(), 'hello');
      }
      // Through FormData, as a browser would send it.
      const form = new FormData();
      form.append('file', new Blob(['hi']), 'b\uDC00.txt');
      const viaForm = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${malloryTicket}` }, body: form });
      assert.equal(viaForm.status, 201);
      assert.ok(!LONE.test(((await viaForm.json()) as { name: string }).name));
    });
  });

  // -------------------------------------------------------------------------------------------
  // Missing acks, unknown events, floods

  test('requests without an ack callback are dropped and unknown events ignored, on both kinds of session', async () => {
    await attack('no acks, unknown events', async () => {
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      const emitRaw = (socket: ClientSocket, event: string, ...args: unknown[]) =>
        (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit(event, ...args);
      let acked = 0;
      const countAck = () => {
        acked += 1;
      };
      refill();
      for (const [event, base] of Object.entries(roomRequests())) {
        emitRaw(attacker, event, base());
        emitRaw(attacker, event, base(), 'not a function');
        emitRaw(attacker, event);
        emitRaw(attacker, event, protoObject(), { ack: true });
      }
      for (const [event, base] of Object.entries(userRequests())) {
        emitRaw(mallory, event, base());
        emitRaw(mallory, event, base(), 42);
        emitRaw(mallory, event);
      }
      for (const event of ['nope', 'admin:unbind', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'message:created', 'session:kicked', 'x'.repeat(10_000)]) {
        emitRaw(attacker, event, { content: 'x' }, countAck);
        emitRaw(mallory, event, { conversationId: groupId }, countAck);
      }
      // Requests after them on the same connections are answered, so the earlier ones were read.
      refill();
      await requestOk(attacker, 'signal:broadcast', { content: 'after' });
      await requestOk(mallory, 'conversation:sync', {});
      assert.equal(acked, 0, 'unknown events were acknowledged');
      assert.equal(attacker.connected, true);
      assert.equal(mallory.connected, true);
      attacker.disconnect();
    });
  });

  test('a flood of requests is rate limited with RATE_LIMITED and retryAfterMs; the connection survives', async () => {
    await attack('flood', async () => {
      refill();
      const attacker = (await connect(server, { token: arenaToken, userId: 'mallory' })).socket;
      const floods: Array<Promise<Ack<unknown>>> = [];
      for (let index = 0; index < 300; index++) {
        floods.push(request(attacker, 'signal:broadcast', { content: `flood ${index}` }));
        floods.push(request(attacker, 'message:history', { limit: 1 }));
        floods.push(request(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: `flood ${index}` } }));
        floods.push(request(mallory, 'conversation:open-direct', { userId: `flood${index}` }));
        floods.push(request(mallory, 'typing:set', { conversationId: groupId, typing: true }));
      }
      const acks = await Promise.all(floods);
      const limited = acks.filter((ack): ack is { ok: false; error: ErrorPayload } => !ack.ok);
      assert.ok(limited.length >= 1000, `only ${limited.length} of ${acks.length} were limited`);
      for (const ack of limited) {
        assert.equal(ack.error.code, ERROR_CODES.RATE_LIMITED);
        const retryAfterMs = ack.error.details?.retryAfterMs;
        assert.equal(typeof retryAfterMs, 'number');
        assert.ok((retryAfterMs as number) > 0 && (retryAfterMs as number) <= 1000, `retryAfterMs ${retryAfterMs}`);
      }
      assert.equal(attacker.connected, true);
      assert.equal(mallory.connected, true);
      // After the wait it asked for, the connection works again.
      refill();
      await requestOk(attacker, 'signal:broadcast', { content: 'after the flood' });
      await requestOk(mallory, 'message:send', { conversationId: groupId, clientMsgId: uuid(), content: { text: 'after the flood' } });
      attacker.disconnect();
    });
  });

  // -------------------------------------------------------------------------------------------
  // REST

  const post = (path: string, body: string, headers: Record<string, string> = {}) => rest(server, 'POST', path, { body, headers });
  const assertRestCoded = (response: { status: number; body: any }, status: number, code: string, label: string) => {
    assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body).slice(0, 200)}`);
    assert.equal(response.body?.error?.code, code, label);
    assert.equal(typeof response.body.error.message, 'string', label);
  };

  test('REST bodies that are not JSON objects, deeply nested, or over 16 KB get coded errors', async () => {
    await attack('REST bodies', async () => {
      await bindRoom(server, 'rest-room');
      const routes = ['/v1/room-binding', '/v1/rooms/rest-room/tokens', '/v1/rooms/rest-room/members', '/v1/users/alice/tickets', '/v1/notifications'];
      const bad = [
        'not json',
        '{"roomId": "x"',
        '{roomId: "x"}',
        "{'roomId': 'x'}",
        '[{"roomId":"x"}]',
        '[]',
        '"rest-room"',
        '42',
        'null',
        'true',
        '\u0000',
        '{"roomId":"x"}\u0000',
        '{"roomId":"x"}{"roomId":"y"}',
        nested(8000),
      ];
      for (const route of routes) {
        for (const body of bad) {
          const response = await post(route, body);
          assertRestCoded(response, 400, ERROR_CODES.INVALID_PAYLOAD, `${route} ${JSON.stringify(body.slice(0, 30))}`);
        }
        const tooLarge = await post(route, JSON.stringify({ roomId: 'x', pad: 'p'.repeat(LIMITS.REST_BODY_MAX_BYTES) }));
        assertRestCoded(tooLarge, 413, ERROR_CODES.INVALID_PAYLOAD, `${route} over 16 KB`);
        const declaredOnly = await post(route, JSON.stringify({ roomId: 'x' }), { 'content-type': 'application/x-www-form-urlencoded' });
        assert.ok(declaredOnly.status < 500, `${route} with another content type: ${declaredOnly.status}`);
        // A deeply nested object is an object without the fields the route needs.
        const deepObject = await post(route, `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`);
        assert.ok(deepObject.status === 400 || deepObject.status === 200, `${route} deep object: ${deepObject.status}`);
        if (deepObject.status === 400) assert.ok(KNOWN_CODES.has(deepObject.body.error.code), `${route} deep object`);
      }
      // Deep nesting inside an otherwise valid body is data that is never walked.
      const deep = await post('/v1/room-binding', `{"roomId":"deep","extra":${nested(7000)}}`);
      assert.equal(deep.status, 200);
    });
  });

  test('prototype keys in REST bodies are never read as fields and pollute nothing', async () => {
    await attack('REST prototype keys', async () => {
      await bindRoom(server, 'proto-room');
      const poison = `"__proto__":{"${MARKER}":true,"roomId":"hidden","ttlSeconds":60,"userId":"mallory","role":"moderator","userIds":["mallory"],"users":["mallory"],"content":{"text":"x"},"type":"tip"},"constructor":{"prototype":{"${MARKER}":true}}`;
      // Fields hidden behind "__proto__" are missing fields.
      assertRestCoded(await post('/v1/room-binding', `{${poison}}`), 400, ERROR_CODES.INVALID_ROOM_ID, 'binding');
      assertRestCoded(await post('/v1/rooms/proto-room/members', `{${poison}}`), 400, ERROR_CODES.INVALID_PAYLOAD, 'grant');
      assertRestCoded(await post('/v1/notifications', `{${poison}}`), 400, ERROR_CODES.INVALID_PAYLOAD, 'notification');
      // Next to real fields they change nothing: no expiry, no user, no moderator role.
      const bound = await post('/v1/room-binding', `{"roomId":"proto-bound",${poison}}`);
      assert.equal(bound.status, 200);
      assert.equal(bound.body.expiresAt, null);
      const guest = await connect(server, { token: bound.body.token as string, userId: 'someone' });
      assert.deepEqual([guest.session.userId, guest.session.role], ['~someone', 'member']);
      guest.socket.disconnect();
      const token = await post('/v1/rooms/proto-room/tokens', `{${poison}}`);
      assert.equal(token.status, 200);
      assert.equal(token.body.expiresAt, null);
      const viaToken = await connect(server, { token: token.body.token as string, userId: 'other' });
      assert.deepEqual([viaToken.session.userId, viaToken.session.role], ['~other', 'member']);
      viaToken.socket.disconnect();
      const grant = await post('/v1/rooms/proto-room/members', `{"userIds":["dan"],${poison}}`);
      assert.deepEqual([grant.status, grant.body.role], [200, 'member']);
      const ticket = await post('/v1/users/alice/tickets', `{${poison}}`);
      assert.equal(ticket.status, 200);
      assert.ok(ticket.body.expiresAt > Date.now() + skew + 3600 * 1000, 'the default lifetime, not the 60 s behind "__proto__"');
      const notified = await post('/v1/notifications', `{"users":["erin"],"content":{"text":"proto"},${poison}}`);
      assert.equal(notified.status, 201);
      // Prototype names as values.
      assertRestCoded(await post('/v1/room-binding', '{"roomId":{"__proto__":"x"}}'), 400, ERROR_CODES.INVALID_ROOM_ID, 'object room id');
      assertRestCoded(await post('/v1/room-binding', '{"roomId":"p","ttlSeconds":"__proto__"}'), 400, ERROR_CODES.INVALID_PAYLOAD, 'ttl');
      assertRestCoded(await post('/v1/rooms/proto-room/tokens', '{"role":"__proto__"}'), 400, ERROR_CODES.INVALID_PAYLOAD, 'role');
      assertRestCoded(await post('/v1/rooms/proto-room/tokens', '{"role":"constructor"}'), 400, ERROR_CODES.INVALID_PAYLOAD, 'role');
      assertRestCoded(await post('/v1/rooms/proto-room/members', '{"userIds":["dan"],"role":"toString"}'), 400, ERROR_CODES.INVALID_PAYLOAD, 'grant role');
      assertRestCoded(
        await post('/v1/notifications', '{"users":["dan"],"type":"__proto__","content":{"text":"x"}}'),
        400,
        ERROR_CODES.INVALID_PAYLOAD,
        'notification type',
      );
      assertRestCoded(
        await post('/v1/notifications', '{"users":["dan"],"content":{"text":"x"},"countUnread":"constructor"}'),
        400,
        ERROR_CODES.INVALID_PAYLOAD,
        'countUnread',
      );
    });
  });

  test('REST path params with encoded slashes, NULs, bad escapes and 1,000+ characters, and query strings with arrays', async () => {
    await attack('REST paths and queries', async () => {
      const cases: Array<[string, string, number, string]> = [
        ['DELETE', '/v1/room-binding/a%2Fb', 404, ERROR_CODES.ROOM_NOT_FOUND],
        ['DELETE', '/v1/room-binding/a%2F..%2F..%2Fhealth', 404, ERROR_CODES.ROOM_NOT_FOUND],
        ['DELETE', '/v1/room-binding/a%00b', 404, ERROR_CODES.ROOM_NOT_FOUND],
        ['DELETE', `/v1/room-binding/${'x'.repeat(1000)}`, 400, ERROR_CODES.INVALID_ROOM_ID],
        ['DELETE', `/v1/room-binding/${'x'.repeat(2000)}`, 414, ERROR_CODES.INVALID_PAYLOAD],
        ['DELETE', '/v1/room-binding/%', 400, ERROR_CODES.INVALID_PAYLOAD],
        ['DELETE', '/v1/room-binding/%E0%A4%A', 400, ERROR_CODES.INVALID_PAYLOAD],
        ['POST', '/v1/users/a%2Fb/tickets', 400, ERROR_CODES.INVALID_USER_ID],
        ['POST', '/v1/users/alice%00/tickets', 400, ERROR_CODES.INVALID_USER_ID],
        ['POST', `/v1/users/${'u'.repeat(1000)}/tickets`, 400, ERROR_CODES.INVALID_USER_ID],
        ['POST', `/v1/users/${'u'.repeat(2000)}/revoke`, 414, ERROR_CODES.INVALID_PAYLOAD],
        ['POST', `/v1/rooms/${'r'.repeat(1000)}/tokens`, 400, ERROR_CODES.INVALID_ROOM_ID],
        ['POST', '/v1/rooms/%00/members', 400, ERROR_CODES.INVALID_PAYLOAD],
        ['GET', '/v1/files/..%2F..%2Fim.sqlite', 404, ERROR_CODES.FILE_NOT_FOUND],
        ['GET', '/v1/files/%00', 404, ERROR_CODES.FILE_NOT_FOUND],
        ['GET', `/v1/files/${'f'.repeat(1000)}`, 404, ERROR_CODES.FILE_NOT_FOUND],
        ['GET', `/v1/files/${'f'.repeat(1000)}/small`, 404, ERROR_CODES.FILE_NOT_FOUND],
      ];
      for (const [method, path, status, code] of cases) {
        const response = await rest(server, method, path, method === 'POST' ? { body: '{}' } : {});
        assertRestCoded(response, status, code, `${method} ${path.slice(0, 60)}`);
      }
      // Query strings are not read by any route: arrays and prototype keys in them change nothing.
      const queries = [
        '?roomId=a&roomId=b',
        '?roomId[]=a&roomId[]=b',
        `?__proto__[${MARKER}]=1`,
        `?constructor[prototype][${MARKER}]=1`,
        `?${MARKER}=1&${MARKER}=2`,
        `?ttlSeconds=60&ttlSeconds=61`,
      ];
      for (const query of queries) {
        assert.deepEqual((await rest(server, 'GET', `/health${query}`, { key: null })).body, { ok: true });
        const ticket = await post(`/v1/users/alice/tickets${query}`, '');
        assert.equal(ticket.status, 200, query);
        assert.ok(ticket.body.expiresAt > Date.now() + skew + 3600 * 1000, `${query}: the lifetime came from the query`);
        assertRestCoded(await rest(server, 'DELETE', `/v1/room-binding/never-bound${query}`), 404, ERROR_CODES.ROOM_NOT_FOUND, query);
      }
    });
  });

  test('the heap stays bounded across every attack of this file', (t) => {
    // When no gc can be had (see findGc), heap figures would count garbage, not leaks.
    if (!gc) {
      t.skip('no gc available: heap growth cannot be told from garbage');
      return;
    }
    assertHeapBounded('all attacks');
    t.diagnostic(`largest heap growth after an attack: ${(heapWorst / 1024 / 1024).toFixed(1)} MB (bound ${HEAP_GROWTH_MAX / 1024 / 1024} MB)`);
    assert.ok(heapWorst < HEAP_GROWTH_MAX, `worst growth ${Math.round(heapWorst / 1024 / 1024)} MB`);
  });
});
