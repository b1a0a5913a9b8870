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
// It then cuts a 10 s clip of another of its videos with the native ffmpeg (256x144 low-quality VP9 WebM, starting
// on a frame halfway between two sampled moments, written to a temporary folder and deleted), drags it over the
// window's right half ("find where this clip comes from") and drops it, and times the drop until "Search results"
// lists a video (clip_drop_to_results_ms) and until the clip starts are refined (clip_drop_to_refined_ms: the search
// no longer refining, results shown), with how far the top result's start is from the clip's true start once
// refined (clip_start_off_s) and as the alignment of sampled frames put it (clip_start_off_aligned_s).
// Issue 11's budgets, refinement included: an image drop in 300 ms (drop_to_all_refined_ms), a 10 s clip drop in
// 1.5 s (clip_drop_to_refined_ms); the line carries them and whether this run kept them. Times depend on what else
// the machine is doing: note `uptime`'s load with them.
// Prints one JSON line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const frames = Number(arg('frames', 100_000));
const queries = Number(arg('queries', 200));
const outDir = join(root, '.bench', 'dist-search');
const libraryDir = join(root, 'tests/fixtures/search/library');
/** Issue 11: drop to results, refinement included. */
const budgetImageMs = 300;
const budgetClipMs = 1500;
/** The query clip: this long, its first frame this many seconds into the source (rounded to a frame). */
const clipSeconds = 10;
const clipStartAbout = 5.12;

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
    const { files, indexMs } = await importLibrary(page);
    result.library_index_ms = indexMs;
    Object.assign(result, await dropToResults(page, files));
    Object.assign(result, await dropClip(page, files));
    Object.assign(result, {
      budget_image_ms: budgetImageMs,
      budget_clip_ms: budgetClipMs,
      image_within_budget:
        result.drop_to_all_refined_ms === null ? null : result.drop_to_all_refined_ms <= budgetImageMs,
      clip_within_budget:
        result.clip_drop_to_refined_ms === null ? null : result.clip_drop_to_refined_ms <= budgetClipMs,
    });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
}

/** Imports the search fixture library into the app and waits for it to be indexed; answers its videos. */
async function importLibrary(page) {
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
  return { files, indexMs: Date.now() - started };
}

/** Times an image drop until the first result is on screen, and until its moments are refined. */
async function dropToResults(page, files) {
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
    // Between the frames sampled at 5.0 and 5.25 s (the default interval): the index alone is an eighth of a second off.
    const presented = new Promise((ok) => {
      video.requestVideoFrameCallback((_now, meta) => ok(meta.mediaTime));
      setTimeout(() => ok(null), 2000);
    });
    video.currentTime = Math.min(5.12, video.duration / 2);
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
    drop_to_results_ms: Math.round(drop.resultsMs),
    drop_to_refined_ms: drop.refinedMs === null ? null : Math.round(drop.refinedMs),
    drop_to_all_refined_ms: drop.allMs === null ? null : Math.round(drop.allMs),
    moment_off_at_results_s: off(drop.sampledTime),
    moment_off_refined_s: drop.refinedTime === null ? null : off(drop.refinedTime),
  };
}

/**
 * Cuts a `clipSeconds` clip of one of the library's videos (not the one the image came from, nor one with a copy in
 * the library, so the top result has one right answer), drops it as a user does and times it until results and
 * until refined. Null fields when there is no native ffmpeg to make the clip with.
 */
