import { EMOJI_GROUPS, type EmojiGroupId } from './emoji-data.js';

/** One emoji of the table, without a skin tone. */
export interface EmojiEntry {
  readonly emoji: string;
  /** English name (Unicode CLDR short name). */
  readonly name: string;
  readonly group: EmojiGroupId;
  /** How a skin tone applies (see `EmojiGroupData.tones`): 0 not at all. */
  readonly tone: 0 | 1 | 2;
}

export interface EmojiGroup {
  readonly id: EmojiGroupId;
  readonly entries: readonly EmojiEntry[];
}

/** 0 is no modifier (the yellow default), 1–5 the Fitzpatrick modifiers from light to dark. */
export type SkinTone = 0 | 1 | 2 | 3 | 4 | 5;

export const SKIN_TONE_MODIFIERS = ['', '\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'] as const;

/** Ids of the groups, in order. */
export const GROUP_IDS: readonly EmojiGroupId[] = EMOJI_GROUPS.map((g) => g.id);

/** How many emoji a group has, without decoding it. */
export function groupSize(index: number): number {
  return EMOJI_GROUPS[index]!.tones.length;
}

const decoded: EmojiGroup[] = [];
/** Extra search keywords of each decoded group, parallel to its entries. */
const keywordsOf: string[][] = [];

/** One group, decoded on first use: opening the picker decodes only what it shows first. */
export function emojiGroup(index: number): EmojiGroup {
  const cached = decoded[index];
  if (cached) return cached;
  const data = EMOJI_GROUPS[index]!;
  const emoji = data.emoji.split(' ');
  const names = data.names.split('|');
  const entries: EmojiEntry[] = [];
  const keywords: string[] = [];
  for (let i = 0; i < emoji.length; i += 1) {
    const [name = '', extra = ''] = names[i]!.split(';');
    entries.push({ emoji: emoji[i]!, name, group: data.id, tone: Number(data.tones[i]) as 0 | 1 | 2 });
    keywords.push(extra);
  }
  const group = { id: data.id, entries };
  decoded[index] = group;
  keywordsOf[index] = keywords;
  return group;
}

const SKIN_TONE_PATTERN = /[\u{1F3FB}-\u{1F3FF}]/gu;

/** Where a whole emoji (between spaces) is in a group's list, or -1. */
function positionIn(list: string, emoji: string): number {
  for (let at = list.indexOf(emoji); at >= 0; at = list.indexOf(emoji, at + 1)) {
    const end = at + emoji.length;
    if ((at === 0 || list[at - 1] === ' ') && (end === list.length || list[end] === ' ')) return at;
  }
  return -1;
}

/** The entry of an emoji as stored or picked, with or without a skin tone; decodes only its group. */
export function entryOf(emoji: string): EmojiEntry | undefined {
  const base = emoji.replace(SKIN_TONE_PATTERN, '');
  for (const candidate of base === emoji ? [emoji] : [emoji, base]) {
    for (let g = 0; g < EMOJI_GROUPS.length; g += 1) {
      const at = positionIn(EMOJI_GROUPS[g]!.emoji, candidate);
      if (at < 0) continue;
      let index = 0;
      for (let i = EMOJI_GROUPS[g]!.emoji.indexOf(' '); i >= 0 && i < at; i = EMOJI_GROUPS[g]!.emoji.indexOf(' ', i + 1)) index += 1;
      return emojiGroup(g).entries[index];
    }
  }
  return undefined;
}

/**
 * The emoji with a skin tone, where it takes one: the modifier goes after the first code point
 * (replacing a variation selector there), and for two-person emoji also after the last.
 */
export function withSkinTone(entry: EmojiEntry, tone: SkinTone): string {
  if (tone === 0 || entry.tone === 0) return entry.emoji;
  const modifier = SKIN_TONE_MODIFIERS[tone];
  const points = [...entry.emoji];
  const rest = points.slice(points[1] === '\uFE0F' ? 2 : 1).join('');
  return `${points[0]}${modifier}${rest}${entry.tone === 2 ? modifier : ''}`;
}

/** Lower case, without accents, punctuation as spaces: "Côte d’Ivoire" → " cote d'ivoire". */
export function normalizeSearch(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[\s\-:,;.()“”"!?&/]+/g, ' ')
    .trim()}`;
}

/** Normalised names and keywords of all emoji, in table order; made on the first search. */
let searchIndex: { all: EmojiEntry[]; names: string[]; keywords: string[] } | undefined;

/**
 * Emoji whose name or keywords have a word starting with every word of the query, those
 * whose name alone matches first, each part in table order.
 */
export function searchEmoji(query: string): EmojiEntry[] {
  const words = normalizeSearch(query).split(' ').filter(Boolean);
  if (words.length === 0) return [];
  if (!searchIndex) {
    const groups = GROUP_IDS.map((_, g) => emojiGroup(g));
    const all = groups.flatMap((g) => g.entries);
    searchIndex = { all, names: all.map((e) => normalizeSearch(e.name)), keywords: keywordsOf.flat().map(normalizeSearch) };
  }
  const { all, names, keywords: extra } = searchIndex;
  const byName: EmojiEntry[] = [];
  const byKeyword: EmojiEntry[] = [];
  for (let i = 0; i < all.length; i += 1) {
    const name = names[i]!;
    let inName = true;
    let found = true;
    for (const w of words) {
      if (name.includes(` ${w}`)) continue;
      inName = false;
      if (!extra[i]!.includes(` ${w}`)) {
        found = false;
        break;
      }
    }
    if (found) (inName ? byName : byKeyword).push(all[i]!);
  }
  return [...byName, ...byKeyword];
}
