import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The demo pages served by `npm start` at /: the playground (index.html) and the catalogue,
 * built from the sources. demo/public/embed.html is copied as it is: it loads the built bundle
 * (/im-elements.js) by script tag, exactly as a customer's site would.
 */
export default defineConfig({
  root: 'demo',
  base: '/',
  resolve: {
    // Dexie's ES module build, as in the bundle (its package entry wraps the UMD build).
    alias: [{ find: /^dexie$/, replacement: resolve(__dirname, 'node_modules/dexie/dist/modern/dexie.mjs') }],
  },
  build: {
    target: 'es2022',
    outDir: resolve(__dirname, 'dist/demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(__dirname, 'demo/index.html'),
        catalogue: resolve(__dirname, 'demo/catalogue.html'),
      },
    },
  },
});
