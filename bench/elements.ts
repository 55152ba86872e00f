// The elements in a real browser (the machine's Chromium) against the real server on loopback,
// embedded by script tag on a customer page of another origin. Four figures, each against a
// baseline measured in the same run:
//   1. first paint of the newest 30 messages from a warm cache with the socket blocked,
//      against a cold cache with history from the network;
//   2. the most <im-message> elements in the DOM while all 10,000 messages of a conversation
//      are loaded by scrolling up, against the 10,000 messages loaded;
//   3. how far a visible message moves on screen when an older page is prepended, against how
//      far it would have moved without anchoring (the height of the prepended content);
//   4. <im-message> updates per appended message, against the rendered <im-message> elements
//      (what re-rendering the whole list would cost).
// Bounded: fixed counts, per-step and overall time limits, loopback only, temporary data dir
// removed, stops by itself.
// Usage: npm run build && npm run bench:elements  →  prints JSON and a Markdown table, writes bench/results/.
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import type { NewMessage } from '../src/server/store/store.js';
// @ts-expect-error: a plain ES module script shared with the test-runner config
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const ADMIN_KEY = 'bench-admin-key-0123456789';
const TOTAL_MESSAGES = 10_000;
const SEED_BATCH = 500;
/** Messages that must be painted for the first-paint figure. */
const FIRST_PAINT_MESSAGES = 30;
const FIRST_PAINT_ROUNDS = 5;
const LOAD_ALL_ROUNDS = 3;
/** Time bound of one load-everything round, and of all of them together. */
const LOAD_ALL_LIMIT_MS = 120_000;
const LOAD_ALL_TOTAL_MS = 150_000;
const PREPEND_ROUNDS = 5;
/** How long the reader waits near the top for an older page. */
const PREPEND_WAIT_MS = 5000;
/** How long the reader waits at the top for more rows while scrolling through everything. */
const LOAD_ALL_STEP_MS = 1500;
const APPENDS = 10;
/** A hard stop for the whole run. */
const DEADLINE_MS = 6 * 60_000;
/**
 * A tall chat, so that the newest 30 messages are in the rendered window (it renders the
 * viewport and half a viewport above it) while the newest page (50) is still taller than two
 * viewports, and an ordinary one for the rest.
 */
const TALL = { viewport: { width: 900, height: 1450 }, chatHeight: 1350 };
const ORDINARY = { viewport: { width: 900, height: 700 }, chatHeight: 600 };


// ---------------------------------------------------------------------------------------------
// The customer page: the bundle by script tag, and helpers the bench calls (they run in the page).

