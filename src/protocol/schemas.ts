/**
 * Runtime validation of every client→server payload. Each validator returns either the
 * normalised value or a coded error; nothing here throws.
 */
import { ERROR_CODES, errorPayload, type ErrorPayload } from './errors.js';
import { CLIENT_MSG_ID_PATTERN, FILE_ID_PATTERN, LIMITS } from './limits.js';
import { cleanText, isWellFormed } from './text.js';
import type {
  BroadcastPayload,
  CommandPayload,
  SessionUpdatePayload,
} from './events.js';
import {
  GUEST_PREFIX,
  MENTION_ALL,
  SENDABLE_TYPES,
  type CustomContent,
  type JsonValue,
  type LocationContent,
  type SendableType,
  type TextContent,
} from './models.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(error: ErrorPayload): Checked<T> => ({ ok: false, error });
const invalid = <T>(message: string): Checked<T> => fail(errorPayload(ERROR_CODES.INVALID_PAYLOAD, message));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkRoomId(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.ROOM_ID_MAX_LENGTH || !isWellFormed(value)) {
    return fail(
      errorPayload(
        ERROR_CODES.INVALID_ROOM_ID,
        `roomId must be a non-empty string of at most ${LIMITS.ROOM_ID_MAX_LENGTH} characters`,
      ),
    );
  }
  return ok(value);
}

export function checkUserId(value: unknown, field = 'userId'): Checked<string> {
  if (typeof value !== 'string' || !LIMITS.USER_ID_PATTERN.test(value)) {
    return fail(errorPayload(ERROR_CODES.INVALID_USER_ID, `${field} must match [A-Za-z0-9_-]{1,32}`));
  }
  return ok(value);
}

export function checkClassId(value: unknown): Checked<string | null> {
  if (value === undefined || value === null || value === '') return ok(null);
  if (typeof value !== 'string' || value.length > LIMITS.CLASS_ID_MAX_LENGTH || !isWellFormed(value)) {
    return fail(
      errorPayload(
        ERROR_CODES.INVALID_CLASS_ID,
        `classId must be a string of at most ${LIMITS.CLASS_ID_MAX_LENGTH} characters`,
      ),
    );
  }
  return ok(value);
}

const encoder = new TextEncoder();

/** Byte length of the JSON form of a value, or -1 when it is not JSON-serialisable. */
export function jsonByteLength(value: unknown): number {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? -1 : encoder.encode(text).length;
  } catch {
    return -1;
  }
}

/** Max nesting of arrays and objects in content. */
const MAX_CONTENT_DEPTH = 32;

/** True for plain JSON data only: no binary, no class instances, no functions, bounded depth. */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_CONTENT_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isPlainJson(item, depth + 1));
}

export function checkContent(value: unknown): Checked<JsonValue> {
  if (value === undefined || value === null || value === '') {
    return fail(errorPayload(ERROR_CODES.CONTENT_EMPTY, 'content is required'));
  }
  const size = jsonByteLength(value);
  if (size > LIMITS.CONTENT_MAX_BYTES) {
    return fail(
      errorPayload(
        ERROR_CODES.CONTENT_TOO_LARGE,
        `content is ${size} bytes serialized; the limit is ${LIMITS.CONTENT_MAX_BYTES}`,
        { size, limit: LIMITS.CONTENT_MAX_BYTES },
      ),
    );
  }
  if (size < 0 || !isPlainJson(value)) {
    return invalid(`content must be a string or plain JSON data nested at most ${MAX_CONTENT_DEPTH} levels`);
  }
  return ok(value as JsonValue);
}

/** A user id, or in a room a guest's `~` + user id. */
function checkRoomUserId(value: unknown, field: string): Checked<string> {
  const id = typeof value === 'string' && value.startsWith(GUEST_PREFIX) ? value.slice(GUEST_PREFIX.length) : value;
  const checked = checkUserId(id, field);
  return checked.ok ? ok(value as string) : checked;
}

/**
 * One id or a list of ids, de-duplicated, each a valid user id (in a room, `guests` allows a
 * guest's `~id` too), at most RECIPIENTS_MAX.
 */
