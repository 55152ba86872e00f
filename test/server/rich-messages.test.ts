import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ConversationSummary, FileInfo, HistoryPage, StoredMessage } from '../../src/protocol/models.js';
import {
  bindRoom,
  cleanup,
  connect,
  nextEvent,
  payloads,
  rest,
  requestError,
  requestOk,
  settle,
  signIn,
  startServer,
  ticketFor,
  unbindRoom,
  uuid,
  waitFor,
  type TestServer,
} from './helpers.js';

afterEach(cleanup);

async function upload(server: TestServer, ticket: string, data: Uint8Array | string, name: string): Promise<FileInfo> {
  const form = new FormData();
  form.append('file', new Blob([data as BlobPart]), name);
  const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${ticket}` }, body: form });
  assert.equal(response.status, 201);
  return (await response.json()) as FileInfo;
}

const mp3 = Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), Buffer.alloc(1000, 1)]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(1000, 2)]);

async function pair(server: TestServer) {
  const aliceTicket = await ticketFor(server, 'alice');
  const alice = await signIn(server, 'alice');
  const bob = await signIn(server, 'bob');
  const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
  const send = (type: string, content: unknown, extra: Record<string, unknown> = {}) =>
    requestOk<{ seq: number }>(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type, content, ...extra });
  const sendError = (type: string, content: unknown, extra: Record<string, unknown> = {}) =>
    requestError(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type, content, ...extra });
  return { alice, bob, aliceTicket, direct, send, sendError };
}

describe('rich messages', () => {
  test('image, file, audio and video messages carry the server’s file details, whatever the client claims', async () => {
    const server = await startServer();
    const { bob, aliceTicket, direct, send } = await pair(server);
    const image = await upload(server, aliceTicket, await sharp({ create: { width: 400, height: 300, channels: 3, background: '#39f' } }).jpeg().toBuffer(), 'cat.jpg');
    const poster = await upload(server, aliceTicket, await sharp({ create: { width: 64, height: 36, channels: 3, background: '#000' } }).png().toBuffer(), 'poster.png');
    const audio = await upload(server, aliceTicket, mp3, 'voice.mp3');
    const video = await upload(server, aliceTicket, mp4, 'clip.mp4');
    const doc = await upload(server, aliceTicket, '%PDF-1.4 report', 'report.pdf');

    await send('image', { file: { id: image.id, size: 1, mime: 'text/html', name: 'evil.html' } });
    await send('file', { file: { id: doc.id } });
    await send('audio', { file: { id: audio.id }, duration: 12.5 });
    await send('video', { file: { id: video.id }, duration: 61, poster: { id: poster.id } });
    await send('location', { lat: 31.2304, lng: 121.4737, description: 'People’s Square, Shanghai' });
    await settle(bob.socket);
    const live = payloads<StoredMessage>(bob.socket, 'message:created').filter((m) => m.type !== 'tip');
    assert.deepEqual(live.map((m) => m.type), ['image', 'file', 'audio', 'video', 'location']);
    assert.deepEqual(live[0]!.content, { file: image }, 'the stored file is the upload, not what the client claimed');
    assert.deepEqual(live[1]!.content, { file: doc });
    assert.deepEqual(live[2]!.content, { file: audio, duration: 12.5 });
    assert.deepEqual(live[3]!.content, { file: video, duration: 61, poster });
    assert.deepEqual(live[4]!.content, { lat: 31.2304, lng: 121.4737, description: 'People’s Square, Shanghai' });
    const page = await requestOk<HistoryPage>(bob.socket, 'message:history', { conversationId: direct.id });
    assert.deepEqual(page.messages.filter((m) => m.type !== 'tip'), live, 'history says the same');
  });

  test('bad media messages get coded errors and take no seq', async () => {
    const server = await startServer();
    const { aliceTicket, send, sendError } = await pair(server);
    const doc = await upload(server, aliceTicket, '%PDF-1.4', 'a.pdf');
    const audio = await upload(server, aliceTicket, mp3, 'a.mp3');
    assert.equal((await sendError('image', { file: { id: doc.id } })).code, 'FILE_TYPE_MISMATCH');
    assert.equal((await sendError('video', { file: { id: audio.id }, duration: 3 })).code, 'FILE_TYPE_MISMATCH');
    assert.equal((await sendError('file', { file: { id: 'AAAAAAAAAAAAAAAAAAAAAA' } })).code, 'FILE_NOT_FOUND');
    assert.equal((await sendError('file', { file: { id: '../../etc' } })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('file', {})).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('audio', { file: { id: audio.id }, duration: -1 })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('audio', { file: { id: audio.id }, duration: 86_401 })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('location', { lat: 91, lng: 0 })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('location', { lat: 0, lng: '1' })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('location', { lat: 0, lng: 0, description: 'x'.repeat(501) })).code, 'INVALID_PAYLOAD');
    assert.equal((await sendError('sticker', { id: 1 })).code, 'INVALID_PAYLOAD');
    // An audio message without a duration says 0 (unknown).
    const { seq } = await send('audio', { file: { id: audio.id } });
    assert.equal(seq, 1, 'refused sends took no seq');
  });

  test('a reply quotes the original as it was; replying to a recalled, hidden or missing message fails', async () => {
    const server = await startServer();
    const { alice, bob, direct, send, sendError } = await pair(server);
    const original = await send('text', { text: `a long question ${'?'.repeat(200)}` });
    const reply = await requestOk<{ seq: number }>(bob.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'the answer' }, replyTo: original.seq });
    const seen = await waitFor(alice.socket, (e) => e.event === 'message:created' && (e.args[0] as StoredMessage).seq === reply.seq, 'the reply');
    const quote = (seen.args[0] as StoredMessage).replyTo!;
    assert.deepEqual([quote.seq, quote.senderId, quote.type], [original.seq, 'alice', 'text']);
    assert.equal(quote.preview.length, 100);
    assert.ok(quote.preview.startsWith('a long question ???') && quote.preview.endsWith('…'));
    // Edits of the original do not change what the reply quoted.
    await requestOk(alice.socket, 'message:edit', { conversationId: direct.id, seq: original.seq, text: 'changed' });
    const page = await requestOk<HistoryPage>(alice.socket, 'message:history', { conversationId: direct.id });
    assert.deepEqual(page.messages.find((m) => m.seq === reply.seq)!.replyTo, quote);

    assert.equal((await sendError('text', { text: 'x' }, { replyTo: 999 })).code, 'MESSAGE_NOT_FOUND');
    assert.equal((await sendError('text', { text: 'x' }, { replyTo: 0 })).code, 'INVALID_PAYLOAD');
    const recalled = await send('text', { text: 'oops' });
    await requestOk(alice.socket, 'message:recall', { conversationId: direct.id, seq: recalled.seq });
    assert.equal((await sendError('text', { text: 'x' }, { replyTo: recalled.seq })).code, 'MESSAGE_NOT_FOUND');
    const hidden = await send('text', { text: 'hide me' });
    await requestOk(alice.socket, 'message:delete', { conversationId: direct.id, seq: hidden.seq });
    assert.equal((await sendError('text', { text: 'x' }, { replyTo: hidden.seq })).code, 'MESSAGE_NOT_FOUND');
    // A recalled reply loses its quote with its content.
    await requestOk(bob.socket, 'message:recall', { conversationId: direct.id, seq: reply.seq });
    const after = await requestOk<HistoryPage>(alice.socket, 'message:history', { conversationId: direct.id });
    assert.deepEqual([after.messages.find((m) => m.seq === reply.seq)!.content, after.messages.find((m) => m.seq === reply.seq)!.replyTo], [null, null]);
  });

  test('a reply quotes media by kind', async () => {
    const server = await startServer();
    const { bob, aliceTicket, direct, send } = await pair(server);
    const doc = await upload(server, aliceTicket, '%PDF-1.4', 'plan.pdf');
    const file = await send('file', { file: { id: doc.id } });
    const reply = await requestOk<{ seq: number }>(bob.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), content: { text: 'thanks' }, replyTo: file.seq });
    const page = await requestOk<HistoryPage>(bob.socket, 'message:history', { conversationId: direct.id });
    assert.deepEqual(page.messages.find((m) => m.seq === reply.seq)!.replyTo, { seq: file.seq, senderId: 'alice', type: 'file', preview: '[File] plan.pdf' });
  });
});

describe('system conversations', () => {
  test('the site notifies users; each gets a system conversation that counts unread and cannot be written to', async () => {
    const server = await startServer();
    const carol = await signIn(server, 'carol');
    const response = await rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users: ['carol', 'dave'], content: { text: 'Your order shipped' } }) });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.delivered.map((d: { userId: string; seq: number }) => [d.userId, d.seq]), [['carol', 1], ['dave', 1]]);
    const created = await nextEvent<StoredMessage>(carol.socket, 'message:created');
    assert.deepEqual([created.conversationId, created.senderId, created.type, created.content], ['system:carol', '@system', 'text', { text: 'Your order shipped' }]);
    const { conversations } = await requestOk<{ conversations: ConversationSummary[] }>(carol.socket, 'conversation:sync', { since: 0 });
    const system = conversations.find((c) => c.id === 'system:carol')!;
    assert.deepEqual([system.type, system.unreadCount, system.memberCount, system.lastMessage?.seq], ['system', 1, 1, 1]);
    const refused = await requestError(carol.socket, 'message:send', { conversationId: 'system:carol', clientMsgId: uuid(), content: { text: 'hi' } });
    assert.equal(refused.code, 'FORBIDDEN');
    assert.equal((await requestError(carol.socket, 'message:history', { conversationId: 'system:dave' })).code, 'NOT_MEMBER');
    await requestOk(carol.socket, 'conversation:read', { conversationId: 'system:carol', seq: 1 });

    // dave was offline: his conversation is there when he signs in.
    const dave = await signIn(server, 'dave');
    const list = await requestOk<{ conversations: ConversationSummary[] }>(dave.socket, 'conversation:sync', { since: 0 });
    assert.equal(list.conversations.find((c) => c.id === 'system:dave')?.unreadCount, 1);
    await rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users: ['dave'], type: 'custom', content: { data: { orderId: 7 }, description: 'Order 7 delivered' }, countUnread: false }) });
    const second = await nextEvent<StoredMessage>(dave.socket, 'message:created');
    assert.deepEqual([second.seq, second.type, second.countsUnread], [2, 'custom', false]);
  });

  test('notification requests are validated and need the admin key', async () => {
    const server = await startServer();
    const post = (body: unknown, key?: string | null) => rest(server, 'POST', '/v1/notifications', { body: JSON.stringify(body), key });
    assert.equal((await post({ users: ['a'], content: { text: 'x' } }, null)).status, 401);
    assert.equal((await post({ users: ['a'], content: { text: 'x' } }, 'wrong-key-wrong-key')).body.error.code, 'UNAUTHORIZED');
    assert.equal((await post({ users: [], content: { text: 'x' } })).body.error.code, 'INVALID_PAYLOAD');
    assert.equal((await post({ users: ['bad id'], content: { text: 'x' } })).body.error.code, 'INVALID_USER_ID');
    assert.equal((await post({ users: Array.from({ length: 501 }, (_, i) => `u${i}`), content: { text: 'x' } })).body.error.code, 'TOO_MANY_RECIPIENTS');
    assert.equal((await post({ users: ['a'], content: { text: '' } })).body.error.code, 'CONTENT_EMPTY');
    assert.equal((await post({ users: ['a'], type: 'image', content: { file: { id: 'AAAAAAAAAAAAAAAAAAAAAA' } } })).body.error.code, 'FILE_NOT_FOUND');
    assert.equal((await rest(server, 'POST', '/v1/notifications', { body: 'not json' })).body.error.code, 'INVALID_PAYLOAD');
    const carol = await signIn(server, 'carol');
    const { conversations } = await requestOk<{ conversations: ConversationSummary[] }>(carol.socket, 'conversation:sync', { since: 0 });
    assert.deepEqual(conversations, [], 'refused requests created nothing');
  });
});

describe('rooms in a signed-in user’s list', () => {
  test('a signed-in user joins a bound room, talks with room-token users and sees it in the list', async () => {
    const server = await startServer();
    const token = await bindRoom(server, 'town-hall');
    const guest = await connect(server, { token, userId: 'guest' });
    const alice = await signIn(server, 'alice');
    const summary = await requestOk<ConversationSummary>(alice.socket, 'conversation:join-room', { roomId: 'town-hall', token });
    assert.deepEqual([summary.id, summary.type, summary.name], ['room:town-hall', 'room', 'town-hall']);

    await requestOk(guest.socket, 'message:send', { clientMsgId: uuid(), content: 'hello from a room token' });
    const fromGuest = await nextEvent<StoredMessage>(alice.socket, 'message:created');
    assert.deepEqual([fromGuest.senderId, fromGuest.content], ['~guest', 'hello from a room token']);
    // Messages for one class or to other users are not for the signed-in member.
    await requestOk(guest.socket, 'message:send', { clientMsgId: uuid(), content: 'class only', classId: 'c1' });
    await requestOk(guest.socket, 'message:send', { clientMsgId: uuid(), content: 'to zed', users: ['zed'] });

    await requestOk(alice.socket, 'message:send', { conversationId: 'room:town-hall', clientMsgId: uuid(), content: { text: 'hi room' } });
    const fromAlice = await nextEvent<StoredMessage>(guest.socket, 'message:created');
    assert.deepEqual([fromAlice.senderId, fromAlice.type, fromAlice.content], ['alice', 'text', { text: 'hi room' }]);

    const history = await requestOk<HistoryPage>(alice.socket, 'message:history', { conversationId: 'room:town-hall' });
    assert.deepEqual(history.messages.map((m) => m.seq), [1, 4]);
    const { conversations } = await requestOk<{ conversations: ConversationSummary[] }>(alice.socket, 'conversation:sync', { since: 0 });
    const room = conversations.find((c) => c.id === 'room:town-hall')!;
    assert.deepEqual([room.lastMessage?.seq, room.unreadCount], [4, 0], 'the class message and the one to zed are not in alice’s summary');

    await requestOk(alice.socket, 'conversation:leave', { conversationId: 'room:town-hall' });
    assert.equal((await requestError(alice.socket, 'message:send', { conversationId: 'room:town-hall', clientMsgId: uuid(), content: { text: 'x' } })).code, 'NOT_MEMBER');
  });

  test('unknown and unbound rooms cannot be joined or written to', async () => {
    const server = await startServer();
    const alice = await signIn(server, 'alice');
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'nowhere' })).code, 'ROOM_NOT_FOUND');
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: '' })).code, 'INVALID_ROOM_ID');
    const token = await bindRoom(server, 'short-lived');
    await requestOk(alice.socket, 'conversation:join-room', { roomId: 'short-lived', token });
    await unbindRoom(server, 'short-lived');
    const refused = await requestError(alice.socket, 'message:send', { conversationId: 'room:short-lived', clientMsgId: uuid(), content: { text: 'x' } });
    assert.equal(refused.code, 'ROOM_UNBOUND');
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'short-lived', token })).code, 'ROOM_UNBOUND');
    // Without a token or a grant, an unbound room answers as an unknown one does.
    assert.equal((await requestError(alice.socket, 'conversation:join-room', { roomId: 'short-lived' })).code, 'ROOM_NOT_FOUND');
  });
});
