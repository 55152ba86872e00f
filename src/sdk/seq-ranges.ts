/**
 * Closed seq ranges per conversation, merged as they are added. The client records here which
 * stretches of history the server has confirmed, so a hole inside one is known to be a message
 * this user may not see (deleted for them, sent to others), not a gap to fill.
 */
export class SeqRanges {
  private readonly ranges = new Map<string, [number, number][]>();

  add(key: string, from: number, to: number): void {
    if (to < from) return;
    const list = [...(this.ranges.get(key) ?? []), [from, to] as [number, number]].sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [start, end] of list) {
      const last = merged.at(-1);
      if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    this.ranges.set(key, merged);
  }

  /** True when [from, to] lies inside one confirmed range (an empty range always does). */
  covers(key: string, from: number, to: number): boolean {
    if (to < from) return true;
    return (this.ranges.get(key) ?? []).some(([start, end]) => start <= from && to <= end);
  }

  clear(key: string): void {
    this.ranges.delete(key);
  }
}
