// What the demo pages share: the page header (links and controls kept in the URL), demo
// credentials from the server's demo routes, and small helpers around IMClient.
import type { IMClient } from '../src/sdk/client.js';

export type Theme = '' | 'light' | 'dark';

/** The twelve languages the elements speak, by their own names. */
export const LANGUAGES: ReadonlyArray<readonly [tag: string, name: string]> = [
  ['en', 'English'],
  ['zh-CN', '简体中文'],
  ['zh-TW', '繁體中文'],
  ['ja', '日本語'],
  ['ko', '한국어'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['pt-BR', 'Português (Brasil)'],
  ['ru', 'Русский'],
  ['ar', 'العربية'],
  ['hi', 'हिन्दी'],
];

const RTL = new Set(['ar']);

/** Display names of the demo's people (the elements show user ids unless told names). */
const NAMES: Record<string, string> = {
  alice: 'Alice',
  bob: 'Bob',
  carol: 'Carol',
  maria: 'María',
  kenji: 'Kenji',
  amara: 'Amara',
  lucas: 'Lucas',
  dave: 'Dave',
  newcomer: 'Newcomer',
};
export const nameOf = (userId: string): string => NAMES[userId] ?? userId;

/** A profile picture: a head and shoulders on a colour (a real site links its users' photos). */
const picture = (background: string, figure: string): string =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${background}"/><circle cx="32" cy="25" r="12" fill="${figure}"/><path d="M9 64c2-15 12-23 23-23s21 8 23 23z" fill="${figure}"/></svg>`,
  )}`;

/** Pictures of some of the demo's people; the others keep their initials. */
const PICTURES: Record<string, string> = {
  carol: picture('#f2c14e', '#7a4b27'),
  kenji: picture('#8ecae6', '#1d3557'),
};
export const avatarOf = (userId: string): string | undefined => PICTURES[userId];

// ---- credentials (demo routes only: a real site gets these from its own backend) -------------

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  const body = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `${path}: HTTP ${response.status}`);
  return body;
}

/** A user ticket for anyone (GET /demo/ticket). */
export async function demoTicket(userId: string): Promise<string> {
  return (await getJson<{ ticket: string }>(`/demo/ticket?userId=${encodeURIComponent(userId)}`)).ticket;
}

/** A room token (GET /demo/room-token binds the room on first use). */
/** A room token from the demo route; with `userId`, bound to that user (as a site's backend would bind it). */
export async function demoRoomToken(roomId: string, userId?: string): Promise<string> {
  const user = userId === undefined ? '' : `&userId=${encodeURIComponent(userId)}`;
  return (await getJson<{ token: string }>(`/demo/room-token?roomId=${encodeURIComponent(roomId)}${user}`)).token;
}

// ---- client helpers ----------------------------------------------------------------------------

/**
 * Resolves after the client's next "connected" (the catch-up after connecting is done, so its
 * conversation list is in sync). Attach it before calling connect().
 */
export function nextConnected(client: IMClient, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      offState();
      reject(new Error(`${client.userId}: not connected after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const off = client.on('connected', () => {
      clearTimeout(timer);
      off();
      offState();
      resolve();
    });
    const offState = client.on('state', ({ state, reason }) => {
      if (state !== 'kicked' && !(state === 'disconnected' && reason)) return;
      clearTimeout(timer);
      off();
      offState();
      reject(new Error(`${client.userId}: ${reason?.message ?? state}`));
    });
  });
}

// ---- page header: links and controls, all kept in the URL so every view can be linked -------

export interface Controls {
  theme: Theme;
  lang: string;
  width: string;
}

interface HeaderOptions {
  page: 'playground' | 'catalogue';
  title: string;
  intro: string;
  /** Width choices: [value, label]; the first is the default. */
  widths: ReadonlyArray<readonly [string, string]>;
  onChange: (controls: Controls) => void;
}

const PAGES = [
  ['playground', './', 'Playground'],
  ['catalogue', './catalogue.html', 'Catalogue'],
  ['embed', './embed.html', 'Script-tag embed'],
] as const;

function option(value: string, label: string, selected: string): HTMLOptionElement {
  const element = new Option(label, value);
  element.selected = value === selected;
  return element;
}

