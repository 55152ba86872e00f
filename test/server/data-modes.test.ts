/**
 * The data dir holds every message, upload and secret: nobody but the server's own user may
 * read any of it, on a fresh start and after a start on a data dir left with looser modes.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import sharp from 'sharp';
import type { FileInfo } from '../../src/protocol/models.js';
import { cleanup, startServer, ticketFor, type TestServer } from './helpers.js';

const parents: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
const SECRETS = ['token-secret', 'ticket-secret', 'admin-key'];
const DATABASE = ['im.sqlite', 'im.sqlite-wal', 'im.sqlite-shm'];

/** A data dir that does not exist yet, so the server creates it. */
function freshDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'im-modes-'));
  parents.push(parent);
  return join(parent, 'data');
}

async function uploadImage(server: TestServer): Promise<FileInfo> {
  const form = new FormData();
  form.append('file', new Blob([await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0a0' } }).png().toBuffer()]), 'secret-plan.png');
  const response = await fetch(`${server.url}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${await ticketFor(server, 'alice')}` }, body: form });
  assert.equal(response.status, 201);
  return (await response.json()) as FileInfo;
}

/** Every mode under the data dir that is not private: [path, mode] pairs (empty when all are). */
function looser(dataDir: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const check = (path: string, expected: string) => {
    if (existsSync(path) && mode(path) !== expected) found.push([path.slice(dataDir.length) || '/', mode(path)]);
  };
  check(dataDir, '700');
  for (const entry of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    check(path, entry.isDirectory() ? '700' : '600');
  }
  return found;
}

describe('data dir modes', () => {
  test('a new data dir, its database, secrets, upload folders, blobs and thumbnails are private (0700 / 0600)', async () => {
    const server = await startServer({ dataDir: freshDataDir() });
    const image = await uploadImage(server);
    const dir = server.dataDir;
    assert.equal(mode(dir), '700');
    for (const name of [...SECRETS, ...DATABASE]) assert.equal(mode(join(dir, name)), '600', name);
    for (const folder of ['files', join('files', 'tmp'), join('files', image.id.slice(0, 2))]) assert.equal(mode(join(dir, folder)), '700', folder);
    for (const key of [image.id, `${image.id}.s`, `${image.id}.l`]) assert.equal(mode(join(dir, 'files', image.id.slice(0, 2), key)), '600', key);
    assert.deepEqual(looser(dir), [], 'nothing else under the data dir is readable by others');
  });

  test('a start on a data dir with looser modes tightens the dir, the database and the secrets', async () => {
    const server = await startServer({ dataDir: freshDataDir() });
    await uploadImage(server);
    await server.close();
    const dir = server.dataDir;
    chmodSync(dir, 0o755);
    for (const name of [...SECRETS, ...DATABASE]) if (existsSync(join(dir, name))) chmodSync(join(dir, name), 0o644);
    await server.restart();
    await uploadImage(server);
    assert.equal(mode(dir), '700');
    for (const name of [...SECRETS, ...DATABASE]) assert.equal(mode(join(dir, name)), '600', name);
  });
});
