// End to end: two signed-in users (user tickets) chat through the built bundle, embedded by a
// script tag on a customer page on another origin, each in their own browser profile: a direct
// chat started from the New chat dialog, an image upload with its lightbox, recall, reactions,
// read receipts, and messages written offline that are delivered once the network is back.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { startE2E, type E2E } from './harness.js';

/** How long one wait on the page may take before the step fails (the default 30 s hides hangs). */
const STEP_MS = 10_000;
/** A whole test, two browser profiles included. */
const TEST_MS = 45_000;

interface User {
  id: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page. */
  errors: string[];
  list: Locator;
  chat: Locator;
}

describe('two signed-in users chatting through the embedded bundle', () => {
  let e2e: E2E;
  let imUrl: string;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let contexts: BrowserContext[] = [];
  let serial = 0;

  before(async () => {
    e2e = await startE2E(['im-elements.js']);
    ({ url: imUrl, browser } = e2e);
    // A customer's site on another origin: the bundle by script tag, a conversation list and a
    // chat in a provider signed in with the user's ticket. The site hands the provider a way to
    // refresh the ticket (set before the bundle upgrades the element, so the client gets it).
    site = createServer((request, response) => {
      const params = new URL(request.url ?? '/', 'http://x').searchParams;
      const user = params.get('user') ?? '';
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html lang="en"><head><title>Customer</title>
        <script type="module" src="${imUrl}/im-elements.js"></script>
        <style>
          body { margin: 0; display: grid; grid-template-columns: 320px 1fr; height: 100vh; }
          im-conversation-list, im-chat { display: block; height: 100vh; min-height: 0; }
        </style></head>
        <body><im-provider server="${imUrl}" ticket="${params.get('ticket')}">
          <im-conversation-list></im-conversation-list>
          <im-chat></im-chat>
        </im-provider>
        <script>
          document.querySelector('im-provider').refreshTicket = () =>
            fetch(${JSON.stringify(`${imUrl}/demo/ticket?userId=${encodeURIComponent(user)}`)})
              .then((response) => response.json())
              .then((body) => body.ticket);
        </script></body></html>`);
    });
    await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
    const address = site.address();
    siteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
  });

  after(async () => {
    await new Promise((done) => site?.close(done));
    await e2e?.stop();
  });

  /** User ids no other test uses (each test has its own people, so its own conversations). */
  function ids(...names: string[]): string[] {
    serial += 1;
    const tag = `${serial}${Math.random().toString(36).slice(2, 7)}`;
    return names.map((name) => `${name}-${tag}`);
  }

  async function ticketFor(userId: string): Promise<string> {
    const response = await fetch(`${imUrl}/demo/ticket?userId=${encodeURIComponent(userId)}`);
    assert.equal(response.status, 200);
    return ((await response.json()) as { ticket: string }).ticket;
  }

  /** Opens the customer page as `userId` in a fresh browser profile and waits until it is connected. */
  async function signIn(userId: string): Promise<User> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    context.setDefaultTimeout(STEP_MS);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`${userId}: ${error.message}`));
    await page.goto(`${siteUrl}/?user=${encodeURIComponent(userId)}&ticket=${encodeURIComponent(await ticketFor(userId))}`);
    const user: User = { id: userId, context, page, errors, list: page.locator('im-conversation-list'), chat: page.locator('im-chat') };
    await user.chat.locator('.state[data-state="connected"]').waitFor();
    // The list has loaded: its empty state, or the user's conversations.
    await user.list.locator('[part="empty"], [role="option"]').first().waitFor();
    return user;
  }

  /** The row of the conversation named `name` in the user's list. */
  const row = (user: User, name: string): Locator => user.list.locator('[role="option"]', { has: user.page.locator('[part="name"]', { hasText: name }) });

  /** Starts a direct chat with `peerId` from the list's New chat dialog; the chat then shows it. */
  async function startDirectChat(user: User, peerId: string): Promise<void> {
    await user.list.locator('[part="new-button"]').click();
    const dialog = user.list.locator('dialog.new-chat');
    await dialog.locator('#new-direct-user').fill(peerId);
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await row(user, peerId).and(user.list.locator('[aria-selected="true"]')).waitFor();
    await user.chat.locator('h2[part="title"]', { hasText: peerId }).waitFor();
  }

  /** Opens the conversation named `name` from the user's list. */
  async function openChat(user: User, name: string): Promise<void> {
    await row(user, name).click();
    await user.chat.locator('h2[part="title"]', { hasText: name }).waitFor();
  }

  async function send(user: User, text: string): Promise<void> {
    const input = user.chat.locator('im-composer textarea');
    await input.fill(text);
    await input.press('Enter');
  }

  /** The `<im-message>` whose bubble shows `text`. */
  const message = (user: User, text: string): Locator =>
    user.chat.locator('im-message', { has: user.page.locator('.bubble', { hasText: text }) });

  /** The delivery status of the user's own message `text` (`[part="status"]`), optionally only when it is `state`. */
  const status = (user: User, text: string, state?: string): Locator =>
    message(user, text).locator(state ? `[part="status"][data-status="${state}"]` : '[part="status"]');

  /** The texts of the text messages the chat shows, oldest first (without their time and status). */
  const texts = (user: User): Promise<string[]> =>
    user.chat
      .locator('im-message [part="text"]')
      .evaluateAll((elements) =>
        elements.map((element) =>
          [...element.childNodes]
            .filter((node) => node.nodeType !== Node.COMMENT_NODE && !(node instanceof Element && node.classList.contains('meta')))
            .map((node) => node.textContent)
            .join(''),
        ),
      );

  /** Resolves with the natural width of an image once it has loaded; rejects if it cannot load. */
  async function loadedWidth(img: Locator): Promise<number> {
    await img.waitFor();
    // No named functions inside: the page gets this function's source as it is.
    return img.evaluate(
      (element: HTMLImageElement) =>
        new Promise<number>((resolve, reject) => {
          if (element.complete && element.currentSrc) {
            if (element.naturalWidth > 0) resolve(element.naturalWidth);
            else reject(new Error(`image did not load: ${element.src}`));
            return;
          }
          element.addEventListener('load', () => resolve(element.naturalWidth), { once: true });
          element.addEventListener('error', () => reject(new Error(`image failed: ${element.src}`)), { once: true });
        }),
    );
  }

  function assertNoPageErrors(...users: User[]): void {
    assert.deepEqual(
      users.flatMap((user) => user.errors),
      [],
    );
  }

  it('Alice starts a direct chat with Bob from the New chat dialog; Bob sees it unread, reads it and replies', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    const bob = await signIn(bobId!);

    await startDirectChat(alice, bob.id);
    await send(alice, 'Hi Bob, lunch at noon?');
    await message(alice, 'Hi Bob, lunch at noon?').locator('[part="status"]:not([data-status="sending"])').waitFor();

    // Bob has not opened it: his list shows it with the message and one unread.
    const bobRow = row(bob, alice.id);
    await bobRow.locator('[part="preview"]', { hasText: 'Hi Bob, lunch at noon?' }).waitFor();
    // The badge shows "1" (and says "1 unread message" to screen readers).
    assert.equal((await bobRow.locator('[part="badge"] [aria-hidden="true"]').innerText()).trim(), '1');
    assert.match(await bobRow.locator('[part="badge"]').innerText(), /1 unread message/);
    assert.match((await bobRow.getAttribute('part')) ?? '', /\brow-unread\b/);
    // Nothing is selected, so his chat shows no conversation yet.
    assert.equal(await message(bob, 'Hi Bob, lunch at noon?').count(), 0);

    await openChat(bob, alice.id);
    await message(bob, 'Hi Bob, lunch at noon?').locator('.row.other').waitFor();
    // Reading it clears the badge.
    await bobRow.locator('[part="badge"]').waitFor({ state: 'detached' });

    await send(bob, 'Sure, see you there');
    await message(alice, 'Sure, see you there').locator('.row.other').waitFor();
    await message(bob, 'Sure, see you there').locator('.row.own[data-status="sent"]').waitFor();
    // Alice's list shows Bob's reply as the last message.
    await row(alice, bob.id).locator('[part="preview"]', { hasText: 'Sure, see you there' }).waitFor();
    // Each message shows once on each side.
    for (const user of [alice, bob]) {
      assert.equal(await message(user, 'Hi Bob, lunch at noon?').count(), 1);
      assert.equal(await message(user, 'Sure, see you there').count(), 1);
    }
    assertNoPageErrors(alice, bob);
  });

  it('Alice sends an image: progress while it uploads, then a loaded thumbnail on both sides; Bob opens it in the lightbox', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    const bob = await signIn(bobId!);
    await startDirectChat(alice, bob.id);

    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 220, g: 40, b: 60 } } })
      .png()
      .toBuffer();
    // The upload is held until the progress has been seen (a local upload is otherwise instant).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await alice.context.route(`${imUrl}/v1/uploads`, async (route) => {
      await released;
      await route.continue();
    });

    await alice.chat.locator('im-composer input[type="file"]').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: png });
    const pending = alice.chat.locator('im-message .bubble.type-image');
    await pending.locator('[part="progress"][role="progressbar"]').waitFor();
    assert.equal(await alice.chat.locator('im-message', { has: alice.page.locator('.bubble.type-image') }).locator('[part="status"]').getAttribute('data-status'), 'sending');
    release();

    // Uploaded and sent: the thumbnail (a button that opens the lightbox) has loaded on both sides.
    const aliceImage = alice.chat.locator('im-message button[part="image"] img');
    assert.ok((await loadedWidth(aliceImage)) > 0);
    await pending.locator('[part="progress"]').waitFor({ state: 'detached' });
    await alice.chat.locator('im-message .row.own[data-status="sent"]').waitFor();

    await row(bob, alice.id).locator('[part="preview"]', { hasText: '[Image]' }).waitFor();
    await openChat(bob, alice.id);
    const bobImage = bob.chat.locator('im-message button[part="image"] img');
    assert.ok((await loadedWidth(bobImage)) > 0);
    assert.match((await bobImage.getAttribute('src')) ?? '', new RegExp(`^${imUrl}/v1/files/`));

    // Bob opens it: the lightbox shows the image; Escape closes it and focus returns to the thumbnail.
    await bob.chat.locator('im-message button[part="image"]').click();
    const lightbox = bob.chat.locator('im-lightbox');
    await lightbox.locator('dialog[open]').waitFor();
    assert.ok((await loadedWidth(lightbox.locator('img[part="image"]'))) > 0);
    await bob.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    assert.equal(await bob.chat.locator('im-message button[part="image"]').evaluate((button) => button.matches(':focus')), true);
    assertNoPageErrors(alice, bob);
  });

  it('Alice recalls a message from its context menu: both sides show the tombstone instead of the text', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    const bob = await signIn(bobId!);
    await startDirectChat(alice, bob.id);
    await send(alice, 'The door code is 4711');
    await send(alice, 'This one stays');
    await openChat(bob, alice.id);
    await message(bob, 'The door code is 4711').waitFor();
    await message(alice, 'The door code is 4711').locator('.row[data-status="sent"]').waitFor();

    // Right click on the bubble opens the message's menu; Recall asks first.
    await message(alice, 'The door code is 4711').locator('.bubble').click({ button: 'right' });
    await alice.chat.locator('im-message .menu[role="menu"] [data-action="recall"]').click();
    const confirm = alice.chat.locator('dialog.confirm[open]');
    await confirm.getByText('Recall this message?').waitFor();
    await confirm.locator('button.danger').click();

    for (const user of [alice, bob]) {
      await user.chat.locator('[part="tombstone"]').waitFor();
      await message(user, 'The door code is 4711').waitFor({ state: 'detached' });
      assert.equal(await user.chat.getByText('The door code is 4711').count(), 0, `${user.id} no longer sees the text`);
      assert.equal(await user.chat.locator('[part="tombstone"]').count(), 1);
      // The other message is untouched.
      await message(user, 'This one stays').waitFor();
    }
    assert.match(await alice.chat.locator('[part="tombstone"]').innerText(), /You recalled a message/);
    assert.match(await bob.chat.locator('[part="tombstone"]').innerText(), new RegExp(`${alice.id} recalled a message`));
    assertNoPageErrors(alice, bob);
  });

  it('Bob reacts to Alice’s message from the keyboard menu; both see the chip, and Bob’s click on it takes it back', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    const bob = await signIn(bobId!);
    await startDirectChat(alice, bob.id);
    await send(alice, 'Shipped the release');
    await openChat(bob, alice.id);
    const onBob = message(bob, 'Shipped the release');
    await onBob.waitFor();

    // Keyboard: focus the message, Shift+F10 opens its menu, Home goes to the first quick reaction (👍).
    await onBob.focus();
    await bob.page.keyboard.press('Shift+F10');
    const menu = onBob.locator('.menu[role="menu"]');
    await menu.waitFor();
    await bob.page.keyboard.press('Home');
    assert.equal(await menu.locator('[data-emoji="👍"]').evaluate((button) => button.matches(':focus')), true);
    await bob.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });

    const chipOnBob = onBob.locator('[part="reaction"]');
    const chipOnAlice = message(alice, 'Shipped the release').locator('[part="reaction"]');
    for (const chip of [chipOnBob, chipOnAlice]) {
      await chip.filter({ hasText: '👍' }).waitFor();
      assert.equal(await chip.count(), 1);
      assert.equal((await chip.locator('.count').innerText()).trim(), '1');
    }
    assert.equal(await chipOnBob.getAttribute('aria-pressed'), 'true');
    assert.equal(await chipOnAlice.getAttribute('aria-pressed'), 'false');

    // Clicking his own reaction takes it back, on both sides.
    await chipOnBob.click();
    await chipOnBob.waitFor({ state: 'detached' });
    await chipOnAlice.waitFor({ state: 'detached' });
    assertNoPageErrors(alice, bob);
  });

  it('read receipts: Sent while Bob is away, Delivered once his browser has it, Read when he opens the chat', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    await startDirectChat(alice, bobId!);

    // Bob has never connected: the server has it, nobody else does.
    await send(alice, 'Are you there?');
    await status(alice, 'Are you there?', 'sent').waitFor();

    // Bob signs in (without opening the chat); a message that reaches his browser is delivered,
    // with everything before it.
    const bob = await signIn(bobId!);
    await row(bob, alice.id).waitFor();
    await send(alice, 'Ping');
    await status(alice, 'Ping', 'delivered').waitFor();
    await status(alice, 'Are you there?', 'delivered').waitFor();

    // Bob opens the conversation: Alice sees both as read, in words.
    await openChat(bob, alice.id);
    await message(bob, 'Ping').waitFor();
    for (const text of ['Are you there?', 'Ping']) {
      await status(alice, text, 'read').waitFor();
      assert.equal((await status(alice, text).innerText()).trim(), 'Read');
    }
    assertNoPageErrors(alice, bob);
  });

  it('messages written offline show as sending, then reach Bob once, in order, when Alice is back online', { timeout: TEST_MS }, async () => {
    const [aliceId, bobId] = ids('alice', 'bob');
    const alice = await signIn(aliceId!);
    const bob = await signIn(bobId!);
    await startDirectChat(alice, bob.id);
    await send(alice, 'Before the tunnel');
    await openChat(bob, alice.id);
    await message(bob, 'Before the tunnel').waitFor();

    await alice.context.setOffline(true);
    // The chat says it is offline and that messages will go out later.
    await alice.chat.locator('.state[data-state="reconnecting"], .state[data-state="disconnected"]').waitFor();
    await alice.chat.locator('[part="banner"]', { hasText: 'Offline: messages will send when you reconnect' }).waitFor();

    await send(alice, 'Written in the tunnel 1');
    await send(alice, 'Written in the tunnel 2');
    for (const text of ['Written in the tunnel 1', 'Written in the tunnel 2']) {
      await message(alice, text).locator('.row.own[data-status="sending"]').waitFor();
      assert.equal(await status(alice, text).getAttribute('data-status'), 'sending');
    }
    assert.equal(await message(bob, 'Written in the tunnel').count(), 0, 'nothing reached Bob while Alice was offline');

    await alice.context.setOffline(false);
    await alice.chat.locator('.state[data-state="connected"]').waitFor({ timeout: 20_000 });
    await alice.chat.locator('[part="banner"]').waitFor({ state: 'detached' });
    for (const text of ['Written in the tunnel 1', 'Written in the tunnel 2']) {
      await message(alice, text).locator('.row.own[data-status="sent"]').waitFor();
      await message(bob, text).waitFor();
    }

    // Exactly once each, in the order they were written, on both sides.
    for (const user of [alice, bob]) {
      assert.deepEqual(await texts(user), ['Before the tunnel', 'Written in the tunnel 1', 'Written in the tunnel 2'], `${user.id} sees each message once, in order`);
    }
    assertNoPageErrors(alice, bob);
  });
});