function select(name: string, label: string, options: ReadonlyArray<readonly [string, string]>, value: string): HTMLLabelElement {
  const wrapper = document.createElement('label');
  wrapper.append(label);
  const element = document.createElement('select');
  element.name = name;
  element.append(...options.map(([v, l]) => option(v, l, value)));
  wrapper.append(element);
  return wrapper;
}

/** Reads the controls from the URL. */
export function readControls(widths: ReadonlyArray<readonly [string, string]>): Controls {
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme');
  const lang = params.get('lang') ?? 'en';
  const width = params.get('width') ?? widths[0]![0];
  return {
    theme: theme === 'light' || theme === 'dark' ? theme : '',
    lang: LANGUAGES.some(([tag]) => tag === lang) ? lang : 'en',
    width: widths.some(([value]) => value === width) ? width : widths[0]![0],
  };
}

/** Renders the page header into `<header class="top">` and calls `onChange` now and on every change. */
export function setUpHeader(options: HeaderOptions): Controls {
  const header = document.querySelector<HTMLElement>('header.top')!;
  const controls = readControls(options.widths);

  const brand = document.createElement('div');
  brand.className = 'brand';
  brand.innerHTML = '<span class="logo" aria-hidden="true"></span><span>IM Elements</span>';

  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Demo pages');
  for (const [page, href, label] of PAGES) {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = label;
    if (page === options.page) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }

  const form = document.createElement('form');
  form.className = 'controls';
  form.setAttribute('aria-label', 'View options');
  form.append(
    select('theme', 'Theme', [['', 'System'], ['light', 'Light'], ['dark', 'Dark']], controls.theme),
    select('lang', 'Language', LANGUAGES, controls.lang),
    select('width', 'Width', options.widths, controls.width),
  );
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', () => {
    const data = new FormData(form);
    const next: Controls = {
      theme: (String(data.get('theme') ?? '') as Theme) || '',
      lang: String(data.get('lang') ?? 'en'),
      width: String(data.get('width') ?? options.widths[0]![0]),
    };
    const params = new URLSearchParams(location.search);
    for (const [key, value, fallback] of [
      ['theme', next.theme, ''],
      ['lang', next.lang, 'en'],
      ['width', next.width, options.widths[0]![0]],
    ] as const) {
      if (value === fallback) params.delete(key);
      else params.set(key, value);
    }
    const query = params.toString();
    history.replaceState(null, '', query ? `?${query}` : location.pathname);
    apply(next);
  });

  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.append(brand, nav);
  const intro = document.createElement('div');
  intro.className = 'intro';
  intro.innerHTML = `<h1></h1><p></p>`;
  intro.querySelector('h1')!.textContent = options.title;
  intro.querySelector('p')!.textContent = options.intro;
  const row = document.createElement('div');
  row.className = 'intro-row';
  row.append(intro, form);
  header.replaceChildren(bar, row);

  const apply = (next: Controls) => {
    // The page's own colours follow the theme too.
    if (next.theme) document.documentElement.dataset.theme = next.theme;
    else delete document.documentElement.dataset.theme;
    options.onChange(next);
  };
  apply(controls);
  return controls;
}

/**
 * Applies theme and language to a part of the page: `lang` (and `dir`) on the container, which
 * the elements follow, and `theme` on every IM element inside (removed for "System").
 */
export function applyLook(container: HTMLElement, { theme, lang }: Pick<Controls, 'theme' | 'lang'>): void {
  container.lang = lang;
  container.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  for (const element of container.querySelectorAll('im-chat, im-conversation-list, im-message, im-composer, im-emoji-picker')) {
    if (theme) element.setAttribute('theme', theme);
    else element.removeAttribute('theme');
  }
}

/** The same for several parts of the page (the demo's own English text stays as it is). */
export function applyLookAll(containers: Iterable<HTMLElement>, controls: Pick<Controls, 'theme' | 'lang'>): void {
  for (const container of containers) applyLook(container, controls);
}

/** Shows an error on the page (and in the console, where the end-to-end test looks). */
export function showError(where: HTMLElement, context: string, error: unknown): void {
  console.error(`demo: ${context}`, error);
  const note = document.createElement('p');
  note.className = 'note error';
  note.setAttribute('role', 'alert');
  note.textContent = `${context}: ${error instanceof Error ? error.message : String(error)}`;
  where.prepend(note);
}
