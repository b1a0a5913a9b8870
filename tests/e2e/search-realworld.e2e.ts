// Reverse search on files shaped like real footage (tests/fixtures/realworld, see
// tests/scripts/make-realworld-fixtures.mjs): rotated phone files, 4:4:4 / 4:2:2 / 10-bit / full-range pictures,
// a VFR screen recording, H.263 3GP, AVI, edit lists, late and shifted start times, a static camera, a loop. The
// library is opened through the app as a user does; frames as ffmpeg shows them (rotation applied) get the same
// screenshot transforms as search-quality.e2e.ts and go through search.byImage, clips through search.byClip.
// Prints each class's figures on its own and whether it meets the issue 11 targets (see the asserts below).
import { describe, expect, test } from 'vitest';
import { defaultSampling } from '../../src/lib/media/sampling';
import { stubDirectoryPicker, useApp } from './harness';
import { allJobs } from './media-helpers';
import { clipFile, realworldDir, realworldImageQueries, realworldManifest } from './realworld-queries';
import { filesUnder, importSearchLibrary, searchClip, searchImage } from './search-helpers';
import { join } from 'node:path';
import type { SamePicture } from './realworld-queries';
import type { Hit } from './search-helpers';

const folder = 'realworld-library';
const manifest = realworldManifest();
const baseName = (p: string) => p.split('/').pop()!;
const share = (n: number, of: number) => (of === 0 ? 1 : n / of);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(5);

interface Figures {
  images: number;
  top1: number;
  /** Moment within the sampling interval (what sampling alone can promise). */
  nearMoment: number;
  /**
   * Moment within one frame interval of the asked frame's still run (the goal, which needs moment
   * refinement): a frame identical to the asked one is the same moment to anyone, so where the library file holds
   * the picture for several frames (a Game of Life generation, ~12 frames), any of them is right.
   */
  exactMoment: number;
  clips: number;
  clipVideo: number;
  clipStart: number;
}

const empty = (): Figures => ({
  images: 0,
  top1: 0,
  nearMoment: 0,
  exactMoment: 0,
  clips: 0,
  clipVideo: 0,
  clipStart: 0,
});

/** Seconds between a hit and the truth; modulo the period for a loop. */
function offBy(video: string, hit: number, truth: number): number {
  const period = manifest.videos.find((v) => v.path === video)?.loopPeriod;
  const d = Math.abs(hit - truth);
  return period ? Math.min(d % period, period - (d % period)) : d;
}

/**
 * Seconds between a hit and the still run [from, to] of the asked frame (the frames showing the same picture, see
 * SamePicture; 0 inside it); modulo the period for a loop.
 */
function offRun(video: string, hit: number, [from, to]: SamePicture): number {
  const period = manifest.videos.find((v) => v.path === video)?.loopPeriod;
  const outside = (t: number) => Math.max(0, from - t, t - to);
  if (!period) return outside(hit);
  const k = Math.round((hit - (from + to) / 2) / period);
  return Math.min(...[k - 1, k, k + 1].map((j) => outside(hit - j * period)));
}

/**
 * Slack for comparing seconds: the manifest's times are rounded to the microsecond, and an answer exactly one frame
 * away comes out a hair over it in floating point (5.44 − 5.40 = 0.04000000000000036 > 0.04).
 */
const TIME_SLACK = 1e-6;

/** One frame interval of `video` (its mean, which is what a VFR file's moving parts come close to). */
function frameInterval(video: string): number {
  const v = manifest.videos.find((x) => x.path === video)!;
  return Math.min(v.duration / v.frames, 0.1);
}

