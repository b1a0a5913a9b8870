#!/usr/bin/env node
// npm run bench:catalog -- [--videos 100000] [--frames-per-video 60]
//
// In Node, with real sql.js and the app's own catalog code (src/db/catalog.ts, bundled for Node):
//   1. makes a catalog of --videos videos as a year of use leaves it: scanned in batches over 365 days, probed,
//      with scenes and --frames-per-video sampled frames each, every scan stage's job run to the end (about 1 in 50
//      failing with its reason, a few cancelled), a few hundred tags; the clock is the catalog's own `now`;
//   2. saves it whole (export, checksummed image, written to a new file swapped in: image_save_ms, what the catalog
//      worker does now and then), then times one tag edit and its save as the worker saves it, only the statements
//      it ran, checksummed, in a file of their own (save_ms: what a user waits on), and a load (read and check the
//      image and 200 saved edits, open, replay them: load_ms) and, on that loaded catalog, a read-only tab following one
//      more tag edit: read and check its change file and apply it (follow_ms, what every other tab does per save,
//      instead of a whole load);
//   3. prunes the job history as Settings → Maintenance does (done jobs older than 30 days), compacts (VACUUM),
//      and measures again (after_prune).
// Prints one JSON line.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import initSqlJs from 'sql.js';
import { root } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const videos = Number(arg('videos', 100_000));
const framesPerVideo = Number(arg('frames-per-video', 60));

// The catalog code is TypeScript: bundle it (sql.js stays the installed package) and import the bundle.
const { Catalog } = await import(pathToFileURL(await bundle('src/db/catalog.ts', 'catalog.mjs')).href);
const { encodeSnapshot, decodeSnapshot, changesMagic } = await import(
  pathToFileURL(await bundle('src/db/snapshot.ts', 'snapshot.mjs')).href
);
const { encodeChanges } = await import(pathToFileURL(await bundle('src/db/change-log.ts', 'change-log.mjs')).href);
const SQL = await initSqlJs();

const day = 86_400_000;
const start = Date.UTC(2025, 0, 1);
let clock = start;
const setup = performance.now();
const catalog = Catalog.open(SQL, null, { now: () => clock });
catalog.enqueueMissingStages(); // what the catalog worker does when its tab becomes the writer
const lib = catalog.addLibrary('Year of videos', 'handle');

let seed = 16;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const exts = ['mp4', 'mov', 'mkv', 'webm'];
const tagNames = Array.from({ length: 300 }, (_, i) => `tag ${i}`);

// A year of scans: the library grows in batches; each batch is indexed over the following hours.
const batch = 1000;
for (let first = 0; first < videos; first += batch) {
  clock = start + Math.floor((first / videos) * 365 * day);
  const ops = [];
  for (let i = first; i < Math.min(videos, first + batch); i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    ops.push({
      kind: 'add',
      file: {
        path: `Camera/${2015 + (i % 10)}/${month}/VID_${String(i).padStart(6, '0')}.${exts[i % exts.length]}`,
        size: 5_000_000 + Math.floor(random() * 900_000_000),
        modifiedAt: clock - Math.floor(random() * 3000 * day),
      },
    });
  }
  catalog.applyScanOps(lib.id, ops);
  catalog.sql.transaction(runJobs);
  catalog.log.take(); // saved as it went, in the app; here only the end state matters
}
catalog.finishScan(lib.id);
for (let i = 0; i < videos; i += 7) catalog.tagVideos([i + 1], [tagNames[i % tagNames.length]]);
clock = start + 366 * day;
const setupMs = performance.now() - setup;

const dir = mkdtempSync(join(tmpdir(), 'ff-bench-catalog-'));
let generation = 0;
/** A file written whole to a swap file and renamed over the old one, as createWritable does in OPFS. */
function writeSwapped(file, data) {
  writeFileSync(`${file}.swap`, data);
  renameSync(`${file}.swap`, file);
}
/** A whole image, as the catalog worker saves one when its log of changes has grown (or after VACUUM). */
async function saveImage() {
  catalog.log.take();
  const data = await encodeSnapshot(catalog.export(), ++generation);
  const file = join(dir, `catalog-${generation % 2}.ffdb`);
  writeSwapped(file, data);
  return { file, bytes: data.byteLength };
}
let seq = 0;
/** One save's changes, as the catalog worker appends them after the image. */
async function saveChanges() {
  const { changes } = catalog.log.take();
  const data = await encodeSnapshot(encodeChanges(changes), ++seq, changesMagic);
  const file = join(dir, `changes-${generation}-${seq}.ffjr`);
  writeSwapped(file, data);
  return file;
}

/**
 * The save a user waits on (one tag added to one video, its changes on disk), a whole image's save, and a load of
 * the image with 200 saved edits after it: the median of several of each, as this machine is shared.
 */
