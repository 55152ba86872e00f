import { adoptStyles, html, LitElement, nothing, type CSSResult, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { MENTION_ALL, type FileInfo, type JsonValue, type MessageType } from '../../protocol/models.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import { styleProps } from '../directives/style-props.js';
import { cached } from '../i18n/intl.js';
import { LocaleController } from '../i18n/locale-controller.js';
import type { StringKey } from '../i18n/types.js';
import { avatarImage, type Avatars } from '../styles/avatar.js';
import sharedStyles from '../styles/shared.styles.js';
import {
  copyText,
  fileOf,
  fitBox,
  hueOf,
  initialsOf,
  numberOf,
  personName,
  previewText,
  quoteSnapshotText,
  recalledText,
  record,
  stringOf,
  textOf,
  tipText,
  typeOf,
  videoBox,
} from './content.js';
import { ImMessageJumpEvent, ImMessageReactEvent } from './events.js';
import { alertIcon, checkIcon, clockIcon, doubleCheckIcon, downloadIcon, fileIcon, infoIcon, plusIcon, smileIcon } from './icons.js';
import type { Anchor, MessageMenu } from './menu.js';
import styles from './message.styles.js';
import { mentionsByName, tokenize } from './text.js';

export * from './events.js';
export { QUICK_REACTIONS } from './content.js';

/** What the sender of a message sees of its delivery. */
export interface MessageReceipt {
  status: 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
  /** Groups: how many members have read it. */
  readCount?: number;
  /** Groups: how many members the conversation has. */
  memberCount?: number;
  /** A direct chat says "Read"; a group "Read by N". */
  direct: boolean;
}

/** Where a message sits in a run of consecutive messages from one sender (bubble corners). */
export type MessageGrouping = 'single' | 'first' | 'middle' | 'last';

const LONG_PRESS_MS = 500;

/** A module of the element loaded on first use, once per page; a failed load (offline) is tried again next time. */
function lazyModule<M>(load: () => Promise<M>): { value?: M; load(): Promise<M> } {
  let loading: Promise<M> | undefined;
  const module: { value?: M; load(): Promise<M> } = {
    load: () =>
      (loading ??= load().then(
        (value) => (module.value = value),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      )),
  };
  return module;
}

/**
 * The toolbar, the action menu, the quick reactions and the emoji-picker popover (menu.ts) load
 * on demand: the first time a message is hovered, focused or asked for its menu.
 */
const menuModule = lazyModule(() => import('./menu.js'));
/** Voice messages, videos and locations (media.ts) load the first time one is shown. */
type MediaModule = typeof import('./media.js');
const mediaModule = lazyModule(() => import('./media.js'));
/** Upload progress and the failed line (pending.ts) load the first time a message has either. */
type PendingModule = typeof import('./pending.js');
const pendingModule = lazyModule(() => import('./pending.js'));

const isMedia = (type: MessageType): type is 'audio' | 'video' | 'location' => type === 'audio' || type === 'video' || type === 'location';

/**
 * The cache hands out fresh objects on every change, so a message counts as changed only when
 * something it shows can have changed: its state, its server version (edits, recalls and
 * reactions bump it) or, while unsent, its content.
 */
export function sameMessage(a: CachedMessage | undefined, b: CachedMessage | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.clientMsgId === b.clientMsgId &&
    a.senderId === b.senderId &&
    a.conversationId === b.conversationId &&
    a.status === b.status &&
    a.seq === b.seq &&
    a.time === b.time &&
    a.createdAt === b.createdAt &&
    a.version === b.version &&
    a.editedAt === b.editedAt &&
    a.recalled?.at === b.recalled?.at &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message &&
    a.upload?.blob === b.upload?.blob &&
    a.replyTo?.seq === b.replyTo?.seq &&
    a.replyTo?.senderId === b.replyTo?.senderId &&
    (a.seq !== undefined || JSON.stringify(a.content) === JSON.stringify(b.content))
  );
}

const sameReceipt = (a: MessageReceipt | undefined, b: MessageReceipt | undefined): boolean =>
  a === b ||
  (!!a && !!b && a.status === b.status && a.readCount === b.readCount && a.memberCount === b.memberCount && a.direct === b.direct);

const identity = (userId: string): string => userId;

