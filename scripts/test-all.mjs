#!/usr/bin/env node
// `npm test`: builds the bundle, runs the Node suites (server + end-to-end) and the browser
// suites (SDK + elements in Chromium), then prints one line summing them: "N passed, N failed".
// `node scripts/test-all.mjs node` or `... browser` runs one side only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
const tmp = '.tmp';
mkdirSync(tmp, { recursive: true });

function run(command, args, env = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(dir, file))
    .sort();
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (label, counts) => {
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
};

if (run('npm', ['run', '--silent', 'build']) !== 0) {
  console.log('build failed');
  totals.failed += 1;
} else {
  // The embed's size budget (issue: "CI fails if the embed exceeds 90 KB gzipped").
  add('bundle budget', run(process.execPath, ['scripts/bundle-size.mjs', '--check']) === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 });
  if (only !== 'browser') {
    const tap = join(tmp, 'node-tests.tap');
    rmSync(tap, { force: true });
    const files = [...testFiles('test/server'), ...testFiles('test/security'), ...testFiles('test/reliability'), ...testFiles('test/e2e')];
    const status = run(process.execPath, [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ]);
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const counts = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skip') + count('todo') };
    if (status !== 0 && counts.failed === 0) counts.failed = 1;
    add('node suites', counts);
  }
  if (only !== 'node') {
    const summary = join(tmp, 'wtr-summary.json');
    rmSync(summary, { force: true });
    let status = run(process.execPath, ['scripts/ensure-chromium.mjs']);
    if (status === 0) status = run('npx', ['web-test-runner'], { IM_WTR_SUMMARY: summary });
    const counts = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : { passed: 0, failed: 0, skipped: 0 };
    if (status !== 0 && counts.failed === 0) counts.failed = 1;
    add('browser suites', counts);
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
