import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LIMITS } from '../../protocol/limits.js';
import { MENTION_ALL, type FileInfo, type MessageType } from '../../protocol/models.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import { cached } from '../i18n/intl.js';
import { LocaleController } from '../i18n/locale-controller.js';
import type { StringKey } from '../i18n/types.js';
import sharedStyles from '../styles/shared.styles.js';
import {
  copyText,
  fileOf,
  fitBox,
  hueOf,
  initialsOf,
  mapLink,
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
} from './content.js';
import { ImMessageActionEvent, ImMessageJumpEvent, ImMessageReactEvent, ImMessageRetryEvent, type MessageAction } from './events.js';
import {
  alertIcon,
  checkIcon,
  clockIcon,
  closeIcon,
  copyIcon,
  doubleCheckIcon,
  downloadIcon,
  editIcon,
  externalIcon,
  fileIcon,
  infoIcon,
  moreIcon,
  pinIcon,
  plusIcon,
  recallIcon,
  replyIcon,
  smileIcon,
  trashIcon,
} from './icons.js';
import styles from './message.styles.js';
import { tokenize } from './text.js';

export * from './events.js';

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

/** The six reactions offered first. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

const LONG_PRESS_MS = 500;
const COPIED_MS = 1500;

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

type Anchor = Element | { x: number; y: number };

/** Places a popover (in the top layer, position: fixed) below or above an anchor, inside the viewport. */
function place(popup: HTMLElement, anchor: Anchor, alignRight: boolean): void {
  const r = anchor instanceof Element ? anchor.getBoundingClientRect() : { left: anchor.x, right: anchor.x, top: anchor.y, bottom: anchor.y };
  const box = popup.getBoundingClientRect();
  const margin = 8;
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  let top = r.bottom + 4;
  if (top + box.height > vh - margin && r.top - 4 - box.height >= margin) top = r.top - 4 - box.height;
  top = Math.max(margin, Math.min(top, vh - margin - box.height));
  let left = alignRight ? r.right - box.width : r.left;
  left = Math.max(margin, Math.min(left, vw - margin - box.width));
  popup.style.top = `${Math.round(top)}px`;
  popup.style.left = `${Math.round(left)}px`;
}

