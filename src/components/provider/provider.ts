import { provide } from '@lit/context';
import { html, LitElement, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { IMClient } from '../../sdk/client.js';
import { clientContext, selectionContext, SelectionStore, type ConversationSelection } from '../context.js';
import { ImClientReadyEvent, ImConnectionChangeEvent } from '../events.js';

/**
 * Creates an IMClient for a room token (or a user ticket) and provides it to every IM element
 * inside it, together with the selected conversation (a list sets it, a chat follows it).
 *
 * With `title-badge`, the page title shows "(N) Title" while the tab is hidden and messages
 * arrive; with `notifications` (and the permission, asked for by `requestNotifications()` from a
 * click), the browser shows a notification for each of them. Muted conversations stay quiet.
 *
 * @summary Connects the IM elements inside it to an IM Elements server.
 * @slot - The IM elements (and anything else) that should use this connection.
 * @fires im-client-ready - A client was created or given; `detail.client`.
 * @fires im-connection-change - The connection state changed; `detail.state`, `detail.reason`.
 */
@customElement('im-provider')
export class ImProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** Server base URL; defaults to the origin the bundle was loaded from. */
  @property() server: string | undefined;
  /** Room token from the server's room binding. */
  @property() token = '';
  /** User ticket: a session as that user, in all their conversations (instead of a room token). */
  @property() ticket = '';
  /** Resolves with a fresh ticket before the current one expires. */
  @property({ attribute: false }) refreshTicket: (() => Promise<string>) | undefined;
  /** The user's id: [A-Za-z0-9_-]{1,32}. */
  @property({ attribute: 'user-id' }) userId = '';
  /** Class (course session) for stored messages and history. */
  @property({ attribute: 'class-id' }) classId: string | undefined;
  /** Use an existing client instead of creating one (the provider then never closes it). */
  @property({ attribute: false }) client: IMClient | undefined;
  /** Browser notifications for new messages while the tab is hidden (opt-in; see `requestNotifications()`). */
  @property({ type: Boolean }) notifications = false;
  /** "(N) Title" in the page title while the tab is hidden and messages arrive. */
  @property({ type: Boolean, attribute: 'title-badge' }) titleBadge = false;

  /** The title badge and notifications (their own chunk, loaded when one of them is on). */
  private notifier: import('./notify.js').Notifier | undefined;

  /**
   * Asks the browser for permission to show notifications (call it from a click). Resolves with
   * the permission; 'denied' where notifications are unavailable.
   */
  async requestNotifications(): Promise<NotificationPermission> {
    if (typeof Notification === 'undefined') return 'denied';
    return Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission;
  }

  private async startNotifier(): Promise<void> {
    const client = this.provided;
    if (!client || !this.isConnected || (!this.notifications && !this.titleBadge)) {
      this.notifier?.stop();
      this.notifier = undefined;
      return;
    }
    if (this.notifier?.client === client) return;
    this.notifier?.stop();
    const { Notifier } = await import('./notify.js');
    if (this.provided !== client || this.notifier?.client === client) return;
    this.notifier = new Notifier(this, client);
  }

  @provide({ context: clientContext })
  @state()
  protected provided: IMClient | undefined;

  /**
   * The conversation selected inside this provider: an <im-conversation-list> sets it, an
   * <im-chat> without a `conversation-id` shows it. Read it, select, or subscribe to it here.
   */
  @provide({ context: selectionContext })
  readonly selection: ConversationSelection = new SelectionStore();

  private owned: IMClient | undefined;
  private offState: (() => void) | undefined;

  protected override updated(): void {
    void this.startNotifier();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const identityChanged =
      changed.has('server') || changed.has('token') || changed.has('ticket') || changed.has('userId') || changed.has('client');
    // A hook set after the client was made is handed to it (the client reads it when it refreshes).
    if (!identityChanged && changed.has('refreshTicket') && this.owned) this.owned.refreshTicket = this.refreshTicket;
    if (identityChanged) {
      this.replaceClient();
    } else if (changed.has('classId') && this.owned) {
      void this.owned.setClassId(this.classId ?? null).catch(() => {
        // Offline: the new class applies from the next connection.
      });
    }
  }

  private replaceClient(): void {
    this.releaseOwned();
    // A selection belongs to the session that made it: another user has other conversations.
    this.selection.select(undefined);
    let next = this.client;
    if (!next && (this.ticket || (this.token && this.userId))) {
      try {
        next = new IMClient({
          ...(this.ticket
            ? { ticket: this.ticket, ...(this.refreshTicket ? { refreshTicket: this.refreshTicket } : {}) }
            : { token: this.token, userId: this.userId, classId: this.classId ?? null }),
          ...(this.server ? { server: this.server } : {}),
        });
        this.owned = next;
      } catch (error) {
        console.error('im-provider: cannot create a client', error);
        next = undefined;
      }
    }
    this.provided = next;
    if (!next) return;
    this.offState = next.on('state', ({ state, reason }) =>
      this.dispatchEvent(new ImConnectionChangeEvent(reason ? { state, reason } : { state })),
    );

    if (this.owned && this.isConnected) this.owned.connect();
    this.dispatchEvent(new ImClientReadyEvent(next));
  }

  private releaseOwned(): void {
    this.offState?.();
    this.offState = undefined;

    this.owned?.close();
    this.owned = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();

    // Re-attached after a move: reconnect the client this provider owns, or connect the one
    // created while it was detached.
    if (!this.owned && !this.client && this.hasUpdated) this.replaceClient();
    else if (this.owned && this.owned.state === 'disconnected') this.owned.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.notifier?.stop();
    this.notifier = undefined;
    if (this.owned) {
      this.releaseOwned();
      this.provided = this.client;
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'im-provider': ImProvider;
  }
}
