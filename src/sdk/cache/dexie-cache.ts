import Dexie, { liveQuery, type Table } from 'dexie';
import type { StoredMessage } from '../../protocol/models.js';
import {
  compareConversations,
  fromStored,
  keepLocal,
  matchesSearch,
  type CachedConversation,
  type SearchQuery,
  type CachedMessage,
  type MessageCache,
  type MessageKey,
  type ViewQuery,
} from './types.js';

type Key = [string, string, string];
const keyOf = (m: MessageKey): Key => [m.conversationId, m.senderId, m.clientMsgId];

interface SyncMark {
  conversationId: string;
  classKey: string;
  seq: number;
}

interface MetaEntry {
  key: string;
  value: number;
}

class ImDatabase extends Dexie {
  messages!: Table<CachedMessage, Key>;
  sync!: Table<SyncMark, [string, string]>;
  conversations!: Table<CachedConversation, string>;
  meta!: Table<MetaEntry, string>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      // Primary key: the message identity. Unsent messages have no seq, so they are absent
      // from the seq index and found through the status index instead.
      messages: '[conversationId+senderId+clientMsgId], [conversationId+classKey+seq], [conversationId+status+createdAt]',
    });
    this.version(2).stores({ sync: '[conversationId+classKey]' });
    this.version(3).stores({
      messages: '[conversationId+senderId+clientMsgId], [conversationId+classKey+seq], [conversationId+status+createdAt], status',
      conversations: 'id',
      meta: 'key',
    });
  }
}

/** A closed database (the client was closed) ends its live queries quietly; anything else is reported. */
function reportQueryError(error: unknown): void {
  if ((error as { name?: string } | null)?.name === 'DatabaseClosedError') return;
  console.error('im-elements: cache query failed', error);
}

/** The IndexedDB name for a server and user: caches of different users never mix. */
export function cacheName(server: string, userId: string): string {
  return `im-elements:${server}:${userId}`;
}

/** The persistent cache: survives reloads, so history shows at once and the outbox keeps unsent messages. */
export class DexieCache implements MessageCache {
  private readonly db: ImDatabase;

  constructor(name: string) {
    this.db = new ImDatabase(name);
  }

  async putStored(batch: readonly StoredMessage[]): Promise<CachedMessage[]> {
    if (batch.length === 0) return [];
    return this.db.transaction('rw', this.db.messages, async () => {
      const incoming = batch.map(fromStored);
      const existing = await this.db.messages.bulkGet(incoming.map(keyOf));
      const added = incoming.filter((_, index) => existing[index]?.seq === undefined);
      if (added.length > 0) await this.db.messages.bulkPut(added);
      return added;
    });
  }

  async replaceStored(message: StoredMessage): Promise<CachedMessage | undefined> {
    const incoming = fromStored(message);
    return this.db.transaction('rw', this.db.messages, async () => {
      const existing = await this.db.messages.get(keyOf(incoming));
      if (existing?.seq === undefined || (existing.version ?? 0) > (incoming.version ?? 0)) return undefined;
      await this.db.messages.put(incoming);
      return incoming;
    });
  }

  async removeStored(conversationId: string, classKey: string, seq: number): Promise<void> {
    await this.db.messages.where('[conversationId+classKey+seq]').equals([conversationId, classKey, seq]).delete();
  }

  async addPending(message: CachedMessage): Promise<void> {
    await this.db.messages.put(message);
  }

  async removePending(key: MessageKey): Promise<boolean> {
    return this.db.transaction('rw', this.db.messages, async () => {
      const existing = await this.db.messages.get(keyOf(key));
      if (!existing || existing.seq !== undefined) return false;
      await this.db.messages.delete(keyOf(key));
      return true;
    });
  }

  async update(key: MessageKey, change: (message: CachedMessage) => CachedMessage): Promise<CachedMessage | undefined> {
    return this.db.transaction('rw', this.db.messages, async () => {
      const existing = await this.db.messages.get(keyOf(key));
      if (!existing) return undefined;
      const next = change(existing);
      await this.db.messages.put(next);
      return next;
    });
  }

  get(key: MessageKey): Promise<CachedMessage | undefined> {
    return this.db.messages.get(keyOf(key));
  }

  private byStatus(conversationId: string, status: CachedMessage['status']): Promise<CachedMessage[]> {
    return this.db.messages
      .where('[conversationId+status+createdAt]')
      .between([conversationId, status, Dexie.minKey], [conversationId, status, Dexie.maxKey])
      .toArray();
  }

