import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/composer/composer.js';
import type { ImComposer } from '../../src/components/composer/composer.js';
import type { ImComposerEditCancelEvent, ImComposerReplyCancelEvent } from '../../src/components/composer/events.js';
import type { ImMessageSendEvent } from '../../src/components/events.js';
import { MENTION_ALL } from '../../src/protocol/models.js';
import type { CachedMessage } from '../../src/sdk/cache/types.js';
import { IMClient } from '../../src/sdk/client.js';
import { connected, nextEvent, testServer, ticketFor, uniqueId, until } from '../browser-helpers.js';

const clients: IMClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function signIn(prefix: string): Promise<IMClient> {
  const { ticket } = await ticketFor(uniqueId(prefix));
  const client = new IMClient({ server: testServer.server, ticket, cache: 'memory' });
  clients.push(client);
  client.connect();
  await connected(client);
  return client;
}

/** Alice and Bob with a direct chat. */
async function direct() {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  const conversation = await alice.conversations.openDirect(bob.userId);
  return { alice, bob, id: conversation.id };
}

/** Carol's group with Alice and Bob, in Alice's list. */
async function group() {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  const carol = await signIn('carol');
  const conversation = await carol.conversations.createGroup('Project', [alice.userId, bob.userId]);
  await until(async () => (await alice.conversations.get(conversation.id)) !== undefined, 'the group in alice’s cache');
  return { alice, bob, carol, id: conversation.id, members: [alice.userId, bob.userId, carol.userId] };
}

const textOf = (message: CachedMessage): string | undefined => (message.content as { text?: string }).text;

async function mount(client: IMClient, id: string, options: { members?: string[]; group?: boolean } = {}) {
  const el = await fixture<ImComposer>(html`<im-composer
    .client=${client}
    conversation-id=${id}
    .members=${options.members ?? []}
    ?group=${options.group ?? false}
  ></im-composer>`);
  return ui(el);
}

function ui(el: ImComposer) {
  const root = el.shadowRoot!;
  const textarea = () => root.querySelector('textarea')!;
  const part = (name: string) => root.querySelector<HTMLElement>(`[part~="${name}"]`);
  const type = async (text: string) => {
    textarea().focus();
    await sendKeys({ type: text });
    await el.updateComplete;
  };
  const press = async (key: string) => {
    await sendKeys({ press: key });
    await el.updateComplete;
  };
  const options = () => [...root.querySelectorAll<HTMLElement>('[role="option"]')].map((o) => o.querySelector('.mention-id')!.textContent!.trim());
  const listOpen = () => root.querySelector('#mentions')?.matches(':popover-open') ?? false;
  return { el, root, textarea, part, type, press, options, listOpen };
}

