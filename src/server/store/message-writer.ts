import type { AppendResult, NewMessage, Store } from './store.js';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: messages arriving while a batch is being written are collected and written
 * together in the next transaction, so the disk syncs once per batch instead of once per
 * message. Each caller's promise resolves only after its batch committed.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 256,
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.store.appendMessages(batch.map((entry) => entry.message));
          batch.forEach((entry, index) => entry.resolve(results[index]!));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Resolves when everything queued so far has been written. */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
