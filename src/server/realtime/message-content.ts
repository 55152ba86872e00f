import { ERROR_CODES } from '../../protocol/errors.js';
import type { FileInfo, JsonValue } from '../../protocol/models.js';
import type { MessageBody } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import { RequestError } from './handler.js';

async function uploaded(ctx: ServerContext, id: string, field: string): Promise<FileInfo> {
  const file = await ctx.store.files.get(id);
  if (!file) throw new RequestError(ERROR_CODES.FILE_NOT_FOUND, `${field}: no uploaded file ${id}`);
  return file;
}

function requireKind(file: FileInfo, kind: FileInfo['kind'], type: string): void {
  if (file.kind !== kind) {
    throw new RequestError(ERROR_CODES.FILE_TYPE_MISMATCH, `a ${type} message needs an uploaded ${kind}; this file is ${file.mime}`, { mime: file.mime, kind: file.kind });
  }
}

/** The stored content of a message: file types get their upload's details from the server's records. */
export async function resolveContent(ctx: ServerContext, body: MessageBody): Promise<JsonValue> {
  switch (body.type) {
    case 'text':
    case 'location':
    case 'custom':
      return body.content as unknown as JsonValue;
    case 'file':
      return { file: (await uploaded(ctx, body.fileId, 'file')) as unknown as JsonValue };
    case 'image': {
      const file = await uploaded(ctx, body.fileId, 'file');
      requireKind(file, 'image', 'image');
      return { file: file as unknown as JsonValue };
    }
    case 'audio': {
      const file = await uploaded(ctx, body.fileId, 'file');
      requireKind(file, 'audio', 'audio');
      return { file: file as unknown as JsonValue, duration: body.duration };
    }
    case 'video': {
      const file = await uploaded(ctx, body.fileId, 'file');
      requireKind(file, 'video', 'video');
      let poster: FileInfo | null = null;
      if (body.posterId !== null) {
        poster = await uploaded(ctx, body.posterId, 'poster');
        requireKind(poster, 'image', 'video poster');
      }
      return { file: file as unknown as JsonValue, duration: body.duration, poster: poster as unknown as JsonValue };
    }
  }
}
