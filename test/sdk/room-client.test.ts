import { expect } from '@open-wc/testing';
import { IMClient } from '../../src/sdk/client.js';
import type { CachedMessage } from '../../src/sdk/cache/types.js';
import type { SignalMessage } from '../../src/protocol/models.js';
import { bindRoom, connected, nextEvent, testServer, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];

function client(token: string, userId: string, extra: Partial<ConstructorParameters<typeof IMClient>[0]> = {}): IMClient {
  const created = new IMClient({ server: testServer.server, token, userId, reconnectDelayMs: 200, reconnectDelayMaxMs: 1000, ...extra });
  clients.push(created);
  return created;
}

async function online(token: string, userId: string, extra: Partial<ConstructorParameters<typeof IMClient>[0]> = {}): Promise<IMClient> {
  const created = client(token, userId, extra);
  created.connect();
  await connected(created);
  return created;
}

/** What a fresh client with an empty cache gets from the server: the truth to compare with. */
async function serverView(token: string, userId: string): Promise<Array<{ seq: number; content: unknown; senderId: string }>> {
  const fresh = await online(token, uniqueId(userId).slice(0, 32), { cache: 'memory' });
  const all: Array<{ seq: number; content: unknown; senderId: string }> = [];
  let after = 0;
  for (;;) {
    const page = await fresh.messages.history({ after, limit: 100 });
    all.push(...page.messages.map((m) => ({ seq: m.seq, content: m.content, senderId: m.senderId })));
    if (!page.hasMore) break;
    after = page.messages.at(-1)!.seq;
  }
  return all;
}

const summary = (messages: CachedMessage[]) =>
  messages.filter((m) => m.seq !== undefined).map((m) => ({ seq: m.seq!, content: m.content, senderId: m.senderId }));

