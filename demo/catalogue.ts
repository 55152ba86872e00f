// The catalogue: every element in every state, on real data from this server where a real
// conversation can hold the state, on hand-built messages where it cannot.
import '../src/index.js';
import '../src/components/composer/composer.js';
import { html } from 'lit';
import type { ImChat } from '../src/components/chat/chat.js';
import type { ImProvider } from '../src/components/provider/provider.js';
import { MemoryCache } from '../src/sdk/cache/memory-cache.js';
import type { CachedConversation, CachedMessage } from '../src/sdk/cache/types.js';
import { IMClient } from '../src/sdk/client.js';
import { messageFixtures, pretendRetry } from './catalogue-fixtures.js';
import { crowdClients, crowdSay, ROOM, seedCatalogue, seedRoom, userClient, VIEWER, type CatalogueData } from './catalogue-seed.js';
import { posterPng } from './media.js';
import { applyLookAll, avatarOf, demoRoomToken, demoTicket, nameOf, nextConnected, setUpHeader, showError, type Controls } from './shared.js';

const stage = document.querySelector<HTMLElement>('#stage')!;
const status = document.querySelector<HTMLElement>('#seed-status')!;
let look: Controls;

look = setUpHeader({
  page: 'catalogue',
  title: 'Catalogue',
  intro:
    'Every element in every state, side by side. Pick a theme, a language (العربية turns everything right to left) and a width; ' +
    'the elements follow the lang attribute of the page around them.',
  widths: [
    ['480', '480 px'],
    ['320', '320 px'],
    ['800', '800 px'],
    ['1100', '1100 px'],
  ],
  onChange: (controls) => {
    look = controls;
    stage.style.setProperty('--frame-width', `${controls.width}px`);
    relook();
  },
});

const section = (id: string) => stage.querySelector<HTMLElement>(`#${id}`)!;
/**
 * Theme and language go to the frames that hold elements (the page's own text stays English,
 * left to right); elements added later get them too.
 */
function relook(): void {
  applyLookAll(stage.querySelectorAll<HTMLElement>('.states'), look);
}

// ---- a render hook for custom messages ----------------------------------------------------------

interface Poll {
  kind: 'poll';
  question: string;
  options: { label: string; votes: number }[];
}

function isPoll(value: unknown): value is Poll {
  return !!value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'poll' && Array.isArray((value as Poll).options);
}

/** Polls get a card of their own; every other custom message falls back to the built-in card. */
function renderCustom(message: CachedMessage): unknown {
  const data = (message.content as { data?: unknown } | null)?.data;
  if (!isPoll(data)) return undefined;
  const total = data.options.reduce((sum, option) => sum + option.votes, 0) || 1;
  // Rendered inside the message's shadow root: the page's stylesheet does not reach it.
  return html`<div style="display:grid;gap:0.375rem;min-inline-size:12rem;padding-block:0.125rem">
    <strong dir="auto">📊 ${data.question}</strong>
    ${data.options.map(
      (option) => html`<div style="display:grid;gap:0.125rem;font-size:0.875rem">
        <span style="display:flex;justify-content:space-between;gap:1rem"><span dir="auto">${option.label}</span><span>${option.votes}</span></span>
        <span style="display:block;block-size:0.375rem;border-radius:3px;background:color-mix(in srgb,currentColor 15%,transparent)"
          ><span style="display:block;block-size:100%;border-radius:3px;background:currentColor;opacity:0.55;inline-size:${Math.round((option.votes / total) * 100)}%"></span
        ></span>
      </div>`,
    )}
  </div>`;
}

for (const chat of stage.querySelectorAll<ImChat>('im-chat')) {
  chat.names = nameOf;
  chat.avatars = avatarOf;
  chat.renderCustom = renderCustom;
}
for (const list of stage.querySelectorAll('im-conversation-list')) {
  list.names = nameOf;
  list.avatars = avatarOf;
}

// ---- wiring clients to the frames -----------------------------------------------------------------

function use(name: string, client: IMClient, data?: CatalogueData): void {
  for (const provider of stage.querySelectorAll<ImProvider>(`im-provider[data-client="${name}"]`)) {
    const chat = provider.querySelector<ImChat>('im-chat[data-conversation]');
    if (chat && data) chat.conversationId = data[chat.dataset.conversation as 'launch' | 'empty' | 'left' | 'kenji'];
    provider.client = client;
  }
}

