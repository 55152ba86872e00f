import { LIMITS } from '../../protocol/limits.js';
export { hueOf, initialsOf } from '../styles/avatar.js';
import { previewText } from '../message/content.js';
import { SYSTEM_SENDER, type JsonValue, type StoredMessage } from '../../protocol/models.js';
import type { CachedConversation } from '../../sdk/cache/types.js';
import type { Params, StringKey } from '../i18n/index.js';

/** What the row texts need of a LocaleController. */
export interface RowLocale {
  t(key: StringKey, params?: Params): string;
  formatDuration(seconds: number): string;
  formatList(names: readonly string[]): string;
}

/**
 * User text inside a localised sentence is isolated (FSI … PDI), so "{name} is typing…" keeps
 * its word order when the name is written in another direction than the sentence.
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`;

/** Characters of a preview kept for rendering: rows end in an ellipsis long before that. */
const PREVIEW_MAX = 160;

const record = (value: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
const stringOf = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : '');
const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_MAX ? `${line.slice(0, PREVIEW_MAX - 1)}…` : line;
};

/** The name a row shows: group name, the peer of a direct chat, the room id, or "System notifications". */
export function conversationName(conversation: CachedConversation, locale: RowLocale): string {
  switch (conversation.type) {
    case 'system':
      return locale.t('conversation.system');
    case 'direct':
      return conversation.peerId ?? locale.t('conversation.untitled');
    case 'room':
      return conversation.name || conversation.id.replace(/^room:/, '');
    case 'group':
      return conversation.name || locale.t('conversation.untitled');
  }
}

/** A user as the list names them: "You" for the signed-in user. */
function personName(userId: string, me: string, locale: RowLocale): string {
  if (userId === me) return locale.t('common.you');
  if (userId === SYSTEM_SENDER) return locale.t('conversation.system');
  return userId;
}

/** One line for a server tip (group created, members joined or left). */
function tipText(message: StoredMessage, me: string, locale: RowLocale): string {
  const body = record(message.content);
  const members = Array.isArray(body?.members) ? body.members.filter((m): m is string => typeof m === 'string') : [];
  const person = (id: string) => isolate(personName(id, me, locale));
  const names = (ids: string[]) => locale.formatList(ids.map(person));
  switch (body?.tip) {
    case 'group-created':
      return locale.t('tip.groupCreated', { name: person(message.senderId) });
    case 'members-joined': {
      const by = typeof body.by === 'string' ? body.by : message.senderId;
      return locale.t('tip.added', { names: names(members), name: person(by), count: members.length });
    }
    case 'member-left':
      return locale.t('tip.left', { name: names(members.length > 0 ? members : [message.senderId]) });
    default:
      return oneLine(stringOf(body?.text));
  }
}

/** What the message says, by type, without who sent it. */
function contentText(message: StoredMessage, locale: RowLocale): string {
  return previewText(message.type, message.content, locale, isolate);
}

/**
 * The last-message line of a row: the content by type, "You: …" for own messages and
 * "name: …" for others' in groups and rooms, recalls and tips spelled out.
 */
export function messagePreview(conversation: CachedConversation, me: string, locale: RowLocale): string {
  const message = conversation.lastMessage;
  if (!message) return locale.t('preview.empty');
  const own = message.senderId === me;
  if (message.recalled) {
    return own ? locale.t('preview.recalledSelf') : locale.t('preview.recalled', { name: isolate(personName(message.senderId, me, locale)) });
  }
  if (message.type === 'tip') return tipText(message, me, locale);
  const text = contentText(message, locale);
  if (!sayWho(conversation)) return text;
  return own
    ? locale.t('preview.self', { text: isolate(text) })
    : locale.t('preview.sender', { name: isolate(personName(message.senderId, me, locale)), text: isolate(text) });
}

/** Groups and rooms say who wrote the last message. */
const sayWho = (conversation: CachedConversation): boolean => conversation.type === 'group' || conversation.type === 'room';

/**
 * True when the preview is the message's own text and nothing else: it may then take its
 * direction from that text (dir="auto"); a localised sentence keeps the list's direction.
 */
export function isPlainPreview(conversation: CachedConversation): boolean {
  const message = conversation.lastMessage;
  if (!message || message.recalled || sayWho(conversation)) return false;
  if (message.type === 'text') return true;
  return message.type === 'custom' && (stringOf(record(message.content)?.description) !== '' || typeof message.content === 'string');
}

/** A draft as the preview shows it (one line). */
export const draftText = (conversation: CachedConversation): string => oneLine(conversation.draft?.text ?? '');

/** The typing line: "Ann is typing…", "Ann and Bo are typing…", "Several people are typing…". */
export function typingText(userIds: readonly string[], locale: RowLocale): string {
  if (userIds.length === 1) return locale.t('typing.one', { name: isolate(userIds[0]!) });
  if (userIds.length === 2) return locale.t('typing.two', { a: isolate(userIds[0]!), b: isolate(userIds[1]!) });
  return locale.t('typing.several');
}


/** Folds text for matching: case and accents ignored ("Café" finds "cafe"). */
export const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** True when every word of the (folded) query is in the (folded) text. */
export function matchesQuery(foldedText: string, foldedQuery: string): boolean {
  return foldedQuery
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => foldedText.includes(word));
}

/** A user id a direct chat or a group can name. */
export const isUserId = (id: string): boolean => LIMITS.USER_ID_PATTERN.test(id);

/** Member ids typed into one field, separated by commas (also "，" and "、") or spaces; duplicates dropped. */
export function parseMemberIds(text: string): string[] {
  return [...new Set(text.split(/[\s,，、;；]+/).filter(Boolean))];
}