const PAGE_SCRIPT = String.raw`
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const chat = () => document.querySelector('im-chat');
const list = () => chat()?.shadowRoot?.querySelector('im-message-list') ?? null;
const listRoot = () => list()?.shadowRoot ?? null;
const scroller = () => listRoot()?.querySelector('.scroller') ?? null;
const messageEls = () => [...(listRoot()?.querySelectorAll('im-message') ?? [])];
const bubbleText = (m) => m.shadowRoot?.querySelector('.bubble')?.textContent ?? '';
const allRows = () => list()?.rows ?? [];
const messageRows = () => allRows().filter((row) => row.kind === 'message').length;
const hasRow = (key) => allRows().some((row) => row.key === key);
const rowEl = (key) => listRoot()?.querySelector('.row[data-key="' + CSS.escape(key) + '"]') ?? null;

window.bench = {
  states: [],
  updates: 0,
  created: 0,
  nearTop: 0,
  /** Calls of the client's messages.loadOlder (by the chat), repeats of the same beforeSeq, and failures by code. */
  older: { calls: 0, repeats: 0, errors: {} },
  ready: Promise.all(['im-provider', 'im-chat', 'im-message', 'im-message-list'].map((name) => customElements.whenDefined(name))).then(() => true),

  /** Counts Lit updates of <im-message> elements (firstUpdated: a newly rendered one). */
  countUpdates() {
    const proto = customElements.get('im-message').prototype;
    const updated = proto.updated;
    const firstUpdated = proto.firstUpdated;
    const bench = this;
    proto.updated = function (...args) {
      bench.updates += 1;
      return updated.apply(this, args);
    };
    proto.firstUpdated = function (...args) {
      bench.created += 1;
      return firstUpdated.apply(this, args);
    };
  },

  connected() {
    return this.states.some((s) => s.state === 'connected');
  },

  /** Appends <im-provider><im-chat>; resolves at the frame where the newest want messages are painted. */
  async mount({ server, ticket, conversationId, chatHeight, want, newest, limitMs }) {
    await this.ready;
    const t0 = performance.now();
    const provider = document.createElement('im-provider');
    document.addEventListener('im-list-near-top', () => (this.nearTop += 1));
    provider.addEventListener('im-client-ready', (event) => {
      const messages = event.detail.client.messages;
      const loadOlder = messages.loadOlder;
      let last;
      messages.loadOlder = async (...args) => {
        this.older.calls += 1;
        if (args[1] === last) this.older.repeats += 1;
        last = args[1];
        try {
          return await loadOlder(...args);
        } catch (error) {
          const code = error?.code ?? String(error);
          this.older.errors[code] = (this.older.errors[code] ?? 0) + 1;
          throw error;
        }
      };
    });
    provider.addEventListener('im-connection-change', (event) => this.states.push({ state: event.detail.state, at: performance.now() - t0 }));
    provider.setAttribute('server', server);
    provider.setAttribute('ticket', ticket);
    const element = document.createElement('im-chat');
    element.setAttribute('conversation-id', conversationId);
    element.style.height = chatHeight + 'px';
    provider.append(element);
    document.body.append(provider);
    for (;;) {
      await frame();
      const painted = messageEls().filter((m) => bubbleText(m).trim() !== '');
      if (painted.length >= want && painted.some((m) => bubbleText(m).includes(newest))) {
        return { ms: performance.now() - t0, painted: painted.length, connectedBeforePaint: this.connected() };
      }
      if (performance.now() - t0 > limitMs) throw new Error(painted.length + ' of ' + want + ' messages painted after ' + limitMs + ' ms');
    }
  },

  async waitConnected(limitMs) {
    const t0 = performance.now();
    while (!this.connected()) {
      if (performance.now() - t0 > limitMs) throw new Error('not connected after ' + limitMs + ' ms');
      await frame();
    }
  },

  /** Scrolls up page by page until the beginning of the conversation (or a bound). */
  async loadAll({ limitMs, stepLimitMs }) {
    const t0 = performance.now();
    const box = scroller();
    const seen = new Set();
    let maxInDom = 0;
    let maxRowsInDom = 0;
    let sampling = true;
    const sample = () => {
      const inDom = messageEls().length;
      maxInDom = Math.max(maxInDom, inDom);
      const rows = listRoot().querySelectorAll('.row');
      maxRowsInDom = Math.max(maxRowsInDom, rows.length);
      for (const row of rows) if (row.classList.contains('message')) seen.add(row.dataset.key);
    };
    // Every frame, not only at each step: the most elements ever in the DOM.
    const sampler = (async () => {
      while (sampling) {
        sample();
        await frame();
      }
    })();
    const steps = [];
    let stopped = 'beginning of the conversation';
    let stalls = 0;
    let stalledInARow = 0;
    let stalledMs = 0;
    let errorRows = 0;
    const nearTopBefore = this.nearTop;
    const olderBefore = JSON.parse(JSON.stringify(this.older));
    while (!hasRow('beginning')) {
      if (performance.now() - t0 > limitMs) {
        stopped = 'time bound';
        break;
      }
      const before = messageRows();
      box.scrollTop = 0;
      const stepStart = performance.now();
      while (messageRows() === before && !hasRow('beginning') && performance.now() - stepStart < stepLimitMs) await frame();
      if (messageRows() === before && !hasRow('beginning')) {
        // Nothing came while at the top: the reader scrolls down out of the near-top zone,
        // like a wheel (100 px a frame), waits up to a second there, and goes up again.
        stalls += 1;
        stalledMs += performance.now() - stepStart;
        const failed = hasRow('older-error');
        const nudged = performance.now();
        for (let i = 0; i < 60 && box.scrollTop < box.clientHeight + 100 && messageRows() === before; i += 1) {
          box.scrollTop += 100;
          await frame();
        }
        while (messageRows() === before && performance.now() - nudged < 1000) await frame();
        if (failed || hasRow('older-error')) errorRows += 1;
      }
      if (messageRows() === before && !hasRow('beginning')) {
        stalledInARow += 1;
        if (stalledInARow > 5) {
          stopped = 'stalled';
          break;
        }
        continue;
      }
      stalledInARow = 0;
      sample();
      steps.push({ ms: Math.round(performance.now() - t0), loaded: messageRows(), inDom: messageEls().length });
    }
    box.scrollTop = 0;
    for (let i = 0; i < 10; i += 1) await frame();
    sampling = false;
    await sampler;
    sample();
    return {
      stopped,
      ms: Math.round(performance.now() - t0),
      loaded: messageRows(),
      distinctRowsSeen: seen.size,
      maxInDom,
      maxRowsInDom,
      beginningRendered: !!rowEl('beginning'),
      steps: steps.length,
      stalls,
      stalledMs: Math.round(stalledMs),
      errorRows,
      nearTopEvents: this.nearTop - nearTopBefore,
      loadOlderCalls: this.older.calls - olderBefore.calls,
      loadOlderSameBeforeSeq: this.older.repeats - olderBefore.repeats,
      loadOlderErrors: Object.fromEntries(Object.entries(this.older.errors).map(([code, n]) => [code, n - (olderBefore.errors[code] ?? 0)]).filter(([, n]) => n > 0)),
      trace: steps.filter((_, i) => i % 20 === 0 || i === steps.length - 1),
    };
  },

  /** Frames until the list's rows and the rendered rows' positions hold still for n frames. */
  async settle(n, limitMs) {
    const t0 = performance.now();
    const signature = () => {
      const box = scroller();
      const first = listRoot().querySelector('.row');
      return [allRows().length, listRoot().querySelectorAll('.row').length, box.scrollTop, first?.dataset.key, first?.getBoundingClientRect().top].join('|');
    };
    let last = signature();
    let still = 0;
    while (still < n && performance.now() - t0 < limitMs) {
      await frame();
      const now = signature();
      if (now === last) still += 1;
      else {
        still = 0;
        last = now;
      }
    }
    return still >= n;
  },

  /**
   * One older page prepended while the reader is near the top: how far a row the reader sees
   * moves on screen. When no page lands within stepLimitMs, the reader scrolls down out of the
   * near-top zone (the row is noted again after that scroll) and waits for it there.
   */
  async prependOnce({ stepLimitMs, afterLeavingMs }) {
    const box = scroller();
    const viewTop = () => box.getBoundingClientRect().top;
    // Just outside the near-top zone, settled (nothing loads there; a page still on its way lands first).
    for (let i = 0; i < 5; i += 1) {
      box.scrollTop = box.clientHeight + 200;
      await this.settle(3, 3000);
      if (Math.abs(box.scrollTop - (box.clientHeight + 200)) < 2) break;
    }
    const rowsBefore = messageRows();
    // Up into the near-top zone; in this same task (before any frame, so before any load),
    // note a fully visible message row in the lower part of the viewport.
    box.scrollTop = Math.max(0, box.clientHeight - 150);
    const top = viewTop();
    const pick = () =>
      [...listRoot().querySelectorAll('.row.message')].find((el) => {
        const rect = el.getBoundingClientRect();
        return rect.top - top >= box.clientHeight * 0.3 && rect.bottom - top <= box.clientHeight;
      });
    let row = pick();
    // A tall row may fill the lower part of the viewport: look again once a frame rendered.
    for (let i = 0; !row && i < 5; i += 1) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      row = pick();
    }
    if (!row) throw new Error('no message row on screen near the top (scrollTop ' + box.scrollTop + ', scrollHeight ' + box.scrollHeight + ')');
    const key = row.dataset.key;
    const at = () => {
      const el = rowEl(key);
      if (!el) return undefined;
      const rowTop = el.getBoundingClientRect().top - viewTop();
      return { top: rowTop, y: rowTop + box.scrollTop };
    };
    let before = at();
    const nearTop = box.scrollTop < box.clientHeight;
    const nearTopBefore = this.nearTop;
    let maxTransient = 0;
    const track = () => {
      const now = at();
      if (now) maxTransient = Math.max(maxTransient, Math.abs(now.top - before.top));
    };
    const t0 = performance.now();
    let landed = 'near the top';
    while (messageRows() === rowsBefore && performance.now() - t0 < stepLimitMs) {
      await frame();
      track();
    }
    if (messageRows() === rowsBefore) {
      // Nothing landed: the reader scrolls down 200 px, out of the near-top zone, and waits there.
      landed = 'after the reader left the near-top zone';
      box.scrollTop = box.clientHeight + 50;
      before = at();
      if (!before) throw new Error('the noted row is not rendered after leaving the near-top zone');
      const t1 = performance.now();
      while (messageRows() === rowsBefore && performance.now() - t1 < afterLeavingMs) {
        await frame();
        track();
      }
      if (messageRows() === rowsBefore) {
        return { prepended: false, key, nearTop, ms: Math.round(performance.now() - t0), rowsAdded: 0, nearTopEvents: this.nearTop - nearTopBefore };
      }
    }
    // Settled: two frames after the row count (and the loading row) stopped changing.
    let count = allRows().length;
    let still = 0;
    const t2 = performance.now();
    while (still < 2 && performance.now() - t2 < 5000) {
      await frame();
      track();
      const now = allRows().length;
      if (now === count && !hasRow('loading')) still += 1;
      else {
        still = 0;
        count = now;
      }
    }
    const after = at();
    if (!after) throw new Error('the noted row is no longer rendered after the prepend');
    // A little later: does anything still move?
    for (let i = 0; i < 10; i += 1) {
      await frame();
      track();
    }
    const later = at();
    return {
      prepended: true,
      landed,
      key,
      nearTop,
      nearTopEvents: this.nearTop - nearTopBefore,
      ms: Math.round(performance.now() - t0),
      rowsAdded: messageRows() - rowsBefore,
      movedPx: after.top - before.top,
      prependedPx: after.y - before.y,
      movedLaterPx: later ? later.top - before.top : null,
      maxTransientPx: maxTransient,
    };
  },

  /** Frames until no <im-message> updated for quietMs. */
  async quiet(quietMs, limitMs) {
    const t0 = performance.now();
    let last = this.updates;
    let since = performance.now();
    for (;;) {
      await frame();
      if (this.updates !== last) {
        last = this.updates;
        since = performance.now();
      } else if (performance.now() - since >= quietMs) return true;
      if (performance.now() - t0 > limitMs) return false;
    }
  },

  async waitForText(text, limitMs) {
    const t0 = performance.now();
    while (!messageEls().some((m) => bubbleText(m).includes(text))) {
      if (performance.now() - t0 > limitMs) {
        const box = scroller();
        const inView = (chat().view?.messages ?? []).some((m) => JSON.stringify(m.content).includes(text));
        const inRows = allRows().some((row) => row.message && JSON.stringify(row.message.content).includes(text));
        throw new Error('"' + text + '" not rendered after ' + limitMs + ' ms: atBottom ' + list().isAtBottom + ', scrollTop ' + box.scrollTop + ' of ' + (box.scrollHeight - box.clientHeight) + ', in the view ' + inView + ', in the rows ' + inRows + ', rendered ' + list().renderedCount + ' of ' + allRows().length + ', new-below ' + (listRoot().querySelector('.new-below')?.textContent.trim() ?? 'none'));
      }
      await frame();
    }
  },

  snapshot() {
    return { updates: this.updates, created: this.created, inDom: messageEls().length, atBottom: list()?.isAtBottom ?? false };
  },
};
`;

