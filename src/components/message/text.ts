import { MENTION_ALL } from '../../protocol/models.js';
import { cleanText } from '../../protocol/text.js';

/** A piece of a text message: plain text, a link we allow, or a mention. All are rendered as text. */
export type TextToken =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string }
  | { readonly kind: 'mention'; readonly text: string; readonly userId: string };

/**
 * Candidates: a URL that starts with http://, https:// or mailto: (RFC 3986 characters only, so
 * text written right after it in a script without spaces is not swallowed), or `@id` not
 * preceded by a letter, digit or `@` (so `a@b.com` is no mention).
 */
const CANDIDATES = /\b(?:https?:\/\/|mailto:)[\w\-.~:/?#[\]@!$&'()*+,;=%]+|(?<![\p{L}\p{N}_@.-])@([A-Za-z0-9_-]{1,32})/giu;

const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[' };

/** Sentence punctuation after a link is not part of it; a closing bracket is when it has its opener. */
function trimLink(candidate: string): string {
  let end = candidate.length;
  while (end > 0) {
    const last = candidate[end - 1]!;
    if (".,;:!?'*".includes(last)) {
      end -= 1;
      continue;
    }
    const opener = CLOSERS[last];
    if (opener) {
      const body = candidate.slice(0, end);
      if (body.split(opener).length < body.split(last).length) {
        end -= 1;
        continue;
      }
    }
    break;
  }
  return candidate.slice(0, end);
}

/** The href for a link we make clickable: http(s) with a host, or mailto; anything else stays text. */
export function safeHref(candidate: string): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol === 'mailto:') return url.pathname.length > 0 ? url.href : undefined;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return url.href;
  return undefined;
}

/**
 * Splits a message text into plain text, links (http, https, mailto only) and the mentions the
 * message really carries (`mentions`: user ids and MENTION_ALL). Line breaks stay in the text.
 */
export function tokenize(text: string, mentions: readonly string[] = []): TextToken[] {
  const tokens: TextToken[] = [];
  let plain = '';
  let index = 0;
  const flush = () => {
    if (plain) tokens.push({ kind: 'text', text: plain });
    plain = '';
  };
  for (const match of text.matchAll(CANDIDATES)) {
    const start = match.index;
    plain += text.slice(index, start);
    index = start;
    const id = match[1];
    if (id !== undefined) {
      const userId = id === 'all' && mentions.includes(MENTION_ALL) ? MENTION_ALL : mentions.includes(id) ? id : undefined;
      if (userId === undefined) continue;
      flush();
      tokens.push({ kind: 'mention', text: match[0], userId });
      index = start + match[0].length;
      continue;
    }
    const candidate = trimLink(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    flush();
    tokens.push({ kind: 'link', text: candidate, href });
    index = start + candidate.length;
  }
  plain += text.slice(index);
  flush();
  return tokens;
}

/**
 * One-line text with its mentions written as display names ("@maria" → "@María"): `mentions` as
 * the message carries them, or, for a quote that has no list, every `@id` that has a display name.
 */
export function mentionsByName(text: string, names: (userId: string) => string, mentions?: readonly string[], allLabel = 'all'): string {
  const ids = mentions ?? [...text.matchAll(CANDIDATES)].flatMap((match) => (match[1] && names(match[1]) ? [match[1]] : []));
  if (ids.length === 0) return text;
  return tokenize(text, ids)
    .map((token) => (token.kind === 'mention' ? `@${token.userId === MENTION_ALL ? allLabel : cleanText(names(token.userId) ?? '') || token.userId}` : token.text))
    .join('');
}
