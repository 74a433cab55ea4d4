#!/usr/bin/env node
// Screenshot of an HTML brief in headless Chromium (the one in docs/ is the golden run's):
//   node scripts/screenshot-brief.js <brief.html> <out.png> [width]
// Network is refused: the page is self-contained, so nothing should be requested.
import {readFileSync} from 'node:fs';
import {chromium} from 'playwright-core';

const [input, output, width = '1200'] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/screenshot-brief.js <brief.html> <out.png> [width]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({viewport: {width: Number(width), height: 900}});
  let requests = 0;
  await page.route('**/*', (route) => {
    requests++;
    return route.abort();
  });
  await page.setContent(readFileSync(input, 'utf8'), {waitUntil: 'load'});
  await page.screenshot({path: output, fullPage: true});
  console.log(`wrote ${output}${requests ? ` (${requests} request(s) refused)` : ''}`);
} finally {
  await browser.close();
}