export function checkRecipients(value: unknown, guests = false): Checked<string[]> {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    return invalid('users must be a user id or a non-empty array of user ids');
  }
  if (list.length > LIMITS.RECIPIENTS_MAX) {
    return fail(
      errorPayload(
        ERROR_CODES.TOO_MANY_RECIPIENTS,
        `at most ${LIMITS.RECIPIENTS_MAX} recipients per message; got ${list.length}`,
        { count: list.length, limit: LIMITS.RECIPIENTS_MAX },
      ),
    );
  }
  for (const id of list) {
    const checked = guests ? checkRoomUserId(id, 'every entry of users') : checkUserId(id, 'every entry of users');
    if (!checked.ok) return fail(checked.error);
  }
  return ok([...new Set(list as string[])]);
}

function checkSeq(value: unknown, field: string): Checked<number | undefined> {
  if (value === undefined || value === null) return ok(undefined);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return invalid(`${field} must be a non-negative integer`);
  }
  return ok(value);
}

/** The room handshake; the user id is checked against the token (see server/auth/credentials.ts). */
export function checkHandshake(value: unknown): Checked<{ token: string; userId: string | undefined; classId: string | null; since: number | undefined }> {
  if (!isRecord(value)) return fail(errorPayload(ERROR_CODES.TOKEN_MISSING, 'handshake auth is required'));
  if (typeof value.token !== 'string' || value.token.length === 0) {
    return fail(errorPayload(ERROR_CODES.TOKEN_MISSING, 'auth.token is required'));
  }
  let userId: string | undefined;
  if (value.userId !== undefined && value.userId !== null) {
    const checked = checkUserId(value.userId);
    if (!checked.ok) return fail(checked.error);
    userId = checked.value;
  }
  const classId = checkClassId(value.classId);
  if (!classId.ok) return fail(classId.error);
  const since = checkSeq(value.since, 'auth.since');
  if (!since.ok) return fail(since.error);
  return ok({ token: value.token, userId, classId: classId.value, since: since.value });
}

export function checkBroadcast(value: unknown): Checked<BroadcastPayload> {
  if (!isRecord(value)) return invalid('payload must be an object');
  const content = checkContent(value.content);
  return content.ok ? ok({ content: content.value }) : fail(content.error);
}

export function checkCommand(value: unknown): Checked<CommandPayload & { users: string[] }> {
  if (!isRecord(value)) return invalid('payload must be an object');
  const content = checkContent(value.content);
  if (!content.ok) return fail(content.error);
  const users = checkRecipients(value.users, true);
  if (!users.ok) return fail(users.error);
  return ok({ content: content.value, users: users.value });
}

function checkPriority(value: unknown): Checked<'high' | 'normal' | 'low'> {
  if (value === undefined) return ok('normal');
  if (value !== 'high' && value !== 'normal' && value !== 'low') return invalid("priority must be 'high', 'normal' or 'low'");
  return ok(value);
}

export function checkMessageSend(
  value: unknown,
): Checked<{ content: JsonValue; clientMsgId: string; users: string[] | null; classId: string | null | undefined; priority: 'high' | 'normal' | 'low' }> {
  if (!isRecord(value)) return invalid('payload must be an object');
  const priority = checkPriority(value.priority);
  if (!priority.ok) return fail(priority.error);
  if (typeof value.clientMsgId !== 'string' || !CLIENT_MSG_ID_PATTERN.test(value.clientMsgId)) {
    return fail(errorPayload(ERROR_CODES.INVALID_CLIENT_MSG_ID, 'clientMsgId must be a UUID'));
  }
  const content = checkContent(value.content);
  if (!content.ok) return fail(content.error);
  let users: string[] | null = null;
  if (value.users !== undefined && value.users !== null && !(Array.isArray(value.users) && value.users.length === 0)) {
    const checked = checkRecipients(value.users, true);
    if (!checked.ok) return fail(checked.error);
    users = checked.value;
  }
  let classId: string | null | undefined;
  if (Object.hasOwn(value, 'classId') && value.classId !== undefined) {
    const checked = checkClassId(value.classId);
    if (!checked.ok) return fail(checked.error);
    classId = checked.value;
  }
  return ok({ content: content.value, clientMsgId: value.clientMsgId.toLowerCase(), users, classId, priority: priority.value });
}

