import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { LitElement, TemplateResult } from 'lit';
import '../../src/components/index.js';
import type { ImChat } from '../../src/components/chat/chat.js';
import type { ImConversationList } from '../../src/components/conversation-list/conversation-list.js';
import { messagePreview, parseMemberIds, type RowLocale } from '../../src/components/conversation-list/row-text.js';
import type { ImConversationSelectEvent, ImUnreadChangeEvent } from '../../src/components/events.js';
import { format, formatDuration, formatList, stringsFor } from '../../src/components/i18n/index.js';
import type { ImProvider } from '../../src/components/provider/provider.js';
import { MemoryCache } from '../../src/sdk/cache/memory-cache.js';
import type { CachedConversation } from '../../src/sdk/cache/types.js';
import { IMClient } from '../../src/sdk/client.js';
import { systemConversationId } from '../../src/protocol/models.js';
import { connected, nextEvent, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function signIn(userId: string = uniqueId('friend')): Promise<IMClient> {
  const { ticket } = await ticketFor(userId);
  const client = new IMClient({ server: testServer.server, ticket, cache: 'memory' });
  clients.push(client);
  client.connect();
  await connected(client);
  return client;
}

interface Mounted {
  provider: ImProvider;
  list: ImConversationList;
  client: IMClient;
  me: string;
  root: ShadowRoot;
  /** Totals of every im-unread-change, in order. */
  totals: number[];
}

/** A provider with the signed-in user's client (connected) around a list, and `extra` next to it. */
async function mount(extra: TemplateResult = html``, me = uniqueId('me')): Promise<Mounted> {
  const client = await signIn(me);
  const totals: number[] = [];
  const provider = await fixture<ImProvider>(html`
    <im-provider .client=${client} @im-unread-change=${(e: ImUnreadChangeEvent) => totals.push(e.detail.total)}>
      <div style="display: flex; height: 480px; width: 720px">
        <im-conversation-list style="width: 320px"></im-conversation-list>
        ${extra}
      </div>
    </im-provider>
  `);
  const list = provider.querySelector('im-conversation-list')!;
  await list.updateComplete;
  return { provider, list, client, me, root: list.shadowRoot!, totals };
}

const rows = (list: ImConversationList) => [...list.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')];
const rowOf = (list: ImConversationList, id: string) => list.shadowRoot!.querySelector<HTMLElement>(`[role="option"][data-id="${id}"]`);
/** Text as shown: whitespace collapsed, bidi isolates (around user text in sentences) dropped. */
const text = (element: Element | null | undefined) => unisolate(element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const unisolate = (value: string) => value.replace(/[\u2068\u2069]/g, '');
const nameOf = (row: Element | null) => text(row?.querySelector('.name'));
const previewIn = (row: Element | null) => spoken(row?.querySelector('.preview') ?? null).replace(/^, /, '');
const badgeIn = (row: Element | null) => row?.querySelector('.badge') ?? null;
/** The visible number of a badge (its words for screen readers left out). */
const badgeText = (row: Element | null) => text(badgeIn(row)?.querySelector('[aria-hidden="true"]'));
/** What a screen reader reads for an element: its text without aria-hidden parts. */
function spoken(element: Element | null): string {
  const copy = element?.cloneNode(true) as Element | undefined;
  copy?.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
  return text(copy);
}
const names = (list: ImConversationList) => rows(list).map(nameOf);
const focusedRow = (list: ImConversationList) => (list.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id;

/** A friend opens a direct chat with `me` and sends these texts; resolves with the conversation. */
async function friendWrites(me: string, texts: string[], friend?: IMClient): Promise<{ friend: IMClient; id: string }> {
  const sender = friend ?? (await signIn());
  const direct = await sender.conversations.openDirect(me);
  for (const t of texts) await sender.messages.send(direct.id, t);
  return { friend: sender, id: direct.id };
}

async function rightClick(element: HTMLElement): Promise<void> {
  const rect = element.getBoundingClientRect();
  await sendMouse({ type: 'click', button: 'right', position: [Math.round(rect.left + 40), Math.round(rect.top + rect.height / 2)] });
}

describe('<im-conversation-list>', () => {
  it('shows rows with name, preview, time and unread badge, pinned first then by activity', async () => {
    const ui = await mount();
    const a = await friendWrites(ui.me, ['hello', 'how are you?']);
    const b = await friendWrites(ui.me, ['from b']);
    const owner = await signIn();
    const group = await owner.conversations.createGroup('Team Café', [ui.me]);
    await owner.messages.send(group.id, 'standup at ten', { mentions: [ui.me] });

    await until(() => rows(ui.list).length === 3 && previewIn(rowOf(ui.list, group.id)).includes('standup'), 'three rows');
    expect(names(ui.list)).to.deep.equal(['Team Café', b.friend.userId, a.friend.userId], 'newest activity first');
    const rowA = rowOf(ui.list, a.id)!;
    expect(previewIn(rowA)).to.equal('how are you?');
    expect(badgeText(rowA)).to.equal('2');
    expect(text(rowA.querySelector('time'))).to.match(/\d/);
    expect(spoken(rowA)).to.match(/^friend-\w+(, Online)?, \S+ [AP]M, how are you\?, 2 unread messages$/);
    expect(previewIn(rowOf(ui.list, group.id))).to.equal(`You were mentioned, ${owner.userId}: standup at ten`);
    expect(text(rowOf(ui.list, group.id)!.querySelector('.avatar'))).to.equal('TC');
    expect(text(rowOf(ui.list, group.id)!.querySelector('.mention'))).to.equal('[@me]');
    expect(spoken(rowOf(ui.list, group.id))).to.contain('You were mentioned, ');

    // Own message in a group: "You: …"
    await ui.client.messages.send(group.id, 'on my way');
    await until(() => previewIn(rowOf(ui.list, group.id)) === 'You: on my way', 'the own preview');

    // Pinned first, whatever the activity.
    await ui.client.conversations.setPinned(a.id, true);
    await until(() => names(ui.list)[0] === a.friend.userId, 'the pinned row on top');
    expect(rowOf(ui.list, a.id)!.classList.contains('pinned')).to.equal(true);
    expect(rowOf(ui.list, a.id)!.querySelector('.mark')).to.not.equal(null);
    expect(names(ui.list)).to.deep.equal([a.friend.userId, 'Team Café', b.friend.userId]);

    // Total unread: 2 + 1, the group's unread was cleared by the own message.
    await until(() => ui.list.totalUnread === 3, 'the total');
    expect(ui.totals.at(-1)).to.equal(3);
    await expect(ui.list).to.be.accessible();

    // Display names from the page: direct chats, senders, mentions in previews, and search.
    const display: Record<string, string> = { [a.friend.userId]: 'Ana Ruiz', [owner.userId]: 'Olu Owner', [ui.me]: 'Me Myself' };
    await owner.messages.send(group.id, `@${a.friend.userId} ready?`, { mentions: [a.friend.userId] });
    await until(() => previewIn(rowOf(ui.list, group.id)).includes('ready?'), 'the new group preview');
    ui.list.names = (id) => display[id] ?? '';
    await ui.list.updateComplete;
    expect(names(ui.list)).to.deep.equal(['Ana Ruiz', 'Team Café', b.friend.userId], 'a name where the page has one, else the id');
    expect(previewIn(rowOf(ui.list, group.id))).to.match(/(^|, )Olu Owner: @Ana Ruiz ready\?$/);
    expect(text(rowOf(ui.list, a.id)!.querySelector('.avatar'))).to.equal('AR');
    // Pictures from the page: the peer's for a direct chat, the conversation's for a group.
    const asked: string[] = [];
    ui.list.avatars = (id) => {
      asked.push(id);
      return id === a.friend.userId ? 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' : undefined;
    };
    await ui.list.updateComplete;
    expect(rowOf(ui.list, a.id)!.querySelector('.avatar img')!.getAttribute('src')).to.match(/^data:image\/gif/);
    expect(rowOf(ui.list, group.id)!.querySelector('.avatar img')).to.equal(null);
    expect(asked).to.include.members([a.friend.userId, group.id]);
    const search = ui.root.querySelector<HTMLInputElement>('input[type="search"]')!;
    search.value = 'ana';
    search.dispatchEvent(new Event('input'));
    await until(() => rows(ui.list).length === 2, 'the search by display name');
    expect(names(ui.list)).to.deep.equal(['Ana Ruiz', 'Team Café'], 'found by the name and by the mention in the preview');
  });

  it('caps the badge at 99+ and summarises other message types', async () => {
    const ui = await mount();
    const friend = await signIn();
    const direct = await friend.conversations.openDirect(ui.me);
    // The server counts at most 100; the SDK waits out the send rate limit by itself.
    await Promise.all(Array.from({ length: 101 }, (_, i) => friend.messages.send(direct.id, `m${i}`)));
    await until(() => badgeText(rowOf(ui.list, direct.id)) === '99+', 'the 99+ badge', 15_000);
    expect(spoken(rowOf(ui.list, direct.id))).to.contain('100 unread messages');
    expect(ui.totals.at(-1)).to.equal(100);

    // Previews by type, through the same function the rows use.
    const locale: RowLocale = {
      t: (key, params) => format(stringsFor('en')![key], params),
      formatDuration: (seconds) => formatDuration('en', seconds),
      formatList: (items) => formatList('en', items),
    };
    const summary = rowSummary(direct.id);
    const at = (type: string, content: unknown) =>
      unisolate(messagePreview({ ...summary, lastMessage: { ...summary.lastMessage!, type, content } } as CachedConversation, ui.me, locale));
    expect(at('image', { file: {} })).to.equal('[Image]');
    expect(at('file', { file: { name: 'plan.pdf' } })).to.equal('[File] plan.pdf');
    expect(at('audio', { file: {}, duration: 7 })).to.equal('[Voice] 0:07');
    expect(at('video', { file: {}, duration: 3 })).to.equal('[Video]');
    expect(at('location', { lat: 1, lng: 2, description: 'Cafe Central' })).to.equal('[Location] Cafe Central');
    expect(at('custom', { data: 1, description: 'Poll: lunch?' })).to.equal('Poll: lunch?');
    expect(at('tip', { tip: 'group-created', name: 'G', members: [] })).to.equal('peer created the group');
    expect(unisolate(messagePreview({ ...summary, lastMessage: { ...summary.lastMessage!, recalled: { by: 'peer', at: 1 } } } as CachedConversation, ui.me, locale))).to.equal(
      'peer recalled a message',
    );
    expect(
      messagePreview({ ...summary, lastMessage: { ...summary.lastMessage!, senderId: ui.me, recalled: { by: ui.me, at: 1 } } } as CachedConversation, ui.me, locale),
    ).to.equal('You recalled a message');
    expect(parseMemberIds('ann, bob  cy,ann')).to.deep.equal(['ann', 'bob', 'cy']);
  });

  it('shows a draft, and who is typing above everything', async () => {
    const ui = await mount();
    const { friend, id } = await friendWrites(ui.me, ['are you there?']);
    await until(() => previewIn(rowOf(ui.list, id)) === 'are you there?', 'the row');

    await ui.client.conversations.setDraft(id, 'half a thought');
    await until(() => previewIn(rowOf(ui.list, id)) === '[Draft] half a thought', 'the draft');
    expect(text(rowOf(ui.list, id)!.querySelector('.draft'))).to.equal('[Draft]');

    const typing = nextEvent(ui.client, 'typing', ({ userIds }) => userIds.length === 1);
    await friend.typing.set(id, true);
    await typing;
    await until(() => previewIn(rowOf(ui.list, id)) === `${friend.userId} is typing…`, 'the typing line');

    await friend.messages.send(id, 'ok');
    await until(() => previewIn(rowOf(ui.list, id)) === '[Draft] half a thought', 'the draft again after the message');
    await ui.client.conversations.setDraft(id, '');
    await until(() => previewIn(rowOf(ui.list, id)) === 'ok', 'the last message once the draft is cleared');
  });

  it('filters by name and preview, ignoring case and accents, and says when nothing matches', async () => {
    const ui = await mount();
    const owner = await signIn();
    const group = await owner.conversations.createGroup('Crème Brûlée Club', [ui.me]);
    const { id } = await friendWrites(ui.me, ['the Quarterly REPORT is ready']);
    await until(() => rows(ui.list).length === 2, 'two rows');

    const input = ui.root.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'creme brulee' });
    await until(() => rows(ui.list).length === 1, 'one match by name');
    expect(rows(ui.list)[0]!.dataset.id).to.equal(group.id);

    input.select();
    await sendKeys({ type: 'quarterly report' });
    await until(() => rows(ui.list).length === 1 && rows(ui.list)[0]!.dataset.id === id, 'one match by preview');

    input.select();
    await sendKeys({ type: 'zebra' });
    await until(() => rows(ui.list).length === 0, 'no matches');
    expect(text(ui.root.querySelector('[role="status"]'))).to.equal('No chats match “zebra”');
    await expect(ui.list).to.be.accessible();

    input.select();
    await sendKeys({ press: 'Backspace' });
    await until(() => rows(ui.list).length === 2, 'all rows again');
    expect(text(ui.root.querySelector('[role="status"]'))).to.equal('');
  });

  it('shows an empty state with a New chat button (ticket on the provider, IndexedDB cache)', async () => {
    const me = uniqueId('new');
    const { ticket } = await ticketFor(me);
    const provider = await fixture<ImProvider>(html`
      <im-provider server=${testServer.server} ticket=${ticket}>
        <im-conversation-list style="height: 400px"></im-conversation-list>
      </im-provider>
    `);
    const list = provider.querySelector('im-conversation-list')!;
    await until(() => list.shadowRoot!.querySelector('[part="empty"]') !== null, 'the empty state');
    const empty = list.shadowRoot!.querySelector('[part="empty"]')!;
    expect(text(empty)).to.contain('No chats yet');
    expect(text(empty)).to.contain('Start a new chat');
    const button = empty.querySelector('button')!;
    expect(text(button)).to.equal('New chat');
    await expect(list).to.be.accessible();
    button.click();
    // The dialogs load on first use: the dialog opens once they have arrived.
    await until(() => list.shadowRoot!.querySelector<HTMLDialogElement>('dialog.new-chat')?.open === true, 'the New chat dialog');
    const dialog = list.shadowRoot!.querySelector('dialog.new-chat') as HTMLDialogElement;
    dialog.close();
    await until(() => list.shadowRoot!.activeElement === button, 'focus back on the button that opened it');
  });

  it('shows skeleton rows only when the first read of the list is slow', async () => {
    /** A cache whose list answers late, as a busy IndexedDB might. */
    class SlowCache extends MemoryCache {
      override observeConversations(listener: (conversations: CachedConversation[]) => void): () => void {
        let off: (() => void) | undefined;
        const timer = setTimeout(() => (off = super.observeConversations(listener)), 600);
        return () => {
          clearTimeout(timer);
          off?.();
        };
      }
    }
    const { ticket } = await ticketFor(uniqueId('slow'));
    const client = new IMClient({ server: testServer.server, ticket, cache: new SlowCache() });
    clients.push(client);
    const provider = await fixture<ImProvider>(html`<im-provider .client=${client}><im-conversation-list style="height: 400px"></im-conversation-list></im-provider>`);
    const list = provider.querySelector('im-conversation-list')!;
    const root = list.shadowRoot!;
    expect(root.querySelector('.skeletons')).to.equal(null, 'nothing flashes while a fast answer may still come');
    await until(() => root.querySelector('.skeletons') !== null, 'the skeleton rows');
    expect(text(root.querySelector('[role="status"]'))).to.equal('Loading chats…');
    await until(() => root.querySelector('[part="empty"]') !== null, 'the list (empty) once the cache answers');
    expect(root.querySelector('.skeletons')).to.equal(null);
  });

  it('renders only the rows in view of thousands of conversations, and the keyboard reaches all of them', async () => {
    const me = uniqueId('many');
    const cache = new MemoryCache();
    const now = Date.now();
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...rowSummary(`group:g${i}`),
      type: 'group' as const,
      name: `Group ${i}`,
      peerId: null,
      activeAt: now - i * 60_000,
    }));
    const system = { ...rowSummary(systemConversationId(me)), type: 'system' as const, peerId: null, activeAt: now + 1 };
    await cache.putConversations([...many, system] as CachedConversation[]);
    const { ticket } = await ticketFor(me);
    // Not connected: the list shows what the cache holds, as it does before the socket is up.
    const client = new IMClient({ server: testServer.server, ticket, cache });
    clients.push(client);
    const provider = await fixture<ImProvider>(html`<im-provider .client=${client}><im-conversation-list style="height: 480px"></im-conversation-list></im-provider>`);
    const list = provider.querySelector('im-conversation-list')!;
    await until(() => rows(list).length > 0, 'the rows');
    expect(rows(list).length).to.be.below(40, 'only the rows in view and a few more');
    const [top] = rows(list);
    expect(nameOf(top!)).to.equal('System notifications');
    expect(top!.querySelector('.avatar svg')).to.not.equal(null, 'a bell for system notifications');
    expect(top!.getAttribute('aria-setsize')).to.equal('3001');

    top!.focus();
    await sendKeys({ press: 'End' });
    await until(() => focusedRow(list) === 'group:g2999', 'the last row focused');
    const last = rowOf(list, 'group:g2999')!;
    expect(last.getAttribute('aria-posinset')).to.equal('3001');
    const box = last.getBoundingClientRect();
    const view = list.shadowRoot!.querySelector('.scroller')!.getBoundingClientRect();
    expect(box.top >= view.top && box.bottom <= view.bottom + 1).to.equal(true, 'the last row is in view');
    expect(rows(list).length).to.be.below(40);
    await sendKeys({ press: 'ArrowUp' });
    expect(focusedRow(list)).to.equal('group:g2998');
    await sendKeys({ press: 'Home' });
    await until(() => focusedRow(list) === system.id, 'back at the top');
    await expect(list).to.be.accessible();
  });

  it('moves with the arrow keys and selects with Enter (cancelable)', async () => {
    const ui = await mount();
    const first = await friendWrites(ui.me, ['one']);
    const second = await friendWrites(ui.me, ['two']);
    const third = await friendWrites(ui.me, ['three']);
    await until(() => rows(ui.list).length === 3, 'three rows');
    const order = [third.id, second.id, first.id];
    expect(rows(ui.list).map((r) => r.tabIndex)).to.deep.equal([0, -1, -1], 'one tab stop');

    const input = ui.root.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ press: 'Tab' });
    expect(focusedRow(ui.list)).to.equal(order[0]);
    await sendKeys({ press: 'ArrowDown' });
    expect(focusedRow(ui.list)).to.equal(order[1]);
    await sendKeys({ press: 'End' });
    expect(focusedRow(ui.list)).to.equal(order[2]);
    await sendKeys({ press: 'Home' });
    expect(focusedRow(ui.list)).to.equal(order[0]);
    await sendKeys({ press: 'ArrowDown' });
    expect(rows(ui.list).map((r) => r.tabIndex)).to.deep.equal([-1, 0, -1], 'the tab stop follows');

    const selected = oneEvent(ui.list, 'im-conversation-select') as Promise<ImConversationSelectEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await selected).detail.conversationId).to.equal(order[1]);
    await ui.list.updateComplete;
    expect(rowOf(ui.list, order[1]!)!.getAttribute('aria-selected')).to.equal('true');
    expect(ui.list.selected).to.equal(order[1]);
    expect(ui.list.getAttribute('selected')).to.equal(order[1]);
    expect(ui.provider.selection.conversationId).to.equal(order[1]);

    // The page vetoes the next pick: nothing changes.
    const veto = (event: Event) => event.preventDefault();
    ui.list.addEventListener('im-conversation-select', veto);
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: ' ' });
    await ui.list.updateComplete;
    expect(ui.list.selected).to.equal(order[1]);
    expect(rowOf(ui.list, order[2]!)!.getAttribute('aria-selected')).to.equal('false');
    ui.list.removeEventListener('im-conversation-select', veto);
  });

  it('drives a sibling <im-chat> through the provider, and follows the page’s `selected`', async () => {
    const ui = await mount(html`<im-chat style="flex: 1"></im-chat>`);
    const chat = ui.provider.querySelector('im-chat') as ImChat;
    const a = await friendWrites(ui.me, ['message for the chat']);
    const b = await friendWrites(ui.me, ['another one']);
    await until(() => rows(ui.list).length === 2, 'two rows');

    rowOf(ui.list, a.id)!.click();
    const heading = () => text(chat.shadowRoot!.querySelector('h2'));
    const bubbles = () =>
      [...(chat.shadowRoot!.querySelector('im-message-list')?.shadowRoot?.querySelectorAll('im-message') ?? [])].map((message) =>
        text(message.shadowRoot?.querySelector('.bubble') ?? message),
      );
    await until(() => heading() === a.friend.userId, 'the chat header to show the conversation');
    await until(() => bubbles().some((b) => b.includes('message for the chat')), 'its messages');

    ui.list.selected = b.id;
    await until(() => heading() === b.friend.userId, 'the chat to follow the page');
    expect(rowOf(ui.list, b.id)!.getAttribute('aria-selected')).to.equal('true');
    expect(rowOf(ui.list, a.id)!.getAttribute('aria-selected')).to.equal('false');
  });

  it('pins, mutes, marks read and deletes from the row menu', async () => {
    const ui = await mount();
    const old = await friendWrites(ui.me, ['old news', 'more old news']);
    const recent = await friendWrites(ui.me, ['fresh']);
    await until(() => rows(ui.list).length === 2 && ui.list.totalUnread === 3, 'two rows with 3 unread');
    expect(names(ui.list)[0]).to.equal(recent.friend.userId);

    // Right-click → Pin: the row moves to the top.
    await rightClick(rowOf(ui.list, old.id)!);
    await until(() => ui.root.querySelector('[role="menu"]') !== null, 'the menu');
    const menu = ui.root.querySelector<HTMLElement>('[role="menu"]')!;
    expect(unisolate(menu.getAttribute('aria-label')!)).to.equal(`Actions for ${old.friend.userId}`);
    expect(ui.root.activeElement?.textContent?.trim()).to.equal('Pin', 'focus on the first item');
    await expect(ui.list).to.be.accessible();
    menu.querySelector<HTMLElement>('.menu-item.pin')!.click();
    await until(() => names(ui.list)[0] === old.friend.userId, 'the pinned row on top');
    expect(ui.root.querySelector('[role="menu"]')).to.equal(null);

    // Keyboard: Shift+F10 opens the menu, arrows move, Escape closes and returns to the row.
    rowOf(ui.list, old.id)!.focus();
    await sendKeys({ press: 'Shift+F10' });
    await until(() => ui.root.querySelector('[role="menu"]') !== null, 'the menu from the keyboard');
    await sendKeys({ press: 'ArrowDown' });
    expect(ui.root.activeElement?.textContent?.trim()).to.equal('Mute');
    await sendKeys({ press: 'Escape' });
    await until(() => ui.root.querySelector('[role="menu"]') === null, 'the menu to close');
    expect(focusedRow(ui.list)).to.equal(old.id);

    // Mute: the badge becomes a dot and the total drops.
    const unreadChange = oneEvent(ui.list, 'im-unread-change') as Promise<ImUnreadChangeEvent>;
    await sendKeys({ press: 'Shift+F10' });
    await until(() => ui.root.querySelector('[role="menu"]') !== null, 'the menu');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    expect((await unreadChange).detail.total).to.equal(1);
    await until(() => badgeIn(rowOf(ui.list, old.id))?.classList.contains('dot') === true, 'a dot for the muted row');
    expect(badgeText(rowOf(ui.list, old.id))).to.equal('', 'no number on a muted row');
    expect(spoken(rowOf(ui.list, old.id))).to.match(/, Pinned, Muted, .*, 2 unread messages$/);
    expect(ui.list.totalUnread).to.equal(1);

    // Mark read from the "more" button.
    const recentRow = rowOf(ui.list, recent.id)!;
    (recentRow.querySelector('.more') as HTMLElement).click();
    await until(() => ui.root.querySelector('.menu-item.read') !== null, 'Mark as read in the menu');
    (ui.root.querySelector('.menu-item.read') as HTMLElement).click();
    await until(() => badgeIn(rowOf(ui.list, recent.id)) === null, 'the badge to go');
    await until(() => ui.list.totalUnread === 0, 'no unread left');

    // Delete asks first, then the row goes.
    await rightClick(rowOf(ui.list, recent.id)!);
    await until(() => ui.root.querySelector('.menu-item.delete') !== null, 'Delete in the menu');
    (ui.root.querySelector('.menu-item.delete') as HTMLElement).click();
    await until(() => ui.root.querySelector<HTMLDialogElement>('dialog.confirm')?.open === true, 'the confirm dialog');
    const confirm = ui.root.querySelector('dialog.confirm') as HTMLDialogElement;
    expect(text(confirm)).to.contain(`“${recent.friend.userId}” will be removed from your chat list.`);
    expect(rows(ui.list)).to.have.length(2, 'nothing deleted before confirming');
    (confirm.querySelector('.danger') as HTMLElement).click();
    await until(() => rowOf(ui.list, recent.id) === null, 'the row to disappear');
    expect(names(ui.list)).to.deep.equal([old.friend.userId]);
  });

  it('shows a coded error inline when an action fails', async () => {
    const ui = await mount();
    const { id } = await friendWrites(ui.me, ['hi']);
    await until(() => rows(ui.list).length === 1, 'the row');
    ui.client.disconnect();
    await rightClick(rowOf(ui.list, id)!);
    await until(() => ui.root.querySelector('.menu-item.pin') !== null, 'the menu');
    (ui.root.querySelector('.menu-item.pin') as HTMLElement).click();
    await until(() => ui.root.querySelector('[part="error"]') !== null, 'the inline error');
    const error = ui.root.querySelector('[part="error"]')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(text(error.querySelector('code'))).to.equal('NOT_CONNECTED');
    expect(text(error)).to.contain('Not connected');
    await expect(ui.list).to.be.accessible();
  });

  it('starts a direct chat and a group from the New chat dialog and selects them', async () => {
    const ui = await mount();
    const friend = await signIn();
    const newButton = ui.root.querySelector<HTMLElement>('[part="new-button"]')!;
    newButton.click();
    await until(() => ui.root.querySelector<HTMLDialogElement>('dialog.new-chat')?.open === true, 'the New chat dialog');
    const dialog = ui.root.querySelector('dialog.new-chat') as HTMLDialogElement;
    await expect(ui.list).to.be.accessible();
    expect(ui.root.activeElement?.id).to.equal('new-direct-user');

    // Invalid ids never reach the server.
    await sendKeys({ type: 'not valid!' });
    await sendKeys({ press: 'Enter' });
    await until(() => text(ui.root.querySelector('#new-direct-error')).startsWith('Not a valid user ID: not valid!'), 'the validation error');
    expect(ui.root.querySelector('#new-direct-user')!.getAttribute('aria-invalid')).to.equal('true');

    // A server refusal shows its code: a direct chat with yourself.
    const input = ui.root.querySelector<HTMLInputElement>('#new-direct-user')!;
    input.select();
    await sendKeys({ type: ui.me });
    await sendKeys({ press: 'Enter' });
    await until(() => text(dialog.querySelector('[part="error"] code')) !== '', 'the coded server error');
    expect(dialog.open).to.equal(true);

    input.select();
    await sendKeys({ type: friend.userId });
    const selected = oneEvent(ui.list, 'im-conversation-select') as Promise<ImConversationSelectEvent>;
    await sendKeys({ press: 'Enter' });
    const directId = (await selected).detail.conversationId;
    await until(() => !dialog.open, 'the dialog to close');
    await until(() => rowOf(ui.list, directId)?.getAttribute('aria-selected') === 'true', 'the new chat selected');
    expect(nameOf(rowOf(ui.list, directId))).to.equal(friend.userId);
    await until(() => focusedRow(ui.list) === directId, 'focus on the new row');

    // A group, on the second tab.
    newButton.click();
    await ui.list.updateComplete;
    const groupTab = ui.root.querySelector<HTMLElement>('#new-tab-group')!;
    groupTab.click();
    await ui.list.updateComplete;
    expect(groupTab.getAttribute('aria-selected')).to.equal('true');
    await expect(ui.list).to.be.accessible();
    const other = await signIn();
    ui.root.querySelector<HTMLInputElement>('#new-group-name')!.focus();
    await sendKeys({ type: 'Weekend trip' });
    ui.root.querySelector<HTMLInputElement>('#new-group-members')!.focus();
    await sendKeys({ type: `${friend.userId}, ${other.userId}` });
    const groupSelected = oneEvent(ui.list, 'im-conversation-select') as Promise<ImConversationSelectEvent>;
    await sendKeys({ press: 'Enter' });
    const groupId = (await groupSelected).detail.conversationId;
    await until(() => rowOf(ui.list, groupId)?.getAttribute('aria-selected') === 'true', 'the new group selected');
    expect(nameOf(rowOf(ui.list, groupId))).to.equal('Weekend trip');
    expect(ui.provider.selection.conversationId).to.equal(groupId);
  });

  it('loads the row menu and the dialogs on demand, with their styles, and loses no action taken before', async () => {
    await resetMouse(); // no hover over the list: nothing is loaded ahead
    const ui = await mount();
    const { id } = await friendWrites(ui.me, ['hi']);
    await until(() => rows(ui.list).length === 1, 'the row');
    const atRest = ui.root.adoptedStyleSheets.length;
    expect(atRest).to.equal((customElements.get('im-conversation-list') as typeof LitElement).elementStyles.length, 'only the list’s own styles at rest');
    expect(ui.root.querySelector('dialog, [role="menu"]')).to.equal(null, 'neither the menu nor the dialogs at rest');

    // A right-click before anything was hovered or focused: the menu opens once it has loaded.
    const row = rowOf(ui.list, id)!;
    const box = row.getBoundingClientRect();
    row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, composed: true, cancelable: true, clientX: box.left + 40, clientY: box.top + 20 }));
    await until(() => ui.root.querySelector('.menu')?.matches(':popover-open') === true, 'the menu');
    expect(ui.root.adoptedStyleSheets.length).to.equal(atRest + 1, 'the menu’s styles adopted into the shadow root');
    expect(getComputedStyle(ui.root.querySelector('.menu')!).position).to.equal('fixed');
    expect(ui.root.activeElement?.classList.contains('pin')).to.equal(true, 'focus on the first item');
    await sendKeys({ press: 'Escape' });
    await until(() => focusedRow(ui.list) === id, 'focus back on the row');

    // Delete on the row before the dialogs have loaded: the question opens once they have.
    await sendKeys({ press: 'Delete' });
    await until(() => ui.root.querySelector<HTMLDialogElement>('dialog.confirm')?.open === true, 'the delete question');
    const confirm = ui.root.querySelector<HTMLDialogElement>('dialog.confirm')!;
    expect(ui.root.adoptedStyleSheets.length).to.equal(atRest + 2, 'the dialogs’ styles adopted');
    expect(getComputedStyle(confirm).borderRadius).to.equal('14px');
    expect(ui.root.activeElement?.classList.contains('cancel')).to.equal(true, 'focus on Cancel');
    await expect(ui.list).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await until(() => !confirm.open && focusedRow(ui.list) === id, 'the question closed, focus back on the row');
    expect(rows(ui.list)).to.have.length(1);

    // Another list loads ahead of use: focusing New readies the dialogs, which then open at once.
    const other = await mount();
    const sheets = other.root.adoptedStyleSheets.length;
    const newButton = other.root.querySelector<HTMLElement>('[part="new-button"]')!;
    newButton.focus();
    await until(() => other.root.adoptedStyleSheets.length === sheets + 1, 'the dialogs loaded on focus of New');
    newButton.click();
    expect(other.root.querySelector<HTMLDialogElement>('dialog.new-chat')!.open).to.equal(true, 'opened at once');
  });
});

/** A minimal direct conversation summary for unit checks of the preview text. */
function rowSummary(id: string): CachedConversation {
  return {
    id,
    type: 'direct',
    name: null,
    ownerId: null,
    peerId: 'peer',
    memberCount: 2,
    role: 'member',
    lastSeq: 1,
    lastMessage: {
      id: 'm1',
      conversationId: id,
      seq: 1,
      classId: null,
      senderId: 'peer',
      clientMsgId: 'c1',
      content: { text: 'x' },
      recipients: null,
      time: Date.now(),
      type: 'text',
      mentions: [],
      countsUnread: true,
      editedAt: null,
      recalled: null,
      reactions: {},
      version: 0,
      replyTo: null,
    },
    activeAt: Date.now(),
    readSeq: 0,
    unreadCount: 1,
    mentioned: false,
    pinned: false,
    muted: false,
    hidden: false,
    left: false,
    version: 1,
  } as unknown as CachedConversation;
}