describe('reverse search on real-world file shapes', () => {
  const app = useApp();

  test('every class: the right video, the moment, the clip start, nothing for outside images', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await importSearchLibrary(page, 600_000, { folder, files: filesUnder(join(realworldDir, 'library')) });
    const failed = (await allJobs(page)).filter((j) => j.status === 'failed');
    for (const j of failed) console.log(`  indexing failed: ${j.videoName} ${j.stage}: ${j.error}`);

    const interval = defaultSampling.keyframeInterval;
    const rows = new Map<string, Figures>();
    const row = (cls: string) => rows.get(cls) ?? (rows.set(cls, empty()), rows.get(cls)!);
    const misses: string[] = [];
    const describeHit = (h: Hit | undefined) => (h ? `${baseName(h.path)}@${h.time.toFixed(2)}` : 'nothing');

    const images = await realworldImageQueries(page, manifest.images, 2026);
    for (const q of images) {
      const hits = await searchImage(page, q.base64, q.mime);
      const r = row(q.class);
      r.images++;
      const right = hits[0] && baseName(hits[0].path) === baseName(q.video);
      const off = right ? offBy(q.video, hits[0].time, q.time) : Infinity;
      if (right) r.top1++;
      if (off <= interval + frameInterval(q.video) / 2) r.nearMoment++;
      // Within one frame of the run of frames identical to the asked one: any of those is the asked moment.
      const offSame = right ? offRun(q.video, hits[0].time, q.same) : Infinity;
      if (offSame <= frameInterval(q.video) + TIME_SLACK) r.exactMoment++;
      // FF_SEARCH_DETAIL=1 prints every query's answer, the sampled moment refinement started from, how far off, and
      // the run of frames showing the same picture as the truth (and how far outside it the answer is).
      if (process.env.FF_SEARCH_DETAIL === '1')
        console.log(
          `  ${q.class}: ${q.name} truth ${q.time.toFixed(3)} (same ${q.same[0].toFixed(3)}–${q.same[1].toFixed(3)}) ` +
            `→ ${describeHit(hits[0])} (sampled ${hits[0]?.sampledTime?.toFixed(3) ?? '-'}, off ${off.toFixed(3)}, ` +
            `outside the run ${offSame.toFixed(3)}, colours ${hits.map((h) => h.colour?.toFixed(3) ?? '-').join(' ')})`,
        );
      if (off > interval + frameInterval(q.video) / 2)
        misses.push(`${q.class}: ${q.name} (${baseName(q.video)}@${q.time.toFixed(2)}) → ${describeHit(hits[0])}`);
    }

    for (const q of manifest.clips) {
      const { base64, mime } = clipFile(q.path);
      const hits = await searchClip(page, base64, mime);
      const r = row(q.class);
      r.clips++;
      const right = hits[0] && baseName(hits[0].path) === baseName(q.video);
      if (right) r.clipVideo++;
      if (process.env.FF_SEARCH_DETAIL === '1')
        console.log(
          `  ${q.class}: clip ${baseName(q.path)} from ${q.start.toFixed(3)} → ${describeHit(hits[0])} ` +
            `(aligned ${hits[0]?.sampledTime?.toFixed(3) ?? '-'})`,
        );
      // The clip's first frame may be one of a run of identical frames: a start anywhere in that run is right too.
      if (right && offRun(q.video, hits[0].time, q.same) <= 0.25 + TIME_SLACK) r.clipStart++;
      else
        misses.push(
          `${q.class}: clip ${baseName(q.path)} (from ${q.start.toFixed(2)}, same picture to ${q.same[1].toFixed(2)}) → ${describeHit(hits[0])}`,
        );
    }

    const outside = await realworldImageQueries(
      page,
      manifest.outside.map((o) => ({ ...o, video: 'outside', class: 'outside' })),
      99,
    );
    let answered = 0;
    for (const q of outside) {
      const hits = await searchImage(page, q.base64, q.mime);
      if (hits.length > 0) {
        answered++;
        misses.push(`outside: ${q.name} → ${describeHit(hits[0])} ${hits[0].similarity.toFixed(3)}`);
      }
    }

    console.log(
      `reverse search on real-world shapes (sampling every ${interval} s): class, recall@1, moment within the ` +
        'sampling interval, within one frame (of the frames showing the same picture), clip → video, clip start within ' +
        '0.25 s (of those frames)',
    );
    // Issue 11's targets, per class, asserted: recall@1 ≥ 0.98, the moment within one frame for ≥ 0.90, the clip
    // start within 0.25 s for ≥ 0.95, both counted from the run of frames identical to the asked one (a frame
    // identical to the asked one is the same moment to anyone; the fixtures' Game of Life shots hold each generation
    // ~12 frames); every file indexes, no outside image is answered. Known misses are printed apart.
    const meets = (r: Figures) =>
      share(r.top1, r.images) >= 0.98 && share(r.exactMoment, r.images) >= 0.9 && share(r.clipStart, r.clips) >= 0.95;
    for (const [cls, r] of rows)
      console.log(
        `  ${cls.padEnd(14)} images ${String(r.images).padStart(2)} ${pct(share(r.top1, r.images))} ` +
          `${pct(share(r.nearMoment, r.images))} ${pct(share(r.exactMoment, r.images))}   clips ${r.clips} ` +
          `${pct(share(r.clipVideo, r.clips))} ${pct(share(r.clipStart, r.clips))}` +
          `  issue 11 targets ${meets(r) ? 'met' : 'not met'}`,
      );
    console.log(`  outside images answered: ${answered} / ${outside.length}`);
    if (misses.length) console.log(`  misses:\n    ${misses.join('\n    ')}`);

    expect(failed.map((j) => `${j.videoName} ${j.stage}: ${j.error}`)).toEqual([]);
    for (const [cls, r] of rows) {
      expect.soft(share(r.top1, r.images), `${cls}: recall@1`).toBeGreaterThanOrEqual(0.98);
      expect.soft(share(r.clipVideo, r.clips), `${cls}: clip → video`).toBeGreaterThanOrEqual(0.95);
      expect.soft(share(r.exactMoment, r.images), `${cls}: moment within one frame`).toBeGreaterThanOrEqual(0.9);
      expect.soft(share(r.clipStart, r.clips), `${cls}: clip start within 0.25 s`).toBeGreaterThanOrEqual(0.95);
    }
    expect(answered, 'outside images answered').toBe(0);
  }, 900_000);
});
