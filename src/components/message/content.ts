import { SYSTEM_SENDER, type FileInfo, type JsonValue, type MessageType, type Quote, type Thumbnail } from '../../protocol/models.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { Params } from '../i18n/types.js';
import type { StringKey } from '../i18n/types.js';
import { cleanText } from '../../protocol/text.js';

/** The six reactions offered first. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** What the texts need of a LocaleController. */
export interface Translator {
  t(key: StringKey, params?: Params): string;
}

/** What the content helpers need of a LocaleController. */
export interface ContentLocale extends Translator {
  formatDuration(seconds: number): string;
  formatList(names: readonly string[]): string;
}

export const record = (value: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
export const stringOf = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : '');
export const numberOf = (value: JsonValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/**
 * The type a message renders as. Messages of room sessions carry no type: a string (or
 * `{ text }`) is text, anything else is custom JSON.
 */
export function typeOf(message: CachedMessage): MessageType {
  if (message.type) return message.type;
  const { content } = message;
  return typeof content === 'string' || typeof record(content)?.text === 'string' ? 'text' : 'custom';
}

/** The text of a text message (a room session may send a bare string). */
export const textOf = (content: JsonValue): string => (typeof content === 'string' ? content : stringOf(record(content)?.text));

function thumbnailOf(value: JsonValue | undefined): Thumbnail | undefined {
  const t = record(value);
  const width = positive(t?.width);
  const height = positive(t?.height);
  return t && typeof t.url === 'string' && width && height ? { url: t.url, width, height } : undefined;
}

/** The file of a file message, read defensively (content comes from other users). */
export function fileOf(value: JsonValue | undefined): FileInfo | undefined {
  const f = record(value);
  if (!f) return undefined;
  const small = thumbnailOf(record(f.thumbnails)?.small);
  const large = thumbnailOf(record(f.thumbnails)?.large);
  const kind = f.kind === 'image' || f.kind === 'audio' || f.kind === 'video' ? f.kind : 'file';
  return {
    id: stringOf(f.id),
    url: stringOf(f.url),
    name: stringOf(f.name),
    size: numberOf(f.size) ?? 0,
    mime: stringOf(f.mime),
    kind,
    ...(positive(f.width) ? { width: f.width as number } : {}),
    ...(positive(f.height) ? { height: f.height as number } : {}),
    ...(small && large ? { thumbnails: { small, large } } : {}),
  };
}

/** A box of the given size scaled down to fit (keeping its aspect), or the fallback when unknown. */
export function fitBox(
  width: number | undefined,
  height: number | undefined,
  maxWidth: number,
  maxHeight: number,
  fallback: { width: number; height: number },
): { width: number; height: number } {
  if (!width || !height) return fallback;
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The box of a video: its poster's (else its own) size, fitted. */
export const videoBox = (file: FileInfo, poster: FileInfo | undefined): { width: number; height: number } =>
  fitBox(poster?.width ?? file.width, poster?.height ?? file.height, 280, 320, { width: 280, height: 158 });

const oneLine = (value: string, max = 100): string => {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * A one-line, localised preview of a message's content by type: quotes, the conversation list,
 * the composer's banners, announcements. `wrap` marks user text inside a localised sentence
 * (the list isolates its direction).
 */
export function previewText(type: MessageType, content: JsonValue, locale: ContentLocale, wrap: (text: string) => string = (text) => text): string {
  const body = record(content);
  switch (type) {
    case 'text':
      return oneLine(textOf(content));
    case 'image':
      return locale.t('preview.image');
    case 'file':
      return locale.t('preview.file', { name: wrap(oneLine(stringOf(record(body?.file)?.name))) });
    case 'audio':
      return locale.t('preview.voice', { duration: locale.formatDuration(numberOf(body?.duration) ?? 0) });
    case 'video':
      return locale.t('preview.video');
    case 'location':
      return locale.t('preview.location', { description: wrap(oneLine(stringOf(body?.description))) });
    case 'custom':
      return oneLine(stringOf(body?.description)) || (typeof content === 'string' ? oneLine(content) : locale.t('preview.custom'));
    case 'tip':
      return '';
  }
}

/**
 * The preview of a quote snapshot: the server wrote it in English ("[Image]", "[File] name"),
 * so media types are localised again from what the snapshot says.
 */
export function quoteSnapshotText(quote: Quote, locale: ContentLocale): string {
  const after = (prefix: string) => (quote.preview.startsWith(prefix) ? quote.preview.slice(prefix.length).trim() : quote.preview);
  switch (quote.type) {
    case 'image':
      return locale.t('preview.image');
    case 'video':
      return locale.t('preview.video');
    case 'audio':
      return locale.t('preview.voice', { duration: '' }).trim();
    case 'file':
      return locale.t('preview.file', { name: after('[File]') });
    case 'location':
      return locale.t('preview.location', { description: after('[Location]') });
    default:
      return quote.preview;
  }
}

/** A person as messages name them: "You" for the signed-in user, the system, else `names(id)`. */
export function personName(userId: string, selfId: string, names: (userId: string) => string, locale: Translator, object = false): string {
  if (userId === selfId && selfId !== '') return locale.t(object ? 'common.youObject' : 'common.you');
  if (userId === SYSTEM_SENDER) return locale.t('conversation.system');
  return cleanText(names(userId) ?? '') || userId;
}

/**
 * The line of a server tip: group created, members added, a member left; else its `text`.
 * `wrap` wraps each name (the list isolates them from the sentence's direction).
 */
export function tipText(
  message: Pick<CachedMessage, 'senderId' | 'content'>,
  selfId: string,
  names: (userId: string) => string,
  locale: ContentLocale,
  wrap: (text: string) => string = (text) => text,
): string {
  const body = record(message.content);
  const members = Array.isArray(body?.members) ? body.members.filter((m): m is string => typeof m === 'string') : [];
  const name = (id: string, object = false) => wrap(personName(id, selfId, names, locale, object));
  const list = (ids: readonly string[], object = false) => locale.formatList(ids.map((id) => name(id, object)));
  switch (body?.tip) {
    case 'group-created':
      return locale.t('tip.groupCreated', { name: name(message.senderId) });
    case 'members-joined': {
      const by = typeof body.by === 'string' ? body.by : message.senderId;
      const params: Params = { names: list(members, true), name: name(by), count: members.length };
      return locale.t('tip.added', params);
    }
    case 'member-left':
      return locale.t('tip.left', { name: list(members.length > 0 ? members : [message.senderId]) });
    default:
      return stringOf(body?.text) || (typeof message.content === 'string' ? message.content : '');
  }
}

/** The tombstone of a recalled message: "You recalled a message" or "Ann recalled a message". */
export function recalledText(message: CachedMessage, selfId: string, names: (userId: string) => string, locale: Translator): string {
  const by = message.recalled?.by ?? message.senderId;
  return by === selfId ? locale.t('message.recalledSelf') : locale.t('message.recalledBy', { name: personName(by, selfId, names, locale) });
}

/** What "copy" puts on the clipboard, or undefined when the message has nothing to copy. */
export function copyText(type: MessageType, content: JsonValue): string | undefined {
  const body = record(content);
  if (type === 'text') return textOf(content) || undefined;
  if (type === 'location') {
    const lat = numberOf(body?.lat);
    const lng = numberOf(body?.lng);
    if (lat === undefined || lng === undefined) return undefined;
    const description = stringOf(body?.description);
    return description ? `${description} (${lat}, ${lng})` : `${lat}, ${lng}`;
  }
  return undefined;
}

export { hueOf, initialsOf } from '../styles/avatar.js';
