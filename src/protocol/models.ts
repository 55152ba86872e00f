declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type ConversationId = Brand<string, 'ConversationId'>;
export type MessageId = Brand<string, 'MessageId'>;

/** Any JSON value a message may carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Ids of guests: users of a room token the site did not bind to a user. Their id is the one
 * they gave, behind this prefix, so a guest never passes for a signed-in user of the same name
 * (user ids cannot contain it).
 */
export const GUEST_PREFIX = '~';

/** The id a guest of a room has everywhere (messages, recipients, presence). */
export function guestId(userId: string): UserId {
  return `${GUEST_PREFIX}${userId}` as UserId;
}

export function isGuestId(id: string): boolean {
  return id.startsWith(GUEST_PREFIX);
}

/** What a room session may do: `viewer` receives only; `moderator` may also send with high priority. */
export type RoomRole = 'viewer' | 'member' | 'moderator';
export const ROOM_ROLES: readonly RoomRole[] = ['viewer', 'member', 'moderator'];

/** The conversation that backs a bound room. */
export function roomConversationId(roomId: string): ConversationId {
  return `room:${roomId}` as ConversationId;
}

/**
 * Message types and their content (see the `*Content` interfaces below):
 * - `text`: `{ text }` with @mentions;
 * - `image`, `file`, `audio`, `video`: an uploaded file (`POST /v1/uploads`) plus duration and poster;
 * - `location`: `{ lat, lng, description }`;
 * - `custom`: room messages carry any JSON; in user conversations `{ data, description }`;
 * - `tip`: written by the server (group created, members joined or left, notifications).
 * Any message of a user conversation may quote another one (`replyTo`).
 */
export type MessageType = 'custom' | 'text' | 'image' | 'file' | 'audio' | 'video' | 'location' | 'tip';

/** Message types a client may send in a user conversation. */
export const SENDABLE_TYPES = ['text', 'image', 'file', 'audio', 'video', 'location', 'custom'] as const;
export type SendableType = (typeof SENDABLE_TYPES)[number];

/** Types whose content is an uploaded file. */
export const FILE_MESSAGE_TYPES = ['image', 'file', 'audio', 'video'] as const;

/** `system`: one per user, written by the site's backend (notifications); the user can only read it. */
export type ConversationType = 'room' | 'direct' | 'group' | 'system';

/** Sender id of messages the site's backend writes into system conversations (not a valid user id). */
export const SYSTEM_SENDER = '@system';

/** A conversation's type, from its id: every id starts with it (`direct:`, `group:`, `room:`, `system:`). */
export function conversationTypeOf(conversationId: string): ConversationType | undefined {
  const type = conversationId.slice(0, conversationId.indexOf(':'));
  return type === 'direct' || type === 'group' || type === 'room' || type === 'system' ? type : undefined;
}

/** The system (notifications) conversation of a user. */
export function systemConversationId(userId: string): ConversationId {
  return `system:${userId}` as ConversationId;
}

/** A smaller rendition of an uploaded image (or a video poster). */
export interface Thumbnail {
  /** Path on the IM server (resolve against the server URL). */
  url: string;
  width: number;
  height: number;
}

/** An uploaded file as `POST /v1/uploads` answers and as messages carry it. */
export interface FileInfo {
  id: string;
  /** Path on the IM server, e.g. `/v1/files/<id>` (resolve against the server URL). */
  url: string;
  /** The file name the uploader gave (shown and used for downloads). */
  name: string;
  /** Bytes. */
  size: number;
  /** The type sniffed from the file's content (never the uploader's claim). */
  mime: string;
  /** `image`, `audio` or `video` when the content is one of the types browsers play inline; else `file`. */
  kind: 'image' | 'audio' | 'video' | 'file';
  /** Images: pixel size, upright (EXIF orientation applied). */
  width?: number;
  height?: number;
  /** Images: renditions whose shorter side is 198 and 720 px (never larger than the original). */
  thumbnails?: { small: Thumbnail; large: Thumbnail };
}

export interface TextContent {
  text: string;
}
export interface ImageContent {
  file: FileInfo;
}
export interface FileContent {
  file: FileInfo;
}
export interface AudioContent {
  file: FileInfo;
  /** Seconds. */
  duration: number;
}
export interface VideoContent {
  file: FileInfo;
  /** Seconds. */
  duration: number;
  /** An uploaded still image shown before playing, or null. */
  poster: FileInfo | null;
}
export interface LocationContent {
  lat: number;
  lng: number;
  description: string;
}
export interface CustomContent {
  /** Any JSON, up to 8 KB serialized. */
  data: JsonValue;
  /** Plain text used in previews, notifications and by clients that cannot render `data`. */
  description: string;
}

/** What a reply shows of the message it quotes, as it was when the reply was sent. */
export interface Quote {
  seq: number;
  senderId: UserId;
  type: MessageType;
  /** A short plain-text preview (at most 100 characters; "[Image]" style for media). */
  preview: string;
}

/** Mention of everyone in a conversation. */
export const MENTION_ALL = '@all';

