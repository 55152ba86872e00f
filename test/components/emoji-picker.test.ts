import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/emoji-picker/emoji-picker.js';
import type { ImEmojiPicker, ImEmojiPickerCloseEvent, ImEmojiSelectEvent } from '../../src/components/emoji-picker/emoji-picker.js';

const RECENT_KEY = 'im-elements:recent-emoji';
const FR_SEARCH = 'Rechercher un émoji';
const FR_PEOPLE = 'Personnes et corps';

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

async function mount(template = html`<im-emoji-picker></im-emoji-picker>`) {
  const el = await fixture<ImEmojiPicker>(template);
  const root = el.shadowRoot!;
  const input = root.querySelector('input')!;
  const sections = () => [...root.querySelectorAll<HTMLElement>('.section')];
  const headings = () => sections().map((s) => s.querySelector('.heading')!.textContent!.trim());
  const buttons = (section?: HTMLElement) => [...(section ?? root).querySelectorAll<HTMLButtonElement>('button[role="option"]')];
  const emojiOf = (section?: HTMLElement) => buttons(section).map((b) => b.dataset.emoji);
  const focused = () => root.activeElement as HTMLElement | null;
  const search = async (text: string) => {
    input.focus();
    input.select();
    await sendKeys(text ? { type: text } : { press: 'Backspace' });
    await el.updateComplete;
  };
  const allGroups = () =>
    waitUntil(() => sections().length === 9 && !root.querySelector('[data-partial]'), 'all groups to render');
  return { el, root, input, sections, headings, buttons, emojiOf, focused, search, allGroups };
}

