/**
 * Uploads that break a limit while their body is still coming: raw sockets send the headers and
 * part of a body and then stall, trickle or keep sending, as a slow or hostile client would.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { FileInfo } from '../../src/protocol/models.js';
import { bindRoom, cleanup, startServer, ticketFor, uniqueRoom, WAIT_MS, type TestServer } from './helpers.js';

const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await cleanup();
});

const BOUNDARY = 'im-test-boundary';
const partHead = (name = 'slow.bin') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const chunk = (data: string | Buffer) => {
  const bytes = Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
};

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: { error?: { code: string; message: string } } & Partial<FileInfo>;
}

interface RawUpload {
  socket: Socket;
  /** The answer, as soon as it is complete (the connection may still be open). */
  response: Promise<RawResponse>;
  /** The server ended the connection. */
  ended: Promise<void>;
  /** Whether the answer has arrived yet. */
  answered(): boolean;
}

/** Resolves with the promise's value, or fails after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a connection and sends a POST /v1/uploads head (and `first`, if given); the rest is up to the test. */
function openUpload(server: TestServer, headers: Record<string, string>, first?: string | Buffer): RawUpload {
  const { port } = new URL(server.url);
  const socket = connectTcp(Number(port), '127.0.0.1');
  sockets.add(socket);
  // Writes after the server closed fail; that is the server's right, not a test failure.
  socket.on('error', () => undefined);
  let done = false;
  let received = Buffer.alloc(0);
  const response = new Promise<RawResponse>((resolve, reject) => {
    const parse = () => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headerMap = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = Number(headerMap.get('content-length') ?? NaN);
      const body = received.subarray(end + 4);
      if (!Number.isFinite(length) || body.length < length) return;
      done = true;
      socket.removeListener('data', parse);
      resolve({ status: Number(statusLine!.split(' ')[1]), headers: headerMap, body: JSON.parse(body.subarray(0, length).toString('utf8')) });
    };
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      parse();
    });
    socket.on('close', () => {
      if (!done) reject(new Error(`connection closed without a complete answer: ${JSON.stringify(received.toString('latin1'))}`));
    });
  });
  response.catch(() => undefined);
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', () => resolve());
  });
  const head = [
    'POST /v1/uploads HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  if (first !== undefined) socket.write(first);
  return { socket, response, ended, answered: () => done };
}

/** A complete upload through fetch. */
async function upload(server: TestServer, credential: string, data: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([data]), 'quick.txt');
  const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, ...headers }, body: form });
  return { status: response.status, body: (await response.json()) as FileInfo & { error?: { code: string } } };
}

function leftOnDisk(server: TestServer): { blobs: string[]; temporary: string[] } {
  const root = join(server.dataDir, 'files');
  let all: string[] = [];
  try {
    all = readdirSync(root, { recursive: true }).map(String);
  } catch {
    // no upload was ever written
  }
  return {
    blobs: all.filter((path) => !path.startsWith('tmp') && path.includes('/')),
    temporary: all.filter((path) => path.startsWith('tmp/')),
  };
}