/**
 * Scrolls a chat to its first message (`start`) or to its first message of a type, once it shows
 * it, so several parts of one conversation can be seen side by side. Uses the public `rows` and
 * `scrollToKey` of the chat's message list.
 */
async function scrollChat(chat: ImChat, to: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const list = chat.shadowRoot?.querySelector('im-message-list');
    const rows = list?.rows ?? [];
    const row =
      to === 'start'
        ? rows.find((r) => r.kind === 'tip' || r.kind === 'message')
        : rows.find((r) => (r as { message?: CachedMessage }).message?.type === to);
    if (list && row && rows.length > 8) {
      list.scrollToKey(row.key, 'start');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A cache whose list never arrives: the list stays in its loading state. */
class StalledCache extends MemoryCache {
  override observeConversations(_listener: (conversations: CachedConversation[]) => void): () => void {
    return () => undefined;
  }
}

async function loadingList(): Promise<void> {
  const client = new IMClient({ ticket: await demoTicket(VIEWER), cache: new StalledCache() }); // never connected
  use('stalled', client);
}

async function messageStates(): Promise<void> {
  const slot = stage.querySelector<HTMLElement>('#message-fixtures')!;
  for (const fixture of await messageFixtures(pretendRetry)) {
    const frame = document.createElement('div');
    frame.className = 'state-frame';
    const heading = document.createElement('h3');
    heading.textContent = fixture.title;
    const surface = document.createElement('div');
    surface.className = 'surface';
    surface.append(...fixture.messages);
    const caption = document.createElement('p');
    caption.className = 'caption';
    caption.textContent = fixture.caption;
    frame.append(heading, surface, caption);
    slot.append(frame);
  }
  relook();
}

async function emojiPicker(): Promise<void> {
  await import('../src/components/emoji-picker/emoji-picker.js');
  const picker = document.createElement('im-emoji-picker');
  const picked = stage.querySelector<HTMLElement>('#emoji-picked')!;
  picker.addEventListener('im-emoji-select', (event) => (picked.textContent = `Picked ${event.detail.emoji} (${event.detail.name})`));
  stage.querySelector('#emoji-slot')!.append(picker);
  relook();
}

/**
 * Adds a composer without letting it take the focus: a composer given `replyTo` or `editing`
 * focuses its field (right for a chat, where the user asked to reply), which would scroll this
 * page to it on load.
 */
async function placeQuietly(slot: Element, composer: HTMLElement & { updateComplete: Promise<boolean> }): Promise<void> {
  const { scrollX, scrollY } = window;
  slot.append(composer);
  await composer.updateComplete;
  (composer.shadowRoot?.activeElement as HTMLElement | null)?.blur();
  window.scrollTo(scrollX, scrollY);
}

async function composers(maria: IMClient, data: CatalogueData): Promise<void> {
  const reply = document.createElement('im-composer');
  reply.client = maria;
  reply.conversationId = data.kenji;
  reply.replyTo = data.replyTarget;
  reply.replyName = nameOf('kenji');
  reply.addEventListener('im-composer-reply-cancel', () => (reply.replyTo = undefined));
  await placeQuietly(stage.querySelector('[data-composer="reply"]')!, reply);

  const edit = document.createElement('im-composer');
  edit.client = maria;
  edit.conversationId = data.kenji;
  edit.editing = data.editTarget;
  edit.addEventListener('im-composer-edit-cancel', () => (edit.editing = undefined));
  await placeQuietly(stage.querySelector('[data-composer="edit"]')!, edit);
  relook();
}

/** Opens a chat's search with a query, without the page scrolling to its field. */
async function searchQuietly(chat: ImChat, query: string): Promise<void> {
  // Once the chat holds the conversation's newest messages (the search reads this device's cache).
  for (let tries = 0; tries < 100 && (chat.shadowRoot?.querySelector('im-message-list')?.rows.length ?? 0) < 8; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { scrollX, scrollY } = window;
  await chat.openSearch(query);
  (chat.shadowRoot?.activeElement as HTMLElement | null)?.blur();
  window.scrollTo(scrollX, scrollY);
}

/** Another session of María's: loaded, then cut off, with a text and a photo waiting in its outbox. */
async function offlineChat(data: CatalogueData): Promise<void> {
  const offline = await userClient(VIEWER);
  await offline.messages.loadOlder(data.kenji, Number.MAX_SAFE_INTEGER, 50);
  offline.disconnect();
  for (const provider of stage.querySelectorAll<ImProvider>('im-provider[data-client="offline"]')) {
    provider.querySelector('im-chat')!.conversationId = data.kenji;
    provider.client = offline;
  }
  // Not awaited: they resolve once sent, after a reconnect.
  const queued = [offline.messages.send(data.kenji, 'Written offline: this waits in the outbox'), offline.messages.sendFile(data.kenji, await posterPng(480, 320))];
  for (const sending of queued) sending.catch((error: unknown) => showError(section('chat-states'), 'a queued message failed', error));
  const button = stage.querySelector<HTMLButtonElement>('#toggle-offline')!;
  button.addEventListener('click', () => {
    if (offline.state === 'disconnected') offline.connect();
    else offline.disconnect();
  });
  offline.on('state', ({ state }) => (button.textContent = state === 'disconnected' ? 'Reconnect the offline chat' : 'Disconnect it again'));
}

async function largeRoom(): Promise<void> {
  const room = new IMClient({ token: await demoRoomToken(ROOM, VIEWER), cache: 'memory' });
  const connected = nextConnected(room);
  room.connect();
  await connected;
  await seedRoom(room);
  use('room', room);

  const button = stage.querySelector<HTMLButtonElement>('#crowd')!;
  const note = stage.querySelector<HTMLElement>('#crowd-status')!;
  let crowd: IMClient[] | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    for (const client of crowd ?? []) client.close();
    crowd = undefined;
    button.textContent = 'Start the crowd';
    note.textContent = '';
  };
  button.addEventListener('click', async () => {
    if (crowd || button.disabled) return stop();
    button.disabled = true;
    try {
      crowd = await crowdClients();
    } catch (error) {
      showError(section('large-room'), 'cannot start the crowd', error);
      return;
    } finally {
      button.disabled = false;
    }
    let n = Math.floor(Math.random() * 1000);
    let sent = 0;
    button.textContent = 'Stop the crowd';
    timer = setInterval(() => {
      if (!crowd) return;
      void crowdSay(crowd, n++).then(() => (note.textContent = `${++sent} messages from ${crowd?.length ?? 0} people`)).catch(() => undefined);
      if (sent >= 400) stop();
    }, 120);
  });
}

/** Runs one part of the page; a failure shows in its section and leaves the others working. */
async function part(sectionId: string, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    showError(section(sectionId), what, error);
    throw error;
  }
}

async function main(): Promise<void> {
  const fixtures = part('message-states', 'message states', messageStates);
  const picker = part('emoji-picker', 'the emoji picker', emojiPicker);
  const room = part('large-room', 'the large room', largeRoom);
  const lists = part('conversation-list', 'the loading list', loadingList);
  const newcomer = part('conversation-list', 'the empty list', async () => use('newcomer', await userClient('newcomer')));

  status.textContent = 'Signing María in…';
  const maria = await userClient(VIEWER);
  const data = await seedCatalogue(maria, (text) => (status.textContent = text));
  use('maria', maria, data);
  for (const chat of stage.querySelectorAll<ImChat>('im-chat[data-scroll]')) void scrollChat(chat, chat.dataset.scroll!);
  for (const chat of stage.querySelectorAll<ImChat>('im-chat[data-search]')) await searchQuietly(chat, chat.dataset.search!);
  await composers(maria, data);
  const offline = part('chat-states', 'the offline chat', () => offlineChat(data));

  const results = await Promise.allSettled([fixtures, picker, room, lists, newcomer, offline]);
  relook();
  const failed = results.filter((result) => result.status === 'rejected').length;
  status.textContent = failed ? `${failed} part(s) failed: see the notes below.` : '';
  status.hidden = !failed;
  stage.dataset.ready = failed ? 'partly' : 'true';
}

main().catch((error: unknown) => {
  showError(stage, 'the catalogue could not load its data', error);
  stage.dataset.ready = 'failed';
});
