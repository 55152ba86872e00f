import { css } from 'lit';

/** The row menu (loaded with it). It lives in the top layer (popover), placed by script. */
export default css`
  .menu {
    position: fixed;
    inset: auto;
    margin: 0;
    min-inline-size: 11rem;
    max-inline-size: calc(100vw - 1rem);
    padding: 0.25rem;
    border: 1px solid var(--im-color-border);
    border-radius: 10px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    box-shadow: 0 8px 28px rgb(0 0 0 / 0.2);
    font-family: var(--im-font);
  }

  .menu-item {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    inline-size: 100%;
    padding: 0.5rem 0.75rem;
    border: none;
    border-radius: 6px;
    background: transparent;
    color: inherit;
    font-size: 0.875rem;
    text-align: start;
  }

  .menu-item:hover,
  .menu-item:focus-visible {
    background: var(--im-color-surface);
  }

  .menu-item.delete {
    color: var(--im-color-danger);
  }
`;
