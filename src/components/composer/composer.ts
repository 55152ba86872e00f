import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { ERROR_CODES } from '../../protocol/errors.js';
import { MENTION_ALL } from '../../protocol/models.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import { IMError } from '../../sdk/errors.js';
// Types only: the picker itself is imported on demand, the first time it opens.
import type { ImEmojiPicker, ImEmojiSelectEvent } from '../emoji-picker/emoji-picker.js';
import { ImMessageSendEvent } from '../events.js';
import { LocaleController } from '../i18n/locale-controller.js';
import type { Params } from '../i18n/types.js';
import sharedStyles from '../styles/shared.styles.js';
import type { Avatars } from '../styles/avatar.js';
import styles from './composer.styles.js';
import { ImComposerEditCancelEvent, ImComposerReplyCancelEvent, type EditEndReason, type ReplyEndReason } from './events.js';
import { alertIcon, attachIcon, checkIcon, closeIcon, editIcon, emojiIcon, lockIcon, replyIcon, sendIcon, uploadIcon } from './icons.js';
import { matchMembers, mentionQueryAt, mentionsIn } from './mentions.js';
import { errorText, quoteOf, textOf, translate, type ComposerKey } from './strings.js';
import { cleanText } from '../../protocol/text.js';

export { ImComposerEditCancelEvent, ImComposerReplyCancelEvent } from './events.js';

/** Why the composer cannot be used; it shows the reason instead of the field. */
export type ComposerDisabledReason = 'muted' | 'read-only' | 'not-member' | 'signed-out';

const REASON_KEYS = {
  muted: 'composer.muted',
  'read-only': 'composer.readOnly',
  'not-member': 'composer.notMember',
  'signed-out': 'composer.signedOut',
} as const satisfies Record<ComposerDisabledReason, ComposerKey>;

/** Quiet time before the draft is written to the cache. */
const DRAFT_SAVE_MS = 400;
/** The server drops a typist 5 s after their last "typing"; repeating every 3 s keeps them shown. */
const TYPING_REPEAT_MS = 3000;
/** After this long without a keystroke the composer says it stopped typing. */
const TYPING_IDLE_MS = 5000;
/** Most members the mention list offers at once. */
const MENTION_LIMIT = 8;

interface MentionState {
  /** Where the `@` is and where the word being replaced ends. */
  start: number;
  end: number;
  /** Member ids, and MENTION_ALL for everyone. */
  options: string[];
  active: number;
}

interface ComposerError {
  code: string;
  lines: string[];
  /** Text errors go away when the user edits the text; file errors stay until closed. */
  source: 'text' | 'file';
}

/** A drag that carries files (not text or a link). */
const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;

/** Popovers (top layer) are what keeps the lists clear of a chat that clips its content. */
const POPOVERS = typeof HTMLElement !== 'undefined' && 'showPopover' in HTMLElement.prototype;

