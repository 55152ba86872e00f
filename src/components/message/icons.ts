import { svg, type SVGTemplateResult } from 'lit';

/**
 * Line icons drawn with currentColor (no fonts, no files). All are decorative: the element
 * holding one carries the text or the label. `flip` icons point along the reading direction
 * and are mirrored in right-to-left layouts.
 */
const icon = (paths: SVGTemplateResult, className = '') =>
  svg`<svg class="icon ${className}" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const replyIcon = () => icon(svg`<path d="M9 14 4 9l5-5"/><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/>`, 'flip');
export const copyIcon = () => icon(svg`<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1"/>`);
export const editIcon = () => icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>`);
export const recallIcon = () => icon(svg`<path d="M3 7v6h6"/><path d="M21 17a9 9 0 0 0-15-6.7L3 13"/>`, 'flip');
export const trashIcon = () => icon(svg`<path d="M4 7h16"/><path d="M9 7V4h6v3"/><path d="m6 7 1 13h10l1-13"/>`);
export const smileIcon = () =>
  icon(svg`<circle cx="12" cy="12" r="9"/><path d="M8 14s1.5 2 4 2 4-2 4-2"/><path d="M9 9h.01M15 9h.01"/>`);
export const infoIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 16v-4M12 8h.01"/>`);
export const moreIcon = () =>
  icon(svg`<circle cx="5" cy="12" r="1.4" fill="currentColor"/><circle cx="12" cy="12" r="1.4" fill="currentColor"/><circle cx="19" cy="12" r="1.4" fill="currentColor"/>`);
export const plusIcon = () => icon(svg`<path d="M12 5v14M5 12h14"/>`);
export const closeIcon = () => icon(svg`<path d="M18 6 6 18M6 6l12 12"/>`);
export const fileIcon = () => icon(svg`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Z"/><path d="M14 3v5h5"/>`);
export const downloadIcon = () => icon(svg`<path d="M12 4v11"/><path d="m7 10 5 5 5-5"/><path d="M5 20h14"/>`);
export const externalIcon = () => icon(svg`<path d="M14 4h6v6"/><path d="M20 4 10 14"/><path d="M19 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1h5"/>`, 'flip');
export const pinIcon = () => icon(svg`<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z"/><circle cx="12" cy="9.5" r="2.5"/>`);
export const clockIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>`);
export const checkIcon = () => icon(svg`<path d="m4 12.5 5 5L20 6.5"/>`);
export const doubleCheckIcon = () => icon(svg`<path d="m2 12.5 5 5L18 6.5"/><path d="m11.5 16.5 1 1L23 6.5"/>`);
export const alertIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5h.01"/>`);
