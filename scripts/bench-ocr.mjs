#!/usr/bin/env node
// npm run bench:ocr -- [--minutes 5] [--hours 1000] [--queries 50] [--no-build]
//
// Text on screen, in headless system Chromium on the built app: a folder of two videos made here with Debian's
// ffmpeg, imported as a user's library, then its "Read text on screen" switch turned on.
//   camera.mp4   --minutes of 720p 25 fps footage with no text (drifting colour gradients: soft, moving)
//   screen.mp4   --minutes of a 720p 25 fps screen recording: a page of six lines of text every 10 s (slides, docs),
//                dark on light, 20–36 px
//   frames_per_s                     frames the engine read (detection + recognition) per second of reading
//   camera_skipped / screen_skipped  share of the sampled frames not read: no text-like strokes, or the same
//                                    picture as the frame before
//   camera_x_realtime / screen_x_realtime   the read-text job (decode the sampled frames, gate, read, store), seconds
//                                    of video per second, from the job's own start and end
//   search_ms / search_p95_ms        "On screen" search over --hours of synthetic recognised text (a span every 20 s
//                                    with 8 words in 2 lines from a Zipf-like 20,000-word vocabulary), in the app's
//                                    screen-text worker, stored in OPFS
// Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const minutes = Number(arg('minutes', 5));
const hours = Number(arg('hours', 1000));
const queries = Number(arg('queries', 50));
const outDir = join(root, '.bench', 'dist-ocr');
const tmp = mkdtempSync(join(tmpdir(), 'ff-bench-ocr-'));
const folder = join(tmp, 'ocrbench');
const round = (x) => Math.round(x * 100) / 100;
const seconds = minutes * 60;

const run = (args) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-g', '100'];
execFileSync('mkdir', ['-p', folder]);
run([
  '-f',
  'lavfi',
  '-i',
  `gradients=s=320x180:r=25:d=${seconds}:speed=0.01:n=5:seed=3,scale=1280:720`,
  ...encode,
  join(folder, 'camera.mp4'),
]);
// The pages: lines of numbered words, a new page every 10 s (the page number changes every word).
const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const lines = Array.from(
  { length: 6 },
  (_, i) =>
    `drawtext=fontfile=${font}:fontsize=${20 + i * 3}:fontcolor=0x222222:x=80:y=${90 + i * 95}:` +
    `text='Section %{eif\\:floor(t/10)\\:d} line ${i + 1} shows item %{eif\\:floor(t/10)*7+${i}\\:d} of the report'`,
);
run([
  '-f',
  'lavfi',
  '-i',
  `color=c=0xf4f4f4:s=1280x720:r=25:d=${seconds}`,
  '-vf',
  lines.join(','),
  ...encode,
  join(folder, 'screen.mp4'),
]);

/** Polls `fn` until it is true. */
async function waitUntil(fn, timeout, what) {
  const deadline = Date.now() + timeout;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();
const load = loadavg()[0];

try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await waitUntil(() => page.evaluate(() => window.framefinder?.state?.catalog?.role === 'writer'), 60_000, 'writer');
  const idle = async () => {
    const c = await page.evaluate(() => window.framefinder.catalog.jobCounts());
    return c.queued + c.running === 0;
  };
  await page.getByLabel('Choose a folder of videos').first().setInputFiles(folder);
  await waitUntil(idle, 1_800_000, 'indexing');

  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('checkbox', { name: 'Read text on screen in ocrbench' }).check();
  await page.keyboard.press('Escape');
  await waitUntil(
    async () => (await page.evaluate(() => window.framefinder.catalog.jobCounts())).done > 0,
    60_000,
    'q',
  );
  await waitUntil(idle, 3_600_000, 'reading text');

  const readings = await page.evaluate(async () => {
    const ff = window.framefinder;
    const jobs = (await ff.catalog.listJobs('done', 1e6)).filter((j) => j.stage === 'read-text');
    return Promise.all(
      jobs.map(async (j) => ({
        name: j.videoName,
        ms: j.finishedAt - j.startedAt,
        ...(await ff.screenText.lastReading(j.videoId)),
      })),
    );
  });
  const of = (name) => readings.find((r) => r.name.endsWith(name));
  const camera = of('camera.mp4');
  const screen = of('screen.mp4');
  if (!camera || !screen) throw new Error(`read-text did not finish: ${JSON.stringify(readings)}`);

  const search = await page.evaluate(
    async ({ hours, queries }) => {
      let seed = 7;
      const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
      const letters = 'etaoinshrdlucmfwypvbgkjqxz';
      const vocab = Array.from({ length: 20_000 }, (_, i) => {
        let w = '';
        for (let n = i + 1; n > 0; n = Math.floor(n / 26)) w += letters[n % 26];
        return w.length < 3 ? w + 'an' : w;
      });
      const wordAt = () =>
        vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(random() * Math.log(vocab.length))) - 1)];
      const box = { x: 0.1, y: 0.1, w: 0.05, h: 0.04 };
      const line = (y) => {
        const words = Array.from({ length: 4 }, wordAt);
        return {
          text: words.join(' '),
          box: { ...box, y },
          words: words.map((text) => ({ text, box: { ...box, y } })),
        };
      };
      const video = () => ({
        spans: Array.from({ length: 180 }, (_, i) => ({
          start: i * 20,
          end: i * 20 + 18,
          lines: [line(0.1), line(0.3)],
        })),
      });
      const s = window.framefinder.screenText;
      const library = 999_999;
      const started = performance.now();
      for (let v = 0; v < hours; v++) await s.store(library, 2_000_000 + v, video());
      const storeMs = performance.now() - started;
      await s.search('warm up');
      const ms = [];
      for (let q = 0; q < queries; q++) {
        const words = Array.from({ length: 1 + (q % 3) }, wordAt).join(' ');
        ms.push((await s.search(words)).ms);
      }
      const spans = (await s.search('x')).spans;
      await s.dropLibrary(library);
      ms.sort((a, b) => a - b);
      return { median: ms[ms.length >> 1], p95: ms[Math.floor(ms.length * 0.95)], storeMs, spans };
    },
    { hours, queries },
  );

  const result = {
    minutes,
    frames_per_s: round((screen.read + camera.read) / ((screen.readMs + camera.readMs) / 1000)),
    camera_frames: camera.frames,
    camera_skipped: round(1 - camera.read / camera.frames),
    screen_frames: screen.frames,
    screen_skipped: round(1 - screen.read / screen.frames),
    camera_x_realtime: round(seconds / (camera.ms / 1000)),
    screen_x_realtime: round(seconds / (screen.ms / 1000)),
    search_hours: hours,
    search_spans: search.spans,
    search_ms: round(search.median),
    search_p95_ms: round(search.p95),
    store_all_s: round(search.storeMs / 1000),
    load_before: load,
    load_after: loadavg()[0],
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
