import { html } from 'lit';
import { LIMITS } from '../../protocol/limits.js';
import type { CachedConversation } from '../../sdk/cache/types.js';
import type { StringKey } from '../i18n/index.js';
import styles from './dialogs.styles.js';
import type { ListHost } from './list-host.js';
import { noticeFor, renderNotice, type Notice } from './notice.js';
import { isolate, isUserId, parseMemberIds } from './row-text.js';
import '../i18n/locales/en-more.js';

type Tab = 'direct' | 'group';

/**
 * The list's modal dialogs: New chat (a direct chat or a group, on two tabs) and the question
 * before a conversation is deleted. Loaded on demand by <im-conversation-list>; both stay
 * rendered (closed) once loaded.
 */
export default class Dialogs {
  static readonly styles = styles;

  private tab: Tab = 'direct';
  private fieldErrors: { direct?: string; name?: string; members?: string } = {};
  private notice: Notice | undefined;
  private busy = false;
  /** What had focus before the New chat dialog opened. */
  private opener: HTMLElement | undefined;
  /** Set when New chat closes because a conversation was created: focus goes to its row. */
  private created: string | undefined;
  /** The conversation the delete dialog asks about. */
  private deleting: CachedConversation | undefined;

  constructor(private readonly host: ListHost) {}

  private dialog(name: 'new-chat' | 'confirm'): HTMLDialogElement | null {
    return this.host.root().querySelector<HTMLDialogElement>(`dialog.${name}`);
  }

  private input(id: string): HTMLInputElement {
    return this.host.root().querySelector<HTMLInputElement>(`#${id}`)!;
  }

  /** Opens New chat on the tab last used; focus returns to `opener` when it closes. */
  async openNewChat(opener: HTMLElement | undefined): Promise<void> {
    this.opener = opener;
    this.fieldErrors = {};
    this.notice = undefined;
    this.created = undefined;
    const rendered = this.host.update();
    // Opened at once when the dialogs were used before; the first time, once rendered.
    let dialog = this.dialog('new-chat');
    if (!dialog) {
      await rendered;
      dialog = this.dialog('new-chat');
    }
    if (!dialog || dialog.open) return;
    for (const input of dialog.querySelectorAll('input')) input.value = '';
    dialog.showModal();
    this.input(this.tab === 'direct' ? 'new-direct-user' : 'new-group-name').focus();
  }

  /** Asks whether to delete a conversation; focus starts on Cancel. */
  async askDelete(conversationId: string): Promise<void> {
    const conversation = this.host.find(conversationId);
    if (!conversation) return;
    this.host.report(undefined);
    this.deleting = conversation;
    // Shown once it names this conversation.
    await this.host.update();
    const dialog = this.dialog('confirm');
    if (!dialog || dialog.open || this.deleting !== conversation) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('.cancel')?.focus();
  }

  // Lit calls listeners with the list as `this`: they are arrow functions.

  private readonly onNewChatClose = (): void => {
    const created = this.created;
    this.created = undefined;
    this.fieldErrors = {};
    this.notice = undefined;
    if (created) this.host.focus(created);
    else this.opener?.focus();
    this.opener = undefined;
    void this.host.update();
  };

  private switchTab(tab: Tab, focus = false): void {
    this.tab = tab;
    this.fieldErrors = {};
    this.notice = undefined;
    const rendered = this.host.update();
    if (focus) void rendered.then(() => this.host.root().querySelector<HTMLElement>(`#new-tab-${tab}`)?.focus());
  }

