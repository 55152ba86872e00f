/**
 * Stored messages in a room survive a bad network: one sender and three receivers, all the
 * CC-compatible CCIMManager running in Node, every connection going through the chaos proxy
 * (cut 0.7–3 s after it opens, server→client bytes held 120 ms so cuts lose frames in flight).
 * The sender stores messages at a steady pace through the cuts and relies on the SDK's own
 * outbox to retry. After chaos stops, every receiver must hold every acknowledged message
 * exactly once, in seq order: what a class in a flaky classroom network must see.
 *
 * CCIMManager has no reconnect-delay option, so it reconnects with the SDK's defaults; the same
 * scenario with IMClient and fast reconnects is in chaos-client.test.ts.
 *
 * Knobs for harder or longer measurements (the defaults are what CI runs): RELIABILITY_MESSAGES,
 * RELIABILITY_CHAOS_MS and RELIABILITY_SETTLE_MS (each at most 60 s), RELIABILITY_RECEIVERS,
 * RELIABILITY_HOLD_MS, RELIABILITY_CUT_MS=min-max; RELIABILITY_REPORT=file appends each run's
 * full report as one JSON line.
 */
import { describe, it } from 'node:test';
import { assertDelivered, scenario } from './room-chaos-assert.js';

describe('CCIMManager rooms under chaos (cuts + held bytes)', () => {
  it('delivers every acknowledged message exactly once, in order, with websocket allowed', async (t) => {
    assertDelivered(t, await scenario({ label: 'cc', kind: 'cc', refuseWebSocket: false }));
  });

  it('delivers every acknowledged message exactly once, in order, over long-polling only', async (t) => {
    assertDelivered(t, await scenario({ label: 'cc', kind: 'cc', refuseWebSocket: true }));
  });
});
