import { css } from 'lit';

export default css`
  :host {
    --im-emoji-picker-width: 22rem;
    --im-emoji-picker-height: 24rem;
    --im-emoji-picker-bg: var(--im-color-bg);
    --im-emoji-picker-text: var(--im-color-text);
    --im-emoji-picker-muted: var(--im-color-muted);
    --im-emoji-picker-border: 1px solid var(--im-color-border);
    --im-emoji-picker-radius: var(--im-radius);
    --im-emoji-picker-hover-bg: var(--im-color-surface);
    --im-emoji-picker-accent: var(--im-color-accent);
    --im-emoji-picker-columns: 8;
    --im-emoji-picker-emoji-size: 1.5rem;
    --im-emoji-picker-emoji-font: 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', sans-serif;
    display: flex;
    flex-direction: column;
    inline-size: var(--im-emoji-picker-width);
    max-inline-size: 100%;
    block-size: var(--im-emoji-picker-height);
    background: var(--im-emoji-picker-bg);
    color: var(--im-emoji-picker-text);
    border: var(--im-emoji-picker-border);
    border-radius: var(--im-emoji-picker-radius);
    overflow: hidden;
  }

  :host([hidden]) {
    display: none;
  }

  .glyph,
  .emoji {
    font-family: var(--im-emoji-picker-emoji-font);
    font-weight: normal;
    font-style: normal;
  }

  .top {
    position: relative;
    display: flex;
    gap: 0.375rem;
    padding: 0.5rem 0.5rem 0.25rem;
  }

  input {
    flex: 1;
    min-inline-size: 0;
    block-size: 2.25rem;
    padding-block: 0;
    padding-inline: 0.75rem;
    font: inherit;
    font-size: 0.875rem;
    color: inherit;
    background: var(--im-emoji-picker-hover-bg);
    border: 1px solid transparent;
    border-radius: 999px;
  }

  input::placeholder {
    color: var(--im-emoji-picker-muted);
    opacity: 1;
  }

  input:focus-visible {
    border-color: var(--im-emoji-picker-accent);
  }

  button {
    border: 0;
    padding: 0;
    margin: 0;
    color: inherit;
    background: transparent;
  }

  .tone-button,
  .tone {
    inline-size: 2.25rem;
    block-size: 2.25rem;
    flex: none;
    display: grid;
    place-items: center;
    border-radius: 50%;
    font-size: 1.25rem;
    line-height: 1;
  }

  .tone-button:hover,
  .tone:hover {
    background: var(--im-emoji-picker-hover-bg);
  }

  .tones {
    position: absolute;
    inset-block-start: 0.25rem;
    inset-inline-end: 0.25rem;
    z-index: 2;
    display: flex;
    gap: 0.125rem;
    padding: 0.25rem;
    background: var(--im-emoji-picker-bg);
    border: var(--im-emoji-picker-border);
    border-radius: 999px;
    box-shadow: 0 4px 16px color-mix(in srgb, black 18%, transparent);
  }

  .tones[hidden] {
    display: none;
  }

  .tone[aria-pressed='true'] {
    background: var(--im-emoji-picker-hover-bg);
    outline: 2px solid var(--im-emoji-picker-accent);
    outline-offset: -2px;
  }

  .tabs {
    display: flex;
    padding-inline: 0.25rem;
    border-block-end: 1px solid var(--im-color-border);
  }

  .tab {
    flex: 1 1 0;
    min-inline-size: 0;
    block-size: 2.25rem;
    display: grid;
    place-items: center;
    font-size: 1.125rem;
    line-height: 1;
    border-radius: 0.5rem 0.5rem 0 0;
    border-block-end: 2px solid transparent;
    opacity: 0.7;
  }

  .tab:hover {
    background: var(--im-emoji-picker-hover-bg);
    opacity: 1;
  }

  .tab[aria-current='true'] {
    border-block-end-color: var(--im-emoji-picker-accent);
    opacity: 1;
  }

  .scroller {
    position: relative;
    flex: 1;
    min-block-size: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    scroll-padding-block: 2rem 0.25rem;
  }

  [role='listbox'] {
    container-type: inline-size;
    padding-block-end: 0.25rem;
  }

  /*
   * Groups off screen cost no layout or paint. Their size until first shown is computed from
   * their emoji count (--count) so that jumping to a group lands on it: a heading of 2rem, rows
   * of square cells, 0.25rem below. The padding keeps focus rings inside the paint containment.
   */
  .section {
    --cell: calc((100cqi - 0.5rem) / var(--im-emoji-picker-columns));
    content-visibility: auto;
    contain-intrinsic-block-size: auto calc(2.25rem + var(--count) / var(--im-emoji-picker-columns) * var(--cell));
    contain-intrinsic-block-size: auto calc(2.25rem + round(up, var(--count) / var(--im-emoji-picker-columns), 1) * var(--cell));
    contain-intrinsic-inline-size: auto 100cqi;
    padding-inline: 0.25rem;
    padding-block-end: 0.25rem;
  }

  .heading {
    position: sticky;
    inset-block-start: 0;
    z-index: 1;
    block-size: 2rem;
    padding-block: 0.5rem 0.25rem;
    padding-inline: 0.375rem;
    font-size: 0.75rem;
    line-height: 1.25rem;
    font-weight: 600;
    color: var(--im-emoji-picker-muted);
    background: var(--im-emoji-picker-bg);
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }

  .emoji-grid {
    display: grid;
    grid-template-columns: repeat(var(--im-emoji-picker-columns), minmax(0, 1fr));
  }

  .emoji {
    aspect-ratio: 1;
    min-inline-size: 0;
    display: grid;
    place-items: center;
    font-size: var(--im-emoji-picker-emoji-size);
    line-height: 1;
    border-radius: 0.5rem;
    overflow: hidden;
  }

  .emoji:hover {
    background: var(--im-emoji-picker-hover-bg);
  }

  .emoji:focus-visible {
    background: var(--im-emoji-picker-hover-bg);
    box-shadow: inset 0 0 0 2px var(--im-emoji-picker-accent);
  }

  .empty {
    margin: 0;
    padding: 2rem 1rem;
    text-align: center;
    font-size: 0.875rem;
    color: var(--im-emoji-picker-muted);
  }

  /* Stays in the accessibility tree while empty, so that the message is announced when it appears. */
  .empty:empty {
    padding: 0;
  }

  @media (forced-colors: active) {
    .tab[aria-current='true'] {
      border-block-end-color: Highlight;
    }

    .emoji:focus-visible {
      outline: 2px solid Highlight;
    }
  }
`;
