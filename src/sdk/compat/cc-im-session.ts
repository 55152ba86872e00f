import { GUEST_PREFIX, type JsonValue, type SignalResult } from '../../protocol/models.js';

/** CC clients know users by the ids they gave: a guest's `~id` is shown to them as `id`. */
const ccUserId = (id: string): string => (id.startsWith(GUEST_PREFIX) ? id.slice(GUEST_PREFIX.length) : id);
import type { CCIMCallbacks, CCIMMessage, CCIMOptions } from './cc-im-manager.js';
import type { CachedMessage } from '../cache/types.js';
import { IMClient } from '../client.js';
import type { IMError } from '../errors.js';

/**
 * The working part of CCIMManager (cc-im-manager.ts): the client, its events turned into the
 * CC callbacks, and the sends. Loaded the first time a CCIMManager is used.
 */
export class CCIMSession {
  private client: IMClient | undefined;

  constructor(private readonly owner: CCIMCallbacks) {}

  /** Connects; a second call closes the old connection and connects again. */
  init(options: CCIMOptions, classId: string | null): void {
    this.client?.close();
    const client = new IMClient({
      token: options.token,
      userId: options.userId,
      classId,
      cache: 'memory',
      ...(options.server !== undefined ? { server: options.server } : {}),
      ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
      ...(options.reconnectDelayMaxMs !== undefined ? { reconnectDelayMaxMs: options.reconnectDelayMaxMs } : {}),
    });
    this.client = client;
    client.on('state', ({ state, previous, reason }) => {
      if (state === 'reconnecting' && previous !== 'reconnecting') this.owner.reconnecting?.(undefined);
      if ((state === 'reconnecting' || state === 'disconnected' || state === 'kicked') && previous === 'connected') {
        this.owner.disconnect?.(reason);
      }
    });
    client.on('connected', ({ reconnect }) => (reconnect ? this.owner.reconnect : this.owner.connect)?.(undefined));
    client.on('connect_error', (error: IMError) => this.owner.connect_error?.(error.toJSON()));
    client.on('message', (message: CachedMessage, { history }) => {
      const data: CCIMMessage = {
        content: message.content,
        userId: ccUserId(message.senderId),
        type: 'reliable',
        time: message.time ?? message.createdAt,
        ...(message.seq !== undefined ? { seq: message.seq } : {}),
        ...(history ? { history: true } : {}),
      };
      this.owner.onMessage?.(data);
    });
    client.on('signal', (signal) => {
      if (signal.kind === 'online') return;
      this.owner.onMessage?.({
        content: signal.content,
        userId: ccUserId(signal.senderId),
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
  setClassId(classId: string | null): void {
    void this.client?.setClassId(classId).catch(() => {
      // Not connected: the new class is used from the next connection on.
    });
  }

  /** Disconnects for good. */
  release(): void {
    this.client?.close();
    this.client = undefined;
  }
}
