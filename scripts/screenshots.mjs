#!/usr/bin/env node
// npm run screenshots: builds the app, imports tests/fixtures/library in headless Chromium and writes
// the README's pictures to docs/ (light and dark).
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const outDir = join(root, '.bench', 'dist-shots');
buildApp(outDir, { logLevel: 'error' });
const server = await serveBuilt(outDir);
const browser = await launchChromium();
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 640 }, colorScheme: scheme });
    await page.goto(server.url);
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
  await server.close();
}
