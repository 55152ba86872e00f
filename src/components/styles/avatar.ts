import { html, nothing } from 'lit';

/**
 * Avatars: a colour and initials, the same for a user in every element, and over them the
 * page's picture when it gives one (`avatars`); a picture that fails to load leaves the initials.
 */

/** Picture URLs for user ids (and conversation ids of groups and rooms), as a page gives them. */
export type Avatars = (id: string) => string | undefined;

const hideBroken = (event: Event): void => {
  (event.target as HTMLImageElement).hidden = true;
};

/** The picture over an avatar's initials, when there is one. */
export const avatarImage = (url: string | undefined) =>
  url ? html`<img class="avatar-img" src=${url} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" @error=${hideBroken} />` : nothing;

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : undefined;
const firstGrapheme = (word: string): string =>
  segmenter ? (segmenter.segment(word)[Symbol.iterator]().next().value?.segment ?? '') : (Array.from(word)[0] ?? '');
const initialsCache = new Map<string, string>();

/** One or two letters for an avatar: the first of the first two words ("Project Apollo" → "PA", "bob" → "B"). */
export function initialsOf(name: string): string {
  let initials = initialsCache.get(name);
  if (initials === undefined) {
    // A guest's "~ann" has the initial of ann.
    const words = name.trim().replace(/^~/, '').split(/\s+/).filter(Boolean);
    initials = words.slice(0, 2).map((word) => firstGrapheme(word).toLocaleUpperCase()).join('');
    if (initialsCache.size > 5000) initialsCache.clear();
    initialsCache.set(name, initials);
  }
  return initials;
}

/** A stable hue (0–359) for an id, so a person or conversation keeps its colour everywhere. */
export function hueOf(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % 360;
}
