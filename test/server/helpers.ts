/**
 * Test harness for the IM server: a real app on port 0 with a temporary data dir, real REST
 * calls (fetch) and real Socket.IO clients. Everything created here is registered and torn
 * down by `cleanup()`, which every test file calls in `afterEach`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import type { Ack } from '../../src/protocol/ack.js';
import type { ErrorPayload } from '../../src/protocol/errors.js';
import type { ClientToServerEvents, RoomHandshake, ServerToClientEvents } from '../../src/protocol/events.js';
import type { SessionInfo, UserSessionInfo } from '../../src/protocol/models.js';
import { createApp, type AppDeps, type ImApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';

/** Default wait for anything that should happen (events, acks, connects). */
export const WAIT_MS = 5000;

// ---------------------------------------------------------------------------------------------
// Servers

export interface TestServer {
  url: string;
  adminKey: string;
  app: ImApp;
  dataDir: string;
  config: Config;
  /** Closes the app (idempotent). */
  close(): Promise<void>;
  /** Closes the app and starts a new one on the same data dir; `url`/`app` are updated in place. */
  restart(): Promise<TestServer>;
}

const servers = new Set<TestServer>();
const tempDirs = new Set<string>();
const clients = new Set<Socket>();

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Starts the real app on 127.0.0.1:0 with a fresh data dir. `deps` is passed to createApp
 * (e.g. a controllable clock); as a function it is called with the data dir on every (re)start.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  deps: AppDeps | ((dataDir: string) => AppDeps) = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir('im-test-data-');
  const config: Config = {
    ...loadConfig({}),
    // Tests that blast one conversation measure ordering and durability, not the per-conversation
    // rate; the rate has tests of its own that set it.
    conversationRate: 100_000,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: undefined,
    allowedOrigins: '*',
    demo: false,
    distDir: join(dataDir, 'no-dist'),
    logLevel: 'silent',
    ...overrides,
  };
  const boot = async () => {
    const app = await createApp(config, typeof deps === 'function' ? deps(dataDir) : deps);
    const url = await app.listen();
    return { app, url };
  };
  const first = await boot();
  const server: TestServer = {
    url: first.url,
    app: first.app,
    adminKey: first.app.secrets.adminKey,
    dataDir,
    config,
    async close() {
      await server.app.close();
    },
    async restart() {
      await server.app.close();
      const next = await boot();
      server.app = next.app;
      server.url = next.url;
      server.adminKey = next.app.secrets.adminKey;
      return server;
    },
  };
  servers.add(server);
  return server;
}

