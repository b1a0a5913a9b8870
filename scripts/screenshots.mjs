#!/usr/bin/env node
// npm run screenshots: builds the app, imports tests/fixtures/library and a few of tests/fixtures/media in headless
// Chromium and writes the README's pictures to docs/: the library (light and dark), a facet in use, the player.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const media = ['4k.mp4', 'av1.mkv', 'h264.mp4', 'portrait.mp4', 'scenes.mp4', 'vfr.mp4', 'vp9.webm'];
const outDir = join(root, '.bench', 'dist-shots');
buildApp(outDir, { logLevel: 'error' });
const server = await serveBuilt(outDir);
const browser = await launchChromium();
const work = mkdtempSync(join(tmpdir(), 'ff-shots-'));
const clips = join(work, 'clips');
mkdirSync(clips);
for (const name of media) cpSync(join(root, 'tests/fixtures/media', name), join(clips, name));

/** Imports both folders and waits until every video has its poster and strip. */
async function importLibrary(page) {
  const choose = page.getByLabel('Choose a folder of videos').first();
  await choose.setInputFiles(join(root, 'tests/fixtures/library'));
  await page.getByRole('status').filter({ hasText: 'Scan finished' }).waitFor();
  await choose.setInputFiles(clips);
  await page
    .getByRole('status')
    .filter({ hasText: `Scan finished: ${media.length} videos` })
    .waitFor();
  for (let t = Date.now(); Date.now() - t < 120_000; await page.waitForTimeout(250)) {
    const c = await page.evaluate(() => window.framefinder.catalog.jobCounts());
    if (c.queued + c.running === 0) break;
  }
}

/** Some tags and a collection, so the sidebar shows them. */
async function organise(page) {
  await page.evaluate(async () => {
    const db = window.framefinder.catalog;
    const videos = await db.listVideos({});
    const id = (name) => videos.find((v) => v.name === name).id;
    await db.tagVideos([id('sunrise.mp4'), id('clouds.webm'), id('beach day.mp4')], ['Sky']);
    await db.tagVideos([id('beach day.mp4'), id('Café Ünïcode.mov')], ['Trip 2024']);
    const picks = await db.createCollection('Favourites');
    await db.addToCollection(picks.id, [id('scenes.mp4'), id('sunrise.mp4'), id('4k.mp4')]);
    window.framefinder.state.catalog.touch();
  });
  await page.getByRole('button', { name: 'Favourites: 3 videos' }).waitFor();
}

/** Waits until the cards on screen show their posters. */
async function postersShown(page) {
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('[role=gridcell]')].filter((c) => !c.querySelector('.badge'));
    return cards.length > 0 && cards.every((c) => c.querySelector('img')?.complete);
  });
  await page.waitForTimeout(300);
}

try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: scheme });
    await page.goto(server.url);
    await importLibrary(page);
    await organise(page);
    await page.getByRole('button', { name: /^All videos/ }).click();
    await postersShown(page);
    await page.screenshot({ path: join(root, 'docs', scheme === 'light' ? 'library.png' : 'library-dark.png') });

    if (scheme === 'light') {
      // A facet in use: two formats, with the counts of the other facets following.
      const format = (label) =>
        page
          .getByRole('region', { name: 'Format', exact: true })
          .getByRole('button', { name: new RegExp(`^${label}:`) });
      await format('MP4 · H.264').click();
      await page.getByRole('region', { name: 'Resolution', exact: true }).getByRole('button', { name: /^SD:/ }).click();
      await page.getByRole('list', { name: 'Filters in use' }).waitFor();
      await page.getByRole('gridcell', { name: 'scenes.mp4' }).click({ position: { x: 12, y: 12 } });
      await page
        .getByRole('gridcell', { name: 'sunrise.mp4' })
        .click({ position: { x: 12, y: 12 }, modifiers: ['Shift'] });
      await postersShown(page);
      await page.screenshot({ path: join(root, 'docs', 'facet.png') });

      // The player at a scene, paused, with its scenes and details.
      await page.getByRole('button', { name: /^All videos/ }).click();
      await page.getByRole('gridcell', { name: 'scenes.mp4' }).click({ position: { x: 12, y: 12 } });
      await page.keyboard.press('Enter');
      const player = page.getByRole('dialog', { name: 'Player' });
      await player.getByRole('button', { name: /^Scene 3 of 4/ }).click();
      await player.locator('video').evaluate((v) => v.pause());
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(root, 'docs', 'player.png') });
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