/**
 * One message of a conversation, as <im-chat> renders it for each visible message: text with
 * links and mentions, images (with a lightbox), files, voice, video, locations, custom
 * messages, group tips and recall tombstones; a quoted reply, reactions, delivery status,
 * upload progress; and the actions (reply, copy, edit, recall, delete for me, react, details)
 * from a hover toolbar, right-click, long-press or the keyboard (Shift+F10, the context-menu key).
 *
 * All data comes in as properties, so only the message that changed re-renders. The user's
 * intents go out as events; the chat performs them. What a message at rest does not need loads
 * on demand: the toolbar, the menu and the emoji picker when a message is first hovered,
 * focused or asked for its menu; the voice, video and location renderers when one is first
 * shown (a placeholder of the same size and label stands in until then).
 *
 * The element is focusable as a whole when given a `tabindex` (the chat's roving focus); with a
 * negative one its inner controls leave the tab order too, so Tab skips from message to composer.
 * It follows the colour scheme of its container (set `theme` to pin one).
 *
 * @summary One chat message: every message type, quote, reactions, status and actions.
 * @fires im-message-action - An action was picked: `{ action, message, emoji? }` (cancelable; `copy` is performed unless cancelled).
 * @fires im-message-jump - The quote of a reply was activated: `{ seq }` of the quoted message.
 * @fires im-message-react - A reaction chip was toggled: `{ message, emoji, on }`.
 * @fires im-message-retry - "Retry" on a failed message: `{ message }`.
 * @csspart bubble - The bubble around the content.
 * @csspart content - The content inside the bubble.
 * @csspart text - The text of a text message.
 * @csspart image - The image button (opens the lightbox).
 * @csspart file - The file card.
 * @csspart audio - The voice message player.
 * @csspart video - The video player.
 * @csspart location - The location card.
 * @csspart quote - The quote of a reply (a button).
 * @csspart reactions - The row of reaction chips.
 * @csspart reaction - One reaction chip.
 * @csspart status - The delivery status of your own message.
 * @csspart time - The time of the message.
 * @csspart avatar - The sender's avatar.
 * @csspart sender - The sender's name.
 * @csspart actions - The hover toolbar.
 * @csspart menu - The action menu.
 * @csspart tip - A group tip line.
 * @csspart tombstone - The line that replaces a recalled message.
 * @csspart progress - The upload progress bar.
 * @csspart error - The line under a failed message (reason and Retry).
 * @cssproperty --im-message-bg - Background of other people's bubbles.
 * @cssproperty --im-message-text - Text colour of other people's bubbles.
 * @cssproperty --im-message-own-bg - Background of your own bubbles.
 * @cssproperty --im-message-own-text - Text colour of your own bubbles.
 * @cssproperty --im-message-radius - Bubble corner radius.
 * @cssproperty --im-message-radius-grouped - Corner radius where bubbles of one sender meet.
 * @cssproperty --im-message-max-width - Widest a bubble gets.
 * @cssproperty --im-message-gap - Space above the first message of a group.
 * @cssproperty --im-message-font-size - Size of message text.
 * @cssproperty --im-message-muted - Secondary text (times, sizes, tips).
 * @cssproperty --im-message-link - Links and mentions in other people's bubbles.
 * @cssproperty --im-message-mention-self-bg - Background of a mention of you.
 * @cssproperty --im-message-mention-self-text - Text of a mention of you.
 * @cssproperty --im-message-read - The "read" checks inside your own bubbles.
 * @cssproperty --im-message-danger - Failed messages.
 * @cssproperty --im-message-highlight - The flash of a message jumped to.
 * @cssproperty --im-message-avatar-size - Avatar size.
 */
@customElement('im-message')
export class ImMessage extends LitElement {
  static override styles = [sharedStyles, styles];

