import { entryOf, type SkinTone } from './emoji-catalog.js';

/** localStorage key of the recently used emoji: a JSON array, most recent first. */
export const RECENT_EMOJI_KEY = 'im-elements:recent-emoji';
/** localStorage key of the chosen skin tone (0–5). */
export const SKIN_TONE_KEY = 'im-elements:emoji-skin-tone';
export const RECENT_EMOJI_MAX = 24;

// Storage can be missing or throw (sandboxed frames, privacy modes, a full quota): the picker
// then works without memory rather than failing.
function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // see above
  }
}

/** The recently used emoji, most recent first; anything that is not a known emoji is dropped. */
export function readRecentEmoji(): string[] {
  let stored: unknown;
  try {
    stored = JSON.parse(read(RECENT_EMOJI_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const known = stored.filter((e): e is string => typeof e === 'string' && entryOf(e) !== undefined);
  return [...new Set(known)].slice(0, RECENT_EMOJI_MAX);
}

/** Puts an emoji first in the recently used list and returns the new list. */
export function rememberEmoji(emoji: string): string[] {
  const recent = [emoji, ...readRecentEmoji().filter((e) => e !== emoji)].slice(0, RECENT_EMOJI_MAX);
  write(RECENT_EMOJI_KEY, JSON.stringify(recent));
  return recent;
}

export function readSkinTone(): SkinTone {
  const tone = Number(read(SKIN_TONE_KEY));
  return Number.isInteger(tone) && tone >= 0 && tone <= 5 ? (tone as SkinTone) : 0;
}

export function writeSkinTone(tone: SkinTone): void {
  write(SKIN_TONE_KEY, String(tone));
}
