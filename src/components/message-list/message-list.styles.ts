import { css } from 'lit';

export default css`
  :host {
    display: block;
    position: relative;
    min-block-size: 0;
    contain: strict;
    /* Inside a chat: its light or dark scheme, not the page's. */
    color-scheme: inherit;
  }

  /* Rows the chat renders that are not messages: day separators, the unread divider, notes. */
  .label {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin-block: 0.75rem 0.5rem;
    font-size: 0.75rem;
    color: var(--im-chat-day-text, var(--im-color-muted));
    text-align: center;
  }

  .label.day span {
    margin-inline: auto;
    padding: 0.15rem 0.6rem;
    border-radius: 999px;
    background: var(--im-color-surface);
    font-weight: 600;
  }

  .label.tip span {
    margin-inline: auto;
  }

  .label.unread {
    color: var(--im-chat-divider, var(--im-color-danger));
    font-weight: 600;
  }

  .label.unread::before,
  .label.unread::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid currentColor;
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
