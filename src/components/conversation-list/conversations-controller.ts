import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { compareConversations, type CachedConversation } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';

/** Presence is asked for at most this many peers per request (the server's limit). */
const PRESENCE_BATCH = 500;

/**
 * The signed-in user's listed conversations, live from the client's cache: one
 * `conversations.observe` subscription, one typing listener and one presence listener for the
 * whole list, whatever its length. Subscribed while the host is connected.
 */
export class ConversationsController implements ReactiveController {
  /** Listed conversations in list order (pinned first, then newest activity). */
  conversations: CachedConversation[] = [];
  /** True once the first read of the current client's list arrived. */
  loaded = false;
  private client: IMClient | undefined;
  private off: (() => void) | undefined;
  /** Direct peers whose presence was asked for on this connection. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Runs after every new list (before the host re-renders). */
    private readonly onList: (conversations: CachedConversation[]) => void,
  ) {
    host.addController(this);
  }

  /** Points the controller at a client (or none). Room sessions have no list. */
  watch(client: IMClient | undefined): void {
    if (client === this.client) return;
    this.stop();
    this.client = client;
    this.conversations = [];
    this.loaded = false;
    this.asked.clear();
    this.start();
    this.host.requestUpdate();
  }

  /** Who is typing in a conversation, the signed-in user left out. */
  typers(conversationId: string): string[] {
    const client = this.client;
    return client ? client.typing.who(conversationId).filter((id) => id !== client.userId) : [];
  }

  isOnline(userId: string | null): boolean {
    return userId !== null && this.client?.presence.isOnline(userId) === true;
  }

  private start(): void {
    const client = this.client;
    if (!client || client.mode !== 'user' || !this.host.isConnected || this.off) return;
    const offList = client.conversations.observe((list) => {
      // The cache answers in list order already; sorting again keeps that true for any cache.
      this.conversations = [...list].sort(compareConversations);
      this.loaded = true;
      this.onList(this.conversations);
      this.askPresence();
      this.host.requestUpdate();
    });
    const offTyping = client.on('typing', () => this.host.requestUpdate());
    const offPresence = client.on('presence', () => this.host.requestUpdate());
    const offConnected = client.on('connected', () => {
      // Presence pushes stop while offline: ask again on every (re)connection.
      this.asked.clear();
      this.askPresence();
    });
    this.off = () => {
      offList();
      offTyping();
      offPresence();
      offConnected();
    };
  }

  private stop(): void {
    this.off?.();
    this.off = undefined;
  }

  /** Asks once per connection who of the direct peers is online; pushes keep it current after that. */
  private askPresence(): void {
    const client = this.client;
    if (!client || client.state !== 'connected') return;
    const peers: string[] = [];
    for (const conversation of this.conversations) {
      const peer = conversation.type === 'direct' ? conversation.peerId : null;
      if (peer && !this.asked.has(peer)) {
        this.asked.add(peer);
        peers.push(peer);
        if (peers.length === PRESENCE_BATCH) break;
      }
    }
    if (peers.length === 0) return;
    client.presence.query(peers).then(
      () => this.host.requestUpdate(),
      () => {
        // Offline or refused: the next connection asks again.
        for (const peer of peers) this.asked.delete(peer);
      },
    );
  }

  hostConnected(): void {
    this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }
}
