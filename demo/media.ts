// Sample files made in the page, so the demo ships no assets: a PNG drawn on a canvas, a WAV
// tune, a one-page PDF and (where MediaRecorder can) a short WebM clip.

function canvas(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const element = document.createElement('canvas');
  element.width = width;
  element.height = height;
  return [element, element.getContext('2d')!];
}

function toBlob(element: HTMLCanvasElement, type = 'image/png'): Promise<Blob> {
  return new Promise((resolve, reject) => element.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob failed'))), type));
}

/** A poster: gradient sky, sun, hills and a title. */
function drawPoster(g: CanvasRenderingContext2D, width: number, height: number, t = 0): void {
  const sky = g.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, '#1f5fd1');
  sky.addColorStop(0.6, '#7c3aed');
  sky.addColorStop(1, '#f97316');
  g.fillStyle = sky;
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#fde68a';
  g.beginPath();
  g.arc(width * (0.72 - t * 0.2), height * (0.42 - t * 0.12), height * 0.14, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#0f172a';
  g.beginPath();
  g.moveTo(0, height);
  g.lineTo(0, height * 0.72);
  g.quadraticCurveTo(width * 0.25, height * 0.55, width * 0.5, height * 0.7);
  g.quadraticCurveTo(width * 0.75, height * 0.82, width, height * 0.62);
  g.lineTo(width, height);
  g.fill();
  g.fillStyle = '#ffffff';
  g.font = `700 ${Math.round(height * 0.11)}px system-ui, sans-serif`;
  g.fillText('LAUNCH DAY', width * 0.07, height * 0.2);
  g.font = `500 ${Math.round(height * 0.05)}px system-ui, sans-serif`;
  g.fillText('Tuesday · 10:00', width * 0.07, height * 0.29);
}

/** A 960×640 PNG poster. */
export async function posterPng(width = 960, height = 640): Promise<File> {
  const [element, g] = canvas(width, height);
  drawPoster(g, width, height);
  return new File([await toBlob(element)], 'launch-poster.png', { type: 'image/png' });
}

/** A short tune as 16-bit mono PCM WAV; `seconds` long. */
export function tuneWav(seconds = 2.4, rate = 22_050): File {
  const samples = Math.round(seconds * rate);
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (offset: number, value: string) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  const notes = [523.25, 659.25, 783.99, 1046.5]; // C5 E5 G5 C6
  const noteLength = samples / notes.length;
  for (let i = 0; i < samples; i++) {
    const note = Math.min(notes.length - 1, Math.floor(i / noteLength));
    const within = (i - note * noteLength) / noteLength;
    const envelope = Math.min(1, within * 20) * (1 - within) ** 1.5;
    const value = Math.sin((2 * Math.PI * notes[note]! * i) / rate) * envelope * 0.5;
    view.setInt16(44 + i * 2, Math.round(value * 32_767), true);
  }
  return new File([buffer], 'voice-note.wav', { type: 'audio/wav' });
}

/** A one-page PDF that says "Launch plan". */
export function planPdf(): File {
  const lines = ['Launch plan', '1. Freeze the release on Monday', '2. Press embargo lifts Tuesday 10:00', '3. Party at Station F'];
  const stream = lines.map((line, i) => `BT /F1 ${i === 0 ? 28 : 14} Tf 72 ${760 - i * 36} Td (${line}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new File([body], 'launch-plan.pdf', { type: 'application/pdf' });
}

/**
 * A short WebM clip of the poster's sun setting, recorded from a canvas, with a poster frame;
 * undefined where the browser cannot record WebM.
 */
export async function sunsetWebm(seconds = 1.5): Promise<{ video: File; poster: Blob; duration: number } | undefined> {
  const type = ['video/webm;codecs=vp8', 'video/webm'].find((t) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(t));
  if (!type) return undefined;
  const width = 480;
  const height = 270;
  const [element, g] = canvas(width, height);
  drawPoster(g, width, height);
  const poster = await toBlob(element);
  const stream = element.captureStream(30);
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 600_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
  const start = performance.now();
  recorder.start(250);
  // Timers, not animation frames: a tab in the background would never finish otherwise.
  await new Promise<void>((resolve) => {
    const frame = () => {
      const t = Math.min(1, (performance.now() - start) / (seconds * 1000));
      drawPoster(g, width, height, t);
      if (t < 1) setTimeout(frame, 33);
      else resolve();
    };
    frame();
  });
  recorder.stop();
  await stopped;
  for (const track of stream.getTracks()) track.stop();
  const blob = new Blob(chunks, { type: 'video/webm' });
  if (blob.size === 0) return undefined;
  return { video: new File([blob], 'sunset.webm', { type: 'video/webm' }), poster, duration: seconds };
}
