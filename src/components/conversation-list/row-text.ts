import { LIMITS } from '../../protocol/limits.js';
export { hueOf, initialsOf } from '../styles/avatar.js';
import { personName, previewText, tipText } from '../message/content.js';
import { mentionsByName } from '../message/text.js';
import type { JsonValue } from '../../protocol/models.js';
import type { CachedConversation } from '../../sdk/cache/types.js';
import type { Params, StringKey } from '../i18n/index.js';
import { cleanText } from '../../protocol/text.js';

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

/** Display names of users; the id itself when there is none. */
export type Names = (userId: string) => string;
const identity: Names = (userId) => userId;

/** The name a row shows: group name, the peer of a direct chat, the room id, or "System notifications". */
export function conversationName(conversation: CachedConversation, locale: RowLocale, names: Names = identity): string {
  switch (conversation.type) {
    case 'system':
      return locale.t('conversation.system');
    case 'direct':
      return conversation.peerId ? cleanText(names(conversation.peerId) ?? '') || conversation.peerId : locale.t('conversation.untitled');
    case 'room':
      return cleanText(conversation.name ?? '') || conversation.id.replace(/^room:/, '');
    case 'group':
      return cleanText(conversation.name ?? '') || locale.t('conversation.untitled');
  }
}

/**
 * The last-message line of a row: the content by type, "You: …" for own messages and
 * "name: …" for others' in groups and rooms, recalls and tips spelled out.
 */
export function messagePreview(conversation: CachedConversation, me: string, locale: RowLocale, names: Names = identity): string {
  const message = conversation.lastMessage;
  if (!message) return locale.t('preview.empty');
  const own = message.senderId === me;
  const sender = () => isolate(personName(message.senderId, me, names, locale));
  if (message.recalled) return own ? locale.t('preview.recalledSelf') : locale.t('preview.recalled', { name: sender() });
  if (message.type === 'tip') return oneLine(tipText(message, me, names, locale, isolate));
  let text = previewText(message.type, message.content, locale, isolate);
  if (message.type === 'text' && names !== identity) text = mentionsByName(text, names, message.mentions ?? [], locale.t('mention.all'));
  if (!sayWho(conversation)) return text;
  return own ? locale.t('preview.self', { text: isolate(text) }) : locale.t('preview.sender', { name: sender(), text: isolate(text) });
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
export function typingText(userIds: readonly string[], locale: RowLocale, names: Names = identity): string {
  const name = (id: string) => isolate(cleanText(names(id) ?? '') || id);
  if (userIds.length === 1) return locale.t('typing.one', { name: name(userIds[0]!) });
  if (userIds.length === 2) return locale.t('typing.two', { a: name(userIds[0]!), b: name(userIds[1]!) });
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