/**
 * One message of a conversation, as <im-chat> renders it for each visible message: text with
 * links and mentions, images (with a lightbox), files, voice, video, locations, custom
 * messages, group tips and recall tombstones; a quoted reply, reactions, delivery status,
 * upload progress; and the actions (reply, copy, edit, recall, delete for me, react, details)
 * from a hover toolbar, right-click, long-press or the keyboard (Shift+F10, the context-menu key).
 *
 * All data comes in as properties, so only the message that changed re-renders. The user's
 * intents go out as events; the chat performs them.
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
  /** The signed-in user (own reactions, mentions of you, "You"). */
  @property({ attribute: 'self-id' }) selfId = '';
  /** `light` or `dark`; follows the container's colour scheme when absent. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** The toolbar is rendered once the message is hovered, touched or focused (60 messages stay light). */
  @state() private active = false;
  @state() private menuOpen = false;
  @state() private pickerOpen = false;
  @state() private copied = false;
  @state() private progress: number | undefined;
  @state() private lightbox: { src: string; alt: string; href: string } | undefined;

  private readonly locale = new LocaleController(this);
  private previewUrl: string | undefined;
  private previewKey: string | undefined;
  private offProgress: (() => void) | undefined;
  private progressKey: string | undefined;
  private menuAnchor: Anchor | undefined;
  private menuReturn: HTMLElement | undefined;
  private pressTimer: ReturnType<typeof setTimeout> | undefined;
  private pressStart: { x: number; y: number } | undefined;
  private suppressClick = false;
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;
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
    clearTimeout(this.copiedTimer);
    this.copied = false;
    this.menuOpen = false;
    this.pickerOpen = false;
    this.lightbox = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('message') || changed.has('client')) this.syncUpload();
  }

  // ---- data helpers -------------------------------------------------------------------------

  private t(key: StringKey, params?: Record<string, string | number>): string {
    return this.locale.t(key, params);
  }

  private nameOf(userId: string): string {
    return personName(userId, this.selfId, this.names ?? identity, this.locale);
  }

  private get displayName(): string {
    const m = this.message;
    if (!m) return '';
    return this.senderName || (this.names ?? identity)(m.senderId) || m.senderId;
  }

  /** A file URL from a message: server paths resolve against the client's server; nothing else but local previews is used. */
  private url(path: string): string {
    if (path.startsWith('/') && !path.startsWith('//')) return this.client ? this.client.files.url(path) : path;
    if (/^(https?:|blob:|data:image\/)/i.test(path)) return path;
    return '';
  }

  /** Inner controls leave the tab order when the chat gives the message a negative tabindex. */
  private get innerTab(): number | typeof nothing {
    return this.hasAttribute('tabindex') && this.tabIndex < 0 ? -1 : nothing;
  }

  private get stored(): boolean {
    const m = this.message;
    return !!m && m.seq !== undefined && m.status === 'sent';
  }

  /** The actions the user may take on this message now. */
  private actions(): MessageAction[] {
    const m = this.message;
    if (!m) return [];
    const type = typeOf(m);
    if (type === 'tip') return [];
    // Messages of room sessions carry no type: the server offers them no operations.
    const operable = this.stored && m.type !== undefined;
    const list: MessageAction[] = [];
    if (m.recalled) return operable ? ['delete'] : [];
    if (operable) list.push('reply');
    if (copyText(type, m.content) !== undefined) list.push('copy');
    const age = Date.now() - (m.time ?? m.createdAt);
    if (operable && this.own && type === 'text' && age < LIMITS.EDIT_WINDOW_MS) list.push('edit');
    if (operable && ((this.own && age < LIMITS.RECALL_WINDOW_DEFAULT * 1000) || this.canRecallAll)) list.push('recall');
    if (operable || m.status === 'failed') list.push('delete');
    if (operable) list.push('details');
    return list;
  }

  private get canReact(): boolean {
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

  private cancelUpload(): void {
    const m = this.message;
    if (m && this.client) void this.client.messages.cancel(m.conversationId, m.clientMsgId).catch(() => undefined);
  }

  // ---- pointer, keyboard and menus -----------------------------------------------------------

  private readonly activate = (): void => {
    this.active = true;
  };

  private fromPopup(event: Event): boolean {
    return event.composedPath().some((node) => node instanceof HTMLElement && (node.classList.contains('menu') || node.classList.contains('picker') || node.localName === 'im-lightbox'));
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || this.fromPopup(event)) return;
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
    if (this.menuOpen) {
      event.preventDefault();
      return;
    }
    // Links, players and selected text keep the browser's own menu.
    const native = event.composedPath().some((node) => node instanceof HTMLElement && /^(a|audio|video)$/.test(node.localName));
    if (native || !getSelection()?.isCollapsed) return;
    if (!this.message || typeOf(this.message) === 'tip' || this.actions().length === 0) return;
    event.preventDefault();
    const point = event.button === 0 && event.clientX === 0 && event.clientY === 0 ? (this.bubbleElement ?? this) : { x: event.clientX, y: event.clientY };
    void this.openMenu(point, this.hasAttribute('tabindex') ? this : undefined);
  };

  private readonly onPointerDown = (event: PointerEvent): void => {
    this.active = true;
    if (event.pointerType !== 'touch' || this.fromPopup(event)) return;
    this.cancelPress();
    const point = { x: event.clientX, y: event.clientY };
    this.pressStart = point;
    this.pressTimer = setTimeout(() => {
      this.pressTimer = undefined;
      if (!this.message || this.actions().length === 0) return;
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

  private get bubbleElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.bubble, .tombstone');
  }

  private get menuElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.menu');
  }

  private menuItems(): HTMLElement[] {
    return [...(this.menuElement?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  }

  /** Opens the action menu next to `anchor`; focus goes to its first action (or the first emoji) and returns to `returnTo`. */
  private async openMenu(anchor: Anchor, returnTo: HTMLElement | undefined, focusEmoji = false): Promise<void> {
    if (!this.message) return;
    this.active = true;
    this.menuAnchor = anchor;
    this.menuReturn = returnTo;
    this.menuOpen = true;
    await this.updateComplete;
    const menu = this.menuElement;
    if (!menu || !this.isConnected) return;
    if (!menu.matches(':popover-open')) menu.showPopover();
    place(menu, anchor, this.alignRight);
    const items = this.menuItems();
    const first = focusEmoji ? items[0] : (items.find((item) => !item.closest('.quick')) ?? items[0]);
    first?.focus();
  }

  /** Popups line up with the bubble's outer edge: the inline end for own messages. */
  private get alignRight(): boolean {
    return this.own !== (this.locale.dir === 'rtl');
  }

  /** The emoji picker follows the message's colour scheme (its own default follows the system). */
  private get pickerTheme(): 'light' | 'dark' | undefined {
    const scheme = getComputedStyle(this).colorScheme;
    const dark = scheme.includes('dark');
    const light = scheme.includes('light') || scheme === 'normal';
    return dark && !light ? 'dark' : light && !dark ? 'light' : undefined;
  }

  private closeMenu(restoreFocus: boolean): void {
    const menu = this.menuElement;
    this.menuOpen = false;
    // Focus first, so the popover does not drop it to the page when it hides.
    if (restoreFocus) this.menuReturn?.focus();
    if (menu?.matches(':popover-open')) menu.hidePopover();
  }

  private readonly onMenuToggle = (event: ToggleEvent): void => {
    // Light dismiss (a click elsewhere) or the browser's own Escape handling.
    if (event.newState === 'closed' && this.menuOpen) this.menuOpen = false;
  };

  private readonly onMenuKeydown = (event: KeyboardEvent): void => {
    // The chat moves between messages with arrow keys: keys pressed in the menu stay here.
    event.stopPropagation();
    const items = this.menuItems();
    const index = items.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    const rtl = this.locale.dir === 'rtl';
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return move(index + 1);
      case 'ArrowUp':
        return move(index - 1);
      case 'ArrowRight':
        return move(index + (rtl ? -1 : 1));
      case 'ArrowLeft':
        return move(index + (rtl ? 1 : -1));
      case 'Home':
        return move(0);
      case 'End':
        return move(items.length - 1);
      case 'Escape':
      case 'Tab':
        event.preventDefault();
        this.closeMenu(true);
        return;
    }
  };

  private pick(action: MessageAction, emoji?: string): void {
    const message = this.message;
    if (!message) return;
    this.closeMenu(true);
    const event = new ImMessageActionEvent({ action, message, ...(emoji ? { emoji } : {}) });
    if (this.dispatchEvent(event) && action === 'copy') void this.copy(message);
  }

  private async copy(message: CachedMessage): Promise<void> {
    const value = copyText(typeOf(message), message.content);
    if (value === undefined) return;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      return; // no clipboard access (permissions, insecure page): nothing to confirm
    }
    this.copied = true;
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this.copied = false), COPIED_MS);
  }

  private get pickerElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.picker');
  }

  /** "More reactions": the full emoji picker, loaded on first use. */
  private async openPicker(): Promise<void> {
    const anchor = this.menuAnchor ?? this.bubbleElement ?? this;
    const returnTo = this.menuReturn;
    this.closeMenu(false);
    await import('../emoji-picker/emoji-picker.js');
    this.pickerOpen = true;
    this.menuReturn = returnTo;
    await this.updateComplete;
    const popup = this.pickerElement;
    if (!popup || !this.isConnected) return;
    if (!popup.matches(':popover-open')) popup.showPopover();
    const picker = popup.querySelector('im-emoji-picker');
    await picker?.updateComplete;
    place(popup, anchor, this.alignRight);
    picker?.focus();
  }

  private closePicker(restoreFocus: boolean): void {
    const popup = this.pickerElement;
    this.pickerOpen = false;
    if (restoreFocus) this.menuReturn?.focus();
    if (popup?.matches(':popover-open')) popup.hidePopover();
  }

  private readonly onPickerSelect = (event: CustomEvent<{ emoji: string }> | Event): void => {
    event.stopPropagation();
    const emoji = (event as Event & { detail: { emoji: string } }).detail.emoji;
    this.closePicker(true);
    const message = this.message;
    if (message) this.dispatchEvent(new ImMessageActionEvent({ action: 'react', message, emoji }));
  };

  private readonly onPickerToggle = (event: ToggleEvent): void => {
    if (event.newState === 'closed' && this.pickerOpen) this.pickerOpen = false;
  };

  private toggleReaction(emoji: string, mine: boolean): void {
    const message = this.message;
    if (message) this.dispatchEvent(new ImMessageReactEvent({ message, emoji, on: !mine }));
  }

  private async openImage(file: FileInfo, trigger: HTMLElement): Promise<void> {
    await import('../lightbox/lightbox.js');
    const large = file.thumbnails?.large.url ?? file.url;
    this.lightboxReturn = trigger;
    this.lightbox = { src: this.url(large), href: this.url(file.url), alt: this.t('image.alt', { name: this.displayName }) };
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
        ${this.active ? this.renderActions(['delete'], false) : nothing} ${this.renderMenu()}
      </div>`;
    }
    const own = this.own;
    const actions = this.actions();
    const media = (type === 'image' || type === 'video') && !m.replyTo;
    return html`<div
      class="row ${own ? 'own' : 'other'} ${this.highlighted ? 'flash' : ''}"
      dir=${dir}
      data-grouped=${this.grouped}
      data-status=${m.status}
    >
      ${!own && this.showAvatar ? this.renderAvatar(m) : nothing}
      <div class="body">
        ${!own && this.showSender ? html`<div class="sender" part="sender" style="--hue:${hueOf(m.senderId)}">${this.displayName}</div>` : nothing}
        <div class="line">
          <div class="bubble ${media ? 'media' : ''} type-${type}" part="bubble">
            ${own || !this.showSender ? html`<span class="visually-hidden">${this.t('message.from', { name: own ? this.t('common.you') : this.displayName })}</span>` : nothing}
            ${m.replyTo ? this.renderQuote(m) : nothing}
            <div class="content ${m.upload ? 'uploading' : ''}" part="content">${this.renderContent(m, type)}</div>
          </div>
          ${this.active && (actions.length > 0 || this.canReact) ? this.renderActions(actions, this.canReact) : nothing}
        </div>
        ${this.renderReactions(m)} ${own && m.status === 'failed' ? this.renderFailed(m) : nothing}
      </div>
      ${this.renderMenu()} ${this.renderPicker()}
      ${this.lightbox
        ? html`<im-lightbox .src=${this.lightbox.src} .alt=${this.lightbox.alt} .href=${this.lightbox.href} @im-lightbox-close=${this.onLightboxClose}></im-lightbox>`
        : nothing}
    </div>`;
  }

  private renderAvatar(m: CachedMessage) {
    const first = this.grouped === 'single' || this.grouped === 'first';
    return first
      ? html`<span class="avatar" part="avatar" aria-hidden="true" style="--hue:${hueOf(m.senderId)}">${initialsOf(this.displayName)}</span>`
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
        return this.renderAudio(m, fileOf(body?.file), numberOf(body?.duration) ?? 0);
      case 'video':
        return this.renderVideo(m, fileOf(body?.file), numberOf(body?.duration) ?? 0, fileOf(body?.poster ?? undefined));
      case 'location':
        return this.renderLocation(m, numberOf(body?.lat), numberOf(body?.lng), stringOf(body?.description));
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

  private renderProgress() {
    const p = this.progress;
    return html`<div class="upload">
      <div
        class="bar"
        part="progress"
        role="progressbar"
        aria-label=${p === undefined ? this.t('status.sending') : this.t('upload.progress', { percent: Math.round(p) })}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${p === undefined ? nothing : Math.round(p)}
        data-indeterminate=${p === undefined ? '' : nothing}
      ><span style="inline-size:${p ?? 30}%"></span></div>
      <button class="cancel" type="button" aria-label=${this.t('upload.cancel')} title=${this.t('upload.cancel')} tabindex=${this.innerTab} @click=${this.cancelUpload}>
        ${closeIcon()}
      </button>
    </div>`;
  }

  private renderImage(m: CachedMessage, file: FileInfo | undefined) {
    const pending = !!m.upload;
    const small = file?.thumbnails?.small;
    const box = fitBox(small?.width ?? file?.width, small?.height ?? file?.height, 240, 320, { width: 240, height: 180 });
    const style = `inline-size:${box.width}px;aspect-ratio:${box.width}/${box.height}`;
    const alt = this.t('image.alt', { name: this.displayName });
    if (pending || !file) {
      const src = this.previewUrl ?? '';
      return html`<div class="image pending" style=${style}>
          ${src ? html`<img src=${src} alt=${alt} width=${box.width} height=${box.height} decoding="async" />` : nothing}
        </div>
        ${pending ? this.renderProgress() : nothing}${this.renderMeta(m, false, true)}`;
    }
    const src = this.url(small?.url ?? file.url);
    return html`<button
        class="image"
        part="image"
        type="button"
        style=${style}
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
    const url = file && !m.upload ? this.url(file.url) : '';
    const inner = html`<span class="file-icon">${fileIcon()}</span>
      <span class="file-text"><span class="file-name" dir="auto">${name}</span><span class="file-size">${this.locale.formatBytes(file?.size ?? m.upload?.blob.size ?? 0)}</span></span>
      ${url ? html`<span class="file-download">${downloadIcon()}</span>` : nothing}`;
    return html`${url
        ? html`<a class="card file" part="file" href=${url} download=${name} title=${this.t('file.download', { name })} tabindex=${this.innerTab}>${inner}</a>`
        : html`<div class="card file" part="file">${inner}</div>`}
      ${m.upload ? this.renderProgress() : nothing}${this.renderMeta(m, false)}`;
  }

  private renderAudio(m: CachedMessage, file: FileInfo | undefined, duration: number) {
    if (m.upload || !file) return this.renderFile(m, file);
    const label = this.t('audio.label', { duration: this.locale.formatDuration(duration) });
    return html`<div class="audio">
        <audio part="audio" controls preload="none" src=${this.url(file.url)} aria-label=${label} tabindex=${this.innerTab}></audio>
        <span class="duration" aria-hidden="true">${this.locale.formatDuration(duration)}</span>
      </div>
      ${this.renderMeta(m, false)}`;
  }

  private renderVideo(m: CachedMessage, file: FileInfo | undefined, duration: number, poster: FileInfo | undefined) {
    if (m.upload || !file) return this.renderFile(m, file);
    const posterUrl = poster ? this.url(poster.thumbnails?.small.url ?? poster.url) : '';
    const box = fitBox(poster?.width ?? file.width, poster?.height ?? file.height, 280, 320, { width: 280, height: 158 });
    const label = this.t('video.label', { duration: this.locale.formatDuration(duration) });
    return html`<div class="video" style="inline-size:${box.width}px;aspect-ratio:${box.width}/${box.height}">
        <video
          part="video"
          controls
          preload="none"
          playsinline
          src=${this.url(file.url)}
          poster=${posterUrl || nothing}
          width=${box.width}
          height=${box.height}
          aria-label=${label}
          tabindex=${this.innerTab}
        ></video>
        <span class="duration chip" aria-hidden="true">${this.locale.formatDuration(duration)}</span>
      </div>
      ${this.renderMeta(m, false, true)}`;
  }

  private renderLocation(m: CachedMessage, lat: number | undefined, lng: number | undefined, description: string) {
    const link = mapLink(lat, lng);
    const coords = cached(`message-coords|${this.locale.tag}`, () => new Intl.NumberFormat(this.locale.tag, { maximumFractionDigits: 5, minimumFractionDigits: 1 }));
    return html`<div class="card location" part="location">
        <span class="pin">${pinIcon()}</span>
        <span class="location-text">
          ${description ? html`<span class="location-name" dir="auto">${description}</span>` : nothing}
          ${lat !== undefined && lng !== undefined ? html`<span class="coords" dir="ltr">${coords.format(lat)}, ${coords.format(lng)}</span>` : nothing}
          ${link
            ? html`<a class="map-link" href=${link} target="_blank" rel="noopener noreferrer" tabindex=${this.innerTab}>${this.t('location.open')}${externalIcon()}</a>`
            : nothing}
        </span>
      </div>
      ${this.renderMeta(m, false)}`;
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
      preview = previewText(typeOf(live), live.content, this.locale);
    } else if (quote.senderId) {
      name = this.nameOf(quote.senderId);
      preview = quoteSnapshotText(quote, this.locale);
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
          : this.t('reaction.label', { emoji, names: this.locale.formatList(users.map((id) => this.nameOf(id))) });
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

  private renderFailed(m: CachedMessage) {
    return html`<div class="failed" part="error">
      <span>${m.error?.message ? this.t('status.failedReason', { reason: m.error.message }) : this.t('status.failed')}</span>
      <button
        class="retry"
        type="button"
        tabindex=${this.innerTab}
        @click=${() => this.dispatchEvent(new ImMessageRetryEvent({ message: m }))}
      >${this.t('common.retry')}</button>
    </div>`;
  }

  private renderActions(actions: readonly MessageAction[], canReact: boolean) {
    const tab = this.innerTab;
    const open = (event: Event, focusEmoji = false) => {
      const button = event.currentTarget as HTMLElement;
      if (this.menuOpen) this.closeMenu(false);
      else void this.openMenu(button, button, focusEmoji);
    };
    return html`<div class="actions" part="actions" ?data-open=${this.menuOpen || this.pickerOpen || this.copied}>
      ${canReact
        ? html`<button type="button" aria-label=${this.t('reaction.add')} title=${this.t('reaction.add')} tabindex=${tab} @click=${(e: Event) => open(e, true)}>
            ${smileIcon()}
          </button>`
        : nothing}
      ${actions.includes('reply')
        ? html`<button type="button" aria-label=${this.t('action.reply')} title=${this.t('action.reply')} tabindex=${tab} @click=${() => this.pick('reply')}>
            ${replyIcon()}
          </button>`
        : nothing}
      <button
        class="more"
        type="button"
        aria-label=${this.t('action.more')}
        title=${this.t('action.more')}
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        tabindex=${tab}
        @click=${(e: Event) => open(e)}
      >
        ${moreIcon()}
      </button>
      <span class="copied" role="status">${this.copied ? this.t('action.copied') : ''}</span>
    </div>`;
  }

  private renderMenu() {
    if (!this.menuOpen) return nothing;
    const actions = this.actions();
    const item = (action: MessageAction, label: string, icon: TemplateResult, danger = false) =>
      actions.includes(action)
        ? html`<button role="menuitem" tabindex="-1" class=${danger ? 'danger' : ''} data-action=${action} @click=${() => this.pick(action)}>
            ${icon}<span>${label}</span>
          </button>`
        : nothing;
    return html`<div class="menu" part="menu" role="menu" popover="auto" aria-label=${this.t('action.menu')} @keydown=${this.onMenuKeydown} @toggle=${this.onMenuToggle}>
      ${this.canReact
        ? html`<div class="quick" role="group" aria-label=${this.t('reaction.add')}>
            ${QUICK_REACTIONS.map(
              (emoji) => html`<button role="menuitem" tabindex="-1" data-emoji=${emoji} @click=${() => this.pick('react', emoji)}>${emoji}</button>`,
            )}
            <button role="menuitem" tabindex="-1" class="more-emoji" aria-label=${this.t('reaction.more')} title=${this.t('reaction.more')} @click=${() => this.openPicker()}>
              ${plusIcon()}
            </button>
          </div>`
        : nothing}
      ${item('reply', this.t('action.reply'), replyIcon())} ${item('copy', this.t('action.copy'), copyIcon())}
      ${item('edit', this.t('action.edit'), editIcon())} ${item('recall', this.t('action.recall'), recallIcon(), true)}
      ${item('delete', this.t('action.deleteForMe'), trashIcon(), true)} ${item('details', this.t('action.details'), infoIcon())}
    </div>`;
  }

  private renderPicker() {
    if (!this.pickerOpen) return nothing;
    const t = (key: StringKey) => this.t(key);
    return html`<div
      class="picker"
      popover="auto"
      role="dialog"
      aria-label=${t('reaction.add')}
      @toggle=${this.onPickerToggle}
      @keydown=${(event: Event) => event.stopPropagation()}
      @im-emoji-select=${this.onPickerSelect}
      @im-emoji-picker-close=${(event: Event) => {
        event.stopPropagation();
        this.closePicker(true);
      }}
    >
      <im-emoji-picker
        theme=${this.pickerTheme ?? nothing}
        .labels=${{
          searchLabel: t('emoji.search'),
          searchPlaceholder: t('emoji.search'),
          noResults: t('emoji.noResults'),
          recent: t('emoji.recent'),
          categories: t('emoji.categories'),
          groups: {
            smileys: t('emoji.smileys'),
            people: t('emoji.people'),
            animals: t('emoji.animals'),
            food: t('emoji.food'),
            travel: t('emoji.travel'),
            activities: t('emoji.activities'),
            objects: t('emoji.objects'),
            symbols: t('emoji.symbols'),
            flags: t('emoji.flags'),
          },
        }}
      ></im-emoji-picker>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-message': ImMessage;
  }
}
