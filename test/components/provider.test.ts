import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/index.js';
import type { ImChat } from '../../src/components/chat/chat.js';
import { SelectionStore } from '../../src/components/context.js';
import type { ImProvider } from '../../src/components/provider/provider.js';
import { IMClient } from '../../src/sdk/client.js';
import { connected, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function userClient(userId = uniqueId('me')): Promise<IMClient> {
  const { ticket } = await ticketFor(userId);
  const client = new IMClient({ server: testServer.server, ticket, cache: 'memory' });
  clients.push(client);
  return client;
}

describe('<im-provider> selection', () => {
  it('tells subscribers about real changes only, until they unsubscribe', () => {
    const selection = new SelectionStore();
    const heard: (string | undefined)[] = [];
    const off = selection.subscribe((id) => heard.push(id));
    selection.select('a');
    selection.select('a');
    selection.select('');
    selection.select('b');
    off();
    selection.select('c');
    expect(heard).to.deep.equal(['a', undefined, 'b']);
    expect(selection.conversationId).to.equal('c');
  });

  it('lets a chat without a conversation-id follow it, and a chat with one ignore it', async () => {
    const client = await userClient();
    client.connect();
    await connected(client);
    const [peer, fixed] = [uniqueId('peer'), uniqueId('fixed')];
    const direct = await client.conversations.openDirect(peer);
    const other = await client.conversations.openDirect(fixed);
    const provider = await fixture<ImProvider>(html`
      <im-provider .client=${client}>
        <im-chat class="follows"></im-chat>
        <im-chat class="own" conversation-id=${other.id}></im-chat>
      </im-provider>
    `);
    const follows = provider.querySelector('im-chat.follows') as ImChat;
    const own = provider.querySelector('im-chat.own') as ImChat;
    const heading = (chat: ImChat) => chat.shadowRoot!.querySelector('h2')!.textContent!.trim();
    await until(() => heading(own) === fixed, 'the chat with its own conversation');
    provider.selection.select(direct.id);
    await until(() => heading(follows) === peer, 'the following chat to show the selected conversation');
    expect(heading(own)).to.equal(fixed);
  });

  it('clears the selection when its client is replaced (another session has other conversations)', async () => {
    const provider = await fixture<ImProvider>(html`<im-provider .client=${await userClient()}></im-provider>`);
    provider.selection.select('direct:something');
    provider.client = await userClient();
    await provider.updateComplete;
    expect(provider.selection.conversationId).to.equal(undefined);
  });
});

describe('<im-provider> tickets', () => {
  it('hands a refresh-ticket hook set after connecting to the client it already has', async () => {
    const userId = uniqueId('late');
    const { ticket } = await ticketFor(userId);
    const provider = await fixture<ImProvider>(html`<im-provider server=${testServer.server} ticket=${ticket}></im-provider>`);
    const client = (provider as unknown as { provided: IMClient }).provided;
    clients.push(client);
    await connected(client);
    expect(client.refreshTicket).to.equal(undefined);
    let asked = 0;
    provider.refreshTicket = async () => {
      asked += 1;
      return (await ticketFor(userId)).ticket;
    };
    await provider.updateComplete;
    expect(client.refreshTicket).to.equal(provider.refreshTicket, 'the same hook, not a new client');
    expect((provider as unknown as { provided: IMClient }).provided).to.equal(client);
    expect(await client.refreshTicket!()).to.be.a('string');
    expect(asked).to.equal(1);
  });
});

describe('<im-provider> title badge and notifications', () => {
  const realVisibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
  const setVisibility = (value: 'hidden' | 'visible') => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const RealNotification = window.Notification;
  afterEach(() => {
    delete (document as unknown as Record<string, unknown>).visibilityState;
    Object.defineProperty(Document.prototype, 'visibilityState', realVisibility);
    window.Notification = RealNotification;
  });

  it('badges the title while the tab is hidden, notifies, and skips muted conversations', async () => {
    const shown: { title: string; body: string; tag: string }[] = [];
    // The browser's permission prompt cannot be answered in a test: a granted Notification stands in.
    window.Notification = class {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body: string; tag: string }) {
        shown.push({ title, ...options });
      }
      close(): void {}
    } as unknown as typeof Notification;
    const me = await userClient();
    const friend = await userClient();
    const noisy = await userClient();
    for (const c of [friend, noisy]) c.connect();
    const provider = await fixture<ImProvider>(html`<im-provider .client=${me} notifications title-badge></im-provider>`);
    me.connect();
    await Promise.all([connected(me), connected(friend), connected(noisy)]);
    const direct = await friend.conversations.openDirect(me.userId);
    const muted = await noisy.conversations.openDirect(me.userId);
    await until(async () => (await me.conversations.list()).length === 2, 'both conversations');
    await me.conversations.setMuted(muted.id, true);
    document.title = 'Support';
    const title = document.title;
    setVisibility('hidden');
    await friend.messages.send(direct.id, 'are you there?');
    await noisy.messages.send(muted.id, 'buy now');
    await friend.messages.send(direct.id, 'hello?');
    await until(() => document.title === `(2) ${title}`, 'the title badge');
    expect(shown.map((n) => [n.title, n.body, n.tag])).to.deep.equal([
      [`New message from ${friend.userId}`, 'are you there?', direct.id],
      [`New message from ${friend.userId}`, 'hello?', direct.id],
    ]);
    setVisibility('visible');
    expect(document.title).to.equal(title);
    provider.remove();
  });
});
