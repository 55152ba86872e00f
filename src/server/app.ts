import { STATUS_CODES } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { ERROR_CODES, errorPayload } from '../protocol/errors.js';
import { LIMITS } from '../protocol/limits.js';
import { isOriginAllowed } from './auth/origins.js';
import { loadSecrets, type Secrets } from './auth/secrets.js';
import type { Config } from './config.js';
import type { ServerContext } from './context.js';
import { registerDemoRoutes } from './http/demo.js';
import { sendError } from './http/errors.js';
import { registerRoomBindingRoutes } from './http/room-binding.js';
import { registerStaticRoutes } from './http/static.js';
import { registerUserRoutes } from './http/users.js';
import { registerNotificationRoutes } from './http/notifications.js';
import { registerUploadRoutes } from './http/uploads.js';
import { LocalDiskBlobStore, type BlobStore } from './files/blob-store.js';
import { join } from 'node:path';
import { createHandshakeAuth } from './realtime/auth.js';
import { dropSlowConsumers } from './realtime/backpressure.js';
import { ConversationRates } from './realtime/rate-limit.js';
import { registerRoomHandlers } from './realtime/room-handlers.js';
import { registerUserHandlers } from './realtime/user-handlers.js';
import { conversationRoom } from './realtime/rooms.js';
import type { IMServer } from './realtime/types.js';
import { MessageWriter } from './store/message-writer.js';
import { createSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  store?: Store;
  clock?: () => number;
  /** Where uploads are kept (default: files under the data dir). */
  blobs?: BlobStore;
  /** Most messages committed together (group commit); 1 commits each on its own. */
  maxCommitBatch?: number;
}

export interface ImApp {
  config: Config;
  secrets: Secrets;
  store: Store;
  http: FastifyInstance;
  io: IMServer;
  /** Starts listening; resolves with the base URL (http://host:port). */
  listen(): Promise<string>;
  /** Stops accepting, drops connections (clients reconnect elsewhere), flushes and closes. */
  close(): Promise<void>;
}

export async function createApp(config: Config, deps: AppDeps = {}): Promise<ImApp> {
  const secrets = loadSecrets(config.dataDir, config.adminKey, config.ticketSecret);
  const store = deps.store ?? createSqliteStore(config.dataDir);
  await store.migrate();
  const clock = deps.clock ?? Date.now;

  const http = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: LIMITS.REST_BODY_MAX_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    // Room ids are up to 128 characters, and up to 9 times that when percent-encoded.
    routerOptions: { maxParamLength: LIMITS.ROOM_ID_MAX_LENGTH * 9 },
    // Requests Node cannot even parse (a head over its size limit, garbage) get the coded body too.
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (!socket.writable) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({ error: errorPayload(ERROR_CODES.INVALID_PAYLOAD, status === 431 ? 'the request head is too large' : 'the request is malformed') });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    },
    // Errors the router raises before any route runs get the same coded body as the rest.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void sendError(reply, tooLong ? 414 : 400, ERROR_CODES.INVALID_PAYLOAD, tooLong ? 'the URL is too long' : 'the URL is malformed');
    },
  });
  const ctx: ServerContext = {
    config,
    secrets,
    store,
    writer: new MessageWriter(store, deps.maxCommitBatch),
    clock,
    log: http.log,
    rates: new ConversationRates(config.conversationRate, clock),
    blobs: deps.blobs ?? new LocalDiskBlobStore(join(config.dataDir, 'files')),
  };

  // Bodies are parsed by the routes themselves so that any malformed body gets our coded error.
  http.removeAllContentTypeParsers();
  http.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  http.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // The matched route, not the raw URL: an encoded spelling of /v1/ must not skip the check.
    const path = request.routeOptions.url ?? request.url;
    if (!path.startsWith('/v1/')) return;
    if (!isOriginAllowed(config.allowedOrigins, origin)) {
      return sendError(reply, 403, ERROR_CODES.ORIGIN_NOT_ALLOWED, `origin ${origin} is not allowed`);
    }
    if (origin) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-im-user-id');
      reply.header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
    }
    if (request.method === 'OPTIONS') return reply.code(204).send();
    return undefined;
  });

  http.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, ERROR_CODES.INVALID_PAYLOAD, `the body is larger than ${LIMITS.REST_BODY_MAX_BYTES} bytes`);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, ERROR_CODES.INVALID_PAYLOAD, error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, ERROR_CODES.INTERNAL, 'internal error');
  });
  http.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, ERROR_CODES.NOT_FOUND, `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  const io: IMServer = new Server(http.server, {
    maxHttpBufferSize: LIMITS.MAX_PACKET_BYTES,
    cors: {
      origin: (origin, callback) => callback(null, isOriginAllowed(config.allowedOrigins, origin)),
      credentials: false,
    },
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
  io.use(createHandshakeAuth(ctx));
  const stopDropping = dropSlowConsumers(io, http.log);
  registerRoomHandlers(io, ctx);
  registerUserHandlers(io, ctx);

  http.get('/health', async () => ({ ok: true }));
  registerRoomBindingRoutes(http, ctx, {
    async onUnbound(binding) {
      // Room-token sessions end; signed-in members stay connected (the room is one of their
      // conversations) and are refused with ROOM_UNBOUND when they write to it.
      const kicked = errorPayload(ERROR_CODES.ROOM_UNBOUND, `room "${binding.roomId}" was unbound`);
      for (const socket of await io.in(conversationRoom(binding.conversationId)).fetchSockets()) {
        if (socket.data.kind !== 'room') continue;
        socket.emit('session:kicked', kicked);
        socket.disconnect(true);
      }
    },
  });
  registerUserRoutes(http, ctx, io);
  registerNotificationRoutes(http, ctx, io);
  await registerUploadRoutes(http, ctx);
  if (config.demo) registerDemoRoutes(http, ctx);
  await registerStaticRoutes(http, ctx);

  let closed = false;
  return {
    config,
    secrets,
    store,
    http,
    io,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return `http://${host}:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopDropping();
      // Closing the transports (not the sockets) makes clients reconnect instead of giving up.
      io.engine.close();
      // Idle keep-alive connections would hold the close until they time out; requests still
      // running get a moment to finish.
      http.server.closeIdleConnections();
      const force = setTimeout(() => http.server.closeAllConnections(), 2000);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      clearTimeout(force);
      await http.close();
      await ctx.writer.drain();
      await store.close();
    },
  };
}
