import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../protocol/events.js';

export type IMServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type IMSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Socket.IO room of every connection in a conversation. */
export const conversationRoom = (conversationId: string): string => `c:${conversationId}`;
/** Socket.IO room of one user's connections in a conversation. */
export const userRoom = (conversationId: string, userId: string): string => `u:${conversationId}:${userId}`;
/** Socket.IO room of the connections in one class of a conversation: stored messages go live here. */
export const classRoom = (conversationId: string, classId: string | null): string =>
  `k:${JSON.stringify([conversationId, classId ?? ''])}`;
