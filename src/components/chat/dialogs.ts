import { css, html, nothing } from 'lit';
import type { CachedConversation, CachedMessage } from '../../sdk/cache/types.js';
import { receiptsOf } from '../../sdk/cache/types.js';
import type { StringKey } from '../i18n/types.js';
import '../i18n/locales/en-more.js';

/** What the dialogs read from and do to the chat that shows them. */
export interface DialogHost {
  t(key: StringKey, params?: Record<string, string | number>): string;
  nameOf(userId: string): string;
  tag: string;
  details: CachedMessage | undefined;
  confirming: { action: 'recall' | 'delete'; message: CachedMessage } | undefined;
  conversation: CachedConversation | undefined;
  large: boolean;
  selfId: string | undefined;
  closeDetails(): void;
  closeConfirm(): void;
  confirm(): void;
}

/**
 * The message details dialog (who read it) and the recall / delete confirmation of <im-chat>:
 * loaded the first time one of them opens, not with the embed.
 */
export function renderDialogs(host: DialogHost) {
  return html`${renderDetails(host)} ${renderConfirm(host)}`;
}

export function renderDetails(host: DialogHost) {
  const message = host.details;
  const conversation = host.conversation;
  const receipts = message && conversation?.receipts && message.seq !== undefined ? receiptsOf(conversation, message) : undefined;
  const list = (ids: string[]) =>
    ids.length === 0 ? html`<p class="muted">${host.t('details.nobody')}</p>` : html`<ul class="people">${ids.map((id) => html`<li>${host.nameOf(id)}</li>`)}</ul>`;
  return html`<dialog class="details" part="dialog" aria-labelledby="details-title" @close=${host.closeDetails}>
    ${message
      ? html`<h3 id="details-title">${host.t('details.title')}</h3>
          <dl>
            <dt>${host.t('details.sender')}</dt>
            <dd>${host.nameOf(message.senderId)}</dd>
            <dt>${host.t('details.sentAt')}</dt>
            <dd>${new Date(message.time ?? message.createdAt).toLocaleString(host.tag)}</dd>
            ${message.editedAt ? html`<dt>${host.t('details.editedAt')}</dt><dd>${new Date(message.editedAt).toLocaleString(host.tag)}</dd>` : nothing}
            ${message.seq !== undefined ? html`<dt>${host.t('details.seq')}</dt><dd>${message.seq}</dd>` : nothing}
            <dt>${host.t('details.status')}</dt>
            <dd>${host.t(`status.${message.status === 'sent' ? (receipts?.status ?? 'sent') : message.status === 'sending' ? 'sending' : 'failed'}`)}</dd>
          </dl>
          ${receipts && message.senderId === host.selfId && !host.large
            ? html`<h4>${host.t('details.readBy')}</h4>
                ${list(receipts.readBy)}
                <h4>${host.t('details.notReadBy')}</h4>
                ${list(receipts.unreadBy)}`
            : nothing}`
      : nothing}
    <form method="dialog"><button class="primary" autofocus>${host.t('common.close')}</button></form>
  </dialog>`;
}

export function renderConfirm(host: DialogHost) {
  const pending = host.confirming;
  const recall = pending?.action === 'recall';
  return html`<dialog class="confirm" part="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" @close=${host.closeConfirm}>
    <h3 id="confirm-title">${host.t(recall ? 'confirm.recallTitle' : 'confirm.deleteTitle')}</h3>
    <p id="confirm-text">${host.t(recall ? 'confirm.recall' : 'confirm.delete')}</p>
    <div class="actions">
      <button type="button" autofocus @click=${(event: Event) => (event.currentTarget as HTMLElement).closest('dialog')?.close()}>${host.t('common.cancel')}</button>
      <button type="button" class="danger" @click=${host.confirm}>${host.t(recall ? 'action.recall' : 'common.delete')}</button>
    </div>
  </dialog>`;
}

export const dialogStyles = css`
  dialog {
    max-inline-size: min(26rem, calc(100vw - 2rem));
    padding: 1.25rem;
    border: 1px solid var(--im-color-border);
    border-radius: var(--im-radius);
    background: var(--im-color-bg);
    color: var(--im-color-text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
  }

  dialog::backdrop {
    background: rgb(0 0 0 / 0.35);
  }

  dialog h3 {
    margin: 0 0 0.75rem;
    font-size: 1.0625rem;
  }

  dialog h4 {
    margin: 1rem 0 0.25rem;
    font-size: 0.875rem;
  }

  dialog p {
    margin: 0 0 1rem;
    color: var(--im-color-muted);
  }

  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.35rem 1rem;
    margin: 0;
    font-size: 0.875rem;
  }

  dt {
    color: var(--im-color-muted);
  }

  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .people {
    margin: 0;
    padding-inline-start: 1.25rem;
    font-size: 0.875rem;
  }

  .muted {
    font-size: 0.875rem;
  }

  .actions,
  dialog form {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-block-start: 1rem;
  }

  dialog button {
    padding: 0.45rem 1rem;
    border: 1px solid var(--im-color-border);
    border-radius: 8px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
  }

  dialog button.primary {
    background: var(--im-color-accent);
    border-color: var(--im-color-accent);
    color: var(--im-color-on-accent);
  }

  dialog button.danger {
    background: var(--im-color-danger);
    border-color: var(--im-color-danger);
    color: var(--im-color-bg);
  }
`;
