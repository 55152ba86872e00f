/**
 * A frame lost while the connection stays up (a cut poll, a proxy that dropped bytes): the
 * client sees the hole in its own stream at the next message and fetches it at once, without
 * a reconnect. The frames are dropped on the client side of the real Socket.IO client, so each
 * case is exact and repeatable; the SDK, the server and the database are the real ones.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Socket } from 'socket.io-client';
import type { StoredMessage } from '../../src/protocol/models.js';
import { IMClient } from '../../src/sdk/client.js';
import {
  bindRoom,
  cleanup,
  connect,
  requestOk,
  signIn,
  startServer,
  ticketFor,
  uuid,
  type TestServer,
} from '../server/helpers.js';

type Packet = { data?: unknown[] };
const socketPrototype = Socket.prototype as unknown as { onevent(packet: Packet): void };
const deliver = socketPrototype.onevent;
/** Decides per incoming event (name, payload, receiving socket) whether it is lost on the way. */
let lose: (event: string, payload: unknown, socket: Socket) => boolean = () => false;
const lost: Array<{ event: string; seq: number | undefined }> = [];

beforeEach(() => {
  lost.length = 0;
  lose = () => false;
  socketPrototype.onevent = function (this: Socket, packet: Packet) {
    const [event, payload] = (packet.data ?? []) as [string, unknown];
    if (lose(event, payload, this)) {
      lost.push({ event, seq: (payload as { seq?: number } | undefined)?.seq });
      return;
    }
    deliver.call(this, packet);
  };
});
afterEach(async () => {
  socketPrototype.onevent = deliver;
  for (const client of clients.splice(0)) client.close();
  await cleanup();
});

const clients: IMClient[] = [];

function sdk(server: TestServer, options: Partial<ConstructorParameters<typeof IMClient>[0]>): IMClient {
  const client = new IMClient({ server: server.url, cache: 'memory', reconnectDelayMs: 100, reconnectDelayMaxMs: 500, ...options });
  clients.push(client);
  return client;
}

/** Resolves once the client's session is ready. */
function ready(client: IMClient): Promise<void> {
  return new Promise((resolve) => client.once('connected', () => resolve()));
}

/** Every stored message the client's listeners heard, by seq (duplicates are kept, to be caught). */
function heard(client: IMClient): number[] {
  const seqs: number[] = [];
  client.on('message', (message) => {
    if (message.seq !== undefined) seqs.push(message.seq);
  });
  return seqs;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The one IMClient socket among the sockets a test has (test sockets have no SDK listeners). */
const ofClient = (client: IMClient) => (socket: Socket) => (client as unknown as { transport: { socket?: Socket } }).transport.socket === socket;

/** A room with a receiving SDK client (connected, listened to) and a raw sending socket. */
async function room() {
  const server = await startServer();
  const token = await bindRoom(server, 'r');
  const receiver = sdk(server, { token, userId: 'rx' });
  const seqs = heard(receiver);
  const states: string[] = [];
  receiver.on('state', ({ state }) => states.push(state));
  receiver.connect();
  await ready(receiver);
  const sender = await connect(server, { token, userId: 'tx' });
  return { receiver, seqs, states, isReceiver: ofClient(receiver), sender };
}

describe('holes in a live stream are found and filled without a reconnect', () => {
  test('room: a message lost in the middle is fetched when the next one names it as its prev', async () => {
    const { seqs, states, isReceiver, sender } = await room();
    lose = (event, payload, socket) => isReceiver(socket) && event === 'message:created' && (payload as StoredMessage).seq === 3;
    for (let n = 1; n <= 6; n += 1) await requestOk(sender.socket, 'message:send', { clientMsgId: uuid(), content: `m${n}` });
    await until(() => seqs.length >= 6, 'all six messages');
    assert.deepEqual(lost, [{ event: 'message:created', seq: 3 }]);
    assert.deepEqual(seqs.slice().sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(states.filter((state) => state === 'reconnecting'), [], 'filled without a reconnect');
  });

  test('room: a lost skip, a lost message targeted to me, and messages of another class never leave a false or a real hole', async () => {
    const { seqs, isReceiver, sender } = await room();
    const send = (content: string, extra: Record<string, unknown> = {}) =>
      requestOk<{ seq: number }>(sender.socket, 'message:send', { clientMsgId: uuid(), content, ...extra });

    const toOther = await send('for someone else', { users: ['other'] });
    const toMe = await send('for rx', { users: ['rx'] });
    lose = (event, payload, socket) =>
      isReceiver(socket) && (event === 'message:skipped' || event === 'message:created') && [toOther.seq + 2, toOther.seq + 3].includes((payload as { seq: number }).seq);
    const lostSkip = await send('again for someone else', { users: ['other'] }); // seq toOther + 2: skipped, and lost
    const lostToMe = await send('again for rx', { users: ['rx'] }); // seq toOther + 3: lost
    await send('for class k', { classId: 'k' });
    const last = await send('for everyone');
    await until(() => seqs.includes(last.seq), 'the last message');
    await until(() => seqs.includes(lostToMe.seq), 'the lost targeted message');
    assert.deepEqual(lost.map((entry) => entry.seq), [lostSkip.seq, lostToMe.seq]);
    assert.deepEqual(seqs.slice().sort((a, b) => a - b), [toMe.seq, lostToMe.seq, last.seq]);
  });

  test('signed-in user: a lost message of an open conversation is fetched; the list counts it', async () => {
    const server = await startServer();
    const bob = await signIn(server, 'bob');
    const { id } = await requestOk<{ id: string }>(bob.socket, 'conversation:open-direct', { userId: 'ann' });
    await requestOk(bob.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: 'hi ann' } });
    const ann = sdk(server, { ticket: await ticketFor(server, 'ann') });
    const seqs = heard(ann);
    ann.connect();
    await ready(ann);
    // A view follows the conversation: its latest page, then every live message.
    const views: number[][] = [];
    const stop = ann.messages.observe(id, 50, (messages) => views.push(messages.flatMap((message) => (message.seq === undefined ? [] : [message.seq]))));
    await until(() => views.some((view) => view.includes(1)), 'the first page');
    const isAnn = ofClient(ann);
    lose = (event, payload, socket) => isAnn(socket) && event === 'message:created' && (payload as StoredMessage).seq === 3;
    for (let n = 2; n <= 5; n += 1) await requestOk(bob.socket, 'message:send', { conversationId: id, clientMsgId: uuid(), content: { text: `m${n}` } });
    await until(() => views.at(-1)?.join() === '1,2,3,4,5', 'all five in the view');
    stop();
    assert.deepEqual(lost.map((entry) => entry.seq), [3]);
    assert.equal(new Set(seqs).size, seqs.length, 'no message twice');
    const conversation = await ann.conversations.get(id);
    assert.equal(conversation?.unreadCount, 5);
  });

  test('the last message lost with a dying connection comes back with the reconnect', async () => {
    const { receiver, seqs, isReceiver, sender } = await room();
    await requestOk(sender.socket, 'message:send', { clientMsgId: uuid(), content: 'one' });
    await until(() => seqs.includes(1), 'the first');
    lose = (event, _payload, socket) => isReceiver(socket) && event === 'message:created';
    await requestOk(sender.socket, 'message:send', { clientMsgId: uuid(), content: 'two' });
    await until(() => lost.length === 1, 'the loss');
    lose = () => false;
    const back = ready(receiver);
    receiver.simulateNetworkDrop();
    await back;
    await until(() => seqs.includes(2), 'the lost one after the reconnect');
    assert.deepEqual(seqs, [1, 2]);
  });
});
