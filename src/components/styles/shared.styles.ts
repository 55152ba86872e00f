import { css } from 'lit';

/**
 * Design tokens shared by every element. Each element maps them to its own
 * `--im-<element>-<property>` custom properties, so a site can theme globally or per element.
 */
export default css`
  /* Light and dark values in one place: light-dark() follows color-scheme, which follows
     prefers-color-scheme unless the theme attribute pins it. */
  :host {
    color-scheme: light dark;
    --im-color-bg: var(--im-theme-bg, light-dark(#ffffff, #16181c));
    --im-color-surface: var(--im-theme-surface, light-dark(#f4f5f7, #23262c));
    --im-color-text: var(--im-theme-text, light-dark(#1c1e21, #eceef1));
    --im-color-muted: var(--im-theme-muted, light-dark(#5d6470, #a5abb5));
    --im-color-border: var(--im-theme-border, light-dark(#d9dce1, #3a3f47));
    --im-color-accent: var(--im-theme-accent, light-dark(#1f5fd1, #7aa7ff));
    --im-color-on-accent: var(--im-theme-on-accent, light-dark(#ffffff, #0b1a33));
    --im-color-danger: var(--im-theme-danger, light-dark(#b3261e, #ffb4ab));
    --im-color-warning-bg: var(--im-theme-warning-bg, light-dark(#fff4d6, #3d3000));
    --im-color-warning-text: var(--im-theme-warning-text, light-dark(#5c4300, #ffe08a));
    --im-radius: var(--im-theme-radius, 12px);
    --im-font: var(--im-theme-font, inherit);
    --im-focus-ring: 0 0 0 3px color-mix(in srgb, var(--im-color-accent) 45%, transparent);
    box-sizing: border-box;
    font-family: var(--im-font);
    color: var(--im-color-text);
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  button {
    font: inherit;
    cursor: pointer;
  }

  :focus-visible {
    outline: none;
    box-shadow: var(--im-focus-ring);
  }

  /* An avatar's picture covers its initials (the avatar is positioned and clips it). */
  .avatar-img {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    border-radius: inherit;
    object-fit: cover;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