export function checkHistoryQuery(
  value: unknown,
): Checked<{ before?: number; after?: number; limit: number; classId: string | null | undefined }> {
  const query = value === undefined || value === null ? {} : value;
  if (!isRecord(query)) return invalid('query must be an object');
  const before = checkSeq(query.before, 'before');
  if (!before.ok) return fail(before.error);
  const after = checkSeq(query.after, 'after');
  if (!after.ok) return fail(after.error);
  if (before.value !== undefined && after.value !== undefined) return invalid('give either before or after, not both');
  let limit: number = LIMITS.HISTORY_PAGE_DEFAULT;
  if (query.limit !== undefined) {
    if (typeof query.limit !== 'number' || !Number.isInteger(query.limit) || query.limit < 1 || query.limit > LIMITS.HISTORY_PAGE_MAX) {
      return invalid(`limit must be an integer from 1 to ${LIMITS.HISTORY_PAGE_MAX}`);
    }
    limit = query.limit;
  }
  let classId: string | null | undefined;
  if (Object.hasOwn(query, 'classId') && query.classId !== undefined) {
    const checked = checkClassId(query.classId);
    if (!checked.ok) return fail(checked.error);
    classId = checked.value;
  }
  const result: { before?: number; after?: number; limit: number; classId: string | null | undefined } = { limit, classId };
  if (before.value !== undefined) result.before = before.value;
  if (after.value !== undefined) result.after = after.value;
  return ok(result);
}

export function checkSessionUpdate(value: unknown): Checked<SessionUpdatePayload> {
  if (!isRecord(value) || !Object.hasOwn(value, 'classId')) return invalid('payload must be { classId }');
  const classId = checkClassId(value.classId);
  return classId.ok ? ok({ classId: classId.value }) : fail(classId.error);
}

function checkConversationId(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !isWellFormed(value)) return invalid('conversationId must be a conversation id');
  return ok(value);
}

/** A list of distinct, valid user ids (possibly empty), at most `max`. */
function checkUserList(value: unknown, max: number, field: string): Checked<string[]> {
  if (!Array.isArray(value)) return invalid(`${field} must be an array of user ids`);
  if (value.length > max) {
    return fail(errorPayload(ERROR_CODES.TOO_MANY_MEMBERS, `at most ${max} entries in ${field}; got ${value.length}`, { limit: max }));
  }
  for (const id of value) {
    const checked = checkUserId(id, `every entry of ${field}`);
    if (!checked.ok) return fail(checked.error);
  }
  return ok([...new Set(value as string[])]);
}

export function checkConversationRef(value: unknown): Checked<{ conversationId: string }> {
  if (!isRecord(value)) return invalid('payload must be an object');
  const id = checkConversationId(value.conversationId);
  return id.ok ? ok({ conversationId: id.value }) : fail(id.error);
}

export function checkJoinRoom(value: unknown): Checked<{ roomId: string; token: string | null }> {
  if (!isRecord(value)) return invalid('payload must be { roomId, token? }');
  const roomId = checkRoomId(value.roomId);
  if (!roomId.ok) return fail(roomId.error);
  if (value.token !== undefined && value.token !== null && (typeof value.token !== 'string' || value.token === '' || value.token.length > 4096)) {
    return invalid('token must be a room token');
  }
  return ok({ roomId: roomId.value, token: (value.token as string | undefined) ?? null });
}

export function checkTicketPayload(value: unknown): Checked<{ ticket: string }> {
  if (!isRecord(value) || typeof value.ticket !== 'string' || value.ticket === '') {
    return fail(errorPayload(ERROR_CODES.TICKET_INVALID, 'payload must be { ticket }'));
  }
  return ok({ ticket: value.ticket });
}

export function checkConversationSync(value: unknown): Checked<{ since: number }> {
  const query = value === undefined || value === null ? {} : value;
  if (!isRecord(query)) return invalid('query must be an object');
  const since = checkSeq(query.since, 'since');
  return since.ok ? ok({ since: since.value ?? 0 }) : fail(since.error);
}

export function checkOpenDirect(value: unknown): Checked<{ userId: string }> {
  if (!isRecord(value)) return invalid('payload must be { userId }');
  const userId = checkUserId(value.userId);
  return userId.ok ? ok({ userId: userId.value }) : fail(userId.error);
}

