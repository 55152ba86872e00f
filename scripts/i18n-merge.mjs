#!/usr/bin/env node
// Merges new UI strings into the locale tables: `node scripts/i18n-merge.mjs new-strings.json …`
// where each file maps keys to { "en": …, "zh-CN": …, … } (a string, or plural forms
// { "one": …, "other": … }) for every language. Keys already in a table are replaced.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCALES = ['en', 'zh-CN', 'zh-TW', 'ja', 'ko', 'es', 'fr', 'de', 'pt-BR', 'ru', 'ar', 'hi'];
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/i18n-merge.mjs strings.json [more.json …]');
  process.exit(2);
}
const entries = Object.assign({}, ...files.map((file) => JSON.parse(readFileSync(file, 'utf8'))));
for (const [key, translations] of Object.entries(entries)) {
  const missing = LOCALES.filter((locale) => translations[locale] === undefined);
  if (missing.length > 0) throw new Error(`${key}: no ${missing.join(', ')}`);
}
for (const locale of LOCALES) {
  const path = `src/components/i18n/locales/${locale}.ts`;
  let source = readFileSync(path, 'utf8');
  for (const [key, translations] of Object.entries(entries)) {
    const line = `  ${JSON.stringify(key)}: ${JSON.stringify(translations[locale])},`;
    const existing = new RegExp(`^  ['"]${key.replace(/\./g, '\\.')}['"]: .*$`, 'm');
    if (existing.test(source)) {
      source = source.replace(existing, line);
      continue;
    }
    const end = source.search(/\n}( satisfies [^;]*)?;\s*\nexport default/);
    if (end < 0) throw new Error(`${path}: no closing "};" of the table`);
    source = `${source.slice(0, end)}\n${line}${source.slice(end)}`;
  }
  writeFileSync(path, source);
}
console.log(`merged ${Object.keys(entries).length} keys into ${LOCALES.length} tables`);