  /** The message. A new object that equals the shown one in state, seq and version does not re-render. */
  @property({ attribute: false, hasChanged: (a?: CachedMessage, b?: CachedMessage) => !sameMessage(a, b) })
  message: CachedMessage | undefined;
  /** Sent by the signed-in user: shown at the inline end, with delivery status and own actions. */
  @property({ type: Boolean }) own = false;
  /** For file URLs and upload progress. */
  @property({ attribute: false }) client: IMClient | undefined;
  /** The sender's display name (defaults to `names(senderId)`). */
  @property({ attribute: 'sender-name' }) senderName = '';
  /** Show the sender's name above the bubble (the first of a run in a group chat). */
  @property({ type: Boolean, attribute: 'show-sender' }) showSender = false;
  /**
   * Others' messages in a chat with avatars: the avatar is drawn beside the first message of a
   * run (`grouped` single or first) and the others of the run keep its space, so bubbles align.
   */
  @property({ type: Boolean, attribute: 'show-avatar' }) showAvatar = false;
  /** Where the message sits in a run of one sender's messages; shapes the bubble corners. */
  @property() grouped: MessageGrouping = 'single';
  /** Own messages: delivery as the chat knows it from receipts (else from the message's own status). */
  @property({ attribute: false, hasChanged: (a?: MessageReceipt, b?: MessageReceipt) => !sameReceipt(a, b) })
  receipt: MessageReceipt | undefined;
  /** The quoted message when the chat holds it (live: shows a recall); else the reply's snapshot is shown. */
  @property({ attribute: false, hasChanged: (a?: CachedMessage, b?: CachedMessage) => !sameMessage(a, b) })
  quoted: CachedMessage | undefined;
  /** Flash the message (it was jumped to). */
  @property({ type: Boolean }) highlighted = false;
  /** A large room: no receipts and only counts of reactions. */
  @property({ type: Boolean, attribute: 'large-room' }) largeRoom = false;
  /** The user may recall anyone's message at any time (group owners). */
  @property({ type: Boolean, attribute: 'can-recall-all' }) canRecallAll = false;
  /** Renders custom messages; return undefined for the built-in fallback card. */
  @property({ attribute: false }) renderCustom: ((message: CachedMessage) => unknown) | undefined;
  /** Display names of users (reactions, mentions, tips); identity when not given. */
  @property({ attribute: false }) names: ((userId: string) => string) | undefined;
  /** Picture URLs of users for the avatar; initials when not given (or when the picture fails). */
  @property({ attribute: false }) avatars: Avatars | undefined;
  /** The signed-in user (own reactions, mentions of you, "You"). */
  @property({ attribute: 'self-id' }) selfId = '';
  /** `light` or `dark`; follows the container's colour scheme when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** The toolbar is rendered once the message is hovered, touched or focused (60 messages stay light). */
  @state() private active = false;
  /** @internal Upload progress (0–100) of a message being sent; undefined before the first report. */
  @state() progress: number | undefined;
  @state() private lightbox: { src: string; alt: string; href: string } | undefined;

