import { resolve } from 'node:path';
import { LIMITS } from '../protocol/limits.js';

export interface Config {
  port: number;
  host: string;
  /** Where SQLite, the secrets and uploads live. */
  dataDir: string;
  /** Admin key from the environment; when absent one is generated and kept in the data dir. */
  adminKey: string | undefined;
  /** `'*'` or a list of exact origins (scheme://host[:port]). */
  allowedOrigins: '*' | string[];
  /**
   * Serve the demo pages and the demo credential routes (loopback clients only). Never on when
   * `production` is.
   */
  demo: boolean;
  /** NODE_ENV=production: demo routes are off whatever else is set. */
  production: boolean;
  /** Any signed-in user may join any bound room by id (without a token or a grant). */
  openRooms: boolean;
  /** Directory with the built bundle (`im-elements.js`) and the built demo (`demo/`). */
  distDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** HS256 key of user tickets; defaults to the admin key. */
  ticketSecret: string | undefined;
  /** Lifetime of tickets issued by POST /v1/users/:userId/tickets (seconds). */
  ticketTtlSeconds: number;
  /** The longest any ticket may live (exp − iat, seconds): a longer one's session ends at iat + this. */
  ticketMaxLifetimeSeconds: number;
  /** Concurrent connections per signed-in user; beyond it the oldest is kicked. */
  maxConnectionsPerUser: number;
  /** How long after sending the sender may recall a message (seconds). */
  recallWindowSeconds: number;
  /** Messages per second one conversation takes before dropping by priority. */
  conversationRate: number;
  /** Largest upload in bytes (at most LIMITS.UPLOAD_MAX_BYTES_CAP). */
  uploadMaxBytes: number;
  /** An upload that sends nothing for this long is ended (seconds). */
  uploadIdleTimeoutSeconds: number;
  /** The longest one upload may take (seconds). */
  uploadMaxSeconds: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

export function parseOrigins(raw: string | undefined): '*' | string[] {
  const value = (raw ?? '*').trim();
  if (value === '' || value === '*') return '*';
  const list = value
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry.length > 0);
  if (list.includes('*')) return '*';
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`IM_ALLOWED_ORIGINS: "${origin}" is not an origin like https://example.com`);
    }
  }
  return list;
}

/** "26214400", "500KB", "25MB" (binary units) → bytes; undefined when malformed. */
export function parseBytes(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(raw.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1);
}

