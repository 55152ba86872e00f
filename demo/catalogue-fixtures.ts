// Standalone <im-message> elements with hand-built messages, for the states a live conversation
// cannot hold still long enough to look at: an upload at 64 %, a send that failed, receipts.
import '../src/components/message/message.js';
import type { ImMessage, MessageGrouping, MessageReceipt } from '../src/components/message/message.js';
import type { UserId } from '../src/protocol/models.js';
import type { CachedMessage } from '../src/sdk/cache/types.js';
import type { IMClient } from '../src/sdk/client.js';
import { planPdf, posterPng } from './media.js';
import { avatarOf, nameOf } from './shared.js';
import { VIEWER } from './catalogue-seed.js';

let counter = 0;
const now = Date.now();

/** A stored text message from Kenji in a group, changed by `over`. */
function message(over: Partial<CachedMessage> = {}): CachedMessage {
  counter += 1;
  return {
    conversationId: 'group:catalogue-fixtures',
    senderId: 'kenji',
    clientMsgId: `fixture-${counter}`,
    classKey: '',
    content: { text: 'Hello' },
    recipients: null,
    status: 'sent',
    createdAt: now - (60 - counter) * 60_000,
    id: `fixture-${counter}`,
    seq: counter,
    time: now - (60 - counter) * 60_000,
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

/** An own message that has not been stored (no seq yet). */
function unsent(over: Partial<CachedMessage>): CachedMessage {
  const { seq: _seq, id: _id, time: _time, ...rest } = message({ senderId: VIEWER, ...over });
  return { ...rest, status: 'sending' };
}

/**
 * Just enough of a client for a message whose upload is under way: the progress it reports.
 * (A real upload on this server's loopback finishes before anyone could look at it.)
 */
function uploadingClient(percent: number): IMClient {
  const stub = {
    messages: { uploadProgress: () => percent, cancel: async () => false },
    on: () => () => undefined,
    files: { url: (path: string) => path },
  };
  return stub as unknown as IMClient;
}

interface Options {
  own?: boolean;
  receipt?: MessageReceipt;
  quoted?: CachedMessage;
  grouped?: MessageGrouping;
  showSender?: boolean;
  showAvatar?: boolean;
  highlighted?: boolean;
  largeRoom?: boolean;
  client?: IMClient;
}

function element(m: CachedMessage, options: Options = {}): ImMessage {
  const el = document.createElement('im-message');
  el.message = m;
  el.names = nameOf;
  el.avatars = avatarOf;
  el.selfId = VIEWER;
  el.own = options.own ?? m.senderId === VIEWER;
  el.senderName = nameOf(m.senderId);
  el.showSender = options.showSender ?? false;
  el.showAvatar = options.showAvatar ?? false;
  el.grouped = options.grouped ?? 'single';
  el.highlighted = options.highlighted ?? false;
  el.largeRoom = options.largeRoom ?? false;
  if (options.receipt) el.receipt = options.receipt;
  if (options.quoted) el.quoted = options.quoted;
  if (options.client) el.client = options.client;
  return el;
}

export interface Fixture {
  title: string;
  caption: string;
  messages: ImMessage[];
}

/** The message states, each a few standalone messages under a heading. */
export async function messageFixtures(onRetry: (el: ImMessage) => void): Promise<Fixture[]> {
  const poster = await posterPng(480, 320);
  const pdf = planPdf();
  const imageFile = { id: '', url: '', name: poster.name, size: poster.size, mime: poster.type, kind: 'image', width: 480, height: 320 };
  const pdfFile = { id: '', url: '', name: pdf.name, size: pdf.size, mime: pdf.type, kind: 'file' };

  const failed = element(
    message({
      senderId: VIEWER,
      status: 'failed',
      seq: undefined,
      id: undefined,
      content: { text: 'Sending this while the server said no' },
      error: { code: 'TIMEOUT', message: 'no answer from the server in time' },
    }),
  );
  failed.addEventListener('im-message-retry', () => onRetry(failed));

  const original = message({ content: { text: 'Who books the venue?' } });
  const recalledOriginal = message({ content: null, recalled: { by: 'kenji', at: now - 60_000 } });

  return [
    {
      title: 'Failed, with Retry',
      caption: 'An own message the server refused; Retry sends it again with the same id (here it pretends to succeed).',
      messages: [failed],
    },
    {
      title: 'Uploading, with progress',
      caption: 'Files show at once with a local preview; the bar follows upload:progress and ✕ cancels.',
      messages: [
        element(unsent({ type: 'image', content: { file: imageFile }, upload: { blob: poster, name: poster.name } }), { client: uploadingClient(64) }),
        element(unsent({ type: 'file', content: { file: pdfFile }, upload: { blob: pdf, name: pdf.name } }), { client: uploadingClient(23) }),
      ],
    },
    {
      title: 'Sending, sent, delivered, read',
      caption: 'Own messages: waiting in the outbox, then the receipts of a direct chat and of a group.',
      messages: [
        element(unsent({ content: { text: 'Waiting in the outbox' } })),
        element(message({ senderId: VIEWER, content: { text: 'Stored on the server' } }), { receipt: { status: 'sent', direct: true } }),
        element(message({ senderId: VIEWER, content: { text: 'On their device' } }), { receipt: { status: 'delivered', direct: true } }),
        element(message({ senderId: VIEWER, content: { text: 'Read in a direct chat' } }), { receipt: { status: 'read', direct: true } }),
        element(message({ senderId: VIEWER, content: { text: 'Read in a group' } }), { receipt: { status: 'read', direct: false, readCount: 2, memberCount: 4 } }),
      ],
    },
    {
      title: 'A run of one sender',
      caption: 'Consecutive messages share one name and one avatar; the bubble corners join.',
      messages: [
        element(message({ senderId: 'amara', content: { text: 'Three things before Tuesday:' } }), { grouped: 'first', showSender: true, showAvatar: true }),
        element(message({ senderId: 'amara', content: { text: 'the banner, the screenshots' } }), { grouped: 'middle', showAvatar: true }),
        element(message({ senderId: 'amara', content: { text: 'and the press list ✅' } }), { grouped: 'last', showAvatar: true }),
      ],
    },
    {
      title: 'Replies',
      caption: 'A quote of a message the chat holds, and of one that was recalled since.',
      messages: [
        element(message({ senderId: 'lucas', content: { text: 'I do, tomorrow morning' }, replyTo: { seq: original.seq!, senderId: 'kenji' as UserId, type: 'text', preview: 'Who books the venue?' } }), {
          quoted: original,
          showSender: true,
        }),
        element(message({ senderId: 'lucas', content: { text: 'Never mind then' }, replyTo: { seq: recalledOriginal.seq!, senderId: 'kenji' as UserId, type: 'text', preview: 'Moving the launch?' } }), {
          quoted: recalledOriginal,
          showSender: true,
        }),
      ],
    },
    {
      title: 'Highlighted, and large-room reactions',
      caption: 'The flash of a message jumped to; in large rooms reactions show counts only.',
      messages: [
        element(message({ content: { text: 'This is the message the quote pointed at' } }), { highlighted: true }),
        element(
          message({
            senderId: 'ava',
            content: { text: 'Best launch stream ever' },
            reactions: { '🔥': ['ben', 'chen', 'dina', 'eli', 'fatima', 'gus', 'hana', VIEWER], '👏': ['ben', 'chen', 'dina'] },
          }),
          { largeRoom: true, showSender: true },
        ),
      ],
    },
  ];
}

/** What "Retry" on the failed fixture does: sending, then sent a moment later. */
export function pretendRetry(el: ImMessage): void {
  const m = el.message;
  if (!m) return;
  const { error: _error, ...rest } = m;
  el.message = { ...rest, status: 'sending' };
  setTimeout(() => {
    el.message = { ...rest, status: 'sent', seq: 999, id: 'fixture-retried', time: Date.now() };
    el.receipt = { status: 'sent', direct: true };
  }, 1200);
}
