/** Token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.tokens = burst;
    this.updatedAt = clock();
  }

  /** Takes one token, leaving at least `reserve` behind; false when there are not enough. */
  take(reserve = 0): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens < 1 + reserve) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available. */
  retryAfterMs(): number {
    return Math.max(0, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
  }
}

export type Priority = 'high' | 'normal' | 'low';

/**
 * The message rate of each conversation (a busy chat room, say). Over the rate, low-priority
 * messages are dropped first: they need half the burst left over; normal ones need a token;
 * high-priority ones always pass (and use a token when there is one).
 */
export class ConversationRates {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly clock: () => number,
  ) {}

  admit(conversationId: string, priority: Priority): boolean {
    let bucket = this.buckets.get(conversationId);
    if (!bucket) {
      // Bounded memory: forget idle conversations' buckets (a fresh bucket is full anyway).
      if (this.buckets.size > 10_000) this.buckets.clear();
      bucket = new TokenBucket(this.rate, this.rate * 2, this.clock);
      this.buckets.set(conversationId, bucket);
    }
    if (priority === 'high') {
      bucket.take();
      return true;
    }
    return bucket.take(priority === 'low' ? this.rate : 0);
  }
}
