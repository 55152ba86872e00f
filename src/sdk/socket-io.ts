/** The Socket.IO client, as the chunk the transport loads when it first connects. */
export { io } from 'socket.io-client';
