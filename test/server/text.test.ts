/**
 * Names others see cannot hide what they are: control and bidirectional formatting characters
 * are removed, emoji sequences are kept. Unit tests of `cleanText`, then a file name through the
 * real upload route.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { FileInfo } from '../../src/protocol/models.js';
import { cleanText } from '../../src/protocol/text.js';
import { cleanup, startServer, ticketFor, type TestServer } from './helpers.js';

afterEach(cleanup);

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

const C0 = range(0x00, 0x1f);
const C1 = [0x7f, ...range(0x80, 0x9f)];
const BIDI = [0x200e, 0x200f, 0x061c, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];

describe('cleanText', () => {
  for (const [label, codes] of [
    ['C0 controls', C0],
    ['DEL and C1 controls', C1],
    ['bidirectional formatting characters', BIDI],
  ] as const) {
    test(`removes every one of the ${label}`, () => {
      for (const code of codes) {
        const char = String.fromCodePoint(code);
        assert.equal(cleanText(`ab${char}cd`), 'abcd', hex(code));
        assert.equal(cleanText(`${char}${char}x${char}`), 'x', `${hex(code)} at the ends`);
      }
    });
  }

  test('an override cannot make "exe" read as "jpg"', () => {
    assert.equal(cleanText('invoice\u202Egpj.exe'), 'invoicegpj.exe');
    assert.equal(cleanText('\u2067report\u2069\u200F.pdf.exe'), 'report.pdf.exe');
  });

  test('keeps emoji sequences (ZWJ, variation selectors, skin tones, flags) and ordinary text of any script', () => {
    for (const text of ['👩‍👩‍👧‍👦', '❤️', '👍🏽', '🏳️‍🌈', '🇨🇳', '报告 2026', 'שלום עולם', 'مرحبا', 'naïve café']) {
      assert.equal(cleanText(text), text, text);
    }
    assert.ok(cleanText('a\u200Db').includes('\u200D'), 'ZWJ stays');
    assert.ok(cleanText('\u2764\uFE0F').includes('\uFE0F'), 'VS16 stays');
  });

  test('trims, and never leaves half a surrogate pair', () => {
    assert.equal(cleanText('  \t name \u202E '), 'name');
    assert.equal(cleanText('a\uD83Db'), 'a\uFFFDb');
    assert.equal(cleanText('a\uDE00'), 'a\uFFFD');
    assert.equal(cleanText('😀'), '😀');
  });
});

async function upload(server: TestServer, name: string): Promise<FileInfo> {
  const form = new FormData();
  form.append('file', new Blob(['MZ fake executable']), name);
  const response = await fetch(`${server.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await ticketFor(server, 'alice')}` },
    body: form,
  });
  assert.equal(response.status, 201);
  return (await response.json()) as FileInfo;
}

describe('uploaded file names', () => {
  test('lose bidirectional overrides, in the record and in Content-Disposition', async () => {
    const server = await startServer();
    const file = await upload(server, 'invoice\u202Egpj.exe');
    assert.equal(file.name, 'invoicegpj.exe');
    const served = await fetch(`${server.url}${file.url}`);
    assert.equal(served.status, 200);
    const disposition = served.headers.get('content-disposition')!;
    assert.match(disposition, /filename\*=UTF-8''invoicegpj\.exe$/);
    assert.doesNotMatch(disposition, /%E2%80%AE/i, 'no RLO in the encoded name either');
  });

  test('a name cut to the length limit is not cut inside an emoji, and is still served', async () => {
    const server = await startServer();
    const file = await upload(server, `${'a'.repeat(195)}${'😀'.repeat(10)}.txt`);
    assert.equal(file.name, `${'a'.repeat(195)}.txt`);
    const served = await fetch(`${server.url}${file.url}`);
    assert.equal(served.status, 200);
  });
});
