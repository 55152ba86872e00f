/**
 * Who may upload, whose an upload is, and for how long it is served: credentials are checked
 * like everywhere else, a message names only its sender's uploads, and a file whose messages
 * are all recalled is gone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ConversationSummary, FileInfo } from '../../src/protocol/models.js';
import { bindRoom, cleanup, rest, requestError, requestOk, signIn, startServer, ticketFor, uniqueRoom, uuid, type TestServer } from './helpers.js';

afterEach(cleanup);

type UploadAnswer = { status: number; body: FileInfo & { error?: { code: string; message: string } } };

async function upload(server: TestServer, credential: string, data: Uint8Array | string, name: string, headers: Record<string, string> = {}): Promise<UploadAnswer> {
  const form = new FormData();
  form.append('file', new Blob([data as BlobPart]), name);
  const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, ...headers }, body: form });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}

async function uploaded(server: TestServer, credential: string, data: Uint8Array | string, name: string, headers: Record<string, string> = {}): Promise<FileInfo> {
  const answer = await upload(server, credential, data, name, headers);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
}

/** A room token from the site's REST route (userId / role / ttlSeconds as given). */
async function roomToken(server: TestServer, roomId: string, options: Record<string, unknown>): Promise<string> {
  const response = await rest<{ token: string }>(server, 'POST', `/v1/rooms/${encodeURIComponent(roomId)}/tokens`, { body: JSON.stringify(options) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.token;
}

async function status(server: TestServer, path: string): Promise<[number, string | undefined]> {
  const response = await fetch(`${server.url}${path}`);
  const body = response.status === 200 ? undefined : ((await response.json()) as { error: { code: string } }).error.code;
  return [response.status, body];
}

/** alice and bob signed in, with a direct conversation. */
async function pair(server: TestServer) {
  const alice = await signIn(server, 'alice');
  const bob = await signIn(server, 'bob');
  const direct = await requestOk<ConversationSummary>(alice.socket, 'conversation:open-direct', { userId: 'bob' });
  return { alice, bob, direct };
}

const png = () => sharp({ create: { width: 400, height: 300, channels: 3, background: '#39f' } }).png().toBuffer();

describe('upload credentials', () => {
  test('a room token that names no user needs the user id in x-im-user-id: missing or malformed is 400 INVALID_USER_ID', async () => {
    const server = await startServer();
    const token = await bindRoom(server, uniqueRoom());
    const missing = await upload(server, token, 'x', 'a.txt');
    assert.deepEqual([missing.status, missing.body.error?.code], [400, 'INVALID_USER_ID']);
    const malformed = await upload(server, token, 'x', 'a.txt', { 'x-im-user-id': 'not an id!' });
    assert.deepEqual([malformed.status, malformed.body.error?.code], [400, 'INVALID_USER_ID']);
    const given = await upload(server, token, 'x', 'a.txt', { 'x-im-user-id': 'ann' });
    assert.equal(given.status, 201);
  });

  test('a browser may send x-im-user-id cross-origin', async () => {
    const server = await startServer({ allowedOrigins: ['https://site.example'] });
    const preflight = await fetch(`${server.url}/v1/uploads`, {
      method: 'OPTIONS',
      headers: { origin: 'https://site.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-im-user-id' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /(^|,\s*)x-im-user-id(\s*,|$)/);
  });

  test('a token bound to a user refuses another id (401 USER_MISMATCH); its uploads are that user’s, wherever they sign in', async () => {
    const server = await startServer();
    const roomId = uniqueRoom();
    await bindRoom(server, roomId);
    const token = await roomToken(server, roomId, { userId: 'alice' });
    const other = await upload(server, token, 'x', 'a.txt', { 'x-im-user-id': 'bob' });
    assert.deepEqual([other.status, other.body.error?.code], [401, 'USER_MISMATCH']);
    const file = await uploaded(server, token, '%PDF-1.4 by alice', 'mine.pdf');
    await uploaded(server, token, 'repeating the id is fine', 'same.txt', { 'x-im-user-id': 'alice' });

    const { alice, bob, direct } = await pair(server);
    await requestOk(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'file', content: { file: { id: file.id } } });
    const refused = await requestError(bob.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'file', content: { file: { id: file.id } } });
    assert.equal(refused.code, 'FILE_NOT_FOUND');
  });

  test('a viewer may not upload (403 FORBIDDEN); expired and revoked credentials get 401 with their codes', async () => {
    let skew = 0;
    const server = await startServer({}, { clock: () => Date.now() + skew });
    const roomId = uniqueRoom();
    await bindRoom(server, roomId);
    const viewer = await roomToken(server, roomId, { role: 'viewer' });
    const watching = await upload(server, viewer, 'x', 'a.txt', { 'x-im-user-id': 'vic' });
    assert.deepEqual([watching.status, watching.body.error?.code], [403, 'FORBIDDEN']);
    const boundViewer = await roomToken(server, roomId, { role: 'viewer', userId: 'vera' });
    assert.equal((await upload(server, boundViewer, 'x', 'a.txt')).status, 403);

    const ticket = await ticketFor(server, 'alice');
    const aliceToken = await roomToken(server, roomId, { userId: 'alice' });
    const revoked = await rest(server, 'POST', '/v1/users/alice/revoke');
    assert.equal(revoked.status, 200);
    for (const credential of [ticket, aliceToken]) {
      const refused = await upload(server, credential, 'x', 'a.txt');
      assert.deepEqual([refused.status, refused.body.error?.code], [401, 'CREDENTIAL_REVOKED']);
    }

    const shortLived = await roomToken(server, roomId, { ttlSeconds: 60 });
    skew = 61_000;
    const expired = await upload(server, shortLived, 'x', 'a.txt', { 'x-im-user-id': 'ann' });
    assert.deepEqual([expired.status, expired.body.error?.code], [401, 'TOKEN_EXPIRED']);
  });
});

describe('files and their uploader', () => {
  test('a message names only its sender’s uploads: another’s is FILE_NOT_FOUND exactly like a missing one; the site may name any', async () => {
    const server = await startServer();
    const { alice, direct } = await pair(server);
    const bobs = await uploaded(server, await ticketFor(server, 'bob'), '%PDF-1.4 by bob', 'bob.pdf');
    const token = await bindRoom(server, uniqueRoom());
    // A guest "alice" of a room is not the signed-in alice.
    const guests = await uploaded(server, token, '%PDF-1.4 by a guest', 'guest.pdf', { 'x-im-user-id': 'alice' });
    const missingId = 'AAAAAAAAAAAAAAAAAAAAAA';
    const attempt = (id: string) => requestError(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'file', content: { file: { id } } });
    const missing = await attempt(missingId);
    assert.equal(missing.code, 'FILE_NOT_FOUND');
    for (const id of [bobs.id, guests.id]) {
      const refused = await attempt(id);
      assert.deepEqual({ ...refused, message: refused.message.replace(id, missingId) }, missing, 'nothing tells another’s upload from a missing one');
    }
    const notified = await rest(server, 'POST', '/v1/notifications', { body: JSON.stringify({ users: ['carol'], type: 'file', content: { file: { id: bobs.id } } }) });
    assert.equal(notified.status, 201, JSON.stringify(notified.body));
  });

  test('once every message naming a file is recalled, the file and its thumbnails are 404, it cannot be attached again and its blobs are gone', async () => {
    const server = await startServer();
    const { alice, direct } = await pair(server);
    const ticket = await ticketFor(server, 'alice');
    const image = await uploaded(server, ticket, await png(), 'photo.png');
    const unnamed = await uploaded(server, ticket, 'used in a custom message of a room, never named by one', 'notes.txt');
    const send = () =>
      requestOk<{ seq: number }>(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'image', content: { file: { id: image.id } } });
    const first = await send();
    const second = await send();
    const paths = [image.url, image.thumbnails!.small.url, image.thumbnails!.large.url];

    await requestOk(alice.socket, 'message:recall', { conversationId: direct.id, seq: first.seq });
    for (const path of paths) assert.deepEqual(await status(server, path), [200, undefined], `${path} is still named by a message`);

    await requestOk(alice.socket, 'message:recall', { conversationId: direct.id, seq: second.seq });
    for (const path of paths) assert.deepEqual(await status(server, path), [404, 'FILE_NOT_FOUND'], `${path} is no longer served`);
    const again = await requestError(alice.socket, 'message:send', { conversationId: direct.id, clientMsgId: uuid(), type: 'image', content: { file: { id: image.id } } });
    assert.equal(again.code, 'FILE_NOT_FOUND');
    for (const key of [image.id, `${image.id}.s`, `${image.id}.l`]) {
      assert.equal(existsSync(join(server.dataDir, 'files', key.slice(0, 2), key)), false, `blob ${key} is deleted`);
    }
    assert.deepEqual(await status(server, unnamed.url), [200, undefined], 'a file no message ever named keeps being served');
  });

  test('FileStore.release revokes a file only when no other stored message names it, and reports it once', async () => {
    const server = await startServer();
    const file = await uploaded(server, await ticketFor(server, 'alice'), '%PDF-1.4 shared', 'shared.pdf');
    const other = await uploaded(server, await ticketFor(server, 'alice'), '%PDF-1.4 other', 'other.pdf');
    const roomId = uniqueRoom();
    await bindRoom(server, roomId);
    const conversationId = `room:${roomId}`;
    const message = (fileIds: string[]) => ({
      conversationId,
      classId: null,
      senderId: 'alice',
      clientMsgId: uuid(),
      content: { file: { id: fileIds[0] ?? null } },
      recipients: null,
      time: Date.now(),
      type: 'file' as const,
      mentions: [],
      countsUnread: true,
      fileIds,
    });
    const [a, b, c, plain] = await server.app.store.appendMessages([message([file.id]), message([file.id, other.id]), message([other.id]), message([])]);
    const files = server.app.store.files;

    assert.deepEqual(await files.release(conversationId, plain!.message.seq), [], 'a message that named no file releases nothing');
    assert.deepEqual(await files.release(conversationId, a!.message.seq), [], 'still named by b');
    assert.deepEqual(await status(server, file.url), [200, undefined]);
    assert.deepEqual(await files.release(conversationId, b!.message.seq), [file.id], 'other is still named by c');
    assert.deepEqual(await status(server, file.url), [404, 'FILE_NOT_FOUND'], 'revoked: not served even before its blob is deleted');
    assert.deepEqual(await status(server, other.url), [200, undefined]);
    assert.deepEqual(await files.release(conversationId, b!.message.seq), [], 'a release is reported once');
    assert.deepEqual(await files.release(conversationId, c!.message.seq), [other.id]);
    assert.equal(await files.attachable(file.id, 'user:alice'), undefined, 'its owner cannot attach it again');
    assert.equal(await files.attachable(file.id, null), undefined, 'nor can the site');
  });
});
