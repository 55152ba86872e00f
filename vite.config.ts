import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The embeddable bundle: dist/im-elements.js (elements, SDK, cache, transport, English) plus
 * on-demand chunks in dist/chunks/ (other languages, the emoji picker, media viewers), loaded
 * relative to the bundle's own URL.
 *
 * Built as an application entry that keeps its exports rather than in library mode: library
 * mode leaves the whitespace in (for apps that bundle it again), and the embed is loaded as is.
 */
export default defineConfig({
  publicDir: false,
  // Chunks are imported relative to the bundle's own URL, wherever a site loads it from.
  base: './',
  resolve: {
    // Dexie's package entry wraps its UMD build for bundlers; its ES module build is smaller
    // and the one the browser tests run.
    alias: [{ find: /^dexie$/, replacement: fileURLToPath(new URL('./node_modules/dexie/dist/modern/dexie.mjs', import.meta.url)) }],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    minify: 'esbuild',
    modulePreload: false,
    rollupOptions: {
      input: { 'im-elements': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
