import { svg, type SVGTemplateResult } from 'lit';

/** Line icons drawn with currentColor; decorative (the button that holds one carries the label). */
const icon = (paths: SVGTemplateResult, className = '') =>
  svg`<svg class="icon ${className}" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

export const attachIcon = () =>
  icon(svg`<path d="m21.4 11.1-8.9 8.9a5.5 5.5 0 0 1-7.8-7.8l8.9-8.9a3.7 3.7 0 0 1 5.2 5.2l-8.9 8.9a1.8 1.8 0 0 1-2.6-2.6l8.2-8.2"/>`);
export const emojiIcon = () =>
  icon(svg`<circle cx="12" cy="12" r="9"/><path d="M8.5 14.5s1.2 2 3.5 2 3.5-2 3.5-2"/><path d="M9 9.5h.01M15 9.5h.01" stroke-width="2.6"/>`);
/** Points to the inline end: mirrored right to left by the `flip` class. */
export const sendIcon = () => icon(svg`<path d="M4 12 3 4l18 8-18 8 1-8Z"/><path d="M4 12h8"/>`, 'flip');
export const checkIcon = () => icon(svg`<path d="M20 6 9 17l-5-5"/>`);
export const closeIcon = () => icon(svg`<path d="M18 6 6 18M6 6l12 12"/>`);
export const replyIcon = () => icon(svg`<path d="M9 14 4 9l5-5"/><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/>`, 'flip');
export const editIcon = () => icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>`);
export const lockIcon = () => icon(svg`<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>`);
export const alertIcon = () => icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 8v4.5M12 16h.01"/>`);
export const uploadIcon = () => icon(svg`<path d="M12 15V4"/><path d="m7 9 5-5 5 5"/><path d="M5 15v4a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-4"/>`);
