#!/usr/bin/env node
// npm run bench:scan -- [--files 10000] [--video-share 0.8] [--no-build]
//
// Builds the app into .bench/dist, serves it, and in headless system Chromium:
//   1. generates a tree of --files files in OPFS (nested folders, 80% with video extensions, small bodies),
//   2. imports it through "Open folder" (showDirectoryPicker stubbed to return that OPFS folder),
//   3. times the first scan, then a rescan of the unchanged tree,
// while a PerformanceObserver counts main-thread tasks over 50 ms. Prints one JSON line.
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const files = Number(arg('files', 10_000));
const videoShare = Number(arg('video-share', 0.8));
const outDir = join(root, '.bench', 'dist');

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const url = server.url;
const browser = await launchChromium();

try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('bench-tree', { create: true });
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await page.getByRole('button', { name: 'Open folder' }).first().waitFor();

  const made = await page.evaluate(
    async ({ files, videoShare }) => {
      const start = performance.now();
      const rootDir = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-tree', { create: true });
      const exts = ['mp4', 'MOV', 'mkv', 'webm', 'avi', 'ts'];
      const body = new Uint8Array(2048);
      let videos = 0;
      const dirs = new Map();
      for (let i = 0; i < files; i++) {
        const path = `year-${2010 + (i % 12)}/month-${(i >> 4) % 12}`;
        let dir = dirs.get(path);
        if (!dir) {
          const [a, b] = path.split('/');
          dir = await (await rootDir.getDirectoryHandle(a, { create: true })).getDirectoryHandle(b, { create: true });
          dirs.set(path, dir);
        }
        const isVideo = (i * 7919) % 1000 < videoShare * 1000;
        if (isVideo) videos += 1;
        const name = isVideo ? `clip ${i}.${exts[i % exts.length]}` : `note-${i}.txt`;
        body[0] = i & 255;
        body[1] = (i >> 8) & 255;
        const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await w.write(body.subarray(0, 1024 + (i % 1024)));
        await w.close();
      }
      return { videos, ms: performance.now() - start };
    },
    { files, videoShare },
  );

  const status = page.getByRole('status').filter({ hasText: /Scan finished/ });
  const timeScan = async (start) => {
    await page.evaluate(() => (window.__longTasks = []));
    const t0 = Date.now();
    await start();
    await status.waitFor({ timeout: 600_000 });
    const ms = Date.now() - t0;
    const tasks = await page.evaluate(() => window.__longTasks);
    return { ms, tasks };
  };

  const first = await timeScan(() => page.getByRole('button', { name: 'Open folder' }).first().click());
  const shown = await page.evaluate(() => window.framefinder.catalog.countVideos({}));
  // Let the first scan's status fade into the next one: the rescan replaces it.
  const rescan = await timeScan(async () => {
    await page.getByRole('button', { name: /^Rescan / }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Scanning|Updating/ })
      .waitFor({ timeout: 10_000 })
      .catch(() => {});
  });
  const all = [...first.tasks, ...rescan.tasks];
  const result = {
    files,
    videos: made.videos,
    catalogued: shown,
    tree_write_ms: Math.round(made.ms),
    scan_ms: first.ms,
    files_per_s: Math.round(files / (first.ms / 1000)),
    rescan_unchanged_ms: rescan.ms,
    longest_task_ms: Math.round(Math.max(0, ...all)),
    long_tasks: all.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (shown !== made.videos) {
    process.stderr.write(`catalog has ${shown} videos, the tree ${made.videos}\n`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
