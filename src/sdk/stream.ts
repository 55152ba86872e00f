import type { HistoryPage, SkippedMessage, StoredMessage } from '../protocol/models.js';
import { classKeyOf } from './cache/types.js';

/** One stream: a conversation, and in a room the class read in it. */
export interface StreamKey {
  conversationId: string;
  classKey: string;
}

/** What the tracker needs from the client around it. */
export interface StreamHost {
  /** Seq up to which the cache holds everything of this stream after its latest loaded page. */
  cursor(stream: StreamKey): Promise<number>;
  /** Whether the client follows this stream (a room session always; a user session once a view loaded it). */
  follows(stream: StreamKey, cursor: number): boolean;
  /** Moves the cursor forward (never back). */
  advance(stream: StreamKey, seq: number): Promise<void>;
  /** The next page of the stream after `after`, oldest first (retrying when rate limited). */
  fetchAfter(stream: StreamKey, after: number): Promise<HistoryPage>;
  /** Writes stored messages to the cache and tells listeners (without moving any cursor). */
  store(messages: readonly StoredMessage[], history: boolean): Promise<void>;
  /** A hole was filled in this conversation (user sessions resync the list's counts then). */
  filled(conversationId: string): Promise<void>;
}

/**
 * Makes sure nothing sent to this client goes missing on a bad network. Every stored message
 * names the previous one of its stream (`prev`); messages of the stream that are not this
 * client's to read arrive as skips. While the client holds everything up to `prev`, the cursor
 * moves on; otherwise something was lost (a cut poll, a frame dropped by a proxy) and the gap
 * is fetched at once, page by page, before the stream moves on. A reconnect asks for what came
 * after the cursor, so whatever was lost with a dead connection comes back too.
 *
 * All calls come from the client's inbound queue, one at a time.
 */
export class StreamTracker {
  constructor(private readonly host: StreamHost) {}

  /** A message pushed live. `following`: the session caught up and live messages may move cursors. */
  async live(message: StoredMessage, following: boolean): Promise<void> {
    await this.host.store([message], false);
    if (following) await this.step(streamOf(message), message.seq, message.prev);
  }

  /** A message of the stream that is someone else's: the stream moved on. */
  async skipped(skip: SkippedMessage, following: boolean): Promise<void> {
    if (following) await this.step({ conversationId: skip.conversationId, classKey: classKeyOf(skip.classId) }, skip.seq, skip.prev);
  }

  /** One of our own messages was stored (its acknowledgement names its seq and prev). */
  async sent(stream: StreamKey, seq: number, prev: number, following: boolean): Promise<void> {
    if (following) await this.step(stream, seq, prev);
  }

  /**
   * A page read forward from `after` (or the latest page, `after` undefined): the cache now
   * holds the stream up to `page.through`, when the page joins what was held.
   */
  async page(stream: StreamKey, page: HistoryPage, after: number | undefined): Promise<void> {
    await this.host.store(page.messages, true);
    const cursor = await this.host.cursor(stream);
    if (after === undefined || after <= cursor) await this.host.advance(stream, page.through);
  }

  /** Fetches everything after the cursor until the server has no more. */
  async catchUp(stream: StreamKey): Promise<void> {
    for (;;) {
      const after = await this.host.cursor(stream);
      const page = await this.host.fetchAfter(stream, after);
      await this.page(stream, page, after);
      if (!page.hasMore || page.through <= after) return;
    }
  }

  private async step(stream: StreamKey, seq: number, prev: number): Promise<void> {
    const cursor = await this.host.cursor(stream);
    // Not followed (a conversation no view has loaded): its first page sets the cursor.
    if (!this.host.follows(stream, cursor)) return;
    if (prev <= cursor) {
      await this.host.advance(stream, seq);
      return;
    }
    // Something between the cursor and this message never arrived: fetch it now.
    await this.catchUp(stream);
    await this.host.filled(stream.conversationId);
  }
}

export function streamOf(message: Pick<StoredMessage, 'conversationId' | 'classId'>): StreamKey {
  return { conversationId: message.conversationId, classKey: classKeyOf(message.classId) };
}