export function checkCreateGroup(value: unknown): Checked<{ name: string; members: string[] }> {
  if (!isRecord(value)) return invalid('payload must be { name, members }');
  // Control and direction-override characters are dropped: a name reads as what it is.
  const name = typeof value.name === 'string' ? cleanText(value.name) : '';
  if (name === '' || name.length > LIMITS.GROUP_NAME_MAX_LENGTH) {
    return invalid(`name must be a non-empty string of at most ${LIMITS.GROUP_NAME_MAX_LENGTH} characters`);
  }
  const members = checkUserList(value.members ?? [], LIMITS.GROUP_MEMBERS_MAX - 1, 'members');
  return members.ok ? ok({ name, members: members.value }) : fail(members.error);
}

export function checkAddMembers(value: unknown): Checked<{ conversationId: string; members: string[] }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const members = checkUserList((value as Record<string, unknown>).members, LIMITS.RECIPIENTS_MAX, 'members');
  if (!members.ok) return fail(members.error);
  if (members.value.length === 0) return invalid('members must name at least one user');
  return ok({ conversationId: ref.value.conversationId, members: members.value });
}

export function checkMarkRead(value: unknown): Checked<{ conversationId: string; seq: number }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const seq = checkSeq((value as Record<string, unknown>).seq, 'seq');
  if (!seq.ok) return fail(seq.error);
  if (seq.value === undefined) return invalid('seq is required');
  return ok({ conversationId: ref.value.conversationId, seq: seq.value });
}

export function checkSettings(value: unknown): Checked<{ conversationId: string; pinned?: boolean; muted?: boolean }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const { pinned, muted } = value as Record<string, unknown>;
  if (pinned !== undefined && typeof pinned !== 'boolean') return invalid('pinned must be a boolean');
  if (muted !== undefined && typeof muted !== 'boolean') return invalid('muted must be a boolean');
  if (pinned === undefined && muted === undefined) return invalid('give pinned, muted or both');
  return ok({
    conversationId: ref.value.conversationId,
    ...(pinned !== undefined ? { pinned } : {}),
    ...(muted !== undefined ? { muted } : {}),
  });
}

/** A file named by a message: `{ id }` of an upload (other fields are filled in by the server). */
function checkFileRef(value: unknown, field: string): Checked<string> {
  const id = isRecord(value) ? value.id : undefined;
  if (typeof id !== 'string' || !FILE_ID_PATTERN.test(id)) return invalid(`${field} must be { id } of an uploaded file (POST /v1/uploads)`);
  return ok(id);
}

function checkDuration(value: unknown): Checked<number> {
  if (value === undefined || value === null) return ok(0);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LIMITS.MEDIA_DURATION_MAX) {
    return invalid(`duration must be a number of seconds from 0 to ${LIMITS.MEDIA_DURATION_MAX}`);
  }
  return ok(Math.round(value * 1000) / 1000);
}

/**
 * The content of a user message by type. Text, location and custom content is final; file
 * types name their upload (`fileId`, `posterId`), which the server replaces with the file's
 * details.
 */
export type MessageBody =
  | { type: 'text'; content: TextContent }
  | { type: 'location'; content: LocationContent }
  | { type: 'custom'; content: CustomContent }
  | { type: 'image' | 'file'; fileId: string }
  | { type: 'audio'; fileId: string; duration: number }
  | { type: 'video'; fileId: string; duration: number; posterId: string | null };