  outbox(conversationId: string): Promise<CachedMessage[]> {
    return this.byStatus(conversationId, 'sending');
  }

  private seqRange(conversationId: string, classKey: string, upper: unknown = Dexie.maxKey) {
    return this.db.messages
      .where('[conversationId+classKey+seq]')
      .between([conversationId, classKey, Dexie.minKey], [conversationId, classKey, upper], true, false);
  }

  async lastSeq(conversationId: string, classKey: string): Promise<number> {
    return (await this.seqRange(conversationId, classKey).last())?.seq ?? 0;
  }

  async firstSeq(conversationId: string, classKey: string): Promise<number> {
    return (await this.seqRange(conversationId, classKey).first())?.seq ?? 0;
  }

  async before(conversationId: string, classKey: string, before: number, limit: number): Promise<CachedMessage[]> {
    const newestFirst = await this.seqRange(conversationId, classKey, before).reverse().limit(limit).toArray();
    return newestFirst.reverse();
  }

  async view({ conversationId, classKey, limit }: ViewQuery): Promise<CachedMessage[]> {
    const [stored, sending, failed] = await Promise.all([
      this.seqRange(conversationId, classKey).reverse().limit(limit).toArray(),
      this.byStatus(conversationId, 'sending'),
      this.byStatus(conversationId, 'failed'),
    ]);
    const unsent = [...sending, ...failed.filter((m) => m.seq === undefined)].sort((a, b) => a.createdAt - b.createdAt);
    return [...stored.reverse(), ...unsent];
  }

  async watermark(conversationId: string, classKey: string): Promise<number> {
    return (await this.db.sync.get([conversationId, classKey]))?.seq ?? 0;
  }

  async advanceWatermark(conversationId: string, classKey: string, seq: number): Promise<void> {
    await this.db.transaction('rw', this.db.sync, async () => {
      const current = (await this.db.sync.get([conversationId, classKey]))?.seq ?? 0;
      if (seq > current) await this.db.sync.put({ conversationId, classKey, seq });
    });
  }

  async putConversations(list: readonly CachedConversation[]): Promise<void> {
    await this.db.transaction('rw', this.db.conversations, async () => {
      const existing = await this.db.conversations.bulkGet(list.map((conversation) => conversation.id));
      await this.db.conversations.bulkPut(
        list.map((conversation, index) => keepLocal(conversation, existing[index])),
      );
    });
  }

  getConversation(id: string): Promise<CachedConversation | undefined> {
    return this.db.conversations.get(id);
  }

  async updateConversation(id: string, change: (conversation: CachedConversation) => CachedConversation): Promise<CachedConversation | undefined> {
    return this.db.transaction('rw', this.db.conversations, async () => {
      const current = await this.db.conversations.get(id);
      if (!current) return undefined;
      const next = change(current);
      await this.db.conversations.put(next);
      return next;
    });
  }

  async conversations(): Promise<CachedConversation[]> {
    return (await this.db.conversations.toArray()).sort(compareConversations);
  }

  observeConversations(listener: (conversations: CachedConversation[]) => void): () => void {
    const subscription = liveQuery(() => this.conversations()).subscribe({
      next: listener,
      error: reportQueryError,
    });
    return () => subscription.unsubscribe();
  }

  async pendingConversations(): Promise<string[]> {
    const pending = await this.db.messages.where('status').equals('sending').toArray();
    return [...new Set(pending.map((m) => m.conversationId))];
  }

  async search(query: SearchQuery): Promise<CachedMessage[]> {
    // A scan of the cached messages (bounded by what this device holds), narrowed by index where it can be.
    const collection = query.conversationId
      ? this.db.messages.where('[conversationId+status+createdAt]').between([query.conversationId, 'sent', Dexie.minKey], [query.conversationId, 'sent', Dexie.maxKey])
      : this.db.messages.where('status').equals('sent');
    const found = await collection.filter((message) => matchesSearch(message, query)).toArray();
    return found.sort((a, b) => (b.time ?? b.createdAt) - (a.time ?? a.createdAt)).slice(0, query.limit ?? 50);
  }

  async getMeta(key: string): Promise<number> {
    return (await this.db.meta.get(key))?.value ?? 0;
  }

  async setMeta(key: string, value: number): Promise<void> {
    await this.db.meta.put({ key, value });
  }

  observe(query: ViewQuery, listener: (messages: CachedMessage[]) => void): () => void {
    const subscription = liveQuery(() => this.view(query)).subscribe({
      next: listener,
      error: reportQueryError,
    });
    return () => subscription.unsubscribe();
  }

  close(): void {
    this.db.close();
  }
}