function viewOf(c: IMClient, limit = 1000): Promise<CachedMessage[]> {
  return new Promise((resolve) => {
    const off = c.messages.observe(c.conversationId, limit, (messages) => {
      queueMicrotask(off);
      resolve(messages);
    });
  });
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('IMClient in a room', () => {
  it('delivers all three kinds of message between two users', async () => {
    const { token } = await bindRoom();
    const alice = await online(token, uniqueId('alice'));
    const bob = await online(token, uniqueId('bob'));
    const carol = await online(token, uniqueId('carol'));

    const roomSignal = nextEvent(bob, 'signal');
    await alice.broadcast({ kind: 'wave', n: 1 });
    const [room] = (await roomSignal) as [SignalMessage];
    expect(room.kind).to.equal('room');
    expect(room.senderId).to.equal(alice.userId);
    expect(room.content).to.deep.equal({ kind: 'wave', n: 1 });

    const carolSignals: SignalMessage[] = [];
    carol.on('signal', (signal) => carolSignals.push(signal));
    const command = nextEvent(bob, 'signal');
    await alice.command('only for bob', bob.userId);
    const [custom] = (await command) as [SignalMessage];
    expect(custom.kind).to.equal('custom');
    expect(custom.content).to.equal('only for bob');

    const stored = nextEvent(bob, 'message');
    const sent = await alice.messages.send(alice.conversationId, { text: 'stored', list: [1, 2] });
    const [received, meta] = await stored;
    expect(sent.status).to.equal('sent');
    expect(sent.seq).to.equal(1);
    expect(received.seq).to.equal(1);
    expect(received.content).to.deep.equal({ text: 'stored', list: [1, 2] });
    expect(meta.history).to.equal(false);

    // Carol got the stored message (it is for everyone) but never the command for Bob.
    await until(async () => (await viewOf(carol)).some((m) => m.seq === 1), 'carol to get the stored message');
    expect(carolSignals.map((s) => s.content)).to.not.include('only for bob');
  });

  it('stores a targeted message for its recipients only', async () => {
    const { token } = await bindRoom();
    const alice = await online(token, uniqueId('alice'));
    const bob = await online(token, uniqueId('bob'));
    const carol = await online(token, uniqueId('carol'));
    const bobGets = nextEvent(bob, 'message');
    await alice.messages.send(alice.conversationId, 'psst', { users: [bob.userId] });
    await bobGets;
    const carolGets = nextEvent(carol, 'message');
    await alice.messages.send(alice.conversationId, 'for everyone');
    const [first] = await carolGets;
    expect(first.content).to.equal('for everyone');
    expect((await carol.messages.history()).messages.map((m) => m.content)).to.deep.equal(['for everyone']);
    expect((await bob.messages.history()).messages.map((m) => m.content)).to.deep.equal(['psst', 'for everyone']);
  });

  it('keeps unsent messages across a reload and sends them in order', async () => {
    const { token } = await bindRoom();
    const userId = uniqueId('writer');
    const reader = await online(token, uniqueId('reader'));

    // A page that never got online: the sends wait in the IndexedDB outbox.
    const offline = client(token, userId);
    const pending = ['one', 'two', 'three'].map((text) => offline.messages.send(offline.conversationId, text).catch(() => undefined));
    await until(async () => (await viewOf(offline)).filter((m) => m.status === 'sending').length === 3, 'three queued sends');
    offline.close();
    await Promise.all(pending);

    // The "reloaded" page: same server and user, so the same cache and outbox.
    const received: unknown[] = [];
    reader.on('message', (m) => received.push(m.content));
    const reloaded = await online(token, userId);
    await until(() => received.length === 3, 'the reader to get the three messages');
    expect(received).to.deep.equal(['one', 'two', 'three']);
    await until(async () => (await viewOf(reloaded)).every((m) => m.status === 'sent'), 'all sent');
    const view = await viewOf(reloaded);
    expect(view.map((m) => [m.seq, m.content])).to.deep.equal([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('misses nothing and duplicates nothing across reconnects while messages flow', async () => {
    const { token } = await bindRoom();
    const sender = await online(token, uniqueId('sender'));
    const listener = await online(token, uniqueId('listener'));
    const sends: Promise<unknown>[] = [];
    const total = 60;
    for (let i = 1; i <= total; i += 1) {
      sends.push(sender.messages.send(sender.conversationId, `m${i}`));
      if (i === 10 || i === 35) {
        // The listener's network drops while the sender keeps going.
        const back = nextEvent(listener, 'connected', ({ reconnect }) => reconnect);
        listener.simulateNetworkDrop();
        await back;
      }
      if (i === 20 || i === 50) {
        // The sender's network drops with sends in flight: they are retried with the same ids.
        const back = nextEvent(sender, 'connected', ({ reconnect }) => reconnect);
        sender.simulateNetworkDrop();
        await back;
      }
    }
    await Promise.all(sends);
    const truth = await serverView(token, 'truth');
    // Every message stored exactly once, in the order it was sent, numbered without holes.
    expect(truth.map((m) => m.content)).to.deep.equal(Array.from({ length: total }, (_, k) => `m${k + 1}`));
    expect(truth.map((m) => m.seq)).to.deep.equal(Array.from({ length: total }, (_, k) => k + 1));
    await until(async () => summary(await viewOf(listener)).length === total, 'the listener to catch up');
    expect(summary(await viewOf(listener))).to.deep.equal(truth);
    expect(summary(await viewOf(sender))).to.deep.equal(truth);
  });

  it('shows cached history before connecting and reports connection states', async () => {
    const { token } = await bindRoom();
    const userId = uniqueId('cached');
    const first = await online(token, userId);
    await first.messages.send(first.conversationId, 'remember me');
    first.close();

    const states: string[] = [];
    const second = client(token, userId);
    second.on('state', ({ state }) => states.push(state));
    const view = await viewOf(second);
    expect(second.state).to.equal('disconnected');
    expect(view.map((m) => m.content)).to.deep.equal(['remember me']);
    second.connect();
    await connected(second);
    expect(states).to.deep.equal(['connecting', 'connected']);
    const dropped = nextEvent(second, 'state', ({ state }) => state === 'reconnecting');
    second.simulateNetworkDrop();
    await dropped;
    await nextEvent(second, 'connected');
    expect(second.state).to.equal('connected');
  });

  it('reports a refused connection with a coded error and does not retry', async () => {
    const bad = client('v1.eyJyIjoieCIsImciOjEsImlhdCI6MX0.forged', uniqueId('eve'));
    const error = nextEvent(bad, 'connect_error');
    bad.connect();
    const [refused] = await error;
    expect(refused.code).to.equal('TOKEN_INVALID');
    expect(bad.state).to.equal('disconnected');
  });

  it('marks a message that the server refuses as failed, with its code', async () => {
    const { token } = await bindRoom();
    const alice = await online(token, uniqueId('alice'));
    let error: unknown;
    try {
      await alice.messages.send(alice.conversationId, 'x'.repeat(17 * 1024));
    } catch (caught) {
      error = caught;
    }
    expect((error as { code?: string }).code).to.equal('CONTENT_TOO_LARGE');
    const [failed] = (await viewOf(alice)).filter((m) => m.status === 'failed');
    expect(failed?.error?.code).to.equal('CONTENT_TOO_LARGE');
    // A later message is unaffected and gets the first seq: the refused one changed nothing.
    const ok = await alice.messages.send(alice.conversationId, 'fine');
    expect(ok.seq).to.equal(1);
  });

  it('settles a send that another tab of the same user delivered first', async () => {
    const { token } = await bindRoom();
    const userId = uniqueId('tabs');
    const reader = await online(token, uniqueId('reader'));
    // Tab 1 queues a message while offline; tab 2 (same cache, so the same outbox) sends it.
    const tab1 = client(token, userId);
    const sent = tab1.messages.send(tab1.conversationId, 'from tab 1');
    await until(async () => (await viewOf(tab1)).some((m) => m.status === 'sending'), 'the queued message');
    const delivered = nextEvent(reader, 'message');
    await online(token, userId);
    expect((await delivered)[0].content).to.equal('from tab 1');
    // Tab 1 connects later: its outbox is empty by then, and its send still resolves.
    tab1.connect();
    const result = await sent;
    expect(result.status).to.equal('sent');
    expect(result.seq).to.equal(1);
  });

  it('tells every tab of the same user about new messages', async () => {
    const { token } = await bindRoom();
    const userId = uniqueId('tabs');
    const tabA = await online(token, userId);
    const tabB = await online(token, userId);
    const sender = await online(token, uniqueId('sender'));
    const inA = nextEvent(tabA, 'message');
    const inB = nextEvent(tabB, 'message');
    await sender.messages.send(sender.conversationId, 'to both tabs');
    expect((await inA)[0].content).to.equal('to both tabs');
    expect((await inB)[0].content).to.equal('to both tabs');
  });

  it('loads the whole history of a class it switches to', async () => {
    const { token } = await bindRoom();
    const bob = await online(token, uniqueId('bob'), { classId: 'class-b', cache: 'memory' });
    await bob.messages.send(bob.conversationId, 'b1');
    await bob.messages.send(bob.conversationId, 'b2');
    const alice = await online(token, uniqueId('alice'), { classId: 'class-a' });
    await bob.messages.send(bob.conversationId, 'b3');
    await alice.setClassId('class-b');
    const view = await viewOf(alice);
    expect(view.map((m) => m.content)).to.deep.equal(['b1', 'b2', 'b3']);
  });

  it('counts the distinct users online in the room', async () => {
    const { token } = await bindRoom();
    const alice = await online(token, uniqueId('alice'), { cache: 'memory' });
    expect(alice.roomOnline).to.equal(1);
    const two = nextEvent(alice, 'room:online', (count) => count === 2);
    const bobId = uniqueId('bob');
    const bob = await online(token, bobId, { cache: 'memory' });
    await two;
    expect(bob.roomOnline).to.equal(2);
    // A second tab of the same user is not another person.
    const bobTab = await online(token, bobId, { cache: 'memory' });
    expect(bobTab.roomOnline).to.equal(2);
    const one = nextEvent(alice, 'room:online', (count) => count === 1);
    bob.close();
    bobTab.close();
    await one;
    expect(alice.roomOnline).to.equal(1);
  });

  it('a guest uploads a file under its own name (the token names no user), and is known as ~ + its id', async () => {
    const { token } = await bindRoom();
    const id = uniqueId('gu');
    const guest = await online(token, id, { cache: 'memory' });
    expect(guest.userId).to.equal(`~${id}`);
    const file = await guest.files.upload(new Blob(['notes for the class'], { type: 'text/plain' }), { name: 'notes.txt' });
    expect([file.name, file.kind, file.size]).to.deep.equal(['notes.txt', 'file', 19]);
    const served = await fetch(guest.files.url(file.url));
    expect(await served.text()).to.equal('notes for the class');
  });
});
