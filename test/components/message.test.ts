import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/message/message.js';
import type { ImMessage, MessageReceipt } from '../../src/components/message/message.js';
import { tokenize } from '../../src/components/message/text.js';
import type { FileInfo } from '../../src/protocol/models.js';
import type { CachedMessage } from '../../src/sdk/cache/types.js';
import { IMClient } from '../../src/sdk/client.js';
import type { IMError } from '../../src/sdk/errors.js';
import { connected, nextEvent, testServer, ticketFor, uniqueId } from '../browser-helpers.js';

const NAMES: Record<string, string> = { bob: 'Bob Marley', alice: 'Alice Liddell', carol: 'Carol King', me: 'Me Myself' };
const names = (id: string) => NAMES[id] ?? id;
const now = Date.now();
let counter = 0;

/** A stored text message from bob, changed by `over`. */
function msg(over: Partial<CachedMessage> = {}): CachedMessage {
  counter += 1;
  return {
    conversationId: 'group:test',
    senderId: 'bob',
    clientMsgId: `client-${counter}`,
    classKey: '',
    content: { text: 'hello' },
    recipients: null,
    status: 'sent',
    createdAt: now - 30_000,
    id: `m${counter}`,
    seq: counter,
    time: now - 30_000,
    type: 'text',
    mentions: [],
    countsUnread: true,
    editedAt: null,
    recalled: null,
    reactions: {},
    version: 0,
    replyTo: null,
    ...over,
  };
}

const file = (over: Partial<FileInfo> = {}): FileInfo => ({
  id: 'f1',
  url: '/v1/files/f1',
  name: 'report.pdf',
  size: 1_536_000,
  mime: 'application/pdf',
  kind: 'file',
  ...over,
});

/** A PNG drawn in the page, as a data: URL or a Blob. */
function canvas(width: number, height: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const g = c.getContext('2d')!;
  g.fillStyle = '#3a7';
  g.fillRect(0, 0, width, height);
  return c;
}
const pngBlob = (width: number, height: number): Promise<Blob> =>
  new Promise((resolve) => canvas(width, height).toBlob((blob) => resolve(blob!), 'image/png'));

type Props = Partial<Pick<ImMessage, 'own' | 'client' | 'senderName' | 'showSender' | 'showAvatar' | 'grouped' | 'receipt' | 'quoted' | 'highlighted' | 'largeRoom' | 'canRecallAll' | 'renderCustom' | 'selfId' | 'theme' | 'avatars'>>;

function create(message: CachedMessage, props: Props = {}): ImMessage {
  const el = document.createElement('im-message');
  el.message = message;
  el.names = names;
  el.selfId = 'me';
  el.own = message.senderId === 'me';
  el.senderName = names(message.senderId);
  Object.assign(el, props);
  return el;
}

async function mount(message: CachedMessage, props: Props = {}, width = 480): Promise<ImMessage> {
  const el = create(message, props);
  await fixture(html`<div style="inline-size:${width}px; padding: 24px 8px">${el}</div>`);
  await el.updateComplete;
  return el;
}

const root = (el: ImMessage) => el.shadowRoot!;
const $ = <T extends Element = HTMLElement>(el: ImMessage, selector: string) => root(el).querySelector<T & Element>(selector) as T | null;
const $$ = <T extends Element = HTMLElement>(el: ImMessage, selector: string) => [...root(el).querySelectorAll(selector)] as T[];
const textOf = (node: Element | null) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const menu = (el: ImMessage) => $(el, '.menu');
const menuOpen = (el: ImMessage) => !!menu(el)?.matches(':popover-open');
const menuActions = (el: ImMessage) => $$(el, '.menu [data-action]').map((item) => item.dataset.action);
const focusedInside = (el: ImMessage) => root(el).activeElement as HTMLElement | null;

/** Voice messages, videos and locations render once media.ts has loaded (a placeholder until then). */
const playersLoaded = (el: ImMessage) => waitUntil(() => !$(el, '.placeholder'), 'media.ts to load');
/** The hover toolbar renders once menu.ts has loaded. */
/** Upload progress and the failed line (pending.ts) load the first time a message has either. */
const pendingLoaded = (el: ImMessage, part: 'progress' | 'error') => waitUntil(() => $(el, `[part="${part}"]`), 'pending.ts to load');
/** `seconds` of a 440 Hz tone as 8-bit mono 8 kHz WAV. */
function wavTone(seconds: number): ArrayBuffer {
  const rate = 8000;
  const samples = rate * seconds;
  const buffer = new ArrayBuffer(44 + samples);
  const view = new DataView(buffer);
  const text = (at: number, value: string) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  text(36, 'data');
  view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) view.setUint8(44 + i, 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / rate)));
  return buffer;
}
const toolbarLoaded = (el: ImMessage) => waitUntil(() => $(el, '[part="actions"]'), 'menu.ts to load');

async function openMenuByKeyboard(el: ImMessage): Promise<void> {
  el.tabIndex = 0;
  el.focus();
  await sendKeys({ press: 'Shift+F10' });
  await waitUntil(() => menuOpen(el), 'the menu to open');
}

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function userClient(userId: string, connect = true): Promise<IMClient> {
  const { ticket } = await ticketFor(userId);
  const c = new IMClient({ server: testServer.server, ticket, cache: 'memory', reconnectDelayMs: 200, reconnectDelayMaxMs: 1000 });
  clients.push(c);
  if (connect) {
    c.connect();
    await connected(c);
  }
  return c;
}

