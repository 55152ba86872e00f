// Real data for the catalogue, written through real clients against this server: María's
// conversations (every message type, unread, muted, pinned, a mention, an empty chat, a group she
// left) and a busy chat room. Idempotent: a reload finds what an earlier visit wrote.
import { fromStored, type CachedConversation, type CachedMessage } from '../src/sdk/cache/types.js';
import { IMClient } from '../src/sdk/client.js';
import { planPdf, posterPng, sunsetWebm, tuneWav } from './media.js';
import { demoRoomToken, demoTicket, nextConnected } from './shared.js';

export const VIEWER = 'maria';
const LAUNCH = 'Product launch';
const OLD_PROJECT = 'Old project';
/** The launch group holds at least this many messages once seeded (tips included). */
const LAUNCH_MIN_SEQ = 16;

export interface CatalogueData {
  /** The group with every message type. */
  launch: string;
  /** María's direct chat with Kenji (the standalone composers write here). */
  kenji: string;
  /** María's direct chat with Lucas: no messages. */
  empty: string;
  /** A group María left: readable, not writable. */
  left: string;
  /** Kenji's message in the direct chat (replied to), María's own (edited). */
  replyTarget: CachedMessage | undefined;
  editTarget: CachedMessage | undefined;
}

/** A signed-in client with a memory cache (nothing left behind in IndexedDB), connected. */
export async function userClient(userId: string): Promise<IMClient> {
  const client = new IMClient({ ticket: await demoTicket(userId), refreshTicket: () => demoTicket(userId), cache: 'memory' });
  const connected = nextConnected(client);
  client.connect();
  await connected;
  return client;
}

const findGroup = (list: CachedConversation[], name: string, owner: string) =>
  list.find((c) => c.type === 'group' && c.name === name && c.ownerId === owner);

/** Everything the catalogue shows of María, seeded on the first visit. */
export async function seedCatalogue(maria: IMClient, progress: (text: string) => void): Promise<CatalogueData> {
  const existing = findGroup(await maria.conversations.list(), LAUNCH, VIEWER);
  const cast = new Map<string, IMClient>();
  const as = async (userId: string) => {
    let client = cast.get(userId);
    if (!client) {
      client = await userClient(userId);
      cast.set(userId, client);
    }
    return client;
  };
  try {
    let launch: string | undefined = existing && existing.lastSeq >= LAUNCH_MIN_SEQ ? existing.id : undefined;
    if (!launch) {
      progress('Writing sample conversations (first visit only)…');
      launch = await seedLaunch(maria, as, progress);
      await seedList(maria, as);
    }
    const kenjiDirect = await maria.conversations.openDirect('kenji');
    const empty = await maria.conversations.openDirect('lucas');
    // The group María left is no longer in her list: Kenji, its owner, still has it.
    const kenji = await as('kenji');
    let left: string | undefined = findGroup(await kenji.conversations.list(), OLD_PROJECT, 'kenji')?.id;
    if (!left) {
      const group = await kenji.conversations.createGroup(OLD_PROJECT, [VIEWER, 'amara']);
      await kenji.messages.send(group.id, 'Archiving this group: everything moved to “Product launch”.');
      await maria.conversations.leave(group.id);
      left = group.id;
    }
    let history = (await maria.messages.history({ conversationId: kenjiDirect.id, limit: 20 })).messages;
    if (history.length === 0) {
      await (await as('kenji')).messages.send(kenjiDirect.id, 'Could you review the press release before Monday?');
      await maria.messages.send(kenjiDirect.id, 'Sure, I will send comments by tonight');
      history = (await maria.messages.history({ conversationId: kenjiDirect.id, limit: 20 })).messages;
    }
    const lastText = (sender: string) => {
      const found = history.findLast((m) => m.senderId === sender && m.type === 'text' && !m.recalled);
      return found ? fromStored(found) : undefined;
    };
    return { launch, kenji: kenjiDirect.id, empty: empty.id, left, replyTarget: lastText('kenji'), editTarget: lastText(VIEWER) };
  } finally {
    for (const client of cast.values()) client.close();
  }
}

