#!/usr/bin/env node
// Writes src/components/emoji-picker/emoji-data.ts, the compact emoji table of <im-emoji-picker>.
//
// Sources (installed outside the repo, they are not dependencies of im-elements):
//   unicode-emoji-json  fully-qualified emoji, CLDR names, groups and skin-tone support (Unicode data)
//   emojilib            English search keywords for the same emoji (made for unicode-emoji-json)
//
// Usage:
//   mkdir -p /tmp/emoji && cd /tmp/emoji && npm init -y && npm install unicode-emoji-json emojilib
//   node scripts/gen-emoji-data.mjs /tmp/emoji/node_modules/unicode-emoji-json [/path/to/emojilib]
//     [--max-version=15.1] [--max-keywords=2] [--max-share=0.15]
//
// emojilib defaults to the folder next to unicode-emoji-json. Emoji newer than --max-version are
// left out: system emoji fonts lag behind Unicode, and a picker full of empty boxes helps nobody.
// The module is budgeted at ~25 KB gzipped: names cost ~10 KB, the emoji ~5 KB, and keywords the
// rest, so each emoji keeps its first --max-keywords keywords (emojilib lists the most useful
// first) that are not already covered by its name and are not the theme of its whole group.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const options = Object.fromEntries(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
const [unicodeDir, emojilibDir] = args.filter((a) => !a.startsWith('--'));
if (!unicodeDir) {
  console.error('Usage: node scripts/gen-emoji-data.mjs <unicode-emoji-json dir> [emojilib dir] [--max-version=15.1]');
  process.exit(1);
}
const maxVersion = Number(options['max-version'] ?? '15.1');
/** Extra keywords kept per emoji (emojilib lists the most useful first): the budget is ~25 KB gzipped. */
const maxKeywords = Number(options['max-keywords'] ?? '2');
/**
 * Keywords used by more than this share of a group's emoji are the group's theme (face, animal,
 * nature, food, country, sports…): they find half the group, so they are not worth their bytes.
 */
const maxShare = Number(options['max-share'] ?? '0.15');
const libDir = emojilibDir ?? join(dirname(resolve(unicodeDir)), 'emojilib');
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'components', 'emoji-picker', 'emoji-data.ts');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const unicodePkg = readJson(join(unicodeDir, 'package.json'));
const libPkg = readJson(join(libDir, 'package.json'));
const byGroup = readJson(join(unicodeDir, 'data-by-group.json'));
const keywords = readJson(join(libDir, libPkg.main ?? 'dist/emoji-en-US.json'));

/** unicode-emoji-json group slug → our group id (the Component group, skin tones and hair, is left out). */
const GROUPS = {
  smileys_emotion: 'smileys',
  people_body: 'people',
  animals_nature: 'animals',
  food_drink: 'food',
  travel_places: 'travel',
  activities: 'activities',
  objects: 'objects',
  symbols: 'symbols',
  flags: 'flags',
};

const PERSONS = new Set([0x1f468, 0x1f469, 0x1f9d1]); // man, woman, person

/**
 * How a skin tone applies: 0 not at all, 1 modifier after the first code point (👋 → 👋🏽,
 * 🤦‍♀️ → 🤦🏽‍♀️), 2 after the first and the last (the couples and 🧑‍🤝‍🧑, which take one tone per person).
 */
function toneRule(entry) {
  if (!entry.skin_tone_support) return '0';
  const cps = [...entry.emoji].map((c) => c.codePointAt(0)).filter((cp) => cp !== 0xfe0f);
  const twoPeople = cps.includes(0x200d) && PERSONS.has(cps[0]) && PERSONS.has(cps.at(-1));
  return twoPeople ? '2' : '1';
}

/** Keywords emojilib got from how flags are encoded (regional indicator symbol letters), not from their meaning. */
const NOISE = new Set(['indicator', 'regional', 'letters', 'symbol']);

/** Words of a text, lower case, for search (the picker matches query words as word prefixes). */
const words = (text) => text.toLowerCase().replaceAll('_', ' ').split(/\s+/).filter(Boolean);