export function checkMessageBody(typeValue: unknown, value: unknown): Checked<MessageBody> {
  const type = typeValue ?? 'text';
  if (typeof type !== 'string' || !(SENDABLE_TYPES as readonly string[]).includes(type)) {
    return invalid(`type must be one of ${SENDABLE_TYPES.join(', ')}`);
  }
  const content = checkContent(value);
  if (!content.ok) return fail(content.error);
  const body = content.value;
  if (!isRecord(body)) {
    return type === 'text'
      ? fail(errorPayload(ERROR_CODES.CONTENT_EMPTY, 'a text message needs content { text } with some text'))
      : invalid(`a ${type} message needs an object as content`);
  }
  switch (type as SendableType) {
    case 'text': {
      const text = body.text;
      if (typeof text !== 'string' || text.trim() === '') {
        return fail(errorPayload(ERROR_CODES.CONTENT_EMPTY, 'a text message needs content { text } with some text'));
      }
      if (text.length > LIMITS.TEXT_MAX_LENGTH) {
        return fail(errorPayload(ERROR_CODES.TEXT_TOO_LONG, `text is ${text.length} characters; the limit is ${LIMITS.TEXT_MAX_LENGTH}`, { limit: LIMITS.TEXT_MAX_LENGTH }));
      }
      return ok({ type: 'text', content: { text } });
    }
    case 'location': {
      const { lat, lng, description } = body;
      if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) return invalid('lat must be a number from -90 to 90');
      if (typeof lng !== 'number' || !Number.isFinite(lng) || lng < -180 || lng > 180) return invalid('lng must be a number from -180 to 180');
      if (description !== undefined && (typeof description !== 'string' || description.length > LIMITS.LOCATION_DESCRIPTION_MAX_LENGTH)) {
        return invalid(`description must be a string of at most ${LIMITS.LOCATION_DESCRIPTION_MAX_LENGTH} characters`);
      }
      return ok({ type: 'location', content: { lat, lng, description: (description as string | undefined)?.trim() ?? '' } });
    }
    case 'custom': {
      if (!Object.hasOwn(body, 'data') || body.data === undefined) return fail(errorPayload(ERROR_CODES.CONTENT_EMPTY, 'a custom message needs content { data, description }'));
      const size = jsonByteLength(body.data);
      if (size > LIMITS.CUSTOM_DATA_MAX_BYTES) {
        return fail(errorPayload(ERROR_CODES.CONTENT_TOO_LARGE, `data is ${size} bytes serialized; the limit is ${LIMITS.CUSTOM_DATA_MAX_BYTES}`, { size, limit: LIMITS.CUSTOM_DATA_MAX_BYTES }));
      }
      const description = body.description ?? '';
      if (typeof description !== 'string' || description.length > LIMITS.CUSTOM_DESCRIPTION_MAX_LENGTH) {
        return invalid(`description must be a string of at most ${LIMITS.CUSTOM_DESCRIPTION_MAX_LENGTH} characters`);
      }
      return ok({ type: 'custom', content: { data: body.data as JsonValue, description } });
    }
    case 'image':
    case 'file': {
      const fileId = checkFileRef(body.file, 'file');
      return fileId.ok ? ok({ type: type as 'image' | 'file', fileId: fileId.value }) : fail(fileId.error);
    }
    case 'audio': {
      const fileId = checkFileRef(body.file, 'file');
      if (!fileId.ok) return fail(fileId.error);
      const duration = checkDuration(body.duration);
      return duration.ok ? ok({ type: 'audio', fileId: fileId.value, duration: duration.value }) : fail(duration.error);
    }
    case 'video': {
      const fileId = checkFileRef(body.file, 'file');
      if (!fileId.ok) return fail(fileId.error);
      const duration = checkDuration(body.duration);
      if (!duration.ok) return fail(duration.error);
      let posterId: string | null = null;
      if (body.poster !== undefined && body.poster !== null) {
        const poster = checkFileRef(body.poster, 'poster');
        if (!poster.ok) return fail(poster.error);
        posterId = poster.value;
      }
      return ok({ type: 'video', fileId: fileId.value, duration: duration.value, posterId });
    }
  }
}

export function checkUserMessageSend(value: unknown): Checked<{
  conversationId: string;
  clientMsgId: string;
  body: MessageBody;
  mentions: string[];
  countUnread: boolean;
  onlineOnly: boolean;
  priority: 'high' | 'normal' | 'low';
  replyTo: number | null;
}> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const fields = value as Record<string, unknown>;
  const priority = checkPriority(fields.priority);
  if (!priority.ok) return fail(priority.error);
  if (fields.onlineOnly !== undefined && typeof fields.onlineOnly !== 'boolean') return invalid('onlineOnly must be a boolean');
  if (typeof fields.clientMsgId !== 'string' || !CLIENT_MSG_ID_PATTERN.test(fields.clientMsgId)) {
    return fail(errorPayload(ERROR_CODES.INVALID_CLIENT_MSG_ID, 'clientMsgId must be a UUID'));
  }
  const body = checkMessageBody(fields.type, fields.content);
  if (!body.ok) return fail(body.error);
  let mentions: string[] = [];
  if (fields.mentions !== undefined) {
    if (!Array.isArray(fields.mentions) || fields.mentions.length > LIMITS.MENTIONS_MAX) {
      return invalid(`mentions must be an array of at most ${LIMITS.MENTIONS_MAX} user ids or "${MENTION_ALL}"`);
    }
    for (const id of fields.mentions) {
      if (id === MENTION_ALL) continue;
      const checked = checkUserId(id, 'every entry of mentions');
      if (!checked.ok) return fail(checked.error);
    }
    mentions = [...new Set(fields.mentions as string[])];
  }
  if (fields.countUnread !== undefined && typeof fields.countUnread !== 'boolean') return invalid('countUnread must be a boolean');
  let replyTo: number | null = null;
  if (fields.replyTo !== undefined && fields.replyTo !== null) {
    if (typeof fields.replyTo !== 'number' || !Number.isSafeInteger(fields.replyTo) || fields.replyTo < 1) return invalid('replyTo must be the seq of a message');
    replyTo = fields.replyTo;
  }
  return ok({
    conversationId: ref.value.conversationId,
    clientMsgId: fields.clientMsgId.toLowerCase(),
    body: body.value,
    mentions,
    countUnread: fields.countUnread !== false,
    onlineOnly: fields.onlineOnly === true,
    priority: priority.value,
    replyTo,
  });
}

