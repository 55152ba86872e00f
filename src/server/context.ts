import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Secrets } from './auth/secrets.js';
import type { Store } from './store/store.js';
import type { BlobStore } from './files/blob-store.js';
import type { MessageWriter } from './store/message-writer.js';
import type { ConversationRates } from './realtime/rate-limit.js';

/** What every handler factory is given; nothing in handlers is imported as a singleton. */
export interface ServerContext {
  config: Config;
  secrets: Secrets;
  store: Store;
  writer: MessageWriter;
  clock: () => number;
  log: FastifyBaseLogger;
  /** Per-conversation message rate with priorities (busy rooms drop low priority first). */
  rates: ConversationRates;
  /** Where uploaded files' bytes live. */
  blobs: BlobStore;
}