/**
 * The search text of one emoji: its name, then `;` and the keywords that add something, i.e.
 * that are not already a prefix of a word of the name or of a longer keyword.
 */
function searchText(entry, theme) {
  const name = entry.name;
  if (/[|;]/.test(name)) throw new Error(`Name contains a delimiter: ${name}`);
  const nameWords = words(name);
  const extra = [...new Set((keywords[entry.emoji] ?? []).flatMap(words))].filter(
    (w) => !/[|;]/.test(w) && !theme.has(w) && !NOISE.has(w),
  );
  const kept = [];
  for (const w of extra) {
    if (nameWords.some((n) => n.startsWith(w))) continue;
    // "cry" then "crying": keep "crying" in the place of "cry", it answers both queries.
    const longest = extra.filter((other) => other.startsWith(w)).reduce((a, b) => (b.length > a.length ? b : a));
    if (!kept.includes(longest)) kept.push(longest);
  }
  const some = kept.slice(0, maxKeywords);
  return some.length ? `${name};${some.join(' ')}` : name;
}

const groups = [];
let count = 0;
for (const group of byGroup) {
  const id = GROUPS[group.slug];
  if (!id) continue;
  const entries = group.emojis.filter((e) => Number(e.emoji_version) <= maxVersion);
  for (const e of entries) if (/\s/.test(e.emoji)) throw new Error(`Emoji contains white space: ${e.name}`);
  count += entries.length;
  const use = new Map();
  for (const e of entries) for (const w of new Set((keywords[e.emoji] ?? []).flatMap(words))) use.set(w, (use.get(w) ?? 0) + 1);
  const theme = new Set([...use].filter(([, n]) => n > entries.length * maxShare).map(([w]) => w));
  groups.push({
    id,
    emoji: entries.map((e) => e.emoji).join(' '),
    names: entries.map((e) => searchText(e, theme)).join('|'),
    tones: entries.map(toneRule).join(''),
  });
}
if (groups.length !== Object.keys(GROUPS).length) throw new Error('A group is missing from the data');

const source = `// Generated by scripts/gen-emoji-data.mjs: do not edit by hand.
// Sources: ${unicodePkg.name}@${unicodePkg.version} (emoji, names, groups, skin-tone support; Unicode data)
// and ${libPkg.name}@${libPkg.version} (English search keywords), emoji up to Emoji ${maxVersion.toFixed(1)}.
// Regenerate:
//   mkdir -p /tmp/emoji && cd /tmp/emoji && npm init -y && npm install ${unicodePkg.name}@${unicodePkg.version} ${libPkg.name}@${libPkg.version}
//   node scripts/gen-emoji-data.mjs /tmp/emoji/node_modules/${unicodePkg.name} --max-version=${maxVersion.toFixed(1)} --max-keywords=${maxKeywords} --max-share=${maxShare}
// Loaded on demand with <im-emoji-picker>; nothing else may import it.

export type EmojiGroupId = ${Object.values(GROUPS)
  .map((id) => `'${id}'`)
  .join(' | ')};

/** One group in a compact encoding: three parallel lists, item i of each describes emoji i. */
export interface EmojiGroupData {
  readonly id: EmojiGroupId;
  /** The emoji, fully qualified, without skin tones, separated by spaces. */
  readonly emoji: string;
  /** Separated by \`|\`: the English name, then optionally \`;\` and more search keywords. */
  readonly names: string;
  /** One digit per emoji: 0 takes no skin tone, 1 a modifier after the first code point, 2 after the first and the last. */
  readonly tones: string;
}

/** ${count} emoji. */
export const EMOJI_GROUPS: readonly EmojiGroupData[] = [
${groups
  .map(
    (g) => `  {
    id: '${g.id}',
    emoji: ${JSON.stringify(g.emoji)},
    names: ${JSON.stringify(g.names)},
    tones: '${g.tones}',
  },`,
  )
  .join('\n')}
];
`;
writeFileSync(out, source);
console.log(`Wrote ${out}: ${count} emoji in ${groups.length} groups, ${Buffer.byteLength(source)} bytes`);
