import type { JsonValue, SignalResult } from '../../protocol/models.js';
import type { CachedMessage } from '../cache/types.js';
import { IMClient } from '../client.js';
import type { IMError } from '../errors.js';

export interface CCIMOptions {
  token: string;
  userId: string;
  classId?: string;
  /** Server base URL; defaults to the origin the bundle was loaded from. */
  server?: string;
}

/** What `onMessage` receives. */
export interface CCIMMessage {
  content: JsonValue;
  /** Sender. */
  userId: string;
  type: 'room' | 'custom' | 'reliable';
  /** Server time, ms since the epoch. */
  time: number;
  /** Reliable messages only. */
  seq?: number;
  /** True for stored messages delivered as history after connecting. */
  history?: boolean;
}

export type CCIMCallback = (data?: unknown) => void;

/**
 * Drop-in for the CC live-class IM web client (`cc-im-manager`): same constructor, methods and
 * callback properties, backed by an IM Elements server.
 *
 * @example
 * const im = new CCIMManager({ token, userId: 'u1', classId: 'c1' });
 * im.onMessage = (data) => console.log(data.type, data.content);
 * im.connect = () => im.sendRoomMsg({ hello: 'world' });
 * im.initCCIM();
 */
export class CCIMManager {
  connect: CCIMCallback | null = null;
  connect_error: CCIMCallback | null = null;
  disconnect: CCIMCallback | null = null;
  reconnecting: CCIMCallback | null = null;
  reconnect: CCIMCallback | null = null;
  onMessage: ((data: CCIMMessage) => void) | null = null;

  private readonly options: CCIMOptions;
  private classId: string | null;
  private client: IMClient | undefined;
  private released = false;

  constructor(options: CCIMOptions) {
    this.options = { ...options };
    this.classId = options.classId ?? null;
  }

  /** Connects; a second call closes the old connection and connects again. */
  initCCIM(): void {
    if (this.released) return;
    this.client?.close();
    const client = new IMClient({
      token: this.options.token,
      userId: this.options.userId,
      classId: this.classId,
      cache: 'memory',
      ...(this.options.server !== undefined ? { server: this.options.server } : {}),
    });
    this.client = client;
    client.on('state', ({ state, previous, reason }) => {
      if (state === 'reconnecting' && previous !== 'reconnecting') this.reconnecting?.(undefined);
      if ((state === 'reconnecting' || state === 'disconnected' || state === 'kicked') && previous === 'connected') {
        this.disconnect?.(reason);
      }
    });
    client.on('connected', ({ reconnect }) => (reconnect ? this.reconnect : this.connect)?.(undefined));
    client.on('connect_error', (error: IMError) => this.connect_error?.(error.toJSON()));
    client.on('message', (message: CachedMessage, { history }) => {
      const data: CCIMMessage = {
        content: message.content,
        userId: message.senderId,
        type: 'reliable',
        time: message.time ?? message.createdAt,
        ...(message.seq !== undefined ? { seq: message.seq } : {}),
        ...(history ? { history: true } : {}),
      };
      this.onMessage?.(data);
    });
    client.on('signal', (signal) => {
      if (signal.kind === 'online') return;
      this.onMessage?.({
        content: signal.content,
        userId: signal.senderId,
        type: signal.kind,
        time: signal.time,
      });
    });
    client.connect();
  }

  private deliver<T>(run: (client: IMClient) => Promise<T>, callback?: (data: unknown) => void): void {
    const client = this.client;
    if (!client) {
      callback?.({ ok: false, error: { code: 'NOT_CONNECTED', message: 'call initCCIM() first' } });
      return;
    }
    run(client).then(
      (data) => callback?.({ ok: true, ...data }),
      (error: IMError) => callback?.({ ok: false, error: typeof error.toJSON === 'function' ? error.toJSON() : String(error) }),
    );
  }

  /** Broadcast to everyone in the room, not stored. */
  sendRoomMsg(content: JsonValue, callback?: (data: unknown) => void): void {
    this.deliver<SignalResult>((client) => client.broadcast(content), callback);
  }

  /** Send to the listed users (one id or an array), not stored. */
  sendCustomCommand(content: JsonValue, users: string | string[], callback?: (data: unknown) => void): void {
    this.deliver<SignalResult>((client) => client.command(content, users), callback);
  }

  /** Broadcast (or send to the listed users) and store. */
  sendReliableMessage(
    content: JsonValue,
    users?: string | string[] | ((data: unknown) => void) | null,
    callback?: (data: unknown) => void,
  ): void {
    // Like the original, the users argument may be left out: sendReliableMessage(content, cb).
    if (typeof users === 'function') {
      callback = users;
      users = undefined;
    }
    const recipients = users;
    this.deliver(async (client) => {
      const sent = await client.messages.send(client.conversationId, content, { users: recipients ?? null });
      return { seq: sent.seq, time: sent.time };
    }, callback);
  }

  /** Changes the class (course session) for stored messages and history. */
  setClassId(classId: string): void {
    this.classId = classId || null;
    void this.client?.setClassId(this.classId).catch(() => {
      // Not connected: the new class is used from the next connection on.
    });
  }

  /** Disconnects for good. */
  release(): void {
    this.released = true;
    this.client?.close();
    this.client = undefined;
  }
}
