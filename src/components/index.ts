export { ImProvider } from './provider/provider.js';
export { ImChat } from './chat/chat.js';
export { ImConversationList } from './conversation-list/conversation-list.js';
export { clientContext, selectionContext, SelectionStore } from './context.js';
export type { ConversationSelection } from './context.js';
export * from './events.js';
