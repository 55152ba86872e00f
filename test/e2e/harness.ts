// The end-to-end setup both e2e files share: the real server serving the built dist (with the
// demo on) from a temporary data dir, and the machine's Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createApp, type ImApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
// @ts-expect-error plain ESM helper shared with the test-runner config
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';

export const ADMIN_KEY = 'e2e-admin-key-0123456789';

export interface E2E {
  app: ImApp;
  /** The IM server's base URL. */
  url: string;
  browser: Browser;
  /** Closes the browser and the server and removes the data dir. */
  stop(): Promise<void>;
}

/** Starts the server on the built `dist` (which must hold `required`) and launches Chromium. */
export async function startE2E(required: readonly string[]): Promise<E2E> {
  const distDir = resolve('dist');
  for (const file of required) assert.ok(existsSync(join(distDir, file)), `dist/${file} is missing: run "npm run build" first (npm test does)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'im-e2e-'));
  const app = await createApp({
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    allowedOrigins: '*',
    demo: true,
    distDir,
    logLevel: 'silent',
  });
  const url = await app.listen();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  return {
    app,
    url,
    browser,
    async stop() {
      await browser.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
