import { css, html, LitElement, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { JsonValue } from '../../protocol/models.js';
import { styleProps } from '../directives/style-props.js';
import { cached } from '../i18n/intl.js';
import { fileOf, numberOf, stringOf, videoBox } from './content.js';
import { icon } from './icons.js';
import type { ImMessage } from './message.js';
import '../i18n/locales/en-more.js';

/**
 * Voice messages, videos and locations of <im-message>, loaded the first time one is shown
 * (until then the message draws a placeholder of the same size with the same label).
 */

const externalIcon = () => icon(svg`<path d="M14 4h6v6"/><path d="M20 4 10 14"/><path d="M19 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1h5"/>`, 'flip');
const pinIcon = () => icon(svg`<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z"/><circle cx="12" cy="9.5" r="2.5"/>`);

/** A map link for a location (OpenStreetMap; no API key, no tracking pixels), or undefined when out of range. */
function mapLink(lat: number | undefined, lng: number | undefined): string | undefined {
  if (lat === undefined || lng === undefined || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`;
}

/** The content of a sent voice message, video or location (the time and status are the element's). */
export function renderMedia(host: ImMessage, type: 'audio' | 'video' | 'location', body: Record<string, JsonValue> | undefined): TemplateResult {
  const { locale } = host;
  if (type === 'location') {
    const lat = numberOf(body?.lat);
    const lng = numberOf(body?.lng);
    const description = stringOf(body?.description);
    const link = mapLink(lat, lng);
    const coords = cached(`message-coords|${locale.tag}`, () => new Intl.NumberFormat(locale.tag, { maximumFractionDigits: 5, minimumFractionDigits: 1 }));
    return html`<div class="card location" part="location">
      <span class="pin">${pinIcon()}</span>
      <span class="location-text">
        ${description ? html`<span class="location-name" dir="auto">${description}</span>` : nothing}
        ${lat !== undefined && lng !== undefined ? html`<span class="coords" dir="ltr">${coords.format(lat)}, ${coords.format(lng)}</span>` : nothing}
        ${link
          ? html`<a class="map-link" href=${link} target="_blank" rel="noopener noreferrer" tabindex=${host.innerTab}>${host.t('location.open')}${externalIcon()}</a>`
          : nothing}
      </span>
    </div>`;
  }
  const file = fileOf(body?.file)!;
  const duration = locale.formatDuration(numberOf(body?.duration) ?? 0);
  const src = host.fileUrl(file.url);
  if (type === 'audio') {
    return html`<im-voice-player
      part="audio"
      .src=${src}
      .duration=${numberOf(body?.duration) ?? 0}
      .host=${host}
      .tab=${host.innerTab}
      .tag=${locale.tag}
    ></im-voice-player>`;
  }
  const poster = fileOf(body?.poster ?? undefined);
  const posterUrl = poster ? host.fileUrl(poster.thumbnails?.small.url ?? poster.url) : '';
  const box = videoBox(file, poster);
  return html`<div class="video" ${styleProps({ 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width}/${box.height}` })}>
    <video
      part="video"
      controls
      preload="none"
      playsinline
      src=${src}
      poster=${posterUrl || nothing}
      width=${box.width}
      height=${box.height}
      aria-label=${host.t('video.label', { duration })}
      tabindex=${host.innerTab}
    ></video>
    <span class="duration chip" aria-hidden="true">${duration}</span>
  </div>`;
}

/** Styles of voice messages, videos and locations, adopted into the message's shadow root with this module. */
export const styles = css`
  .video {
    position: relative;
    max-inline-size: 100%;
    background: #000;
  }

  .bubble:not(.media) .video {
    border-radius: 12px;
    overflow: hidden;
  }

  video {
    display: block;
    inline-size: 100%;
    block-size: 100%;
  }

  .chip {
    position: absolute;
    inset-block-start: 0.375rem;
    inset-inline-start: 0.375rem;
    padding: 3px 7px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    font-size: 0.6875rem;
    line-height: 1;
    pointer-events: none;
  }

  .duration {
    font-size: 0.75rem;
    font-variant-numeric: tabular-nums;
  }

  .card.location {
    align-items: flex-start;
  }

  .location-name {
    white-space: normal;
  }

  .map-link {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    margin-block-start: 2px;
    font-size: 0.8125rem;
    font-weight: 600;
  }

  .map-link .icon {
    inline-size: 13px;
    block-size: 13px;
  }
`;

const playIcon = () => icon(svg`<path d="M8 5.5v13a.5.5 0 0 0 .77.42l10-6.5a.5.5 0 0 0 0-.84l-10-6.5A.5.5 0 0 0 8 5.5Z" fill="currentColor"/>`, 'flip');
const pauseIcon = () => icon(svg`<path d="M8 5v14M16 5v14" stroke-width="3"/>`);

/**
 * A voice message: play and pause, a seek slider and the time (the length at rest, the position
 * while playing). Nothing is downloaded until it is played. Only one voice message plays at a time.
 */
export class ImVoicePlayer extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      inline-size: 15rem;
      max-inline-size: 100%;
      padding-block: 0.125rem;
    }

    button {
      flex: none;
      display: grid;
      place-items: center;
      inline-size: 2.25rem;
      block-size: 2.25rem;
      padding: 0;
      border: 0;
      border-radius: 50%;
      background: currentColor;
      cursor: pointer;
    }

    button .icon {
      inline-size: 16px;
      block-size: 16px;
      color: var(--im-voice-icon, var(--im-color-surface, #fff));
    }

    button:focus-visible,
    input:focus-visible {
      outline: 2px solid var(--im-color-focus, #2563eb);
      outline-offset: 2px;
    }

    input {
      flex: 1;
      min-inline-size: 0;
      margin: 0;
      accent-color: currentColor;
      cursor: pointer;
    }

    .time {
      flex: none;
      min-inline-size: 2.5em;
      font-size: 0.75rem;
      font-variant-numeric: tabular-nums;
      text-align: end;
    }

    .failed {
      color: var(--im-color-danger, #b42318);
    }

    :host-context([dir='rtl']) .flip {
      transform: scaleX(-1);
    }
  `;

  /** The audio file's URL. */
  @property({ attribute: false }) src = '';
  /** Its length in seconds, as the sender's device measured it (until the file says otherwise). */
  @property({ attribute: false }) duration = 0;
  /** The message it belongs to (strings, formats, tab order). */
  @property({ attribute: false }) host: ImMessage | undefined;
  /** The tab order of its controls (the message's). */
  @property({ attribute: false }) tab: number | typeof nothing = nothing;
  /** The language it speaks (a change re-renders it). */
  @property({ attribute: false }) tag = '';
  @state() private playing = false;
  @state() private position = 0;
  @state() private failed = false;
  private audio: HTMLAudioElement | undefined;

  /** The voice message playing now, on the whole page. */
  private static current: ImVoicePlayer | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.audio?.pause();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('src') && changed.get('src') !== undefined) {
      this.audio?.pause();
      this.audio = undefined;
      this.position = 0;
      this.failed = false;
    }
  }

  private player(): HTMLAudioElement {
    if (this.audio) return this.audio;
    const audio = new Audio();
    audio.preload = 'metadata';
    audio.src = this.src;
    audio.addEventListener('play', () => {
      if (ImVoicePlayer.current !== this) ImVoicePlayer.current?.audio?.pause();
      ImVoicePlayer.current = this;
      this.playing = true;
    });
    audio.addEventListener('pause', () => (this.playing = false));
    audio.addEventListener('timeupdate', () => (this.position = audio.currentTime));
    audio.addEventListener('loadedmetadata', () => {
      if (Number.isFinite(audio.duration) && audio.duration > 0) this.duration = audio.duration;
      this.requestUpdate();
    });
    audio.addEventListener('ended', () => {
      this.playing = false;
      this.position = 0;
    });
    audio.addEventListener('error', () => {
      this.playing = false;
      this.failed = true;
    });
    return (this.audio = audio);
  }

  /** Plays or pauses; a failed file is tried again. */
  toggle(): void {
    if (this.failed) {
      this.audio = undefined;
      this.failed = false;
    }
    const audio = this.player();
    if (audio.paused) audio.play().catch(() => undefined);
    else audio.pause();
  }

  private seek(event: Event): void {
    const to = Number((event.target as HTMLInputElement).value);
    const audio = this.player();
    audio.currentTime = to;
    this.position = to;
  }

  protected override render() {
    const host = this.host;
    if (!host) return nothing;
    const { locale } = host;
    const length = Math.max(this.duration, this.position);
    const total = locale.formatDuration(length);
    const now = locale.formatDuration(this.position);
    const label = host.t('audio.label', { duration: total });
    const tab = this.tab;
    return html`<button
        type="button"
        part="play"
        aria-label=${this.failed ? host.t('audio.failed') : host.t(this.playing ? 'audio.pause' : 'audio.play')}
        title=${this.failed ? host.t('audio.failed') : nothing}
        tabindex=${tab}
        @click=${this.toggle}
      >${this.playing ? pauseIcon() : playIcon()}</button
      ><input
        type="range"
        part="seek"
        min="0"
        max=${length || 1}
        step="0.1"
        .value=${String(this.position)}
        aria-label=${label}
        aria-valuetext=${`${now} / ${total}`}
        tabindex=${tab}
        @input=${this.seek}
      /><span class="time ${this.failed ? 'failed' : ''}" aria-hidden="true">${this.playing || this.position > 0 ? now : total}</span>`;
  }
}

if (!customElements.get('im-voice-player')) customElements.define('im-voice-player', ImVoicePlayer);

declare global {
  interface HTMLElementTagNameMap {
    'im-voice-player': ImVoicePlayer;
  }
}
