import { css } from 'lit';

/** The New chat and delete dialogs (loaded with them). Buttons share their shape with the list's. */
export default css`
  dialog {
    inline-size: min(26rem, calc(100vw - 2rem));
    padding: 1.25rem;
    border: 1px solid var(--im-color-border);
    border-radius: 14px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    box-shadow: 0 16px 48px rgb(0 0 0 / 0.25);
    font-family: var(--im-font);
  }

  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }

  dialog h2 {
    font-size: 1.0625rem;
  }

  dialog p {
    overflow-wrap: anywhere;
  }

  .secondary {
    background: var(--im-color-surface);
    color: var(--im-color-text);
  }

  .danger {
    background: var(--im-color-danger);
    color: var(--im-color-bg);
  }

  .tabs {
    display: flex;
    gap: 0.25rem;
    margin-block: 0.875rem 1rem;
    padding: 0.25rem;
    border-radius: 10px;
    background: var(--im-color-surface);
  }

  .tab {
    flex: 1;
    padding: 0.375rem 0.5rem;
    border: none;
    border-radius: 8px;
    background: transparent;
    color: var(--im-color-muted);
    font-size: 0.875rem;
  }

  .tab[aria-selected='true'] {
    background: var(--im-color-bg);
    color: var(--im-color-text);
    font-weight: 600;
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.15);
  }

  .panel[hidden] {
    display: none;
  }

  label {
    display: block;
    margin-block-end: 0.25rem;
    font-size: 0.8125rem;
    font-weight: 600;
  }

  .panel input {
    inline-size: 100%;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--im-color-border);
    border-radius: 8px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    font: inherit;
  }

  .panel input:focus-visible {
    border-color: var(--im-color-accent);
  }

  .panel input[aria-invalid='true'] {
    border-color: var(--im-color-danger);
  }

  .hint {
    margin: 0.25rem 0 0;
    color: var(--im-color-muted);
    font-size: 0.75rem;
  }

  .field-error {
    margin: 0.25rem 0 0.75rem;
    color: var(--im-color-danger);
    font-size: 0.8125rem;
  }

  .field-error:empty {
    margin-block-start: 0;
  }

  dialog .error {
    margin-inline: 0;
  }

  .actions {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block-start: 1rem;
  }

  #confirm-text {
    margin: 0.5rem 0 0;
    color: var(--im-color-muted);
    font-size: 0.875rem;
  }
`;
