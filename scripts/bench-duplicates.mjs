#!/usr/bin/env node
// npm run bench:duplicates -- [--frames 1000000] [--exhaustive] [--no-build]
//
// Builds the app into .bench/dist-duplicates, serves it, and in headless system Chromium:
//   1. writes a synthetic library of --frames fingerprinted frames into OPFS as the search worker's own segment
//      files: videos of 100–900 samples half a second apart (valid thermometer fingerprints drifting like a shot, a
//      new shot every ~10 s); every 10th video has a planted copy, re-encoded (5–38 bits flipped per frame, the
//      range real re-encodes measure on the search fixtures) and in turn whole, trimmed to its middle half, or
//      behind a 4 s black intro (black frames have no fingerprint); every 25th video opens on one shared title card;
//   2. has the app's search worker load them and find the duplicates, timing the call (wall_s) and a second call
//      with nothing changed (reopen_ms);
//   3. scores the groups: recall = planted pairs found in one group over planted pairs, false_groups = groups
//      holding videos of more than one planted family. With --exhaustive it also runs the exhaustive scan (hours
//      at a million frames: only for small --frames) and says whether its groups are the same (same_as_exhaustive).
// Prints one JSON line.
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const frames = Number(arg('frames', 100_000));
const exhaustive = process.argv.includes('--exhaustive');
const outDir = join(root, '.bench', 'dist-duplicates');

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();

try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => 'framefinder' in window);
  const r = await page.evaluate(
    async ({ frames, exhaustive }) => {
      let seed = 4242;
      const random = () => {
        seed = (seed + 0x6d2b79f5) >>> 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
      const shot = () => {
        const ranks = Uint8Array.from({ length: 85 }, (_, i) => Math.min(3, Math.floor((i * 4) / 85)));
        for (let i = ranks.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
        }
        return ranks;
      };
      const encode = (ranks, out, o) => {
        for (let c = 0; c < 85; c++)
          for (let j = 0; j < ranks[c]; j++) {
            const b = c * 3 + j;
            out[o + (b >> 5)] |= 1 << (b & 31);
          }
      };
      const card = new Uint32Array(8);
      encode(shot(), card, 0);
      const flip = (fp, o, bits) => {
        const done = new Set();
        while (done.size < bits) done.add(Math.floor(random() * 255));
        for (const b of done) fp[o + (b >> 5)] ^= 1 << (b & 31);
      };

      const firstId = 1_000_000;
      const family = new Map(); // video id → the original it copies (or itself)
      const planted = [];
      const videos = []; // { id, fps: Uint32Array, times: Float32Array }
      let total = 0;
      let nextId = firstId;
      for (let v = 0; total < frames; v++) {
        const n = Math.min(int(100, 900), frames - total);
        const id = nextId++;
        const fps = new Uint32Array(n * 8);
        let ranks = shot();
        for (let i = 0; i < n; i++) {
          if (random() < 0.05) ranks = shot();
          else
            for (let s = 0; s < 5; s++) {
              const a = int(0, 84);
              const b = int(0, 84);
              [ranks[a], ranks[b]] = [ranks[b], ranks[a]];
            }
          if (i === 0 && v % 25 === 0) fps.set(card, 0);
          else encode(ranks, fps, i * 8);
        }
        videos.push({ id, fps, times: Float32Array.from({ length: n }, (_, i) => i * 0.5) });
        family.set(id, id);
        total += n;
        if (v % 10 !== 0 || total >= frames) continue;
        const kind = (v / 10) % 3;
        const from = kind === 1 ? Math.floor(n / 4) : 0;
        const to = Math.min(kind === 1 ? Math.floor((n * 3) / 4) : n, from + frames - total);
        const copy = fps.slice(from * 8, to * 8);
        for (let i = 0; i < to - from; i++) flip(copy, i * 8, int(5, 38));
        const start = (kind === 2 ? 4 : 0) + random() * 0.5;
        const copyId = nextId++;
        videos.push({
          id: copyId,
          fps: copy,
          times: Float32Array.from({ length: to - from }, (_, i) => start + i * 0.5),
        });
        family.set(copyId, id);
        planted.push([id, copyId]);
        total += to - from;
      }

      // The search worker's segment files: per video 'FFCK', its id, then a FrameIndex segment.
      const blobs = await (await navigator.storage.getDirectory()).getDirectoryHandle('blobs', { create: true });
      let file = 0;
      let writable = null;
      let written = 0;
      for (const { id, fps, times } of videos) {
        const n = times.length;
        const bytes = new ArrayBuffer(8 + 16 + n * 40);
        const view = new DataView(bytes);
        view.setUint32(0, 0x4b434646, true);
        view.setInt32(4, id, true);
        view.setUint32(8, 0x58494646, true);
        view.setUint32(12, 1, true);
        view.setUint32(16, n, true);
        view.setUint32(20, 8, true);
        new Uint32Array(bytes, 24, n * 8).set(fps);
        new Int32Array(bytes, 24 + n * 32, n).fill(id);
        new Float32Array(bytes, 24 + n * 36, n).set(times);
        if (!writable || written > 8 * 1024 * 1024) {
          if (writable) await writable.close();
          writable = await (await blobs.getFileHandle(`frames-999-${file++}`, { create: true })).createWritable();
          written = 0;
        }
        await writable.write(bytes);
        written += bytes.byteLength;
      }
      await writable?.close();

      const api = window.framefinder.search;
      const loadStarted = performance.now();
      const opened = await api.open();
      const loadMs = performance.now() - loadStarted;
      const settings = { similarityThreshold: 0.8, minMatches: 3 };
      const started = performance.now();
      const groups = await api.duplicates(settings);
      const wallMs = performance.now() - started;
      const again = performance.now();
      await api.duplicates(settings);
      const reopenMs = performance.now() - again;

      const groupOf = new Map();
      groups.forEach((g, i) => g.videos.forEach((v) => groupOf.set(v.videoId, i)));
      const found = planted.filter(([a, b]) => groupOf.has(a) && groupOf.get(a) === groupOf.get(b)).length;
      const falseGroups = groups.filter((g) => new Set(g.videos.map((v) => family.get(v.videoId))).size > 1).length;
      let same = null;
      let exhaustiveMs = null;
      if (exhaustive) {
        const t0 = performance.now();
        const reference = await api.duplicatesExhaustive(settings);
        exhaustiveMs = performance.now() - t0;
        same = JSON.stringify(reference) === JSON.stringify(groups);
      }
      return {
        frames: opened.frames,
        videos: videos.length,
        wallMs,
        reopenMs,
        loadMs,
        planted: planted.length,
        found,
        groups: groups.length,
        falseGroups,
        same,
        exhaustiveMs,
      };
    },
    { frames, exhaustive },
  );
  const result = {
    frames: r.frames,
    videos: r.videos,
    wall_s: Math.round(r.wallMs / 10) / 100,
    recall: Math.round((r.found / Math.max(1, r.planted)) * 1000) / 1000,
    false_groups: r.falseGroups,
    planted_pairs: r.planted,
    groups: r.groups,
    reopen_ms: Math.round(r.reopenMs),
    load_ms: Math.round(r.loadMs),
  };
  if (exhaustive)
    Object.assign(result, { same_as_exhaustive: r.same, exhaustive_s: Math.round(r.exhaustiveMs / 10) / 100 });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
}