/** A stored ("reliable") message as the server delivers it. */
export interface StoredMessage {
  /** Server id, unique across the server. */
  id: MessageId;
  conversationId: ConversationId;
  /** Per-conversation sequence number: 1, 2, 3 … without holes. */
  seq: number;
  /** Class (course session) the message belongs to; null when sent without one. */
  classId: string | null;
  senderId: UserId;
  /** The sender's idempotency key (UUID). */
  clientMsgId: string;
  content: JsonValue;
  /** Recipients when the message was targeted; null when it is for everyone in the room. */
  recipients: UserId[] | null;
  /** Server time, ms since the epoch. */
  time: number;
  type: MessageType;
  /** Mentioned user ids (and MENTION_ALL); empty when none. */
  mentions: string[];
  /** False when the sender asked for it not to count as unread. */
  countsUnread: boolean;
  /** When the text was last edited, or null. */
  editedAt: number | null;
  /** Who recalled the message and when; its content is then null everywhere. */
  recalled: { by: UserId; at: number } | null;
  /** Emoji → the users who reacted with it. */
  reactions: Record<string, UserId[]>;
  /** Sync version of the last change (edit, recall, reaction); 0 when never changed. */
  version: number;
  /** The message this one replies to, or null. */
  replyTo: Quote | null;
  /**
   * Seq of the message before this one in its stream (its class in a room, the conversation
   * otherwise), 0 for the first. A receiver holding everything up to `prev` holds everything
   * before this message; otherwise it missed something and asks for it.
   */
  prev: number;
}

/**
 * Sent live to the rest of a class instead of a message targeted to other users: the stream
 * moved on by one seq that is not yours to read.
 */
export interface SkippedMessage {
  conversationId: ConversationId;
  classId: string | null;
  seq: number;
  prev: number;
}

/** One conversation in a user's list, with this user's state of it. */
export interface ConversationSummary {
  id: ConversationId;
  type: ConversationType;
  /** Group name; null for direct and system conversations; the room id for rooms. */
  name: string | null;
  ownerId: UserId | null;
  /** The other user of a direct conversation. */
  peerId: UserId | null;
  memberCount: number;
  /** Groups: `owner` or `member`. Rooms: `member`, `moderator` or `viewer`. */
  role: 'owner' | 'member' | RoomRole;
  /** Highest seq in the conversation. */
  lastSeq: number;
  /** The newest message this user may read, or null. */
  lastMessage: StoredMessage | null;
  /** Server time of the last activity (last message or creation). */
  activeAt: number;
  readSeq: number;
  /** Messages after readSeq from others that count as unread, up to 100. */
  unreadCount: number;
  /** A message after readSeq mentions this user or @all. */
  mentioned: boolean;
  pinned: boolean;
  muted: boolean;
  /** Deleted for this user and no message since. */
  hidden: boolean;
  /** The user left (or was removed); kept so the list can drop it. */
  left: boolean;
  /** Sync version of this entry. */
  version: number;
}

/** What a user session learns right after connecting. */
export interface UserSessionInfo {
  kind: 'user';
  userId: UserId;
  /** Current sync version: ask `conversation:sync` for changes after your last one. */
  version: number;
  /** When this session ends: the ticket's expiry, or earlier when the ticket lives longer than the server allows (ms since the epoch). */
  expiresAt: number;
  /** Largest file POST /v1/uploads takes (bytes). */
  uploadMaxBytes: number;
}

/** A transient (not stored) message: room broadcast or custom command. */
export interface SignalMessage {
  /** `room` broadcast, `custom` command, `online`: an online-only message in a user conversation. */
  kind: 'room' | 'custom' | 'online';
  conversationId: ConversationId;
  senderId: UserId;
  content: JsonValue;
  time: number;
}

/** What the server tells a room connection right after it connects. */
export interface SessionInfo {
  kind: 'room';
  /** Your id in the room: the token's user, or `~` + the id you gave when the token names no user. */
  userId: UserId;
  role: RoomRole;
  /** When the token expires and the session ends (ms since the epoch), or null. */
  expiresAt: number | null;
  roomId: RoomId;
  conversationId: ConversationId;
  classId: string | null;
  /**
   * Stored messages visible to this user in this class, oldest first: the latest page when
   * the client asked for no `since`, or the first page after `since`.
   */
  history: StoredMessage[];
  /** More history remains on the side that was not delivered (older, or newer after `since`). */
  hasMore: boolean;
  /** Everything you may read of this class up to this seq is in `history` or came before it. */
  through: number;
  /** Distinct users connected to the room now (this one included). */
  online: number;
  /** Largest file POST /v1/uploads takes (bytes). */
  uploadMaxBytes: number;
}

export interface HistoryPage {
  messages: StoredMessage[];
  hasMore: boolean;
  /**
   * Pages read forward (`after`) and the latest page: everything you may read up to this seq is
   * in this page or before it (it can be past the last message, when what followed was not yours).
   */
  through: number;
}

export interface SendResult {
  id: MessageId;
  seq: number;
  time: number;
  /** True when this client message id was already stored and the original was returned. */
  duplicate: boolean;
  /** The message's `prev` (see StoredMessage): the sender's own stream check. 0 for online-only messages. */
  prev: number;
}

export interface SignalResult {
  time: number;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'kicked';
