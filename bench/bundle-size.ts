// Gzipped size of the full embed and of each on-demand chunk, from the current build.
// Usage: npm run build && npm run bench:size  →  prints JSON and a Markdown table, writes bench/results/.
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
// @ts-expect-error: a plain ES module script shared with `npm test`'s budget check
import { EMBED_BUDGET_BYTES, measureBundle } from '../scripts/bundle-size.mjs';

interface Entry {
  file: string;
  bytes: number;
  gzip: number;
}

const sizes = measureBundle() as { embed: Entry; chunks: Entry[] };
/** Every page that connects loads the Socket.IO client too: what such a page downloads in all. */
const socketChunk = sizes.chunks.find((chunk) => chunk.file.startsWith('chunks/socket-io-'));
const result = {
  benchmark: 'Bundle size (gzip level 9) of dist/im-elements.js and its on-demand chunks',
  budgetBytes: EMBED_BUDGET_BYTES as number,
  embed: sizes.embed,
  connectedPageGzip: sizes.embed.gzip + (socketChunk?.gzip ?? 0),
  chunks: sizes.chunks,
  ratioToBudget: Math.round((sizes.embed.gzip / (EMBED_BUDGET_BYTES as number)) * 1000) / 1000,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version },
  date: new Date().toISOString(),
};
/** When a chunk loads: the Socket.IO client when a client connects (after the cached paint), the rest on first use. */
const whenLoaded = (file: string): string => (file.startsWith('chunks/socket-io-') ? 'when connecting' : 'on demand');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const table = [
  '| File | Loaded | Size | Gzipped |',
  '|---|---|---:|---:|',
  `| ${result.embed.file} | always | ${kb(result.embed.bytes)} | **${kb(result.embed.gzip)}** (budget ${kb(result.budgetBytes)}, ${Math.round(result.ratioToBudget * 100)} %) |`,
  ...result.chunks.map((chunk) => `| ${chunk.file} | ${whenLoaded(chunk.file)} | ${kb(chunk.bytes)} | ${kb(chunk.gzip)} |`),
].join('\n');
const note = `A page that connects downloads the embed and the Socket.IO client: ${kb(result.connectedPageGzip)} gzipped in all. The other chunks load the first time their part is used.`;
console.log(JSON.stringify(result, null, 2));
console.log(`\n${table}\n\n${note}\n`);
writeFileSync('bench/results/bundle-size.json', `${JSON.stringify(result, null, 2)}\n`);
writeFileSync('bench/results/bundle-size.md', `# Bundle size\n\n${result.benchmark}.\n\n${table}\n\n${note}\n\nMachine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}.\n`);
