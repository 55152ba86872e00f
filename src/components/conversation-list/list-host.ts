import type { CSSResult } from 'lit';
import type { CachedConversation } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import type { LocaleController } from '../i18n/index.js';
import type { Notice } from './notice.js';

/**
 * What the on-demand parts of <im-conversation-list> (the row menu, the dialogs) use of the
 * list. They keep their own state, render into the list's shadow root (so ids, labels and
 * parts stay in one tree) and ask the list to re-render through `update()`.
 */
export interface ListHost {
  readonly i18n: LocaleController;
  client(): IMClient | undefined;
  /** The list's shadow root, where the parts' elements are. */
  root(): ShadowRoot;
  /** Re-renders the list (and the parts); resolves once rendered. */
  update(): Promise<unknown>;
  /** The listed conversations in list order, the search applied. */
  rows(): CachedConversation[];
  /** A listed conversation, search or not. */
  find(conversationId: string): CachedConversation | undefined;
  /** The row of a conversation, if it is rendered. */
  row(conversationId: string): HTMLElement | null;
  /** Gives a row the tab stop and the focus as soon as it is listed; the search field without one. */
  focus(conversationId: string | undefined): void;
  /** Shows an inline error under the search field, or clears it. */
  report(notice: Notice | undefined): void;
  /** Selects a conversation the user just started, clearing the search so it is listed. */
  select(conversationId: string): void;
  /** Drops the selection if it is this conversation (it was deleted). */
  deselect(conversationId: string): void;
  /** Asks whether to delete a conversation (the dialogs load if needed). */
  askDelete(conversationId: string): void;
  /** The name a conversation is shown by (display names applied). */
  displayName(conversation: CachedConversation): string;
  /** Starts loading the dialogs: the pointer or the focus is on something that opens one. */
  prepareDialogs(): void;
}

/** An on-demand module: a default export constructed with the list, and the styles it needs. */
export interface PartModule<T> {
  default: { new (host: ListHost): T; readonly styles: CSSResult };
}
