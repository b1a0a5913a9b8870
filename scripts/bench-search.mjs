#!/usr/bin/env node
// npm run bench:search -- [--frames 100000] [--queries 200] [--no-build] [--drop]
//
// Builds the app into .bench/dist-search, serves it, and in headless system Chromium:
//   1. writes --frames synthetic fingerprints into OPFS as the search worker's own segment files (1,000 frames
//      per video, slowly drifting like real footage), and has the app's search worker load them;
//   2. runs --queries image-style queries in the worker: half are re-encoded copies of indexed frames (20 bits
//      flipped), half match nothing; prints the median and 95th percentile of the worker's time per query;
//   3. reports the index's memory per frame (typed-array bytes over frames).
// With --drop it then imports tests/fixtures/search/library, waits for indexing, drops a frame grabbed from one
// of its videos between two sampled frames on the window and times the drop until "Search results" lists a video
// (drop_to_results_ms), until the top result's moment is refined to the exact frame (drop_to_refined_ms) and until
// every refined result's is (drop_to_all_refined_ms), with how far the shown moment is from the frame's time.
// Prints one JSON line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const frames = Number(arg('frames', 100_000));
const queries = Number(arg('queries', 200));
const outDir = join(root, '.bench', 'dist-search');
const libraryDir = join(root, 'tests/fixtures/search/library');

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const round = (x) => Math.round(x * 100) / 100;

try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('bench-library', { create: true });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => 'framefinder' in window);

  const r = await page.evaluate(
    async ({ frames, queries }) => {
      // mulberry32, so every run indexes and asks the same things.
      let seed = 12345;
      const random = () => {
        seed = (seed + 0x6d2b79f5) >>> 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const word = () => (random() * 4294967296) >>> 0;
      const flip = (f, bits) => {
        const out = f.slice();
        for (let i = 0; i < bits; i++) {
          const b = Math.floor(random() * 256);
          out[b >> 5] ^= 1 << (b & 31);
        }
        return out;
      };
      const perVideo = 1000;
      // Far above any real catalog id, so the synthetic videos never stand for a real one.
      const firstId = 1_000_000;
      const blobs = await (await navigator.storage.getDirectory()).getDirectoryHandle('blobs', { create: true });
      const writeStarted = performance.now();
      const kept = [];
      let file = 0;
      let writable = null;
      let written = 0;
      for (let v = 0; v * perVideo < frames; v++) {
        const n = Math.min(perVideo, frames - v * perVideo);
        // One chunk: 'FFCK', video id, then a FrameIndex segment (header, fingerprints, ids, times).
        const bytes = new ArrayBuffer(8 + 16 + n * 40);
        const view = new DataView(bytes);
        view.setUint32(0, 0x4b434646, true);
        view.setInt32(4, firstId + v, true);
        view.setUint32(8, 0x58494646, true);
        view.setUint32(12, 1, true);
        view.setUint32(16, n, true);
        view.setUint32(20, 8, true);
        const fps = new Uint32Array(bytes, 24, n * 8);
        const ids = new Int32Array(bytes, 24 + n * 32, n);
        const times = new Float32Array(bytes, 24 + n * 36, n);
        let f = Uint32Array.from({ length: 8 }, word);
        for (let i = 0; i < n; i++) {
          f = flip(f, 12);
          fps.set(f, i * 8);
          ids[i] = firstId + v;
          times[i] = i;
          if (random() < queries / 2 / frames) kept.push(f.slice());
        }
        if (!writable || written > 8 * 1024 * 1024) {
          if (writable) await writable.close();
          writable = await (await blobs.getFileHandle(`frames-999-${file++}`, { create: true })).createWritable();
          written = 0;
        }
        await writable.write(bytes);
        written += bytes.byteLength;
      }
      await writable?.close();
      const writeMs = performance.now() - writeStarted;

      const api = window.framefinder.search;
      const loadStarted = performance.now();
      const opened = await api.open();
      const loadMs = performance.now() - loadStarted;

      const asks = [];
      for (let i = 0; i < queries; i++)
        asks.push(
          i % 2 === 0 && kept.length ? flip(kept[(i / 2) % kept.length], 20) : Uint32Array.from({ length: 8 }, word),
        );
      const settings = { similarityThreshold: 0.77, minMatches: 3 };
      await api.searchFingerprints(asks.slice(0, 5), settings); // warm the JIT
      const { matches, ms } = await api.searchFingerprints(asks, settings);
      // Queries fetch down to a low floor (to judge weaker matches); a match counts at the default threshold.
      const sure = (m) => m.length > 0 && m[0].distance <= 51;
      const found = matches.filter((m, i) => i % 2 === 0 && sure(m)).length;
      const falseHits = matches.filter((m, i) => i % 2 === 1 && sure(m)).length;
      // A round trip as the page sees it: postMessage both ways included.
      const trips = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await api.searchFingerprints([asks[i]], settings);
        trips.push(performance.now() - t0);
      }
      const stats = await api.stats();
      return { writeMs, loadMs, opened, ms, found, falseHits, trips, stats };
    },
    { frames, queries },
  );

  const result = {
    frames: r.stats.frames,
    median_ms: round(median(r.ms)),
    p95_ms: round(p95(r.ms)),
    bytes_per_frame: round(r.stats.bytesPerFrame),
    round_trip_median_ms: round(median(r.trips)),
    load_ms: Math.round(r.loadMs),
    write_ms: Math.round(r.writeMs),
    queries,
    copies_found: `${r.found}/${Math.ceil(queries / 2)}`,
    unrelated_matched: r.falseHits,
  };

  if (process.argv.includes('--drop') && existsSync(libraryDir)) {
    Object.assign(result, await dropToResults(page));
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
}

