import { css, html, nothing, svg, type TemplateResult } from 'lit';
import type { JsonValue } from '../../protocol/models.js';
import { styleProps } from '../directives/style-props.js';
import { cached } from '../i18n/intl.js';
import { fileOf, numberOf, stringOf, videoBox } from './content.js';
import { icon } from './icons.js';
import type { ImMessage } from './message.js';

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
    return html`<div class="audio">
      <audio part="audio" controls preload="none" src=${src} aria-label=${host.t('audio.label', { duration })} tabindex=${host.innerTab}></audio>
      <span class="duration" aria-hidden="true">${duration}</span>
    </div>`;
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

  .audio {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }

  audio {
    display: block;
    inline-size: 16rem;
    max-inline-size: 100%;
    block-size: 2.5rem;
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
