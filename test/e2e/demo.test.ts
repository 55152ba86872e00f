// End to end: the demo pages served by the server (IM_DEMO) from the built dist/demo, driven in
// the machine's Chromium: the playground's three users chat, the catalogue shows every section,
// the script-tag page works, and the language switch turns the elements right to left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.js';

describe('the demo pages', () => {
  let e2e: E2E;
  let url: string;
  let browser: Browser;

  before(async () => {
    e2e = await startE2E(['demo/index.html', 'demo/catalogue.html', 'demo/embed.html']);
    ({ url, browser } = e2e);
  });

  after(async () => {
    await e2e?.stop();
  });

  /** A fresh browser profile whose page errors and console errors are collected. */
  async function open(path: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    });
    await page.goto(`${url}${path}`);
    return { context, page, errors };
  }

  it('playground: Alice, Bob and Carol connect, and a message Alice sends in the group reaches Bob and Carol', async () => {
    const { context, page, errors } = await open('/');
    const chats = page.locator('im-chat');
    assert.equal(await chats.count(), 3);
    for (let i = 0; i < 3; i++) {
      await chats.nth(i).locator('.state[data-state="connected"]').waitFor();
      // Each chat opens the group the three share.
      await chats.nth(i).locator('h2', { hasText: 'Design team' }).waitFor();
    }

    await chats.nth(0).locator('textarea').fill('Standup in five minutes');
    await chats.nth(0).locator('textarea').press('Enter');
    await chats.nth(1).locator('.bubble', { hasText: 'Standup in five minutes' }).waitFor();
    await chats.nth(2).locator('.bubble', { hasText: 'Standup in five minutes' }).waitFor();
    await chats.nth(0).locator('im-message .row[data-status="sent"]', { hasText: 'Standup in five minutes' }).waitFor();
    // Every chat shows its newest message: each stays at the very end as messages arrive.
    const gaps = async () =>
      page.evaluate(() =>
        [...document.querySelectorAll('im-chat')].map((chat) => {
          const box = chat.shadowRoot!.querySelector('im-message-list')!.shadowRoot!.querySelector('.scroller')!;
          return Math.round(box.scrollHeight - box.scrollTop - box.clientHeight);
        }),
      );
    for (let i = 0; i < 50 && (await gaps()).some((gap) => gap > 1); i++) await page.waitForTimeout(100);
    assert.deepEqual(await gaps(), [0, 0, 0], 'every chat at its end');

    // A reload sets nothing up twice: still one "Design team" in Alice's list.
    await page.reload();
    await chats.nth(0).locator('.state[data-state="connected"]').waitFor();
    await chats.nth(0).locator('.bubble', { hasText: 'Standup in five minutes' }).waitFor();
    const lists = page.locator('im-conversation-list');
    await lists.nth(0).locator('.row', { hasText: 'Design team' }).first().waitFor();
    assert.equal(await lists.nth(0).locator('.row', { hasText: 'Design team' }).count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('catalogue: every section renders, on real data, without console errors', async () => {
    const { context, page, errors } = await open('/catalogue.html');
    await page.locator('#stage[data-ready]').waitFor({ timeout: 90_000 });
    assert.equal(await page.locator('#stage').getAttribute('data-ready'), 'true', (await page.locator('.note.error').allTextContents()).join('\n'));

    const sections = ['conversation-list', 'message-types', 'message-states', 'chat-states', 'composer', 'emoji-picker', 'large-room'];
    for (const id of sections) assert.ok(await page.locator(`section#${id} > h2`).isVisible(), `section ${id} has a visible heading`);

    // Conversation lists: loaded, empty, loading, without credentials.
    const frame = (name: string) => page.locator(`[data-frame="${name}"]`);
    assert.ok((await frame('list-loaded').locator('.row').count()) >= 5, 'the loaded list shows María’s conversations');
    await frame('list-empty').locator('[part="empty"]').waitFor();
    await frame('list-loading').locator('.skeletons').waitFor();
    await frame('list-signed-out').getByText('Sign in to chat').waitFor();

    // The group chat holds every message type.
    const types = page.locator('section#message-types');
    for (const type of ['text', 'image', 'file', 'audio', 'video', 'location', 'custom']) {
      await types.locator(`im-message .bubble.type-${type}`).first().waitFor();
    }
    await types.getByText('Which day do we launch?').first().waitFor(); // the render hook
    await types.getByText('Sticker: party parrot').first().waitFor(); // the built-in fallback
    await types.locator('[part="tombstone"]').first().waitFor();
    await types.locator('[part="tip"]').first().waitFor();
    await types.locator('[part="reaction"]').first().waitFor();
    await types.locator('[part="quote"]').first().waitFor();
    await types.locator('.edited').first().waitFor();

    // Standalone message states.
    const states = page.locator('section#message-states');
    assert.equal(await states.locator('.state-frame').count(), 6);
    assert.equal(await states.locator('[part="progress"]').count(), 2);
    await states.locator('.retry').waitFor();

    // Chat states: offline with queued messages, empty, signed out.
    await frame('chat-offline').locator('.state[data-state="disconnected"]').waitFor();
    await frame('chat-offline').locator('im-message .row[data-status="sending"]').first().waitFor();
    await frame('chat-empty').locator('im-chat .state[data-state="connected"]').waitFor();
    await frame('chat-signed-out').locator('[part="banner"]').waitFor();
    await frame('chat-search').locator('[part="search"] [role="option"] mark').first().waitFor();

    // Composers: reply, edit and the four disabled reasons.
    await frame('composer-reply').locator('[part="reply-banner"]').waitFor();
    await frame('composer-edit').locator('[part="edit-banner"]').waitFor();
    assert.equal(await page.locator('section#composer [part="disabled-reason"]').count(), 4);

    // The emoji picker, loaded on demand.
    await page.locator('im-emoji-picker [part~="emoji"]').first().waitFor();

    // The large room, in live mode, with its history.
    const live = page.locator('im-chat[mode="live"]');
    await live.locator('.state[data-state="connected"]').waitFor();
    await live.locator('im-message .bubble').first().waitFor();
    assert.ok((await live.locator('im-message').count()) >= 8, 'the room shows its history');

    assert.deepEqual(errors, []);
    await context.close();
  });

  it('embed.html: the plain customer page connects through the built bundle and shows its snippet', async () => {
    const { context, page, errors } = await open('/embed.html?room=e2e-embed-page&user=guest7');
    const chat = page.locator('im-chat');
    await chat.locator('.state[data-state="connected"]').waitFor();
    const snippet = await page.locator('#snippet').textContent();
    assert.match(snippet ?? '', new RegExp(`src="${url}/im-elements\\.js"`));
    assert.match(snippet ?? '', /user-id="guest7"/);
    await chat.locator('textarea').fill('Hello from the embed page');
    await chat.locator('textarea').press('Enter');
    await chat.locator('im-message .row[data-status="sent"]', { hasText: 'Hello from the embed page' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('switching the language to Arabic turns the chats right to left', async () => {
    const { context, page, errors } = await open('/');
    const chat = page.locator('im-chat').first();
    await chat.locator('.state[data-state="connected"]').waitFor();
    assert.equal(await chat.locator('.chat').getAttribute('dir'), 'ltr');

    await page.locator('select[name="lang"]').selectOption('ar');
    await chat.locator('.chat[dir="rtl"][lang="ar"]').waitFor();
    await page.locator('im-conversation-list').first().locator('[dir="rtl"]').first().waitFor();
    await chat.locator('.state', { hasText: 'متصل' }).waitFor(); // "Connected", in Arabic
    assert.match(page.url(), /[?&]lang=ar\b/);

    // The choice is in the URL: a reload keeps it.
    await page.reload();
    await page.locator('im-chat').first().locator('.chat[dir="rtl"]').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
