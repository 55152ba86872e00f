/** The embeddable bundle: registers the elements and exports the SDK. */
export * from './components/index.js';
export * from './sdk/index.js';
export { ERROR_CODES } from './protocol/errors.js';
export { LIMITS } from './protocol/limits.js';
export type * from './protocol/models.js';
export { MENTION_ALL, SYSTEM_SENDER, roomConversationId, systemConversationId } from './protocol/models.js';
export { previewOf } from './protocol/preview.js';
