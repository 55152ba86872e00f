import { css } from 'lit';

export default css`
  :host {
    --im-conversation-list-bg: var(--im-color-bg);
    --im-conversation-list-border: 1px solid var(--im-color-border);
    --im-conversation-list-radius: var(--im-radius);
    --im-conversation-list-row-height: 4.5rem;
    --im-conversation-list-row-hover-bg: var(--im-color-surface);
    --im-conversation-list-row-selected-bg: color-mix(in srgb, var(--im-color-accent) 14%, var(--im-conversation-list-bg));
    --im-conversation-list-pinned-bg: color-mix(in srgb, var(--im-color-surface) 65%, var(--im-conversation-list-bg));
    --im-conversation-list-avatar-size: 2.75rem;
    --im-conversation-list-avatar-radius: 50%;
    --im-conversation-list-badge-bg: var(--im-color-accent);
    --im-conversation-list-badge-text: var(--im-color-on-accent);
    --im-conversation-list-muted-badge-bg: var(--im-color-muted);
    --im-conversation-list-draft-color: var(--im-color-accent);
    --im-conversation-list-mention-color: var(--im-color-danger);
    --im-conversation-list-padding-inline: 0.75rem;
    display: flex;
    flex-direction: column;
    min-block-size: 16rem;
    block-size: 100%;
    background: var(--im-conversation-list-bg);
    border: var(--im-conversation-list-border);
    border-radius: var(--im-conversation-list-radius);
    overflow: hidden;
    container-type: inline-size;
  }

  .base {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-block-size: 0;
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding-block: 0.75rem 0.5rem;
    padding-inline: calc(var(--im-conversation-list-padding-inline) + 0.25rem) var(--im-conversation-list-padding-inline);
  }

  /* One line, cut with an ellipsis. */
  h2,
  .name,
  .preview {
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  h2 {
    margin: 0;
    font-size: 1.125rem;
    font-weight: 700;
    flex: 1;
  }

  .icon {
    flex: none;
    inline-size: 1rem;
    block-size: 1rem;
  }

  .new {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.375rem 0.75rem;
    border: none;
    border-radius: 999px;
    background: color-mix(in srgb, var(--im-color-accent) 12%, var(--im-conversation-list-bg));
    color: var(--im-color-accent);
    font-size: 0.875rem;
    font-weight: 600;
    white-space: nowrap;
  }

  .new:hover {
    background: color-mix(in srgb, var(--im-color-accent) 18%, var(--im-conversation-list-bg));
  }

  button:disabled {
    opacity: 0.5;
    cursor: default;
  }

  .search {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-inline: var(--im-conversation-list-padding-inline);
    margin-block-end: 0.5rem;
    padding-inline: 0.625rem;
    border: 1px solid transparent;
    border-radius: 10px;
    background: var(--im-color-surface);
    color: var(--im-color-muted);
  }

  .search:focus-within {
    border-color: var(--im-color-accent);
    box-shadow: var(--im-focus-ring);
  }

  .search input {
    flex: 1;
    min-inline-size: 0;
    padding-block: 0.5rem;
    border: none;
    background: transparent;
    color: var(--im-color-text);
    font: inherit;
    font-size: 0.875rem;
  }

  .search input::placeholder {
    color: var(--im-color-muted);
  }

  .search input:focus-visible {
    outline: none;
    box-shadow: none;
  }

  .error {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 var(--im-conversation-list-padding-inline) 0.5rem;
    padding-block: 0.375rem;
    padding-inline: 0.75rem 0.375rem;
    border-radius: 8px;
    background: var(--im-color-surface);
    color: var(--im-color-danger);
    font-size: 0.8125rem;
  }

  .error-text {
    flex: 1;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }

  code {
    font-size: 0.75rem;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    white-space: nowrap;
  }

  .icon-button,
  .more {
    display: grid;
    place-items: center;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    border-radius: 50%;
  }

  .icon-button {
    flex: none;
    padding: 0;
    border: none;
    background: transparent;
    color: inherit;
  }

  .scroller {
    flex: 1;
    min-block-size: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    position: relative;
  }

  /* The list is as tall as all its rows; only the rows in view (and a few more) are rendered. */
  .rows {
    position: relative;
    block-size: calc(var(--im-row-count) * var(--im-conversation-list-row-height));
  }

  .row,
  .skeleton {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    block-size: var(--im-conversation-list-row-height);
  }

  .row {
    --im-row-bg: var(--im-conversation-list-bg);
    position: absolute;
    inset-inline: 0;
    inset-block-start: calc(var(--im-row-index) * var(--im-conversation-list-row-height));
    padding-inline: var(--im-conversation-list-padding-inline) calc(var(--im-conversation-list-padding-inline) + 1.5rem);
    background: var(--im-row-bg);
    cursor: pointer;
    user-select: none;
    -webkit-tap-highlight-color: transparent;
  }

  .row.pinned {
    --im-row-bg: var(--im-conversation-list-pinned-bg);
  }

  .row:hover {
    --im-row-bg: var(--im-conversation-list-row-hover-bg);
  }

  .row.selected {
    --im-row-bg: var(--im-conversation-list-row-selected-bg);
  }

  .row.selected::before {
    content: '';
    position: absolute;
    inset-block: 0.625rem;
    inset-inline-start: 0;
    inline-size: 3px;
    border-start-end-radius: 3px;
    border-end-end-radius: 3px;
    background: var(--im-color-accent);
  }

  .row:focus-visible {
    outline: none;
    box-shadow: inset 0 0 0 2px var(--im-color-accent);
  }

  .avatar {
    position: relative;
    flex: none;
    display: grid;
    place-items: center;
    inline-size: var(--im-conversation-list-avatar-size);
    block-size: var(--im-conversation-list-avatar-size);
    border-radius: var(--im-conversation-list-avatar-radius);
    /* Dark enough behind white text in every hue (contrast above 4.5:1). */
    background: oklch(0.5 0.12 var(--im-avatar-hue, 250));
    color: #fff;
    font-size: calc(var(--im-conversation-list-avatar-size) * 0.36);
    font-weight: 600;
    letter-spacing: 0.02em;
    line-height: 1;
  }

  .avatar.system {
    background: var(--im-color-accent);
    color: var(--im-color-on-accent);
  }

  .avatar-icon {
    inline-size: 55%;
    block-size: 55%;
  }

  .online-dot {
    position: absolute;
    inset-block-end: 0;
    inset-inline-end: 0;
    inline-size: 0.75rem;
    block-size: 0.75rem;
    border-radius: 50%;
    background: #1e8e3e;
    border: 2px solid var(--im-row-bg);
  }

  .main {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }

  .line {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    min-inline-size: 0;
  }

  /* Names and previews take their direction from their text (dir="auto"), so an English
     preview in an Arabic list is cut at its end; they stay aligned with the list. */
  .name,
  .preview {
    text-align: match-parent;
  }

  .name {
    flex: 0 1 auto;
    font-weight: 600;
    font-size: 0.9375rem;
  }

  .mark {
    display: inline-flex;
    flex: none;
    color: var(--im-color-muted);
  }

  .mark .icon {
    inline-size: 0.875rem;
    block-size: 0.875rem;
  }

  time {
    flex: none;
    margin-inline-start: auto;
    padding-inline-start: 0.25rem;
    font-size: 0.75rem;
    color: var(--im-color-muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }

  .row.unread:not(.muted) time {
    color: var(--im-color-accent);
    font-weight: 600;
  }

  .preview {
    flex: 1;
    font-size: 0.875rem;
    color: var(--im-color-muted);
  }

  .draft,
  .typing {
    color: var(--im-conversation-list-draft-color);
  }

  .typing {
    font-style: italic;
  }

  .mention {
    color: var(--im-conversation-list-mention-color);
    font-weight: 600;
  }

  .badge {
    flex: none;
    display: inline-grid;
    place-items: center;
    min-inline-size: 1.25rem;
    block-size: 1.25rem;
    padding-inline: 0.375rem;
    border-radius: 999px;
    background: var(--im-conversation-list-badge-bg);
    color: var(--im-conversation-list-badge-text);
    font-size: 0.75rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    line-height: 1;
  }

  .badge.dot {
    min-inline-size: 0.625rem;
    inline-size: 0.625rem;
    block-size: 0.625rem;
    padding: 0;
    margin-inline: 0.3125rem;
    background: var(--im-conversation-list-muted-badge-bg);
  }

  /* "More" has space of its own at the end of the row; where the pointer can hover and the list
     is wide enough, it takes the place of the time while the row is hovered or focused. */
  .more {
    position: absolute;
    inset-inline-end: 0.25rem;
    inset-block-start: 50%;
    translate: 0 -50%;
    color: var(--im-color-muted);
  }

  .more .icon {
    inline-size: 1.125rem;
    block-size: 1.125rem;
  }

  .more:hover {
    background: color-mix(in srgb, var(--im-color-text) 10%, var(--im-row-bg));
  }

  @media (hover: hover) {
    @container not (max-width: 359px) {
      .row {
        padding-inline-end: var(--im-conversation-list-padding-inline);
      }

      .line.top {
        position: relative;
      }

      .more {
        inset-inline-end: -0.25rem;
        color: var(--im-color-text);
        opacity: 0;
        pointer-events: none;
      }

      .row:hover .more,
      .row:focus-visible .more {
        opacity: 1;
        pointer-events: auto;
      }

      .row:hover time,
      .row:focus-visible time {
        visibility: hidden;
      }
    }
  }

  .status {
    margin: 0;
    padding: 2rem var(--im-conversation-list-padding-inline);
    text-align: center;
    color: var(--im-color-muted);
    font-size: 0.875rem;
    overflow-wrap: anywhere;
  }

  .state {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-block-size: 100%;
    padding: 2rem 1.5rem;
    text-align: center;
  }

  .state-icon {
    inline-size: 3rem;
    block-size: 3rem;
    color: var(--im-color-muted);
    opacity: 0.7;
  }

  .state-title {
    margin: 0;
    font-weight: 600;
  }

  .state-hint {
    margin: 0 0 0.5rem;
    max-inline-size: 18rem;
    color: var(--im-color-muted);
    font-size: 0.875rem;
  }

  .primary,
  .secondary,
  .danger {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.375rem;
    min-block-size: 2.25rem;
    padding: 0.5rem 1rem;
    border: none;
    border-radius: 10px;
    font-weight: 600;
    font-size: 0.875rem;
  }

  .primary {
    background: var(--im-color-accent);
    color: var(--im-color-on-accent);
  }

  .skeleton {
    padding-inline: var(--im-conversation-list-padding-inline);
  }

  .bones {
    flex: 1;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }

  .bone {
    display: block;
    block-size: 0.75rem;
    inline-size: 60%;
    border-radius: 6px;
    background: var(--im-color-surface);
    animation: pulse 1.2s ease-in-out infinite alternate;
  }

  .bone.short {
    inline-size: 85%;
  }

  .avatar-bone {
    flex: none;
    inline-size: var(--im-conversation-list-avatar-size);
    block-size: var(--im-conversation-list-avatar-size);
    border-radius: var(--im-conversation-list-avatar-radius);
  }

  @keyframes pulse {
    to {
      opacity: 0.45;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .bone {
      animation: none;
    }
  }

  @container (max-width: 359px) {
    .avatar,
    .avatar-bone {
      inline-size: min(var(--im-conversation-list-avatar-size), 2.5rem);
      block-size: min(var(--im-conversation-list-avatar-size), 2.5rem);
      font-size: calc(min(var(--im-conversation-list-avatar-size), 2.5rem) * 0.36);
    }

    .row {
      gap: 0.625rem;
    }
  }

  @container (max-width: 319px) {
    .new {
      padding: 0.5rem;
    }

    .new-label {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  }
`;