/**
 * The message composer of a conversation: an auto-growing text field that sends with Enter
 * (Shift+Enter for a new line, never while an IME is composing), @-mentions with an
 * autocomplete list in groups, an emoji picker loaded on first use, attachments (button,
 * paste, drag and drop), reply and edit banners, drafts per conversation and typing
 * indicators. It calls the SDK itself: `<im-chat>` passes it the client and the conversation.
 *
 * Sends: text goes out through `client.messages.send` after a cancelable `im-message-send`;
 * files through `client.messages.sendFile` (their progress and cancel live on the pending
 * message in the list). The composer clears at once and reports only failures that happen
 * before the message is queued (a queued message that fails shows as failed in the list).
 *
 * Keyboard: Enter sends (saves in edit mode), Shift+Enter adds a line, Escape closes the
 * mention list, else leaves edit mode, else drops the reply. In the mention list the arrows
 * move, Enter or Tab pick, Escape closes. The emoji picker closes with Escape and returns
 * focus to the field.
 *
 * Colours follow the page's scheme unless `theme` pins it; inside another element pass that
 * element's theme on (the composer's own `:host` sets its colour scheme).
 *
 * @summary Message composer with mentions, emoji, attachments, reply and edit modes, drafts and typing indicators.
 * @csspart form - The row with the buttons and the field.
 * @csspart input - The text field.
 * @csspart send-button - The send (in edit mode: save) button.
 * @csspart attach-button - The attach button (user sessions only).
 * @csspart emoji-button - The button that opens the emoji picker.
 * @csspart reply-banner - The "Replying to …" banner above the field.
 * @csspart edit-banner - The "Editing message" banner above the field.
 * @csspart mentions - The @-mention suggestion list.
 * @csspart mention-option - One suggestion.
 * @csspart disabled-reason - The text shown instead of the field when the composer is disabled.
 * @csspart error - An error shown above the field.
 * @cssproperty --im-composer-bg - Background of the composer (default `--im-color-bg`).
 * @cssproperty --im-composer-border - Line above the composer (default 1px solid `--im-color-border`).
 * @cssproperty --im-composer-padding - Space around the composer's content (default 0.5rem).
 * @cssproperty --im-composer-field-bg - Background of the text field (default `--im-color-surface`).
 * @cssproperty --im-composer-field-text - Text colour of the field (default `--im-color-text`).
 * @cssproperty --im-composer-field-radius - Corner radius of the field (default 1.25rem).
 * @cssproperty --im-composer-muted - Colour of the placeholder, icons and banner quotes (default `--im-color-muted`).
 * @cssproperty --im-composer-accent - Colour of the send button, focus and drop highlight (default `--im-color-accent`).
 * @cssproperty --im-composer-on-accent - Icon colour on the send button (default `--im-color-on-accent`).
 * @cssproperty --im-composer-danger - Colour of errors and of the counter over the limit (default `--im-color-danger`).
 * @cssproperty --im-composer-popover-bg - Background of the mention list (default `--im-color-bg`).
 * @cssproperty --im-composer-popover-shadow - Shadow of the mention list and the emoji picker.
 * @cssproperty --im-composer-max-lines - Lines the field grows to before it scrolls (default 8).
 * @fires im-message-send - Before a text message is sent (cancelable: cancel to stop the send); `detail` is `{ conversationId, content }`.
 * @fires im-composer-reply-cancel - The reply banner went away (closed, or the reply was sent); `detail` is `{ conversationId, seq, reason }`.
 * @fires im-composer-edit-cancel - Edit mode ended (left, or the edit was saved); `detail` is `{ conversationId, seq, reason }`.
 */
@customElement('im-composer')
export class ImComposer extends LitElement {
  static override styles = [sharedStyles, styles];

  /** The SDK client to send with (the chat passes its own). */
  @property({ attribute: false }) client: IMClient | undefined;
  /** The conversation the composer writes to; its draft is loaded when this changes. */
  @property({ attribute: 'conversation-id' }) conversationId: string | undefined;
  /** Member ids offered by the @-mention list (groups only); empty turns mentions off. */
  @property({ attribute: false }) members: string[] = [];
  /** A group conversation: mentions (and `@all`) are offered. */
  @property({ type: Boolean }) group = false;
  /** The message being replied to: shows the reply banner; the send carries its seq. */
  @property({ attribute: false }) replyTo: CachedMessage | undefined;
  /** Display names of users (the mention list, mentions in the reply banner); the id when not given. */
  @property({ attribute: false }) names: ((userId: string) => string) | undefined;
  /** Picture URLs of users for the mention list's avatars; initials when not given. */
  @property({ attribute: false }) avatars: Avatars | undefined;
  /** Name shown in the reply banner (default: the quoted message's sender id). */
  @property({ attribute: 'reply-name' }) replyName = '';
  /** An own text message to edit: the field holds its text and Enter saves it. */
  @property({ attribute: false }) editing: CachedMessage | undefined;
  /** Disables the composer and shows why instead of the field. */
  @property({ attribute: 'disabled-reason' }) disabledReason: ComposerDisabledReason | undefined;
  /** Longest text (UTF-16 code units, as the server counts) that may be sent. */
  @property({ type: Number, attribute: 'max-length' }) maxLength = 5000;
  /** `light` or `dark`; follows `prefers-color-scheme` when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @state() private value = '';
  @state() private error: ComposerError | undefined;
  @state() private mention: MentionState | undefined;
  @state() private emojiOpen = false;
  /** The picker's module has loaded (its chunk is fetched the first time the picker opens). */
  @state() private pickerReady = false;
  @state() private dragging = false;
  /** An edit is being saved. */
  @state() private saving = false;

