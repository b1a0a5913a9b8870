#!/usr/bin/env node
// npm run screenshots: builds the app, imports tests/fixtures/library in headless Chromium and writes
// the README's pictures to docs/ (light and dark).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { findChromium } from './find-chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.bench', 'dist-shots');
const built = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
  { cwd: root, stdio: 'inherit' },
);
if (built.status !== 0) process.exit(1);

const server = await preview({ root, logLevel: 'silent', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
const browser = await chromium.launch({
  executablePath: await findChromium(),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 640 }, colorScheme: scheme });
    await page.goto(server.resolvedUrls.local[0]);
    await page.getByLabel('Choose a folder of videos').setInputFiles(join(root, 'tests/fixtures/library'));
    await page.getByRole('status').filter({ hasText: 'Scan finished' }).waitFor();
    // Posters and strips come from the job queue: wait until it has nothing left to do.
    for (let t = Date.now(); Date.now() - t < 60_000; await page.waitForTimeout(250)) {
      const c = await page.evaluate(() => window.framefinder.catalog.jobCounts());
      if (c.queued + c.running === 0) break;
    }
    await page.getByRole('button', { name: /^trips, / }).click();
    await page.getByRole('button', { name: /^2024, / }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(root, 'docs', scheme === 'light' ? 'library.png' : 'library-dark.png') });
    await page.close();
  }
} finally {
  await browser.close();
  server.httpServer.close();
}
