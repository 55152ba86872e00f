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
