/** Defaults, knobs and the assertions shared by the room chaos tests. */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { runRoomChaos, summarize, type RoomChaosOptions, type RoomChaosReport } from './room-chaos.js';

function knob(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** "min-max" in ms, e.g. RELIABILITY_CUT_MS=300-1500. */
function rangeKnob(name: string): [number, number] | undefined {
  const match = /^(\d+)-(\d+)$/.exec(process.env[name] ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * Long-polling in Node opens one TCP connection per HTTP request (engine.io-client's XHR runs
 * without a keep-alive agent), and each lives a few hundred ms at most, so a cut 0.7–3 s after
 * opening would never land. A cut anywhere in 0–2 s of each request's connection hits roughly
 * one poll in ten, mostly while its response is held: a polling session then lasts about as
 * long as a websocket does under the default window, and most of its cuts lose a response the
 * server believes delivered.
 */
const POLLING_CUT_AFTER_MS: [number, number] = [0, 2000];

/**
 * 180 messages over 30 s: faster than a connection lives under chaos, so most connections carry
 * messages when they are cut, yet under the server's per-connection send rate.
 */
export function scenario(options: Pick<RoomChaosOptions, 'label' | 'kind' | 'refuseWebSocket'>): Promise<RoomChaosReport> {
  const cutAfterMs = rangeKnob('RELIABILITY_CUT_MS') ?? (options.refuseWebSocket ? POLLING_CUT_AFTER_MS : undefined);
  return runRoomChaos({
    ...options,
    ...(cutAfterMs ? { cutAfterMs } : {}),
    ...(process.env.RELIABILITY_HOLD_MS ? { holdMs: knob('RELIABILITY_HOLD_MS', 120) } : {}),
    receivers: Math.min(knob('RELIABILITY_RECEIVERS', 3), 20),
    messages: Math.min(knob('RELIABILITY_MESSAGES', 180), 1000),
    chaosMs: Math.min(knob('RELIABILITY_CHAOS_MS', 30_000), 60_000),
    settleMs: Math.min(knob('RELIABILITY_SETTLE_MS', 30_000), 60_000),
  });
}

export function assertDelivered(t: TestContext, report: RoomChaosReport): void {
  for (const line of summarize(report)) t.diagnostic(line);
  if (process.env.RELIABILITY_REPORT) appendFileSync(process.env.RELIABILITY_REPORT, `${JSON.stringify(report)}\n`);
  // Without cuts the run proves nothing: the proxy must really have been in the way.
  assert.ok(report.proxy.cuts >= 10, `only ${report.proxy.cuts} cuts: the chaos did not bite`);
  if (report.transport === 'polling only') assert.ok(report.proxy.refusedUpgrades > 0, 'no websocket attempt was refused');

  assert.deepEqual(report.stored.duplicatesOfContent, [], 'a retried send was stored twice');
  assert.deepEqual(report.stored.ackMismatches, [], 'an ack named a seq that holds other content');
  assert.deepEqual(report.stored.holes, [], 'stored seqs have holes');
  assert.deepEqual(
    report.failed.map(({ n }) => n),
    [],
    'the outbox gave up on messages although every failure here is transient',
  );
  assert.equal(report.acked, report.queued, 'not every queued message was acknowledged within the settle time');
  for (const receiver of report.receivers) {
    assert.deepEqual(receiver.lost, [], `${receiver.name} never got these acknowledged seqs`);
    assert.deepEqual(receiver.duplicates, [], `${receiver.name} got these seqs more than once`);
    assert.deepEqual(receiver.outOfOrder, [], `${receiver.name} got seqs out of order`);
    assert.deepEqual(receiver.wrongContent, [], `${receiver.name} got content under the wrong seq`);
  }
}
