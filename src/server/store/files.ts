import type { Kysely, Selectable } from 'kysely';
import type { FileInfo, Thumbnail } from '../../protocol/models.js';
import type { Database, FileTable } from './schema.js';

export interface NewFile {
  id: string;
  owner: string;
  name: string;
  size: number;
  mime: string;
  kind: FileInfo['kind'];
  width: number | null;
  height: number | null;
  thumbnails: { small: { width: number; height: number }; large: { width: number; height: number } } | null;
  createdAt: number;
}

/** Path of a file on the server; thumbnails below it. */
export const fileUrl = (id: string): string => `/v1/files/${id}`;
export const thumbnailUrl = (id: string, size: 'small' | 'large'): string => `/v1/files/${id}/${size}`;

export function toFileInfo(row: Selectable<FileTable>): FileInfo {
  const info: FileInfo = { id: row.id, url: fileUrl(row.id), name: row.name, size: Number(row.size), mime: row.mime, kind: row.kind as FileInfo['kind'] };
  if (row.width !== null && row.height !== null) {
    info.width = Number(row.width);
    info.height = Number(row.height);
  }
  if (row.thumbnails !== null) {
    const sizes = JSON.parse(row.thumbnails) as { small: Omit<Thumbnail, 'url'>; large: Omit<Thumbnail, 'url'> };
    info.thumbnails = {
      small: { url: thumbnailUrl(row.id, 'small'), ...sizes.small },
      large: { url: thumbnailUrl(row.id, 'large'), ...sizes.large },
    };
  }
  return info;
}

/** Records of uploaded files (the bytes are in the blob store). */
export class FileStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(file: NewFile): Promise<FileInfo> {
    const row = {
      id: file.id,
      owner: file.owner,
      name: file.name,
      size: file.size,
      mime: file.mime,
      kind: file.kind,
      width: file.width,
      height: file.height,
      thumbnails: file.thumbnails ? JSON.stringify(file.thumbnails) : null,
      created_at: file.createdAt,
      revoked_at: null,
    };
    await this.db.insertInto('files').values(row).execute();
    return toFileInfo(row);
  }

  /** A file that may be served: recorded and not revoked. */
  async get(id: string): Promise<FileInfo | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? toFileInfo(row) : undefined;
  }

  /**
   * A file a new message may name: not revoked, and uploaded by `owner` (`user:<id>`, or the key
   * of a room's user). `null` is the site itself, which may name any upload. Someone else's
   * upload is answered exactly like a missing one, so ids cannot be probed.
   */
  async attachable(id: string, owner: string | null): Promise<FileInfo | undefined> {
    let query = this.db.selectFrom('files').selectAll().where('id', '=', id).where('revoked_at', 'is', null);
    if (owner !== null) query = query.where('owner', '=', owner);
    const row = await query.executeTakeFirst();
    return row ? toFileInfo(row) : undefined;
  }

  /**
   * Forgets that the message `seq` of the conversation names its files (it was recalled or
   * deleted). Files no stored message names any more are revoked: no longer served, never
   * attached again. Resolves with their ids; their blobs (`id`, `id.s`, `id.l`) are the
   * caller's to delete. A file no message ever named (say one in a room's custom content) is
   * left alone.
   */
  async release(conversationId: string, seq: number, now: number = Date.now()): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const refs = await trx
        .deleteFrom('file_refs')
        .where('conversation_id', '=', conversationId)
        .where('seq', '=', seq)
        .returning('file_id')
        .execute();
      if (refs.length === 0) return [];
      const revoked = await trx
        .updateTable('files')
        .set({ revoked_at: now })
        .where('id', 'in', [...new Set(refs.map((ref) => ref.file_id))])
        .where('revoked_at', 'is', null)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('file_refs').select('file_refs.file_id').whereRef('file_refs.file_id', '=', 'files.id'))))
        .returning('id')
        .execute();
      return revoked.map((row) => row.id);
    });
  }
}
