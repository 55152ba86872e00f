/**
 * The room scenario of chaos-cc.test.ts with bare IMClients that reconnect fast
 * (reconnectDelayMs 100, reconnectDelayMaxMs 1000): more sessions per client in the same chaos,
 * so more reconnect races per run. Same knobs as chaos-cc.test.ts.
 */
import { describe, it } from 'node:test';
import { assertDelivered, scenario } from './room-chaos-assert.js';

describe('IMClient rooms under chaos (cuts + held bytes, fast reconnects)', () => {
  it('delivers every acknowledged message exactly once, in order, with websocket allowed', async (t) => {
    assertDelivered(t, await scenario({ label: 'client', kind: 'client', refuseWebSocket: false }));
  });

  it('delivers every acknowledged message exactly once, in order, over long-polling only', async (t) => {
    assertDelivered(t, await scenario({ label: 'client', kind: 'client', refuseWebSocket: true }));
  });
});
