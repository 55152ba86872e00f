import { errorPayload, type ErrorCode } from '../../protocol/errors.js';
import type { IMServer, IMSocket } from './types.js';

/** setTimeout cannot wait longer than about 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends the session when its credential expires (`expiresAt()` is read again when the timer
 * fires, so a renewed ticket moves it). Returns `rearm`, to call after a renewal.
 */
export function endAtExpiry(socket: IMSocket, clock: () => number, expiresAt: () => number | null, code: ErrorCode, message: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    const at = expiresAt();
    if (at === null) return;
    timer = setTimeout(() => {
      if ((expiresAt() ?? Number.POSITIVE_INFINITY) > clock()) return arm();
      socket.emit('session:kicked', errorPayload(code, message));
      socket.disconnect(true);
    }, Math.min(Math.max(0, at - clock()), MAX_TIMER_MS));
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));
  return arm;
}

/**
 * At most `max` connections of one user in `room` (of the sockets `counts` picks): the oldest
 * make room for a new one, told why.
 */
export async function capConnections(
  io: IMServer,
  room: string,
  max: number,
  counts: (data: IMSocket['data']) => boolean,
  code: ErrorCode,
  message: string,
): Promise<void> {
  const existing = (await io.in(room).fetchSockets()).filter((other) => counts(other.data));
  const surplus = existing.length + 1 - max;
  if (surplus <= 0) return;
  const oldest = [...existing].sort((a, b) => a.handshake.issued - b.handshake.issued).slice(0, surplus);
  for (const other of oldest) {
    other.emit('session:kicked', errorPayload(code, message));
    other.disconnect(true);
  }
}