async function dropClip(page, files) {
  const paths = files.map((f) => f.path);
  const stem = (p) => basename(p).replace(/\.\w+$/, '');
  const copied = (p) => paths.some((q) => q !== p && q.includes('/') && stem(q).startsWith(stem(p)));
  const source = paths.filter((p) => !p.includes('/') && p !== paths[0] && !copied(p)).sort()[0];
  const clip = source && makeClip(join(libraryDir, source));
  if (!clip) {
    return { clip_video: null, clip_drop_to_results_ms: null, clip_drop_to_refined_ms: null, clip_start_off_s: null };
  }
  const drop = await page.evaluate(
    async ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const search = window.framefinder.state.search;
      const region = () => document.querySelector('[aria-label="Search results"]');
      const wait = async (ok, what) => {
        for (const deadline = performance.now() + 120_000; !ok();) {
          if (performance.now() > deadline) throw new Error(`Clip drop: timed out waiting for ${what}`);
          await new Promise((next) => setTimeout(next, 5));
        }
      };
      // The image's results go first, so nothing on screen is left over from it.
      search.close();
      await wait(() => !region()?.querySelector('li h3'), 'the image results to close');
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'video/webm' }));
      // A single video dropped offers two halves: dragged in and over the right one, it is searched for.
      const at = { dataTransfer: dt, clientX: window.innerWidth - 10, clientY: 10, cancelable: true };
      window.dispatchEvent(new DragEvent('dragenter', at));
      window.dispatchEvent(new DragEvent('dragover', at));
      const t0 = performance.now();
      window.dispatchEvent(new DragEvent('drop', at));
      const hits = () => (search.query?.kind === 'clip' ? search.clipHits : []);
      await wait(() => hits().length > 0 && region()?.querySelector('li h3'), 'clip results');
      const resultsMs = performance.now() - t0;
      const alignedAtResults = hits()[0].offset;
      await wait(() => !search.refining && hits().length > 0, 'clip refinement');
      const refinedMs = performance.now() - t0;
      const top = hits()[0];
      return {
        resultsMs,
        refinedMs,
        topPath: top.video.path,
        offset: top.offset,
        aligned: top.alignedOffset ?? alignedAtResults,
        moved: top.alignedOffset !== undefined,
      };
    },
    { base64: clip.bytes.toString('base64'), name: 'clip.webm' },
  );
  const off = (t) => Math.round(Math.abs(t - clip.start) * 1000) / 1000;
  const rightVideo = drop.topPath === source || drop.topPath.endsWith(`/${source}`);
  return {
    clip_video: source,
    clip_true_start_s: clip.start,
    clip_bytes: clip.bytes.length,
    clip_drop_to_results_ms: Math.round(drop.resultsMs),
    clip_drop_to_refined_ms: Math.round(drop.refinedMs),
    clip_top_hit_right_video: rightVideo,
    clip_start_off_s: rightVideo ? off(drop.offset) : null,
    clip_start_off_aligned_s: rightVideo ? off(drop.aligned) : null,
    clip_start_refined_moved: drop.moved,
  };
}

/**
 * A `clipSeconds` re-encoded piece of `path` (256x144 VP9 WebM, low quality) whose first frame is the source's frame
 * nearest `clipStartAbout`: its bytes and that frame's time in the source (s). Null without a native ffmpeg.
 */
function makeClip(path) {
  const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const probe = run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time'],
    ...['-read_intervals', `%+${clipStartAbout + 2}`, '-of', 'csv=p=0', path],
  ]);
  if (probe.status !== 0) return null;
  const times = probe.stdout
    .toString()
    .split('\n')
    .map((l) => parseFloat(l))
    .filter((t) => Number.isFinite(t));
  let first = 0;
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i] - clipStartAbout) < Math.abs(times[first] - clipStartAbout)) first = i;
  }
  const fps = (times.length - 1) / (times.at(-1) - times[0]);
  const dir = mkdtempSync(join(tmpdir(), 'ff-bench-clip-'));
  try {
    const out = join(dir, 'clip.webm');
    const frames = Math.round(clipSeconds * fps);
    const filter = `trim=start_frame=${first}:end_frame=${first + frames},setpts=PTS-STARTPTS,scale=256:144`;
    const r = run('ffmpeg', [
      ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', path, '-an', '-vf', filter],
      ...['-c:v', 'libvpx-vp9', '-crf', '45', '-b:v', '0', '-deadline', 'realtime', '-cpu-used', '8', out],
    ]);
    if (r.status !== 0) throw new Error(`ffmpeg could not cut the clip: ${r.stderr}`);
    return { bytes: readFileSync(out), start: Math.round(times[first] * 1000) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
