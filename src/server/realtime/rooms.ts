/**
 * Every Socket.IO room the server uses, named in one place. The rooms a connection is in mirror
 * what it may read (server/domain/visibility.ts): pushes go to rooms, never to a list of
 * sockets picked in a loop.
 */

/** Every connection in a conversation: members of a direct, group or system conversation; everyone in a room (online count, typing). */
export const conversationRoom = (conversationId: string): string => `c:${conversationId}`;

/** The connections reading one class of a room (signed-in members read the class `null`): messages for everyone in it go here. */
export const classRoom = (conversationId: string, classId: string | null): string => `k:${JSON.stringify([conversationId, classId ?? ''])}`;

/** One user's connections reading one class of a room: messages targeted to them go here. */
export const classUserRoom = (conversationId: string, classId: string | null, userId: string): string =>
  `ku:${JSON.stringify([conversationId, classId ?? '', userId])}`;

/** One user's connections in a room, whatever their class: custom commands (not stored) go here. */
export const userRoom = (conversationId: string, userId: string): string => `u:${conversationId}:${userId}`;

/** Every signed-in (ticket) connection of one user: their list, presence, deletions. */
export const userSessionsRoom = (userId: string): string => `user:${userId}`;

/** Every connection the site vouched for as this user (tickets and room tokens bound to them): ended together on revoke. */
export const principalRoom = (userId: string): string => `p:${userId}`;
