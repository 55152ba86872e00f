import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../../protocol/errors.js';
import { FILE_ID_PATTERN, LIMITS } from '../../protocol/limits.js';
import type { FileInfo } from '../../protocol/models.js';
import { verifyRoomToken } from '../auth/tokens.js';
import { verifyTicket } from '../auth/tickets.js';
import type { ServerContext } from '../context.js';
import { describeImage } from '../files/images.js';
import { isInlineSafe, sniff, SNIFF_BYTES } from '../files/sniff.js';
import { ticketSecret } from '../realtime/auth.js';
import { sendError } from './errors.js';

/** Bytes of multipart framing allowed on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who uploads: `user:<id>` with a ticket, `room:<id>` with a room token. */
async function uploaderOf(ctx: ServerContext, request: FastifyRequest): Promise<string> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new UploadError(401, ERROR_CODES.UNAUTHORIZED, 'uploads need Authorization: Bearer <user ticket or room token>');
  const credential = match[1]!;
  if (credential.split('.').length === 3 && !credential.startsWith('v1.')) {
    const ticket = verifyTicket(ticketSecret(ctx), credential, ctx.clock());
    if (ticket.ok) return `user:${ticket.claims.sub}`;
    throw ticket.reason === 'expired'
      ? new UploadError(401, ERROR_CODES.TICKET_EXPIRED, 'the ticket has expired')
      : new UploadError(401, ERROR_CODES.TICKET_INVALID, 'the ticket is malformed or forged');
  }
  const claims = verifyRoomToken(ctx.secrets.tokenSecret, credential, ctx.clock());
  if (!claims) throw new UploadError(401, ERROR_CODES.TOKEN_INVALID, 'the token is malformed, forged or expired');
  const room = await ctx.store.getRoom(claims.r);
  if (!room?.bound || room.generation !== claims.g) throw new UploadError(401, ERROR_CODES.ROOM_UNBOUND, 'the room of this token is not bound');
  return `room:${room.roomId}`;
}

/** A display name that is safe in a header and a file system: no paths, no control characters, bounded. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  let name = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (name === '' || name === '.' || name === '..') name = 'file';
  if (name.length > LIMITS.FILE_NAME_MAX_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, LIMITS.FILE_NAME_MAX_LENGTH - ext.length) + ext;
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

/**
 * POST /v1/uploads (multipart field `file`, a user ticket or room token as Bearer) stores a file
 * and answers its FileInfo; GET /v1/files/:id (and /small, /large for image thumbnails) serves
 * it. File ids are random and unguessable: whoever has a message with a file may load it.
 */
export async function registerUploadRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const maxBytes = ctx.config.uploadMaxBytes;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 6, fieldSize: 1024, headerPairs: 100 } });
  const running = new Map<string, number>();

  app.post('/v1/uploads', async (request, reply) => {
    let owner: string | undefined;
    try {
      owner = await uploaderOf(ctx, request);
      if (!request.isMultipart()) throw new UploadError(400, ERROR_CODES.FILE_MISSING, 'send multipart/form-data with the file in the field "file"');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
        throw new UploadError(413, ERROR_CODES.FILE_TOO_LARGE, `files may be at most ${maxBytes} bytes`);
      }
      if ((running.get(owner) ?? 0) >= LIMITS.UPLOADS_CONCURRENT_PER_OWNER) {
        throw new UploadError(429, ERROR_CODES.RATE_LIMITED, `at most ${LIMITS.UPLOADS_CONCURRENT_PER_OWNER} uploads at a time`);
      }
      running.set(owner, (running.get(owner) ?? 0) + 1);
      const info = await receive(request, owner);
      return reply.code(201).send(info);
    } catch (error) {
      return failUpload(reply, request, error);
    } finally {
      if (owner !== undefined && running.has(owner)) {
        const left = running.get(owner)! - 1;
        if (left <= 0) running.delete(owner);
        else running.set(owner, left);
      }
    }
  });

  async function receive(request: FastifyRequest, owner: string): Promise<FileInfo> {
    // Read the whole body (other fields are skipped): a request left half read would keep its
    // connection busy, and the next request on it would start inside this one's bytes.
    let info: FileInfo | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname === 'file' && !info) info = await store(part, owner);
        else part.file.resume();
      }
    } catch (error) {
      throw multipartError(error);
    }
    if (!info) throw new UploadError(400, ERROR_CODES.FILE_MISSING, 'no file in the multipart field "file"');
    return info;
  }

  async function store(part: MultipartFile, owner: string): Promise<FileInfo> {
    const id = randomBytes(16).toString('base64url');
    const keeper = headKeeper(part.file);
    const size = await ctx.blobs.put(id, keeper.stream);
    if (part.file.truncated) {
      await ctx.blobs.delete(id);
      throw new UploadError(413, ERROR_CODES.FILE_TOO_LARGE, `files may be at most ${maxBytes} bytes`);
    }
    let { mime, kind } = sniff(keeper.head());
    let image: Awaited<ReturnType<typeof describeImage>>;
    if (kind === 'image') {
      image = await describeImage(ctx.blobs.localPath(id) ?? (await streamToBuffer(ctx.blobs.read(id))));
      // Claims to be an image but does not decode: a plain file, downloaded, never shown.
      if (!image) {
        kind = 'file';
        mime = 'application/octet-stream';
      }
    }
    if (image) {
      await ctx.blobs.putBuffer(`${id}.s`, image.small.data);
      await ctx.blobs.putBuffer(`${id}.l`, image.large.data);
    }
    return ctx.store.files.add({
      id,
      owner,
      name: cleanFileName(part.filename),
      size,
      mime,
      kind,
      width: image?.width ?? null,
      height: image?.height ?? null,
      thumbnails: image
        ? { small: { width: image.small.width, height: image.small.height }, large: { width: image.large.width, height: image.large.height } }
        : null,
      createdAt: ctx.clock(),
    });
  }

  function multipartError(error: unknown): UploadError {
    if (error instanceof UploadError) return error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadError(413, ERROR_CODES.FILE_TOO_LARGE, `files may be at most ${maxBytes} bytes`);
    if (typeof code === 'string' && (code.startsWith('FST_') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')) {
      return new UploadError(400, ERROR_CODES.INVALID_PAYLOAD, 'the multipart body is malformed or was cut off');
    }
    if (error instanceof Error && /multipart|boundary|Unexpected end/i.test(error.message)) {
      return new UploadError(400, ERROR_CODES.INVALID_PAYLOAD, 'the multipart body is malformed or was cut off');
    }
    throw error;
  }

  function failUpload(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
    if (error instanceof UploadError) {
      // Unread upload bytes must not be taken for the next request on this connection.
      if (error.status === 413 || error.status === 401 || error.status === 429) reply.header('connection', 'close');
      return sendError(reply, error.status, error.code, error.message);
    }
    request.log.error({ err: error }, 'upload failed');
    return sendError(reply, 500, ERROR_CODES.INTERNAL, 'internal error');
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
