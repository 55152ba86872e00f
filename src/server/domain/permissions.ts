import { ERROR_CODES, type ErrorCode } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/limits.js';
import { GUEST_PREFIX, isGuestId, type ConversationType, type RoomRole, type StoredMessage } from '../../protocol/models.js';

/**
 * Who may do what, beyond reading (server/domain/visibility.ts). Plain functions over models:
 * the handlers ask, and answer the caller with the coded refusal these return.
 */

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** Where the caller stands in a conversation. */
export interface Standing {
  conversationType: ConversationType;
  /** Groups: owner or member; rooms: viewer, member or moderator. */
  role: 'owner' | 'member' | RoomRole;
}

/** Sending, signals and reactions: everyone but a room's viewers (who receive only). */
export function mayWrite(standing: Standing): Refusal | null {
  if (standing.role === 'viewer') return { code: ERROR_CODES.FORBIDDEN, message: 'viewers of a room receive only' };
  if (standing.conversationType === 'system') return { code: ERROR_CODES.FORBIDDEN, message: 'system conversations are written by the site only' };
  return null;
}

/**
 * High priority passes a busy conversation's rate limit: for those who run it (a room's
 * moderators, a group's owner), never for everyone, or a flood could claim it.
 */
export function mayUsePriority(priority: 'high' | 'normal' | 'low', standing: Standing): Refusal | null {
  if (priority !== 'high') return null;
  const allowed =
    (standing.conversationType === 'room' && standing.role === 'moderator') || (standing.conversationType === 'group' && standing.role === 'owner');
  return allowed ? null : { code: ERROR_CODES.FORBIDDEN, message: 'high priority is for room moderators and group owners' };
}

/**
 * Who a room message "to users" reaches. `~x` names the guest x. A plain id names the
 * signed-in (site-vouched) user x; from a guest it names guest x as well, since guests address
 * each other by the ids they chose. A signed-in sender's plain ids never reach a guest, so a
 * guest that picks someone's id cannot read what is sent to them.
 */
export function resolveRecipients(senderId: string, ids: readonly string[]): string[] {
  const fromGuest = isGuestId(senderId);
  const resolved = new Set<string>();
  for (const id of ids) {
    resolved.add(id);
    if (fromGuest && !isGuestId(id)) resolved.add(`${GUEST_PREFIX}${id}`);
  }
  return [...resolved];
}

/** Recall: the sender within the recall window; a group's owner at any time. */
export function mayRecall(message: StoredMessage, userId: string, standing: Standing, now: number, recallWindowSeconds: number): Refusal | null {
  if (message.type === 'tip') return { code: ERROR_CODES.FORBIDDEN, message: 'server tips cannot be recalled' };
  if (standing.conversationType === 'group' && standing.role === 'owner') return null;
  if (message.senderId !== userId) return { code: ERROR_CODES.FORBIDDEN, message: 'only the sender or the group owner can recall a message' };
  if (now - message.time > recallWindowSeconds * 1000) {
    return { code: ERROR_CODES.RECALL_WINDOW_PASSED, message: `messages can be recalled within ${recallWindowSeconds} s of sending` };
  }
  return null;
}

/** Edit: the sender's own text message, not recalled, within the edit window. */
export function mayEdit(message: StoredMessage, userId: string, now: number): Refusal | null {
  if (message.senderId !== userId) return { code: ERROR_CODES.FORBIDDEN, message: 'only the sender can edit a message' };
  if (message.type !== 'text' || message.recalled) return { code: ERROR_CODES.FORBIDDEN, message: 'only text messages that were not recalled can be edited' };
  if (now - message.time > LIMITS.EDIT_WINDOW_MS) return { code: ERROR_CODES.EDIT_WINDOW_PASSED, message: 'messages can be edited within 24 hours' };
  return null;
}
