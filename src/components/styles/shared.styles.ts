import { css } from 'lit';

/**
 * Design tokens shared by every element. Each element maps them to its own
 * `--im-<element>-<property>` custom properties, so a site can theme globally or per element.
 */
export default css`
  :host {
    --im-color-bg: var(--im-theme-bg, #ffffff);
    --im-color-surface: var(--im-theme-surface, #f4f5f7);
    --im-color-text: var(--im-theme-text, #1c1e21);
    --im-color-muted: var(--im-theme-muted, #5d6470);
    --im-color-border: var(--im-theme-border, #d9dce1);
    --im-color-accent: var(--im-theme-accent, #1f5fd1);
    --im-color-on-accent: var(--im-theme-on-accent, #ffffff);
    --im-color-danger: var(--im-theme-danger, #b3261e);
    --im-color-warning-bg: var(--im-theme-warning-bg, #fff4d6);
    --im-color-warning-text: var(--im-theme-warning-text, #5c4300);
    --im-radius: var(--im-theme-radius, 12px);
    --im-font: var(--im-theme-font, inherit);
    --im-focus-ring: 0 0 0 3px color-mix(in srgb, var(--im-color-accent) 45%, transparent);
    box-sizing: border-box;
    font-family: var(--im-font);
    color: var(--im-color-text);
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --im-color-bg: var(--im-theme-bg, #16181c);
      --im-color-surface: var(--im-theme-surface, #23262c);
      --im-color-text: var(--im-theme-text, #eceef1);
      --im-color-muted: var(--im-theme-muted, #a5abb5);
      --im-color-border: var(--im-theme-border, #3a3f47);
      --im-color-accent: var(--im-theme-accent, #7aa7ff);
      --im-color-on-accent: var(--im-theme-on-accent, #0b1a33);
      --im-color-danger: var(--im-theme-danger, #ffb4ab);
      --im-color-warning-bg: var(--im-theme-warning-bg, #3d3000);
      --im-color-warning-text: var(--im-theme-warning-text, #ffe08a);
    }
  }

  :host([theme='dark']) {
    --im-color-bg: var(--im-theme-bg, #16181c);
    --im-color-surface: var(--im-theme-surface, #23262c);
    --im-color-text: var(--im-theme-text, #eceef1);
    --im-color-muted: var(--im-theme-muted, #a5abb5);
    --im-color-border: var(--im-theme-border, #3a3f47);
    --im-color-accent: var(--im-theme-accent, #7aa7ff);
    --im-color-on-accent: var(--im-theme-on-accent, #0b1a33);
    --im-color-danger: var(--im-theme-danger, #ffb4ab);
    --im-color-warning-bg: var(--im-theme-warning-bg, #3d3000);
    --im-color-warning-text: var(--im-theme-warning-text, #ffe08a);
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

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
