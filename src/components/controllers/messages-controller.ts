import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';

/**
 * A live view of a conversation's newest messages from the client's cache: it renders what
 * the cache says, so cached history shows before the socket connects.
 */
export class MessagesController implements ReactiveController {
  messages: CachedMessage[] = [];
  /** True until the first result for the current view arrived. */
  loading = true;
  private unsubscribe: (() => void) | undefined;
  private client: IMClient | undefined;
  private conversationId: string | undefined;
  private classId: string | null = null;
  private limit: number;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly initialLimit: number,
    /** Called when the view is pointed at another conversation or class. */
    private readonly onTargetChange: () => void = () => {},
  ) {
    this.limit = initialLimit;
    host.addController(this);
  }

  get viewLimit(): number {
    return this.limit;
  }

  /** Points the view at a client, conversation and class (or at nothing). */
  watch(client: IMClient | undefined, conversationId: string | undefined, classId: string | null): void {
    if (client === this.client && conversationId === this.conversationId && classId === this.classId) return;
    this.client = client;
    this.conversationId = conversationId;
    this.classId = classId;
    this.messages = [];
    this.loading = true;
    this.limit = this.initialLimit;
    this.onTargetChange();
    this.resubscribe();
  }

  /**
   * Widens the view by `more` messages (after older ones were loaded into the cache); resolves
   * once the wider view has arrived, so a caller does not ask again for what is on its way.
   */
  grow(more: number): Promise<void> {
    this.limit += more;
    const arrived = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.resubscribe();
    return arrived;
  }

  private waiting: (() => void)[] = [];

  private resubscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const { client, conversationId } = this;
    if (!client || !conversationId || !(this.host as unknown as HTMLElement).isConnected) {
      for (const resolve of this.waiting.splice(0)) resolve();
      this.host.requestUpdate();
      return;
    }
    this.unsubscribe = client.messages.observe(conversationId, this.limit, (messages) => {
      this.messages = messages;
      this.loading = false;
      this.host.requestUpdate();
      for (const resolve of this.waiting.splice(0)) resolve();
    });
  }

  hostConnected(): void {
    if (!this.unsubscribe) this.resubscribe();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
