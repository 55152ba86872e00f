import type { CachedMessage } from '../../sdk/cache/types.js';
import type { IMClient } from '../../sdk/client.js';
import type { Params } from '../i18n/types.js';
import type { ComposerKey } from './strings.js';
import '../i18n/locales/en-more.js';

/** What sending files needs of the composer. */
export interface AttachHost {
  client: IMClient;
  conversationId: string;
  replyTo: number | undefined;
  t(key: ComposerKey, params?: Params): string;
  formatBytes(n: number): string;
  errorText(error: unknown): string;
  startSend(isOurs: (message: CachedMessage) => boolean, send: () => Promise<CachedMessage>, onEarlyError: (error: unknown) => void): Promise<void>;
  addError(error: unknown, line: string): void;
  endReply(): void;
  setRefused(lines: string[]): void;
}

/**
 * Sends each file as its own message (the SDK picks image, audio, video or file), refusing up
 * front the ones over the server's limit. Resolves once every send is queued or refused.
 */
export async function sendFiles(host: AttachHost, files: readonly File[]): Promise<void> {
  const { client, conversationId, replyTo } = host;
  const limit = client.uploadMaxBytes;
  const refused: string[] = [];
  const started: Promise<void>[] = [];
  for (const file of files) {
    const name = file.name || 'file';
    if (limit > 0 && file.size > limit) {
      refused.push(host.t('upload.tooLarge', { name, limit: host.formatBytes(limit) }));
      continue;
    }
    started.push(
      host.startSend(
        (message) => message.upload?.blob === file,
        () => client.messages.sendFile(conversationId, file, replyTo === undefined ? {} : { replyTo }),
        (error) => host.addError(error, host.t('composer.fileNotSent', { name, reason: host.errorText(error) })),
      ),
    );
  }
  if (started.length > 0) host.endReply();
  host.setRefused(refused);
  await Promise.all(started);
}