/** "1", "true", "yes", "on" → true; "0", "false", "no", "off" → false; unset → the default. */
function flag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  return !/^(0|false|no|off)$/i.test(raw.trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: "${env.PORT}" is not a port number`);
  const logLevel = (env.IM_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`IM_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const adminKey = env.IM_ADMIN_KEY?.trim() || undefined;
  if (adminKey !== undefined && adminKey.length < 16) throw new ConfigError('IM_ADMIN_KEY must be at least 16 characters');
  const ticketTtlSeconds = Number(env.IM_TICKET_TTL ?? LIMITS.TICKET_TTL_DEFAULT);
  if (!Number.isInteger(ticketTtlSeconds) || ticketTtlSeconds < LIMITS.TICKET_TTL_MIN || ticketTtlSeconds > LIMITS.TICKET_TTL_MAX) {
    throw new ConfigError(`IM_TICKET_TTL must be whole seconds from ${LIMITS.TICKET_TTL_MIN} to ${LIMITS.TICKET_TTL_MAX}`);
  }
  const maxConnectionsPerUser = Number(env.IM_MAX_CONNECTIONS_PER_USER ?? LIMITS.CONNECTIONS_PER_USER_DEFAULT);
  if (!Number.isInteger(maxConnectionsPerUser) || maxConnectionsPerUser < 1 || maxConnectionsPerUser > 1000) {
    throw new ConfigError('IM_MAX_CONNECTIONS_PER_USER must be a whole number from 1 to 1000');
  }
  const recallWindowSeconds = Number(env.IM_RECALL_WINDOW ?? LIMITS.RECALL_WINDOW_DEFAULT);
  if (!Number.isInteger(recallWindowSeconds) || recallWindowSeconds < 0 || recallWindowSeconds > 7 * 24 * 3600) {
    throw new ConfigError('IM_RECALL_WINDOW must be whole seconds from 0 to 604800');
  }
  const conversationRate = Number(env.IM_CONVERSATION_RATE ?? LIMITS.CONVERSATION_RATE_DEFAULT);
  if (!Number.isInteger(conversationRate) || conversationRate < 1 || conversationRate > 100_000) {
    throw new ConfigError('IM_CONVERSATION_RATE must be a whole number of messages per second from 1 to 100000');
  }
  const uploadMaxBytes = parseBytes(env.IM_UPLOAD_MAX_BYTES, LIMITS.UPLOAD_MAX_BYTES_DEFAULT);
  if (uploadMaxBytes === undefined || uploadMaxBytes < 1 || uploadMaxBytes > LIMITS.UPLOAD_MAX_BYTES_CAP) {
    throw new ConfigError(`IM_UPLOAD_MAX_BYTES must be a size from 1 byte to 100MB, like 26214400, 500KB or 25MB`);
  }
  const ticketMaxLifetimeSeconds = Number(env.IM_TICKET_MAX_LIFETIME ?? LIMITS.TICKET_MAX_LIFETIME_DEFAULT);
  if (!Number.isInteger(ticketMaxLifetimeSeconds) || ticketMaxLifetimeSeconds < LIMITS.TICKET_TTL_MIN || ticketMaxLifetimeSeconds > LIMITS.TICKET_TTL_MAX) {
    throw new ConfigError(`IM_TICKET_MAX_LIFETIME must be whole seconds from ${LIMITS.TICKET_TTL_MIN} to ${LIMITS.TICKET_TTL_MAX}`);
  }
  if (ticketTtlSeconds > ticketMaxLifetimeSeconds) {
    throw new ConfigError(`IM_TICKET_TTL (${ticketTtlSeconds}) must not be longer than IM_TICKET_MAX_LIFETIME (${ticketMaxLifetimeSeconds})`);
  }
  const uploadIdleTimeoutSeconds = Number(env.IM_UPLOAD_IDLE_TIMEOUT ?? LIMITS.UPLOAD_IDLE_TIMEOUT_DEFAULT);
  if (!Number.isInteger(uploadIdleTimeoutSeconds) || uploadIdleTimeoutSeconds < 1 || uploadIdleTimeoutSeconds > 3600) {
    throw new ConfigError('IM_UPLOAD_IDLE_TIMEOUT must be whole seconds from 1 to 3600');
  }
  const uploadMaxSeconds = Number(env.IM_UPLOAD_MAX_SECONDS ?? LIMITS.UPLOAD_MAX_SECONDS_DEFAULT);
  if (!Number.isInteger(uploadMaxSeconds) || uploadMaxSeconds < 1 || uploadMaxSeconds > 24 * 3600) {
    throw new ConfigError('IM_UPLOAD_MAX_SECONDS must be whole seconds from 1 to 86400');
  }
  const production = env.NODE_ENV === 'production';
  const ticketSecret = env.IM_TICKET_SECRET?.trim() || undefined;
  if (ticketSecret !== undefined && ticketSecret.length < 16) throw new ConfigError('IM_TICKET_SECRET must be at least 16 characters');
  return {
    uploadMaxBytes,
    uploadIdleTimeoutSeconds,
    uploadMaxSeconds,
    ticketMaxLifetimeSeconds,
    production,
    openRooms: flag(env.IM_OPEN_ROOMS, false),
    conversationRate,
    recallWindowSeconds,
    ticketSecret,
    ticketTtlSeconds,
    maxConnectionsPerUser,
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.IM_DATA_DIR ?? './data'),
    adminKey,
    allowedOrigins: parseOrigins(env.IM_ALLOWED_ORIGINS),
    demo: !production && flag(env.IM_DEMO, true),
    distDir: resolve(env.IM_DIST_DIR ?? './dist'),
    logLevel,
  };
}
