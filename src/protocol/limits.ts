/** Every limit of the system, in one place. The server enforces each with a coded error. */
export const LIMITS = {
  /** Room ids: 1–128 characters. */
  ROOM_ID_MAX_LENGTH: 128,
  /** User ids: [A-Za-z0-9_-]{1,32}. */
  USER_ID_PATTERN: /^[A-Za-z0-9_-]{1,32}$/,
  /** Class (course session) ids: 1–64 characters. */
  CLASS_ID_MAX_LENGTH: 64,
  /** Content of any message, serialized as JSON, in UTF-8 bytes. */
  CONTENT_MAX_BYTES: 16 * 1024,
  /** Recipient ids in one targeted send. */
  RECIPIENTS_MAX: 500,
  /** Sends per second per connection (token bucket refill rate). */
  SEND_RATE_PER_SECOND: 20,
  /** Token bucket size: short bursts above the rate. */
  SEND_BURST: 40,
  /** History page size: default and maximum. */
  HISTORY_PAGE_DEFAULT: 50,
  HISTORY_PAGE_MAX: 100,
  /**
   * Largest Socket.IO packet the server accepts. It fits the biggest valid request
   * (full content plus a full recipient list plus the envelope); anything larger is
   * dropped by the transport, which closes that connection only.
   */
  MAX_PACKET_BYTES: 48 * 1024,
  /** Characters of a text message. */
  TEXT_MAX_LENGTH: 5000,
  /** Characters of a group name. */
  GROUP_NAME_MAX_LENGTH: 64,
  /** Members of one group. */
  GROUP_MEMBERS_MAX: 2000,
  /** Mentioned users in one message. */
  MENTIONS_MAX: 100,
  /** User ticket lifetime: default and bounds (seconds). */
  TICKET_TTL_DEFAULT: 24 * 3600,
  TICKET_TTL_MIN: 60,
  TICKET_TTL_MAX: 30 * 24 * 3600,
  /** The longest a ticket may live (exp − iat), unless configured otherwise: a session ends then. */
  TICKET_MAX_LIFETIME_DEFAULT: 7 * 24 * 3600,
  /** How far in the future a ticket's or token's `iat` may lie (clock skew between servers). */
  CLOCK_SKEW_SECONDS: 60,
  /** Room token lifetime bounds (seconds). */
  ROOM_TOKEN_TTL_MIN: 60,
  ROOM_TOKEN_TTL_MAX: 365 * 24 * 3600,
  /** Users one room grant request names. */
  ROOM_GRANT_USERS_MAX: 500,
  /** Membership changes (create group, add, join, leave, open direct) per second per connection. */
  MEMBERSHIP_RATE_PER_SECOND: 5,
  MEMBERSHIP_BURST: 20,
  /** Concurrent connections of one user (tabs and devices) unless configured otherwise. */
  CONNECTIONS_PER_USER_DEFAULT: 10,
  /** The sender may recall a message this long after sending it (seconds, configurable). */
  RECALL_WINDOW_DEFAULT: 120,
  /** The sender may edit a text message this long after sending it. */
  EDIT_WINDOW_MS: 24 * 3600 * 1000,
  /** Characters of one reaction (an emoji, possibly with modifiers). */
  REACTION_MAX_LENGTH: 32,
  /** Different reactions on one message. */
  REACTIONS_PER_MESSAGE_MAX: 50,
  /** Changed messages per `message:changes` page. */
  CHANGES_PAGE_MAX: 200,
  /** Messages per second one conversation takes before dropping by priority (configurable). */
  CONVERSATION_RATE_DEFAULT: 40,
  /** Receipts (who read, who has not) are kept for conversations up to this many members. */
  RECEIPTS_MEMBERS_MAX: 500,
  /** How long a typing indicator lasts unless renewed. */
  TYPING_TTL_MS: 5000,
  /** Uploads: default size limit and the most IM_UPLOAD_MAX_BYTES may allow. */
  UPLOAD_MAX_BYTES_DEFAULT: 25 * 1024 * 1024,
  UPLOAD_MAX_BYTES_CAP: 100 * 1024 * 1024,
  /** Uploads one user (a signed-in user, or one user of a room) may run at the same time. */
  UPLOADS_CONCURRENT_PER_OWNER: 4,
  /** An upload that sends nothing for this long is ended (seconds, configurable). */
  UPLOAD_IDLE_TIMEOUT_DEFAULT: 30,
  /** The longest one upload may take (seconds, configurable). */
  UPLOAD_MAX_SECONDS_DEFAULT: 600,
  /** Shorter side of the two image thumbnails (px). */
  THUMBNAIL_SMALL: 198,
  THUMBNAIL_LARGE: 720,
  /** Characters of an uploaded file's name (longer names are shortened, keeping the extension). */
  FILE_NAME_MAX_LENGTH: 200,
  /** Seconds of an audio or video message. */
  MEDIA_DURATION_MAX: 24 * 3600,
  /** Characters of a location's description. */
  LOCATION_DESCRIPTION_MAX_LENGTH: 500,
  /** The `data` of a custom message in a user conversation, serialized (bytes). */
  CUSTOM_DATA_MAX_BYTES: 8 * 1024,
  /** Characters of a custom message's description. */
  CUSTOM_DESCRIPTION_MAX_LENGTH: 500,
  /** Characters of a quoted message's preview in a reply. */
  QUOTE_PREVIEW_MAX_LENGTH: 100,
  /** Users one notification request reaches. */
  NOTIFICATION_USERS_MAX: 500,
  /** Packets queued for one connection that stopped reading, before it is closed (it reconnects and resyncs). */
  OUTBOUND_QUEUE_MAX_PACKETS: 1000,
  /** Bytes waiting in one WebSocket's send buffer, likewise. */
  OUTBOUND_BUFFER_MAX_BYTES: 8 * 1024 * 1024,
  /** REST bodies. */
  REST_BODY_MAX_BYTES: 16 * 1024,
} as const;

/** UUID (any version) as produced by crypto.randomUUID(). */
export const CLIENT_MSG_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of uploaded files: random, URL-safe. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
