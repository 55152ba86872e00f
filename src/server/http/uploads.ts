import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, errorPayload, type ErrorCode } from '../../protocol/errors.js';
import { FILE_ID_PATTERN, LIMITS } from '../../protocol/limits.js';
import type { FileInfo } from '../../protocol/models.js';
import { cleanText } from '../../protocol/text.js';
import { authenticateRoomToken, authenticateTicket } from '../auth/credentials.js';
import type { ServerContext } from '../context.js';
import { uploadOwner } from '../domain/files.js';
import { describeImage, type ImageDetails } from '../files/images.js';
import { isInlineSafe, sniff, SNIFF_BYTES } from '../files/sniff.js';
import { sendError } from './errors.js';

/** Bytes of multipart framing allowed on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * After answering an upload whose body is still coming, how long its bytes are read and
 * dropped before the connection goes (ms). Closing with bytes unread makes TCP reset the
 * connection, and a reset can destroy the answer before the client has read it.
 */
const LINGER_MS = 2000;

/** The user id of a room user whose token names none (a guest), as `userId` in the socket handshake. */
export const UPLOAD_USER_HEADER = 'x-im-user-id';

class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who uploads: the owner key of the Bearer credential (a user ticket or a room token). */
async function uploaderOf(ctx: ServerContext, request: FastifyRequest): Promise<string> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new UploadError(401, ERROR_CODES.UNAUTHORIZED, 'uploads need Authorization: Bearer <user ticket or room token>');
  const credential = match[1]!;
  if (credential.split('.').length === 3 && !credential.startsWith('v1.')) {
    const ticket = await authenticateTicket(ctx, credential);
    if (!ticket.ok) throw new UploadError(401, ticket.error.code, ticket.error.message);
    return uploadOwner(ticket.value.userId);
  }
  const room = await authenticateRoomToken(ctx, credential, request.headers[UPLOAD_USER_HEADER]);
  if (!room.ok) {
    if (room.error.code === ERROR_CODES.INVALID_USER_ID) {
      throw new UploadError(400, ERROR_CODES.INVALID_USER_ID, `a room token that names no user needs the user's id in ${UPLOAD_USER_HEADER} ([A-Za-z0-9_-]{1,32})`);
    }
    throw new UploadError(401, room.error.code, room.error.message);
  }
  if (room.value.role === 'viewer') throw new UploadError(403, ERROR_CODES.FORBIDDEN, 'a viewer of a room receives only and may not upload');
  return uploadOwner(room.value.userId, room.value.room.roomId);
}

/**
 * A display name that is safe in a header and a file system: no paths, no control or
 * bidirectional formatting characters (so no name can pass for another extension), bounded.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = cleanText(raw ?? '').split(/[\\/]/).pop() ?? '';
  let name = base.replace(/"/g, '').trim();
  if (name === '' || name === '.' || name === '..') name = 'file';
  if (name.length > LIMITS.FILE_NAME_MAX_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    // Cut between code points: half a surrogate pair cannot be encoded in a header.
    name = name.slice(0, LIMITS.FILE_NAME_MAX_LENGTH - ext.length).replace(/[\ud800-\udbff]$/, '') + ext;
  }
  return name;
}

/** Passes a stream through, keeping its first bytes for sniffing. */
function headKeeper(source: AsyncIterable<Buffer>): { stream: AsyncIterable<Buffer>; head(): Buffer } {
  const chunks: Buffer[] = [];
  let kept = 0;
  async function* stream() {
    for await (const chunk of source) {
      if (kept < SNIFF_BYTES) {
        chunks.push(chunk.subarray(0, SNIFF_BYTES - kept));
        kept += Math.min(chunk.length, SNIFF_BYTES - kept);
      }
      yield chunk;
    }
  }
  return { stream: stream(), head: () => Buffer.concat(chunks) };
}

const contentDisposition = (type: 'inline' | 'attachment', name: string): string => {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
};

/** One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) within `size`, null when absent, 'invalid' when unsatisfiable. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

/** A file's bytes written to the blob store, not yet recorded. */
interface Stored {
  id: string;
  name: string;
  size: number;
  mime: string;
  kind: FileInfo['kind'];
  image: ImageDetails | undefined;
}

/**
 * Answers an upload whose body may still be coming, then ends the connection: its unread bytes
 * would otherwise be taken for the next request. The answer and a FIN go out at once; what the
 * client still sends is read and dropped for LINGER_MS before the socket is destroyed.
 */
