#!/usr/bin/env node
// Usage: node scripts/screenshot.mjs <url> <out.png> [width] [height] [--interact]
// Takes a screenshot of a page with the machine's Chromium (for looking at the demo).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const [url, out, width = '1280', height = '800'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
await page.goto(url, { waitUntil: 'networkidle' });
if (process.argv.includes('--interact')) {
  const inputs = page.locator('im-chat textarea');
  await inputs.nth(0).fill('Hi Bob! Did the slides arrive?');
  await inputs.nth(0).press('Enter');
  await page.waitForTimeout(300);
  await inputs.nth(1).fill('Yes, thanks.\nStarting in 5 minutes <b>not bold</b>');
  await inputs.nth(1).press('Enter');
  await page.waitForTimeout(500);
}
await page.screenshot({ path: out });
await browser.close();
