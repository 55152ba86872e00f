// End to end: the built bundle embedded by script tag on another origin, and the demo page,
// driven in the machine's Chromium against the real server.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_KEY, startE2E, type E2E } from './harness.js';

describe('embedding the built bundle', () => {
  let e2e: E2E;
  let imUrl: string;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;

  before(async () => {
    e2e = await startE2E(['im-elements.js']);
    ({ url: imUrl, browser } = e2e);
    // A customer's site on another origin: one script tag and the elements.
    site = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/site.css') {
        response.setHeader('content-type', 'text/css');
        response.end('im-chat { display: block; height: 400px; }');
        return;
      }
      const params = url.searchParams;
      response.setHeader('content-type', 'text/html; charset=utf-8');
      if (params.get('csp') === 'strict') {
        // A site that allows nothing inline and no eval: only the IM server's scripts, sockets and media.
        const ws = imUrl.replace(/^http/, 'ws');
        response.setHeader(
          'content-security-policy',
          `default-src 'none'; script-src ${imUrl}; connect-src ${imUrl} ${ws}; img-src ${imUrl} blob: data:; media-src ${imUrl} blob:; style-src 'self'; base-uri 'none'; form-action 'none'`,
        );
      }
      response.end(`<!doctype html><html lang="en"><head><title>Customer</title>
        <script type="module" src="${imUrl}/im-elements.js"></script><link rel="stylesheet" href="/site.css"></head>
        <body><im-provider server="${imUrl}" token="${params.get('token')}" user-id="${params.get('user')}">
        <im-chat heading="Support"></im-chat></im-provider></body></html>`);
    });
    await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
    const address = site.address();
    siteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    await new Promise((done) => site?.close(done));
    await e2e?.stop();
  });

  async function bind(roomId: string): Promise<string> {
    const response = await fetch(`${imUrl}/v1/room-binding`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roomId }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  it('serves the bundle with CORS headers as one self-contained module', async () => {
    const response = await fetch(`${imUrl}/im-elements.js`, { headers: { origin: 'https://shop.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    const code = await response.text();
    assert.doesNotMatch(code, /^import .* from ["'](lit|dexie|socket\.io-client)/m, 'dependencies are bundled');
  });

  it('lets two people chat on a customer page that embeds it by script tag', async () => {
    const token = await bind('e2e-support');
    const alice = await browser.newContext();
    const bob = await browser.newContext();
    const pageA = await alice.newPage();
    const pageB = await bob.newPage();
    const errors: string[] = [];
    for (const page of [pageA, pageB]) page.on('pageerror', (error) => errors.push(error.message));
    await pageA.goto(`${siteUrl}/?token=${token}&user=alice`);
    await pageB.goto(`${siteUrl}/?token=${token}&user=bob`);
    for (const page of [pageA, pageB]) await page.locator('im-chat .state', { hasText: 'Connected' }).waitFor();

    const exported = await pageA.evaluate(async (url) => {
      const module = (await import(url)) as Record<string, unknown>;
      return [typeof module.IMClient, typeof module.CCIMManager, !!customElements.get('im-chat')];
    }, `${imUrl}/im-elements.js`);
    assert.deepEqual(exported, ['function', 'function', true]);

    await pageA.locator('im-chat textarea').fill('Hello, I need help with my order');
    await pageA.locator('im-chat textarea').press('Enter');
    await pageB.locator('im-chat .bubble', { hasText: 'Hello, I need help with my order' }).waitFor();
    await pageA.locator('im-chat im-message .row[data-status="sent"]').waitFor();

    // A reload shows the conversation again (from the cache, then the server).
    await pageB.reload();
    await pageB.locator('im-chat .bubble', { hasText: 'Hello, I need help with my order' }).waitFor();
    assert.deepEqual(errors, []);
    await alice.close();
    await bob.close();
  });

  it('works under a strict Content-Security-Policy: nothing inline, no eval', async () => {
    const token = await bind('e2e-csp');
    const context = await browser.newContext();
    await context.addInitScript(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${siteUrl}/?token=${token}&user=carol&csp=strict`);
    await page.locator('im-chat .state', { hasText: 'Connected' }).waitFor();
    await page.locator('im-chat textarea').fill('sent under a strict policy');
    await page.locator('im-chat textarea').press('Enter');
    await page.locator('im-chat im-message .row[data-status="sent"]').waitFor();
    assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
