import type { Socket } from 'socket.io-client';
import type { Ack } from '../protocol/ack.js';
import { ERROR_CODES, type ErrorPayload } from '../protocol/errors.js';
import type { ClientToServerEvents, RoomHandshake, ServerToClientEvents, UserHandshake } from '../protocol/events.js';
import type { ConnectionState, SessionInfo, SignalMessage, SkippedMessage, StoredMessage, UserSessionInfo } from '../protocol/models.js';
import { Emitter } from './emitter.js';
import { IMError, isErrorPayload } from './errors.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (ack: Ack<infer T>) => void
  ? T
  : never;

export interface TransportOptions {
  server: string;
  /** Called before every connection attempt: the handshake to send (fresh `since` each time). */
  handshake: () => Promise<RoomHandshake | UserHandshake>;
  ackTimeoutMs: number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** For `kicked` and for a refused connection: why. */
  reason?: ErrorPayload;
}

export type TransportEvents = {
  state: (change: StateChange) => void;
  ready: (session: SessionInfo | UserSessionInfo, reconnect: boolean) => void;
  conversationChanged: (change: { conversationId: string; version: number }) => void;
  typing: (change: { conversationId: string; userId: string; typing: boolean; expiresInMs: number }) => void;
  presence: (change: { userId: string; online: boolean }) => void;
  messageUpdated: (message: StoredMessage) => void;
  roomOnline: (change: { conversationId: string; online: number }) => void;
  receipt: (change: { conversationId: string; userId: string; readSeq: number; deliveredSeq: number }) => void;
  messageDeleted: (change: { conversationId: string; seq: number }) => void;
  message: (message: StoredMessage) => void;
  skipped: (skip: SkippedMessage) => void;
  signal: (signal: SignalMessage) => void;
  connectError: (error: IMError) => void;
};

type SocketIo = typeof import('./socket-io.js');
let socketIo: Promise<SocketIo> | undefined;
/**
 * The Socket.IO client is its own chunk, fetched when a client first connects: a page paints
 * its cached messages without waiting for it (and a page that never connects never loads it).
 */
function loadSocketIo(): Promise<SocketIo> {
  socketIo ??= import('./socket-io.js').catch((error: unknown) => {
    socketIo = undefined;
    throw error;
  });
  return socketIo;
}

/**
 * The socket and its connection states. Reconnects on its own with exponential, jittered
 * backoff; refusals by the server (bad token, unbound room) and kicks are final.
 */
export class Transport extends Emitter<TransportEvents> {
  private socket: ClientSocket | undefined;
  private current: ConnectionState = 'disconnected';
  private everConnected = false;
  private kickReason: ErrorPayload | undefined;
  /** Consecutive reconnects this transport scheduled itself (after refusals Socket.IO does not retry). */
  private manualAttempts = 0;
  private manualTimer: ReturnType<typeof setTimeout> | undefined;
  /** Live messages (and skips) that arrive between connecting and `session:ready`: delivered after it. */
  private early: Array<{ message: StoredMessage } | { skip: SkippedMessage }> | null = null;