describe('<im-composer>', () => {
  it('sends with Enter (after a cancelable im-message-send) and clears the field', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    expect(c.textarea().getAttribute('aria-label')).to.equal('Message');
    expect(c.part('send-button')!.hasAttribute('disabled'), 'send is disabled while empty').to.equal(true);

    await c.type('hello Bob');
    expect(c.part('send-button')!.hasAttribute('disabled')).to.equal(false);
    const sendEvent = oneEvent(c.el, 'im-message-send') as Promise<ImMessageSendEvent>;
    const received = nextEvent(bob, 'message', (m) => m.conversationId === id);
    await c.press('Enter');
    expect((await sendEvent).detail).to.deep.equal({ conversationId: id, content: 'hello Bob' });
    expect(c.textarea().value, 'cleared at once').to.equal('');
    const [message] = await received;
    expect(textOf(message)).to.equal('hello Bob');
    expect(message.senderId).to.equal(alice.userId);
  });

  it('makes a new line with Shift+Enter, ignores Enter while composing, and sends both lines', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    await c.type('line one');
    await c.press('Shift+Enter');
    await sendKeys({ type: 'line two' });
    expect(c.textarea().value).to.equal('line one\nline two');
    // Enter that confirms an IME composition is not a send.
    const composing = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true, composed: true });
    c.textarea().dispatchEvent(composing);
    expect(composing.defaultPrevented).to.equal(false);
    expect(c.textarea().value).to.equal('line one\nline two');
    const received = nextEvent(bob, 'message', (m) => m.conversationId === id);
    await c.press('Enter');
    expect(textOf((await received)[0])).to.equal('line one\nline two');
  });

  it('does not send when im-message-send is cancelled', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    const veto = (event: Event) => event.preventDefault();
    c.el.addEventListener('im-message-send', veto);
    await c.type('blocked');
    const vetoed = oneEvent(c.el, 'im-message-send');
    await c.press('Enter');
    await vetoed;
    expect(c.textarea().value, 'the text stays').to.equal('blocked');

    c.el.removeEventListener('im-message-send', veto);
    c.textarea().select();
    const received = nextEvent(bob, 'message', (m) => m.conversationId === id);
    await c.type('allowed');
    await c.press('Enter');
    const [message] = await received;
    expect(textOf(message)).to.equal('allowed');
    expect(message.seq, 'the vetoed message never reached the server').to.equal(1);
  });

  it('refuses text over max-length inline, keeping it', async () => {
    const { alice, id } = await direct();
    const c = await mount(alice, id);
    c.el.maxLength = 10;
    await c.type('far too long a message');
    expect(c.root.querySelector('.counter')!.textContent).to.contain('12 characters over the limit');
    expect(c.textarea().getAttribute('aria-invalid')).to.equal('true');
    await c.press('Enter');
    expect(c.part('error')!.dataset.code).to.equal('TEXT_TOO_LONG');
    expect(c.part('error')!.textContent).to.contain('This message is too long.');
    expect(c.textarea().value).to.equal('far too long a message');
    await expect(c.el).to.be.accessible();
  });

  it('replies: banner with the quote, the send carries replyTo, the banner closes', async () => {
    const { alice, bob, id } = await direct();
    const arrived = nextEvent(alice, 'message', (m) => m.conversationId === id);
    await bob.messages.send(id, 'Lunch at noon?');
    const [question] = await arrived;
    const c = await mount(alice, id);
    c.el.replyTo = question;
    c.el.replyName = 'Bob';
    await c.el.updateComplete;
    const banner = c.part('reply-banner')!;
    expect(banner.textContent).to.contain('Replying to Bob');
    expect(banner.textContent).to.contain('Lunch at noon?');
    expect(c.root.activeElement, 'the field is focused for the answer').to.equal(c.textarea());
    await expect(c.el).to.be.accessible();

    const ended = oneEvent(c.el, 'im-composer-reply-cancel') as Promise<ImComposerReplyCancelEvent>;
    const received = nextEvent(bob, 'message', (m) => m.conversationId === id && m.senderId === alice.userId);
    await c.type('Sure!');
    await c.press('Enter');
    expect((await ended).detail).to.deep.equal({ conversationId: id, seq: question.seq, reason: 'sent' });
    const [answer] = await received;
    expect(answer.replyTo?.seq).to.equal(question.seq);
    expect(c.part('reply-banner'), 'the banner closed with the send').to.equal(null);

    c.el.replyTo = question;
    await c.el.updateComplete;
    const cancelled = oneEvent(c.el, 'im-composer-reply-cancel') as Promise<ImComposerReplyCancelEvent>;
    c.part('reply-banner')!.querySelector('button')!.click();
    expect((await cancelled).detail.reason).to.equal('cancel');
    await c.el.updateComplete;
    expect(c.part('reply-banner')).to.equal(null);
  });

  it('edits through messages.edit (the peer sees it) and gives back the text typed before', async () => {
    const { alice, bob, id } = await direct();
    const bobGets = nextEvent(bob, 'message', (m) => m.conversationId === id);
    const original = await alice.messages.send(id, 'teh typo');
    await bobGets;
    const c = await mount(alice, id);
    await c.type('half-written');

    c.el.editing = original;
    await c.el.updateComplete;
    expect(c.part('edit-banner')!.textContent).to.contain('Editing message');
    expect(c.textarea().value).to.equal('teh typo');
    expect(c.part('send-button')!.getAttribute('aria-label')).to.equal('Save');
    await expect(c.el).to.be.accessible();

    c.textarea().select();
    await c.type('the fix');
    const edited = nextEvent(bob, 'message:update', (m) => m.seq === original.seq && textOf(m) === 'the fix');
    const saved = oneEvent(c.el, 'im-composer-edit-cancel') as Promise<ImComposerEditCancelEvent>;
    await c.press('Enter');
    expect((await saved).detail).to.deep.equal({ conversationId: id, seq: original.seq, reason: 'saved' });
    const [update] = await edited;
    expect(update.editedAt).to.be.a('number');
    await c.el.updateComplete;
    expect(c.part('edit-banner')).to.equal(null);
    expect(c.textarea().value, 'the text typed before editing is back').to.equal('half-written');

    c.el.editing = original;
    await c.el.updateComplete;
    const left = oneEvent(c.el, 'im-composer-edit-cancel') as Promise<ImComposerEditCancelEvent>;
    await c.press('Escape');
    expect((await left).detail.reason).to.equal('cancel');
    await c.el.updateComplete;
    expect(c.textarea().value).to.equal('half-written');
  });

  it('autocompletes @-mentions by keyboard and sends them as mentions', async () => {
    const { alice, bob, id, members } = await group();
    const c = await mount(alice, id, { members, group: true });
    await c.type(`hi @${bob.userId.slice(0, 4)}`);
    await waitUntil(() => c.listOpen(), 'the mention list to open');
    expect(c.options()).to.deep.equal([`@${bob.userId}`]);
    const textarea = c.textarea();
    expect(textarea.getAttribute('aria-controls')).to.equal('mentions');
    expect(textarea.getAttribute('aria-activedescendant')).to.equal('mention-0');
    expect(c.root.querySelector('#mention-0')!.getAttribute('aria-selected')).to.equal('true');
    await expect(c.el).to.be.accessible();

    await c.press('Enter');
    expect(textarea.value).to.equal(`hi @${bob.userId} `);
    expect(c.listOpen()).to.equal(false);
    expect(textarea.hasAttribute('aria-activedescendant')).to.equal(false);

    const received = nextEvent(bob, 'message', (m) => m.conversationId === id && m.senderId === alice.userId);
    await c.type('look');
    await c.press('Enter');
    const [first] = await received;
    expect(textOf(first)).to.equal(`hi @${bob.userId} look`);
    expect(first.mentions).to.deep.equal([bob.userId]);

    // "@" alone lists everyone but yourself, and @all last; arrows move, Tab picks.
    await c.type('@');
    await waitUntil(() => c.listOpen(), 'the list for "@"');
    expect(c.options()).to.have.members([`@${bob.userId}`, `@${members[2]}`, MENTION_ALL]);
    expect(c.options().at(-1)).to.equal(MENTION_ALL);
    await c.press('ArrowUp');
    expect(textarea.getAttribute('aria-activedescendant')).to.equal(`mention-${c.options().length - 1}`);
    await c.press('Tab');
    expect(textarea.value).to.equal('@all ');

    const everyone = nextEvent(bob, 'message', (m) => m.conversationId === id && m.senderId === alice.userId);
    await c.type('meeting now');
    await c.press('Enter');
    expect((await everyone)[0].mentions).to.deep.equal([MENTION_ALL]);

    // Escape closes the list and it stays closed for that word.
    await c.type('@b');
    await waitUntil(() => c.listOpen(), 'the list for "@b"');
    await c.press('Escape');
    expect(c.listOpen()).to.equal(false);
    await c.type('o');
    expect(c.listOpen()).to.equal(false);
  });

  it('finds members by display name, shows the name over the id, and inserts the id', async () => {
    const { alice, bob, id, members } = await group();
    const c = await mount(alice, id, { members, group: true });
    c.el.names = (userId) => (userId === bob.userId ? 'Zoë Bright' : '');
    await c.type('@zoe');
    await waitUntil(() => c.listOpen(), 'the list for a name, accents ignored');
    expect(c.options()).to.deep.equal([`@${bob.userId}`]);
    expect(c.root.querySelector('#mention-0 .mention-name')!.textContent!.trim()).to.equal('Zoë Bright');
    await expect(c.el).to.be.accessible();
    await c.press('Enter');
    expect(c.textarea().value).to.equal(`@${bob.userId} `);
  });

  it('keeps a draft per conversation and restores it in a new composer', async () => {
    const { alice, id } = await direct();
    const first = await mount(alice, id);
    await first.type('unsent thought');
    // Removed before the debounce ran: the draft is written on disconnect.
    first.el.remove();
    await until(async () => (await alice.conversations.get(id))?.draft?.text === 'unsent thought', 'the draft in the cache');

    const second = ui(await fixture<ImComposer>(html`<im-composer .client=${alice} conversation-id=${id}></im-composer>`));
    await waitUntil(() => second.textarea().value === 'unsent thought', 'the draft to come back');
    await second.type(' and more');
    await until(async () => (await alice.conversations.get(id))?.draft?.text === 'unsent thought and more', 'the debounced save');
    await second.press('Enter');
    await until(async () => (await alice.conversations.get(id))?.draft === undefined, 'the draft cleared by the send');
  });

  it('tells the peer when you type and when you stop', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    const typing = nextEvent(bob, 'typing', (change) => change.conversationId === id && change.userIds.includes(alice.userId));
    await c.type('h');
    await typing;
    const stopped = nextEvent(bob, 'typing', (change) => change.conversationId === id && !change.userIds.includes(alice.userId));
    await c.press('Backspace');
    await stopped;
  });

  it('sends files given to addFiles and refuses files over the upload limit', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    expect(c.part('attach-button')!.getAttribute('aria-label')).to.equal('Attach file');

    const big = new File([new Uint8Array(alice.uploadMaxBytes + 1)], 'big.bin');
    await c.el.addFiles([big]);
    await c.el.updateComplete;
    const error = c.part('error')!;
    expect(error.dataset.code).to.equal('FILE_TOO_LARGE');
    expect(error.textContent).to.match(/big\.bin is larger than \d+(\.\d+)? MB/);
    await expect(c.el).to.be.accessible();

    const received = nextEvent(bob, 'message', (m) => m.conversationId === id);
    await c.el.addFiles([new File(['hello file'], 'notes.txt', { type: 'text/plain' })]);
    const [message] = await received;
    expect(message.type).to.equal('file');
    expect((message.content as { file: { name: string } }).file.name).to.equal('notes.txt');
    expect(message.seq, 'the oversized file never reached the server').to.equal(1);
    expect(c.part('error'), 'the error goes with the next good file').to.equal(null);
  });

  it('sends pasted images and dropped files, highlighting the drop zone while dragging', async () => {
    const { alice, bob, id } = await direct();
    const c = await mount(alice, id);
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (ch) => ch.charCodeAt(0));
    const pasted = new DataTransfer();
    pasted.items.add(new File([png], 'pasted.png', { type: 'image/png' }));
    const image = nextEvent(bob, 'message', (m) => m.conversationId === id);
    const paste = new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true, composed: true });
    c.textarea().dispatchEvent(paste);
    expect(paste.defaultPrevented, 'the file is not pasted as text').to.equal(true);
    expect((await image)[0].type).to.equal('image');

    const wrapper = c.root.querySelector<HTMLElement>('.composer')!;
    const dropped = new DataTransfer();
    dropped.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
    const over = new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true, composed: true });
    wrapper.dispatchEvent(over);
    expect(over.defaultPrevented, 'the composer accepts the drop').to.equal(true);
    await c.el.updateComplete;
    expect(c.root.querySelector('.drop-zone')!.textContent).to.contain('Drop files here to send');
    const file = nextEvent(bob, 'message', (m) => m.conversationId === id && m.type === 'file');
    wrapper.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true, composed: true }));
    await c.el.updateComplete;
    expect(c.root.querySelector('.drop-zone'), 'the highlight goes with the drop').to.equal(null);
    expect((await file)[0].content).to.have.nested.property('file.name', 'dropped.txt');
  });

  it('loads the emoji picker on demand and inserts the emoji at the caret', async () => {
    const { alice, id } = await direct();
    const c = await mount(alice, id);
    expect(customElements.get('im-emoji-picker'), 'the picker is not loaded up front').to.equal(undefined);
    await c.type('ab');
    c.textarea().setSelectionRange(1, 1);

    const button = c.part('emoji-button')!;
    button.click();
    const popover = c.root.querySelector('#emoji-popover')!;
    await waitUntil(() => popover.matches(':popover-open') && c.root.querySelector('im-emoji-picker')?.shadowRoot?.querySelector('[role="option"]'), 'the picker');
    const picker = c.root.querySelector('im-emoji-picker')!;
    await waitUntil(() => picker.shadowRoot!.activeElement?.matches('input'), 'focus in the picker’s search');
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(picker.shadowRoot!.querySelector('input')!.getAttribute('aria-label')).to.equal('Search emoji');
    await expect(c.el).to.be.accessible();

    picker.shadowRoot!.querySelector<HTMLButtonElement>('[data-emoji="😀"]')!.click();
    await c.el.updateComplete;
    expect(c.textarea().value).to.equal('a😀b');
    expect(c.textarea().selectionStart, 'the caret after the emoji').to.equal(3);
    expect(popover.matches(':popover-open')).to.equal(false);
    expect(c.root.activeElement).to.equal(c.textarea());

    button.click();
    await waitUntil(() => picker.shadowRoot!.activeElement?.matches('input'), 'focus in the picker again');
    await c.press('Escape');
    await waitUntil(() => c.root.activeElement === c.textarea(), 'focus back in the field');
    expect(popover.matches(':popover-open')).to.equal(false);
    expect(button.getAttribute('aria-expanded')).to.equal('false');
  });

  it('shows why it is disabled instead of the field', async () => {
    const { alice, id } = await direct();
    const el = await fixture<ImComposer>(html`<im-composer .client=${alice} conversation-id=${id} disabled-reason="muted"></im-composer>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('[part="disabled-reason"]')!.textContent).to.contain('You are muted in this conversation');
    expect(root.querySelector('textarea')).to.equal(null);
    expect(root.querySelector('button')).to.equal(null);
    await expect(el).to.be.accessible();

    el.disabledReason = 'read-only';
    await el.updateComplete;
    expect(root.querySelector('[part="disabled-reason"]')!.textContent).to.contain('This room is read-only');
    el.disabledReason = undefined;
    await el.updateComplete;
    expect(root.querySelector('textarea')).not.to.equal(null);
  });

  it('has no axe violations by default and focus() focuses the field', async () => {
    const { alice, id } = await direct();
    const c = await mount(alice, id);
    await expect(c.el).to.be.accessible();
    c.el.focus();
    expect(c.root.activeElement).to.equal(c.textarea());
  });
});
