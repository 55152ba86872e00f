import type { ExpressionBuilder } from 'kysely';
import type { StoredMessage } from '../../protocol/models.js';

/**
 * Who may read a stored message: the one rule every read path (history, session start,
 * changes, replies, reactions, conversation previews and unread counts) and every push path
 * (new messages, updates) applies. It has two renderings that must agree: `canRead` for a
 * message in hand and `readableBy` as an SQL condition for queries; a test checks them against
 * each other.
 *
 * A reader is a room session (its class), a signed-in member of a room (no class) or a member
 * of a direct, group or system conversation (no class, no targeted messages there). A reader
 * sees a message when it is
 * - of the reader's class (no class for signed-in users),
 * - for everyone, or sent by the reader, or targeted to the reader,
 * - after the reader joined (members do not read what came before they joined) and, for one
 *   who left, not after they left.
 */
export interface Reader {
  /** The user id, or a guest's `~id` in a room. */
  userId: string;
  classId: string | null;
  /** Messages up to this seq came before the reader joined. */
  joinedSeq: number;
  /** Messages after this seq came after the reader left; null while a member. */
  leftSeq?: number | null;
}

type Readable = Pick<StoredMessage, 'seq' | 'classId' | 'recipients' | 'senderId'>;

const classKey = (classId: string | null | undefined): string => classId ?? '';

export function canRead(reader: Reader, message: Readable): boolean {
  if (message.seq <= reader.joinedSeq) return false;
  if (reader.leftSeq !== undefined && reader.leftSeq !== null && message.seq > reader.leftSeq) return false;
  if (classKey(message.classId) !== classKey(reader.classId)) return false;
  return message.recipients === null || message.senderId === reader.userId || message.recipients.includes(reader.userId as never);
}

/**
 * `canRead` as a condition on the messages table under `alias`. A targeted message lists its
 * sender among its recipient rows, so "sender or recipient" is one lookup.
 */
export function readableBy(reader: Reader, alias: 'm' | 'messages') {
  return (eb: ExpressionBuilder<any, any>) => {
    const conditions = [
      eb(`${alias}.class_id`, '=', classKey(reader.classId)),
      eb(`${alias}.seq`, '>', reader.joinedSeq),
      eb.or([
        eb(`${alias}.recipients`, 'is', null),
        eb.exists(
          eb
            .selectFrom('message_recipients as r')
            .select('r.seq')
            .whereRef('r.conversation_id', '=', `${alias}.conversation_id`)
            .whereRef('r.seq', '=', `${alias}.seq`)
            .where('r.user_id', '=', reader.userId),
        ),
      ]),
    ];
    if (reader.leftSeq !== undefined && reader.leftSeq !== null) conditions.push(eb(`${alias}.seq`, '<=', reader.leftSeq));
    return eb.and(conditions);
  };
}