  @query('textarea') private input: HTMLTextAreaElement | null | undefined;
  @query('form') private form: HTMLFormElement | null | undefined;
  @query('.field') private field: HTMLElement | null | undefined;
  @query('.emoji') private emojiButton: HTMLButtonElement | null | undefined;
  @query('#mentions') private mentionList: HTMLElement | null | undefined;
  @query('#emoji-popover') private emojiPopover: HTMLElement | null | undefined;
  @query('im-emoji-picker') private picker: ImEmojiPicker | null | undefined;
  @query('input[type="file"]') private fileInput: HTMLInputElement | null | undefined;

  private readonly locale = new LocaleController(this);

  /** Ids picked from the mention list (sent as mentions while their `@id` stays in the text). */
  private readonly picked = new Set<string>();
  /** The `@` whose list the user closed with Escape: it stays closed until another `@`. */
  private dismissedMention: number | undefined;
  /** The text typed before edit mode, given back when it ends. */
  private stash: string | undefined;
  /** What the next draft write holds, and where it goes. */
  private pendingDraft: { client: IMClient; conversationId: string; text: string } | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every conversation change: a draft that arrives for an older one is dropped. */
  private draftLoad = 0;
  /** Where "typing" was last announced, and when. */
  private typingAt: { client: IMClient; conversationId: string; at: number } | undefined;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  /** Focus the field after the next render (`end` also puts the caret at the end). */
  private focusAfterRender: 'keep' | 'end' | undefined;
  /** The emoji picker had focus when it closed: focus goes back to the field. */
  private pickerHadFocus = false;
  private emojiLoad: Promise<void> | undefined;
  private readonly reposition = () => this.placePopovers();

  /** Focuses the text field. */
  override focus(options?: FocusOptions): void {
    if (this.input) this.input.focus(options);
    else void this.updateComplete.then(() => this.input?.focus(options));
  }

  /**
   * Sends files as file messages (each its own message, replying to `replyTo` if set). Files
   * over the server's size limit are refused here with an error. Resolves once every other
   * file is queued (it shows in the list with its progress) or failed before that.
   */
  async addFiles(files: readonly File[]): Promise<void> {
    const client = this.client;
    const conversationId = this.conversationId;
    if (!client || !conversationId || this.disabledReason || files.length === 0) return;
    // Sending files is its own chunk: most visits never attach one.
    const { sendFiles } = await import('./attach.js');
    await sendFiles(
      {
        client,
        conversationId,
        replyTo: this.replyTo?.seq,
        t: (key, params) => this.t(key, params),
        formatBytes: (n) => this.locale.formatBytes(n),
        errorText: (error) => errorText(error, this.locale),
        startSend: (...args) => this.startSend(client, conversationId, ...args),
        addError: (error, line) => this.addError('file', error, line),
        endReply: () => {
          if (this.replyTo) this.endReply('sent');
        },
        setRefused: (lines) => {
          if (lines.length > 0) this.error = { code: ERROR_CODES.FILE_TOO_LARGE, lines, source: 'file' };
          else if (this.error?.source === 'file') this.error = undefined;
        },
      },
      files,
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.flushDraft();
    this.stopTyping();
    this.stopRepositioning();
  }

  private t(key: ComposerKey, params?: Params): string {
    return translate(this.locale, key, params);
  }

  private get mentionsEnabled(): boolean {
    return this.group && this.members.length > 0 && !this.editing;
  }

  private get canAttach(): boolean {
    return this.client?.mode === 'user' && this.conversationId !== undefined && !this.disabledReason;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || changed.has('conversationId')) {
      // Whatever was typed belongs to the conversation being left: write it there now.
      this.flushDraft();
      this.stopTyping();
      this.value = '';
      this.stash = undefined;
      this.error = undefined;
      this.mention = undefined;
      this.dismissedMention = undefined;
      this.picked.clear();
      if (this.emojiOpen) this.emojiPopover?.hidePopover();
      void this.loadDraft();
    }
    if (changed.has('editing')) {
      const before = changed.get('editing') as CachedMessage | undefined;
      if (this.editing && this.editing !== before) {
        if (!before) {
          this.flushDraft();
          this.stopTyping();
          this.stash = this.value;
        }
        this.value = textOf(this.editing);
        this.mention = undefined;
        this.error = undefined;
        this.focusAfterRender = 'end';
      } else if (!this.editing && before) {
        this.value = this.stash ?? '';
        this.stash = undefined;
        this.error = undefined;
      }
    }
    if (changed.has('replyTo') && this.replyTo && !changed.get('replyTo')) this.focusAfterRender ??= 'keep';
    if ((changed.has('disabledReason') || changed.has('members') || changed.has('group')) && !this.mentionsEnabled) this.mention = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const input = this.input;
    if (input && this.focusAfterRender) {
      // A banner opening (reply, edit) must not scroll the page to the composer.
      input.focus({ preventScroll: true });
      if (this.focusAfterRender === 'end') input.setSelectionRange(input.value.length, input.value.length);
      this.focusAfterRender = undefined;
    }
    this.growField();
    const list = this.mentionList;
    if (list && POPOVERS) {
      const open = this.mention !== undefined;
      if (open !== list.matches(':popover-open')) {
        if (open) list.showPopover();
        else list.hidePopover();
      }
      if (open) list.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    }
    if (this.mention || this.emojiOpen) {
      this.placePopovers();
      this.startRepositioning();
    } else {
      this.stopRepositioning();
    }
  }