/** Closes every client socket, every server and removes the temporary dirs. */
export async function cleanup(): Promise<void> {
  for (const socket of clients) socket.disconnect();
  clients.clear();
  for (const server of servers) await server.close();
  servers.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// ---------------------------------------------------------------------------------------------
// REST

export interface RestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** fetch + JSON body (or the raw text when it is not JSON). */
export async function rest<T = any>(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<RestResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? server.adminKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = options.body;
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** POST /v1/room-binding with the admin key; returns the token (asserts 200). */
export async function bindRoom(server: TestServer, roomId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await rest<{ roomId: string; token: string }>(server, 'POST', '/v1/room-binding', {
    body: JSON.stringify({ roomId, ...extra }),
  });
  if (response.status !== 200) {
    throw new Error(`binding ${roomId} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.token;
}

export async function unbindRoom(server: TestServer, roomId: string): Promise<RestResponse> {
  return rest(server, 'DELETE', `/v1/room-binding/${encodeURIComponent(roomId)}`);
}

/** A room id nobody else in this process uses. */
export function uniqueRoom(prefix = 'room'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

// ---------------------------------------------------------------------------------------------
// Socket.IO clients

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectAuth = Partial<RoomHandshake> & Record<string, unknown>;
export type ConnectExtra = Partial<ManagerOptions & SocketOptions>;

export interface ReceivedEvent {
  event: string;
  args: unknown[];
}

/**
 * Every event a socket received, in arrival order, recorded from the moment the socket was
 * created (so nothing is missed between connecting and a test starting to wait).
 */
class Inbox {
  readonly all: ReceivedEvent[] = [];
  private readonly consumed = new Set<ReceivedEvent>();
  private waiters: Array<{ match: (entry: ReceivedEvent) => boolean; resolve: (entry: ReceivedEvent) => void }> = [];

  push(entry: ReceivedEvent): void {
    this.all.push(entry);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(entry)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(entry);
      }
    }
  }

  /** The first received event matching, or the next one to arrive. */
  until(match: (entry: ReceivedEvent) => boolean, timeoutMs: number, what: string): Promise<ReceivedEvent> {
    const found = this.all.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (entry: ReceivedEvent) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The oldest not yet consumed event of this name, or the next one to arrive; marks it consumed. */
  async next(event: string, timeoutMs: number): Promise<ReceivedEvent> {
    const entry = await this.until(
      (candidate) => candidate.event === event && !this.consumed.has(candidate),
      timeoutMs,
      `"${event}"`,
    );
    this.consumed.add(entry);
    return entry;
  }

  /** Payloads (first argument) of every event of this name received so far. */
  payloads<T = any>(event: string): T[] {
    return this.all.filter((entry) => entry.event === event).map((entry) => entry.args[0] as T);
  }
}

const inboxes = new WeakMap<Socket, Inbox>();

function inboxOf(socket: Socket): Inbox {
  const inbox = inboxes.get(socket);
  if (!inbox) throw new Error('this socket was not created by the test helpers');
  return inbox;
}

/** Creates a (registered) client socket that records every event; it starts connecting at once. */
export function createSocket(server: TestServer, auth: ConnectAuth, extra: ConnectExtra = {}): ClientSocket {
  const socket: ClientSocket = io(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: WAIT_MS,
    auth,
    ...extra,
  });
  const inbox = new Inbox();
  inboxes.set(socket, inbox);
  socket.onAny((event: string, ...args: unknown[]) => inbox.push({ event, args }));
  socket.on('disconnect', (reason) => inbox.push({ event: 'disconnect', args: [reason] }));
  clients.add(socket);
  return socket;
}

export interface Connection {
  socket: ClientSocket;
  session: SessionInfo;
}

/** Connects and resolves once `session:ready` arrived. */
export async function connect(server: TestServer, auth: ConnectAuth, extra: ConnectExtra = {}): Promise<Connection> {
  const socket = createSocket(server, auth, extra);
  return new Promise<Connection>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for session:ready')), WAIT_MS);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${error.message} ${JSON.stringify((error as { data?: unknown }).data)}`));
    });
    inboxOf(socket)
      .next('session:ready', WAIT_MS)
      .then((entry) => {
        clearTimeout(timer);
        resolve({ socket, session: entry.args[0] as SessionInfo });
      }, reject);
  });
}

export interface ConnectFailure {
  message: string;
  data: ErrorPayload | undefined;
}

/** Tries to connect and resolves with the connect_error; rejects when the connection succeeds. */
export async function connectError(server: TestServer, auth: ConnectAuth, extra: ConnectExtra = {}): Promise<ConnectFailure> {
  const socket = createSocket(server, auth, extra);
  return new Promise<ConnectFailure>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for connect_error')), WAIT_MS);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ message: error.message, data: (error as { data?: ErrorPayload }).data });
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error('connected although a connect_error was expected'));
    });
  });
}

