import { css } from 'lit';

export default css`
  :host {
    --im-chat-bg: var(--im-color-bg);
    --im-chat-border: 1px solid var(--im-color-border);
    --im-chat-radius: var(--im-radius);
    --im-chat-header-bg: var(--im-color-bg);
    --im-chat-header-text: var(--im-color-text);
    --im-chat-divider: var(--im-color-danger);
    --im-chat-day-text: var(--im-color-muted);
    --im-chat-own-bubble-bg: var(--im-color-accent);
    --im-chat-own-bubble-text: var(--im-color-on-accent);
    --im-chat-bubble-bg: var(--im-color-surface);
    --im-chat-bubble-text: var(--im-color-text);
    --im-chat-bubble-radius: 16px;
    --im-chat-gap: 0.5rem;
    display: block;
    min-block-size: 16rem;
    block-size: 100%;
    container-type: inline-size;
  }

  .chat {
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--im-chat-bg);
    border: var(--im-chat-border);
    border-radius: var(--im-chat-radius);
    overflow: hidden;
    /* Messages take the chat's bubble colours. */
    --im-message-bg: var(--im-chat-bubble-bg);
    --im-message-text: var(--im-chat-bubble-text);
    --im-message-own-bg: var(--im-chat-own-bubble-bg);
    --im-message-own-text: var(--im-chat-own-bubble-text);
    --im-message-radius: var(--im-chat-bubble-radius);
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.625rem 1rem;
    min-block-size: 3.5rem;
    border-block-end: 1px solid var(--im-color-border);
    background: var(--im-chat-header-bg);
    color: var(--im-chat-header-text);
  }

  .heading {
    flex: 1;
    min-inline-size: 0;
  }

  /* The header's search button, and the search panel's close button. */
  .search-button,
  .icon-button {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 2.25rem;
    block-size: 2.25rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    color: inherit;
  }

  .search-button {
    margin-inline-end: -0.5rem;
  }

  .search-button:hover,
  .search-button[aria-expanded='true'],
  .icon-button:hover {
    background: color-mix(in srgb, currentColor 10%, transparent);
  }

  h2 {
    margin: 0;
    font-size: 1rem;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .subtitle {
    margin: 0.125rem 0 0;
    font-size: 0.8125rem;
    color: var(--im-color-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .subtitle[data-typing='true'] {
    color: var(--im-color-accent);
  }

  .state {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    flex: none;
    font-size: 0.8125rem;
    color: var(--im-color-muted);
  }

  .dot {
    inline-size: 0.5rem;
    block-size: 0.5rem;
    border-radius: 50%;
    background: var(--im-color-muted);
  }

  .state[data-state='connected'] .dot {
    background: #1f9d55;
  }

  .state[data-state='reconnecting'] .dot,
  .state[data-state='connecting'] .dot {
    background: #d08700;
  }

  .state[data-state='kicked'] .dot {
    background: var(--im-color-danger);
  }

  /* Narrow chats keep the dot; the word goes to screen readers only. */
  @container (max-width: 420px) {
    .state {
      font-size: 0;
      gap: 0;
    }
  }

  .banner {
    margin: 0;
    padding: 0.5rem 1rem;
    font-size: 0.875rem;
    background: var(--im-color-warning-bg);
    color: var(--im-color-warning-text);
  }

  .banner[data-kind='error'] {
    background: color-mix(in srgb, var(--im-color-danger) 14%, var(--im-color-bg));
    color: var(--im-color-text);
  }

  .body {
    position: relative;
    flex: 1;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
  }

  im-message-list {
    flex: 1;
    min-block-size: 0;
  }

  im-message {
    margin-block-start: 2px;
  }

  .jump-unread {
    position: absolute;
    inset-block-start: 0.75rem;
    inset-inline-end: 1rem;
    padding: 0.35rem 0.9rem;
    border: 1px solid var(--im-color-border);
    border-radius: 999px;
    background: var(--im-color-bg);
    color: var(--im-color-accent);
    font-size: 0.8125rem;
    font-weight: 600;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.15);
  }

  .loading {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    margin: 0;
    color: var(--im-color-muted);
    font-size: 0.875rem;
    pointer-events: none;
  }

  im-composer {
    border-block-start: 1px solid var(--im-color-border);
  }

`;
