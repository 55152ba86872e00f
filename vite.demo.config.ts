import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The demo pages served by `npm start` at /. */
export default defineConfig({
  root: 'demo',
  base: '/',
  build: {
    target: 'es2022',
    outDir: resolve(__dirname, 'dist/demo'),
    emptyOutDir: true,
    rollupOptions: {
      // demo/public/embed.html is copied as it is: it loads the built bundle by script tag,
      // exactly as a customer's site would.
      input: { index: resolve(__dirname, 'demo/index.html') },
    },
  },
});
