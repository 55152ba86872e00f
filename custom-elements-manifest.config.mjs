// `npm run manifest`: custom-elements.json from the elements' JSDoc (@summary, @csspart,
// @cssproperty, @fires, @slot) and their Lit properties.
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/components/**/*.styles.ts', 'src/components/i18n/locales/**', 'src/components/emoji-picker/emoji-data.ts'],
  outdir: 'dist',
  litelement: true,
};
