/** What the browser can tell about a media file before it is uploaded. */
export interface MediaProbe {
  /** Seconds (0 when unknown). */
  duration: number;
  /** Video: a still of an early frame as JPEG, when the browser can decode the video. */
  poster?: Blob;
}

const PROBE_TIMEOUT_MS = 5000;

function once(target: EventTarget, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event} timed out`)), PROBE_TIMEOUT_MS);
    target.addEventListener(event, () => (clearTimeout(timer), resolve()), { once: true });
    target.addEventListener('error', () => (clearTimeout(timer), reject(new Error('media error'))), { once: true });
  });
}

/** Duration (and for video a poster frame) of an audio or video file; best effort, never throws. */
export async function probeMedia(blob: Blob, kind: 'audio' | 'video'): Promise<MediaProbe> {
  if (typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return { duration: 0 };
  const url = URL.createObjectURL(blob);
  const element = document.createElement(kind);
  element.preload = 'metadata';
  element.muted = true;
  try {
    const loaded = once(element, 'loadedmetadata');
    element.src = url;
    await loaded;
    const duration = Number.isFinite(element.duration) ? element.duration : 0;
    if (kind === 'audio' || !(element instanceof HTMLVideoElement) || element.videoWidth === 0) return { duration };
    try {
      const seeked = once(element, 'seeked');
      element.currentTime = Math.min(0.5, duration / 2);
      await seeked;
      const canvas = document.createElement('canvas');
      canvas.width = element.videoWidth;
      canvas.height = element.videoHeight;
      canvas.getContext('2d')?.drawImage(element, 0, 0);
      const poster = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
      return poster ? { duration, poster } : { duration };
    } catch {
      return { duration };
    }
  } catch {
    return { duration: 0 };
  } finally {
    element.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}

/** The message type a file is sent as, from the type the browser reports (the server sniffs again). */
export function kindOfBlob(blob: Blob): 'image' | 'audio' | 'video' | 'file' {
  const type = blob.type.toLowerCase();
  if (/^image\/(jpeg|png|gif|webp|avif)$/.test(type)) return 'image';
  if (/^audio\//.test(type)) return 'audio';
  if (/^video\/(mp4|webm|ogg)$/.test(type)) return 'video';
  return 'file';
}
