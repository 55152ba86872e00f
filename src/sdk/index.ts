export { IMClient, totalUnread } from './client.js';
export type { IMClientOptions, IMClientEvents, MessageMeta, SendFileOptions, SendOptions } from './client.js';
export type { UploadOptions } from './upload.js';
export { IMError } from './errors.js';
export { CCIMManager } from './compat/cc-im-manager.js';
export type { CCIMOptions, CCIMMessage } from './compat/cc-im-manager.js';
export { receiptsOf } from './cache/types.js';
export type { CachedConversation, CachedMessage, MessageCache, MessageStatus, PendingUpload, ReceiptStatus, SearchQuery } from './cache/types.js';
export type { StateChange } from './transport.js';
