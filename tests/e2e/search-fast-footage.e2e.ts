// Screenshots of fast footage taken between two sampled frames: a zoom into a fractal that closes in 6% a frame, so
// a frame half way between two quarter-second samples is as far from both (in fingerprint bits) as unrelated
// pictures are from their nearest frame. The library also holds the same zoom in other colours, which the
// fingerprint (luma) cannot tell from it, so the index alone can accept neither below the threshold. The app looks
// closer at the nearest videos (it reads their frames there, as moment refinement does) and answers with the video
// in the screenshot's colours at the exact frame; screenshots of a zoom elsewhere, not in the library, find nothing.
// The videos are made here with Debian's ffmpeg, the screenshots are its frames as PNG, and how far each is from
// the nearest sampled frame is measured with the app's own fingerprint on the same frames at the index's size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultSampling } from '../../src/lib/media/sampling';
import { fingerprint, fingerprintBits, hamming } from '../../src/lib/search/fingerprint';
import { closerLookFloor, defaultSearchSettings } from '../../src/lib/search/settings';
import { stubDirectoryPicker, useApp } from './harness';
import { importSearchLibrary, searchImage } from './search-helpers';

const FPS = 25;
const FRAMES = 100;
const folder = 'fast';
const dir = mkdtempSync(join(tmpdir(), 'ff-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): Buffer {
  const out = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** Where the fractal is zoomed into. */
const places = [
  { x: -0.743643887037151, y: 0.13182590420533 },
  { x: 0.2929859127507, y: 0.6117848324958 },
];

/**
 * FRAMES frames of a fast zoom into `places[k]` (from a scale of 2.5 down to 0.002 in 4 s) in colours turned by
 * `hue` degrees, as H.264 `name`.
 */
function zoom(k: number, hue: number, name: string): string {
  const { x, y } = places[k];
  const video = join(dir, name);
  const source =
    `mandelbrot=s=320x180:r=${FPS}:maxiter=256:start_x=${x}:start_y=${y}:start_scale=2.5:end_scale=0.002:` +
    `end_pts=${FRAMES}:outer=normalized_iteration_count,hue=h=${hue}:s=1.3,format=yuv420p`;
  ffmpeg(['-f', 'lavfi', '-i', source, '-frames:v', String(FRAMES), '-c:v', 'libx264', '-g', String(FPS), video]);
  return video;
}

/** Every frame of a video as raw RGBA at `width`×`height`. */
function frames(video: string, width: number, height: number): Uint8ClampedArray[] {
  const raw = ffmpeg([
    '-i',
    video,
    '-vf',
    `scale=${width}:${height}:flags=area`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-',
  ]);
  const size = width * height * 4;
  return Array.from(
    { length: raw.length / size },
    (_, i) => new Uint8ClampedArray(raw.subarray(i * size, (i + 1) * size)),
  );
}

/** Frame `n` of a video as a PNG screenshot at its own size, base64. */
function screenshot(video: string, n: number): string {
  return ffmpeg([
    '-i',
    video,
    '-vf',
    `select=eq(n\\,${n})`,
    '-frames:v',
    '1',
    '-f',
    'image2',
    '-c:v',
    'png',
    '-',
  ]).toString('base64');
}

describe('search by image on fast footage', () => {
  const app = useApp();

  test('a screenshot between two samples of a fast zoom is found at its frame; another zoom finds nothing', async () => {
    const library = zoom(0, 40, 'zoom.mp4');
    const twin = zoom(0, 220, 'other-colours.mp4');
    const elsewhere = zoom(1, 200, 'elsewhere.mp4');
    // How alike each frame is to the nearest frame the index samples (every quarter second), at the index's size.
    const small = frames(library, 160, 90).map((data) => fingerprint({ data, width: 160, height: 90 }));
    const interval = defaultSampling.keyframeInterval;
    const sampled = Array.from({ length: Math.ceil(FRAMES / FPS / interval) }, (_, k) =>
      Math.round(k * interval * FPS),
    );
    const nearest = small.map((f) =>
      f ? Math.max(...sampled.map((s) => 1 - hamming(small[s]!, 0, f, 0) / fingerprintBits)) : 0,
    );

    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await importSearchLibrary(page, 240_000, {
      folder,
      files: [
        { path: 'zoom.mp4', bytes: readFileSync(library) },
        { path: 'other-colours.mp4', bytes: readFileSync(twin) },
      ],
    });

    // Frames at least a frame from every sample whose nearest sample is at least as alike as a closer look needs.
    const asked = nearest
      .map((similarity, n) => ({ n, similarity }))
      .filter(
        ({ n, similarity }) => sampled.every((s) => Math.abs(s - n) >= 2) && similarity >= closerLookFloor + 0.005,
      );
    const rows: string[] = [];
    let [right, closerOnly, closerOnlyRight] = [0, 0, 0];
    for (const { n, similarity } of asked) {
      const hits = await searchImage(page, screenshot(library, n), 'image/png');
      const time = n / FPS;
      const ok = hits[0]?.path.endsWith('zoom.mp4') && Math.abs(hits[0].time - time) <= 1 / FPS + 1e-3;
      // Below the threshold the index cannot let the video in: its twin is as near (see acceptImageResults).
      const onlyByLooking = similarity < defaultSearchSettings.similarityThreshold;
      if (ok) right++;
      if (onlyByLooking) [closerOnly, closerOnlyRight] = [closerOnly + 1, closerOnlyRight + (ok ? 1 : 0)];
      rows.push(
        `  frame ${n} (${time.toFixed(2)} s), nearest sample ${similarity.toFixed(3)}${onlyByLooking ? ' (closer look only)' : ''}` +
          ` → ${hits[0] ? `${hits[0].path}@${hits[0].time.toFixed(2)}` : 'nothing'}`,
      );
    }
    const outside = [10, 35, 60, 85].map((n) => screenshot(elsewhere, n));
    let answered = 0;
    for (const base64 of outside) if ((await searchImage(page, base64, 'image/png')).length > 0) answered++;
    console.log(
      `fast zoom: ${right}/${asked.length} screenshots between samples found at their frame, ` +
        `${closerOnlyRight}/${closerOnly} of those the index alone cannot accept; another zoom answered ` +
        `${answered}/${outside.length}\n${rows.join('\n')}`,
    );
    expect(closerOnly, 'screenshots only a closer look can find').toBeGreaterThanOrEqual(5);
    expect(right / asked.length, 'found at their frame').toBeGreaterThanOrEqual(0.9);
    expect(closerOnlyRight / closerOnly, 'found by a closer look').toBeGreaterThanOrEqual(0.8);
    expect(answered, 'screenshots of another zoom answered').toBe(0);
    await context.close();
  }, 600_000);
});