export function checkUserHistoryQuery(value: unknown): Checked<{ conversationId: string; before?: number; after?: number; limit: number }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const query = checkHistoryQuery(value);
  if (!query.ok) return fail(query.error);
  const { classId: _classId, ...rest } = query.value;
  return ok({ ...rest, conversationId: ref.value.conversationId });
}

export function checkTyping(value: unknown): Checked<{ conversationId: string; typing: boolean }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const typing = (value as Record<string, unknown>).typing;
  if (typeof typing !== 'boolean') return invalid('typing must be a boolean');
  return ok({ conversationId: ref.value.conversationId, typing });
}

export function checkPresenceQuery(value: unknown): Checked<{ userIds: string[] }> {
  if (!isRecord(value)) return invalid('payload must be { userIds }');
  const ids = checkUserList(value.userIds, LIMITS.RECIPIENTS_MAX, 'userIds');
  return ids.ok ? ok({ userIds: ids.value }) : fail(ids.error);
}

export function checkMessageRef(value: unknown): Checked<{ conversationId: string; seq: number }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const seq = (value as Record<string, unknown>).seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return invalid('seq must be a positive integer');
  return ok({ conversationId: ref.value.conversationId, seq });
}

export function checkEdit(value: unknown): Checked<{ conversationId: string; seq: number; text: string }> {
  const ref = checkMessageRef(value);
  if (!ref.ok) return ref;
  const text = (value as Record<string, unknown>).text;
  if (typeof text !== 'string' || text.trim() === '') return fail(errorPayload(ERROR_CODES.CONTENT_EMPTY, 'text is required'));
  if (text.length > LIMITS.TEXT_MAX_LENGTH) {
    return fail(errorPayload(ERROR_CODES.TEXT_TOO_LONG, `text is ${text.length} characters; the limit is ${LIMITS.TEXT_MAX_LENGTH}`));
  }
  return ok({ ...ref.value, text });
}

export function checkReaction(value: unknown): Checked<{ conversationId: string; seq: number; emoji: string; on: boolean }> {
  const ref = checkMessageRef(value);
  if (!ref.ok) return ref;
  const { emoji, on } = value as Record<string, unknown>;
  if (typeof emoji !== 'string' || emoji.trim() === '' || emoji.length > LIMITS.REACTION_MAX_LENGTH || /[\u0000-\u001f<>]/.test(emoji) || !isWellFormed(emoji)) {
    return invalid(`emoji must be 1 to ${LIMITS.REACTION_MAX_LENGTH} characters of an emoji or short text`);
  }
  if (typeof on !== 'boolean') return invalid('on must be a boolean');
  return ok({ ...ref.value, emoji, on });
}

export function checkChangesQuery(value: unknown): Checked<{ conversationId: string; since: number; limit: number }> {
  const ref = checkConversationRef(value);
  if (!ref.ok) return ref;
  const { since, limit } = value as Record<string, unknown>;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) return invalid('since must be a non-negative integer');
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.CHANGES_PAGE_MAX)) {
    return invalid(`limit must be an integer from 1 to ${LIMITS.CHANGES_PAGE_MAX}`);
  }
  return ok({ conversationId: ref.value.conversationId, since, limit: (limit as number | undefined) ?? LIMITS.CHANGES_PAGE_MAX });
}
