import '../src/index.js';

const form = document.querySelector<HTMLFormElement>('#controls')!;
const params = new URLSearchParams(location.search);

async function join(room: string, theme: string): Promise<void> {
  // Demo only: the server binds the room for us. A real site gets the token from its backend.
  const response = await fetch(`/demo/room-token?roomId=${encodeURIComponent(room)}`);
  const body = (await response.json()) as { token?: string; error?: { message: string } };
  if (!response.ok || !body.token) throw new Error(body.error?.message ?? 'cannot get a room token');
  for (const provider of document.querySelectorAll('im-provider')) {
    provider.setAttribute('token', body.token);
  }
  for (const chat of document.querySelectorAll('im-chat')) {
    if (theme) chat.setAttribute('theme', theme);
    else chat.removeAttribute('theme');
  }
  document.documentElement.dataset.theme = theme;
}

form.room.value = params.get('room') ?? 'demo';
form.theme.value = params.get('theme') ?? '';
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = new URLSearchParams({ room: form.room.value, theme: form.theme.value });
  history.replaceState(null, '', `?${next}`);
  void join(form.room.value, form.theme.value);
});
void join(form.room.value, form.theme.value);
