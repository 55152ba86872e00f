import type { JsonValue, MessageType } from '../../protocol/models.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import { IMError } from '../../sdk/errors.js';
import type { Params, StringKey } from '../i18n/index.js';
import type { LocaleController } from '../i18n/locale-controller.js';

export type ComposerKey = StringKey;

/** `locale.t()` (kept as a function so the composer's helpers can take the controller). */
export function translate(locale: LocaleController, key: ComposerKey, params?: Params): string {
  return locale.t(key, params);
}

const record = (value: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
const stringOf = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : '');

/** The text of a text message (what edit mode puts in the field). */
export function textOf(message: CachedMessage): string {
  if (typeof message.content === 'string') return message.content;
  return stringOf(record(message.content)?.text);
}

/** One line quoting a message in the reply and edit banners, by type. */
export function quoteOf(message: CachedMessage, locale: LocaleController): string {
  const body = record(message.content);
  const type: MessageType = message.type ?? (typeof message.content === 'string' ? 'text' : 'custom');
  switch (type) {
    case 'text':
      return textOf(message).replace(/\s+/g, ' ').trim();
    case 'image':
      return locale.t('preview.image');
    case 'file':
      return locale.t('preview.file', { name: stringOf(record(body?.file)?.name) });
    case 'audio':
      return locale.t('preview.voice', { duration: locale.formatDuration(typeof body?.duration === 'number' ? body.duration : 0) });
    case 'video':
      return locale.t('preview.video');
    case 'location':
      return locale.t('preview.location', { description: stringOf(body?.description) });
    case 'custom':
    case 'tip':
      return stringOf(body?.description) || (typeof message.content === 'string' ? message.content : locale.t('preview.custom'));
  }
}

/** What the composer says when a send, an edit or a file fails before it was queued. */
export function errorText(error: unknown, locale: LocaleController): string {
  if (!(error instanceof IMError)) return locale.t('error.notSent');
  switch (error.code) {
    case 'TEXT_TOO_LONG':
      return locale.t('error.textTooLong');
    case 'CONTENT_TOO_LARGE':
      return locale.t('error.contentTooLarge');
    case 'RATE_LIMITED':
      return locale.t('error.rateLimited');
    case 'CONVERSATION_BUSY':
      return locale.t('error.busy');
    case 'NOT_CONNECTED':
    case 'CLIENT_CLOSED':
      return locale.t('error.notConnected');
    case 'TIMEOUT':
      return locale.t('error.timeout');
    case 'NOT_MEMBER':
      return locale.t('error.notMember');
    case 'FORBIDDEN':
      return locale.t('error.forbidden');
    case 'EDIT_WINDOW_PASSED':
      return locale.t('error.editTooLate');
    case 'MESSAGE_NOT_FOUND':
      return locale.t('reply.notFound');
    default:
      return locale.t('error.notSentReason', { reason: error.message });
  }
}
