import sharp from 'sharp';
import { LIMITS } from '../../protocol/limits.js';

export interface Rendition {
  data: Buffer;
  width: number;
  height: number;
}

export interface ImageDetails {
  /** Upright size (EXIF orientation applied). */
  width: number;
  height: number;
  small: Rendition;
  large: Rendition;
}

/** Images larger than this many pixels are not decoded (decompression bombs); they stay plain files. */
const MAX_INPUT_PIXELS = 100_000_000;

/**
 * A rendition whose shorter side is `side` px (never enlarged), upright, without metadata
 * (no GPS position leaks through a thumbnail), as WebP.
 */
async function rendition(input: string | Buffer, side: number): Promise<Rendition> {
  const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize({ width: side, height: side, fit: 'outside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Size and the two thumbnails of an image, or undefined when it cannot be decoded. */
export async function describeImage(input: string | Buffer): Promise<ImageDetails | undefined> {
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) return undefined;
    // Orientations 5–8 turn the picture by 90°: width and height swap once it is upright.
    const turned = (meta.orientation ?? 1) >= 5;
    const [small, large] = await Promise.all([rendition(input, LIMITS.THUMBNAIL_SMALL), rendition(input, LIMITS.THUMBNAIL_LARGE)]);
    return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, small, large };
  } catch {
    return undefined;
  }
}
