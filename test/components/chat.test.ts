import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/index.js';
import type { ImChat } from '../../src/components/chat/chat.js';
import type { ImMessage } from '../../src/components/message/message.js';
import type { ImProvider } from '../../src/components/provider/provider.js';
import { IMClient } from '../../src/sdk/client.js';
import { bindRoom, connected, nextEvent, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const others: IMClient[] = [];
afterEach(() => {
  for (const c of others.splice(0)) c.close();
});

async function peer(token: string, userId = uniqueId('peer'), classId: string | null = null): Promise<IMClient> {
  const c = new IMClient({ server: testServer.server, token, userId, cache: 'memory', classId });
  others.push(c);
  c.connect();
  await connected(c);
  return c;
}

/** The chat's parts, through the shadow roots of the list, the messages and the composer. */
function parts(chat: ImChat) {
  const root = chat.shadowRoot!;
  const list = () => root.querySelector('im-message-list')!;
  const messages = () => [...(list().shadowRoot?.querySelectorAll<ImMessage>('im-message') ?? [])];
  const bubbleOf = (message: ImMessage) => message.shadowRoot?.querySelector('.bubble')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  const bubbles = () => messages().map(bubbleOf);
  const statusOf = (message: ImMessage | undefined) => message?.shadowRoot?.querySelector<HTMLElement>('.row')?.dataset.status;
  const composer = () => root.querySelector('im-composer')!;
  const textarea = () => composer().shadowRoot!.querySelector('textarea')!;
  const stateText = () => root.querySelector('.state')?.textContent?.trim();
  return { root, list, messages, bubbleOf, bubbles, statusOf, composer, textarea, stateText };
}

async function mount(token: string, userId = uniqueId('me')) {
  const provider = await fixture<ImProvider>(html`
    <im-provider server=${testServer.server} token=${token} user-id=${userId}>
      <im-chat heading="Class chat" style="height: 480px"></im-chat>
    </im-provider>
  `);
  const chat = provider.querySelector('im-chat') as ImChat;
  const ui = parts(chat);
  await until(() => ui.stateText() === 'Connected', 'the chat to connect');
  await until(() => !!ui.composer().shadowRoot?.querySelector('textarea'), 'the composer');
  const type = async (text: string) => {
    const textarea = ui.textarea();
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await ui.composer().updateComplete;
  };
  const press = (key: string, init: KeyboardEventInit = {}) =>
    ui.textarea().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
  return { provider, chat, ...ui, type, press };
}

describe('<im-provider> + <im-chat>', () => {
  it('shows history, sends with Enter and shows live messages from others', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    await other.messages.send(other.conversationId, 'earlier message');

    const ui = await mount(token);
    await until(() => ui.bubbles().some((text) => text.includes('earlier message')), 'the history');
    expect(ui.root.querySelector('h2')!.textContent).to.equal('Class chat');

    await ui.type('hello from the element');
    const received = new Promise<unknown>((resolve) => other.on('message', (m) => resolve(m.content)));
    ui.press('Enter');
    expect(await received).to.equal('hello from the element');
    await until(() => ui.messages().at(-1)?.own === true && ui.statusOf(ui.messages().at(-1)) === 'sent', 'the own message to show as sent');
    expect(ui.textarea().value).to.equal('');

    await other.messages.send(other.conversationId, 'reply from peer');
    await until(() => ui.bubbles().at(-1)?.includes('reply from peer') === true, 'the live message');
    expect(ui.messages().at(-1)!.own).to.equal(false);
    await until(() => ui.root.querySelector('[aria-live="polite"]')!.textContent!.includes('reply from peer'), 'the polite announcement');
    // Still at the very end after all of it.
    const box = ui.list().shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ui.list().isAtBottom).to.equal(true);
    expect(box.scrollHeight - box.scrollTop - box.clientHeight, 'the newest message in view').to.be.lessThan(2);
  });

  it('loading older history never moves what the reader looks at, and a far jump stays where the reader put it', async () => {
    const { token } = await bindRoom();
    const a = await peer(token);
    const b = await peer(token);
    // 160 messages of one to five lines, from two people: pages of 50 load as the reader scrolls up.
    const texts = (who: string) => Array.from({ length: 80 }, (_, i) => `${who} ${i} ${'words '.repeat((i * 13) % 45)}`);
    await Promise.all([a, b].map(async (c, n) => {
      for (const text of texts(n ? 'b' : 'a')) await c.messages.send(c.conversationId, text);
    }));
    const ui = await mount(token);
    await until(() => ui.messages().length > 5 && ui.list().isAtBottom, 'the newest messages');
    const box = ui.list().shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    const frames = async (n: number) => {
      for (let i = 0; i < n; i += 1) await new Promise((resolve) => requestAnimationFrame(resolve));
    };
    const count = () => ui.list().rows.length;

    for (let round = 0; round < 2; round += 1) {
      // Up near the top, then note a message in the lower part of the viewport.
      // Just below the near-top zone first (nothing loads there), then up into it.
      box.scrollTop = box.clientHeight + 200;
      await frames(5);
      box.scrollTop = Math.max(0, box.clientHeight - 150);
      const top = box.getBoundingClientRect().top;
      const onScreen = () =>
        ui.messages().find((m) => {
          const rect = m.getBoundingClientRect();
          return rect.top - top > box.clientHeight * 0.3 && rect.bottom - top < box.clientHeight;
        });
      let noted = onScreen();
      for (let i = 0; !noted && i < 5; i += 1) {
        await frames(1);
        noted = onScreen();
      }
      expect(noted, 'a message on screen').to.not.equal(undefined);
      if (!noted) return;
      const before = noted.getBoundingClientRect().top;
      const rowsBefore = count();
      let largest = 0;
      for (let i = 0; i < 300 && count() === rowsBefore; i += 1) {
        await frames(1);
        largest = Math.max(largest, Math.abs(noted.getBoundingClientRect().top - before));
      }
      expect(count(), 'an older page arrived').to.be.greaterThan(rowsBefore);
      for (let i = 0; i < 20; i += 1) {
        await frames(1);
        largest = Math.max(largest, Math.abs(noted.getBoundingClientRect().top - before));
      }
      expect(noted.isConnected, 'the noted message is still rendered').to.equal(true);
      expect(largest, `round ${round}: the noted message never moved on screen`).to.be.lessThan(2);
    }

    // A jump by the scrollbar to where nothing is rendered: the view stays where the reader put it.
    // An older page still on its way would rightly shift scrollTop by its height when it lands
    // (the content in view stays put), so the jump comes once loading has settled.
    for (let stable = 0, last = count(), i = 0; stable < 30 && i < 600; i += 1) {
      await frames(1);
      stable = count() === last ? stable + 1 : 0;
      last = count();
    }
    const target = Math.round(box.scrollHeight * 0.45);
    box.scrollTop = target;
    await frames(10);
    expect(Math.abs(box.scrollTop - target), 'the view stays where the reader jumped').to.be.lessThan(2);
    expect(ui.messages().some((m) => {
      const rect = m.getBoundingClientRect();
      return rect.bottom > box.getBoundingClientRect().top && rect.top < box.getBoundingClientRect().bottom;
    }), 'messages are on screen there').to.equal(true);
  });

  it('searches the conversation on this device and shows the message picked', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    await other.messages.send(other.conversationId, 'The café agenda is ready');
    for (let i = 0; i < 30; i += 1) await other.messages.send(other.conversationId, `filler ${i}`);
    await other.messages.send(other.conversationId, 'Cafe opening moved to Friday');
    const ui = await mount(token);
    await until(() => ui.bubbles().some((text) => text.includes('Cafe opening')), 'the history');

    const button = ui.root.querySelector<HTMLButtonElement>('button[part="search-button"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Search in this chat');
    button.click();
    await until(() => ui.root.querySelector('input[part="search-input"]') !== null, 'the search panel (loaded on first use)');
    const input = ui.root.querySelector<HTMLInputElement>('input[part="search-input"]')!;
    await until(() => ui.root.activeElement === input, 'focus in the field');
    expect(ui.root.querySelector('.search-summary')!.textContent).to.equal('Searches the messages kept on this device');

    await sendKeys({ type: 'cafe' });
    const results = () => [...ui.root.querySelectorAll<HTMLElement>('[role="option"]')];
    await until(() => results().length === 2, 'two results, accents and case ignored');
    expect(ui.root.querySelector('.search-summary')!.textContent).to.equal('2 messages found');
    expect(results().map((r) => r.querySelector('.result-text')!.textContent!.trim())).to.deep.equal(['Cafe opening moved to Friday', 'The café agenda is ready'], 'newest first');
    expect([...results()[1]!.querySelectorAll('mark')].map((m) => m.textContent)).to.deep.equal(['café']);
    expect(results()[0]!.querySelector('.result-name')!.textContent).to.equal(other.userId);
    expect(input.getAttribute('aria-activedescendant')).to.equal('search-result-0');
    await expect(ui.chat).to.be.accessible();

    // Down to the older one, Enter: the panel closes and the chat shows that message, flashing.
    await sendKeys({ press: 'ArrowDown' });
    await until(() => input.getAttribute('aria-activedescendant') === 'search-result-1', 'the second result active');
    await sendKeys({ press: 'Enter' });
    await until(() => ui.root.querySelector('[part="search"]') === null, 'the panel to close');
    await until(() => ui.messages().some((m) => m.highlighted && ui.bubbleOf(m).includes('café agenda')), 'the message shown and flashed');
    await until(() => ui.root.activeElement === button, 'focus back on the search button');

    // Escape closes it; nothing found says so.
    button.click();
    await until(() => ui.root.activeElement === ui.root.querySelector('input[part="search-input"]'), 'the field again');
    await sendKeys({ type: 'zebra' });
    await until(() => ui.root.querySelector('.search-summary')?.textContent === 'No messages found', 'nothing found');
    await sendKeys({ press: 'Escape' });
    await until(() => ui.root.querySelector('[part="search"]') === null, 'Escape closes');

    // The page can open it with a query.
    await ui.chat.openSearch('agenda');
    await until(() => results().length === 1, 'the result for the given query');
    expect((ui.root.querySelector('input[part="search-input"]') as HTMLInputElement).value).to.equal('agenda');
  });

  it('renders message text as text, never as HTML', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    const ui = await mount(token);
    await other.messages.send(other.conversationId, '<img src=x onerror="window.__pwned=1"><b>bold?</b>');
    await until(() => ui.messages().length === 1, 'the message');
    const bubble = ui.messages()[0]!.shadowRoot!.querySelector('.bubble')!;
    expect(bubble.querySelector('img, b')).to.equal(null);
    expect(bubble.textContent).to.contain('<b>bold?</b>');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('shows a refused message as failed with a retry', async () => {
    const { token } = await bindRoom();
    const ui = await mount(token);
    // Under the composer's length limit, over the server's 16 KB of content.
    await ui.type('é'.repeat(16_000));
    ui.press('Enter');
    await until(() => ui.statusOf(ui.messages().at(-1)) === 'failed', 'the failed state');
    const last = ui.messages().at(-1)!.shadowRoot!;
    await until(() => last.querySelector('[part="error"]') !== null, 'the failed line (its module loads on first use)');
    expect(last.querySelector('[part="error"]')!.textContent).to.contain('Not sent');
    expect(last.querySelector('button.retry')!.textContent!.trim()).to.equal('Retry');
  });

  it('shows the connection state and an offline banner', async () => {
    const { token } = await bindRoom();
    const ui = await mount(token);
    const client = (ui.provider as unknown as { provided: IMClient }).provided;
    client.simulateNetworkDrop();
    await until(() => ui.stateText() === 'Reconnecting…', 'the reconnecting state');
    expect(ui.root.querySelector('.banner')!.textContent).to.contain('messages will send when you reconnect');
    await until(() => ui.stateText() === 'Connected', 'the reconnection');
    expect(ui.root.querySelector('.banner')).to.equal(null);
  });

  it('keeps its own message when sent offline and delivers it after reconnecting', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    const ui = await mount(token);
    const client = (ui.provider as unknown as { provided: IMClient }).provided;
    client.disconnect();
    await until(() => ui.stateText() === 'Offline', 'the offline state');
    await ui.type('sent while offline');
    ui.press('Enter');
    await until(() => ui.statusOf(ui.messages().at(-1)) === 'sending', 'the pending message');
    const received = new Promise<unknown>((resolve) => other.on('message', (m) => resolve(m.content)));
    client.connect();
    expect(await received).to.equal('sent while offline');
    await until(() => ui.statusOf(ui.messages().at(-1)) === 'sent', 'the sent state');
  });

  it('is accessible (axe) with messages, in both themes', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    const ui = await mount(token);
    await other.messages.send(other.conversationId, 'hello');
    await ui.type('hi!');
    ui.press('Enter');
    await until(() => ui.messages().length === 2 && ui.statusOf(ui.messages()[1]) === 'sent', 'two messages');
    expect(ui.list().shadowRoot!.querySelector('[role="list"]')).to.not.equal(null);
    await expect(ui.provider).to.be.accessible();
    ui.chat.theme = 'dark';
    await ui.chat.updateComplete;
    await expect(ui.provider).to.be.accessible();
  });

  it('moves between messages with the arrow keys (one tab stop for the log)', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    for (const text of ['first', 'second', 'third']) await other.messages.send(other.conversationId, text);
    const ui = await mount(token);
    await until(() => ui.messages().length === 3, 'three messages');
    const [first, second, third] = ui.messages();
    expect([first!.tabIndex, second!.tabIndex, third!.tabIndex]).to.deep.equal([-1, -1, 0], 'the newest takes Tab');
    third!.focus();
    const press = (key: string) => ui.list().shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    press('ArrowUp');
    await until(() => ui.list().shadowRoot!.activeElement === second, 'focus on the second message');
    press('Home');
    await until(() => ui.list().shadowRoot!.activeElement === first, 'focus on the first message');
    expect(first!.tabIndex).to.equal(0);
    press('End');
    await until(() => ui.list().shadowRoot!.activeElement === third, 'focus back on the newest');
  });

  it('follows the class-id of its provider', async () => {
    const { token } = await bindRoom();
    const teacher = await peer(token, uniqueId('teacher'), 'lesson-2');
    await teacher.messages.send(teacher.conversationId, 'homework for lesson 2');
    const other = await peer(token);
    await other.messages.send(other.conversationId, 'no class');
    const ui = await mount(token);
    await until(() => ui.bubbles().some((text) => text.includes('no class')), 'the history without a class');
    expect(ui.bubbles().some((text) => text.includes('homework'))).to.equal(false);
    ui.provider.classId = 'lesson-2';
    await until(() => ui.bubbles().length === 1 && ui.bubbles()[0]!.includes('homework for lesson 2'), 'the history of lesson 2');
  });

  it('shows the end of the log after the user sends, even when scrolled up', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    for (let i = 1; i <= 40; i += 1) await other.messages.send(other.conversationId, `line ${i}`);
    const ui = await mount(token);
    await until(() => ui.bubbles().some((text) => text.includes('line 40')), 'the history');
    const scroller = ui.list().shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 0;
    await until(() => !ui.list().isAtBottom, 'scrolled up');
    await ui.type('my answer');
    ui.press('Enter');
    await until(() => ui.bubbles().at(-1)?.includes('my answer') === true, 'the own message');
    await until(() => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2, 'the end of the log');
  });

  it('connects when it gets its token while detached from the page', async () => {
    const { token } = await bindRoom();
    const provider = await fixture<ImProvider>(html`<im-provider server=${testServer.server} user-id=${uniqueId('me')}><im-chat></im-chat></im-provider>`);
    const parent = provider.parentElement!;
    provider.remove();
    provider.token = token;
    await provider.updateComplete;
    parent.append(provider);
    const chat = provider.querySelector('im-chat')!;
    await until(() => chat.shadowRoot!.querySelector('.state')?.textContent!.trim() === 'Connected', 'the connection');
  });

  it('shows a conversation of a signed-in user with receipts, replies, reactions, recall and details', async () => {
    const me = uniqueId('me');
    const other = new IMClient({ server: testServer.server, ticket: (await ticketFor(uniqueId('friend'))).ticket, cache: 'memory' });
    others.push(other);
    other.connect();
    await connected(other);
    const direct = await other.conversations.openDirect(me);
    await other.messages.send(direct.id, 'hello from a friend');
    const { ticket } = await ticketFor(me);
    const provider = await fixture<ImProvider>(html`
      <im-provider server=${testServer.server} ticket=${ticket}>
        <im-chat conversation-id=${direct.id} style="height: 480px"></im-chat>
      </im-provider>
    `);
    const chat = provider.querySelector('im-chat')!;
    const ui = parts(chat);
    await until(() => ui.bubbles().some((text) => text.includes('hello from a friend')), 'the message');
    expect(ui.root.querySelector('h2')!.textContent).to.equal(other.userId, 'a direct chat is named after the peer');
    await until(() => !!ui.composer().shadowRoot?.querySelector('textarea'), 'the composer');

    // Reply to the friend's message from its menu.
    const first = ui.messages()[0]!;
    const firstMessage = first.message!;
    first.dispatchEvent(new CustomEvent('im-message-action', { bubbles: true, composed: true, detail: { action: 'reply', message: firstMessage } }));
    await until(() => !!ui.composer().shadowRoot!.querySelector('[part="reply-banner"]'), 'the reply banner');
    const textarea = ui.textarea();
    textarea.value = 'hi back';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await ui.composer().updateComplete;
    const received = nextEvent(other, 'message');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    const [reply] = await received;
    expect(reply.content).to.deep.equal({ text: 'hi back' });
    expect(reply.replyTo?.seq).to.equal(firstMessage.seq);

    const status = () => ui.messages().at(-1)?.shadowRoot?.querySelector<HTMLElement>('.status')?.dataset.status;
    await until(() => status() === 'delivered' || status() === 'read', 'the delivery receipt');
    await other.conversations.markRead(direct.id);
    await until(() => status() === 'read', 'the read receipt');

    // The friend reacts: the chip shows; then recalls their first message: a tombstone.
    await other.messages.react(direct.id, firstMessage.seq!, '👍');
    await until(() => ui.messages()[0]!.shadowRoot!.querySelector('[part~="reaction"]')?.textContent?.includes('👍') === true, 'the reaction');
    await other.messages.recall(direct.id, firstMessage.seq!);
    await until(() => !!ui.messages()[0]!.shadowRoot!.querySelector('[part="tombstone"]'), 'the tombstone');

    // Details of the own message.
    const mine = ui.messages().at(-1)!;
    mine.dispatchEvent(new CustomEvent('im-message-action', { bubbles: true, composed: true, detail: { action: 'details', message: mine.message } }));
    await until(() => ui.root.querySelector<HTMLDialogElement>('dialog.details')?.open === true, 'the details dialog');
    expect(ui.root.querySelector('dialog.details')!.textContent).to.contain(other.userId);
    await expect(provider).to.be.accessible();
    ui.root.querySelector<HTMLDialogElement>('dialog.details')!.close();
  });

  it('explains that it is not connected when the provider has no token', async () => {
    const provider = await fixture<ImProvider>(html`<im-provider user-id="nobody"><im-chat></im-chat></im-provider>`);
    const chat = provider.querySelector('im-chat')!;
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('.banner')!.textContent).to.contain('Sign in');
    await expect(provider).to.be.accessible();
  });
});
