import { css, html, nothing, type TemplateResult } from 'lit';
import type { CachedMessage } from '../../sdk/cache/types.js';
import { styleProps } from '../directives/style-props.js';
import { ImMessageRetryEvent } from './events.js';
import { closeIcon } from './icons.js';
import type { ImMessage } from './message.js';
import '../i18n/locales/en-more.js';

/**
 * The upload progress bar (with cancel) and the line under a failed message (with Retry) of
 * <im-message>, loaded the first time a message shows either: most messages at rest need neither.
 */

/** The progress of a file being sent, and its cancel button. */
export function renderProgress(host: ImMessage): TemplateResult {
  const p = host.progress;
  return html`<div class="upload">
    <div
      class="bar"
      part="progress"
      role="progressbar"
      aria-label=${p === undefined ? host.t('status.sending') : host.t('upload.progress', { percent: Math.round(p) })}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${p === undefined ? nothing : Math.round(p)}
      ?data-indeterminate=${p === undefined}
    ><span ${styleProps({ 'inline-size': `${p ?? 30}%` })}></span></div>
    <button class="cancel" type="button" aria-label=${host.t('upload.cancel')} title=${host.t('upload.cancel')} tabindex=${host.innerTab} @click=${() => host.cancelUpload()}>
      ${closeIcon()}
    </button>
  </div>`;
}

/** Why an own message failed, and Retry. */
export function renderFailed(host: ImMessage, m: CachedMessage): TemplateResult {
  return html`<div class="failed" part="error">
    <span>${m.error?.message ? host.t('status.failedReason', { reason: m.error.message }) : host.t('status.failed')}</span>
    <button class="retry" type="button" tabindex=${host.innerTab} @click=${() => host.dispatchEvent(new ImMessageRetryEvent({ message: m }))}>
      ${host.t('common.retry')}
    </button>
  </div>`;
}

export const styles = css`
  /* Upload progress */
  .upload {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-block-start: 0.375rem;
  }

  .media .upload {
    position: absolute;
    inset-inline: 0.5rem;
    inset-block-end: 0.5rem;
    margin: 0;
    padding: 4px;
    padding-inline-start: 0.75rem;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
  }

  .bar {
    flex: 1;
    block-size: 4px;
    min-inline-size: 4rem;
    border-radius: 2px;
    background: color-mix(in srgb, currentColor 28%, transparent);
    overflow: hidden;
  }

  .bar > span {
    display: block;
    block-size: 100%;
    border-radius: inherit;
    background: currentColor;
    transition: inline-size 0.2s;
  }

  .bar[data-indeterminate] > span {
    animation: indeterminate 1.2s ease-in-out infinite alternate;
  }

  @keyframes indeterminate {
    from {
      margin-inline-start: 0;
    }
    to {
      margin-inline-start: 70%;
    }
  }

  .cancel {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 1.75rem;
    block-size: 1.75rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: color-mix(in srgb, currentColor 18%, transparent);
    color: inherit;
  }

  /* Failed */
  .failed {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 0.25rem 0.5rem;
    margin-block-start: 0.25rem;
    font-size: 0.75rem;
    color: var(--_danger);
  }

  .retry {
    padding: 0.125rem 0.375rem;
    border: 1px solid currentColor;
    border-radius: 999px;
    background: none;
    color: inherit;
    font-size: 0.75rem;
    font-weight: 600;
  }

  @media (prefers-reduced-motion: reduce) {
    .bar[data-indeterminate] > span {
      animation: none;
      inline-size: 100% !important;
      opacity: 0.5;
    }
    .bar > span {
      transition: none;
    }
  }
`;
