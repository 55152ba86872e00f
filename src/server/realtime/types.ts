import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../protocol/events.js';

export type IMServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type IMSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
