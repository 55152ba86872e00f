import { defineConfig } from 'vite';

/** The embeddable bundle: one self-contained ES module at dist/im-elements.js. */
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    minify: 'esbuild',
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'im-elements.js',
    },
    rollupOptions: {
      output: { inlineDynamicImports: true },
    },
  },
});
