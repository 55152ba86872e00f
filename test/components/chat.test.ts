import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/index.js';
import type { ImChat } from '../../src/components/chat/chat.js';
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

async function mount(token: string, userId = uniqueId('me')) {
  const provider = await fixture<ImProvider>(html`
    <im-provider server=${testServer.server} token=${token} user-id=${userId}>
      <im-chat heading="Class chat" style="height: 480px"></im-chat>
    </im-provider>
  `);
  const chat = provider.querySelector('im-chat') as ImChat;
  const root = chat.shadowRoot!;
  const stateText = () => root.querySelector('.state')!.textContent!.trim();
  await until(() => stateText() === 'Connected', 'the chat to connect');
  const messages = () => [...root.querySelectorAll<HTMLElement>('li.message')];
  const bubbles = () => messages().map((li) => li.querySelector('.bubble')!.textContent!.replace(/^[\w-]+: /, ''));
  const textarea = root.querySelector('textarea')!;
  const type = async (text: string) => {
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent('input'));
    await chat.updateComplete;
  };
  const press = (key: string, init: KeyboardEventInit = {}) =>
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
  return { provider, chat, root, messages, bubbles, textarea, type, press, stateText };
}

describe('<im-provider> + <im-chat>', () => {
  it('shows history, sends with Enter and shows live messages from others', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    await other.messages.send(other.conversationId, 'earlier message');

    const ui = await mount(token);
    await until(() => ui.bubbles().includes('earlier message'), 'the history');
    expect(ui.root.querySelector('h2')!.textContent).to.equal('Class chat');

    await ui.type('hello from the element');
    const received = new Promise<unknown>((resolve) => other.on('message', (m) => resolve(m.content)));
    ui.press('Enter');
    expect(await received).to.equal('hello from the element');
    await until(() => ui.messages().at(-1)?.dataset.status === 'sent', 'the own message to show as sent');
    expect(ui.messages().at(-1)!.querySelector('.meta')!.textContent).to.contain('Sent');
    expect(ui.textarea.value).to.equal('');

    await other.messages.send(other.conversationId, 'reply from peer');
    await until(() => ui.bubbles().at(-1) === 'reply from peer', 'the live message');
    expect(ui.messages().at(-1)!.classList.contains('own')).to.equal(false);
  });

  it('makes a new line with Shift+Enter and does not send empty messages', async () => {
    const { token } = await bindRoom();
    const ui = await mount(token);
    await ui.type('line one');
    const shiftEnter = ui.press('Enter', { shiftKey: true });
    expect(shiftEnter).to.equal(true, 'Shift+Enter keeps its default (a new line)');
    await ui.type('   ');
    ui.press('Enter');
    await ui.chat.updateComplete;
    expect(ui.messages()).to.have.length(0);
    expect((ui.root.querySelector('.send') as HTMLButtonElement).disabled).to.equal(true);
  });

  it('renders message text as text, never as HTML', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    const ui = await mount(token);
    await other.messages.send(other.conversationId, '<img src=x onerror="window.__pwned=1"><b>bold?</b>');
    await until(() => ui.messages().length === 1, 'the message');
    const bubble = ui.messages()[0]!.querySelector('.bubble')!;
    expect(bubble.querySelector('img, b')).to.equal(null);
    expect(bubble.textContent).to.contain('<b>bold?</b>');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('shows a refused message as failed with a retry', async () => {
    const { token } = await bindRoom();
    const ui = await mount(token);
    await ui.type('x'.repeat(17 * 1024));
    ui.press('Enter');
    await until(() => ui.messages().at(-1)?.dataset.status === 'failed', 'the failed state');
    const last = ui.messages().at(-1)!;
    expect(last.querySelector('.meta')!.textContent).to.contain('Not sent');
    expect(last.querySelector('button.retry')!.textContent).to.equal('Retry');
    expect(ui.root.querySelector('[role="alert"]')!.textContent).to.contain('Message not sent');
  });

  it('shows the connection state and an offline banner', async () => {
    const { token } = await bindRoom();
    const ui = await mount(token);
    const client = ui.provider.client ?? (ui.provider as unknown as { provided: IMClient }).provided;
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
    await until(() => ui.messages().at(-1)?.dataset.status === 'sending', 'the pending message');
    const received = new Promise<unknown>((resolve) => other.on('message', (m) => resolve(m.content)));
    client.connect();
    expect(await received).to.equal('sent while offline');
    await until(() => ui.messages().at(-1)?.dataset.status === 'sent', 'the sent state');
  });

  it('is accessible (axe) with messages, and the log is a polite live region', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    const ui = await mount(token);
    await other.messages.send(other.conversationId, 'hello');
    await ui.type('hi!');
    ui.press('Enter');
    await until(() => ui.messages().length === 2, 'two messages');
    const log = ui.root.querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-live')).to.equal('polite');
    await expect(ui.provider).to.be.accessible();
    ui.chat.theme = 'dark';
    await ui.chat.updateComplete;
    await expect(ui.provider).to.be.accessible();
  });

  it('follows the class-id of its provider', async () => {
    const { token } = await bindRoom();
    const teacher = await peer(token, uniqueId('teacher'), 'lesson-2');
    await teacher.messages.send(teacher.conversationId, 'homework for lesson 2');
    const other = await peer(token);
    await other.messages.send(other.conversationId, 'no class');
    const ui = await mount(token);
    await until(() => ui.bubbles().includes('no class'), 'the history without a class');
    expect(ui.bubbles()).to.not.include('homework for lesson 2');
    ui.provider.classId = 'lesson-2';
    await until(() => ui.bubbles().includes('homework for lesson 2'), 'the history of lesson 2');
    expect(ui.bubbles()).to.deep.equal(['homework for lesson 2']);
  });

  it('shows the end of the log after the user sends, even when scrolled up', async () => {
    const { token } = await bindRoom();
    const other = await peer(token);
    for (let i = 1; i <= 30; i += 1) await other.messages.send(other.conversationId, `line ${i}`);
    const ui = await mount(token);
    await until(() => ui.messages().length === 30, 'the history');
    const log = ui.root.querySelector<HTMLElement>('.log')!;
    log.scrollTop = 0;
    await ui.type('my answer');
    ui.press('Enter');
    await until(() => ui.bubbles().at(-1) === 'my answer', 'the own message');
    await ui.chat.updateComplete;
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.below(2);
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
    await until(() => chat.shadowRoot!.querySelector('.state')!.textContent!.trim() === 'Connected', 'the connection');
  });

  it('shows a conversation of a signed-in user (ticket)', async () => {
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
        <im-chat conversation-id=${direct.id} heading="Friend" style="height: 400px"></im-chat>
      </im-provider>
    `);
    const chat = provider.querySelector('im-chat')!;
    const root = chat.shadowRoot!;
    await until(() => [...root.querySelectorAll('.bubble')].some((b) => b.textContent!.includes('hello from a friend')), 'the message');
    const textarea = root.querySelector('textarea')!;
    textarea.value = 'hi back';
    textarea.dispatchEvent(new InputEvent('input'));
    await chat.updateComplete;
    const received = nextEvent(other, 'message');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    expect((await received)[0].content).to.deep.equal({ text: 'hi back' });
    // The friend reads it: the status under the own message follows.
    const own = () => [...root.querySelectorAll<HTMLElement>('li.message.own .status')].at(-1)?.textContent;
    await until(() => own() === 'Delivered' || own() === 'Read', 'the delivery receipt');
    await other.conversations.markRead(direct.id);
    await until(() => own() === 'Read', 'the read receipt');
    await expect(provider).to.be.accessible();
  });

  it('explains that it is not connected when the provider has no token', async () => {
    const provider = await fixture<ImProvider>(html`<im-provider user-id="nobody"><im-chat></im-chat></im-provider>`);
    const chat = provider.querySelector('im-chat')!;
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('.banner')!.textContent).to.contain('no token');
    await expect(provider).to.be.accessible();
  });
});
