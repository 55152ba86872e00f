import { css } from 'lit';

export default css`
  :host {
    /* A message belongs to its chat: it follows the chat's colour scheme (theme pins one). */
    color-scheme: inherit;
    --_bg: var(--im-message-bg, var(--im-color-surface));
    --_text: var(--im-message-text, var(--im-color-text));
    --_own-bg: var(--im-message-own-bg, var(--im-color-accent));
    --_own-text: var(--im-message-own-text, var(--im-color-on-accent));
    --_radius: var(--im-message-radius, 18px);
    --_tight: var(--im-message-radius-grouped, 6px);
    --_muted: var(--im-message-muted, var(--im-color-muted));
    --_link: var(--im-message-link, var(--im-color-accent));
    --_danger: var(--im-message-danger, var(--im-color-danger));
    --_avatar: var(--im-message-avatar-size, 2rem);
    /* Light text on the accent: light in the light scheme, dark in the dark one (AA on both). */
    --_read: var(--im-message-read, light-dark(#d6f0ff, #062b6b));
    --_highlight: var(--im-message-highlight, color-mix(in srgb, var(--im-color-accent) 22%, transparent));
    display: block;
    font-size: var(--im-message-font-size, 0.9375rem);
    line-height: 1.4;
  }

  :host(:focus-visible) {
    outline: none;
  }

  :host(:focus-visible) .row {
    box-shadow: var(--im-focus-ring);
  }

  .row {
    position: relative;
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    padding: 1px 0.25rem;
    border-radius: 12px;
  }

  .row[data-grouped='single'],
  .row[data-grouped='first'] {
    padding-block-start: var(--im-message-gap, 0.5rem);
  }

  .row.own {
    justify-content: flex-end;
  }

  .row.center {
    justify-content: center;
    align-items: center;
  }

  .row.flash {
    animation: flash 1.8s ease-out;
  }

  @keyframes flash {
    0%,
    35% {
      background: var(--_highlight);
    }
    100% {
      background: transparent;
    }
  }

  [dir='rtl'] .flip {
    transform: scaleX(-1);
  }

  .avatar {
    position: relative;
    overflow: hidden;
    flex: none;
    display: grid;
    place-items: center;
    inline-size: var(--_avatar);
    block-size: var(--_avatar);
    border-radius: 50%;
    background: oklch(0.5 0.12 var(--hue));
    color: #fff;
    font-size: 0.8125rem;
    font-weight: 600;
    line-height: 1;
    user-select: none;
  }

  .avatar.spacer {
    visibility: hidden;
  }

  .body {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    min-inline-size: 0;
    max-inline-size: var(--im-message-max-width, min(80%, 36rem));
  }

  .own .body {
    align-items: flex-end;
  }

  .sender {
    max-inline-size: 100%;
    padding-inline: 0.75rem;
    margin-block-end: 2px;
    overflow: hidden;
    font-size: 0.8125rem;
    font-weight: 600;
    color: light-dark(oklch(0.45 0.14 var(--hue)), oklch(0.82 0.1 var(--hue)));
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .line {
    position: relative;
    display: flex;
    max-inline-size: 100%;
  }

  .bubble {
    position: relative;
    min-inline-size: 0;
    max-inline-size: 100%;
    padding: 0.4375rem 0.75rem;
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_text);
    overflow-wrap: anywhere;
  }

  .own .bubble {
    background: var(--_own-bg);
    color: var(--_own-text);
  }

  .bubble.media {
    padding: 0;
    overflow: hidden;
  }

  .other[data-grouped='first'] .bubble {
    border-end-start-radius: var(--_tight);
  }
  .other[data-grouped='middle'] .bubble {
    border-start-start-radius: var(--_tight);
    border-end-start-radius: var(--_tight);
  }
  .other[data-grouped='last'] .bubble {
    border-start-start-radius: var(--_tight);
  }
  .own[data-grouped='first'] .bubble {
    border-end-end-radius: var(--_tight);
  }
  .own[data-grouped='middle'] .bubble {
    border-start-end-radius: var(--_tight);
    border-end-end-radius: var(--_tight);
  }
  .own[data-grouped='last'] .bubble {
    border-start-end-radius: var(--_tight);
  }

  .content {
    position: relative;
  }

  /* Text: the user's own line breaks, links and mentions; the time floats at the end of the last line. */
  .text {
    white-space: pre-wrap;
  }

  .text::after {
    content: '';
    display: block;
    clear: both;
  }

  a {
    color: var(--_link);
    text-underline-offset: 2px;
  }

  .own a {
    color: inherit;
  }

  .mention {
    color: var(--_link);
    font-weight: 600;
    unicode-bidi: isolate;
  }

  .own .mention {
    color: inherit;
    text-decoration: underline dotted;
    text-underline-offset: 3px;
  }

  .mention.self {
    padding-inline: 2px;
    border-radius: 4px;
    background: var(--im-message-mention-self-bg, var(--im-color-warning-bg));
    color: var(--im-message-mention-self-text, var(--im-color-warning-text));
    text-decoration: none;
  }

  .meta {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 0.25rem;
    margin-block-start: 0.25rem;
    font-size: 0.6875rem;
    font-style: normal;
    line-height: 1;
    white-space: nowrap;
    color: var(--_muted);
  }

  .own .meta {
    color: inherit;
  }

  .text .meta {
    float: inline-end;
    position: relative;
    inset-block-start: 0.45em;
    margin-block-start: 0.2em;
    margin-inline-start: 0.75rem;
  }

  .meta.overlay {
    position: absolute;
    inset-block-end: 0.375rem;
    inset-inline-end: 0.375rem;
    margin: 0;
    padding: 3px 7px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    pointer-events: none;
  }

  .type-video .meta.overlay,
  .uploading .meta.overlay {
    inset-block-start: 0.375rem;
    inset-block-end: auto;
  }

  .meta.plain {
    display: inline;
    margin-inline-start: 0.5rem;
  }

  .edited {
    font-style: italic;
  }

  .status {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
  }

  .status .icon {
    inline-size: 14px;
    block-size: 14px;
  }

  .status[data-status='read'] {
    color: var(--_read);
  }

  .overlay .status[data-status='read'] {
    color: #d6f0ff;
  }

  .status-text {
    font-weight: 600;
  }

  /* Reply quote */
  .quote {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 1px;
    box-sizing: border-box;
    inline-size: 100%;
    min-inline-size: 9rem;
    margin-block-end: 0.3125rem;
    padding: 0.25rem 0.5rem;
    border: 0;
    border-inline-start: 3px solid currentColor;
    border-radius: 6px;
    background: color-mix(in srgb, currentColor 9%, transparent);
    color: inherit;
    font-size: 0.8125rem;
    line-height: 1.3;
    text-align: start;
  }

  .quote-name {
    font-weight: 600;
  }

  .quote-text {
    display: block;
    max-inline-size: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  /* Images and video: sized before they load (no jump), scaled down on narrow screens. */
  .image {
    display: block;
    max-inline-size: 100%;
    padding: 0;
    border: 0;
    border-radius: 0;
    background: color-mix(in srgb, currentColor 10%, transparent);
    color: inherit;
    cursor: zoom-in;
  }

  .image.pending {
    cursor: default;
  }

  .image img {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  .bubble:not(.media) .image {
    border-radius: 12px;
    overflow: hidden;
  }

  .image:focus-visible {
    box-shadow: inset 0 0 0 3px var(--im-color-accent), inset 0 0 0 5px #fff;
  }

  /* Voice messages, videos and locations (media.ts) get a box of their size and label until they load. */
  .placeholder {
    max-inline-size: 100%;
    border-radius: 12px;
    background: color-mix(in srgb, currentColor 7%, transparent);
  }

  .placeholder.audio {
    /* The voice player: play button, slider and time on one line. */
    inline-size: 15rem;
    block-size: 2.5rem;
  }

  .placeholder.video {
    border-radius: 0;
    background: #000;
  }

  .placeholder.location {
    /* A card with a one-line description: its name, coordinates and map link. */
    inline-size: 10rem;
    block-size: 4.875rem;
  }

  /* Cards: files, locations, custom messages */
  .card {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    min-inline-size: min(12rem, 100%);
    max-inline-size: 18rem;
    padding: 0.5rem 0.625rem;
    border-radius: 12px;
    background: color-mix(in srgb, currentColor 7%, transparent);
    color: inherit;
    text-decoration: none;
  }

  a.card:hover {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }

  .file-icon,
  .pin {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 2.25rem;
    block-size: 2.25rem;
    border-radius: 8px;
    background: var(--im-color-accent);
    color: var(--im-color-on-accent);
  }

  .own .file-icon,
  .own .pin {
    background: var(--_own-text);
    color: var(--_own-bg);
  }

  .file-icon .icon,
  .pin .icon {
    inline-size: 20px;
    block-size: 20px;
  }

  .file-text,
  .location-text {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-inline-size: 0;
    flex: 1;
  }

  .file-name,
  .location-name {
    overflow: hidden;
    font-weight: 600;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .file-size,
  .coords {
    font-size: 0.75rem;
    font-variant-numeric: tabular-nums;
  }

  .custom-text {
    white-space: pre-wrap;
  }

  /* Reactions */
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin-block-start: 0.25rem;
  }

  .reaction {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    min-block-size: 1.75rem;
    padding: 0 0.5rem;
    border: 1px solid var(--im-color-border);
    border-radius: 999px;
    background: var(--im-color-bg);
    color: var(--im-color-text);
    font-size: 0.8125rem;
    line-height: 1;
  }

  .reaction .emoji {
    font-size: 1rem;
  }

  .reaction .count {
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }

  .reaction.mine {
    border-color: var(--im-color-accent);
    background: color-mix(in srgb, var(--im-color-accent) 14%, var(--im-color-bg));
  }

  .reaction:disabled {
    cursor: default;
  }

  .reaction.add {
    gap: 0;
    padding-inline: 0.375rem;
    color: var(--_muted);
    opacity: 0;
  }

  .reaction.add .icon:last-child {
    inline-size: 10px;
    block-size: 10px;
    margin-inline-start: -2px;
  }

  :host(:hover) .reaction.add,
  :host(:focus-within) .reaction.add {
    opacity: 1;
  }

  @media (hover: none) {
    .reaction.add {
      opacity: 1;
    }
  }

  /* Group tips and recall tombstones */
  .tip,
  .tombstone {
    margin: 0.25rem auto;
    max-inline-size: min(90%, 32rem);
    padding: 0.25rem 0.75rem;
    border-radius: 999px;
    font-size: 0.75rem;
    line-height: 1.4;
    text-align: center;
    color: var(--_muted);
  }

  .tip {
    background: var(--im-color-surface);
  }

  .tombstone {
    font-style: italic;
    border: 1px dashed var(--im-color-border);
  }

  @media (prefers-reduced-motion: reduce) {
    .row.flash {
      animation: none;
      background: var(--_highlight);
    }
  }
`;
