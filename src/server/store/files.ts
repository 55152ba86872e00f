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
    };
    await this.db.insertInto('files').values(row).execute();
    return toFileInfo(row);
  }

  async get(id: string): Promise<FileInfo | undefined> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toFileInfo(row) : undefined;
  }
}
