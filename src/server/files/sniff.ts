/**
 * What an uploaded file really is, from its first bytes. The uploader's name and claimed type
 * are never trusted: a file is served with the type found here, and inline only when it is one
 * of the image, audio and video formats browsers render without running anything.
 */
export interface Sniffed {
  mime: string;
  kind: 'image' | 'audio' | 'video' | 'file';
}

/** Bytes of the file's head the sniffer looks at. */
export const SNIFF_BYTES = 4100;

const ascii = (head: Uint8Array, offset: number, text: string): boolean => {
  if (head.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i += 1) if (head[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};
const bytes = (head: Uint8Array, offset: number, values: readonly number[]): boolean =>
  head.length >= offset + values.length && values.every((value, i) => head[offset + i] === value);

const image = (mime: string): Sniffed => ({ mime, kind: 'image' });
const audio = (mime: string): Sniffed => ({ mime, kind: 'audio' });
const video = (mime: string): Sniffed => ({ mime, kind: 'video' });
const file = (mime: string): Sniffed => ({ mime, kind: 'file' });

/** ISO base media (MP4, M4A, MOV, AVIF, HEIC): the brand in the `ftyp` box decides. */
function isoMedia(head: Uint8Array): Sniffed | undefined {
  if (!ascii(head, 4, 'ftyp')) return undefined;
  const brand = String.fromCharCode(...head.subarray(8, 12));
  if (brand === 'avif' || brand === 'avis') return image('image/avif');
  if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return file('image/heic');
  if (brand === 'M4A ' || brand === 'M4B ') return audio('audio/mp4');
  if (brand === 'qt  ') return file('video/quicktime');
  return video('video/mp4');
}

/** Matroska and WebM share EBML; the DocType says which. */
function ebml(head: Uint8Array): Sniffed | undefined {
  if (!bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const text = String.fromCharCode(...head.subarray(0, Math.min(head.length, 64)));
  return text.includes('webm') ? video('video/webm') : file('video/x-matroska');
}

/** An MPEG audio frame header: 11 sync bits, a valid version, layer III, a valid bitrate. */
function mpegFrame(head: Uint8Array): boolean {
  if (head.length < 3 || head[0] !== 0xff || (head[1]! & 0xe0) !== 0xe0) return false;
  const version = (head[1]! >> 3) & 0x3;
  const layer = (head[1]! >> 1) & 0x3;
  const bitrate = head[2]! >> 4;
  return version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15;
}

export function sniff(head: Uint8Array): Sniffed {
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) return image('image/jpeg');
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('image/png');
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return image('image/gif');
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return image('image/webp');
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return audio('audio/wav');
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return file('video/x-msvideo');
  if (ascii(head, 0, 'BM') && head.length > 14) return file('image/bmp');
  const iso = isoMedia(head);
  if (iso) return iso;
  const matroska = ebml(head);
  if (matroska) return matroska;
  if (ascii(head, 0, 'OggS')) {
    // Theora in an Ogg stream is video; Vorbis and Opus are audio.
    return ascii(head, 29, 'theora') ? video('video/ogg') : audio('audio/ogg');
  }
  if (ascii(head, 0, 'fLaC')) return audio('audio/flac');
  if (ascii(head, 0, 'ID3') || mpegFrame(head)) return audio('audio/mpeg');
  if (bytes(head, 0, [0xff, 0xf1]) || bytes(head, 0, [0xff, 0xf9])) return audio('audio/aac');
  if (ascii(head, 0, '%PDF-')) return file('application/pdf');
  if (bytes(head, 0, [0x50, 0x4b, 0x03, 0x04])) return file('application/zip');
  if (bytes(head, 0, [0x1f, 0x8b])) return file('application/gzip');
  if (ascii(head, 0, '7z') && bytes(head, 2, [0xbc, 0xaf, 0x27, 0x1c])) return file('application/x-7z-compressed');
  if (ascii(head, 0, 'Rar!')) return file('application/vnd.rar');
  if (bytes(head, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return file('application/x-ole-storage');
  // Text (including SVG and HTML) is served as plain text, never as markup a browser would run.
  if (looksLikeText(head)) return file('text/plain; charset=utf-8');
  return file('application/octet-stream');
}

/** UTF-8 without control characters other than whitespace. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  let sample = head;
  // The head may end inside a multi-byte character: drop an incomplete tail.
  for (let back = 1; back <= 3 && back <= sample.length; back += 1) {
    const byte = sample[sample.length - back]!;
    if ((byte & 0xc0) === 0xc0) {
      sample = sample.subarray(0, sample.length - back);
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
  } catch {
    return false;
  }
}

/** Formats served inline: browsers only decode or play them, nothing in them can run. */
export function isInlineSafe(mime: string): boolean {
  return INLINE_SAFE.has(mime);
}
const INLINE_SAFE = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/flac',
  'audio/aac',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/ogg',
]);
