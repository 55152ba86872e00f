import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded bytes live. Keys are made of [A-Za-z0-9_.-]. The local disk store is the
 * default; an object store (S3 and the like) fits the same shape.
 */
export interface BlobStore {
  /**
   * Writes a stream under `key`. Nothing is visible under the key until the whole stream was
   * written; when the stream fails, nothing is left behind. Resolves with the byte count.
   */
  put(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  /** Writes a buffer under `key` (thumbnails). */
  putBuffer(key: string, data: Buffer): Promise<void>;
  /** Size in bytes, or undefined when there is no such blob. */
  size(key: string): Promise<number | undefined>;
  /** Reads bytes `start` to `end` inclusive (the whole blob without a range). */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** A local path to the blob, for tools that need a file (image decoding). */
  localPath(key: string): string | undefined;
  delete(key: string): Promise<void>;
}

const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Blobs as files under `<dataDir>/files/<first two characters>/<key>`, written via a temporary
 * file. Uploads are private to the server's user: folders 0700, files 0600.
 */
export class LocalDiskBlobStore implements BlobStore {
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = join(root, 'tmp');
  }

  private path(key: string): string {
    if (!KEY_PATTERN.test(key) || key.startsWith('.')) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
    return join(this.root, key.slice(0, 2), key);
  }

  private async commit(key: string, write: (temporary: string) => Promise<void>): Promise<void> {
    const target = this.path(key);
    await mkdir(this.tmp, { recursive: true, mode: 0o700 });
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const temporary = join(this.tmp, `${randomBytes(12).toString('hex')}.part`);
    try {
      await write(temporary);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async put(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    let written = 0;
    async function* counted() {
      for await (const chunk of source) {
        written += chunk.length;
        yield chunk;
      }
    }
    await this.commit(key, (temporary) => pipeline(counted, createWriteStream(temporary, { flags: 'wx', mode: 0o600 })));
    return written;
  }

  async putBuffer(key: string, data: Buffer): Promise<void> {
    await this.commit(key, async (temporary) => {
      await writeFile(temporary, data, { flag: 'wx', mode: 0o600 });
    });
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return undefined;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  localPath(key: string): string {
    return this.path(key);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
