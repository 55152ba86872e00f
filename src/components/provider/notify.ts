import type { ReactiveControllerHost } from 'lit';
import { previewOf } from '../../protocol/preview.js';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import { LocaleController } from '../i18n/locale-controller.js';
import '../i18n/locales/en-more.js';

/** What the notifier needs of <im-provider>. */
interface NotifierHost extends ReactiveControllerHost, HTMLElement {
  notifications: boolean;
  titleBadge: boolean;
  readonly selection: { select(conversationId: string | undefined): void };
}

/**
 * While the tab is hidden: "(N) Title" in the page title and a browser notification per new
 * message from someone else (unless its conversation is muted). Loaded only when
 * <im-provider> has `title-badge` or `notifications`.
 */
export class Notifier {
  private readonly locale: LocaleController;
  private hiddenCount = 0;
  private plainTitle: string | undefined;
  private readonly off: () => void;
  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.clearBadge();
  };

  constructor(
    private readonly host: NotifierHost,
    readonly client: IMClient,
  ) {
    this.locale = new LocaleController(host);
    this.off = client.on('message', (message, { history }) => void this.onMessage(message, history));
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  stop(): void {
    this.off();
    this.locale.hostDisconnected();
    this.host.removeController(this.locale);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.clearBadge();
  }

  private clearBadge(): void {
    if (this.plainTitle !== undefined) document.title = this.plainTitle;
    this.plainTitle = undefined;
    this.hiddenCount = 0;
  }

  private async onMessage(message: CachedMessage, history: boolean): Promise<void> {
    const { client, host } = this;
    if (history || message.senderId === client.userId || message.type === 'tip' || document.visibilityState !== 'hidden') return;
    if (client.mode === 'user' && (await client.conversations.get(message.conversationId))?.muted) return;
    if (host.titleBadge) {
      this.plainTitle ??= document.title;
      this.hiddenCount += 1;
      document.title = this.locale.t('notify.titleBadge', { count: this.hiddenCount, title: this.plainTitle });
    }
    if (host.notifications && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      // Room messages carry any JSON: a string is their text.
      const text = typeof message.content === 'string';
      const notification = new Notification(this.locale.t('notify.newMessage', { name: message.senderId }), {
        body: previewOf(text ? 'text' : (message.type ?? 'custom'), text ? { text: message.content } : message.content),
        tag: message.conversationId,
      });
      notification.onclick = () => {
        window.focus();
        host.selection.select(message.conversationId);
        notification.close();
      };
    }
  }
}