interface BenchWindow {
  bench: {
    ready: Promise<boolean>;
    countUpdates(): void;
    connected(): boolean;
    mount(args: MountArgs): Promise<{ ms: number; painted: number; connectedBeforePaint: boolean }>;
    waitConnected(limitMs: number): Promise<void>;
    loadAll(args: { limitMs: number; stepLimitMs: number }): Promise<LoadAllResult>;
    settle(frames: number, limitMs: number): Promise<boolean>;
    prependOnce(args: { stepLimitMs: number; afterLeavingMs: number }): Promise<PrependResult>;
    quiet(quietMs: number, limitMs: number): Promise<boolean>;
    waitForText(text: string, limitMs: number): Promise<void>;
    snapshot(): Snapshot;
  };
}
interface MountArgs {
  server: string;
  ticket: string;
  conversationId: string;
  chatHeight: number;
  want: number;
  newest: string;
  limitMs: number;
}
interface LoadAllResult {
  stopped: string;
  ms: number;
  loaded: number;
  distinctRowsSeen: number;
  maxInDom: number;
  maxRowsInDom: number;
  beginningRendered: boolean;
  steps: number;
  stalls: number;
  stalledMs: number;
  errorRows: number;
  nearTopEvents: number;
  loadOlderCalls: number;
  loadOlderSameBeforeSeq: number;
  loadOlderErrors: Record<string, number>;
  trace: { ms: number; loaded: number; inDom: number }[];
}
type PrependResult =
  | {
      prepended: true;
      landed: 'near the top' | 'after the reader left the near-top zone';
      key: string;
      nearTop: boolean;
      nearTopEvents: number;
      ms: number;
      rowsAdded: number;
      movedPx: number;
      prependedPx: number;
      movedLaterPx: number | null;
      maxTransientPx: number;
    }
  | { prepended: false; key: string; nearTop: boolean; ms: number; rowsAdded: 0; nearTopEvents: number };