async function measure() {
  const imageSaves = [];
  let saved;
  for (let i = 0; i < 3; i++) {
    const imageStart = performance.now();
    saved = await saveImage();
    imageSaves.push(performance.now() - imageStart);
  }
  seq = 0;
  const saves = [];
  const logged = [];
  for (let i = 0; i < 200; i++) {
    const editStart = performance.now();
    catalog.tagVideos([Math.ceil(videos / 2) - i], ['Holiday']);
    logged.push(await saveChanges());
    saves.push(performance.now() - editStart);
  }
  const loads = [];
  let loaded;
  for (let i = 0; i < 3; i++) {
    loaded?.close();
    const loadStart = performance.now();
    const snapshot = await decodeSnapshot(new Uint8Array(readFileSync(saved.file)));
    const changes = [];
    for (const file of logged) changes.push((await decodeSnapshot(readFileSync(file), changesMagic)).body);
    loaded = Catalog.open(SQL, snapshot.body, {}, changes);
    loads.push(performance.now() - loadStart);
    if (loaded.replayed.batches !== logged.length) throw new Error('the saved edits did not replay');
  }
  // The loaded catalog as a read-only tab's: each further edit's change file is all it reads and applies.
  const follows = [];
  for (let i = 0; i < 20; i++) {
    const video = Math.ceil(videos / 2) + 1 + i;
    catalog.tagVideos([video], ['Followed']);
    const file = await saveChanges();
    const followStart = performance.now();
    const applied = loaded.applyChanges([(await decodeSnapshot(readFileSync(file), changesMagic)).body]);
    follows.push(performance.now() - followStart);
    const same = JSON.stringify(loaded.tagsOfVideos([video])) === JSON.stringify(catalog.tagsOfVideos([video]));
    if (applied.failed || !same) throw new Error('the follower did not apply the edit');
  }
  loaded.close();
  return {
    catalog_bytes: saved.bytes,
    save_ms: round(median(saves)),
    save_p95_ms: round(p95(saves)),
    image_save_ms: Math.round(median(imageSaves)),
    load_ms: Math.round(median(loads)),
    follow_ms: round(median(follows)),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const round = (ms) => Math.round(ms * 10) / 10;
const rows = (table) => Number(catalog.sql.value(`SELECT count(*) FROM ${table}`));
const asIs = await measure();
const counts = catalog.jobCounts();
const tables = { job_rows: rows('jobs'), frame_lists: rows('video_frames'), scene_rows: rows('scenes') };
const pruned = catalog.pruneJobHistory();
catalog.compact();
const afterPrune = { ...(await measure()), pruned_jobs: pruned, job_rows: rows('jobs') };
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    videos,
    ...asIs,
    ...tables,
    jobs_done: counts.done,
    jobs_failed: counts.failed,
    after_prune: afterPrune,
    setup_ms: Math.round(setupMs),
  })}\n`,
);

/** Bundles one module of the app for Node; returns the bundle's path. */
async function bundle(entry, name) {
  const file = join(root, '.bench', 'catalog-node', name);
  await build({
    input: join(root, entry),
    platform: 'node',
    external: ['sql.js'],
    logLevel: 'silent',
    output: { file, format: 'esm' },
  });
  return file;
}

/** Runs every due job to its end over the next hours: probe results, scenes, frames; some fail, a few are cancelled. */
function runJobs() {
  for (;;) {
    const jobs = catalog.claimJobs(500);
    if (jobs.length === 0) return;
    for (const job of jobs) {
      clock += 2000 + Math.floor(random() * 20_000);
      const r = random();
      if (r < 0.02) {
        catalog.failJob(job.id, `${job.stage}: the file could not be decoded at 12.5 s (corrupt packet)`, true);
        continue;
      }
      if (r < 0.025) {
        catalog.cancelJob(job.id);
        continue;
      }
      if (job.stage === 'probe') probe(job.videoId);
      if (job.stage === 'frames') frames(job.videoId);
      catalog.completeJob(job.id);
    }
  }
}

function probe(videoId) {
  const r = random();
  const duration = r < 0.7 ? 5 + r * 80 : r < 0.95 ? 60 + r * 240 : 300 + r * 900;
  catalog.saveProbe(
    videoId,
    {
      duration,
      width: r < 0.5 ? 1920 : 3840,
      height: r < 0.5 ? 1080 : 2160,
      fps: 30,
      videoCodec: r < 0.6 ? 'h264' : 'hevc',
      audioCodec: 'aac',
      container: 'mp4',
      bitrate: 12_000_000,
      rotation: r < 0.3 ? 90 : 0,
      hasAudio: true,
      createdAt: clock - Math.floor(random() * 3000 * day),
    },
    'webcodecs',
  );
}

function frames(videoId) {
  const duration = catalog.getVideo(videoId)?.duration ?? 30;
  const sceneCount = Math.max(1, Math.min(30, Math.round(duration / 15)));
  const scenes = Array.from({ length: sceneCount }, (_, i) => ({
    index: i,
    start: (i * duration) / sceneCount,
    end: ((i + 1) * duration) / sceneCount,
    keyframeTime: (i * duration) / sceneCount + 0.5,
  }));
  catalog.saveScenes(videoId, scenes);
  const step = duration / framesPerVideo;
  catalog.saveFrames(
    videoId,
    Array.from({ length: framesPerVideo }, (_, i) => ({ time: i * step, keyframe: i % 10 === 0 })),
  );
}
