export { IMClient, totalUnread } from './client.js';
export type { IMClientOptions, IMClientEvents, MessageMeta, SendOptions } from './client.js';
export { IMError } from './errors.js';
export { CCIMManager } from './compat/cc-im-manager.js';
export type { CCIMOptions, CCIMMessage } from './compat/cc-im-manager.js';
export { receiptsOf } from './cache/types.js';
export type { CachedConversation, CachedMessage, MessageCache, MessageStatus, ReceiptStatus, SearchQuery } from './cache/types.js';
export type { StateChange } from './transport.js';