  /** @internal The element's language, for the on-demand modules. */
  readonly locale = new LocaleController(this);
  /** The toolbar, the menu and the picker, once menu.ts has loaded. */
  private menu: MessageMenu | undefined;
  /** The renderers of voice messages, videos and locations, once media.ts has loaded (and its styles are adopted). */
  private media: MediaModule | undefined;
  /** Upload progress and the failed line, once pending.ts has loaded. */
  private pending: PendingModule | undefined;
  /** Styles of on-demand modules adopted into the shadow root. */
  private readonly lateStyles: CSSResult[] = [];
  /** A menu is opening while menu.ts loads: the keys pressed meanwhile, applied once it is open. */
  private pendingKeys: string[] | undefined;
  private previewUrl: string | undefined;
  private previewKey: string | undefined;
  private offProgress: (() => void) | undefined;
  private progressKey: string | undefined;
  private pressTimer: ReturnType<typeof setTimeout> | undefined;
  private pressStart: { x: number; y: number } | undefined;
  private suppressClick = false;
  private lightboxReturn: HTMLElement | undefined;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'tabindex'];
  }

  constructor() {
    super();
    this.addEventListener('keydown', this.onKeydown);
    this.addEventListener('contextmenu', this.onContextMenu);
    this.addEventListener('pointerenter', this.activate);
    this.addEventListener('focusin', this.activate);
    this.addEventListener('focusout', this.onFocusOut);
    this.addEventListener('pointerdown', this.onPointerDown);
    this.addEventListener('pointermove', this.onPointerMove);
    this.addEventListener('pointerup', this.cancelPress);
    this.addEventListener('pointercancel', this.cancelPress);
    this.addEventListener('click', this.onClickCapture, { capture: true });
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // Inner controls follow the roving tabindex the chat gives the message.
    if (name === 'tabindex' && old !== value) this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.syncUpload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopProgress();
    this.revokePreview();
    this.cancelPress();
    this.pendingKeys = undefined;
    this.menu?.reset();
    this.lightbox = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('message') || changed.has('client')) this.syncUpload();
    const m = this.message;
    if (m && !this.media && !m.recalled && isMedia(typeOf(m))) this.use(mediaModule, (module) => (this.media = module));
    if (m && !this.pending && (m.upload || m.status === 'failed')) this.use(pendingModule, (module) => (this.pending = module));
  }

  /** Uses an on-demand module once it has loaded (at once when it has): adopts its styles and re-renders. */
  private use<M extends { styles: CSSResult }>(module: { value?: M; load(): Promise<M> }, set: (module: M) => void): void {
    const apply = (value: M) => {
      this.adopt(value.styles);
      set(value);
      this.requestUpdate();
    };
    if (module.value) apply(module.value);
    else module.load().then(apply, () => undefined);
  }

  // ---- data helpers -------------------------------------------------------------------------

  /** @internal */
  t(key: StringKey, params?: Record<string, string | number>): string {
    return this.locale.t(key, params);
  }

  private nameOf(userId: string, object = false): string {
    return personName(userId, this.selfId, this.names ?? identity, this.locale, object);
  }

  /** A text preview with its mentions by display name. */
  private withNames(preview: string, type: MessageType, mentions?: readonly string[]): string {
    return type === 'text' && this.names ? mentionsByName(preview, this.names, mentions, this.t('mention.all')) : preview;
  }

  private get displayName(): string {
    const m = this.message;
    if (!m) return '';
    return this.senderName || (this.names ?? identity)(m.senderId) || m.senderId;
  }

  /** @internal A file URL from a message: server paths resolve against the client's server; nothing else but local previews is used. */
  fileUrl(path: string): string {
    if (path.startsWith('/') && !path.startsWith('//')) return this.client ? this.client.files.url(path) : path;
    if (/^(https?:|blob:|data:image\/)/i.test(path)) return path;
    return '';
  }

  /** @internal Inner controls leave the tab order when the chat gives the message a negative tabindex. */
  get innerTab(): number | typeof nothing {
    return this.hasAttribute('tabindex') && this.tabIndex < 0 ? -1 : nothing;
  }

  /** @internal Sent and stored by the server. */
  get stored(): boolean {
    const m = this.message;
    return !!m && m.seq !== undefined && m.status === 'sent';
  }

  /** Whether the menu has anything to offer (menu.ts lists the actions themselves). */
  private get hasActions(): boolean {
    const m = this.message;
    const type = m && typeOf(m);
    if (!m || !type || type === 'tip') return false;
    // Messages of room sessions carry no type: the server offers them no operations.
    const operable = this.stored && m.type !== undefined;
    return m.recalled ? operable : operable || m.status === 'failed' || copyText(type, m.content) !== undefined;
  }

  /** @internal */
  get canReact(): boolean {
    const m = this.message;
    return !!m && this.stored && m.type !== undefined && m.type !== 'tip' && !m.recalled;
  }

  // ---- upload progress and local preview ------------------------------------------------------

  private syncUpload(): void {
    const m = this.message;
    const client = this.client;
    const key = m?.upload && client && this.isConnected ? `${m.conversationId}\u0000${m.clientMsgId}` : undefined;
    if (key !== this.progressKey) {
      this.stopProgress();
      this.progressKey = key;
      if (key && m && client) {
        this.progress = client.messages.uploadProgress(m.conversationId, m.clientMsgId);
        const { conversationId, clientMsgId } = m;
        this.offProgress = client.on('upload:progress', (p) => {
          if (p.conversationId === conversationId && p.clientMsgId === clientMsgId) this.progress = p.percent;
        });
      }
    }
    // A local preview of an image being sent. The cache hands out a new Blob object on every
    // change of the message, so the preview is kept per message and size, not per object.
    const upload = m?.upload && typeOf(m) === 'image' && this.isConnected ? m.upload : undefined;
    const previewKey = upload && m ? `${m.conversationId}\u0000${m.clientMsgId}\u0000${upload.blob.size}` : undefined;
    if (previewKey !== this.previewKey) {
      this.revokePreview();
      if (upload && previewKey) {
        this.previewKey = previewKey;
        this.previewUrl = URL.createObjectURL(upload.blob);
      }
    }
  }

  private stopProgress(): void {
    this.offProgress?.();
    this.offProgress = undefined;
    this.progressKey = undefined;
    this.progress = undefined;
  }

  private revokePreview(): void {
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = undefined;
    this.previewKey = undefined;
  }

  /** @internal */
  cancelUpload(): void {
    const m = this.message;
    if (m && this.client) void this.client.messages.cancel(m.conversationId, m.clientMsgId).catch(() => undefined);
  }

  // ---- pointer, keyboard and menus -----------------------------------------------------------

  /** Adds the styles of an on-demand module to the shadow root (constructed sheets, as Lit's own). */
  private adopt(sheet: CSSResult): void {
    if (this.lateStyles.includes(sheet) || !this.shadowRoot) return;
    this.lateStyles.push(sheet);
    adoptStyles(this.shadowRoot, [...(this.constructor as typeof ImMessage).elementStyles, ...this.lateStyles]);
  }

  /** The menu of this message, loading menu.ts first if needed. */
  private async loadMenu(): Promise<MessageMenu> {
    const module = await menuModule.load();
    if (!this.menu) {
      this.adopt(module.styles);
      this.menu = new module.MessageMenu(this);
      this.requestUpdate();
    }
    return this.menu;
  }

  /** Hover, touch or focus: the toolbar shows, and menu.ts starts loading so a menu opens at once. */
  private readonly activate = (): void => {
    this.active = true;
    if (this.hasActions) this.loadMenu().catch(() => undefined);
  };

  /**
   * Opens the action menu next to `anchor`; focus goes to its first action (or the first emoji)
   * and returns to `returnTo`. When menu.ts is still loading the menu opens once it has, and
   * the keys pressed meanwhile are applied to it.
   */
  private async openMenu(anchor: Anchor, returnTo: HTMLElement | undefined, focusEmoji = false): Promise<void> {
    if (!this.message) return;
    this.active = true;
    if (this.menu) return this.menu.open(anchor, returnTo, focusEmoji);
    const keys: string[] = [];
    this.pendingKeys = keys;
    const menu = await this.loadMenu().catch(() => undefined);
    // Escape, Tab or leaving the page while it loaded cancels it.
    if (this.pendingKeys !== keys) return;
    this.pendingKeys = undefined;
    if (!menu || !this.isConnected) return;
    await menu.open(anchor, returnTo, focusEmoji);
    menu.replay(keys);
  }

  /** Focus left the message while its menu was loading: the menu no longer opens. */
  private readonly onFocusOut = (event: FocusEvent): void => {
    const to = event.relatedTarget;
    if (this.pendingKeys && !(to instanceof Node && this.contains(to))) this.pendingKeys = undefined;
  };

  private fromPopup(event: Event): boolean {
    return event.composedPath().some((node) => node instanceof HTMLElement && (node.classList.contains('menu') || node.classList.contains('picker') || node.localName === 'im-lightbox'));
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || this.fromPopup(event)) return;
    if (this.pendingKeys) {
      // The menu is opening: its keys wait for it and do not reach the chat.
      event.preventDefault();
      event.stopPropagation();
      if (event.key === 'Escape' || event.key === 'Tab') this.pendingKeys = undefined;
      else this.pendingKeys.push(event.key);
      return;
    }
    if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      event.preventDefault();
      const inner = this.shadowRoot?.activeElement;
      const returnTo = inner instanceof HTMLElement ? inner : this;
      void this.openMenu(returnTo === this ? (this.bubbleElement ?? this) : returnTo, returnTo);
    }
  };

  private readonly onContextMenu = (event: MouseEvent): void => {
    if (this.fromPopup(event)) return;
    this.cancelPress();
    if (this.menu?.menuOpen || this.pendingKeys) {
      event.preventDefault();
      return;
    }
    // Links, players and selected text keep the browser's own menu.
    const native = event.composedPath().some((node) => node instanceof HTMLElement && /^(a|audio|video)$/.test(node.localName));
    if (native || !getSelection()?.isCollapsed) return;
    if (!this.hasActions) return;
    event.preventDefault();
    const point = event.button === 0 && event.clientX === 0 && event.clientY === 0 ? (this.bubbleElement ?? this) : { x: event.clientX, y: event.clientY };
    void this.openMenu(point, this.hasAttribute('tabindex') ? this : undefined);
  };

  private readonly onPointerDown = (event: PointerEvent): void => {
    this.activate();
    if (event.pointerType !== 'touch' || this.fromPopup(event)) return;
    this.cancelPress();
    const point = { x: event.clientX, y: event.clientY };
    this.pressStart = point;
    this.pressTimer = setTimeout(() => {
      this.pressTimer = undefined;
      if (!this.hasActions) return;
      this.suppressClick = true;
      void this.openMenu(point, this.hasAttribute('tabindex') ? this : undefined);
    }, LONG_PRESS_MS);
  };

  private readonly onPointerMove = (event: PointerEvent): void => {
    if (!this.pressStart) return;
    if (Math.hypot(event.clientX - this.pressStart.x, event.clientY - this.pressStart.y) > 10) this.cancelPress();
  };

  private readonly cancelPress = (): void => {
    clearTimeout(this.pressTimer);
    this.pressTimer = undefined;
    this.pressStart = undefined;
  };

  /** The click that ends a long press opened the menu; it must not also activate what was under the finger. */
  private readonly onClickCapture = (event: MouseEvent): void => {
    if (!this.suppressClick) return;
    this.suppressClick = false;
    event.preventDefault();
    event.stopPropagation();
  };

  /** @internal Where menus open from the keyboard. */
  get bubbleElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.bubble, .tombstone');
  }

  private toggleReaction(emoji: string, mine: boolean): void {
    const message = this.message;
    if (message) this.dispatchEvent(new ImMessageReactEvent({ message, emoji, on: !mine }));
  }

  private async openImage(file: FileInfo, trigger: HTMLElement): Promise<void> {
    await import('../lightbox/lightbox.js');
    const large = file.thumbnails?.large.url ?? file.url;
    this.lightboxReturn = trigger;
    this.lightbox = { src: this.fileUrl(large), href: this.fileUrl(file.url), alt: this.t('image.alt', { name: this.displayName }) };
    await this.updateComplete;
    this.renderRoot.querySelector('im-lightbox')?.show();
  }

  private readonly onLightboxClose = (): void => {
    this.lightbox = undefined;
    if (this.lightboxReturn?.isConnected) this.lightboxReturn.focus();
    this.lightboxReturn = undefined;
  };

  // ---- rendering ------------------------------------------------------------------------------

  protected override render(): TemplateResult | typeof nothing {
    const m = this.message;
    if (!m) return nothing;
    const type = typeOf(m);
    const dir = this.locale.dir;
    if (type === 'tip') {
      return html`<div class="row center" dir=${dir}>
        <p class="tip" part="tip">${tipText(m, this.selfId, this.names ?? identity, this.locale)}</p>
      </div>`;
    }
    if (m.recalled) {
      return html`<div class="row center" dir=${dir}>
        <p class="tombstone" part="tombstone">${recalledText(m, this.selfId, this.names ?? identity, this.locale)}${this.renderMeta(m, true)}</p>
        ${this.renderToolbar()} ${this.menu?.renderPopups()}
      </div>`;
    }
    const own = this.own;
    const media = (type === 'image' || type === 'video') && !m.replyTo;
    return html`<div
      class="row ${own ? 'own' : 'other'} ${this.highlighted ? 'flash' : ''}"
      dir=${dir}
      data-grouped=${this.grouped}
      data-status=${m.status}
    >
      ${!own && this.showAvatar ? this.renderAvatar(m) : nothing}
      <div class="body">
        ${!own && this.showSender ? html`<div class="sender" part="sender" ${styleProps({ '--hue': hueOf(m.senderId) })}>${this.displayName}</div>` : nothing}
        <div class="line">
          <div class="bubble ${media ? 'media' : ''} type-${type}" part="bubble">
            ${own || !this.showSender ? html`<span class="visually-hidden">${this.t('message.from', { name: own ? this.t('common.you') : this.displayName })}</span>` : nothing}
            ${m.replyTo ? this.renderQuote(m) : nothing}
            <div class="content ${m.upload ? 'uploading' : ''}" part="content">${this.renderContent(m, type)}</div>
          </div>
          ${this.renderToolbar()}
        </div>
        ${this.renderReactions(m)} ${own && m.status === 'failed' ? this.pending?.renderFailed(this, m) : nothing}
      </div>
      ${this.menu?.renderPopups()}
      ${this.lightbox
        ? html`<im-lightbox .src=${this.lightbox.src} .alt=${this.lightbox.alt} .href=${this.lightbox.href} @im-lightbox-close=${this.onLightboxClose}></im-lightbox>`
        : nothing}
    </div>`;
  }

  private renderToolbar() {
    return this.active && this.menu && this.hasActions ? this.menu.renderToolbar() : nothing;
  }

  private renderAvatar(m: CachedMessage) {
    const first = this.grouped === 'single' || this.grouped === 'first';
    return first
      ? html`<span class="avatar" part="avatar" aria-hidden="true" ${styleProps({ '--hue': hueOf(m.senderId) })}
          >${initialsOf(this.displayName)}${avatarImage(this.avatars?.(m.senderId))}</span
        >`
      : html`<span class="avatar spacer" aria-hidden="true"></span>`;
  }

  private renderContent(m: CachedMessage, type: MessageType) {
    const body = record(m.content);
    switch (type) {
      case 'text':
        return this.renderText(m);
      case 'image':
        return this.renderImage(m, fileOf(body?.file));
      case 'file':
        return this.renderFile(m, fileOf(body?.file));
      case 'audio':
      case 'video':
      case 'location':
        return this.renderMedia(m, type, body);
      default:
        return this.renderCustomContent(m);
    }
  }

  private renderText(m: CachedMessage) {
    const mentions = m.mentions ?? [];
    const tokens = tokenize(textOf(m.content), mentions);
    const tab = this.innerTab;
    const parts = tokens.map((token) => {
      if (token.kind === 'text') return token.text;
      if (token.kind === 'link') {
        return html`<a href=${token.href} target="_blank" rel="noopener noreferrer" tabindex=${tab}>${token.text}</a>`;
      }
      const self = token.userId === this.selfId || token.userId === MENTION_ALL;
      const label = token.userId === MENTION_ALL ? this.t('mention.all') : (this.names ?? identity)(token.userId) || token.userId;
      return html`<span class="mention ${self ? 'self' : ''}" data-user=${token.userId}>@${label}</span>`;
    });
    // No whitespace between the parts: the text keeps its own line breaks (pre-wrap).
    return html`<div class="text" part="text" dir="auto">${parts}${this.renderMeta(m)}</div>`;
  }

  private renderImage(m: CachedMessage, file: FileInfo | undefined) {
    const pending = !!m.upload;
    const small = file?.thumbnails?.small;
    const box = fitBox(small?.width ?? file?.width, small?.height ?? file?.height, 240, 320, { width: 240, height: 180 });
    const style = { 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width}/${box.height}` };
    const alt = this.t('image.alt', { name: this.displayName });
    if (pending || !file) {
      const src = this.previewUrl ?? '';
      return html`<div class="image pending" ${styleProps(style)}>
          ${src ? html`<img src=${src} alt=${alt} width=${box.width} height=${box.height} decoding="async" />` : nothing}
        </div>
        ${pending ? this.pending?.renderProgress(this) : nothing}${this.renderMeta(m, false, true)}`;
    }
    const src = this.fileUrl(small?.url ?? file.url);
    return html`<button
        class="image"
        part="image"
        type="button"
        ${styleProps(style)}
        aria-haspopup="dialog"
        title=${this.t('image.open')}
        tabindex=${this.innerTab}
        @click=${(event: Event) => this.openImage(file, event.currentTarget as HTMLElement)}
      >
        <img src=${src} alt=${alt} width=${box.width} height=${box.height} loading="lazy" decoding="async" />
      </button>
      ${this.renderMeta(m, false, true)}`;
  }

  private renderFile(m: CachedMessage, file: FileInfo | undefined) {
    const name = file?.name || stringOf(record(m.content)?.name) || '';
    const url = file && !m.upload ? this.fileUrl(file.url) : '';
    const inner = html`<span class="file-icon">${fileIcon()}</span>
      <span class="file-text"><span class="file-name" dir="auto">${name}</span><span class="file-size">${this.locale.formatBytes(file?.size ?? m.upload?.blob.size ?? 0)}</span></span>
      ${url ? html`<span class="file-download">${downloadIcon()}</span>` : nothing}`;
    return html`${url
        ? html`<a class="card file" part="file" href=${url} download=${name} title=${this.t('file.download', { name })} tabindex=${this.innerTab}>${inner}</a>`
        : html`<div class="card file" part="file">${inner}</div>`}
      ${m.upload ? this.pending?.renderProgress(this) : nothing}${this.renderMeta(m, false)}`;
  }

  /** Voice messages, videos (their files while uploading) and locations: from media.ts, else a placeholder of their size. */
  private renderMedia(m: CachedMessage, type: 'audio' | 'video' | 'location', body: Record<string, JsonValue> | undefined) {
    const file = fileOf(body?.file);
    if (type !== 'location' && (m.upload || !file)) return this.renderFile(m, file);
    const meta = this.renderMeta(m, false, type === 'video');
    if (this.media) return html`${this.media.renderMedia(this, type, body)}${meta}`;
    const duration = this.locale.formatDuration(numberOf(body?.duration) ?? 0);
    const label =
      type === 'location' ? this.t('preview.location', { description: stringOf(body?.description) }) : this.t(`${type}.label`, { duration });
    const box = type === 'video' ? videoBox(file!, fileOf(body?.poster ?? undefined)) : undefined;
    return html`<div class="placeholder ${type}" ${styleProps(box ? { 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width}/${box.height}` } : {})}>
        <span class="visually-hidden">${label}</span>
      </div>
      ${meta}`;
  }

  private renderCustomContent(m: CachedMessage) {
    const custom = this.renderCustom?.(m);
    if (custom !== undefined) return html`${custom}${this.renderMeta(m, false)}`;
    const body = record(m.content);
    const description = stringOf(body?.description) || (typeof m.content === 'string' ? m.content : '');
    return html`<div class="card custom">
        <span class="file-icon">${infoIcon()}</span><span class="custom-text" dir="auto">${description || this.t('message.unsupported')}</span>
      </div>
      ${this.renderMeta(m, false)}`;
  }

  private renderQuote(m: CachedMessage) {
    const quote = m.replyTo!;
    const live = this.quoted && this.quoted.seq === quote.seq ? this.quoted : undefined;
    let name = '';
    let preview: string;
    if (live?.recalled) {
      preview = this.t('reply.recalled');
    } else if (live) {
      name = this.nameOf(live.senderId);
      preview = this.withNames(previewText(typeOf(live), live.content, this.locale), typeOf(live), live.mentions ?? []);
    } else if (quote.senderId) {
      name = this.nameOf(quote.senderId);
      preview = this.withNames(quoteSnapshotText(quote, this.locale), quote.type);
    } else {
      preview = this.t('reply.notFound');
    }
    return html`<button
      class="quote"
      part="quote"
      type="button"
      title=${this.t('reply.jump')}
      tabindex=${this.innerTab}
      @click=${() => this.dispatchEvent(new ImMessageJumpEvent({ seq: quote.seq }))}
    >
      ${name ? html`<span class="quote-name">${name}</span>` : nothing}
      <span class="quote-text" dir="auto">${preview}</span>
    </button>`;
  }

  private renderReactions(m: CachedMessage) {
    const entries = Object.entries(m.reactions ?? {}).filter(([, users]) => users.length > 0);
    if (entries.length === 0) return nothing;
    const tab = this.innerTab;
    return html`<div class="reactions" part="reactions">
      ${entries.map(([emoji, users], index) => {
        const mine = users.includes(this.selfId);
        const label = this.largeRoom
          ? this.t('reaction.count', { emoji, count: users.length })
          : this.t('reaction.label', { emoji, names: this.locale.formatList(users.map((id) => this.nameOf(id, true))) });
        // The name is what the chip shows ("👍 2"); who reacted is its description.
        return html`<button
          class="reaction ${mine ? 'mine' : ''}"
          part="reaction"
          type="button"
          aria-pressed=${mine ? 'true' : 'false'}
          aria-describedby="reaction-${index}"
          title=${label}
          tabindex=${tab}
          ?disabled=${!this.canReact}
          @click=${() => this.toggleReaction(emoji, mine)}
        ><span class="emoji">${emoji}</span> <span class="count">${this.locale.formatNumber(users.length)}</span
        ><span id="reaction-${index}" hidden>${label}</span></button>`;
      })}
      ${this.canReact
        ? html`<button
            class="reaction add"
            type="button"
            aria-label=${this.t('reaction.add')}
            title=${this.t('reaction.add')}
            tabindex=${tab}
            @click=${(event: Event) => this.openMenu(event.currentTarget as HTMLElement, event.currentTarget as HTMLElement, true)}
          >${smileIcon()}${plusIcon()}</button>`
        : nothing}
    </div>`;
  }

  /** Time, "edited" and (own messages) the delivery status; `overlay` draws it over media. */
  private renderMeta(m: CachedMessage, plain = false, overlay = false) {
    const time = m.time ?? m.createdAt;
    const full = cached(`message-full|${this.locale.tag}`, () => new Intl.DateTimeFormat(this.locale.tag, { dateStyle: 'full', timeStyle: 'short' }));
    const edited = m.editedAt && !m.recalled;
    return html`<span class="meta ${overlay ? 'overlay' : ''} ${plain ? 'plain' : ''}"
      >${edited
        ? html`<span class="edited" title=${`${this.t('details.editedAt')}: ${full.format(m.editedAt!)}`}>${this.t('message.edited')}</span>`
        : nothing}<time part="time" datetime=${new Date(time).toISOString()} title=${full.format(time)}>${this.locale.formatTime(time)}</time>${this.own && !plain
        ? this.renderStatus(m)
        : nothing}</span
    >`;
  }

  private renderStatus(m: CachedMessage) {
    let status: MessageReceipt['status'] = m.status === 'sent' ? (this.receipt?.status ?? 'sent') : m.status;
    if (this.largeRoom && (status === 'delivered' || status === 'read')) status = 'sent';
    const receipt = this.receipt;
    const label =
      status === 'read'
        ? receipt && !receipt.direct && receipt.readCount !== undefined
          ? this.t('status.readBy', { count: receipt.readCount })
          : this.t('status.read')
        : this.t(`status.${status}`);
    const icon =
      status === 'sending' ? clockIcon() : status === 'sent' ? checkIcon() : status === 'failed' ? alertIcon() : doubleCheckIcon();
    return html`<span class="status" part="status" data-status=${status}
      >${icon}<span class=${status === 'read' ? 'status-text' : 'visually-hidden'}>${label}</span></span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-message': ImMessage;
  }
}