/** Imports the search fixture library, then times an image drop until the first result is on screen. */
async function dropToResults(page) {
  const files = readdirSync(libraryDir, { recursive: true })
    .map(String)
    .filter((p) => /\.(mp4|webm|mkv|mov)$/.test(p))
    .map((p) => ({ path: relative(libraryDir, join(libraryDir, p)), bytes: [...readFileSync(join(libraryDir, p))] }));
  await page.evaluate(async (files) => {
    const rootDir = await (
      await navigator.storage.getDirectory()
    ).getDirectoryHandle('bench-library', { create: true });
    for (const { path, bytes } of files) {
      let dir = rootDir;
      const parts = path.split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
      const w = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
      await w.write(new Uint8Array(bytes));
      await w.close();
    }
  }, files);
  await page.getByRole('button', { name: 'Open folder' }).first().click();
  const started = Date.now();
  for (const deadline = Date.now() + 600_000; ;) {
    const c = await page.evaluate(() => window.framefinder.catalog.jobCounts());
    if (c.queued + c.running === 0 && c.done > 0) break;
    if (Date.now() > deadline) throw new Error(`Indexing did not finish: ${JSON.stringify(c)}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
  const indexMs = Date.now() - started;
  const first = files[0].path;
  const drop = await page.evaluate(async (path) => {
    const rootDir = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-library');
    let dir = rootDir;
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    const file = await (await dir.getFileHandle(parts.at(-1))).getFile();
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(file);
    await new Promise((ok) => (video.onloadeddata = ok));
    // Between the frames sampled at 5.0 and 5.5 s (the default interval): the index alone is a quarter second off.
    const presented = new Promise((ok) => {
      video.requestVideoFrameCallback((_now, meta) => ok(meta.mediaTime));
      setTimeout(() => ok(null), 2000);
    });
    video.currentTime = Math.min(5.24, video.duration / 2);
    await new Promise((ok) => (video.onseeked = ok));
    const frameTime = (await presented) ?? video.currentTime;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }));
    const t0 = performance.now();
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, clientX: 10, clientY: 10, cancelable: true }));
    const region = () => document.querySelector('[aria-label="Search results"]');
    const search = window.framefinder.state.search;
    // The moment shown (to the tenth on screen; read from the state at full precision).
    const shownTime = () => search.imageHits[0]?.times[0]?.time ?? NaN;
    while (!region()?.querySelector('li h3')) await new Promise((ok) => setTimeout(ok, 5));
    const resultsMs = performance.now() - t0;
    const sampledTime = shownTime();
    // Builds from before refinement have no `refining`: nothing more to wait for.
    const before = search.refining === undefined;
    // The top result's moment is refined once it says what the index answered (or refinement is over).
    while (search.refining && search.imageHits[0]?.sampledTime === undefined)
      await new Promise((ok) => setTimeout(ok, 5));
    const refinedMs = performance.now() - t0;
    const refinedTime = shownTime();
    while (search.refining || /finding the exact frame/.test(region()?.textContent ?? ''))
      await new Promise((ok) => setTimeout(ok, 5));
    const allMs = performance.now() - t0;
    return before
      ? { resultsMs, refinedMs: null, allMs: null, frameTime, sampledTime, refinedTime: null }
      : { resultsMs, refinedMs, allMs, frameTime, sampledTime, refinedTime };
  }, first);
  const off = (t) => Math.round(Math.abs(t - drop.frameTime) * 1000) / 1000;
  return {
    library_index_ms: indexMs,
    drop_to_results_ms: Math.round(drop.resultsMs),
    drop_to_refined_ms: drop.refinedMs === null ? null : Math.round(drop.refinedMs),
    drop_to_all_refined_ms: drop.allMs === null ? null : Math.round(drop.allMs),
    moment_off_at_results_s: off(drop.sampledTime),
    moment_off_refined_s: drop.refinedTime === null ? null : off(drop.refinedTime),
  };
}
