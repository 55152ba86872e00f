import type { FastifyBaseLogger } from 'fastify';
import { LIMITS } from '../../protocol/limits.js';
import type { IMServer } from './types.js';

/**
 * A connection whose reader stopped reading (a frozen tab, a dead network that still holds
 * the TCP connection open) makes the server queue everything sent to it. Every second, the
 * connections of this node whose queue passed the limit are closed like a network failure:
 * their client reconnects and fetches what it missed since its cursor, while the server's
 * memory stays bounded and nobody else waits. Packets of a broadcast are shared between the
 * queues that hold them, so the count of packets is what grows.
 */
export function dropSlowConsumers(io: IMServer, log: FastifyBaseLogger, maxQueued = LIMITS.OUTBOUND_QUEUE_MAX_PACKETS): () => void {
  const timer = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const connection = socket.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { bufferedAmount?: number } }; close(discard?: boolean): void };
      const queued = connection.writeBuffer.length;
      const bytes = connection.transport.socket?.bufferedAmount ?? 0;
      if (queued <= maxQueued && bytes <= LIMITS.OUTBOUND_BUFFER_MAX_BYTES) continue;
      log.info({ queued, bytes, userId: socket.data.userId }, 'closing a connection that stopped reading');
      // Discard what is queued: waiting for it to drain is waiting for a reader that does not read.
      connection.close(true);
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
