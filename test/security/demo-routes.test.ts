import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { cleanup, startServer } from '../server/helpers.js';

afterEach(cleanup);

/** Starts the CLI as `npm start` does and returns what it printed up to "listening", then stops it. */
async function startOutput(env: Record<string, string>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-demo-cli-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', IM_DATA_DIR: dataDir, IM_LOG_LEVEL: 'warn', IM_ADMIN_KEY: 'k'.repeat(24), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${output}`)), 20_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        // The warning is written right after the listening line.
        if (/listening on/.test(output) && (/demo/i.test(output.split(/listening on/)[1] ?? '') || env.IM_DEMO === '0' || env.NODE_ENV === 'production')) {
          setTimeout(() => {
            clearTimeout(timer);
            resolve();
          }, 200);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return output;
}

describe('demo credential routes', () => {
  test('never on with NODE_ENV=production, whatever IM_DEMO says; on by default otherwise', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', IM_DEMO: '1' }).demo, false);
    assert.equal(loadConfig({ NODE_ENV: 'production', IM_DEMO: 'true' }).demo, false);
    assert.equal(loadConfig({ NODE_ENV: 'production' }).demo, false);
    assert.equal(loadConfig({}).demo, true);
    assert.equal(loadConfig({ IM_DEMO: '0' }).demo, false);
  });

  test('they answer clients on this machine only: not remote addresses, not through a proxy', async () => {
    const server = await startServer({ demo: true });
    const local = await fetch(`${server.url}/demo/ticket?userId=alice`);
    assert.equal(local.status, 200);
    assert.equal((await fetch(`${server.url}/demo/room-token?roomId=r`)).status, 200);
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }] as Record<string, string>[]) {
      const proxied = await fetch(`${server.url}/demo/ticket?userId=alice`, { headers });
      assert.equal(proxied.status, 403, JSON.stringify(headers));
      assert.equal(((await proxied.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    }
    for (const remoteAddress of ['203.0.113.9', '10.0.0.2', '::ffff:192.168.1.4', '2001:db8::1']) {
      for (const url of ['/demo/ticket?userId=alice', '/demo/room-token?roomId=r']) {
        const response = await server.app.http.inject({ method: 'GET', url, remoteAddress });
        assert.equal(response.statusCode, 403, `${remoteAddress} ${url}`);
        assert.ok(!response.body.includes('ticket"') && !response.body.includes('token"'), 'no credential in the answer');
      }
    }
    const off = await startServer({ demo: false });
    assert.equal((await fetch(`${off.url}/demo/ticket?userId=alice`)).status, 404);
  });

  test('the server says so when they are on, and that IM_DEMO is ignored in production', async () => {
    assert.match(await startOutput({}), /Warning: the demo is on/);
    const production = await startOutput({ NODE_ENV: 'production', IM_DEMO: '1' });
    assert.doesNotMatch(production, /the demo is on/);
    assert.match(production, /IM_DEMO is ignored with NODE_ENV=production/);
  });
});