describe('upload limits on a body still coming', () => {
  test('a declared Content-Length over the limit is answered 413 FILE_TOO_LARGE before any body, then the connection is closed', async () => {
    const server = await startServer({ uploadMaxBytes: 64 * 1024 });
    const ticket = await ticketFor(server, 'alice');
    const slow = openUpload(server, { authorization: `Bearer ${ticket}`, 'content-length': String(10 * 1024 * 1024) });
    const answer = await within(slow.response, WAIT_MS, 'the 413');
    assert.deepEqual([answer.status, answer.body.error!.code], [413, 'FILE_TOO_LARGE']);
    assert.equal(answer.headers.get('connection'), 'close');
    await within(slow.ended, WAIT_MS, 'the server to close the connection');
  });

  test('a chunked body that passes the limit is answered 413 at once, leaves nothing on disk and frees its slot', async () => {
    const server = await startServer({ uploadMaxBytes: 64 * 1024 });
    const ticket = await ticketFor(server, 'alice');
    // More refused uploads than one user may run at a time: each must give its slot back.
    for (let round = 0; round < 6; round += 1) {
      const hostile = openUpload(server, { authorization: `Bearer ${ticket}`, 'transfer-encoding': 'chunked' }, chunk(partHead('endless.bin')));
      // Past the limit, and then more, without ever ending the body.
      for (let sent = 0; sent <= 80 * 1024; sent += 16 * 1024) hostile.socket.write(chunk(Buffer.alloc(16 * 1024, round)));
      const answer = await within(hostile.response, WAIT_MS, `the 413 of round ${round}`);
      assert.deepEqual([answer.status, answer.body.error!.code], [413, 'FILE_TOO_LARGE']);
      await within(hostile.ended, WAIT_MS, 'the server to close the connection');
      assert.deepEqual(leftOnDisk(server), { blobs: [], temporary: [] }, 'nothing of a refused upload is on disk once it is answered');
    }
    const after = await upload(server, ticket, 'still welcome');
    assert.equal(after.status, 201, 'the refused uploads hold no slot');
  });

  test('four stalled uploads of one guest are answered 408 UPLOAD_TIMEOUT; meanwhile another guest of the room uploads, and afterwards the first one can again', async () => {
    const server = await startServer({ uploadIdleTimeoutSeconds: 2, uploadMaxSeconds: 30 });
    const token = await bindRoom(server, uniqueRoom('slots'));
    const stalled = Array.from({ length: 5 }, () =>
      // Headers and the start of the file, then nothing more.
      openUpload(server, { authorization: `Bearer ${token}`, 'x-im-user-id': 'ann', 'content-length': '100000' }, `${partHead()}first bytes`),
    );
    const other = await upload(server, token, 'from another user of the room', { 'x-im-user-id': 'ben' });
    assert.equal(other.status, 201, 'another guest of the same room is not blocked');
    assert.ok(stalled.filter((upload) => upload.answered()).length <= 1, 'while the stalled uploads are still running (all but the refused fifth)');
    const signedIn = await upload(server, await ticketFor(server, 'ann'), 'from a signed-in ann');
    assert.equal(signedIn.status, 201, 'nor is a signed-in user of the same id');
    const answers = await within(Promise.all(stalled.map((upload) => upload.response)), WAIT_MS, 'every stalled upload to be answered');
    const codes = answers.map((answer) => `${answer.status} ${answer.body.error!.code}`).sort();
    assert.deepEqual(codes, ['408 UPLOAD_TIMEOUT', '408 UPLOAD_TIMEOUT', '408 UPLOAD_TIMEOUT', '408 UPLOAD_TIMEOUT', '429 RATE_LIMITED'], 'one guest runs four uploads at a time');
    for (const answer of answers.filter((answer) => answer.status === 408)) assert.match(answer.body.error!.message, /sent nothing for 2 s/);
    await within(Promise.all(stalled.map((upload) => upload.ended)), WAIT_MS, 'the server to close every stalled connection');
    const again = await upload(server, token, 'after the timeouts', { 'x-im-user-id': 'ann' });
    assert.equal(again.status, 201, 'timed out uploads hold no slot');
    assert.deepEqual(leftOnDisk(server).temporary, []);
  });

  test('an upload that keeps trickling is answered 408 UPLOAD_TIMEOUT after uploadMaxSeconds and closed, while others still upload', async () => {
    const server = await startServer({ uploadIdleTimeoutSeconds: 1, uploadMaxSeconds: 3 });
    const ticket = await ticketFor(server, 'alice');
    const trickle = openUpload(server, { authorization: `Bearer ${ticket}`, 'transfer-encoding': 'chunked' }, chunk(partHead('trickle.bin')));
    // A byte every 100 ms: never idle for the 1 s idle limit.
    const drip = setInterval(() => {
      if (!trickle.socket.destroyed) trickle.socket.write(chunk('x'));
    }, 100);
    try {
      const meanwhile = await upload(server, await ticketFor(server, 'bob'), 'quick');
      assert.equal(meanwhile.status, 201);
      assert.equal(trickle.answered(), false, 'the trickling upload is still running while bob uploads');
      const answer = await within(trickle.response, WAIT_MS, 'the 408');
      assert.deepEqual([answer.status, answer.body.error!.code], [408, 'UPLOAD_TIMEOUT']);
      assert.match(answer.body.error!.message, /at most 3 s/, 'ended by the time limit, not the idle limit');
      await within(trickle.ended, WAIT_MS, 'the server to close the connection');
    } finally {
      clearInterval(drip);
    }
    assert.deepEqual(leftOnDisk(server).temporary, [], 'the part written so far is removed');
    assert.equal((await upload(server, ticket, 'next')).status, 201);
  });
});
