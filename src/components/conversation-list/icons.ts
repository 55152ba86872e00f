import { svg, type SVGTemplateResult } from 'lit';

/**
 * Small line icons drawn with currentColor (no fonts, no files). Each is decorative: the
 * element that holds it carries the text or the label. Icons only the on-demand parts use are
 * defined there, so they load with them.
 */
export const icon = (paths: SVGTemplateResult, className = '') =>
  svg`<svg class="icon ${className}" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const searchIcon = () => icon(svg`<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>`);
export const composeIcon = () => icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>`);
export const moreIcon = () =>
  icon(svg`<circle cx="5" cy="12" r="1.4" fill="currentColor"/><circle cx="12" cy="12" r="1.4" fill="currentColor"/><circle cx="19" cy="12" r="1.4" fill="currentColor"/>`);
export const pinIcon = () => icon(svg`<path d="M9 3h6l-1 6 4 4H6l4-4Z"/><path d="M12 13v8"/>`);
export const bellIcon = (className?: string) => icon(svg`<path d="M6 9a6 6 0 0 1 12 0c0 6 2.5 8 2.5 8h-17S6 15 6 9"/><path d="M10.3 20.5a2 2 0 0 0 3.4 0"/>`, className);
export const bellOffIcon = () =>
  icon(svg`<path d="M8.7 3.8A6 6 0 0 1 18 9c0 2.3.4 4 .9 5.3"/><path d="M17 17H3.5S6 15 6 9c0-.6.1-1.2.3-1.8"/><path d="M10.3 20.5a2 2 0 0 0 3.4 0"/><path d="m3 3 18 18"/>`);
export const closeIcon = () => icon(svg`<path d="M18 6 6 18M6 6l12 12"/>`);
