import type { CachedMessage } from '../../sdk/cache/types.js';
import { IMError } from '../../sdk/errors.js';
import type { Params, StringKey } from '../i18n/index.js';
import type { LocaleController } from '../i18n/locale-controller.js';
import { previewText, textOf as contentTextOf, typeOf } from '../message/content.js';
import { mentionsByName } from '../message/text.js';

export type ComposerKey = StringKey;

/** `locale.t()` (kept as a function so the composer's helpers can take the controller). */
export function translate(locale: LocaleController, key: ComposerKey, params?: Params): string {
  return locale.t(key, params);
}

/** The text of a text message (what edit mode puts in the field). */
export const textOf = (message: CachedMessage): string => contentTextOf(message.content);

/** One line quoting a message in the reply and edit banners, by type. */
export function quoteOf(message: CachedMessage, locale: LocaleController, names?: (userId: string) => string): string {
  const type = typeOf(message);
  const text = previewText(type, message.content, locale);
  return type === 'text' && names ? mentionsByName(text, names, message.mentions ?? [], locale.t('mention.all')) : text;
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
