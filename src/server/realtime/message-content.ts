import { ERROR_CODES } from '../../protocol/errors.js';
import type { FileInfo, JsonValue } from '../../protocol/models.js';
import type { MessageBody } from '../../protocol/schemas.js';
import type { ServerContext } from '../context.js';
import { RequestError } from './handler.js';

/** Missing, revoked and someone else's uploads get the same answer: nothing tells them apart. */
async function uploaded(ctx: ServerContext, id: string, field: string, ownerKey: string | null): Promise<FileInfo> {
  const file = await ctx.store.files.attachable(id, ownerKey);
  if (!file) throw new RequestError(ERROR_CODES.FILE_NOT_FOUND, `${field}: no uploaded file ${id}`);
  return file;
}

function requireKind(file: FileInfo, kind: FileInfo['kind'], type: string): void {
  if (file.kind !== kind) {
    throw new RequestError(ERROR_CODES.FILE_TYPE_MISMATCH, `a ${type} message needs an uploaded ${kind}; this file is ${file.mime}`, { mime: file.mime, kind: file.kind });
  }
}

/**
 * The stored content of a message: file types get their upload's details from the server's
 * records. `ownerKey` is the sender as uploads know it (`uploadOwner` in domain/files.ts): a
 * message may only name the sender's own uploads. `null` is the site (admin notifications),
 * which may name any.
 */
export async function resolveContent(ctx: ServerContext, body: MessageBody, ownerKey: string | null): Promise<JsonValue> {
  switch (body.type) {
    case 'text':
    case 'location':
    case 'custom':
      return body.content as unknown as JsonValue;
    case 'file':
      return { file: (await uploaded(ctx, body.fileId, 'file', ownerKey)) as unknown as JsonValue };
    case 'image': {
      const file = await uploaded(ctx, body.fileId, 'file', ownerKey);
      requireKind(file, 'image', 'image');
      return { file: file as unknown as JsonValue };
    }
    case 'audio': {
      const file = await uploaded(ctx, body.fileId, 'file', ownerKey);
      requireKind(file, 'audio', 'audio');
      return { file: file as unknown as JsonValue, duration: body.duration };
    }
    case 'video': {
      const file = await uploaded(ctx, body.fileId, 'file', ownerKey);
      requireKind(file, 'video', 'video');
      let poster: FileInfo | null = null;
      if (body.posterId !== null) {
        poster = await uploaded(ctx, body.posterId, 'poster', ownerKey);
        requireKind(poster, 'image', 'video poster');
      }
      return { file: file as unknown as JsonValue, duration: body.duration, poster: poster as unknown as JsonValue };
    }
  }
}
