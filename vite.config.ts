import { fileURLToPath } from 'node:url';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { defaultMinifyOptions } from '@lit-labs/rollup-plugin-minify-html-literals/lib/strategy.js';
import { defineConfig, type PluginOption } from 'vite';

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
  // Lit's html`` and css`` templates keep their indentation otherwise. Self-closing slashes stay:
  // SVG shapes in html`` templates (<path/><circle/>) would otherwise nest inside each other.
  plugins: [
    {
      // Chunks are plain ES modules imported one by one: Vite's preload helper (it inserts <link>
      // tags for CSS and preloads) has nothing to do here, so dynamic imports stay bare.
      name: 'im-bare-dynamic-imports',
      enforce: 'pre',
      apply: 'build',
      load(id) {
        if (id === 'vite/preload-helper.js' || id === '\0vite/preload-helper.js') return 'export const __vitePreload = (load) => load();';
        return undefined;
      },
    },{ ...(minifyHtmlLiterals({ include: ['src/components/**/*.ts'], options: { minifyOptions: { ...defaultMinifyOptions, keepClosingSlash: true } } }) as PluginOption & object), enforce: 'pre', apply: 'build' } as PluginOption],
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
      // The entry may export internals its on-demand chunks import: shared code stays in it.
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
