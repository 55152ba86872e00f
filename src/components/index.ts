export { ImProvider } from './provider/provider.js';
export { ImChat } from './chat/chat.js';
export { clientContext } from './context.js';
export * from './events.js';