  private readonly onTabKeyDown = (event: KeyboardEvent): void => {
    const rtl = this.host.i18n.dir === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    if (![forward, back, 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    this.switchTab(event.key === 'Home' ? 'direct' : event.key === 'End' ? 'group' : this.tab === 'direct' ? 'group' : 'direct', true);
  };

  private readonly create = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const client = this.host.client();
    if (!client || this.busy) return;
    const i18n = this.host.i18n;
    let make: () => Promise<CachedConversation>;
    if (this.tab === 'direct') {
      const input = this.input('new-direct-user');
      const userId = input.value.trim();
      const problem = userId === '' ? i18n.t('list.userIdRequired') : isUserId(userId) ? undefined : i18n.t('list.invalidUserId', { id: isolate(userId) });
      this.fieldErrors = problem ? { direct: problem } : {};
      if (problem) {
        void this.host.update();
        input.focus();
        return;
      }
      make = () => client.conversations.openDirect(userId);
    } else {
      const nameInput = this.input('new-group-name');
      const membersInput = this.input('new-group-members');
      const name = nameInput.value.trim();
      const members = parseMemberIds(membersInput.value);
      const invalid = members.filter((id) => !isUserId(id));
      this.fieldErrors = {
        ...(name === '' ? { name: i18n.t('list.groupNameRequired') } : {}),
        ...(invalid.length > 0 ? { members: i18n.t('list.invalidUserId', { id: isolate(i18n.formatList(invalid)) }) } : {}),
      };
      if (name === '' || invalid.length > 0) {
        void this.host.update();
        (name === '' ? nameInput : membersInput).focus();
        return;
      }
      make = () => client.conversations.createGroup(name, members);
    }
    this.busy = true;
    this.notice = undefined;
    void this.host.update();
    try {
      const conversation = await make();
      this.created = conversation.id;
      this.host.select(conversation.id);
      this.dialog('new-chat')?.close();
    } catch (error) {
      this.notice = noticeFor(error, i18n);
    } finally {
      this.busy = false;
      void this.host.update();
    }
  };

  private readonly confirmDelete = async (): Promise<void> => {
    const conversation = this.deleting;
    const client = this.host.client();
    if (!conversation || !client) return;
    // The row after it takes the focus (or the one before, at the end of the list).
    const rows = this.host.rows();
    const index = rows.findIndex((c) => c.id === conversation.id);
    const next = rows[index + 1] ?? rows[index - 1];
    this.dialog('confirm')?.close();
    try {
      await client.conversations.hide(conversation.id);
      this.host.deselect(conversation.id);
      this.host.focus(next?.id);
    } catch (error) {
      this.host.report(noticeFor(error, this.host.i18n));
    }
  };

  private readonly onConfirmClose = (): void => {
    const conversation = this.deleting;
    this.deleting = undefined;
    void this.host.update();
    if (conversation) this.host.row(conversation.id)?.focus({ preventScroll: true });
  };

  private readonly close = (event: Event): void => (event.target as HTMLElement).closest('dialog')?.close();

  render() {
    const i18n = this.host.i18n;
    const t = (key: StringKey) => i18n.t(key);
    const tab = (id: Tab, label: string) => html`<button
      id="new-tab-${id}"
      class="tab"
      role="tab"
      type="button"
      aria-selected=${this.tab === id ? 'true' : 'false'}
      aria-controls="new-panel-${id}"
      tabindex=${this.tab === id ? '0' : '-1'}
      @click=${() => this.switchTab(id)}
      @keydown=${this.onTabKeyDown}
    >
      ${label}
    </button>`;
    const { direct, name, members } = this.fieldErrors;
    const deleting = this.deleting ? this.host.displayName(this.deleting) : '';
    return html`<dialog class="new-chat" part="dialog" aria-labelledby="new-chat-title" @close=${this.onNewChatClose}>
        <form novalidate @submit=${this.create}>
          <h2 id="new-chat-title">${t('list.newChat')}</h2>
          <div class="tabs" role="tablist" aria-label=${t('list.newChat')}>${tab('direct', t('list.newDirect'))} ${tab('group', t('list.newGroup'))}</div>
          <div id="new-panel-direct" class="panel" role="tabpanel" aria-labelledby="new-tab-direct" ?hidden=${this.tab !== 'direct'}>
            <label for="new-direct-user">${t('list.userId')}</label>
            <input
              id="new-direct-user"
              autocomplete="off"
              autocapitalize="off"
              spellcheck="false"
              maxlength="32"
              aria-invalid=${direct ? 'true' : 'false'}
              aria-describedby="new-direct-error"
            />
            <p id="new-direct-error" class="field-error">${direct ?? ''}</p>
          </div>
          <div id="new-panel-group" class="panel" role="tabpanel" aria-labelledby="new-tab-group" ?hidden=${this.tab !== 'group'}>
            <label for="new-group-name">${t('list.groupName')}</label>
            <input
              id="new-group-name"
              autocomplete="off"
              maxlength=${LIMITS.GROUP_NAME_MAX_LENGTH}
              aria-invalid=${name ? 'true' : 'false'}
              aria-describedby="new-group-name-error"
            />
            <p id="new-group-name-error" class="field-error">${name ?? ''}</p>
            <label for="new-group-members">${t('list.addMembers')}</label>
            <input
              id="new-group-members"
              autocomplete="off"
              autocapitalize="off"
              spellcheck="false"
              aria-invalid=${members ? 'true' : 'false'}
              aria-describedby="new-group-members-hint new-group-members-error"
            />
            <p id="new-group-members-hint" class="hint">${t('list.memberIdsHint')}</p>
            <p id="new-group-members-error" class="field-error">${members ?? ''}</p>
          </div>
          ${renderNotice(this.notice, i18n)}
          <div class="actions">
            <button class="secondary" type="button" @click=${this.close}>${t('common.cancel')}</button>
            <button class="primary" type="submit" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>
              ${this.busy ? t('common.loading') : t('common.create')}
            </button>
          </div>
        </form>
      </dialog>
      <dialog class="confirm" part="dialog" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" @close=${this.onConfirmClose}>
        <h2 id="confirm-title">${t('list.deleteTitle')}</h2>
        <p id="confirm-text">${i18n.t('list.deleteConfirm', { name: isolate(deleting) })}</p>
        <div class="actions">
          <button class="secondary cancel" type="button" @click=${this.close}>${t('common.cancel')}</button>
          <button class="danger" type="button" @click=${this.confirmDelete}>${t('common.delete')}</button>
        </div>
      </dialog>`;
  }
}