/** Sends a request and resolves with its Ack (rejects when no ack arrives within 5 s). */
export function request<T = any>(socket: Socket, event: string, payload?: unknown): Promise<Ack<T>> {
  return (socket.timeout(WAIT_MS) as unknown as Socket).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Like `request`, but asserts ok and returns the data. */
export async function requestOk<T = any>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  const ack = await request<T>(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${JSON.stringify(ack.error)}`);
  return ack.data;
}

/** Like `request`, but asserts a failure and returns the error. */
export async function requestError(socket: Socket, event: string, payload?: unknown): Promise<ErrorPayload> {
  const ack = await request(socket, event, payload);
  if (ack.ok) throw new Error(`${event} succeeded although an error was expected: ${JSON.stringify(ack.data)}`);
  return ack.error;
}

/** The payload of the oldest not yet awaited event of this name on this socket (or the next one). */
export async function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = WAIT_MS): Promise<T> {
  const entry = await inboxOf(socket).next(event, timeoutMs);
  return entry.args[0] as T;
}

/** Every event this socket received so far, in order (including `session:ready` and `disconnect`). */
export function received(socket: Socket): ReceivedEvent[] {
  return inboxOf(socket).all;
}

/** First-argument payloads of every event of this name received so far. */
export function payloads<T = any>(socket: Socket, event: string): T[] {
  return inboxOf(socket).payloads<T>(event);
}

/**
 * Sends a broadcast marker from `sender` and waits until every listed socket received it. Since
 * one sender's events reach one receiver in order, anything the sender caused before the marker
 * that did not arrive by then will not arrive at all.
 */
export async function barrier(sender: Socket, receivers: Socket[]): Promise<void> {
  const marker = `barrier-${randomUUID()}`;
  const waits = receivers.map((receiver) =>
    inboxOf(receiver).until(
      (entry) => entry.event === 'signal:received' && (entry.args[0] as { content?: unknown }).content === marker,
      WAIT_MS,
      `barrier ${marker}`,
    ),
  );
  await requestOk(sender, 'signal:broadcast', { content: marker });
  await Promise.all(waits);
}

/** Waits until this socket received an event matching the predicate (already received counts). */
export async function waitFor(
  socket: Socket,
  match: (entry: ReceivedEvent) => boolean,
  what = 'a matching event',
  timeoutMs = WAIT_MS,
): Promise<ReceivedEvent> {
  return inboxOf(socket).until(match, timeoutMs, what);
}

export const uuid = (): string => randomUUID();

/** Content whose JSON form is exactly `bytes` UTF-8 bytes (a string of ASCII letters). */
export function contentOfBytes(bytes: number): string {
  return 'x'.repeat(bytes - 2);
}

// ---------------------------------------------------------------------------------------------
// Signed-in users (tickets)

export interface TicketResponse {
  userId: string;
  ticket: string;
  expiresAt: number;
}

/** POST /v1/users/:userId/tickets with the admin key; returns the whole answer (asserts 200). */
export async function issueTicket(server: TestServer, userId: string, ttlSeconds?: number): Promise<TicketResponse> {
  const options = ttlSeconds === undefined ? {} : { body: JSON.stringify({ ttlSeconds }) };
  const response = await rest<TicketResponse>(server, 'POST', `/v1/users/${encodeURIComponent(userId)}/tickets`, options);
  if (response.status !== 200) {
    throw new Error(`ticket for ${userId} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** A ticket for this user from the real REST route (asserts 200). */
export async function ticketFor(server: TestServer, userId: string, ttlSeconds?: number): Promise<string> {
  return (await issueTicket(server, userId, ttlSeconds)).ticket;
}

export interface UserConnection {
  socket: ClientSocket;
  session: UserSessionInfo;
}

/** Connects with a ticket and resolves once `session:ready` arrived (events are recorded from before connecting). */
export async function connectUser(server: TestServer, ticket: string, extra: ConnectExtra = {}): Promise<UserConnection> {
  const { socket, session } = await connect(server, { ticket }, extra);
  return { socket, session: session as unknown as UserSessionInfo };
}

/** A fresh REST ticket for the user, then a connection with it. */
export async function signIn(server: TestServer, userId: string, extra: ConnectExtra = {}): Promise<UserConnection> {
  return connectUser(server, await ticketFor(server, userId), extra);
}

/**
 * One request/ack round trip on each (user-session) socket. Events reach one connection in the
 * order the server sent them, so anything the server sent these sockets before (e.g. because of
 * another socket's request whose ack already arrived) has arrived once this resolves. Costs one
 * `conversation:sync` request (history/read rate bucket) per socket.
 */
export async function settle(...sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => requestOk(socket, 'conversation:sync', { since: Number.MAX_SAFE_INTEGER })));
}
