import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import sharp from 'sharp';
import type { FileInfo } from '../../src/protocol/models.js';
import { bindRoom, cleanup, issueTicket, startServer, ticketFor, unbindRoom, type TestServer } from './helpers.js';

afterEach(cleanup);

async function upload(
  server: TestServer,
  credential: string | null,
  data: Uint8Array | string,
  name: string,
  type = 'application/octet-stream',
  field = 'file',
  extraHeaders: Record<string, string> = {},
) {
  const form = new FormData();
  form.append(field, new Blob([data as BlobPart], { type }), name);
  const headers: Record<string, string> = credential === null ? { ...extraHeaders } : { authorization: `Bearer ${credential}`, ...extraHeaders };
  const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers, body: form });
  return { status: response.status, body: (await response.json()) as FileInfo & { error?: { code: string; message: string } } };
}

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#2a6' } }).png().toBuffer();

/** Files under the data dir's blob store (ignoring the temporary folder). */
function storedBlobs(server: TestServer): string[] {
  const root = join(server.dataDir, 'files');
  try {
    return readdirSync(root, { recursive: true })
      .map(String)
      .filter((path) => !path.startsWith('tmp') && path.includes('/'));
  } catch {
    return [];
  }
}

describe('uploads', () => {
  test('an image gets its size and thumbnails whose shorter side is 198 and 720 px', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const { status, body } = await upload(server, ticket, await png(1600, 1000), 'holiday.png', 'image/png');
    assert.equal(status, 201);
    assert.deepEqual([body.kind, body.mime, body.name, body.width, body.height], ['image', 'image/png', 'holiday.png', 1600, 1000]);
    assert.deepEqual([body.thumbnails!.small.width, body.thumbnails!.small.height], [317, 198]);
    assert.deepEqual([body.thumbnails!.large.width, body.thumbnails!.large.height], [1152, 720]);
    for (const thumbnail of [body.thumbnails!.small, body.thumbnails!.large]) {
      const response = await fetch(`${server.url}${thumbnail.url}`);
      assert.equal(response.headers.get('content-type'), 'image/webp');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [thumbnail.width, thumbnail.height]);
    }
    const original = await fetch(`${server.url}${body.url}`);
    assert.equal(original.status, 200);
    assert.equal(Number(original.headers.get('content-length')), body.size);
    assert.equal(original.headers.get('x-content-type-options'), 'nosniff');
    assert.match(original.headers.get('content-disposition')!, /^inline; filename="holiday.png"/);
  });

  test('a small image is never enlarged; EXIF orientation makes a portrait photo portrait', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const small = await upload(server, ticket, await png(120, 80), 'icon.png');
    assert.deepEqual([small.body.thumbnails!.small.width, small.body.thumbnails!.small.height], [120, 80]);
    // Stored 300x200 with orientation 6 (turned 90°): upright it is 200x300.
    const turned = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#a26' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const photo = await upload(server, ticket, turned, 'photo.jpg', 'image/jpeg');
    assert.deepEqual([photo.body.mime, photo.body.width, photo.body.height], ['image/jpeg', 200, 300]);
    assert.deepEqual([photo.body.thumbnails!.small.width, photo.body.thumbnails!.small.height], [198, 297]);
  });

  test('the type is sniffed, not trusted: markup is served as an attachment in plain text', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const svg = await upload(server, ticket, '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'cat.png', 'image/png');
    assert.equal(svg.status, 201);
    assert.deepEqual([svg.body.kind, svg.body.mime, svg.body.thumbnails], ['file', 'text/plain; charset=utf-8', undefined]);
    const served = await fetch(`${server.url}${svg.body.url}`);
    assert.equal(served.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.match(served.headers.get('content-disposition')!, /^attachment; filename="cat.png"/);
    assert.match(served.headers.get('content-security-policy')!, /sandbox/);

    const pdf = await upload(server, ticket, '%PDF-1.7\n…', 'report.pdf', 'text/html');
    assert.deepEqual([pdf.body.kind, pdf.body.mime], ['file', 'application/pdf']);
    assert.match((await fetch(`${server.url}${pdf.body.url}`)).headers.get('content-disposition')!, /^attachment/);

    // Image magic without a decodable image: a plain file, never shown inline.
    const broken = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    const fake = await upload(server, ticket, broken, 'fake.png', 'image/png');
    assert.deepEqual([fake.body.kind, fake.body.mime], ['file', 'application/octet-stream']);
  });

  test('audio and video are recognised and served inline with byte ranges for seeking', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const mp3 = Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), Buffer.alloc(2000, 1)]);
    const audio = await upload(server, ticket, mp3, 'voice.mp3');
    assert.deepEqual([audio.body.kind, audio.body.mime], ['audio', 'audio/mpeg']);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(3000, 2)]);
    const video = await upload(server, ticket, mp4, 'clip.mp4');
    assert.deepEqual([video.body.kind, video.body.mime], ['video', 'video/mp4']);
    const part = await fetch(`${server.url}${video.body.url}`, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${video.body.size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 100);
    const beyond = await fetch(`${server.url}${video.body.url}`, { headers: { range: `bytes=${video.body.size + 10}-` } });
    assert.equal(beyond.status, 416);
  });

  test('without credentials 401; forged, expired and unbound credentials get their codes', async () => {
    const server = await startServer();
    assert.deepEqual([(await upload(server, null, 'x', 'a.txt')).status, (await upload(server, null, 'x', 'a.txt')).body.error!.code], [401, 'UNAUTHORIZED']);
    const forged = await upload(server, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl', 'x', 'a.txt');
    assert.deepEqual([forged.status, forged.body.error!.code], [401, 'TICKET_INVALID']);
    const token = await bindRoom(server, 'lecture');
    const guest = { 'x-im-user-id': 'ann' };
    const byRoom = await upload(server, token, 'notes', 'notes.txt', undefined, undefined, guest);
    assert.equal(byRoom.status, 201);
    await unbindRoom(server, 'lecture');
    const unbound = await upload(server, token, 'notes', 'notes.txt', undefined, undefined, guest);
    assert.deepEqual([unbound.status, unbound.body.error!.code], [401, 'ROOM_UNBOUND']);
    assert.deepEqual([(await upload(server, 'v1.bad.token', 'x', 'a.txt')).body.error!.code], ['TOKEN_INVALID']);
  });

  test('an expired ticket is refused as expired', async () => {
    let skew = 0;
    const server = await startServer({}, { clock: () => Date.now() + skew });
    const { ticket } = await issueTicket(server, 'alice', 60);
    skew = 61_000;
    const expired = await upload(server, ticket, 'x', 'a.txt');
    assert.deepEqual([expired.status, expired.body.error!.code], [401, 'TICKET_EXPIRED']);
  });

  test('a file over the size limit is refused with FILE_TOO_LARGE and leaves nothing behind', async () => {
    const server = await startServer({ uploadMaxBytes: 64 * 1024 });
    const ticket = await ticketFor(server, 'alice');
    const fits = await upload(server, ticket, new Uint8Array(64 * 1024), 'fits.bin');
    assert.equal(fits.status, 201);
    const before = storedBlobs(server).length;
    const large = await upload(server, ticket, new Uint8Array(64 * 1024 + 1), 'large.bin');
    assert.deepEqual([large.status, large.body.error!.code], [413, 'FILE_TOO_LARGE']);
    const huge = await upload(server, ticket, new Uint8Array(1024 * 1024), 'huge.bin');
    assert.deepEqual([huge.status, huge.body.error!.code], [413, 'FILE_TOO_LARGE']);
    assert.equal(storedBlobs(server).length, before, 'no blob of a refused upload');
    assert.deepEqual(readdirSync(join(server.dataDir, 'files', 'tmp')), [], 'no temporary file left');
  });

  test('a request without the file field, or not multipart, gets FILE_MISSING', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const wrongField = await upload(server, ticket, 'x', 'a.txt', 'text/plain', 'document');
    assert.deepEqual([wrongField.status, wrongField.body.error!.code], [400, 'FILE_MISSING']);
    const json = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' }, body: '{}' });
    assert.deepEqual([json.status, ((await json.json()) as { error: { code: string } }).error.code], [400, 'FILE_MISSING']);
  });

  test('file names lose paths and control characters; unknown ids are FILE_NOT_FOUND', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const { body } = await upload(server, ticket, 'hi', '../../etc/pa\u0007ss\u0000wd.txt');
    assert.equal(body.name, 'passwd.txt');
    const unicode = await upload(server, ticket, 'hi', '报告 2026.txt');
    const served = await fetch(`${server.url}${unicode.body.url}`);
    assert.match(served.headers.get('content-disposition')!, /filename\*=UTF-8''%E6%8A%A5%E5%91%8A%202026\.txt/);
    const missing = await fetch(`${server.url}/v1/files/AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'FILE_NOT_FOUND');
    assert.equal((await fetch(`${server.url}/v1/files/${body.id}/small`)).status, 404, 'a text file has no thumbnail');
  });

  test('a restart keeps uploaded files', async () => {
    const server = await startServer();
    const ticket = await ticketFor(server, 'alice');
    const { body } = await upload(server, ticket, await png(300, 300), 'kept.png');
    await server.restart();
    const response = await fetch(`${server.url}${body.url}`);
    assert.equal(response.status, 200);
    assert.equal((await response.arrayBuffer()).byteLength, body.size);
  });
});