  constructor(private readonly options: TransportOptions) {
    super();
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connected(): boolean {
    return this.current === 'connected';
  }

  private setState(state: ConnectionState, reason?: ErrorPayload): void {
    if (state === this.current && reason === undefined) return;
    const previous = this.current;
    this.current = state;
    this.emit('state', reason ? { state, previous, reason } : { state, previous });
  }

  /** Bumped by every connect and teardown: a socket library arriving late for an abandoned connect is ignored. */
  private attempt = 0;

  connect(): void {
    this.teardown();
    this.kickReason = undefined;
    this.everConnected = false;
    const attempt = this.attempt;
    this.setState('connecting');
    loadSocketIo().then(
      ({ io }) => {
        if (attempt === this.attempt) this.open(io);
      },
      () => {
        if (attempt !== this.attempt) return;
        this.emit('connectError', new IMError(ERROR_CODES.NOT_CONNECTED, 'the connection code could not be loaded'));
        clearTimeout(this.manualTimer);
        this.manualTimer = setTimeout(() => {
          if (attempt === this.attempt) this.connect();
        }, this.options.reconnectDelayMs ?? 500);
      },
    );
  }

  private open(io: SocketIo['io']): void {
    const socket: ClientSocket = io(this.options.server, {
      auth: (callback) => {
        this.options.handshake().then(
          (handshake) => callback(handshake as unknown as Record<string, unknown>),
          () => callback({}),
        );
      },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: this.options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs ?? 10_000,
      randomizationFactor: 0.5,
      forceNew: true,
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.early = [];
    });
    socket.on('conversation:changed', (change) => this.emit('conversationChanged', change));
    socket.on('typing:changed', (change) => this.emit('typing', change));
    socket.on('presence:changed', (change) => this.emit('presence', change));
    socket.on('message:updated', (message) => this.emit('messageUpdated', message));
    socket.on('room:online', (change) => this.emit('roomOnline', change));
    socket.on('receipt:changed', (change) => this.emit('receipt', change));
    socket.on('message:deleted', (change) => this.emit('messageDeleted', change));
    socket.on('session:ready', (session) => {
      this.manualAttempts = 0;
      const reconnect = this.everConnected;
      const early = this.early ?? [];
      this.early = null;
      this.everConnected = true;
      this.setState('connected');
      this.emit('ready', session, reconnect);
      for (const entry of early) {
        if ('message' in entry) this.emit('message', entry.message);
        else this.emit('skipped', entry.skip);
      }
    });
    socket.on('message:created', (message) => {
      if (this.early) this.early.push({ message });
      else this.emit('message', message);
    });
    socket.on('message:skipped', (skip) => {
      if (this.early) this.early.push({ skip });
      else this.emit('skipped', skip);
    });
    socket.on('signal:received', (signal) => this.emit('signal', signal));
    socket.on('session:kicked', (reason) => {
      this.kickReason = isErrorPayload(reason) ? reason : { code: ERROR_CODES.ROOM_UNBOUND, message: 'kicked' };
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (isErrorPayload(error.data) && error.data.code !== ERROR_CODES.INTERNAL) {
        // Refused by the server's handshake checks: retrying with the same credentials cannot help.
        const imError = IMError.from(error.data);
        this.emit('connectError', imError);
        this.setState('disconnected', imError.toJSON());
        return;
      }
      const transient = isErrorPayload(error.data)
        ? IMError.from(error.data)
        : new IMError(ERROR_CODES.NOT_CONNECTED, error.message || 'connection failed');
      this.emit('connectError', transient);
      this.setState(this.everConnected ? 'reconnecting' : 'connecting');
      // Socket.IO retries network failures itself, but not a refusal by the server.
      if (!socket.active) this.retryLater(socket);
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') {
        if (this.kickReason) {
          this.setState('kicked', this.kickReason);
          return;
        }
        // Closed by the server without a reason (it was restarting, say): come back later.
        this.setState('reconnecting');
        this.retryLater(socket);
        return;
      }
      this.setState('reconnecting');
    });
    socket.io.on('reconnect_attempt', () => {
      if (this.current !== 'connected') this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    });
  }

  /** Reconnects after a jittered, growing delay (for the cases Socket.IO does not retry itself). */
  private retryLater(socket: ClientSocket): void {
    clearTimeout(this.manualTimer);
    const base = Math.min((this.options.reconnectDelayMs ?? 500) * 2 ** this.manualAttempts, this.options.reconnectDelayMaxMs ?? 10_000);
    this.manualAttempts += 1;
    this.manualTimer = setTimeout(() => {
      if (this.socket === socket && !socket.connected) socket.connect();
    }, base * (0.5 + Math.random()));
  }

  /** Drops the connection the way a network failure would; the transport reconnects by itself. */
  simulateNetworkDrop(): void {
    this.socket?.io.engine?.close();
  }

  /** Sends a request and resolves with its acknowledged data, or rejects with an IMError. */
  async request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<AckData<E>> {
    const socket = this.socket;
    if (!socket || !this.connected) throw new IMError(ERROR_CODES.NOT_CONNECTED, 'not connected');
    let ack: Ack<AckData<E>>;
    try {
      // Socket.IO's typed emit cannot take a generic event name; the payload type is checked above.
      const timed = socket.timeout(this.options.ackTimeoutMs) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<Ack<AckData<E>>>;
      };
      ack = await timed.emitWithAck(event, payload);
    } catch {
      throw new IMError(ERROR_CODES.TIMEOUT, `no acknowledgement for ${event} within ${this.options.ackTimeoutMs} ms`);
    }
    if (ack.ok) return ack.data;
    throw IMError.from(ack.error);
  }

  private teardown(): void {
    this.attempt += 1;
    clearTimeout(this.manualTimer);
    this.manualAttempts = 0;
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
    this.socket = undefined;
  }

  disconnect(): void {
    this.teardown();
    this.setState('disconnected');
  }

  close(): void {
    this.teardown();
    this.current = 'disconnected';
    this.removeAllListeners();
  }
}
