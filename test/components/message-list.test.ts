import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/components/message-list/message-list.js';
import { MAX_RENDERED_ROWS, type ImMessageList, type ListRow } from '../../src/components/message-list/message-list.js';

interface Row extends ListRow {
  text: string;
  lines: number;
}

const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from + 1 }, (_, i) => {
    const n = from + i;
    return { key: `m${n}`, kind: 'message', countsAsNew: true, text: `message ${n}`, lines: 1 + (n % 4) };
  });

const renderRow = (row: ListRow) => {
  const { text, lines } = row as Row;
  return html`<p style="margin: 0; padding: 4px 0; line-height: 20px">${Array.from({ length: lines }, (_, i) => html`${i ? html`<br />` : ''}${text}`)}</p>`;
};

async function list(initial: Row[]): Promise<ImMessageList> {
  const element = await fixture<ImMessageList>(html`<im-message-list style="height: 400px; width: 320px" .rows=${initial} .renderRow=${renderRow}></im-message-list>`);
  await element.updateComplete;
  return element;
}

const scroller = (element: ImMessageList) => element.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
const rendered = (element: ImMessageList) => element.shadowRoot!.querySelectorAll('.row').length;
const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

async function settle(element: ImMessageList): Promise<void> {
  for (let i = 0; i < 4; i += 1) {
    await frame();
    await element.updateComplete;
  }
}

describe('<im-message-list>', () => {
  it('keeps at most 60 rows in the DOM for 10,000 and starts at the newest', async () => {
    const element = await list(rows(1, 10_000));
    await settle(element);
    expect(rendered(element)).to.be.at.most(MAX_RENDERED_ROWS);
    expect(element.rowElement('m10000')).to.not.equal(null);
    expect(element.isAtBottom).to.equal(true);
    const box = scroller(element);
    for (const fraction of [0.75, 0.5, 0.1, 0]) {
      box.scrollTop = (box.scrollHeight - box.clientHeight) * fraction;
      await settle(element);
      expect(rendered(element)).to.be.at.most(MAX_RENDERED_ROWS);
      expect(rendered(element)).to.be.greaterThan(5);
    }
    expect(element.rowElement('m1')).to.not.equal(null, 'the oldest row renders at the top');
  });

  it('prepending older rows does not move what the reader looks at', async () => {
    const element = await list(rows(1001, 1200));
    await settle(element);
    const box = scroller(element);
    box.scrollTop = box.scrollHeight / 2;
    await settle(element);
    const visible = [...element.shadowRoot!.querySelectorAll<HTMLElement>('.row')].find((row) => row.getBoundingClientRect().top >= box.getBoundingClientRect().top)!;
    const before = visible.getBoundingClientRect().top;
    element.rows = [...rows(801, 1000), ...element.rows];
    await settle(element);
    const after = element.rowElement(visible.dataset.key!)!.getBoundingClientRect().top;
    expect(Math.abs(after - before)).to.be.lessThan(1);
  });

  it('stays at the bottom for new rows when the reader is there; otherwise offers a jump', async () => {
    const element = await list(rows(1, 100));
    await settle(element);
    element.rows = [...element.rows, ...rows(101, 101)];
    await settle(element);
    expect(element.isAtBottom).to.equal(true);
    expect(element.rowElement('m101')).to.not.equal(null);
    const box = scroller(element);
    box.scrollTop = 0;
    await settle(element);
    expect(element.isAtBottom).to.equal(false);
    element.rows = [...element.rows, ...rows(102, 103)];
    await settle(element);
    const button = element.shadowRoot!.querySelector<HTMLButtonElement>('.new-below')!;
    expect(button.textContent).to.contain('2 new messages');
    button.click();
    await settle(element);
    expect(element.isAtBottom).to.equal(true);
    expect(element.rowElement('m103')).to.not.equal(null);
    expect(element.shadowRoot!.querySelector('.new-below')).to.equal(null);
  });

  it('stays at the end through updates that change no rows (a new renderer, taller rows)', async () => {
    const element = await list(rows(1, 200));
    await settle(element);
    const box = scroller(element);
    // Scrolled up and back down by the reader, so an older anchor exists.
    box.scrollTop = 100;
    await settle(element);
    box.scrollTop = box.scrollHeight;
    await settle(element);
    expect(element.isAtBottom).to.equal(true);
    element.renderRow = (row: ListRow) => html`<div style="padding: 12px 0">${renderRow(row)}</div>`;
    await settle(element);
    expect(element.isAtBottom).to.equal(true);
    expect(box.scrollHeight - box.scrollTop - box.clientHeight, 'still at the very end').to.be.lessThan(2);
    expect(element.rowElement('m200')).to.not.equal(null);
  });

  it('a scroll of the reader counts even when new rows come before its scroll event', async () => {
    const element = await list(rows(1, 300));
    await settle(element);
    expect(element.isAtBottom).to.equal(true);
    const box = scroller(element);
    // In one task: the reader scrolls up, and a new row arrives (its update runs before the scroll event).
    box.scrollTop = 200;
    element.rows = [...element.rows, ...rows(301, 301)];
    await settle(element);
    expect(element.isAtBottom, 'the reader is not pulled back to the end').to.equal(false);
    expect(Math.abs(box.scrollTop - 200), 'still where the reader scrolled (rows measured there may differ from estimates)').to.be.lessThan(100);
    expect(element.shadowRoot!.querySelector('.new-below')?.textContent).to.contain('1 new messages');
  });

  it('scrolls to a far row on request and asks for older rows near the top', async () => {
    const element = await list(rows(1, 2000));
    await settle(element);
    expect(element.scrollToKey('m20')).to.equal(true);
    await settle(element);
    await waitUntil(() => element.rowElement('m20') !== null, 'the far row renders');
    const box = scroller(element);
    const row = element.rowElement('m20')!.getBoundingClientRect();
    const view = box.getBoundingClientRect();
    expect(row.top).to.be.at.least(view.top - 1);
    expect(row.bottom).to.be.at.most(view.bottom + 1);
    const nearTop = oneEvent(element, 'im-list-near-top');
    box.scrollTop = 10;
    await nearTop;
  });
});