describe('tokenize (links and mentions)', () => {
  it('links only http, https and mailto, without trailing punctuation', () => {
    const tokens = tokenize('a https://x.org/a_(b) b (see http://y.org/c). javascript:alert(1) mailto:me@x.org! data:text/html,hi 看https://z.cn/路径', []);
    expect(tokens.filter((t) => t.kind === 'link').map((t) => (t as { href: string }).href)).to.deep.equal([
      'https://x.org/a_(b)',
      'http://y.org/c',
      'mailto:me@x.org',
      'https://z.cn/',
    ]);
    expect(tokens.map((t) => t.text).join('')).to.equal('a https://x.org/a_(b) b (see http://y.org/c). javascript:alert(1) mailto:me@x.org! data:text/html,hi 看https://z.cn/路径');
  });

  it('marks only the mentions the message carries; e-mail addresses are no mentions', () => {
    const tokens = tokenize('@bob hi @carol and @all, mail bob@x.org', ['bob', '@all']);
    expect(tokens.filter((t) => t.kind === 'mention').map((t) => (t as { userId: string }).userId)).to.deep.equal(['bob', '@all']);
  });
});

describe('<im-message>', () => {
  // These two run first: they see menu.ts and media.ts before anything has loaded them.
  it('the menu opens on the first try while menu.ts loads, and the keys pressed meanwhile apply to it', async () => {
    const el = await mount(msg({ senderId: 'me' }));
    el.tabIndex = 0;
    el.focus(); // starts loading menu.ts
    const key = (init: KeyboardEventInit) => el.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init }));
    expect(key({ key: 'F10', shiftKey: true }), 'Shift+F10 is taken at once').to.equal(false);
    expect(menu(el), 'menu.ts has not arrived yet').to.equal(null);
    const leaked: string[] = [];
    el.parentElement!.addEventListener('keydown', (e) => leaked.push(e.key));
    key({ key: 'ArrowDown' });
    key({ key: 'ArrowDown' });
    expect(leaked, 'keys for the opening menu do not reach the chat').to.deep.equal([]);
    await waitUntil(() => menuOpen(el), 'the menu to open once menu.ts has loaded');
    expect(focusedInside(el)?.dataset.action, 'Reply, then two steps down').to.equal('edit');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(menuOpen(el)).to.equal(false);
    expect(document.activeElement).to.equal(el);
  });

  it('voice, video and location: a placeholder of their size with their label until media.ts loads', async () => {
    const poster = file({ id: 'p', kind: 'image', url: canvas(16, 9).toDataURL('image/png'), mime: 'image/png', width: 1280, height: 720 });
    const messages = [
      msg({ type: 'audio', content: { file: file({ kind: 'audio', url: '/v1/files/a', mime: 'audio/mpeg' }), duration: 7.25 } as never }),
      msg({ type: 'video', content: { file: file({ kind: 'video', url: '/v1/files/v', mime: 'video/mp4' }), duration: 95, poster } as never }),
      msg({ type: 'location', content: { lat: 48.8584, lng: 2.2945, description: 'Eiffel Tower' } }),
    ];
    const page = await fixture<HTMLElement>(html`<div style="inline-size: 480px"></div>`);
    const elements = messages.map((m) => create(m));
    page.append(...elements);
    await Promise.all(elements.map((e) => e.updateComplete));
    const placeholders = elements.map((e) => $(e, '.placeholder')!);
    expect(placeholders.map((p) => textOf(p))).to.deep.equal(['Voice message, 0:07', 'Video, 1:35', '[Location] Eiffel Tower']);
    const size = (node: Element) => {
      const box = node.getBoundingClientRect();
      return [Math.round(box.width), Math.round(box.height)];
    };
    const before = placeholders.map(size);
    await expect(page).to.be.accessible();
    await Promise.all(elements.map((e) => playersLoaded(e)));
    const after = elements.map((e) => size($(e, '[part="content"]')!.firstElementChild!));
    expect(before.slice(0, 2), 'voice and video keep their size').to.deep.equal(after.slice(0, 2));
    expect(before[2]![1], 'a location card with a one-line description keeps its height').to.equal(after[2]![1]);
  });

  it('text: line breaks kept, safe links, mentions (yours stronger), edited, time', async () => {
    const el = await mount(
      msg({
        content: { text: 'see https://example.com/a?b=1. or javascript:alert(1) or mailto:x@y.org\nline two @me @bob @carol @all' },
        mentions: ['me', 'bob', '@all'],
        editedAt: now - 1000,
      }),
    );
    const text = $(el, '[part="text"]')!;
    expect(getComputedStyle(text).whiteSpace).to.equal('pre-wrap');
    expect(text.textContent).to.contain('mailto:x@y.org\nline two');
    const links = [...text.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.rel, a.target, a.textContent]);
    expect(links).to.deep.equal([
      ['https://example.com/a?b=1', 'noopener noreferrer', '_blank', 'https://example.com/a?b=1'],
      ['mailto:x@y.org', 'noopener noreferrer', '_blank', 'mailto:x@y.org'],
    ]);
    expect(text.textContent).to.contain('javascript:alert(1)');
    expect(root(el).querySelector('[href^="javascript"]')).to.equal(null);
    const mentions = [...text.querySelectorAll('.mention')].map((m) => [m.textContent, m.classList.contains('self')]);
    expect(mentions).to.deep.equal([
      ['@Me Myself', true],
      ['@Bob Marley', false],
      ['@Everyone', true],
    ]);
    expect(text.textContent).to.contain('@carol', 'not a mention of this message: plain text');
    expect(textOf($(el, '.edited'))).to.equal('edited');
    const time = $(el, '[part="time"]')!;
    expect(time.getAttribute('datetime')).to.equal(new Date(now - 30_000).toISOString());
    expect(time.title).to.match(/\d{4}/, 'full date-time in the title');
    await expect(el).to.be.accessible();
  });

  it('user text is never HTML', async () => {
    const el = await mount(msg({ content: { text: '<img src=x onerror="window.hacked=1"><b>bold</b>' } }));
    expect(root(el).querySelector('img, b')).to.equal(null);
    expect(textOf($(el, '[part="text"]'))).to.contain('<b>bold</b>');
  });

  it('shows the sender, the avatar on the first of a run, and bubble corners by grouping', async () => {
    const first = await mount(msg(), { showSender: true, showAvatar: true, grouped: 'first' });
    expect(textOf($(first, '[part="sender"]'))).to.equal('Bob Marley');
    expect(textOf($(first, '[part="avatar"]'))).to.equal('BM');
    expect($(first, '.row')!.dataset.grouped).to.equal('first');
    const bubble = getComputedStyle($(first, '[part="bubble"]')!);
    expect(parseFloat(bubble.borderEndStartRadius)).to.be.lessThan(parseFloat(bubble.borderStartStartRadius));

    const middle = await mount(msg(), { showAvatar: true, grouped: 'middle' });
    expect($(middle, '[part="avatar"]')).to.equal(null);
    expect($(middle, '.avatar.spacer'), 'keeps the avatar space so bubbles align').to.not.equal(null);
    expect($(middle, '[part="sender"]')).to.equal(null);
    expect(textOf($(middle, '.bubble .visually-hidden')), 'screen readers still hear who wrote it').to.equal('Bob Marley:');

    // A picture from the page covers the initials; one that fails to load leaves them.
    const picture = canvas(64, 64).toDataURL('image/png');
    const pictured = await mount(msg(), { showAvatar: true, avatars: (id) => (id === 'bob' ? picture : undefined) });
    const img = $<HTMLImageElement>(pictured, '[part="avatar"] img')!;
    expect(img.getAttribute('src')).to.equal(picture);
    expect(img.alt, 'decorative: the name is in the text').to.equal('');
    await waitUntil(() => img.complete && img.naturalWidth === 64, 'the picture to load');
    const broken = await mount(msg(), { showAvatar: true, avatars: () => '/no/such/picture.png' });
    const brokenImg = $<HTMLImageElement>(broken, '[part="avatar"] img')!;
    await waitUntil(() => brokenImg.hidden, 'a broken picture to be hidden');
    expect(textOf($(broken, '[part="avatar"]'))).to.equal('BM');

    const own = await mount(msg({ senderId: 'me' }), { showAvatar: true, showSender: true });
    expect($(own, '[part="avatar"]')).to.equal(null);
    expect($(own, '[part="sender"]')).to.equal(null);
    expect($(own, '.row')!.classList.contains('own')).to.equal(true);
  });

  it('image: a box sized before loading, alt text; opens the lightbox and restores focus', async () => {
    const small = canvas(264, 198).toDataURL('image/png');
    const large = canvas(960, 720).toDataURL('image/png');
    const el = await mount(
      msg({
        type: 'image',
        content: {
          file: file({ kind: 'image', mime: 'image/png', name: 'a.png', width: 3200, height: 2400, thumbnails: { small: { url: small, width: 264, height: 198 }, large: { url: large, width: 960, height: 720 } } }),
        } as never,
      }),
    );
    const button = $<HTMLButtonElement>(el, 'button[part="image"]')!;
    const img = button.querySelector('img')!;
    expect([img.getAttribute('width'), img.getAttribute('height')]).to.deep.equal(['240', '180']);
    const box = button.getBoundingClientRect();
    expect([Math.round(box.width), Math.round(box.height)]).to.deep.equal([240, 180]);
    expect(img.alt).to.equal('Image from Bob Marley');
    expect(img.getAttribute('src')).to.equal(small);
    await expect(el).to.be.accessible();

    button.focus();
    button.click();
    await waitUntil(() => root(el).querySelector('im-lightbox')?.open, 'the lightbox to open');
    const lightbox = root(el).querySelector('im-lightbox')!;
    await lightbox.updateComplete;
    const dialog = lightbox.shadowRoot!.querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(lightbox.shadowRoot!.querySelector('img')!.getAttribute('src')).to.equal(large);
    expect(lightbox.shadowRoot!.querySelector('img')!.alt).to.equal('Image from Bob Marley');
    expect(lightbox.shadowRoot!.querySelector('a[part="original"]')!.getAttribute('href')).to.equal('/v1/files/f1');
    expect(lightbox.shadowRoot!.querySelector('a[part="original"]')!.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(lightbox.shadowRoot!.activeElement).to.equal(lightbox.shadowRoot!.querySelector('.close'), 'focus moves into the dialog');
    await expect(lightbox).to.be.accessible();

    const closed = oneEvent(el, 'im-lightbox-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(root(el).querySelector('im-lightbox')).to.equal(null);
    expect(focusedInside(el)).to.equal(button, 'focus returns to the image');

    // The close button closes it too.
    button.click();
    await waitUntil(() => root(el).querySelector('im-lightbox')?.open, 'the lightbox to open again');
    const again = root(el).querySelector('im-lightbox')!;
    const closedAgain = oneEvent(el, 'im-lightbox-close');
    again.shadowRoot!.querySelector<HTMLButtonElement>('.close')!.click();
    await closedAgain;
    expect(focusedInside(el)).to.equal(button);
  });

  it('image from the real server: the thumbnail resolves against the client and loads', async () => {
    const alice = await userClient(uniqueId('alice'));
    const bob = await userClient(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    const stored = await alice.messages.sendFile(direct.id, new File([await pngBlob(800, 600)], 'view.png', { type: 'image/png' }));
    const el = await mount(stored, { client: alice, own: true, selfId: alice.userId });
    const img = $<HTMLImageElement>(el, '[part="image"] img')!;
    const thumbnail = (stored.content as unknown as { file: FileInfo }).file.thumbnails!.small;
    expect(img.getAttribute('src')).to.equal(alice.files.url(thumbnail.url));
    expect([img.getAttribute('width'), img.getAttribute('height')]).to.deep.equal(['240', '180']);
    await waitUntil(() => img.complete && img.naturalWidth > 0, 'the thumbnail to load');
    expect(img.naturalWidth).to.equal(thumbnail.width);
  });

  it('upload in progress: local preview, progress bar following upload:progress, cancel', async () => {
    const alice = await userClient(uniqueId('alice'));
    const bob = await userClient(uniqueId('bob'));
    const direct = await alice.conversations.openDirect(bob.userId);
    alice.disconnect();
    const queued = nextEvent(alice, 'message:update', (m) => !!m.upload);
    const sending = alice.messages.sendFile(direct.id, new File([await pngBlob(300, 200)], 'offline.png', { type: 'image/png' }));
    const outcome = sending.catch((error: unknown) => error);
    const [pending] = await queued;
    const el = await mount(pending, { client: alice, own: true, selfId: alice.userId });

    await pendingLoaded(el, 'progress');
    const preview = $<HTMLImageElement>(el, '.image.pending img')!;
    expect(preview.getAttribute('src')).to.match(/^blob:/, 'a local preview of the bytes being sent');
    const bar = $(el, '[part="progress"]')!;
    expect(bar.getAttribute('role')).to.equal('progressbar');
    expect(bar.hasAttribute('aria-valuenow'), 'nothing uploaded yet (offline)').to.equal(false);
    expect(textOf($(el, '[part="status"]'))).to.equal('Sending…');
    await expect(el).to.be.accessible();

    $<HTMLButtonElement>(el, '.cancel')!.click();
    expect(((await outcome) as IMError).code).to.equal('CANCELLED');

    // Online: the bar follows the client's upload:progress events for this message only.
    alice.connect();
    await connected(alice);
    let live: ImMessage | undefined;
    const seen: number[] = [];
    const off = alice.on('message:update', (m) => {
      // Synchronously, so the element listens before the first progress event.
      if (!m.upload || live) return;
      live = create(m, { client: alice, own: true, selfId: alice.userId });
      document.body.append(live);
    });
    alice.on('upload:progress', ({ percent }) => seen.push(percent));
    await alice.messages.sendFile(direct.id, new File([new Uint8Array(3 * 1024 * 1024)], 'big.bin'));
    off();
    await live!.updateComplete;
    const liveBar = $(live!, '[part="progress"]')!;
    expect(seen.at(-1)).to.equal(100);
    expect(liveBar.getAttribute('aria-valuenow')).to.equal('100');
    expect(liveBar.getAttribute('aria-label')).to.equal('Uploading… 100%');
    expect(textOf($(live!, '[part="file"]'))).to.contain('big.bin');
    live!.remove();
  });

  it('file: a card with name, size and a download link to the server', async () => {
    const client = await userClient(uniqueId('viewer'), false);
    const el = await mount(msg({ type: 'file', content: { file: file() } as never }), { client });
    const card = $<HTMLAnchorElement>(el, 'a[part="file"]')!;
    expect(card.getAttribute('href')).to.equal(`${testServer.server}/v1/files/f1`);
    expect(card.getAttribute('download')).to.equal('report.pdf');
    expect(textOf(card.querySelector('.file-name'))).to.equal('report.pdf');
    expect(textOf(card.querySelector('.file-size'))).to.equal('1.5 MB');
    expect(card.title).to.equal('Download report.pdf');
    await expect(el).to.be.accessible();
  });

  it('audio: a voice player that loads nothing until played, plays, seeks and shows its length; video: a native player', async () => {
    const client = await userClient(uniqueId('viewer'), false);
    // A real, playable voice message: one second of a 440 Hz tone as 8 kHz WAV, served from a blob URL.
    const url = URL.createObjectURL(new Blob([wavTone(1)], { type: 'audio/wav' }));
    const audio = await mount(msg({ type: 'audio', content: { file: file({ kind: 'audio', url, mime: 'audio/wav' }), duration: 7.25 } as never }), { client });
    await playersLoaded(audio);
    const player = $(audio, '[part="audio"]') as HTMLElement & { updateComplete: Promise<unknown> };
    expect(player.localName).to.equal('im-voice-player');
    await player.updateComplete;
    const inner = player.shadowRoot!;
    const play = inner.querySelector<HTMLButtonElement>('button[part="play"]')!;
    const seek = inner.querySelector<HTMLInputElement>('input[part="seek"]')!;
    expect(play.getAttribute('aria-label')).to.equal('Play');
    expect(seek.getAttribute('aria-label')).to.equal('Voice message, 0:07');
    expect(seek.getAttribute('aria-valuetext')).to.equal('0:00 / 0:07');
    expect(textOf(inner.querySelector('.time'))).to.equal('0:07', 'the length as sent, before anything loads');
    expect(performance.getEntriesByName(url).length, 'nothing fetched before play').to.equal(0);
    await expect(audio).to.be.accessible();

    play.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => play.getAttribute('aria-label') === 'Pause', 'the voice message to play');
    await waitUntil(() => seek.getAttribute('aria-valuetext') === '0:00 / 0:01', 'the real length from the file');
    await waitUntil(() => play.getAttribute('aria-label') === 'Play', 'the end of the voice message', { timeout: 5000 });
    expect(textOf(inner.querySelector('.time')), 'back to its length at the end').to.equal('0:01');

    // Keyboard seeking moves the position.
    seek.focus();
    await sendKeys({ press: 'ArrowRight' });
    await waitUntil(() => Number(seek.value) > 0, 'the slider to move');
    URL.revokeObjectURL(url);

    // A file that cannot be played says so on its button, and can be tried again.
    const broken = await mount(msg({ type: 'audio', content: { file: file({ kind: 'audio', url: '/v1/files/missing', mime: 'audio/mpeg' }), duration: 3 } as never }), { client });
    await playersLoaded(broken);
    const brokenPlayer = $(broken, '[part="audio"]')!;
    await (brokenPlayer as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    const brokenPlay = brokenPlayer.shadowRoot!.querySelector<HTMLButtonElement>('button')!;
    brokenPlay.click();
    await waitUntil(() => brokenPlay.getAttribute('aria-label') === 'The voice message cannot be played. Try again', 'the failure to show');

    const poster = file({ id: 'p', kind: 'image', url: '/v1/files/p', mime: 'image/jpeg', width: 1280, height: 720 });
    const video = await mount(msg({ type: 'video', content: { file: file({ kind: 'video', url: '/v1/files/v', mime: 'video/mp4' }), duration: 95, poster } as never }), { client });
    await playersLoaded(video);
    const clip = $<HTMLVideoElement>(video, 'video[part="video"]')!;
    expect([clip.controls, clip.preload, clip.getAttribute('poster')]).to.deep.equal([true, 'none', `${testServer.server}/v1/files/p`]);
    expect([clip.getAttribute('width'), clip.getAttribute('height')]).to.deep.equal(['280', '158']);
    expect(textOf($(video, '.duration'))).to.equal('1:35');
    await expect(video).to.be.accessible();
  });

  it('location: description, coordinates and an OpenStreetMap link', async () => {
    const el = await mount(msg({ type: 'location', content: { lat: 48.8584, lng: 2.2945, description: 'Eiffel Tower' } }));
    await playersLoaded(el);
    const card = $(el, '[part="location"]')!;
    expect(textOf(card.querySelector('.location-name'))).to.equal('Eiffel Tower');
    expect(textOf(card.querySelector('.coords'))).to.equal('48.8584, 2.2945');
    const link = card.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=16/48.8584/2.2945');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(textOf(link)).to.equal('Open in map');
    expect(card.querySelector('img')).to.equal(null, 'no external images');
    await expect(el).to.be.accessible();

    const outOfRange = await mount(msg({ type: 'location', content: { lat: 200, lng: 2, description: 'Nowhere' } }));
    await playersLoaded(outOfRange);
    expect($(outOfRange, '[part="location"] a')).to.equal(null);
  });

  it('custom: the host renderer, else a fallback card with the description or "Unsupported message"', async () => {
    const poll = msg({ type: 'custom', content: { data: { poll: 'lunch?' }, description: 'Poll: lunch?' } });
    const rendered = await mount(poll, {
      renderCustom: (m) => ((m.content as { data: { poll?: string } }).data.poll ? html`<strong class="poll">${(m.content as { data: { poll: string } }).data.poll}</strong>` : undefined),
    });
    expect(textOf($(rendered, '[part="content"] .poll'))).to.equal('lunch?');
    expect($(rendered, '.card.custom')).to.equal(null);

    const declined = await mount(msg({ type: 'custom', content: { data: { other: 1 }, description: 'Something custom' } }), { renderCustom: () => undefined });
    expect(textOf($(declined, '.card.custom'))).to.equal('Something custom');

    const bare = await mount(msg({ type: 'custom', content: { data: { x: 1 }, description: '' } }));
    expect(textOf($(bare, '.card.custom'))).to.equal('Unsupported message');
    await expect(bare).to.be.accessible();
  });

  it('tips: a centred line from the tip content and display names', async () => {
    const created = await mount(msg({ type: 'tip', senderId: 'alice', content: { tip: 'group-created', name: 'Team', members: ['bob'] } }));
    expect(textOf($(created, '[part="tip"]'))).to.equal('Alice Liddell created the group');
    expect($(created, '[part="bubble"]')).to.equal(null);
    const joined = await mount(msg({ type: 'tip', senderId: 'me', content: { tip: 'members-joined', by: 'me', members: ['bob', 'carol'] } }));
    expect(textOf($(joined, '[part="tip"]'))).to.equal('You added Bob Marley and Carol King');
    const added = await mount(msg({ type: 'tip', senderId: 'alice', content: { tip: 'members-joined', by: 'alice', members: ['me', 'bob'] } }));
    expect(textOf($(added, '[part="tip"]')), 'you, mid-sentence').to.equal('Alice Liddell added you and Bob Marley');
    const left = await mount(msg({ type: 'tip', senderId: 'carol', content: { tip: 'member-left', members: ['carol'] } }));
    expect(textOf($(left, '[part="tip"]'))).to.equal('Carol King left');
    await expect(left).to.be.accessible();
    left.tabIndex = 0;
    left.focus();
    await sendKeys({ press: 'Shift+F10' });
    await left.updateComplete;
    expect(menu(left), 'tips have no actions').to.equal(null);
  });

  it('recalled: a tombstone, and only "delete for me"', async () => {
    const theirs = await mount(msg({ recalled: { by: 'bob', at: now }, content: null, version: 2 }));
    expect(textOf($(theirs, '[part="tombstone"]'))).to.match(/^Bob Marley recalled a message/);
    expect(getComputedStyle($(theirs, '[part="tombstone"]')!).fontStyle).to.equal('italic');
    expect($(theirs, '[part="bubble"]')).to.equal(null);
    await openMenuByKeyboard(theirs);
    expect(menuActions(theirs)).to.deep.equal(['delete']);
    expect(theirs.shadowRoot!.querySelector('.quick')).to.equal(null);
    await expect(theirs).to.be.accessible();
    await sendKeys({ press: 'Escape' });

    const mine = await mount(msg({ senderId: 'me', recalled: { by: 'me', at: now }, content: null, version: 2 }));
    expect(textOf($(mine, '[part="tombstone"]'))).to.match(/^You recalled a message/);
  });

  it('reply: a quote from the snapshot or the live message; activating it fires im-message-jump', async () => {
    const snapshot = await mount(msg({ content: { text: 'yes' }, replyTo: { seq: 7, senderId: 'carol' as never, type: 'text', preview: 'lunch at noon?' } }));
    const quote = $<HTMLButtonElement>(snapshot, 'button[part="quote"]')!;
    expect(textOf(quote.querySelector('.quote-name'))).to.equal('Carol King');
    expect(textOf(quote.querySelector('.quote-text'))).to.equal('lunch at noon?');
    const jump = oneEvent(snapshot, 'im-message-jump');
    quote.click();
    expect((await jump).detail).to.deep.equal({ seq: 7 });
    await expect(snapshot).to.be.accessible();

    // Mentions in a quote read as display names, as in the message itself.
    const mention = await mount(msg({ content: { text: 'ok' }, replyTo: { seq: 8, senderId: 'carol' as never, type: 'text', preview: 'ask @bob, cc press@example.com' } }));
    expect(textOf($(mention, '.quote-text'))).to.equal('ask @Bob Marley, cc press@example.com');
    const liveText = msg({ seq: 12, senderId: 'alice', content: { text: '@bob and @all: go' }, mentions: ['bob', '@all'] });
    const fromLiveText = await mount(msg({ replyTo: { seq: 12, senderId: 'alice' as never, type: 'text', preview: '@bob and @all: go' } }), { quoted: liveText });
    expect(textOf($(fromLiveText, '.quote-text'))).to.equal('@Bob Marley and @Everyone: go');

    const image = await mount(msg({ content: { text: 'nice' }, replyTo: { seq: 3, senderId: 'me' as never, type: 'image', preview: '[Image]' } }));
    expect(textOf($(image, '.quote-name'))).to.equal('You');
    expect(textOf($(image, '.quote-text'))).to.equal('[Image]');

    const original = msg({ seq: 9, senderId: 'alice', recalled: { by: 'alice', at: now }, content: null, version: 1 });
    const recalled = await mount(msg({ replyTo: { seq: 9, senderId: 'alice' as never, type: 'text', preview: 'secret' } }), { quoted: original });
    expect(textOf($(recalled, '[part="quote"]'))).to.equal('Original message was recalled');
    expect(textOf($(recalled, '[part="quote"]'))).to.not.contain('secret');

    const live = msg({ seq: 11, senderId: 'alice', type: 'file', content: { file: file({ name: 'plan.pdf' }) } as never });
    const fromLive = await mount(msg({ replyTo: { seq: 11, senderId: 'alice' as never, type: 'file', preview: '[File] plan.pdf' } }), { quoted: live });
    expect(textOf($(fromLive, '.quote-text'))).to.equal('[File] plan.pdf');
  });

  it('reactions: chips with counts and who reacted; yours pressed; clicking toggles', async () => {
    const el = await mount(msg({ reactions: { '👍': ['me', 'bob'], '🎉': ['carol'] }, version: 3 }));
    const chips = $$<HTMLButtonElement>(el, '[part="reaction"]');
    const described = (chip: HTMLElement) => textOf(root(el).getElementById(chip.getAttribute('aria-describedby')!));
    expect(chips.map((c) => [textOf(c.querySelector('.emoji')), textOf(c.querySelector('.count')), c.getAttribute('aria-pressed'), described(c)])).to.deep.equal([
      ['👍', '2', 'true', '👍 reacted by you and Bob Marley'],
      ['🎉', '1', 'false', '🎉 reacted by Carol King'],
    ]);
    let react = oneEvent(el, 'im-message-react');
    chips[0]!.click();
    let detail = (await react).detail;
    expect([detail.emoji, detail.on, detail.message.seq]).to.deep.equal(['👍', false, el.message!.seq]);
    react = oneEvent(el, 'im-message-react');
    chips[1]!.click();
    detail = (await react).detail;
    expect([detail.emoji, detail.on]).to.deep.equal(['🎉', true]);
    await expect(el).to.be.accessible();

    const large = await mount(msg({ reactions: { '👍': ['me', 'bob', 'carol'] }, version: 1 }), { largeRoom: true });
    expect($(large, '[part="reaction"]')!.title).to.equal('👍: 3 reactions');
  });

  it('status of own messages: sending, sent, delivered, read, read by N, failed with retry', async () => {
    const status = async (message: CachedMessage, receipt?: MessageReceipt, props: Props = {}) => {
      const el = await mount(message, { receipt, ...props });
      const part = $(el, '[part="status"]')!;
      return { el, status: part.dataset.status, label: textOf(part), visible: !!part.querySelector('.status-text') };
    };
    expect(await status(msg({ senderId: 'me', status: 'sending', seq: undefined }))).to.include({ status: 'sending', label: 'Sending…', visible: false });
    expect(await status(msg({ senderId: 'me' }), { status: 'sent', direct: true })).to.include({ status: 'sent', label: 'Sent', visible: false });
    expect(await status(msg({ senderId: 'me' }), { status: 'delivered', direct: true })).to.include({ status: 'delivered', label: 'Delivered' });
    expect(await status(msg({ senderId: 'me' }), { status: 'read', direct: true })).to.include({ status: 'read', label: 'Read', visible: true });
    const group = await status(msg({ senderId: 'me' }), { status: 'read', direct: false, readCount: 3, memberCount: 5 });
    expect(group).to.include({ status: 'read', label: 'Read by 3', visible: true });
    await expect(group.el).to.be.accessible();
    expect(await status(msg({ senderId: 'me' }), { status: 'read', direct: false, readCount: 3 }, { largeRoom: true }), 'no receipts in large rooms').to.include({
      status: 'sent',
    });

    const failed = await status(msg({ senderId: 'me', status: 'failed', seq: undefined, error: { code: 'RATE_LIMITED', message: 'slow down' } }));
    expect(failed.status).to.equal('failed');
    await pendingLoaded(failed.el, 'error');
    expect(textOf($(failed.el, '[part="error"]'))).to.contain('Not sent: slow down');
    const retry = oneEvent(failed.el, 'im-message-retry');
    $<HTMLButtonElement>(failed.el, '.retry')!.click();
    expect((await retry).detail.message.clientMsgId).to.equal(failed.el.message!.clientMsgId);
    await expect(failed.el).to.be.accessible();

    const theirs = await mount(msg());
    expect($(theirs, '[part="status"]'), 'no status on others’ messages').to.equal(null);
  });

  it('action menu by keyboard: Shift+F10 opens, arrows move, Enter fires one im-message-action, focus returns', async () => {
    const el = await mount(msg({ senderId: 'me', time: now - 30_000 }));
    const leaked: string[] = [];
    el.parentElement!.addEventListener('keydown', (e) => leaked.push(e.key));
    await openMenuByKeyboard(el);
    leaked.length = 0;
    expect(menu(el)!.getAttribute('role')).to.equal('menu');
    expect(menuActions(el)).to.deep.equal(['reply', 'copy', 'edit', 'recall', 'delete', 'details']);
    expect(focusedInside(el)?.dataset.action).to.equal('reply');
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'ArrowDown' });
    expect(focusedInside(el)?.dataset.action).to.equal('copy');
    await sendKeys({ press: 'ArrowDown' });
    expect(focusedInside(el)?.dataset.action).to.equal('edit');
    await sendKeys({ press: 'End' });
    expect(focusedInside(el)?.dataset.action).to.equal('details');
    await sendKeys({ press: 'ArrowDown' });
    expect(focusedInside(el)?.dataset.emoji, 'wraps to the first reaction').to.equal('👍');
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    expect(focusedInside(el)?.dataset.action).to.equal('recall');
    expect(leaked, 'keys in the menu do not reach the chat').to.deep.equal([]);

    const events: string[] = [];
    el.addEventListener('im-message-action', (e) => events.push(e.detail.action));
    const picked = oneEvent(el, 'im-message-action');
    await sendKeys({ press: 'Enter' });
    const { detail } = await picked;
    expect([detail.action, detail.message]).to.deep.equal(['recall', el.message]);
    await el.updateComplete;
    expect(events).to.deep.equal(['recall'], 'exactly one event');
    expect(menuOpen(el)).to.equal(false);
    expect(document.activeElement).to.equal(el, 'focus returns to the message');

    await sendKeys({ press: 'ContextMenu' });
    await waitUntil(() => menuOpen(el), 'the context-menu key to open the menu');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(menuOpen(el)).to.equal(false);
    expect(document.activeElement).to.equal(el, 'Escape returns focus');
  });

  it('the More button, right-click and the quick reactions', async () => {
    const el = await mount(msg());
    el.dispatchEvent(new PointerEvent('pointerenter'));
    await toolbarLoaded(el);
    const more = $<HTMLButtonElement>(el, '[part="actions"] .more')!;
    expect(more.getAttribute('aria-haspopup')).to.equal('menu');
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => menuOpen(el), 'the menu to open from More');
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    expect(menuActions(el), 'others’ messages: no edit or recall').to.deep.equal(['reply', 'copy', 'delete', 'details']);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(focusedInside(el)).to.equal(more, 'focus returns to More');

    const bubble = $(el, '[part="bubble"]')!;
    const rect = bubble.getBoundingClientRect();
    const context = new MouseEvent('contextmenu', { bubbles: true, composed: true, cancelable: true, clientX: rect.left + 10, clientY: rect.top + 10, button: 2 });
    bubble.dispatchEvent(context);
    expect(context.defaultPrevented).to.equal(true);
    await waitUntil(() => menuOpen(el), 'right-click to open the menu');
    const react = oneEvent(el, 'im-message-action');
    $<HTMLButtonElement>(el, '.quick [data-emoji="❤️"]')!.click();
    const { detail } = await react;
    expect([detail.action, detail.emoji]).to.deep.equal(['react', '❤️']);
    expect(menuOpen(el)).to.equal(false);
  });

  it('edit and recall only while allowed; group owners may recall any message', async () => {
    const old = await mount(msg({ senderId: 'me', time: now - 25 * 3600_000 }));
    await openMenuByKeyboard(old);
    expect(menuActions(old)).to.deep.equal(['reply', 'copy', 'delete', 'details']);
    await sendKeys({ press: 'Escape' });

    const owner = await mount(msg({ time: now - 25 * 3600_000 }), { canRecallAll: true });
    await openMenuByKeyboard(owner);
    expect(menuActions(owner)).to.include('recall');
    await sendKeys({ press: 'Escape' });

    const unsent = await mount(msg({ senderId: 'me', status: 'failed', seq: undefined }));
    await openMenuByKeyboard(unsent);
    expect(menuActions(unsent), 'an unsent message can be copied or dropped').to.deep.equal(['copy', 'delete']);
    await sendKeys({ press: 'Escape' });
  });

  it('copy writes the text to the clipboard and says "Copied"', async () => {
    const el = await mount(msg({ content: { text: 'copy me' } }));
    await openMenuByKeyboard(el);
    const picked = oneEvent(el, 'im-message-action');
    $<HTMLButtonElement>(el, '.menu [data-action="copy"]')!.click();
    expect((await picked).detail.action).to.equal('copy');
    // "Copied" shows once navigator.clipboard.writeText resolved (reading it back needs a permission
    // the test browser does not grant).
    await waitUntil(() => textOf($(el, '.copied')) === 'Copied', '"Copied"');
    expect($(el, '.copied')!.getAttribute('role')).to.equal('status');
  });

  it('"more reactions" loads the emoji picker on demand and reacts with the pick', async () => {
    const el = await mount(msg(), { theme: 'dark' });
    await openMenuByKeyboard(el);
    $<HTMLButtonElement>(el, '.more-emoji')!.click();
    await waitUntil(() => $(el, '.picker')?.matches(':popover-open'), 'the picker to open');
    const picker = root(el).querySelector('im-emoji-picker')!;
    expect(picker.theme, 'the picker follows the message’s scheme').to.equal('dark');
    expect(menuOpen(el)).to.equal(false);
    await picker.updateComplete;
    const option = picker.shadowRoot!.querySelector<HTMLButtonElement>('button[role="option"]')!;
    const picked = oneEvent(el, 'im-message-action');
    option.click();
    const { detail } = await picked;
    expect([detail.action, detail.emoji]).to.deep.equal(['react', option.dataset.emoji]);
    await el.updateComplete;
    expect($(el, '.picker')).to.equal(null);
  });

  it('a negative tabindex takes the inner controls out of the tab order', async () => {
    const el = await mount(msg({ content: { text: 'https://example.com' }, reactions: { '👍': ['bob'] }, version: 1, replyTo: { seq: 1, senderId: 'bob' as never, type: 'text', preview: 'x' } }));
    const controls = () => $$(el, 'a, button');
    expect(controls().length).to.be.greaterThan(2);
    el.tabIndex = -1;
    await el.updateComplete;
    expect(controls().map((c) => c.getAttribute('tabindex'))).to.deep.equal(controls().map(() => '-1'));
    el.tabIndex = 0;
    await el.updateComplete;
    expect(controls().every((c) => !c.hasAttribute('tabindex'))).to.equal(true);
  });

  it('re-renders only on a real change; highlighted flashes; RTL from the page language', async () => {
    const el = await mount(msg({ reactions: { '👍': ['bob'] }, version: 1 }));
    const same = { ...el.message!, reactions: { '👍': ['bob', 'carol'] } };
    el.message = same;
    expect(el.isUpdatePending, 'same seq and version: nothing to re-render').to.equal(false);
    el.message = { ...same, version: 2 };
    await el.updateComplete;
    expect(textOf($(el, '[part="reaction"] .count'))).to.equal('2');

    el.highlighted = true;
    await el.updateComplete;
    expect($(el, '.row')!.classList.contains('flash')).to.equal(true);

    const wrapper = await fixture<HTMLElement>(html`<div lang="ar"></div>`);
    const rtl = create(msg());
    wrapper.append(rtl);
    await waitUntil(() => rtl.shadowRoot?.querySelector('.row')?.getAttribute('dir') === 'rtl', 'right-to-left layout');
  });

  it('every type is axe-clean in light and dark', async () => {
    const small = canvas(264, 198).toDataURL('image/png');
    const messages: [CachedMessage, Props][] = [
      [msg({ type: 'tip', senderId: 'alice', content: { tip: 'group-created', name: 'Team' } }), {}],
      [msg({ content: { text: 'Hi @me see https://example.com' }, mentions: ['me'], editedAt: now }), { showSender: true, showAvatar: true, grouped: 'first' }],
      [msg({ content: { text: 'second' }, reactions: { '👍': ['me'] }, version: 1 }), { showAvatar: true, grouped: 'last' }],
      [msg({ senderId: 'me', content: { text: 'mine @bob' }, mentions: ['bob'], replyTo: { seq: 1, senderId: 'bob' as never, type: 'text', preview: 'Hi' } }), { receipt: { status: 'read', direct: false, readCount: 2 } }],
      [msg({ senderId: 'me', status: 'failed', seq: undefined, error: { code: 'NOT_CONNECTED', message: 'offline' } }), {}],
      [msg({ type: 'image', content: { file: file({ kind: 'image', thumbnails: { small: { url: small, width: 264, height: 198 }, large: { url: small, width: 264, height: 198 } } }) } as never }), {}],
      [msg({ senderId: 'me', type: 'file', content: { file: file() } as never }), { receipt: { status: 'delivered', direct: true } }],
      [msg({ type: 'file', content: { file: file() } as never }), {}],
      [msg({ type: 'audio', content: { file: file({ kind: 'audio' }), duration: 3 } as never }), {}],
      [msg({ type: 'video', content: { file: file({ kind: 'video' }), duration: 3, poster: null } as never }), {}],
      [msg({ senderId: 'me', type: 'location', content: { lat: 1, lng: 2, description: 'Here' } }), {}],
      [msg({ type: 'location', content: { lat: 1, lng: 2, description: 'There' } }), {}],
      [msg({ type: 'custom', content: { data: 1, description: '' } }), {}],
      [msg({ recalled: { by: 'bob', at: now }, content: null, version: 1 }), {}],
    ];
    const elements = messages.map(([m, props]) => create(m, props));
    const page = await fixture<HTMLElement>(html`<div style="inline-size: 420px; color-scheme: light; background: #fff">${elements}</div>`);
    await Promise.all(elements.map((e) => playersLoaded(e)));
    await expect(page).to.be.accessible();
    page.style.colorScheme = 'dark';
    page.style.background = '#16181c';
    await expect(page).to.be.accessible();
    // The menu open in the dark.
    await openMenuByKeyboard(elements[3]!);
    await expect(page).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    // The theme attribute pins a scheme whatever the container says.
    for (const e of elements) e.theme = 'light';
    page.style.background = '#fff';
    await Promise.all(elements.map((e) => e.updateComplete));
    expect(getComputedStyle(elements[1]!).colorScheme).to.equal('light');
    await expect(page).to.be.accessible();
  });
});
