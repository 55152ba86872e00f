import { isGuestId } from '../../protocol/models.js';

/**
 * Whose an upload is, and so who may attach it to a message: a user (`user:<id>`) whether they
 * came with a ticket or a room token naming them; a guest (`~` id) only within the room they
 * were a guest of, since another room's guest may carry the same id.
 */
export function uploadOwner(userId: string, roomId: string | null = null): string {
  if (!isGuestId(userId)) return `user:${userId}`;
  if (roomId === null) throw new Error('a guest is somebody only within a room');
  return `guest:${roomId}:${userId}`;
}

/** Ids of the uploads a message's content names: its file and a video's poster. */
export function fileIdsOfContent(content: unknown): string[] {
  const ids: string[] = [];
  if (typeof content !== 'object' || content === null) return ids;
  for (const key of ['file', 'poster'] as const) {
    const entry = Object.hasOwn(content, key) ? (content as Record<string, unknown>)[key] : undefined;
    const id = typeof entry === 'object' && entry !== null && Object.hasOwn(entry, 'id') ? (entry as Record<string, unknown>).id : undefined;
    if (typeof id === 'string' && id !== '') ids.push(id);
  }
  return ids;
}
