import { css } from 'lit';

export default css`
  :host {
    --im-chat-bg: var(--im-color-bg);
    --im-chat-border: 1px solid var(--im-color-border);
    --im-chat-radius: var(--im-radius);
    --im-chat-own-bubble-bg: var(--im-color-accent);
    --im-chat-own-bubble-text: var(--im-color-on-accent);
    --im-chat-bubble-bg: var(--im-color-surface);
    --im-chat-bubble-text: var(--im-color-text);
    --im-chat-bubble-radius: 16px;
    --im-chat-gap: 0.5rem;
    display: flex;
    flex-direction: column;
    min-block-size: 16rem;
    block-size: 100%;
    background: var(--im-chat-bg);
    border: var(--im-chat-border);
    border-radius: var(--im-chat-radius);
    overflow: hidden;
    container-type: inline-size;
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.75rem 1rem;
    border-block-end: 1px solid var(--im-color-border);
  }

  h2 {
    margin: 0;
    font-size: 1rem;
    font-weight: 600;
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .online {
    font-size: 0.8125rem;
    color: var(--im-color-muted);
  }

  .state {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
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
    background: #1e8e3e;
  }

  .banner {
    margin: 0;
    padding: 0.5rem 1rem;
    font-size: 0.8125rem;
    background: var(--im-color-warning-bg);
    color: var(--im-color-warning-text);
  }

  .banner[data-kind='error'] {
    color: var(--im-color-danger);
    background: var(--im-color-surface);
  }

  .log {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* The element keeps the reader's place itself when history is prepended. */
    overflow-anchor: none;
    padding: 0.75rem 1rem;
    position: relative;
    display: flex;
    flex-direction: column;
  }

  .items {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    flex: 1;
  }

  .older {
    align-self: center;
    margin-block-end: 0.5rem;
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--im-color-border);
    border-radius: 999px;
    background: transparent;
    color: var(--im-color-text);
    font-size: 0.8125rem;
  }

  .empty {
    margin: auto;
    color: var(--im-color-muted);
    font-size: 0.875rem;
    text-align: center;
  }

  .day {
    align-self: center;
    margin-block: 0.75rem 0.25rem;
    font-size: 0.75rem;
    color: var(--im-color-muted);
  }

  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-inline-size: min(80%, 36rem);
  }

  .message.grouped-start {
    margin-block-start: var(--im-chat-gap);
  }

  .message.own {
    align-self: flex-end;
    align-items: flex-end;
  }

  .sender {
    font-size: 0.75rem;
    font-weight: 600;
    color: var(--im-color-muted);
    margin-block-end: 0.125rem;
    padding-inline: 0.75rem;
  }

  .bubble {
    padding: 0.5rem 0.75rem;
    border-radius: var(--im-chat-bubble-radius);
    background: var(--im-chat-bubble-bg);
    color: var(--im-chat-bubble-text);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    line-height: 1.4;
  }

  .own .bubble {
    background: var(--im-chat-own-bubble-bg);
    color: var(--im-chat-own-bubble-text);
  }

  .own.failed .bubble {
    opacity: 0.75;
  }

  .meta {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-size: 0.6875rem;
    color: var(--im-color-muted);
    padding-inline: 0.5rem;
    margin-block-start: 0.125rem;
  }

  .failed .meta {
    color: var(--im-color-danger);
  }

  .retry {
    border: none;
    background: none;
    padding: 0.125rem 0.25rem;
    color: var(--im-color-accent);
    text-decoration: underline;
    font-size: 0.75rem;
    border-radius: 4px;
  }

  form {
    display: flex;
    gap: 0.5rem;
    align-items: flex-end;
    padding: 0.75rem;
    border-block-start: 1px solid var(--im-color-border);
  }

  textarea {
    flex: 1;
    resize: none;
    min-block-size: 2.5rem;
    max-block-size: 8rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--im-color-border);
    border-radius: 10px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    font: inherit;
    line-height: 1.4;
    field-sizing: content;
  }

  textarea:focus-visible {
    border-color: var(--im-color-accent);
  }

  .send {
    padding: 0.5rem 1rem;
    min-block-size: 2.5rem;
    border: none;
    border-radius: 10px;
    background: var(--im-color-accent);
    color: var(--im-color-on-accent);
    font-weight: 600;
  }

  .send:disabled {
    opacity: 0.5;
    cursor: default;
  }

  @container (max-width: 420px) {
    .message {
      max-inline-size: 90%;
    }
  }
`;
