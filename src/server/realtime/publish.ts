import { conversationTypeOf, type SkippedMessage, type StoredMessage } from '../../protocol/models.js';
import type { Store } from '../store/store.js';
import { classRoom, classUserRoom, conversationRoom, userSessionsRoom } from './rooms.js';
import type { IMServer, IMSocket } from './types.js';

/**
 * Pushes of stored messages. Each goes to the Socket.IO rooms whose connections may read it
 * (server/domain/visibility.ts): a room's message to its class, or, when targeted, to its
 * recipients and sender in that class; a direct, group or system message to the conversation.
 * Each push is encoded once, whatever the number of receivers.
 */

export const isRoomConversation = (conversationId: string): boolean => conversationTypeOf(conversationId) === 'room';

/** The rooms of the connections a targeted room message is for (recipients and sender, in its class). */
function addressed(message: StoredMessage): string[] {
  const users = new Set<string>([...(message.recipients ?? []), message.senderId]);
  return [...users].map((userId) => classUserRoom(message.conversationId, message.classId, userId));
}

/**
 * A new message. `from` (the sender's connection) does not get it back: its acknowledgement
 * carries the seq. The rest of a class gets `message:skipped` for a message targeted to others,
 * so its stream of seqs has no hole it cannot explain.
 */
export function publishCreated(io: IMServer, message: StoredMessage, from?: IMSocket): void {
  const to = (rooms: string | string[]) => (from ? from.to(rooms) : io.to(rooms));
  const { conversationId, classId } = message;
  if (!isRoomConversation(conversationId)) {
    to(conversationRoom(conversationId)).emit('message:created', message);
    return;
  }
  if (message.recipients === null) {
    to(classRoom(conversationId, classId)).emit('message:created', message);
    return;
  }
  const rooms = addressed(message);
  to(rooms).emit('message:created', message);
  const skip: SkippedMessage = { conversationId, classId, seq: message.seq, prev: message.prev };
  to(classRoom(conversationId, classId)).except(rooms).emit('message:skipped', skip);
}

/**
 * A new state of a stored message (edit, recall, reaction), to those who may read it: in a
 * direct or group conversation not to members who joined after it was sent.
 */
export async function publishUpdated(io: IMServer, store: Store, message: StoredMessage): Promise<void> {
  const { conversationId, classId } = message;
  if (isRoomConversation(conversationId)) {
    io.to(message.recipients === null ? classRoom(conversationId, classId) : addressed(message)).emit('message:updated', message);
    return;
  }
  const late = await store.lateJoiners(conversationId, message.seq);
  const operator = io.to(conversationRoom(conversationId));
  (late.length > 0 ? operator.except(late.map(userSessionsRoom)) : operator).emit('message:updated', message);
}
