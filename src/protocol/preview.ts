import { LIMITS } from './limits.js';
import type { JsonValue, MessageType } from './models.js';

const record = (value: JsonValue): Record<string, JsonValue> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;

/**
 * A one-line plain-text preview of a message (quotes, notifications, server-side logs), at
 * most QUOTE_PREVIEW_MAX_LENGTH characters. Elements localise their own previews.
 */
export function previewOf(type: MessageType, content: JsonValue): string {
  const body = record(content);
  const file = body ? record(body.file ?? null) : undefined;
  let text: string;
  switch (type) {
    case 'text':
      text = typeof body?.text === 'string' ? body.text : '';
      break;
    case 'image':
      text = '[Image]';
      break;
    case 'file':
      text = `[File] ${typeof file?.name === 'string' ? file.name : ''}`;
      break;
    case 'audio':
      text = '[Voice]';
      break;
    case 'video':
      text = '[Video]';
      break;
    case 'location':
      text = `[Location] ${typeof body?.description === 'string' ? body.description : ''}`;
      break;
    case 'custom':
      text = typeof body?.description === 'string' && body.description !== '' ? body.description : typeof content === 'string' ? content : '[Message]';
      break;
    case 'tip':
      text = '';
      break;
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > LIMITS.QUOTE_PREVIEW_MAX_LENGTH ? `${line.slice(0, LIMITS.QUOTE_PREVIEW_MAX_LENGTH - 1)}…` : line;
}
