#!/usr/bin/env node
// Gzipped sizes of the built embed (dist/im-elements.js) and of each on-demand chunk, and the
// budget check: `node scripts/bundle-size.mjs --check` exits 1 when the embed is over budget.
// `npm test` runs the check; `npm run bench` writes the sizes to bench/results/bundle-size.*.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget of the full embed: every element, the SDK, the cache and the transport. */
export const EMBED_BUDGET_BYTES = 90 * 1024;

const gzip = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** { embed: { file, bytes, gzip }, chunks: [{ file, bytes, gzip }] } of the build in `dist`. */
export function measureBundle(dist = 'dist') {
  const main = join(dist, 'im-elements.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  const chunkDir = join(dist, 'chunks');
  const chunks = existsSync(chunkDir)
    ? readdirSync(chunkDir)
        .filter((file) => file.endsWith('.js'))
        .sort()
        .map((file) => ({ file: `chunks/${file}`, bytes: readFileSync(join(chunkDir, file)).length, gzip: gzip(join(chunkDir, file)) }))
    : [];
  return { embed: { file: 'im-elements.js', bytes: readFileSync(main).length, gzip: gzip(main) }, chunks };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const sizes = measureBundle();
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`embed ${sizes.embed.file}: ${kb(sizes.embed.gzip)} gzipped (budget ${kb(EMBED_BUDGET_BYTES)}), ${sizes.chunks.length} on-demand chunks`);
  if (process.argv.includes('--check') && sizes.embed.gzip > EMBED_BUDGET_BYTES) {
    console.error(`the embed is ${kb(sizes.embed.gzip)} gzipped, over its ${kb(EMBED_BUDGET_BYTES)} budget`);
    process.exit(1);
  }
}
