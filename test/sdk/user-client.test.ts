import { expect } from '@open-wc/testing';
import { IMClient, type IMClientOptions } from '../../src/sdk/client.js';
import { receiptsOf, type CachedConversation } from '../../src/sdk/cache/types.js';
import { connected, nextEvent, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function signIn(userId: string, extra: Partial<IMClientOptions> = {}): Promise<IMClient> {
  const { ticket } = await ticketFor(userId);
  const client = new IMClient({ server: testServer.server, ticket, reconnectDelayMs: 200, reconnectDelayMaxMs: 1000, ...extra });
  clients.push(client);
  client.connect();
  await connected(client);
  return client;
}

/** The listed conversations, once `check` holds for them. */
async function listWhere(client: IMClient, check: (list: CachedConversation[]) => boolean, what: string): Promise<CachedConversation[]> {
  let latest: CachedConversation[] = [];
  await until(async () => check((latest = await client.conversations.list())), what);
  return latest;
}

const textOf = (conversation: CachedConversation | undefined) =>
  (conversation?.lastMessage?.content as { text?: string } | undefined)?.text;

/** HS256 JWT minted in the page, as a site's backend would (here with the admin key, the default ticket secret). */
async function mintTicket(sub: string, exp: number): Promise<string> {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, iat: Math.min(exp, Math.floor(Date.now() / 1000)), exp })}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(testServer.ticketSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return `${body}.${btoa(String.fromCharCode(...signature)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
}

describe('IMClient for signed-in users', () => {
  it('chats 1:1 with unread counts and read state', async () => {
    const alice = await signIn(uniqueId('alice'));
    const bob = await signIn(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    expect(direct.type).to.equal('direct');
    expect(direct.peerId).to.equal(bob.userId);

    const sent = await alice.messages.send(direct.id, 'hi Bob');
    expect(sent.seq).to.equal(1);
    expect(sent.content).to.deep.equal({ text: 'hi Bob' });
    const [bobView] = await listWhere(bob, (list) => list.some((c) => c.id === direct.id && c.unreadCount === 1), "bob's unread");
    expect(bobView!.peerId).to.equal(alice.userId);
    expect(textOf(bobView)).to.equal('hi Bob');
    expect(await bob.conversations.totalUnread()).to.equal(1);

    await bob.conversations.markRead(direct.id);
    expect((await bob.conversations.get(direct.id))!.unreadCount).to.equal(0);
    const [aliceView] = await alice.conversations.list();
    expect(textOf(aliceView)).to.equal('hi Bob');
    expect(aliceView!.unreadCount).to.equal(0, 'own messages never count as unread');
  });

  it('runs a group of three with mentions, mute and the total unread', async () => {
    const carol = await signIn(uniqueId('carol'));
    const alice = await signIn(uniqueId('alice'));
    const bob = await signIn(uniqueId('bob'));
    const group = await carol.conversations.createGroup('Project', [alice.userId, bob.userId]);
    expect(group.role).to.equal('owner');
    expect(group.memberCount).to.equal(3);
    await listWhere(alice, (list) => list.some((c) => c.id === group.id), 'the group in alice’s list');
    await listWhere(bob, (list) => list.some((c) => c.id === group.id), 'the group in bob’s list');

    const bobGets = nextEvent(bob, 'message', (m) => m.type === 'text');
    await carol.messages.send(group.id, `@${bob.userId} please review`, { mentions: [bob.userId] });
    await bobGets;
    const [bobGroup] = await listWhere(bob, (list) => list[0]?.mentioned === true, 'the @-me mark');
    expect(bobGroup!.unreadCount).to.equal(1);
    const aliceGroup = (await listWhere(alice, (list) => list[0]?.unreadCount === 1, 'alice’s unread'))[0]!;
    expect(aliceGroup.mentioned).to.equal(false);

    await alice.conversations.setMuted(group.id, true);
    expect(await alice.conversations.totalUnread()).to.equal(0, 'muted conversations leave the total');
    expect((await alice.conversations.get(group.id))!.unreadCount).to.equal(1);

    // History in the group: the server's tip first, then the message.
    const history = await bob.messages.history({ conversationId: group.id });
    expect(history.messages.map((m) => m.type)).to.deep.equal(['tip', 'text']);
  });

  it('keeps read state and pins in step across two devices of one user', async () => {
    const userId = uniqueId('dana');
    const phone = await signIn(userId, { cache: 'memory' });
    const laptop = await signIn(userId, { cache: 'memory' });
    const peer = await signIn(uniqueId('erin'));
    const direct = await peer.conversations.openDirect(userId);
    await peer.messages.send(direct.id, 'one');
    await peer.messages.send(direct.id, 'two');
    await listWhere(phone, (list) => list[0]?.unreadCount === 2, 'two unread on the phone');
    await listWhere(laptop, (list) => list[0]?.unreadCount === 2, 'two unread on the laptop');

    await phone.conversations.markRead(direct.id);
    await listWhere(laptop, (list) => list[0]?.unreadCount === 0, 'the laptop to follow the read');
    await phone.conversations.setPinned(direct.id, true);
    await listWhere(laptop, (list) => list[0]?.pinned === true, 'the laptop to follow the pin');

    // Each device gets the messages the other one sends.
    const onLaptop = nextEvent(laptop, 'message');
    await phone.messages.send(direct.id, 'sent from the phone');
    expect((await onLaptop)[0].content).to.deep.equal({ text: 'sent from the phone' });
  });

  it('hides a conversation until a new message arrives', async () => {
    const frank = await signIn(uniqueId('frank'));
    const gina = await signIn(uniqueId('gina'));
    const direct = await frank.conversations.openDirect(gina.userId);
    await frank.messages.send(direct.id, 'first');
    await listWhere(gina, (list) => list.length === 1, 'the conversation');
    await gina.conversations.hide(direct.id);
    expect(await gina.conversations.list()).to.deep.equal([]);
    await frank.messages.send(direct.id, 'are you there?');
    const [back] = await listWhere(gina, (list) => list.length === 1, 'the conversation to come back');
    expect(textOf(back)).to.equal('are you there?');
    expect(back!.unreadCount).to.equal(1);
  });

  it('misses nothing across a reconnect while messages flow', async () => {
    const hank = await signIn(uniqueId('hank'));
    const ivyId = uniqueId('ivy');
    const ivy = await signIn(ivyId);
    const direct = await hank.conversations.openDirect(ivyId);
    await listWhere(ivy, (list) => list.length === 1, 'the conversation');
    // Ivy's view of the conversation is open, so its messages are cached as they come.
    const off = ivy.messages.observe(direct.id, 100, () => {});
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= 30; i += 1) {
      sends.push(hank.messages.send(direct.id, `m${i}`));
      if (i === 10) {
        const back = nextEvent(ivy, 'connected', ({ reconnect }) => reconnect);
        ivy.simulateNetworkDrop();
        await back;
      }
    }
    await Promise.all(sends);
    const texts = async (client: IMClient) => {
      const view = await new Promise<{ content: unknown; seq?: number }[]>((resolve) => {
        const stop = client.messages.observe(direct.id, 1000, (messages) => {
          queueMicrotask(stop);
          resolve(messages);
        });
      });
      return view.filter((m) => m.seq !== undefined).map((m) => (m.content as { text: string }).text);
    };
    const expected = Array.from({ length: 30 }, (_, k) => `m${k + 1}`);
    await until(async () => (await texts(ivy)).length === 30, 'ivy to catch up');
    expect(await texts(ivy)).to.deep.equal(expected);
    off();
  });

  it('sends messages queued while offline after a reload, in order', async () => {
    const hank = await signIn(uniqueId('hank'));
    const ivyId = uniqueId('ivy');
    const direct = await hank.conversations.openDirect(ivyId);
    // A page that never got online queues two messages in its outbox.
    const { ticket } = await ticketFor(ivyId);
    const offline = new IMClient({ server: testServer.server, ticket });
    const queued = [offline.messages.send(direct.id, 'queued 1'), offline.messages.send(direct.id, 'queued 2')].map((p) =>
      p.catch(() => undefined),
    );
    await until(
      () =>
        new Promise<boolean>((resolve) => {
          const stop = offline.messages.observe(direct.id, 10, (messages) => {
            queueMicrotask(stop);
            resolve(messages.filter((m) => m.status === 'sending').length === 2);
          });
        }),
      'two queued messages',
    );
    offline.close();
    await Promise.all(queued);
    const received: string[] = [];
    hank.on('message', (m) => received.push((m.content as { text: string }).text));
    await signIn(ivyId);
    await until(() => received.length === 2, 'the queued messages');
    expect(received).to.deep.equal(['queued 1', 'queued 2']);
  });

  it('asks for a fresh ticket when the one it has is refused as expired', async () => {
    const userId = uniqueId('jo');
    const expired = await mintTicket(userId, Math.floor(Date.now() / 1000) - 10);
    let refreshed = 0;
    const client = new IMClient({
      server: testServer.server,
      ticket: expired,
      refreshTicket: async () => {
        refreshed += 1;
        return (await ticketFor(userId)).ticket;
      },
    });
    clients.push(client);
    const refusal = nextEvent(client, 'connect_error');
    client.connect();
    expect((await refusal)[0].code).to.equal('TICKET_EXPIRED');
    await connected(client);
    expect(refreshed).to.equal(1);
  });

  it('a view of a conversation the user is not in neither loads nor drops the connection', async () => {
    const dana = await signIn(uniqueId('dana'));
    const drops: string[] = [];
    dana.on('state', ({ state }) => drops.push(state));
    const off = dana.messages.observe('group:not-mine', 50, () => undefined);
    dana.simulateNetworkDrop();
    await nextEvent(dana, 'connected');
    const sent = await dana.messages.send((await dana.conversations.openDirect(uniqueId('erin'))).id, 'still working');
    expect(sent.status).to.equal('sent');
    expect(drops.filter((state) => state === 'reconnecting').length).to.equal(1, 'one drop (ours), no reconnect loop');
    off();
  });

  it('gives up without looping on a forged ticket', async () => {
    const forged = (await mintTicket(uniqueId('kim'), Math.floor(Date.now() / 1000) + 3600)).slice(0, -2) + 'xx';
    const client = new IMClient({ server: testServer.server, ticket: forged, refreshTicket: async () => forged });
    clients.push(client);
    const refusal = nextEvent(client, 'connect_error');
    client.connect();
    expect((await refusal)[0].code).to.equal('TICKET_INVALID');
    expect(client.state).to.equal('disconnected');
  });

  it('shows who is typing, and drops them when their message arrives', async () => {
    const lee = await signIn(uniqueId('lee'));
    const max = await signIn(uniqueId('max'));
    const direct = await lee.conversations.openDirect(max.userId);
    await listWhere(max, (list) => list.length === 1, 'the conversation');
    const started = nextEvent(max, 'typing', ({ userIds }) => userIds.length === 1);
    await lee.typing.set(direct.id, true);
    expect((await started)[0]).to.deep.equal({ conversationId: direct.id, userIds: [lee.userId] });
    expect(max.typing.who(direct.id)).to.deep.equal([lee.userId]);
    const stopped = nextEvent(max, 'typing', ({ userIds }) => userIds.length === 0);
    await lee.messages.send(direct.id, 'done typing');
    await stopped;
    expect(max.typing.who(direct.id)).to.deep.equal([]);
  });

  it('tells who is online, and when someone goes offline', async () => {
    const nia = await signIn(uniqueId('nia'));
    const omar = await signIn(uniqueId('omar'));
    await nia.conversations.openDirect(omar.userId);
    expect(await nia.presence.query([omar.userId, 'nobody-here'])).to.deep.equal([omar.userId]);
    expect(nia.presence.isOnline(omar.userId)).to.equal(true);
    const offline = nextEvent(nia, 'presence', ({ userId, online }) => userId === omar.userId && !online);
    omar.close();
    await offline;
    expect(nia.presence.isOnline(omar.userId)).to.equal(false);
    const online = nextEvent(nia, 'presence', ({ userId, online }) => userId === omar.userId && online);
    await signIn(omar.userId);
    await online;
  });

  it('recalls, edits, reacts and deletes for me, also for a device that was away', async () => {
    const pat = await signIn(uniqueId('pat'));
    const quinnId = uniqueId('quinn');
    const quinn = await signIn(quinnId);
    const direct = await pat.conversations.openDirect(quinnId);
    await listWhere(quinn, (list) => list.length === 1, 'the conversation');
    const viewOf = (client: IMClient) =>
      new Promise<import('../../src/sdk/cache/types.js').CachedMessage[]>((resolve) => {
        const stop = client.messages.observe(direct.id, 100, (messages) => {
          queueMicrotask(stop);
          resolve(messages.filter((m) => m.seq !== undefined));
        });
      });
    const quinnGets = nextEvent(quinn, 'message', (m) => m.seq === 3);
    const first = await pat.messages.send(direct.id, 'typo heer');
    const second = await pat.messages.send(direct.id, 'oops, wrong chat');
    await pat.messages.send(direct.id, 'third');
    await quinnGets;

    const edited = nextEvent(quinn, 'message:update', (m) => m.seq === first.seq && m.editedAt != null);
    await pat.messages.edit(direct.id, first.seq!, 'typo here');
    expect((await edited)[0].content).to.deep.equal({ text: 'typo here' });

    const recalled = nextEvent(quinn, 'message:update', (m) => m.seq === second.seq && m.recalled != null);
    await pat.messages.recall(direct.id, second.seq!);
    const [tombstone] = await recalled;
    expect(tombstone.content).to.equal(null);
    expect(tombstone.recalled!.by).to.equal(pat.userId);

    const reacted = nextEvent(pat, 'message:update', (m) => m.seq === first.seq && Object.keys(m.reactions ?? {}).length > 0);
    await quinn.messages.react(direct.id, first.seq!, '👍');
    expect((await reacted)[0].reactions).to.deep.equal({ '👍': [quinnId] });

    // Quinn's second device is away while Pat edits again and Quinn deletes a message for herself.
    const { ticket } = await ticketFor(quinnId);
    const tablet = new IMClient({ server: testServer.server, ticket, cache: 'memory' });
    clients.push(tablet);
    const stopTablet = tablet.messages.observe(direct.id, 100, () => {});
    tablet.connect();
    await connected(tablet);
    await until(async () => (await viewOf(tablet)).length === 3, 'the tablet to load the conversation');
    tablet.disconnect();
    await pat.messages.edit(direct.id, first.seq!, 'typo here (fixed twice)');
    await quinn.messages.deleteForMe(direct.id, 3);
    tablet.connect();
    await until(async () => {
      const view = await viewOf(tablet);
      return view.length === 2 && (view[0]!.content as { text: string }).text === 'typo here (fixed twice)';
    }, 'the tablet to catch up on the edit and the deletion');
    const tabletView = await viewOf(tablet);
    expect(tabletView[1]!.recalled?.by).to.equal(pat.userId);
    stopTablet();
    // Pat still has the message Quinn deleted for herself.
    expect((await viewOf(pat)).map((m) => m.seq)).to.deep.equal([1, 2, 3]);
  });

  it('shows delivered and read receipts, and who in a group has read', async () => {
    const rae = await signIn(uniqueId('rae'));
    const sam = await signIn(uniqueId('sam'));
    const tia = await signIn(uniqueId('tia'));
    const direct = await rae.conversations.openDirect(sam.userId);
    const stop = rae.messages.observe(direct.id, 50, () => {});
    const sent = await rae.messages.send(direct.id, 'did you get this?');
    const statusOf = async (conversationId: string) => receiptsOf(await rae.conversations.get(conversationId), sent);
    await until(async () => (await statusOf(direct.id)).status === 'delivered', 'delivered to sam');
    await listWhere(sam, (list) => list[0]?.unreadCount === 1, 'sam’s unread');
    await sam.conversations.markRead(direct.id);
    await until(async () => (await statusOf(direct.id)).status === 'read', 'read by sam');
    stop();

    const group = await rae.conversations.createGroup('Trio', [sam.userId, tia.userId]);
    const stopGroup = rae.messages.observe(group.id, 50, () => {});
    const question = await rae.messages.send(group.id, 'who has read this?');
    await listWhere(tia, (list) => list.some((c) => c.id === group.id && c.lastSeq >= question.seq!), 'tia to get it');
    await tia.conversations.markRead(group.id);
    await until(async () => receiptsOf(await rae.conversations.get(group.id), question).readBy.length === 1, 'tia’s read');
    const receipts = receiptsOf(await rae.conversations.get(group.id), question);
    expect(receipts.readBy).to.deep.equal([tia.userId]);
    expect(receipts.unreadBy).to.deep.equal([sam.userId]);
    stopGroup();
  });

  it('searches cached messages by text, sender, type and time, offline too', async () => {
    const uma = await signIn(uniqueId('uma'));
    const vic = await signIn(uniqueId('vic'));
    const direct = await uma.conversations.openDirect(vic.userId);
    const group = await uma.conversations.createGroup('Café', [vic.userId]);
    const before = Date.now();
    await uma.messages.send(direct.id, 'The Café opens at nine');
    await vic.messages.send(direct.id, 'see you at the cafe');
    await uma.messages.send(group.id, 'Agenda for the café meeting');
    await uma.messages.send(group.id, { poll: 'coffee?' }, { type: 'custom' });
    const recalled = await uma.messages.send(group.id, 'cafe secret');
    await uma.messages.recall(group.id, recalled.seq!);
    // Vic's message reaches Uma's cache through the open view.
    const stop = uma.messages.observe(direct.id, 50, () => {});
    await until(async () => (await uma.messages.search({ senderId: vic.userId })).length === 1, 'vic’s message in the cache');
    stop();
    uma.disconnect();

    const texts = (found: { content: unknown }[]) => found.map((m) => (m.content as { text?: string }).text ?? m.content);
    expect(texts(await uma.messages.search({ text: 'CAFE' }))).to.deep.equal([
      'Agenda for the café meeting',
      'see you at the cafe',
      'The Café opens at nine',
    ]);
    expect(texts(await uma.messages.search({ text: 'cafe', conversationId: direct.id, senderId: uma.userId }))).to.deep.equal([
      'The Café opens at nine',
    ]);
    expect(texts(await uma.messages.search({ type: 'custom' }))).to.deep.equal([{ data: { poll: 'coffee?' }, description: '' }]);
    expect(await uma.messages.search({ text: 'secret' })).to.deep.equal([], 'recalled messages are not found');
    expect(await uma.messages.search({ text: 'cafe', to: before - 1 })).to.deep.equal([]);
    expect(texts(await uma.messages.search({ text: 'agenda meeting' }))).to.deep.equal(['Agenda for the café meeting']);
  });
});
