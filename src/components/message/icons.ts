import { svg, type SVGTemplateResult } from 'lit';

/**
 * Line icons drawn with currentColor (no fonts, no files). All are decorative: the element
 * holding one carries the text or the label. `flip` icons point along the reading direction
 * and are mirrored in right-to-left layouts. These are the icons of a message at rest; the
 * on-demand modules (menu.ts, media.ts) draw their own with `icon`.
 */
export const icon = (paths: SVGTemplateResult, className = '') =>
  svg`<svg class="icon ${className}" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const smileIcon = () =>
  icon(svg`<circle cx="12" cy="12" r="9"/><path d="M8 14s1.5 2 4 2 4-2 4-2"/><path d="M9 9h.01M15 9h.01"/>`);
export const infoIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 16v-4M12 8h.01"/>`);
export const plusIcon = () => icon(svg`<path d="M12 5v14M5 12h14"/>`);
export const closeIcon = () => icon(svg`<path d="M18 6 6 18M6 6l12 12"/>`);
export const fileIcon = () => icon(svg`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z"/><path d="M14 3v5h5"/>`);
export const downloadIcon = () => icon(svg`<path d="M12 4v11"/><path d="m7 10 5 5 5-5"/><path d="M5 20h14"/>`);
export const clockIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>`);
export const checkIcon = () => icon(svg`<path d="m4 12.5 5 5L20 6.5"/>`);
export const doubleCheckIcon = () => icon(svg`<path d="m2 12.5 5 5L18 6.5"/><path d="m11.5 16.5 1 1L23 6.5"/>`);
export const alertIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5h.01"/>`);
