import { css } from 'lit';

export default css`
  :host {
    --im-composer-bg: var(--im-color-bg);
    --im-composer-border: 1px solid var(--im-color-border);
    --im-composer-padding: 0.5rem;
    --im-composer-field-bg: var(--im-color-surface);
    --im-composer-field-text: var(--im-color-text);
    --im-composer-field-radius: 1.25rem;
    --im-composer-muted: var(--im-color-muted);
    --im-composer-accent: var(--im-color-accent);
    --im-composer-on-accent: var(--im-color-on-accent);
    --im-composer-danger: var(--im-color-danger);
    --im-composer-popover-bg: var(--im-color-bg);
    --im-composer-popover-shadow: 0 12px 32px rgb(0 0 0 / 0.18), 0 2px 6px rgb(0 0 0 / 0.1);
    --im-composer-max-lines: 8;
    display: block;
    background: var(--im-composer-bg);
    border-block-start: var(--im-composer-border);
  }

  :host([hidden]) {
    display: none;
  }

  .composer {
    position: relative;
    display: flex;
    flex-direction: column;
    gap: 0.375rem;
    padding: var(--im-composer-padding);
  }

  .icon {
    display: block;
    flex: none;
  }

  [dir='rtl'] .flip {
    transform: scaleX(-1);
  }

  /* Buttons ---------------------------------------------------------------------------------- */

  .icon-button,
  .send {
    display: inline-grid;
    place-items: center;
    flex: none;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--im-composer-muted);
    transition:
      background-color 0.15s,
      color 0.15s;
  }

  .icon-button:hover {
    color: var(--im-composer-field-text);
    background: color-mix(in srgb, var(--im-composer-field-text) 8%, transparent);
  }

  .icon-button.small {
    inline-size: 1.75rem;
    block-size: 1.75rem;
    color: inherit;
  }

  .icon-button.small .icon {
    inline-size: 1rem;
    block-size: 1rem;
  }

  .send {
    background: var(--im-composer-accent);
    color: var(--im-composer-on-accent);
  }

  .send:hover:not(:disabled) {
    background: color-mix(in srgb, var(--im-composer-accent) 85%, black);
  }

  .send:disabled {
    background: var(--im-composer-field-bg);
    color: var(--im-composer-muted);
    cursor: default;
  }

  /* The field -------------------------------------------------------------------------------- */

  form {
    display: flex;
    align-items: flex-end;
    gap: 0.25rem;
    margin: 0;
  }

  .field {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    align-items: flex-end;
    background: var(--im-composer-field-bg);
    border: 1px solid transparent;
    border-radius: var(--im-composer-field-radius);
    transition:
      border-color 0.15s,
      box-shadow 0.15s;
  }

  .field:has(textarea:focus-visible) {
    border-color: var(--im-composer-accent);
    box-shadow: var(--im-focus-ring);
  }

  .field .emoji {
    inline-size: 2.375rem;
    block-size: 2.375rem;
  }

  textarea {
    flex: 1;
    min-inline-size: 0;
    margin: 0;
    padding-block: 0.5rem;
    padding-inline: 0.875rem 0.25rem;
    border: 0;
    background: transparent;
    color: var(--im-composer-field-text);
    font: inherit;
    font-size: 0.9375rem;
    line-height: 1.375rem;
    resize: none;
    field-sizing: content;
    min-block-size: 2.375rem;
    max-block-size: calc(var(--im-composer-max-lines) * 1.375rem + 1rem);
    overflow-y: auto;
    overflow-wrap: anywhere;
  }

  textarea:focus-visible {
    box-shadow: none;
  }

  textarea::placeholder {
    color: var(--im-composer-muted);
    opacity: 1;
  }

  .counter {
    margin: 0;
    padding-inline: 3rem;
    font-size: 0.75rem;
    color: var(--im-composer-muted);
    text-align: end;
  }

  .counter[data-over] {
    color: var(--im-composer-danger);
    font-weight: 600;
  }

  /* Banners and errors ----------------------------------------------------------------------- */

  .banner,
  .error {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding-block: 0.25rem;
    padding-inline: 0.75rem 0.25rem;
    border-radius: 0.625rem;
    font-size: 0.8125rem;
    line-height: 1.3;
  }

  .banner {
    background: var(--im-composer-field-bg);
    border-inline-start: 3px solid var(--im-composer-accent);
  }

  .banner-icon {
    display: grid;
    color: var(--im-composer-accent);
  }

  .banner-icon .icon {
    inline-size: 1.125rem;
    block-size: 1.125rem;
  }

  .banner-text {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
  }

  .banner-title {
    font-weight: 600;
    color: var(--im-composer-accent);
  }

  .banner-quote {
    color: var(--im-composer-muted);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .banner .icon-button.small {
    color: var(--im-composer-muted);
  }

  .error {
    align-items: flex-start;
    color: var(--im-composer-danger);
    background: color-mix(in srgb, var(--im-composer-danger) 10%, var(--im-composer-bg));
  }

  .error > .icon {
    inline-size: 1.125rem;
    block-size: 1.125rem;
    margin-block-start: 0.3125rem;
  }

  .error-text {
    flex: 1;
    min-inline-size: 0;
    padding-block: 0.3125rem;
    overflow-wrap: anywhere;
  }

  .error-text p {
    margin: 0;
  }

  .disabled {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-block-size: 2.5rem;
    margin: 0;
    padding: 0.5rem 1rem;
    border-radius: var(--im-composer-field-radius);
    background: var(--im-composer-field-bg);
    color: var(--im-composer-muted);
    font-size: 0.875rem;
    text-align: center;
  }

  .disabled .icon {
    inline-size: 1rem;
    block-size: 1rem;
  }

  /* Popovers (top layer): placed by the element next to the composer ------------------------- */

  .mentions,
  .emoji-popover {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: 0;
    border: 0;
    color: var(--im-color-text);
    background: transparent;
    overflow: visible;
  }

  .mentions {
    box-sizing: border-box;
    min-inline-size: 12rem;
    max-inline-size: min(20rem, var(--viewport-width, 20rem));
    max-block-size: min(17rem, var(--space, 17rem));
    padding: 0.25rem;
    overflow-y: auto;
    overscroll-behavior: contain;
    border: 1px solid var(--im-color-border);
    border-radius: 0.75rem;
    background: var(--im-composer-popover-bg);
    box-shadow: var(--im-composer-popover-shadow);
  }

  .mention-option {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    padding: 0.375rem 0.5rem;
    border-radius: 0.5rem;
    cursor: pointer;
  }

  .mention-option[aria-selected='true'] {
    background: color-mix(in srgb, var(--im-composer-accent) 14%, var(--im-composer-popover-bg));
  }

  .avatar {
    position: relative;
    overflow: hidden;
    display: grid;
    place-items: center;
    flex: none;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    border-radius: 50%;
    font-size: 0.8125rem;
    font-weight: 600;
    background: light-dark(hsl(var(--hue, 220) 70% 90%), hsl(var(--hue, 220) 30% 30%));
    color: light-dark(hsl(var(--hue, 220) 60% 26%), hsl(var(--hue, 220) 80% 88%));
  }

  .avatar[data-all] {
    background: var(--im-composer-accent);
    color: var(--im-composer-on-accent);
  }

  .mention-text {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
  }

  .mention-id,
  .mention-name {
    font-size: 0.875rem;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .mention-name + .mention-id,
  .mention-hint {
    font-size: 0.75rem;
    font-weight: 400;
    color: var(--im-composer-muted);
  }

  .emoji-popover im-emoji-picker {
    --im-emoji-picker-width: min(22rem, var(--viewport-width, 22rem));
    --im-emoji-picker-height: min(24rem, var(--space, 24rem));
    box-shadow: var(--im-composer-popover-shadow);
  }

  .loading {
    margin: 0;
    padding: 0.75rem 1rem;
    border: 1px solid var(--im-color-border);
    border-radius: 0.75rem;
    background: var(--im-composer-popover-bg);
    box-shadow: var(--im-composer-popover-shadow);
    color: var(--im-composer-muted);
    font-size: 0.875rem;
  }

  /* Drag and drop ---------------------------------------------------------------------------- */

  .drop-zone {
    position: absolute;
    inset: 0.25rem;
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    border: 2px dashed var(--im-composer-accent);
    border-radius: 0.75rem;
    background: color-mix(in srgb, var(--im-composer-accent) 10%, var(--im-composer-bg));
    color: var(--im-composer-accent);
    font-size: 0.875rem;
    font-weight: 600;
    pointer-events: none;
  }

  @media (prefers-reduced-motion: reduce) {
    .icon-button,
    .send,
    .field {
      transition: none;
    }
  }
`;
