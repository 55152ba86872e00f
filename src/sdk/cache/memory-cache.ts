import type { StoredMessage } from '../../protocol/models.js';
import {
  compareConversations,
  compareForDisplay,
  keepLocal,
  matchesSearch,
  type CachedConversation,
  type SearchQuery,
  fromStored,
  type CachedMessage,
  type MessageCache,
  type MessageKey,
  type ViewQuery,
} from './types.js';

const keyOf = (m: MessageKey): string => `${m.conversationId}\u0000${m.senderId}\u0000${m.clientMsgId}`;

/** A cache that lives as long as the page: for the CC facade and for environments without IndexedDB. */
export class MemoryCache implements MessageCache {
  private readonly messages = new Map<string, CachedMessage>();
  private readonly watermarks = new Map<string, number>();
  private readonly conversationMap = new Map<string, CachedConversation>();
  private readonly meta = new Map<string, number>();
  private readonly conversationObservers = new Set<(conversations: CachedConversation[]) => void>();
  private readonly observers = new Set<{ query: ViewQuery; listener: (messages: CachedMessage[]) => void }>();

  async putStored(batch: readonly StoredMessage[]): Promise<CachedMessage[]> {
    const added: CachedMessage[] = [];
    for (const stored of batch) {
      const incoming = fromStored(stored);
      const key = keyOf(incoming);
      const existing = this.messages.get(key);
      if (existing?.seq !== undefined) continue;
      this.messages.set(key, incoming);
      added.push(incoming);
    }
    if (added.length > 0) this.notify();
    return added;
  }

  async replaceStored(message: StoredMessage): Promise<CachedMessage | undefined> {
    const incoming = fromStored(message);
    const existing = this.messages.get(keyOf(incoming));
    if (existing?.seq === undefined || (existing.version ?? 0) > (incoming.version ?? 0)) return undefined;
    this.messages.set(keyOf(incoming), incoming);
    this.notify();
    return incoming;
  }

  async removeStored(conversationId: string, classKey: string, seq: number): Promise<void> {
    for (const [key, message] of this.messages) {
      if (message.conversationId === conversationId && message.classKey === classKey && message.seq === seq) this.messages.delete(key);
    }
    this.notify();
  }

  async addPending(message: CachedMessage): Promise<void> {
    this.messages.set(keyOf(message), message);
    this.notify();
  }

  async removePending(key: MessageKey): Promise<boolean> {
    const existing = this.messages.get(keyOf(key));
    if (!existing || existing.seq !== undefined) return false;
    this.messages.delete(keyOf(key));
    this.notify();
    return true;
  }

  async update(key: MessageKey, change: (message: CachedMessage) => CachedMessage): Promise<CachedMessage | undefined> {
    const existing = this.messages.get(keyOf(key));
    if (!existing) return undefined;
    const next = change(existing);
    this.messages.set(keyOf(key), next);
    this.notify();
    return next;
  }

  async get(key: MessageKey): Promise<CachedMessage | undefined> {
    return this.messages.get(keyOf(key));
  }

  async outbox(conversationId: string): Promise<CachedMessage[]> {
    return [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId && m.status === 'sending')
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  private stored(conversationId: string, classKey: string): CachedMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId && m.classKey === classKey && m.seq !== undefined)
      .sort(compareForDisplay);
  }

  async lastSeq(conversationId: string, classKey: string): Promise<number> {
    return this.stored(conversationId, classKey).at(-1)?.seq ?? 0;
  }

  async firstSeq(conversationId: string, classKey: string): Promise<number> {
    return this.stored(conversationId, classKey)[0]?.seq ?? 0;
  }

  async before(conversationId: string, classKey: string, before: number, limit: number): Promise<CachedMessage[]> {
    return this.stored(conversationId, classKey)
      .filter((m) => m.seq! < before)
      .slice(-limit);
  }

  async view({ conversationId, classKey, limit }: ViewQuery): Promise<CachedMessage[]> {
    const unsent = [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId && m.seq === undefined)
      .sort(compareForDisplay);
    return [...this.stored(conversationId, classKey).slice(-limit), ...unsent];
  }

  async watermark(conversationId: string, classKey: string): Promise<number> {
    return this.watermarks.get(`${conversationId}\u0000${classKey}`) ?? 0;
  }

  async advanceWatermark(conversationId: string, classKey: string, seq: number): Promise<void> {
    const key = `${conversationId}\u0000${classKey}`;
    this.watermarks.set(key, Math.max(this.watermarks.get(key) ?? 0, seq));
  }

  async putConversations(list: readonly CachedConversation[]): Promise<void> {
    for (const conversation of list) {
      this.conversationMap.set(conversation.id, keepLocal(conversation, this.conversationMap.get(conversation.id)));
    }
    this.notifyConversations();
  }

  async getConversation(id: string): Promise<CachedConversation | undefined> {
    return this.conversationMap.get(id);
  }

  async updateConversation(id: string, change: (conversation: CachedConversation) => CachedConversation): Promise<CachedConversation | undefined> {
    const current = this.conversationMap.get(id);
    if (!current) return undefined;
    const next = change(current);
    this.conversationMap.set(id, next);
    this.notifyConversations();
    return next;
  }

  async conversations(): Promise<CachedConversation[]> {
    return [...this.conversationMap.values()].sort(compareConversations);
  }

  observeConversations(listener: (conversations: CachedConversation[]) => void): () => void {
    this.conversationObservers.add(listener);
    void this.conversations().then(listener);
    return () => void this.conversationObservers.delete(listener);
  }

  private notifyConversations(): void {
    for (const listener of this.conversationObservers) void this.conversations().then(listener);
  }

  async pendingConversations(): Promise<string[]> {
    return [...new Set([...this.messages.values()].filter((m) => m.status === 'sending').map((m) => m.conversationId))];
  }

  async search(query: SearchQuery): Promise<CachedMessage[]> {
    return [...this.messages.values()]
      .filter((message) => matchesSearch(message, query))
      .sort((a, b) => (b.time ?? b.createdAt) - (a.time ?? a.createdAt))
      .slice(0, query.limit ?? 50);
  }

  async getMeta(key: string): Promise<number> {
    return this.meta.get(key) ?? 0;
  }

  async setMeta(key: string, value: number): Promise<void> {
    this.meta.set(key, value);
  }

  observe(query: ViewQuery, listener: (messages: CachedMessage[]) => void): () => void {
    const entry = { query, listener };
    this.observers.add(entry);
    void this.view(query).then(listener);
    return () => void this.observers.delete(entry);
  }

  private notify(): void {
    for (const { query, listener } of this.observers) void this.view(query).then(listener);
  }

  close(): void {
    this.observers.clear();
    this.conversationObservers.clear();
  }
}