describe('<im-emoji-picker>', () => {
  it('renders the first group at once, the others group by group, with tabs and headings', async () => {
    const ui = await mount();
    expect(ui.sections().length, 'groups rendered by the first update').to.equal(1);
    expect(ui.headings()[0]).to.equal('Smileys & emotion');
    expect(ui.emojiOf()[0]).to.equal('😀');

    await ui.allGroups();
    expect(ui.headings()).to.deep.equal([
      'Smileys & emotion',
      'People & body',
      'Animals & nature',
      'Food & drink',
      'Travel & places',
      'Activities',
      'Objects',
      'Symbols',
      'Flags',
    ]);
    expect(ui.buttons().length).to.be.greaterThan(1800);
    const tabs = [...ui.root.querySelectorAll<HTMLButtonElement>('[role="toolbar"] button')];
    expect(tabs.map((t) => t.getAttribute('aria-label'))).to.deep.equal(ui.headings());
    expect(tabs[0]!.getAttribute('aria-current')).to.equal('true');
    expect(ui.emojiOf(), 'no skin tone variants').not.to.include('👍🏽');
    expect(ui.emojiOf()).to.include('👍');
    expect(ui.root.querySelector('[role="listbox"] button')!.getAttribute('aria-label')).to.equal('grinning face');
  });

  it('has no axe violations by default', async () => {
    const ui = await mount();
    await ui.allGroups();
    await expect(ui.el).to.be.accessible();
  });

  it('searches names and keywords, every word must match, case-insensitive', async () => {
    const ui = await mount();
    await ui.search('thumbs');
    expect(ui.headings()).to.deep.equal(['Search results']);
    expect(ui.emojiOf()).to.deep.equal(['👍', '👎']);

    await ui.search('HEART red');
    expect(ui.emojiOf()).to.include('❤️');
    expect(ui.emojiOf()).not.to.include('💙');

    await ui.search('woof'); // a keyword, not in the name ("dog face")
    expect(ui.emojiOf()).to.include('🐶');

    await ui.search('cote'); // accents do not matter: "flag Côte d’Ivoire"
    expect(ui.emojiOf()).to.deep.equal(['🇨🇮']);
  });

  it('has no axe violations with results and with no results, and says when nothing is found', async () => {
    const ui = await mount();
    await ui.search('cat');
    expect(ui.buttons().length).to.be.greaterThan(5);
    await expect(ui.el).to.be.accessible();

    const status = ui.root.querySelector('[role="status"]')!;
    expect(status.textContent!.trim()).to.equal('');
    await ui.search('heart zzqqxx');
    expect(ui.root.querySelector('[role="listbox"]')).to.equal(null);
    expect(status.textContent!.trim()).to.equal('No emoji found');
    await expect(ui.el).to.be.accessible();

    await ui.search('');
    expect(status.textContent!.trim()).to.equal('');
    expect(ui.headings()[0]).to.equal('Smileys & emotion');
  });

  it('fires im-emoji-select on click and keeps the emoji first in Recently used', async () => {
    const ui = await mount();
    await ui.search('thumbs up');
    const thumbs = ui.buttons().find((b) => b.dataset.emoji === '👍')!;
    setTimeout(() => thumbs.click());
    const event = (await oneEvent(ui.el, 'im-emoji-select')) as ImEmojiSelectEvent;
    expect(event.detail).to.deep.equal({ emoji: '👍', name: 'thumbs up' });
    expect(event.bubbles && event.composed).to.equal(true);
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).to.deep.equal(['👍']);

    const again = await mount();
    expect(again.headings()[0]).to.equal('Recently used');
    expect(again.emojiOf(again.sections()[0])).to.deep.equal(['👍']);
    const firstTab = again.root.querySelector('[role="toolbar"] button')!;
    expect(firstTab.getAttribute('aria-label')).to.equal('Recently used');

    const smile = again.buttons(again.sections()[1]).find((b) => b.dataset.emoji === '😀')!;
    setTimeout(() => smile.click());
    await oneEvent(again.el, 'im-emoji-select');
    const third = await mount();
    expect(third.emojiOf(third.sections()[0])).to.deep.equal(['😀', '👍']);
  });

  it('keeps at most 24 recently used emoji, most recent first, and ignores what it does not know', async () => {
    const many = ['not an emoji', '🐶', '🐱', '🐭', '🐹', '🐰', '🦊', '🐻', '🐼', '🐨', '🐯', '🦁', '🐮', '🐷', '🐸', '🐵'];
    const recent = [...many, '🍏', '🍎', '🍐', '🍊', '🍋', '🍌', '🍉', '🍇', '🍓', '🍈', '🍒'];
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
    const ui = await mount();
    const shown = ui.emojiOf(ui.sections()[0]);
    expect(shown.length).to.equal(24);
    expect(shown[0]).to.equal('🐶');

    setTimeout(() => ui.buttons(ui.sections()[1]).find((b) => b.dataset.emoji === '😀')!.click());
    await oneEvent(ui.el, 'im-emoji-select');
    const stored = JSON.parse(localStorage.getItem(RECENT_KEY)!) as string[];
    expect(stored.length).to.equal(24);
    expect(stored.slice(0, 2)).to.deep.equal(['😀', '🐶']);
  });

  it('moves a roving focus with the arrow keys, picks with Enter and closes with Escape', async () => {
    const ui = await mount();
    await ui.allGroups();
    const smileys = ui.buttons(ui.sections()[0]);
    const inTabOrder = ui.buttons().filter((b) => b.tabIndex === 0);
    expect(inTabOrder).to.deep.equal([smileys[0]]);

    // Tab from the search field passes the skin tone button and the tabs, then enters the list.
    ui.input.focus();
    await sendKeys({ press: 'Tab' });
    expect(ui.focused()!.getAttribute('part')).to.equal('skin-tone-button');
    await sendKeys({ press: 'Tab' });
    expect(ui.focused()!.getAttribute('aria-label')).to.equal('Smileys & emotion');
    await sendKeys({ press: 'Tab' });
    expect(ui.focused()).to.equal(smileys[0]);
    expect(document.activeElement).to.equal(ui.el);

    await sendKeys({ press: 'ArrowRight' });
    expect(ui.focused()).to.equal(smileys[1]);
    await sendKeys({ press: 'ArrowDown' });
    expect(ui.focused()).to.equal(smileys[9]); // 8 columns
    await sendKeys({ press: 'ArrowLeft' });
    expect(ui.focused()).to.equal(smileys[8]);
    await sendKeys({ press: 'ArrowUp' });
    expect(ui.focused()).to.equal(smileys[0]);
    expect(ui.buttons().filter((b) => b.tabIndex === 0)).to.deep.equal([smileys[0]]);

    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    expect(ui.focused()).to.equal(smileys[2]);
    expect(ui.buttons().filter((b) => b.tabIndex === 0)).to.deep.equal([smileys[2]]);
    const selected = oneEvent(ui.el, 'im-emoji-select') as Promise<ImEmojiSelectEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await selected).detail).to.deep.equal({ emoji: smileys[2]!.dataset.emoji, name: smileys[2]!.getAttribute('aria-label') });

    // Space picks once: the key is handled, not also turned into a click on key up.
    const picks: string[] = [];
    ui.el.addEventListener('im-emoji-select', (e) => picks.push(e.detail.emoji));
    await sendKeys({ press: 'Space' });
    expect(picks).to.deep.equal([smileys[2]!.dataset.emoji]);

    const closed = oneEvent(ui.el, 'im-emoji-picker-close') as Promise<ImEmojiPickerCloseEvent>;
    await sendKeys({ press: 'Escape' });
    expect((await closed).type).to.equal('im-emoji-picker-close');
  });

  it('crosses groups by row, goes to the end with End, and mirrors left and right in RTL', async () => {
    const ui = await mount(html`<im-emoji-picker dir="rtl"></im-emoji-picker>`);
    const smileys = ui.buttons(ui.sections()[0]);

    // The first group is rendered in part at first: ArrowDown from its last rendered row renders
    // more. (A synthetic key, so that the idle rendering cannot finish the group first.)
    const first = ui.sections()[0]!;
    expect(first.hasAttribute('data-partial')).to.equal(true);
    const lastRendered = Math.floor((smileys.length - 1) / 8) * 8 + 1;
    smileys[lastRendered]!.focus();
    smileys[lastRendered]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
    await waitUntil(() => ui.focused() !== smileys[lastRendered], 'focus to move');
    expect(ui.focused()).to.equal(ui.buttons(first)[lastRendered + 8]);

    smileys[0]!.focus();
    await sendKeys({ press: 'ArrowLeft' });
    expect(ui.focused()).to.equal(smileys[1]);
    await sendKeys({ press: 'ArrowRight' });
    expect(ui.focused()).to.equal(smileys[0]);

    // From the last row of a group, ArrowDown goes to the same column of the next one.
    await waitUntil(() => !first.hasAttribute('data-partial'), 'the first group to render in full');
    const all = ui.buttons(first);
    const lastRowStart = Math.floor((all.length - 1) / 8) * 8;
    all[lastRowStart]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => ui.focused()?.closest('.section') === ui.sections()[1], 'focus in the next group');
    expect(ui.focused()).to.equal(ui.buttons(ui.sections()[1])[0]);

    await sendKeys({ press: 'End' });
    await waitUntil(() => ui.sections().length === 9, 'all groups to render');
    expect(ui.focused()).to.equal(ui.buttons().at(-1));
    expect(ui.focused()!.getAttribute('aria-label')).to.match(/^flag/);
    await sendKeys({ press: 'Home' });
    expect(ui.focused()).to.equal(smileys[0]);
  });

  it('moves from the search field into the results with ArrowDown and picks the first with Enter', async () => {
    const ui = await mount();
    await ui.search('thumbs');
    await sendKeys({ press: 'ArrowDown' });
    expect(ui.focused()!.dataset.emoji).to.equal('👍');
    await sendKeys({ press: 'ArrowRight' });
    expect(ui.focused()!.dataset.emoji).to.equal('👎');

    ui.input.focus();
    const selected = oneEvent(ui.el, 'im-emoji-select') as Promise<ImEmojiSelectEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await selected).detail.emoji).to.equal('👍');
  });

  it('renders a long list of results in parts, and End reaches the last one', async () => {
    const ui = await mount();
    ui.input.value = 'a';
    ui.input.dispatchEvent(new InputEvent('input'));
    await ui.el.updateComplete;
    const results = ui.sections()[0]!;
    expect(results.hasAttribute('data-partial')).to.equal(true);
    const first = ui.buttons()[0]!;
    first.focus();
    // A synthetic key, so that the idle rendering cannot finish the list first.
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await waitUntil(() => ui.focused() !== first, 'focus to move');
    expect(results.hasAttribute('data-partial')).to.equal(false);
    expect(ui.buttons().length).to.be.greaterThan(200);
    expect(ui.focused()).to.equal(ui.buttons().at(-1));
  });

  it('jumps to a group from its tab', async () => {
    const ui = await mount();
    const flags = ui.root.querySelector<HTMLButtonElement>('[role="toolbar"] button[aria-label="Flags"]')!;
    flags.click();
    await waitUntil(() => flags.getAttribute('aria-current') === 'true', 'the flags tab to become current');
    const section = ui.sections().find((s) => s.dataset.section === 'flags')!;
    const scroller = ui.root.querySelector<HTMLElement>('.scroller')!;
    const atTop = () => {
      const box = scroller.getBoundingClientRect();
      return ui.root.elementFromPoint(box.left + box.width / 2, box.top + 4)?.closest('.section');
    };
    await waitUntil(() => atTop() === section, 'the flags at the top of the list');
    expect(section.querySelector('.heading')!.textContent).to.equal('Flags');
    expect(ui.buttons().filter((b) => b.tabIndex === 0)).to.deep.equal([ui.buttons(section)[0]]);
  });

  it('applies and remembers a skin tone on the emoji that take one', async () => {
    const ui = await mount();
    await ui.search('thumbs up');
    const toneButton = ui.root.querySelector<HTMLButtonElement>('[part="skin-tone-button"]')!;
    expect(toneButton.getAttribute('aria-expanded')).to.equal('false');
    toneButton.click();
    await ui.el.updateComplete;
    expect(toneButton.getAttribute('aria-expanded')).to.equal('true');
    ui.root.querySelector<HTMLButtonElement>('.tone[aria-label="Medium"]')!.click();
    await ui.el.updateComplete;
    expect(ui.emojiOf()[0]).to.equal('👍🏽');
    expect(toneButton.getAttribute('aria-label')).to.equal('Skin tone: Medium');

    const again = await mount();
    await again.search('grinning face');
    expect(again.emojiOf()[0]).to.equal('😀'); // takes no tone
    await again.search('people holding hands');
    expect(again.emojiOf()[0]).to.equal('🧑🏽‍🤝‍🧑🏽'); // one tone per person
    setTimeout(() => again.buttons()[0]!.click());
    const event = (await oneEvent(again.el, 'im-emoji-select')) as ImEmojiSelectEvent;
    expect(event.detail).to.deep.equal({ emoji: '🧑🏽‍🤝‍🧑🏽', name: 'people holding hands' });
  });

  it('shows the labels it is given, English for the rest', async () => {
    const labels = { searchPlaceholder: 'Emoji suchen', searchLabel: 'Emoji suchen', groups: { smileys: 'Smileys' } };
    const ui = await mount(html`<im-emoji-picker .labels=${labels}></im-emoji-picker>`);
    expect(ui.input.placeholder).to.equal('Emoji suchen');
    expect(ui.input.getAttribute('aria-label')).to.equal('Emoji suchen');
    expect(ui.headings()[0]).to.equal('Smileys');
    await ui.allGroups();
    expect(ui.headings()[1]).to.equal('People & body');
  });

  it('speaks the language of the page around it, standalone, and follows a change', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="fr"><im-emoji-picker></im-emoji-picker></div>`);
    const el = wrapper.querySelector('im-emoji-picker')!;
    const input = () => el.shadowRoot!.querySelector('input')!;
    await waitUntil(() => input().getAttribute('aria-label') === FR_SEARCH, 'the French table to load');
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.heading')[1]?.textContent?.trim() === FR_PEOPLE, 'French group names');
    wrapper.lang = 'en';
    await waitUntil(() => input().getAttribute('aria-label') === 'Search emoji', 'back to English');
  });
});
