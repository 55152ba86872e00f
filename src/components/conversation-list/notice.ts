import { html, nothing } from 'lit';
import type { ErrorCode } from '../../protocol/errors.js';
import { IMError } from '../../sdk/errors.js';
import type { LocaleController, StringKey } from '../i18n/index.js';
import { closeIcon } from './icons.js';

/** An inline error after a failed action: a sentence, and the error code when there is one. */
export interface Notice {
  text: string;
  code?: string;
}

/** Error codes with a sentence of their own; others show the server's message. */
const ERROR_TEXT: Partial<Record<ErrorCode, StringKey>> = {
  NOT_CONNECTED: 'error.notConnected',
  TIMEOUT: 'error.timeout',
  NOT_MEMBER: 'error.notMember',
  FORBIDDEN: 'error.forbidden',
  RATE_LIMITED: 'error.rateLimited',
  CONVERSATION_BUSY: 'error.busy',
  TOO_MANY_MEMBERS: 'error.tooManyMembers',
};

export function noticeFor(error: unknown, i18n: LocaleController): Notice {
  if (error instanceof IMError) {
    const key = ERROR_TEXT[error.code];
    return { text: key ? i18n.t(key) : error.message, code: error.code };
  }
  return { text: i18n.t('common.error') };
}

/** The notice as an alert; with `onDismiss`, a close button too. */
export function renderNotice(notice: Notice | undefined, i18n: LocaleController, onDismiss?: () => void) {
  if (!notice) return nothing;
  return html`<p class="error" part="error" role="alert">
    <span class="error-text">${notice.text}${notice.code ? html` <code>${notice.code}</code>` : nothing}</span>
    ${onDismiss ? html`<button class="icon-button" type="button" aria-label=${i18n.t('common.close')} @click=${onDismiss}>${closeIcon()}</button>` : nothing}
  </p>`;
}