function answerAndClose(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  const body = request.raw;
  const socket = body.socket;
  reply.hijack();
  body.unpipe();
  body.resume();
  if (socket.destroyed || !socket.writable) return reply;
  const payload = JSON.stringify({ error: errorPayload(code, message) });
  const headers = new Map<string, string>();
  // Headers set before the route ran (CORS) are kept, so a browser may read the error.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers.set(name.toLowerCase(), (Array.isArray(value) ? value.join(', ') : String(value)).replace(/[\r\n]/g, ''));
  }
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('content-length', String(Buffer.byteLength(payload)));
  headers.set('connection', 'close');
  headers.set('date', new Date().toUTCString());
  const lines = [...headers].map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines}\r\n${payload}`);
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
  return reply;
}

/**
 * POST /v1/uploads (multipart field `file`, a user ticket or room token as Bearer; with a room
 * token that names no user, the user's id in `x-im-user-id`) stores a file and answers its
 * FileInfo. An upload is answered the moment it passes the size limit, sends nothing for
 * uploadIdleTimeoutSeconds or runs longer than uploadMaxSeconds, and its connection is closed.
 * GET /v1/files/:id (and /small, /large for image thumbnails) serves a file until it is revoked.
 * File ids are random and unguessable: whoever has a message with a file may load it.
 */
export async function registerUploadRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const maxBytes = ctx.config.uploadMaxBytes;
  const idleSeconds = ctx.config.uploadIdleTimeoutSeconds;
  const maxSeconds = ctx.config.uploadMaxSeconds;
  const tooLarge = () => new UploadError(413, ERROR_CODES.FILE_TOO_LARGE, `files may be at most ${maxBytes} bytes`);
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 6, fieldSize: 1024, headerPairs: 100 } });
  /** Uploads in progress per owner key. */
  const running = new Map<string, number>();

  app.post('/v1/uploads', async (request, reply) => {
    let owner: string;
    try {
      owner = await uploaderOf(ctx, request);
      if (!request.isMultipart()) throw new UploadError(400, ERROR_CODES.FILE_MISSING, 'send multipart/form-data with the file in the field "file"');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge();
      if ((running.get(owner) ?? 0) >= LIMITS.UPLOADS_CONCURRENT_PER_OWNER) {
        throw new UploadError(429, ERROR_CODES.RATE_LIMITED, `at most ${LIMITS.UPLOADS_CONCURRENT_PER_OWNER} uploads at a time`);
      }
    } catch (error) {
      return failUpload(request, reply, error);
    }
    running.set(owner, (running.get(owner) ?? 0) + 1);
    try {
      return reply.code(201).send(await receive(request, owner));
    } catch (error) {
      return failUpload(request, reply, error);
    } finally {
      const left = (running.get(owner) ?? 1) - 1;
      if (left <= 0) running.delete(owner);
      else running.set(owner, left);
    }
  });

  /**
   * Reads the multipart body and keeps its field "file" (other parts are skipped). Each byte
   * that arrives restarts the idle clock; the body as a whole has uploadMaxSeconds and the size
   * limit plus framing. Breaking a limit ends the upload at once: the body is no longer parsed
   * and what was written of the file is removed before the error is thrown.
   */
  async function receive(request: FastifyRequest, owner: string): Promise<FileInfo> {
    const body = request.raw;
    let failed: UploadError | undefined;
    let fail!: (error: UploadError) => void;
    const failure = new Promise<never>((_resolve, reject) => {
      fail = (error) => {
        if (failed) return;
        failed = error;
        reject(error);
      };
    });
    failure.catch(() => undefined);
    let idle: NodeJS.Timeout | undefined;
    const restartIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new UploadError(408, ERROR_CODES.UPLOAD_TIMEOUT, `the upload sent nothing for ${idleSeconds} s`)), idleSeconds * 1000);
    };
    const overall = setTimeout(() => fail(new UploadError(408, ERROR_CODES.UPLOAD_TIMEOUT, `an upload may take at most ${maxSeconds} s`)), maxSeconds * 1000);
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes + MULTIPART_OVERHEAD) fail(tooLarge());
      else restartIdle();
    };
    const disarm = () => {
      clearTimeout(idle);
      clearTimeout(overall);
      body.removeListener('data', onData);
    };
    // With the whole body in, what is left (thumbnails) is the server's work, not the client's.
    body.once('end', disarm);
    let current: MultipartFile | undefined;
    let storing: Promise<Stored> | undefined;

    const parse = async (): Promise<Stored | undefined> => {
      const parts = request.parts()[Symbol.asyncIterator]();
      // The first step pipes the body into the parser; counting must start after that, as a
      // 'data' listener on an unpiped body would let its bytes flow past the parser.
      const first = parts.next();
      body.on('data', onData);
      restartIdle();
      let stored: Stored | undefined;
      // The whole body is read (extra parts are skipped) so that none of it is left on the connection.
      for (let step = await first; !step.done; step = await parts.next()) {
        const part = step.value;
        // A refused upload's parser may still hand over what it had buffered: nothing more is stored.
        if (failed) return undefined;
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' || stored) {
          part.file.resume();
          continue;
        }
        current = part;
        part.file.once('limit', () => fail(tooLarge()));
        if (part.file.truncated) fail(tooLarge());
        if (failed) return undefined;
        storing = store(part, () => failed);
        stored = await storing;
        current = undefined;
      }
      return stored;
    };

    const parsing = parse();
    parsing.catch(() => undefined);
    let stored: Stored | undefined;
    try {
      stored = await Promise.race([parsing, failure]);
    } catch (error) {
      if (!failed) throw multipartError(error);
      disarm();
      body.unpipe();
      current?.file.destroy(failed);
      // Nothing of a refused upload stays behind once it is answered.
      const written = await storing?.catch(() => undefined);
      if (written) await deleteBlobs(written.id);
      throw failed;
    } finally {
      disarm();
      body.removeListener('end', disarm);
    }
    // Bytes after the closing boundary are dropped rather than taken for the next request.
    body.resume();
    if (!stored) throw new UploadError(400, ERROR_CODES.FILE_MISSING, 'no file in the multipart field "file"');
    const { image } = stored;
    try {
      return await ctx.store.files.add({
        id: stored.id,
        owner,
        name: stored.name,
        size: stored.size,
        mime: stored.mime,
        kind: stored.kind,
        width: image?.width ?? null,
        height: image?.height ?? null,
        thumbnails: image
          ? { small: { width: image.small.width, height: image.small.height }, large: { width: image.large.width, height: image.large.height } }
          : null,
        createdAt: ctx.clock(),
      });
    } catch (error) {
      await deleteBlobs(stored.id);
      throw error;
    }
  }

  const deleteBlobs = (id: string) => Promise.all([id, `${id}.s`, `${id}.l`].map((key) => ctx.blobs.delete(key)));

  /** Writes a file part and its thumbnails; `refused` tells whether the upload was refused meanwhile. */
  async function store(part: MultipartFile, refused: () => UploadError | undefined): Promise<Stored> {
    const id = randomBytes(16).toString('base64url');
    const keeper = headKeeper(part.file);
    const size = await ctx.blobs.put(id, keeper.stream);
    try {
      if (part.file.truncated) throw tooLarge();
      let { mime, kind } = sniff(keeper.head());
      let image: ImageDetails | undefined;
      if (kind === 'image') {
        image = await describeImage(ctx.blobs.localPath(id) ?? (await streamToBuffer(ctx.blobs.read(id))));
        // Claims to be an image but does not decode: a plain file, downloaded, never shown.
        if (!image) {
          kind = 'file';
          mime = 'application/octet-stream';
        }
      }
      const stop = refused();
      if (stop) throw stop;
      if (image) {
        await ctx.blobs.putBuffer(`${id}.s`, image.small.data);
        await ctx.blobs.putBuffer(`${id}.l`, image.large.data);
      }
      return { id, name: cleanFileName(part.filename), size, mime, kind, image };
    } catch (error) {
      await deleteBlobs(id);
      throw error;
    }
  }

  function multipartError(error: unknown): UploadError {
    if (error instanceof UploadError) return error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
    if (typeof code === 'string' && (code.startsWith('FST_') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')) {
      return new UploadError(400, ERROR_CODES.INVALID_PAYLOAD, 'the multipart body is malformed or was cut off');
    }
    if (error instanceof Error && /multipart|boundary|Unexpected end/i.test(error.message)) {
      return new UploadError(400, ERROR_CODES.INVALID_PAYLOAD, 'the multipart body is malformed or was cut off');
    }
    throw error;
  }

  function failUpload(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
    let status = 500;
    let code: ErrorCode = ERROR_CODES.INTERNAL;
    let message = 'internal error';
    if (error instanceof UploadError) {
      ({ status, code, message } = error);
    } else {
      request.log.error({ err: error }, 'upload failed');
    }
    // Answered before its body was read: the rest of it must not be taken for the next request.
    if (!request.raw.readableEnded) return answerAndClose(request, reply, status, code, message);
    return sendError(reply, status, code, message);
  }

  const serve = (variant: 'original' | 'small' | 'large') => async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: string };
    if (!FILE_ID_PATTERN.test(id)) return sendError(reply, 404, ERROR_CODES.FILE_NOT_FOUND, 'no such file');
    const file = await ctx.store.files.get(id);
    if (!file || (variant !== 'original' && !file.thumbnails)) return sendError(reply, 404, ERROR_CODES.FILE_NOT_FOUND, 'no such file');
    const key = variant === 'original' ? id : `${id}.${variant === 'small' ? 's' : 'l'}`;
    const size = await ctx.blobs.size(key);
    if (size === undefined) return sendError(reply, 404, ERROR_CODES.FILE_NOT_FOUND, 'no such file');
    const mime = variant === 'original' ? file.mime : 'image/webp';
    reply
      .header('content-type', mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', contentDisposition(isInlineSafe(mime) ? 'inline' : 'attachment', variant === 'original' ? file.name : `${file.name}.webp`))
      // Even opened directly, a file is a document that can run nothing and reach nothing.
      .header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('accept-ranges', 'bytes');
    const range = parseRange(request.headers.range, size);
    if (range === 'invalid') return reply.code(416).header('content-range', `bytes */${size}`).send();
    if (request.method === 'HEAD') return reply.header('content-length', size).send();
    if (range) {
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(ctx.blobs.read(key, range));
    }
    return reply.header('content-length', size).send(ctx.blobs.read(key));
  };
  app.get('/v1/files/:id', serve('original'));
  app.get('/v1/files/:id/small', serve('small'));
  app.get('/v1/files/:id/large', serve('large'));
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  stream.pipe(sink);
  for await (const chunk of sink) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