/** The group with every message type, told as a short story. */
async function seedLaunch(maria: IMClient, as: (userId: string) => Promise<IMClient>, progress: (text: string) => void): Promise<string> {
  const [kenji, amara, lucas, dave] = await Promise.all(['kenji', 'amara', 'lucas', 'dave'].map(as));
  const group = await maria.conversations.createGroup(LAUNCH, ['kenji', 'amara']); // tip: group created
  const id = group.id;
  await maria.conversations.addMembers(id, ['lucas']); // tip: members joined

  const checklist = await kenji!.messages.send(id, 'Morning @maria! The checklist is at https://example.com/launch/checklist and the press kit at mailto:press@example.com', {
    mentions: [VIEWER],
  });
  await amara!.messages.send(id, '@kenji on it, I will take the screenshots today 📸', { mentions: ['kenji'], replyTo: checklist.seq! });

  progress('Uploading sample files…');
  const poster = await maria.messages.sendFile(id, await posterPng());
  await kenji!.messages.sendFile(id, planPdf());
  await amara!.messages.sendFile(id, tuneWav(), { type: 'audio', duration: 2.4 });
  const clip = await sunsetWebm().catch(() => undefined);
  if (clip) await lucas!.messages.sendFile(id, clip.video, { type: 'video', duration: clip.duration, poster: clip.poster });

  await maria.messages.send(id, { lat: 48.8343, lng: 2.3711, description: 'Launch party: Station F, Paris' }, { type: 'location' });
  await kenji!.messages.send(
    id,
    {
      data: { kind: 'poll', question: 'Which day do we launch?', options: [{ label: 'Tuesday', votes: 3 }, { label: 'Thursday', votes: 1 }] },
      description: 'Poll: Which day do we launch?',
    },
    { type: 'custom' },
  );
  // A custom message no render hook knows: the built-in card shows its description.
  await lucas!.messages.send(id, { data: { kind: 'sticker', id: 'party-parrot' }, description: 'Sticker: party parrot' }, { type: 'custom' });

  const typo = await kenji!.messages.send(id, 'Launch moves to Tusday');
  await kenji!.messages.edit(id, typo.seq!, 'Launch moves to Tuesday 🚀');
  const oops = await lucas!.messages.send(id, 'Wrong chat, sorry!');
  await lucas!.messages.recall(id, oops.seq!);

  await maria.conversations.addMembers(id, ['dave']); // tip: joined
  await dave!.conversations.leave(id); // tip: left

  await maria.messages.send(id, 'Thanks @all, the plan is final. See you on Tuesday!', { mentions: ['@all'] });
  await lucas!.messages.send(id, 'Can’t wait 🎉');

  // Reactions, and reading (María's messages show who read them).
  await maria.messages.react(id, checklist.seq!, '👍');
  await amara!.messages.react(id, checklist.seq!, '👍');
  await lucas!.messages.react(id, checklist.seq!, '🎉');
  await kenji!.messages.react(id, poster.seq!, '😍');
  await lucas!.messages.react(id, poster.seq!, '😍');
  for (const reader of [kenji!, amara!]) await reader.conversations.markRead(id);
  return id;
}

/** More of María's list: unread, muted, pinned with a mention. */
async function seedList(maria: IMClient, as: (userId: string) => Promise<IMClient>): Promise<void> {
  const amara = await as('amara');
  const lucas = await as('lucas');
  const direct = await amara.conversations.openDirect(VIEWER);
  await amara.messages.send(direct.id, 'Are you coming to the rehearsal?');
  await amara.messages.send(direct.id, 'It starts at 4 in room B');

  const hikers = await lucas.conversations.createGroup('Weekend hikers', [VIEWER, 'amara']);
  await maria.conversations.setMuted(hikers.id, true);
  for (const text of ['Saturday: Fontainebleau, 9:00 at the station', 'Bring water and lunch', 'Rain forecast is 10%']) {
    await lucas.messages.send(hikers.id, text);
  }

  const review = await amara.conversations.createGroup('Design review', [VIEWER, 'kenji']);
  await amara.messages.send(review.id, '@maria can you approve the new banner?', { mentions: [VIEWER] });
  await maria.conversations.setPinned(review.id, true);
}

// ---- the large room ----------------------------------------------------------------------------

export const ROOM = 'catalogue-live';
const CROWD = ['ava', 'ben', 'chen', 'dina', 'eli', 'fatima', 'gus', 'hana'];
const LINES = [
  'Hello from Lisbon!',
  'Is the stream starting soon?',
  'Audio is good here',
  'First time joining, hi all 👋',
  'Can you share the slides later?',
  'Great question about the roadmap',
  '+1',
  'Watching from Osaka 🇯🇵',
  'Love the new design',
  'What time is it for you?',
  'The demo looks smooth',
  'Will there be a recording?',
  '🔥🔥🔥',
  'Nice one',
  'Greetings from São Paulo',
  'Does it work on mobile?',
];

/** Room sessions of the crowd (room token + user id), connected. */
export async function crowdClients(): Promise<IMClient[]> {
  return Promise.all(
    CROWD.map(async (userId) => {
      const client = new IMClient({ token: await demoRoomToken(ROOM, userId), cache: 'memory' });
      const connected = nextConnected(client);
      client.connect();
      await connected;
      return client;
    }),
  );
}

/** Sends one line from one of the crowd. */
export function crowdSay(crowd: IMClient[], n: number): Promise<unknown> {
  const client = crowd[n % crowd.length]!;
  return client.messages.send(client.conversationId, { text: LINES[(n * 7) % LINES.length]! });
}

/** The room has history on the first visit too. */
export async function seedRoom(viewer: IMClient): Promise<void> {
  const page = await viewer.messages.history({ limit: 40 });
  if (page.messages.length >= 30) return;
  const crowd = await crowdClients();
  try {
    for (let n = 0; n < 36; n++) await crowdSay(crowd, n);
  } finally {
    for (const client of crowd) client.close();
  }
}
