#!/usr/bin/env node
// npm run bench:embed -- [--model <folder> | --heavy] [--frames 64] [--queries 20] [--no-build]
//
// Word search speed in headless system Chromium, on the built app (cross-origin isolated, so ONNX Runtime may use
// threads). The model folder (default: the tiny seeded CLIP of tests/scripts/make-tiny-clip.mjs, made in a temp
// folder) goes into OPFS through the Models panel's "Load model from folder", exactly as a user's would. Then, in a
// fresh embed worker per setting (ONNX Runtime fixes its thread count at the first load in a worker):
//   frames_per_s_1thread / frames_per_s_threads  synthetic 398×224 frames (a 16:9 frame decoded for CLIP) embedded
//                                                 in batches of 16, after one warm-up batch
//   text_query_ms                                 median time to embed one query (with the most threads)
// --heavy uses tests/scripts/make-heavy-clip.mjs instead of the tiny model: random weights, but a vision tower about
// as costly as CLIP ViT-B/32's, to see the thread speed-up where ONNX Runtime, not JavaScript, takes the time.
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';
import { makeHeavyClip } from '../tests/scripts/make-heavy-clip.mjs';
import { makeTinyClip } from '../tests/scripts/make-tiny-clip.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const frames = Number(arg('frames', 64));
const queries = Number(arg('queries', 20));
const outDir = join(root, '.bench', 'dist-embed');

let modelDir = arg('model', null);
let tmp = null;
if (modelDir) modelDir = resolve(modelDir);
else {
  tmp = mkdtempSync(join(tmpdir(), 'ff-bench-embed-'));
  modelDir = join(tmp, process.argv.includes('--heavy') ? 'heavy-clip' : 'tiny-clip');
  if (process.argv.includes('--heavy')) makeHeavyClip(modelDir);
  else makeTinyClip(modelDir, { seed: 1 });
}

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();

try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => 'framefinder' in window, null, { timeout: 30_000 });
  const isolated = await page.evaluate(() => crossOriginIsolated);

  // The folder goes in as a user's would; the app loads it, and we take its OPFS folder from there.
  await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
  const panel = page.getByRole('dialog', { name: 'Models' });
  await panel.getByLabel('Model folder to load', { exact: true }).setInputFiles(modelDir);
  await page.waitForFunction(() => window.framefinder.state.models.active !== null, null, { timeout: 600_000 });

  const r = await page.evaluate(
    async ({ frames, queries }) => {
      const { models } = window.framefinder.state;
      const folder = models.active.folder;
      const dtype = models.installed.find((m) => m.folder === folder).dtype;
      const dir = await (
        await (await navigator.storage.getDirectory()).getDirectoryHandle('models')
      ).getDirectoryHandle(folder);
      // Seeded frames with some structure (gradients and noise), as decoded for CLIP: 398 × 224 RGBA.
      let seed = 7;
      const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
      const make = () => {
        const width = 398;
        const height = 224;
        const data = new Uint8ClampedArray(width * height * 4);
        const [r, g, b] = [random() * 255, random() * 255, random() * 255];
        for (let i = 0; i < width * height; i++) {
          const x = (i % width) / width;
          data.set([r * x + random() * 40, g * (1 - x) + random() * 40, b + random() * 40, 255], i * 4);
        }
        return { data, width, height };
      };
      const batches = [];
      for (let n = 0; n < frames; n += 16) batches.push(Array.from({ length: Math.min(16, frames - n) }, make));
      const warm = Array.from({ length: 16 }, make);

      async function run(threads) {
        const worker = window.framefinder.newEmbedWorker();
        try {
          await worker.api.load(dir, { dtype, threads });
          await worker.api.embedImages(warm);
          let started = performance.now();
          for (const batch of batches) await worker.api.embedImages(batch);
          const perSecond = frames / ((performance.now() - started) / 1000);
          const words = ['a dog running on a beach', 'red car at night', 'people talking in a kitchen', 'snow'];
          await worker.api.embedText('warm up');
          const ms = [];
          for (let q = 0; q < queries; q++) {
            started = performance.now();
            await worker.api.embedText(`${words[q % words.length]} ${q}`);
            ms.push(performance.now() - started);
          }
          ms.sort((a, b) => a - b);
          return { perSecond, queryMs: ms[Math.floor(ms.length / 2)] };
        } finally {
          worker.terminate();
        }
      }
      const threads = crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
      const one = await run(1);
      const many = await run(threads);
      return { one, many, threads, cores: navigator.hardwareConcurrency, model: models.active.modelId };
    },
    { frames, queries },
  );
  const round = (x) => Math.round(x * 10) / 10;
  const result = {
    model: r.model,
    frames,
    cross_origin_isolated: isolated,
    cores: r.cores,
    threads: r.threads,
    frames_per_s_1thread: round(r.one.perSecond),
    frames_per_s_threads: round(r.many.perSecond),
    thread_speedup: round(r.many.perSecond / r.one.perSecond),
    text_query_ms: round(r.many.queryMs),
    text_query_ms_1thread: round(r.one.queryMs),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
