import { css } from 'lit';

export default css`
  :host {
    display: block;
    position: relative;
    min-block-size: 0;
    contain: strict;
  }

  .scroller {
    block-size: 100%;
    overflow-y: auto;
    overflow-anchor: none;
    overscroll-behavior: contain;
    padding-inline: var(--im-message-list-padding, 12px);
    scrollbar-gutter: stable;
  }

  .row {
    display: flow-root;
  }

  .new-below {
    position: absolute;
    inset-block-end: 12px;
    inset-inline-start: 50%;
    translate: -50% 0;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 6px 14px;
    border: 1px solid var(--im-color-border);
    border-radius: 999px;
    background: var(--im-color-accent);
    color: var(--im-color-on-accent);
    font-size: 0.875rem;
    font-weight: 600;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.18);
  }

  :host(:dir(rtl)) .new-below {
    translate: 50% 0;
  }

  .new-below svg {
    inline-size: 14px;
    block-size: 14px;
  }
`;
