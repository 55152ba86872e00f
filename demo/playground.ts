// The playground: Alice, Bob and Carol signed in side by side, each with a conversation list and
// a chat, already in a direct chat and in the group "Design team", so a visitor can chat at once.
import '../src/index.js';
import type { ImChat } from '../src/components/chat/chat.js';
import type { ImConversationList } from '../src/components/conversation-list/conversation-list.js';
import type { ImProvider } from '../src/components/provider/provider.js';
import type { CachedConversation } from '../src/sdk/cache/types.js';
import type { IMClient } from '../src/sdk/client.js';
import { applyLook, avatarOf, demoTicket, nameOf, nextConnected, setUpHeader, showError } from './shared.js';

const GROUP_NAME = 'Design team';
const GROUP_OWNER = 'alice';
const MEMBERS = ['alice', 'bob', 'carol'];
/** Everyone opens a direct chat with the next person: Alice–Bob, Bob–Carol, Carol–Alice. */
const DIRECT_PEER: Record<string, string> = { alice: 'bob', bob: 'carol', carol: 'alice' };

const stage = document.querySelector<HTMLElement>('#stage')!;
const isTeam = (c: CachedConversation) => c.type === 'group' && c.name === GROUP_NAME && c.ownerId === GROUP_OWNER;

setUpHeader({
  page: 'playground',
  title: 'Playground',
  intro:
    'Alice, Bob and Carol, signed in side by side: three connections to this server, each with its own cache. ' +
    'They share the group “Design team” and direct chats. Type in any column; try replies, reactions, @mentions, emoji and files.',
  widths: [
    ['fluid', 'Fit the window'],
    ['360', '360 px each'],
    ['480', '480 px each'],
    ['800', '800 px each'],
  ],
  onChange: (controls) => {
    stage.dataset.width = controls.width;
    stage.style.setProperty('--panel-width', controls.width === 'fluid' ? '' : `${controls.width}px`);
    applyLook(stage, controls);
  },
});

/** Resolves with the first conversation of the user's list that matches, as soon as it is there. */
function waitForConversation(client: IMClient, matches: (c: CachedConversation) => boolean, timeoutMs = 20_000): Promise<CachedConversation> {
  return new Promise((resolve, reject) => {
    let off: (() => void) | undefined;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      off?.();
      reject(new Error(`no “${GROUP_NAME}” after ${timeoutMs / 1000} s (is Alice's column set up?)`));
    }, timeoutMs);
    off = client.conversations.observe((list) => {
      const found = list.find(matches);
      if (!found || done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => off?.());
      resolve(found);
    });
    if (done) off();
  });
}

/** The group of the three: Alice creates it once (idempotent across reloads); the others wait for it to arrive. */
async function teamGroup(userId: string, client: IMClient): Promise<CachedConversation> {
  const existing = (await client.conversations.list()).find(isTeam);
  if (existing) return existing;
  if (userId !== GROUP_OWNER) return waitForConversation(client, isTeam);
  const group = await client.conversations.createGroup(GROUP_NAME, MEMBERS.filter((id) => id !== userId));
  await client.messages.send(group.id, 'Welcome to the design team! Everything here goes through the IM server on this page.');
  await client.messages.send(group.id, 'Try a reply, a reaction, an emoji or a file. @bob, can you share the new mock-ups?', { mentions: ['bob'] });
  return group;
}

async function setUp(section: HTMLElement, userId: string, client: IMClient, connected: Promise<void>): Promise<void> {
  const provider = section.querySelector('im-provider')!;
  await connected;
  await client.conversations.openDirect(DIRECT_PEER[userId]!);
  const group = await teamGroup(userId, client);
  // Open the group unless the visitor already picked something.
  if (!provider.selection.conversationId) provider.selection.select(group.id);
}

for (const section of stage.querySelectorAll<HTMLElement>('section.person')) {
  const userId = section.dataset.user!;
  const provider = section.querySelector<ImProvider>('im-provider')!;
  for (const element of section.querySelectorAll<ImChat | ImConversationList>('im-chat, im-conversation-list')) {
    element.names = nameOf;
    element.avatars = avatarOf;
  }
  provider.addEventListener('im-client-ready', (event) => {
    const { client } = event.detail;
    // The provider connects the client right after this event: listen before that.
    const connected = nextConnected(client);
    setUp(section, userId, client, connected).catch((error: unknown) => showError(section, `${nameOf(userId)}'s setup failed`, error));
  });
  // Demo only: the server signs anyone in. A real site gets the ticket from its own backend.
  provider.refreshTicket = () => demoTicket(userId);
  demoTicket(userId).then(
    (ticket) => (provider.ticket = ticket),
    (error: unknown) => showError(section, `cannot sign ${nameOf(userId)} in`, error),
  );
}
