import { MENTION_ALL } from '../../protocol/models.js';
import { fold } from '../conversation-list/row-text.js';

/** Characters of a user id (LIMITS.USER_ID_PATTERN); a mention ends at the first other one. */
const ID_CHAR = /[A-Za-z0-9_-]/;

/** The `@query` being typed at the caret: where its `@` is, where the word ends and what follows the `@`. */
export interface MentionQuery {
  start: number;
  end: number;
  query: string;
}

/**
 * The mention being typed at the caret, if any: an `@` at the start of the text or after
 * whitespace, followed by id characters up to the caret (and on past it, when the caret sits
 * inside a word, so that picking replaces the whole word).
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | undefined {
  let at = caret;
  while (at > 0 && ID_CHAR.test(text[at - 1]!)) at -= 1;
  if (at === 0 || text[at - 1] !== '@') return undefined;
  const start = at - 1;
  if (start > 0 && !/\s/.test(text[start - 1]!)) return undefined;
  let end = caret;
  while (end < text.length && ID_CHAR.test(text[end]!)) end += 1;
  return { start, end, query: text.slice(at, caret) };
}

/**
 * Members whose id, or a word of whose display name, starts with the query (case and accents
 * ignored), yourself left out, at most `limit`.
 */
export function matchMembers(members: readonly string[], query: string, self: string | undefined, limit = 8, names?: (userId: string) => string): string[] {
  const prefix = fold(query);
  const found: string[] = [];
  for (const id of new Set(members)) {
    if (id === self) continue;
    const name = names?.(id);
    if (!fold(id).startsWith(prefix) && !(name && fold(name).split(/\s+/).some((word) => word.startsWith(prefix)))) continue;
    found.push(id);
    if (found.length === limit) break;
  }
  return found;
}

/**
 * The mentions a text carries: every `@id` word whose id is one of `known` (members, and ids
 * picked from the list), and `@all` when `all` allows it. A mention picked and then deleted
 * from the text is not sent.
 */
export function mentionsIn(text: string, known: ReadonlySet<string>, all: boolean): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:^|\s)@([A-Za-z0-9_-]+)/g)) {
    const id = match[1]!;
    if (id === 'all' && all) found.add(MENTION_ALL);
    else if (known.has(id)) found.add(id);
  }
  return [...found];
}
