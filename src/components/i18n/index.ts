/** Localisation for the elements: tables, formatting and the LocaleController. */
export * from './i18n.js';
export { LocaleController } from './locale-controller.js';