  // Drafts ------------------------------------------------------------------------------------

  private async loadDraft(): Promise<void> {
    const load = ++this.draftLoad;
    const client = this.client;
    const conversationId = this.conversationId;
    if (!client || !conversationId || client.mode !== 'user') return;
    let text = '';
    try {
      text = (await client.conversations.get(conversationId))?.draft?.text ?? '';
    } catch {
      return; // no cache to read (closed client): start empty
    }
    if (load !== this.draftLoad || text === '') return;
    // The user may have started typing before the cache answered: their text wins.
    if (this.editing) {
      if (!this.stash) this.stash = text;
    } else if (this.value === '') {
      this.value = text;
    }
  }

  private scheduleDraft(): void {
    const client = this.client;
    const conversationId = this.conversationId;
    if (!client || !conversationId || client.mode !== 'user' || this.editing) return;
    this.pendingDraft = { client, conversationId, text: this.value };
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.flushDraft(), DRAFT_SAVE_MS);
  }

  private flushDraft(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    const draft = this.pendingDraft;
    this.pendingDraft = undefined;
    if (draft) void draft.client.conversations.setDraft(draft.conversationId, draft.text).catch(() => undefined);
  }

  private clearDraft(client: IMClient, conversationId: string): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    this.pendingDraft = undefined;
    if (client.mode === 'user') void client.conversations.setDraft(conversationId, '').catch(() => undefined);
  }

  // Typing ------------------------------------------------------------------------------------

  private noteTyping(): void {
    const client = this.client;
    const conversationId = this.conversationId;
    if (!client || !conversationId || client.mode !== 'user' || this.editing) return;
    if (this.value.trim() === '') {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    const last = this.typingAt;
    if (!last || last.conversationId !== conversationId || last.client !== client || now - last.at >= TYPING_REPEAT_MS) {
      this.typingAt = { client, conversationId, at: now };
      void client.typing.set(conversationId, true).catch(() => undefined);
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  /** Says "stopped typing" where "typing" was said (if it was). */
  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    this.typingIdle = undefined;
    const last = this.typingAt;
    this.typingAt = undefined;
    if (last) void last.client.typing.set(last.conversationId, false).catch(() => undefined);
  }

  // Sending -----------------------------------------------------------------------------------

  /**
   * Starts a send and resolves once its message is queued (the list shows it from then on,
   * failures included) or the send failed before that, which `onEarlyError` reports here.
   */
  private startSend(
    client: IMClient,
    conversationId: string,
    isOurs: (message: CachedMessage) => boolean,
    send: () => Promise<CachedMessage>,
    onEarlyError: (error: unknown) => void,
  ): Promise<void> {
    return new Promise((resolve) => {
      let queued = false;
      const off = client.on('message:update', (message) => {
        if (queued || message.conversationId !== conversationId || message.senderId !== client.userId || message.seq !== undefined) return;
        if (!isOurs(message)) return;
        queued = true;
        off();
        resolve();
      });
      (async () => send())().then(
        () => {
          off();
          resolve();
        },
        (error: unknown) => {
          off();
          if (!queued) onEarlyError(error);
          resolve();
        },
      );
    });
  }

  private addError(source: ComposerError['source'], error: unknown, line: string): void {
    const code = error instanceof IMError ? error.code : 'UNKNOWN';
    const lines = this.error?.source === source ? [...this.error.lines, line] : [line];
    this.error = { code, lines, source };
  }

  private submit(): void {
    if (this.editing) void this.saveEdit();
    else void this.send();
  }

  private async send(): Promise<void> {
    const client = this.client;
    const conversationId = this.conversationId;
    const content = this.value.trim();
    if (!client || !conversationId || this.disabledReason || content === '') return;
    if (content.length > this.maxLength) {
      this.error = { code: ERROR_CODES.TEXT_TOO_LONG, lines: [this.t('error.textTooLong')], source: 'text' };
      return;
    }
    if (!this.dispatchEvent(new ImMessageSendEvent({ conversationId, content }))) return;
    const mentions = this.group ? mentionsIn(content, new Set([...this.members, ...this.picked]), true) : [];
    const replyTo = this.replyTo?.seq;
    this.value = '';
    this.error = undefined;
    this.mention = undefined;
    this.dismissedMention = undefined;
    this.picked.clear();
    this.clearDraft(client, conversationId);
    this.stopTyping();
    if (this.replyTo) this.endReply('sent');
    await this.startSend(
      client,
      conversationId,
      (message) => textOf(message) === content,
      () =>
        client.messages.send(conversationId, content, {
          ...(mentions.length > 0 ? { mentions } : {}),
          ...(replyTo === undefined ? {} : { replyTo }),
        }),
      (error) => {
        // Not queued, so not in the list either: give the text back rather than lose it.
        if (this.conversationId === conversationId && this.value === '') this.value = content;
        this.error = { code: error instanceof IMError ? error.code : 'UNKNOWN', lines: [errorText(error, this.locale)], source: 'text' };
      },
    );
  }

  private async saveEdit(): Promise<void> {
    const client = this.client;
    const message = this.editing;
    const text = this.value.trim();
    if (!client || !message || message.seq === undefined || this.saving || text === '') return;
    if (text.length > this.maxLength) {
      this.error = { code: ERROR_CODES.TEXT_TOO_LONG, lines: [this.t('error.textTooLong')], source: 'text' };
      return;
    }
    if (text === textOf(message).trim()) {
      this.endEdit('cancel');
      return;
    }
    this.saving = true;
    try {
      await client.messages.edit(message.conversationId, message.seq, text);
      if (this.editing === message) this.endEdit('saved');
    } catch (error) {
      this.error = { code: error instanceof IMError ? error.code : 'UNKNOWN', lines: [errorText(error, this.locale)], source: 'text' };
    } finally {
      this.saving = false;
    }
  }

  private endReply(reason: ReplyEndReason): void {
    const seq = this.replyTo?.seq;
    this.replyTo = undefined;
    this.dispatchEvent(new ImComposerReplyCancelEvent({ conversationId: this.conversationId, seq, reason }));
  }

  private endEdit(reason: EditEndReason): void {
    const seq = this.editing?.seq;
    this.editing = undefined;
    this.focusAfterRender = 'end';
    this.dispatchEvent(new ImComposerEditCancelEvent({ conversationId: this.conversationId, seq, reason }));
  }

  // Text field --------------------------------------------------------------------------------

  private onInput(): void {
    const input = this.input!;
    this.value = input.value;
    if (this.error?.source === 'text') this.error = undefined;
    this.updateMention();
    this.scheduleDraft();
    this.noteTyping();
  }

  /** Grows the field with its text where CSS `field-sizing` cannot. */
  private growField(): void {
    const input = this.input;
    if (!input || CSS.supports('field-sizing', 'content')) return;
    input.style.blockSize = 'auto';
    input.style.blockSize = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
  }

  private onKeyDown(event: KeyboardEvent): void {
    // keyCode 229: a key an IME is handling (Safari ends composition before keydown).
    if (event.isComposing || event.keyCode === 229) return;
    const mention = this.mention;
    if (mention) {
      const count = mention.options.length;
      switch (event.key) {
        case 'ArrowDown':
        case 'ArrowUp':
          event.preventDefault();
          this.mention = { ...mention, active: (mention.active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count };
          return;
        case 'Enter':
        case 'Tab':
          if (event.shiftKey) break;
          event.preventDefault();
          this.pickMention(mention.active);
          return;
        case 'Escape':
          event.preventDefault();
          event.stopPropagation();
          this.dismissedMention = mention.start;
          this.mention = undefined;
          return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'Escape' && (this.editing || this.replyTo)) {
      event.preventDefault();
      event.stopPropagation();
      if (this.editing) this.endEdit('cancel');
      else this.endReply('cancel');
    }
  }

  private onCaretMove(event: Event): void {
    if (event instanceof KeyboardEvent && !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    this.updateMention();
  }

  private onPaste(event: ClipboardEvent): void {
    const data = event.clipboardData;
    if (!data || !this.canAttach) return;
    const files = [...data.files];
    // Office apps put a picture of the selection next to its text: the text is what was meant.
    if (files.length === 0 || data.getData('text/plain') !== '') return;
    event.preventDefault();
    void this.addFiles(files);
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.submit();
    this.input?.focus();
  }

  // Mentions ----------------------------------------------------------------------------------

  private updateMention(): void {
    const input = this.input;
    const found = input && this.mentionsEnabled && input.selectionStart === input.selectionEnd ? mentionQueryAt(input.value, input.selectionStart) : undefined;
    if (!found) {
      this.dismissedMention = undefined;
      this.mention = undefined;
      return;
    }
    if (found.start === this.dismissedMention) return;
    if (!this.mentionUi) {
      void import('./mention-list.js').then((ui) => {
        this.mentionUi = ui;
        this.requestUpdate();
      });
    }
    const options = matchMembers(this.members, found.query, this.client?.userId, MENTION_LIMIT, this.names);
    const query = found.query.toLowerCase();
    if ('all'.startsWith(query) || this.t('mention.all').toLowerCase().startsWith(query)) options.push(MENTION_ALL);
    if (options.length === 0) {
      this.mention = undefined;
      return;
    }
    const previous = this.mention;
    const active = previous && previous.start === found.start ? Math.min(previous.active, options.length - 1) : 0;
    this.mention = { start: found.start, end: found.end, options, active };
  }

  private pickMention(index: number): void {
    const mention = this.mention;
    const input = this.input;
    const id = mention?.options[index];
    if (!mention || !input || id === undefined) return;
    const word = id === MENTION_ALL ? MENTION_ALL : `@${id}`;
    const spaced = /\s/.test(input.value[mention.end] ?? '');
    input.setRangeText(spaced ? word : `${word} `, mention.start, mention.end, 'end');
    if (spaced) input.setSelectionRange(input.selectionEnd + 1, input.selectionEnd + 1);
    this.picked.add(id);
    this.value = input.value;
    this.mention = undefined;
    this.dismissedMention = undefined;
    input.focus();
    this.scheduleDraft();
    this.noteTyping();
  }

  // Emoji -------------------------------------------------------------------------------------

  private loadPicker(): Promise<void> {
    this.emojiLoad ??= import('../emoji-picker/emoji-picker.js').then(
      () => {
        this.pickerReady = true;
      },
      (error: unknown) => {
        this.emojiLoad = undefined; // a later open tries again
        this.emojiPopover?.hidePopover();
        this.addError('text', error, this.t('common.error'));
      },
    );
    return this.emojiLoad;
  }

  private onEmojiBeforeToggle(event: ToggleEvent): void {
    if (event.newState === 'open') {
      this.emojiOpen = true;
      this.mention = undefined;
      void this.loadPicker().then(async () => {
        await this.updateComplete;
        const picker = this.picker;
        if (!picker || !this.emojiOpen) return;
        picker.reset();
        picker.focus();
      });
    } else {
      this.pickerHadFocus = this.emojiPopover?.matches(':focus-within') ?? false;
    }
  }

  private onEmojiToggle(event: ToggleEvent): void {
    if (event.newState !== 'closed') return;
    this.emojiOpen = false;
    // Closed with Escape or after a pick: back to the field. Closed by a click elsewhere: focus
    // stays where the user clicked.
    if (this.pickerHadFocus) this.input?.focus();
    this.pickerHadFocus = false;
  }

  private onEmojiSelect(event: ImEmojiSelectEvent): void {
    event.stopPropagation();
    const input = this.input;
    if (!input) return;
    input.setRangeText(event.detail.emoji, input.selectionStart, input.selectionEnd, 'end');
    this.value = input.value;
    this.emojiPopover?.hidePopover();
    input.focus();
    if (this.error?.source === 'text') this.error = undefined;
    this.scheduleDraft();
    this.noteTyping();
  }

  private onEmojiClose(event: Event): void {
    event.stopPropagation();
    this.pickerHadFocus = true;
    this.emojiPopover?.hidePopover();
  }


  // Popovers ----------------------------------------------------------------------------------

  /**
   * Puts the open popovers above the composer (below it when there is more room there). They
   * live in the top layer, so a chat that clips its content cannot cut them off.
   */
  /** Popover placement: its own chunk, loaded when a popover first opens. */
  private placer: typeof import('./popover-place.js') | undefined;

  private place(popover: HTMLElement, anchor: Pick<DOMRect, 'top' | 'bottom' | 'left' | 'right'>, align: 'start' | 'end'): void {
    if (this.placer) {
      this.placer.placePopover(popover, anchor, align, this.locale.dir === 'rtl');
      return;
    }
    void import('./popover-place.js').then((placer) => {
      this.placer = placer;
      this.placePopovers();
    });
  }

  private placePopovers(): void {
    const form = this.form;
    if (!form || !POPOVERS) return;
    if (this.mention && this.mentionList && this.field) this.place(this.mentionList, this.field.getBoundingClientRect(), 'start');
    if (this.emojiOpen && this.emojiPopover) {
      const button = this.emojiButton?.getBoundingClientRect();
      const box = form.getBoundingClientRect();
      this.place(this.emojiPopover, button ? { top: box.top, bottom: box.bottom, left: button.left, right: button.right } : box, 'end');
    }
  }

  private startRepositioning(): void {
    window.addEventListener('resize', this.reposition);
    window.addEventListener('scroll', this.reposition, { capture: true, passive: true });
  }

  private stopRepositioning(): void {
    window.removeEventListener('resize', this.reposition);
    window.removeEventListener('scroll', this.reposition, { capture: true });
  }

  // Drag and drop -----------------------------------------------------------------------------

  private onDragOver(event: DragEvent): void {
    if (!this.canAttach || !hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDragLeave(event: DragEvent): void {
    const to = event.relatedTarget as Node | null;
    if (to && (this.renderRoot.contains(to) || this.contains(to))) return;
    this.dragging = false;
  }

  private onDrop(event: DragEvent): void {
    this.dragging = false;
    if (!this.canAttach || !hasFiles(event)) return;
    event.preventDefault();
    void this.addFiles([...event.dataTransfer!.files]);
  }

  private onFilesChosen(): void {
    const input = this.fileInput;
    if (!input?.files) return;
    const files = [...input.files];
    input.value = '';
    void this.addFiles(files);
    this.input?.focus();
  }

  // Rendering ---------------------------------------------------------------------------------

  protected override render() {
    return html`<div
      class="composer"
      dir=${this.locale.dir}
      ?data-dragging=${this.dragging}
      @dragenter=${this.onDragOver}
      @dragover=${this.onDragOver}
      @dragleave=${this.onDragLeave}
      @drop=${this.onDrop}
    >
      ${this.disabledReason
        ? html`<p class="disabled" part="disabled-reason" role="status">${lockIcon()}<span>${this.t(REASON_KEYS[this.disabledReason])}</span></p>`
        : this.renderComposer()}
    </div>`;
  }

  private renderError() {
    const error = this.error;
    if (!error) return nothing;
    return html`<div class="error" part="error" role="alert" data-code=${error.code}>
      ${alertIcon()}
      <div class="error-text">${error.lines.map((line) => html`<p>${line}</p>`)}</div>
      <button type="button" class="icon-button small" aria-label=${this.t('common.close')} title=${this.t('common.close')} @click=${() => (this.error = undefined)}>
        ${closeIcon()}
      </button>
    </div>`;
  }

  private renderBanner() {
    const editing = this.editing;
    const reply = this.replyTo;
    if (!editing && !reply) return nothing;
    const message = (editing ?? reply)!;
    const title = editing ? this.t('composer.editing') : this.t('composer.replyingTo', { name: this.replyName || message.senderId });
    const close = editing ? this.t('composer.cancelEdit') : this.t('composer.cancelReply');
    return html`<div class="banner" part=${editing ? 'edit-banner' : 'reply-banner'} data-kind=${editing ? 'edit' : 'reply'}>
      <span class="banner-icon">${editing ? editIcon() : replyIcon()}</span>
      <div class="banner-text">
        <span class="banner-title">${title}</span>
        <span class="banner-quote" dir="auto">${quoteOf(message, this.locale, this.names)}</span>
      </div>
      <button
        type="button"
        class="icon-button small"
        aria-label=${close}
        title=${close}
        @click=${() => {
          if (editing) this.endEdit('cancel');
          else this.endReply('cancel');
          this.input?.focus();
        }}
      >
        ${closeIcon()}
      </button>
    </div>`;
  }

  private renderCounter() {
    const left = this.maxLength - this.value.trim().length;
    if (left > Math.min(200, this.maxLength / 10)) return nothing;
    const over = left < 0;
    return html`<p id="counter" class="counter" ?data-over=${over}>
      ${over ? this.t('composer.charsOver', { count: -left }) : this.t('composer.charsLeft', { count: left })}
    </p>`;
  }

  /** The mention list: its own chunk, loaded at the first `@` in a group. */
  private mentionUi: typeof import('./mention-list.js') | undefined;

  private renderMentions() {
    if (!this.mentionUi) return nothing;
    return this.mentionUi.renderMentionList({
      mention: this.mention,
      t: (key, params) => this.t(key, params),
      name: (userId) => cleanText(this.names?.(userId) ?? ''),
      avatar: (userId) => this.avatars?.(userId),
      pick: (index) => this.pickMention(index),
      hover: (index) => {
        if (this.mention && this.mention.active !== index) this.mention = { ...this.mention, active: index };
      },
    });
  }

  private renderComposer() {
    const editing = this.editing !== undefined;
    const mention = this.mention;
    const left = this.maxLength - this.value.trim().length;
    const ready = this.client !== undefined && this.conversationId !== undefined;
    const canSend = ready && this.value.trim() !== '' && left >= 0 && !this.saving;
    const sendLabel = editing ? this.t('composer.saveEdit') : this.t('composer.send');
    const counter = this.renderCounter();
    return html`
      ${this.renderError()} ${this.renderBanner()}
      <form part="form" @submit=${this.onSubmit}>
        ${this.canAttach
          ? html`<button
                type="button"
                class="icon-button attach"
                part="attach-button"
                aria-label=${this.t('composer.attach')}
                title=${this.t('composer.attach')}
                @click=${() => this.fileInput?.click()}
              >
                ${attachIcon()}
              </button>
              <input type="file" multiple hidden tabindex="-1" @change=${this.onFilesChosen} />`
          : nothing}
        <div class="field">
          <textarea
            part="input"
            rows="1"
            dir="auto"
            enterkeyhint=${editing ? 'done' : 'send'}
            aria-label=${this.t('composer.label')}
            placeholder=${this.t('composer.placeholder')}
            aria-autocomplete=${this.mentionsEnabled ? 'list' : nothing}
            aria-controls=${mention ? 'mentions' : nothing}
            aria-activedescendant=${mention ? `mention-${mention.active}` : nothing}
            aria-describedby=${counter === nothing ? nothing : 'counter'}
            aria-invalid=${left < 0 ? 'true' : nothing}
            .value=${live(this.value)}
            @input=${this.onInput}
            @keydown=${this.onKeyDown}
            @keyup=${this.onCaretMove}
            @click=${this.onCaretMove}
            @paste=${this.onPaste}
            @blur=${() => (this.mention = undefined)}
          ></textarea>
          <button
            type="button"
            class="icon-button emoji"
            part="emoji-button"
            aria-label=${this.t('composer.emoji')}
            title=${this.t('composer.emoji')}
            aria-expanded=${this.emojiOpen ? 'true' : 'false'}
            popovertarget="emoji-popover"
          >
            ${emojiIcon()}
          </button>
        </div>
        <button type="submit" class="send" part="send-button" aria-label=${sendLabel} title=${sendLabel} ?disabled=${!canSend}>
          ${editing ? checkIcon() : sendIcon()}
        </button>
      </form>
      ${counter} ${this.renderMentions()}
      <div
        id="emoji-popover"
        class="emoji-popover"
        popover="auto"
        role="dialog"
        aria-label=${this.t('composer.emoji')}
        @beforetoggle=${this.onEmojiBeforeToggle}
        @toggle=${this.onEmojiToggle}
        @im-emoji-select=${this.onEmojiSelect}
        @im-emoji-picker-close=${this.onEmojiClose}
      >
        ${this.pickerReady
          ? html`<im-emoji-picker theme=${this.theme ?? nothing}></im-emoji-picker>`
          : html`<p class="loading">${this.t('common.loading')}</p>`}
      </div>
      ${this.dragging ? html`<div class="drop-zone" aria-hidden="true">${uploadIcon()}<span>${this.t('upload.drop')}</span></div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-composer': ImComposer;
  }
}
