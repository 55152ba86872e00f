import { expect } from '@open-wc/testing';
import { IMClient, type IMClientOptions } from '../../src/sdk/client.js';
import { IMError } from '../../src/sdk/errors.js';
import { cacheName, DexieCache } from '../../src/sdk/cache/dexie-cache.js';
import type { FileInfo } from '../../src/protocol/models.js';
import { bindRoom, connected, nextEvent, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function client(userId: string, extra: Partial<IMClientOptions> = {}, connect = true): Promise<IMClient> {
  const { ticket } = await ticketFor(userId);
  const c = new IMClient({ server: testServer.server, ticket, reconnectDelayMs: 200, reconnectDelayMaxMs: 1000, ...extra });
  clients.push(c);
  if (connect) {
    c.connect();
    await connected(c);
  }
  return c;
}

/** A PNG drawn in the page. */
function png(width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#3a7';
  context.fillRect(0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob!), 'image/png'));
}

const fileOf = (message: { content: unknown }) => (message.content as { file: FileInfo }).file;

describe('rich messages through the SDK', () => {
  it('sends an image with upload progress; the peer gets it with thumbnails it can load', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    const progress: number[] = [];
    alice.on('upload:progress', ({ percent }) => progress.push(percent));
    const pending = nextEvent(alice, 'message:update', (m) => m.type === 'image' && m.status === 'sending');
    const bobGets = nextEvent(bob, 'message', (m) => m.type === 'image');
    const sent = alice.messages.sendFile(direct.id, new File([await png(800, 600)], 'view.png', { type: 'image/png' }));
    const [shown] = await pending;
    expect(fileOf(shown).name).to.equal('view.png');
    expect(shown.upload?.blob.size).to.be.greaterThan(0, 'the bytes wait in the cache until uploaded');
    const stored = await sent;
    expect(stored.status).to.equal('sent');
    expect(stored.upload).to.equal(undefined, 'the bytes leave the cache once uploaded');
    expect(progress[0]).to.equal(0);
    expect(progress.at(-1)).to.equal(100);
    const [received] = await bobGets;
    const file = fileOf(received);
    expect([file.kind, file.mime, file.width, file.height]).to.deep.equal(['image', 'image/png', 800, 600]);
    expect([file.thumbnails!.small.width, file.thumbnails!.small.height]).to.deep.equal([264, 198]);
    const thumbnail = await fetch(bob.files.url(file.thumbnails!.small.url));
    expect(thumbnail.status).to.equal(200);
    expect(thumbnail.headers.get('content-type')).to.equal('image/webp');
  });

  it('a “photo” that is really a document goes as a file; audio carries its duration', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    const disguised = await alice.messages.sendFile(direct.id, new File(['%PDF-1.4 minutes'], 'minutes.png', { type: 'image/png' }));
    expect(disguised.type).to.equal('file');
    expect(fileOf(disguised).mime).to.equal('application/pdf');
    const mp3 = new Uint8Array(2048);
    mp3.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
    const voice = await alice.messages.sendFile(direct.id, new File([mp3], 'note.mp3', { type: 'audio/mpeg' }), { duration: 7.25 });
    expect(voice.type).to.equal('audio');
    expect((voice.content as { duration: number }).duration).to.equal(7.25);
    const page = await bob.messages.history({ conversationId: direct.id });
    expect(page.messages.map((m) => m.type)).to.deep.equal(['file', 'audio']);
  });

  it('cancelling an upload removes the message; nothing reaches the server', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    const off = alice.on('upload:progress', ({ conversationId, clientMsgId }) => {
      off();
      void alice.messages.cancel(conversationId, clientMsgId).then((cancelled) => expect(cancelled).to.equal(true));
    });
    const outcome = await alice.messages.sendFile(direct.id, new File([new Uint8Array(4 * 1024 * 1024)], 'big.bin')).catch((error: unknown) => error);
    expect((outcome as IMError).code).to.equal('CANCELLED');
    await until(async () => (await alice.messages.search({ conversationId: direct.id })).length === 0, 'the cancelled message gone');
    const after = await alice.messages.send(direct.id, 'next one');
    expect(after.seq).to.equal(1, 'the cancelled message took no seq');
    expect((await bob.messages.history({ conversationId: direct.id })).messages.map((m) => m.type)).to.deep.equal(['text']);
  });

  it('a file over the server’s limit is refused at once with FILE_TOO_LARGE', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    expect(alice.uploadMaxBytes).to.equal(25 * 1024 * 1024);
    const error = await alice.messages.sendFile(direct.id, new Blob([new Uint8Array(alice.uploadMaxBytes + 1)])).catch((e: unknown) => e);
    expect((error as IMError).code).to.equal('FILE_TOO_LARGE');
  });

  it('a pending upload survives a reload: the new page uploads and sends it exactly once', async () => {
    const aliceId = uniqueId('alice');
    const bob = await client(uniqueId('bob'));
    const first = await client(aliceId);
    const direct = await first.conversations.openDirect(bob.userId);
    first.disconnect();
    const queued = nextEvent(first, 'message:update', (m) => m.type === 'image');
    const abandoned = first.messages.sendFile(direct.id, new File([await png(300, 200)], 'offline.png', { type: 'image/png' }));
    abandoned.catch(() => undefined);
    await queued;
    const captionQueued = nextEvent(first, 'message:update', (m) => m.type === 'text');
    first.messages.send(direct.id, 'and a caption').catch(() => undefined);
    await captionQueued;
    first.close();

    const bobGets = nextEvent(bob, 'message', (m) => m.type === 'text');
    const reloaded = await client(aliceId);
    await bobGets;
    const page = await bob.messages.history({ conversationId: direct.id });
    expect(page.messages.map((m) => m.type)).to.deep.equal(['image', 'text'], 'in the order written, once each');
    expect(fileOf(page.messages[0]!).name).to.equal('offline.png');
    const mine = await reloaded.messages.search({ conversationId: direct.id, type: 'image' });
    expect(mine.map((m) => [m.status, m.upload])).to.deep.equal([['sent', undefined]]);
  });

  it('location, custom and replies', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    const place = await alice.messages.send(direct.id, { lat: 48.8584, lng: 2.2945, description: 'Eiffel Tower' }, { type: 'location' });
    expect(place.type).to.equal('location');
    const card = await alice.messages.send(direct.id, { poll: 'lunch?' }, { type: 'custom' });
    expect(card.content).to.deep.equal({ data: { poll: 'lunch?' }, description: '' });
    const bobSees = nextEvent(alice, 'message', (m) => m.senderId === bob.userId);
    await until(async () => (await bob.messages.search({ conversationId: direct.id, type: 'location' })).length === 1, 'bob has the location');
    const reply = bob.messages.send(direct.id, 'see you there', { replyTo: place.seq! });
    const [pendingReply] = await nextEvent(bob, 'message:update', (m) => m.status === 'sending');
    expect(pendingReply.replyTo).to.deep.equal({ seq: place.seq, senderId: alice.userId, type: 'location', preview: '[Location] Eiffel Tower' });
    await reply;
    const [received] = await bobSees;
    expect(received.replyTo).to.deep.equal({ seq: place.seq, senderId: alice.userId, type: 'location', preview: '[Location] Eiffel Tower' });
  });

  it('system notifications and joined rooms appear in the conversation list', async () => {
    const carol = await client(uniqueId('carol'));
    const response = await fetch(`${testServer.server}/v1/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testServer.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ users: [carol.userId], content: { text: 'Welcome aboard' } }),
    });
    expect(response.status).to.equal(201);
    await until(async () => (await carol.conversations.list()).some((c) => c.type === 'system' && c.unreadCount === 1), 'the system conversation');
    const { roomId, token } = await bindRoom();
    const room = await carol.conversations.joinRoom(roomId, token);
    expect([room.type, room.name]).to.deep.equal(['room', roomId]);
    await carol.messages.send(room.id, 'hello room');
    const list = await carol.conversations.list();
    expect(list.map((c) => c.type)).to.deep.equal(['room', 'system']);
  });
});

describe('history gaps and drafts', () => {
  it('messages missing from the middle of the cache are found and fetched again when scrolling back', async () => {
    const alice = await client(uniqueId('alice'));
    const bobId = uniqueId('bob');
    const bob = await client(bobId);
    const direct = await alice.conversations.openDirect(bobId);
    // Bob's first device gets the whole history into its cache (live, or loaded: whichever is first).
    const seen = nextEvent(bob, 'message', (m) => m.seq === 60, 20_000);
    for (let i = 1; i <= 60; i += 1) await alice.messages.send(direct.id, `message ${i}`);
    const off = bob.messages.observe(direct.id, 60, () => undefined);
    await seen;
    expect((await bob.messages.loadOlder(direct.id, 11, 50)).hasMore).to.equal(false);
    off();
    bob.close();
    // The cache loses a stretch (storage eviction, a crash mid-write): a gap no watermark shows.
    const cache = new DexieCache(cacheName(testServer.server, bobId));
    for (let seq = 20; seq <= 25; seq += 1) await cache.removeStored(direct.id, '', seq);
    cache.close();

    const again = await client(bobId);
    const seqs = async () => (await again.messages.search({ conversationId: direct.id, limit: 100 })).map((m) => m.seq!).sort((a, b) => a - b);
    expect((await seqs()).filter((seq) => seq >= 20 && seq <= 25)).to.deep.equal([]);
    await again.messages.loadOlder(direct.id, 40, 30);
    expect(await seqs()).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1), 'the gap is filled, nothing doubled');
  });

  it('a draft stays on this device through syncs and new messages, and clears', async () => {
    const alice = await client(uniqueId('alice'));
    const bob = await client(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    await alice.conversations.setDraft(direct.id, 'half a thought');
    expect((await alice.conversations.get(direct.id))!.draft?.text).to.equal('half a thought');
    await bob.messages.send(direct.id, 'are you there?');
    await until(async () => (await alice.conversations.get(direct.id))?.unreadCount === 1, 'bob’s message in alice’s list');
    await alice.conversations.sync();
    expect((await alice.conversations.get(direct.id))!.draft?.text).to.equal('half a thought');
    expect((await bob.conversations.get(direct.id))!.draft).to.equal(undefined, 'drafts are not shared');
    await alice.conversations.setDraft(direct.id, '   ');
    expect((await alice.conversations.get(direct.id))!.draft).to.equal(undefined);
  });
});