interface Snapshot {
  updates: number;
  created: number;
  inDom: number;
  atBottom: boolean;
}

// ---------------------------------------------------------------------------------------------

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const fixed = (value: number, digits = 1) => Number(value.toFixed(digits));
const log = (line: string) => console.error(`[bench:elements] ${line}`);

if (!existsSync(resolve('dist/im-elements.js'))) {
  log('dist/im-elements.js is missing: npm run build');
  execSync('npm run build', { stdio: ['ignore', 'inherit', 'inherit'] });
}
const executablePath = findChromium() as string | undefined;
if (!executablePath) throw new Error('no Chromium found: set CHROME_PATH');

const dataDir = mkdtempSync(join(tmpdir(), 'im-bench-elements-'));
const deadline = setTimeout(() => {
  console.error(`bench/elements: not done after ${DEADLINE_MS / 1000} s, giving up`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
const app = await createApp({
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  dataDir,
  adminKey: ADMIN_KEY,
  allowedOrigins: '*',
  demo: false,
  distDir: resolve('dist'),
  logLevel: 'silent',
  maxConnectionsPerUser: 50,
});
let site: Server | undefined;
let browser: Browser | undefined;
let sender: Socket | undefined;
const pageErrors: string[] = [];
/** Socket.IO connections the server accepted, per user. */
const serverConnections = new Map<string, number>();
/** Socket.IO requests the server received, per event. */
const serverRequests = new Map<string, number>();
const requestCounts = () => new Map(serverRequests);
const requestsSince = (before: Map<string, number>) =>
  Object.fromEntries([...serverRequests].map(([event, count]) => [event, count - (before.get(event) ?? 0)]).filter(([, count]) => Number(count) > 0));

try {
  const imUrl = await app.listen();
  app.io.on('connection', (socket) => {
    const userId = String((socket.data as { userId?: unknown }).userId ?? '?');
    serverConnections.set(userId, (serverConnections.get(userId) ?? 0) + 1);
    socket.onAny((event: string) => serverRequests.set(event, (serverRequests.get(event) ?? 0) + 1));
  });

  // A customer's site on another origin: the bundle by one script tag.
  site = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer</title>
      <style>html, body { margin: 0; } im-chat { display: block; }</style>
      <script type="module" src="${imUrl}/im-elements.js"></script>
      <script type="module">${PAGE_SCRIPT}</script></head><body></body></html>`);
  });
  await new Promise<void>((done) => site!.listen(0, '127.0.0.1', done));
  const address = site.address();
  const siteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

  // Seed: one direct conversation with 10,000 messages, server-side, in batches.
  const seedStarted = performance.now();
  const now = Date.now();
  const { conversationId } = await app.store.conversations.openDirect('bench-a', 'bench-b', now);
  const words = 'the order shipped yesterday and should arrive soon, thanks for your patience with this, let me check the tracking number for you'.split(' ');
  const textOf = (n: number) => `[m${n}] ${words.slice(0, 3 + ((n * 7) % (words.length - 3))).join(' ')}`;
  for (let first = 0; first < TOTAL_MESSAGES; first += SEED_BATCH) {
    const batch: NewMessage[] = [];
    for (let i = first; i < Math.min(TOTAL_MESSAGES, first + SEED_BATCH); i += 1) {
      batch.push({
        conversationId,
        classId: null,
        // Runs of three messages per sender, 30 s apart: grouped bubbles, a few days of history.
        senderId: Math.floor(i / 3) % 2 === 0 ? 'bench-b' : 'bench-a',
        clientMsgId: randomUUID(),
        content: { text: textOf(i + 1) },
        recipients: null,
        time: now - (TOTAL_MESSAGES - i) * 30_000,
        type: 'text',
        mentions: [],
        countsUnread: true,
      });
    }
    await app.store.appendMessages(batch);
  }
  const newest = `[m${TOTAL_MESSAGES}]`;
  log(`seeded ${TOTAL_MESSAGES} messages in ${Math.round(performance.now() - seedStarted)} ms`);

  const ticketFor = async (userId: string) => {
    const response = await fetch(`${imUrl}/v1/users/${userId}/tickets`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    if (!response.ok) throw new Error(`ticket for ${userId}: HTTP ${response.status} ${await response.text()}`);
    return ((await response.json()) as { ticket: string }).ticket;
  };
  const ticketA = await ticketFor('bench-a');
  const ticketB = await ticketFor('bench-b');

  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const chromiumVersion = browser.version();
  const openPage = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(siteUrl);
    await page.evaluate(() => (window as unknown as BenchWindow).bench.ready);
    return page;
  };
  const mountArgs = (chatHeight: number, want: number): MountArgs => ({
    server: imUrl,
    ticket: ticketA,
    conversationId,
    chatHeight,
    want,
    newest,
    limitMs: 30_000,
  });

  // 1. First paint: cold cache from the network, then warm cache with the socket blocked.
  const firstPaint: { coldMs: number; warmMs: number; warmConnectedBeforePaint: boolean; warmServerConnections: number; blockedAttempts: number }[] = [];
  for (let attempt = 0; attempt < FIRST_PAINT_ROUNDS; attempt += 1) {
    const context = await browser.newContext({ viewport: TALL.viewport });
    const cold = await openPage(context);
    const coldResult = await cold.evaluate((args) => (window as unknown as BenchWindow).bench.mount(args), mountArgs(TALL.chatHeight, FIRST_PAINT_MESSAGES));
    // The first visit finishes its sync (conversation list, receipts) into IndexedDB.
    await cold.evaluate(() => (window as unknown as BenchWindow).bench.waitConnected(15_000));
    await cold.evaluate(() => (window as unknown as BenchWindow).bench.settle(10, 3000));
    await cold.close();
    let blocked = 0;
    await context.route('**/socket.io/**', (route) => {
      blocked += 1;
      return route.abort();
    });
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      blocked += 1;
      void ws.close();
    });
    const connectionsBefore = serverConnections.get('bench-a') ?? 0;
    const warm = await openPage(context);
    const warmResult = await warm.evaluate((args) => (window as unknown as BenchWindow).bench.mount(args), mountArgs(TALL.chatHeight, FIRST_PAINT_MESSAGES));
    firstPaint.push({
      coldMs: fixed(coldResult.ms),
      warmMs: fixed(warmResult.ms),
      warmConnectedBeforePaint: warmResult.connectedBeforePaint || (await warm.evaluate(() => (window as unknown as BenchWindow).bench.connected())),
      warmServerConnections: (serverConnections.get('bench-a') ?? 0) - connectionsBefore,
      blockedAttempts: blocked,
    });
    await context.close();
  }
  log(`first paint: ${JSON.stringify(firstPaint)}`);
  if (firstPaint.some((run) => run.warmConnectedBeforePaint || run.warmServerConnections > 0)) {
    throw new Error('the socket was not blocked during a warm-cache measurement');
  }

  // 2. Everything loaded by scrolling up: the most <im-message> elements in the DOM.
  const loadAll: (LoadAllResult & { serverRequests: Record<string, number> })[] = [];
  const loadAllStarted = performance.now();
  for (let attempt = 0; attempt < LOAD_ALL_ROUNDS; attempt += 1) {
    const left = LOAD_ALL_TOTAL_MS - (performance.now() - loadAllStarted);
    if (attempt > 0 && left < (loadAll.at(-1)?.ms ?? 0) * 1.2) break;
    const context = await browser.newContext({ viewport: ORDINARY.viewport });
    const page = await openPage(context);
    await page.evaluate((args) => (window as unknown as BenchWindow).bench.mount(args), mountArgs(ORDINARY.chatHeight, 5));
    await page.evaluate(() => (window as unknown as BenchWindow).bench.waitConnected(15_000));
    const requestsBefore = requestCounts();
    const result = await page.evaluate(
      (args) => (window as unknown as BenchWindow).bench.loadAll(args),
      { limitMs: Math.min(LOAD_ALL_LIMIT_MS, Math.max(10_000, left)), stepLimitMs: LOAD_ALL_STEP_MS },
    );
    loadAll.push({ ...result, serverRequests: requestsSince(requestsBefore) });
    log(`load all, round ${attempt + 1}: ${JSON.stringify({ ...loadAll.at(-1), trace: undefined })}`);
    await context.close();
  }

  // 3. Prepending older history while the reader is near the top.
  const prepends: PrependResult[] = [];
  let prependRequests: Record<string, number> = {};
  {
    const context = await browser.newContext({ viewport: ORDINARY.viewport });
    const page = await openPage(context);
    await page.evaluate((args) => (window as unknown as BenchWindow).bench.mount(args), mountArgs(ORDINARY.chatHeight, 5));
    await page.evaluate(() => (window as unknown as BenchWindow).bench.waitConnected(15_000));
    await page.evaluate(() => (window as unknown as BenchWindow).bench.settle(10, 3000));
    const requestsBefore = requestCounts();
    for (let attempt = 0; attempt < PREPEND_ROUNDS; attempt += 1) {
      const result = await page.evaluate((args) => (window as unknown as BenchWindow).bench.prependOnce(args), { stepLimitMs: PREPEND_WAIT_MS, afterLeavingMs: 5000 });
      prepends.push(
        result.prepended
          ? {
              ...result,
              movedPx: fixed(result.movedPx),
              prependedPx: fixed(result.prependedPx),
              maxTransientPx: fixed(result.maxTransientPx),
              movedLaterPx: result.movedLaterPx === null ? null : fixed(result.movedLaterPx),
            }
          : result,
      );
      // Two in a row without a prepend: it will not come; do not spend the time bound on it.
      if (prepends.length >= 2 && prepends.slice(-2).every((run) => !run.prepended)) break;
    }
    prependRequests = requestsSince(requestsBefore);
    log(`prepends: ${JSON.stringify(prepends)}; server requests meanwhile: ${JSON.stringify(prependRequests)}`);
    await context.close();
  }

  // 4. One appended message from the other user: <im-message> updates it causes.
  const appends: { updates: number; created: number; updatedExisting: number; rendered: number; atBottom: boolean }[] = [];
  {
    sender = await new Promise<Socket>((resolveSocket, reject) => {
      const socket = io(imUrl, { transports: ['websocket'], auth: { ticket: ticketB }, reconnection: false });
      socket.once('session:ready', () => resolveSocket(socket));
      socket.once('connect_error', reject);
    });
    const context = await browser.newContext({ viewport: ORDINARY.viewport });
    const page = await openPage(context);
    await page.evaluate(() => (window as unknown as BenchWindow).bench.countUpdates());
    await page.evaluate((args) => (window as unknown as BenchWindow).bench.mount(args), mountArgs(ORDINARY.chatHeight, 5));
    await page.evaluate(() => (window as unknown as BenchWindow).bench.waitConnected(15_000));
    for (let i = 1; i <= APPENDS; i += 1) {
      if (!(await page.evaluate(() => (window as unknown as BenchWindow).bench.quiet(1000, 10_000)))) throw new Error('the chat never went quiet before an append');
      const before = await page.evaluate(() => (window as unknown as BenchWindow).bench.snapshot());
      const text = `[live${i}] a new message from bench-b`;
      const ack = (await sender.timeout(10_000).emitWithAck('message:send', { conversationId, type: 'text', content: { text }, clientMsgId: randomUUID() })) as {
        ok: boolean;
        error?: { code: string };
      };
      if (!ack.ok) throw new Error(`send failed: ${ack.error?.code}`);
      await page.evaluate((t) => (window as unknown as BenchWindow).bench.waitForText(t, 10_000), `[live${i}]`);
      if (!(await page.evaluate(() => (window as unknown as BenchWindow).bench.quiet(1000, 10_000)))) throw new Error('the chat never went quiet after an append');
      const after = await page.evaluate(() => (window as unknown as BenchWindow).bench.snapshot());
      appends.push({
        updates: after.updates - before.updates,
        created: after.created - before.created,
        updatedExisting: after.updates - before.updates - (after.created - before.created),
        rendered: before.inDom,
        atBottom: before.atBottom && after.atBottom,
      });
    }
    log(`appends: ${JSON.stringify(appends)}`);
    await context.close();
  }

  // ---------------------------------------------------------------------------------------------
  const coldMs = fixed(median(firstPaint.map((run) => run.coldMs)));
  const warmMs = fixed(median(firstPaint.map((run) => run.warmMs)));
  const maxInDom = median(loadAll.map((run) => run.maxInDom));
  const loaded = median(loadAll.map((run) => run.loaded));
  const allLoaded = loadAll.every((run) => run.stopped === 'beginning of the conversation');
  const landed = prepends.filter((run): run is Extract<PrependResult, { prepended: true }> => run.prepended);
  const moved = landed.length > 0 ? fixed(median(landed.map((run) => Math.abs(run.movedPx)))) : null;
  const prepended = landed.length > 0 ? fixed(median(landed.map((run) => run.prependedPx))) : null;
  const updates = median(appends.map((run) => run.updates));
  const rendered = median(appends.map((run) => run.rendered));
  const result = {
    benchmark:
      'IM elements in Chromium, embedded by script tag on another origin, against the real server on loopback: first paint from the cache, DOM size with 10,000 messages, viewport movement on history prepend, re-renders per appended message',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      chromium: chromiumVersion,
    },
    workload: {
      messages: TOTAL_MESSAGES,
      conversation: 'direct, bench-a reading; runs of 3 messages per sender, 30 s apart',
      tallChat: TALL,
      ordinaryChat: ORDINARY,
      firstPaintRounds: FIRST_PAINT_ROUNDS,
      prependRounds: PREPEND_ROUNDS,
      appends: APPENDS,
    },
    metrics: {
      firstPaint: {
        description: `tall chat: performance.now() before appending <im-provider><im-chat> to the animation frame in which the newest ${FIRST_PAINT_MESSAGES} messages are in the DOM with their text (bundle already loaded and defined); warm: second visit in the same browser context with /socket.io/ blocked (no socket reached the server)`,
        warmCacheSocketBlockedMs: warmMs,
        baselineColdCacheNetworkMs: coldMs,
        ratio: fixed(warmMs / coldMs, 2),
        runs: firstPaint,
      },
      domWith10k: {
        description: `ordinary chat: most <im-message> elements in the DOM (sampled every frame) while scrolling up (scrollTop = 0, then wait up to ${LOAD_ALL_STEP_MS / 1000} s for more rows; when none came, scroll down 100 px a frame until out of the near-top zone, wait up to 1 s, and up again) until the beginning of the conversation or ${LOAD_ALL_LIMIT_MS / 1000} s`,
        maxImMessagesInDom: maxInDom,
        messagesLoaded: loaded,
        allLoaded,
        baselineMessages: TOTAL_MESSAGES,
        ratio: fixed(maxInDom / TOTAL_MESSAGES, 4),
        runs: loadAll,
      },
      prependMovement: {
        description:
          `ordinary chat: on-screen movement of a visible message row when an older page is prepended while the reader is near the top (settled: 2 frames after the row count stops changing); when none landed within ${PREPEND_WAIT_MS / 1000} s, the reader scrolls 200 px down out of the near-top zone, the row is noted again, and the page is awaited there; baseline: how far the row moved in the content (the prepended height)`,
        movedPx: moved,
        baselinePrependedPx: prepended,
        ratio: moved !== null && prepended ? fixed(moved / prepended, 4) : null,
        medianMaxTransientPx: landed.length > 0 ? fixed(median(landed.map((run) => run.maxTransientPx))) : null,
        prependsLanded: landed.length,
        landedNearTop: landed.filter((run) => run.landed === 'near the top').length,
        attempts: prepends.length,
        runs: prepends,
        serverRequests: prependRequests,
      },
      updatesPerAppend: {
        description:
          'ordinary chat: Lit updates of <im-message> elements (wrapped prototype.updated) caused by one message from the other user (sent over its own socket), the view at the bottom, counted until no update for 1 s; baseline: the rendered <im-message> elements',
        updates,
        newElements: median(appends.map((run) => run.created)),
        existingElementsUpdated: median(appends.map((run) => run.updatedExisting)),
        baselineRendered: rendered,
        ratio: fixed(updates / rendered, 3),
        runs: appends,
      },
    },
    pageErrors,
  };

  const thousands = (n: number) => n.toLocaleString('en');
  function notes(): string[] {
    const lines: string[] = [];
    const firstLoad = loadAll[0];
    if (firstLoad) {
      lines.push(
        `- Scrolling through the history (${loadAll.length} run${loadAll.length === 1 ? '' : 's'}, first: ${firstLoad.ms} ms, stopped at: ${firstLoad.stopped}): ${firstLoad.steps} steps brought more rows, ${firstLoad.stalls} times nothing came within ${LOAD_ALL_STEP_MS / 1000} s at the top (${firstLoad.errorRows} times with "Couldn't load earlier messages"); \`im-list-near-top\` fired ${thousands(firstLoad.nearTopEvents)} times, the chat called \`loadOlder\` ${thousands(firstLoad.loadOlderCalls)} times (${thousands(firstLoad.loadOlderSameBeforeSeq)} with the same \`beforeSeq\` as the call before; failures: ${JSON.stringify(firstLoad.loadOlderErrors)}); the server received ${thousands(firstLoad.serverRequests['message:history'] ?? 0)} \`message:history\` and ${thousands(firstLoad.serverRequests['conversation:receipts'] ?? 0)} \`conversation:receipts\` requests.`,
      );
    }
    if (prepends.length > 0) {
      const nearTopEvents = prepends.reduce((sum, run) => sum + run.nearTopEvents, 0);
      lines.push(
        `- History prepend: ${nearTopLanded} of ${prepends.length} older pages landed while the reader stayed near the top (${PREPEND_WAIT_MS / 1000} s each), ${landed.length - nearTopLanded} only after the reader scrolled 200 px down out of the near-top zone; meanwhile \`im-list-near-top\` fired ${thousands(nearTopEvents)} times and the server received ${thousands(prependRequests['conversation:receipts'] ?? 0)} \`conversation:receipts\` requests. Movement when the page landed near the top: ${landed.filter((run) => run.landed === 'near the top').map((run) => `${run.movedPx} px`).join(', ') || '–'}. Largest on-screen movement of the noted row at any frame, including before any page landed (median): ${result.metrics.prependMovement.medianMaxTransientPx ?? '–'} px.`,
      );
    }
    lines.push(
      `- Per appended message (median): ${result.metrics.updatesPerAppend.newElements} new \`<im-message>\` element(s) rendered, ${result.metrics.updatesPerAppend.existingElementsUpdated} existing one(s) updated.`,
    );
    if (pageErrors.length > 0) lines.push(`- Page errors: ${[...new Set(pageErrors)].slice(0, 5).join('; ')}`);
    return lines;
  }
  const nearTopLanded = result.metrics.prependMovement.landedNearTop;
  const table = [
    '| metric | value | baseline | ratio |',
    '|---|---:|---:|---:|',
    `| First ${FIRST_PAINT_MESSAGES} messages painted: warm cache, socket blocked (median of ${firstPaint.length}) | ${warmMs} ms | ${coldMs} ms (cold cache, history from the network) | ${result.metrics.firstPaint.ratio} |`,
    `| Most \`<im-message>\` in the DOM, scrolling through ${thousands(TOTAL_MESSAGES)} messages (median of ${loadAll.length}${allLoaded ? '' : `; **only ${thousands(loaded)} loaded**, stopped: ${[...new Set(loadAll.map((run) => run.stopped))].join(', ')}`}) | ${maxInDom} | ${thousands(TOTAL_MESSAGES)} messages | ${result.metrics.domWith10k.ratio} |`,
    landed.length > 0
      ? `| Viewport movement on history prepend (median of ${landed.length}${landed.length < prepends.length ? ` of ${prepends.length} attempts` : ''}${nearTopLanded < landed.length ? `; **${landed.length - nearTopLanded} landed only after the reader left the near-top zone**` : ''}) | ${moved} px | ${prepended} px prepended above | ${result.metrics.prependMovement.ratio} |`
      : `| Viewport movement on history prepend | **no older page prepended** (${prepends.length} attempts) | – | – |`,
    `| \`<im-message>\` updates per appended message (median of ${appends.length}) | ${updates} | ${rendered} rendered \`<im-message>\` | ${result.metrics.updatesPerAppend.ratio} |`,
    '',
    ...notes(),
    '',
    `Machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, Linux ${result.machine.kernel}, Chromium ${chromiumVersion}.`,
  ].join('\n');
  console.log(JSON.stringify(result, null, 2));
  console.log(`\n${table}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/elements.json', `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync('bench/results/elements.md', `# Elements in the browser\n\n${result.benchmark}.\n\n${table}\n`);
} finally {
  sender?.close();
  await browser?.close();
  if (site) await new Promise((done) => site!.close(done));
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
