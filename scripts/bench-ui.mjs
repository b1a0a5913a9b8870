#!/usr/bin/env node
// npm run bench:ui -- [--videos 10000] [--no-build]
//
// Builds the app into .bench/dist-ui, serves it, and in headless system Chromium:
//   1. makes a synthetic library of --videos videos through the catalog worker's own methods (a scan's rows, then
//      probe results spread over years, durations, resolutions and formats), with real posters and scrub strips:
//      a few dozen images drawn once, written to the blob store for every video,
//   2. loads the app afresh and times the first paint of the library (navigation → first card with its name),
//   3. times a facet (click → the grid shows its videos) and a name filter (input → shown),
//   4. scrolls the whole grid, a quarter of a screen per frame, while a PerformanceObserver records main-thread
//      tasks over 50 ms (longest_task_ms, long_tasks); then flings through it, a screen per frame (fling_*).
// Prints one JSON line.
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const videos = Number(arg('videos', 10_000));
const outDir = join(root, '.bench', 'dist-ui');

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
    // The first frame that shows a card with its video's name: the library's first paint.
    const look = (t) => {
      if (document.querySelector('[role=gridcell] .name:not(.loading)')) window.__firstPaint = t;
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => window.framefinder?.state.catalog.role === 'writer', undefined, { timeout: 30_000 });

  const made = await page.evaluate(makeLibrary, videos);
  // What the library takes in the browser's storage (catalog slots, posters, strips), beside the quota: at 100,000
  // videos this save has failed with QuotaExceededError (issue 16).
  const estimate = () => page.evaluate(() => navigator.storage.estimate());
  try {
    await page.evaluate(() => window.framefinder.catalog.flush());
  } catch (err) {
    const { usage, quota } = await estimate();
    process.stderr.write(`saving the catalog failed with ${usage} bytes of storage in use, quota ${quota}\n`);
    throw err;
  }
  const storage = await estimate();

  // A fresh load of the app with the library in place.
  await page.goto(server.url);
  await page.waitForFunction(() => window.__firstPaint !== undefined, undefined, { timeout: 60_000 });
  const firstPaint = await page.evaluate(() => window.__firstPaint);
  await page.waitForFunction(
    (n) => document.querySelector('main h1 + [aria-live]')?.textContent?.trim() === n,
    `${videos.toLocaleString('en-US')} videos`,
  );

  /** Runs `act` in the page and resolves at the first frame where `done` holds: ms from the action to that frame. */
  const timed = (act, done) =>
    page.evaluate(
      ({ act, done }) =>
        new Promise((resolve, reject) => {
          const start = performance.now();
          new Function(act)();
          const test = new Function(`return (${done})`);
          const check = (t) => {
            if (test()) resolve(t - start);
            else if (performance.now() - start > 20_000) reject(new Error(`not shown: ${done}`));
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
      { act, done },
    );
  const summaryIs = (text) =>
    `document.querySelector('main h1 + [aria-live]')?.textContent?.trim() === ${JSON.stringify(text)}`;
  const count = (n) => `${n.toLocaleString('en-US')} video${n === 1 ? '' : 's'}`;
  await page.waitForTimeout(3000); // let the start-up work (job queue, search index) settle

  const facetButton = `[...document.querySelectorAll('nav button[aria-pressed]')].find((b) => b.getAttribute('aria-label')?.startsWith('720p:'))`;
  const facet = await timed(`${facetButton}.click()`, summaryIs(count(made.p720)));
  await page.waitForTimeout(300);
  await timed(`${facetButton}.click()`, summaryIs(count(videos)));
  await page.waitForTimeout(300);

  const term = 'clip 12';
  const filter = await timed(
    `const input = document.querySelector('input[aria-label="Filter videos by name"]');
     input.value = ${JSON.stringify(term)};
     input.dispatchEvent(new Event('input', { bubbles: true }));`,
    summaryIs(`${count(made.matching)} matching “${term}”`),
  );
  await timed(
    `const input = document.querySelector('input[aria-label="Filter videos by name"]');
     input.value = '';
     input.dispatchEvent(new Event('input', { bubbles: true }));`,
    summaryIs(count(videos)),
  );
  await page.waitForTimeout(500);

  // Scroll the whole grid from top to bottom, `share` of a screen per frame, then back to the top.
  const scrollWhole = (share) =>
    page.evaluate(async (share) => {
      const scroller = document.querySelector('[role=grid]').parentElement;
      scroller.scrollTop = 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      window.__longTasks = [];
      const start = performance.now();
      let frames = 0;
      await new Promise((resolve) => {
        const step = () => {
          frames += 1;
          const end = scroller.scrollHeight - scroller.clientHeight;
          scroller.scrollTop = Math.min(end, scroller.scrollTop + scroller.clientHeight * share);
          if (scroller.scrollTop >= end) resolve();
          else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      // Let the last screen's cards and posters arrive.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const cells = [...document.querySelectorAll('[role=gridcell]')];
      return {
        ms: performance.now() - start,
        frames,
        lastIndex: Math.max(...cells.map((c) => Number(c.dataset.index))),
        posters: document.querySelectorAll('[role=gridcell] img').length,
        cards: cells.length,
        tasks: window.__longTasks,
      };
    }, share);
  // A steady fast scroll (a quarter of a screen a frame, some 12,000 px/s): cards fill in and posters load on
  // the way. Then a fling through it all, a screen a frame.
  const scroll = await scrollWhole(0.25);
  const fling = await scrollWhole(1);

  const result = {
    videos,
    first_paint_ms: Math.round(firstPaint),
    facet_ms: Math.round(facet),
    filter_ms: Math.round(filter),
    longest_task_ms: Math.round(Math.max(0, ...scroll.tasks)),
    long_tasks: scroll.tasks.length,
    scroll_ms: Math.round(scroll.ms),
    scroll_frames: scroll.frames,
    cards_in_dom: scroll.cards,
    posters_shown_at_end: scroll.posters,
    fling_longest_task_ms: Math.round(Math.max(0, ...fling.tasks)),
    fling_long_tasks: fling.tasks.length,
    fling_frames: fling.frames,
    setup_ms: made.ms,
    storage_bytes: storage.usage,
    quota_bytes: storage.quota,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (scroll.lastIndex !== videos - 1) {
    process.stderr.write(`the grid ended at video ${scroll.lastIndex + 1}, not ${videos}\n`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}

/**
 * Runs in the page: a library of `n` videos made with the catalog worker's methods, and posters and strips in the
 * blob store (drawn once, 36 of each, each video getting one of them). Returns how many are 720p and how many
 * match the filter term, for the timings to wait on.
 */
async function makeLibrary(n) {
  const start = performance.now();
  const db = window.framefinder.catalog;
  const lib = await db.addLibrary('Bench library', 'files');
  const exts = ['mp4', 'mov', 'mkv', 'webm'];
  const formats = { mp4: ['mp4', 'h264'], mov: ['mov', 'h264'], mkv: ['matroska', 'hevc'], webm: ['webm', 'vp9'] };
  const sizes = [
    [3840, 2160],
    [1920, 1080],
    [1280, 720],
    [640, 360],
    [1080, 1920],
  ];
  const spec = (i) => {
    const year = 2012 + (i % 12);
    const month = ((i >> 4) % 12) + 1;
    const ext = exts[i % exts.length];
    const r = (i * 7919) % 1000;
    return {
      path: `${year}/${String(month).padStart(2, '0')}/clip ${i}.${ext}`,
      ext,
      size: sizes[(i * 31) % sizes.length],
      duration: r < 400 ? 5 + (r % 55) : r < 700 ? 60 + r : r < 900 ? 300 + r : 1200 + r * 3,
      created: Date.UTC(year, month - 1, 1 + (i % 28), 12),
    };
  };
  const specs = Array.from({ length: n }, (_, i) => spec(i));
  for (let i = 0; i < n; i += 1000) {
    const ops = specs.slice(i, i + 1000).map((s, j) => ({
      kind: 'add',
      file: { path: s.path, size: 1_000_000 + (i + j) * 1000, modifiedAt: s.created + 86_400_000 },
    }));
    await db.applyScanOps(lib.id, ops);
  }
  await db.finishScan(lib.id);
  // Nothing to index: these files are not real (the library is not readable here anyway).
  await db.cancelAllJobs();
  const rows = await db.listVideos({ libraryId: lib.id });
  const byPath = new Map(rows.map((v) => [v.path, v.id]));

  // Posters and strips: 36 of each, drawn once.
  const draw = async (w, h, frames, seed) => {
    const canvas = new OffscreenCanvas(w * frames, h);
    const ctx = canvas.getContext('2d');
    for (let f = 0; f < frames; f++) {
      const hue = (seed * 37 + f * 11) % 360;
      const g = ctx.createLinearGradient(f * w, 0, f * w + w, h);
      g.addColorStop(0, `hsl(${hue} 70% 55%)`);
      g.addColorStop(1, `hsl(${(hue + 60) % 360} 60% 30%)`);
      ctx.fillStyle = g;
      ctx.fillRect(f * w, 0, w, h);
      ctx.fillStyle = 'rgba(255,255,255,0.8)';
      ctx.font = `${Math.round(h / 4)}px sans-serif`;
      ctx.fillText(`#${seed} · ${f + 1}`, f * w + w / 10, h / 1.8);
    }
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
    return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type };
  };
  const posters = [];
  const strips = [];
  for (let k = 0; k < 36; k++) {
    posters.push(await draw(320, 180, 1, k));
    strips.push(await draw(160, 90, 10, k));
  }
  const root = await navigator.storage.getDirectory();
  const blobs = await root.getDirectoryHandle('blobs', { create: true });
  const put = async (key, bytes) => {
    const w = await (await blobs.getFileHandle(key, { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
  };
  let p720 = 0;
  let matching = 0;
  const work = specs.map((s, i) => async () => {
    const id = byPath.get(s.path);
    const [container, codec] = formats[s.ext];
    const [width, height] = s.size;
    if (Math.min(width, height) === 720) p720 += 1;
    if (`clip ${i}.${s.ext}`.includes('clip 12')) matching += 1;
    await db.saveProbe(
      id,
      {
        duration: s.duration,
        width,
        height,
        fps: 30,
        videoCodec: codec,
        audioCodec: 'aac',
        container,
        bitrate: 4_000_000,
        rotation: 0,
        hasAudio: true,
        createdAt: s.created,
      },
      'webcodecs',
    );
    const poster = posters[i % posters.length];
    const strip = strips[i % strips.length];
    await put(`poster-${id}`, poster.bytes);
    await put(`strip-${id}`, strip.bytes);
    await db.saveThumbnail({
      videoId: id,
      kind: 'poster',
      mime: poster.mime,
      width: 320,
      height: 180,
      frameCount: 1,
      time: 1,
    });
    await db.saveThumbnail({
      videoId: id,
      kind: 'strip',
      mime: strip.mime,
      width: 160,
      height: 90,
      frameCount: 10,
      time: null,
    });
  });
  // A few at a time: OPFS writes overlap, the catalog worker takes the calls in turn.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < work.length) await work[next++]();
    }),
  );
  return { ms: Math.round(performance.now() - start), p720, matching };
}
