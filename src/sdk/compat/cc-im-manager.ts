import type { JsonValue } from '../../protocol/models.js';
import type { CCIMSession } from './cc-im-session.js';

export interface CCIMOptions {
  token: string;
  userId: string;
  classId?: string;
  /** Server base URL; defaults to the origin the bundle was loaded from. */
  server?: string;
  /** First reconnect delay and its cap (ms), as IMClient takes them. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
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

/** The callback properties of a CCIMManager, which its working part calls. */
export interface CCIMCallbacks {
  connect: CCIMCallback | null;
  connect_error: CCIMCallback | null;
  disconnect: CCIMCallback | null;
  reconnecting: CCIMCallback | null;
  reconnect: CCIMCallback | null;
  onMessage: ((data: CCIMMessage) => void) | null;
}

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
export class CCIMManager implements CCIMCallbacks {
  connect: CCIMCallback | null = null;
  connect_error: CCIMCallback | null = null;
  disconnect: CCIMCallback | null = null;
  reconnecting: CCIMCallback | null = null;
  reconnect: CCIMCallback | null = null;
  onMessage: ((data: CCIMMessage) => void) | null = null;

  private readonly options: CCIMOptions;
  private classId: string | null;
  private released = false;
  private session: CCIMSession | undefined;
  private loading: Promise<CCIMSession> | undefined;

  constructor(options: CCIMOptions) {
    this.options = { ...options };
    this.classId = options.classId ?? null;
  }

  /**
   * Runs `use` on the working part, loading it first (cc-im-session.ts, its own chunk): calls
   * made meanwhile run in order once it is there. When it cannot load, `failed` reports it.
   */
  private withSession(use: (session: CCIMSession) => void, failed: (error: unknown) => void): void {
    if (this.session) return use(this.session);
    this.loading ??= import('./cc-im-session.js').then(({ CCIMSession }) => (this.session ??= new CCIMSession(this)));
    this.loading.then(
      (session) => {
        if (!this.released) use(session);
      },
      (error: unknown) => {
        this.loading = undefined;
        failed(error);
      },
    );
  }

  private unavailable(callback?: (data: unknown) => void) {
    return () => callback?.({ ok: false, error: { code: 'NOT_CONNECTED', message: 'the IM client could not be loaded' } });
  }

  /** Connects; a second call closes the old connection and connects again. */
  initCCIM(): void {
    if (this.released) return;
    this.withSession(
      (session) => session.init(this.options, this.classId),
      () => this.connect_error?.({ code: 'NOT_CONNECTED', message: 'the IM client could not be loaded' }),
    );
  }

  /** Broadcast to everyone in the room, not stored. */
  sendRoomMsg(content: JsonValue, callback?: (data: unknown) => void): void {
    this.withSession((session) => session.sendRoomMsg(content, callback), this.unavailable(callback));
  }

  /** Send to the listed users (one id or an array), not stored. */
  sendCustomCommand(content: JsonValue, users: string | string[], callback?: (data: unknown) => void): void {
    this.withSession((session) => session.sendCustomCommand(content, users, callback), this.unavailable(callback));
  }

  /** Broadcast (or send to the listed users) and store. */
  sendReliableMessage(
    content: JsonValue,
    users?: string | string[] | ((data: unknown) => void) | null,
    callback?: (data: unknown) => void,
  ): void {
    // Like the original, the users argument may be left out: sendReliableMessage(content, cb).
    const done = typeof users === 'function' ? users : callback;
    this.withSession((session) => session.sendReliableMessage(content, users, callback), this.unavailable(done));
  }

  /** Changes the class (course session) for stored messages and history. */
  setClassId(classId: string): void {
    this.classId = classId || null;
    this.session?.setClassId(this.classId);
  }

  /** Disconnects for good. */
  release(): void {
    this.released = true;
    this.session?.release();
  }
}
