#!/usr/bin/env node
// Makes sure a Chromium is available for the browser tests: CHROME_PATH, the system's, or
// Playwright's. Without one it tries to get one (the system package manager when run as root,
// else Playwright's download) and otherwise says how to get one and fails.
import { execSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

function run(command) {
  console.log(`$ ${command}`);
  execSync(command, { stdio: 'inherit' });
}

let path = findChromium();
if (!path && process.getuid?.() === 0) {
  try {
    if (execSync('command -v apt-get || true').toString().trim()) {
      run('apt-get update -qq');
      run('DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
    } else if (execSync('command -v apk || true').toString().trim()) {
      run('apk add --no-cache chromium');
    } else if (execSync('command -v dnf || true').toString().trim()) {
      run('dnf install -y chromium');
    }
  } catch {
    console.error('Installing Chromium with the system package manager failed.');
  }
  path = findChromium();
}
if (!path) {
  try {
    run('npx --yes playwright-core install chromium');
  } catch {
    console.error("Playwright's browser download failed.");
  }
  path = findChromium();
}
if (!path) {
  console.error(
    [
      'No Chromium found for the browser tests. Any of these fixes it:',
      '  - Debian/Ubuntu: sudo apt-get install chromium',
      '  - macOS: install Google Chrome, then CHROME_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" npm test',
      '  - anywhere with internet: npx playwright-core install chromium',
      '  - or point CHROME_PATH at any Chromium or Chrome binary.',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`Chromium: ${path}`);
