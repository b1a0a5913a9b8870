// The reverse-search quality bar, on a held-out query set made from the search fixtures in real Chromium:
// transformed screenshots at seeded random times, re-encoded sub-clips, and screenshots of videos that are not in
// the library. Every query goes through the app's own search (search.byImage / search.byClip), exactly as a drop
// does. Prints the figures, fails below the issue's targets.
import { describe, expect, test } from 'vitest';
import { defaultSampling } from '../../src/lib/media/sampling';
import { stubDirectoryPicker, useApp } from './harness';
import { grabFrame, importSearchLibrary, searchClip, searchFolder, searchImage } from './search-helpers';
import { makeClipQueries, makeImageQueries, makeOutsideQueries, searchTruth } from './search-queries';

const baseName = (p: string) => p.split('/').pop()!;
const truth = searchTruth();
/** A hit on a copy is a hit on its original, its times shifted by the trim. */
function asOriginal(hit: { path: string; time: number }): { name: string; time: number } {
  const copy = truth.find((t) => t.role === 'copy' && t.path.endsWith(hit.path));
  if (!copy?.copyOf) return { name: baseName(hit.path), time: hit.time };
  return { name: baseName(copy.copyOf), time: hit.time + (copy.trimStart ?? 0) };
}

const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
/** One frame of the fixtures (25 fps), and the slack for times read back from the decoders (rounded to the ms). */
const frame = 1 / 25;
const epsilon = 0.005;

/**
 * Screenshots between two sampled frames (every 0.5 s), inside shots that move every frame: the index alone answers
 * the nearest sample, up to a quarter second off; moment refinement must find the frame itself. (The automaton shots
 * step every few frames and hold the same picture in between: any frame of such a run is as right as another.)
 */
const betweenSamples: [string, number][] = [
  ['city.mp4', 3.24],
  ['city.mp4', 8.36],
  ['city.mp4', 10.24],
  ['city.mp4', 19.16],
  ['desert.mp4', 5.24],
  ['desert.mp4', 12.74],
  ['desert.mp4', 18.36],
  ['desert.mp4', 24.16],
  ['ocean.mp4', 3.36],
  ['ocean.mp4', 9.24],
  ['ocean.mp4', 4.64],
  ['ocean.mp4', 20.24],
  ['night.mp4', 4.24],
  ['night.mp4', 9.64],
  ['night.mp4', 15.36],
  ['night.mp4', 17.64],
  ['garden.mp4', 3.24],
  ['garden.mp4', 9.36],
  ['garden.mp4', 14.74],
  ['garden.mp4', 10.64],
  ['forest.mp4', 6.24],
  ['forest.mp4', 12.36],
  ['forest.mp4', 18.64],
  ['forest.mp4', 23.24],
];

describe('reverse search quality', () => {
  const app = useApp();

  test('held-out screenshots, clips and outside queries meet the recall, timestamp and precision targets', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, searchFolder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await importSearchLibrary(page);
    const interval = defaultSampling.keyframeInterval;
    // Times are compared at frame precision: a query is the middle of a frame, a sample the start of one (25 fps).
    const halfFrame = 0.02;

    // Screenshots: every transform in turn (downscale, JPEG 30, 8 % crop, ±15 % brightness, letterbox, caption).
    const images = await makeImageQueries(page, { count: 120, seed: 2026 });
    const perTransform = new Map<string, { n: number; top1: number; onTime: number }>();
    const misses: string[] = [];
    let top1 = 0;
    let onTime = 0;
    // The moment within one frame, as the index answered (sampled) and once refined.
    const exact = { sampled: 0, refined: 0 };
    for (const q of images) {
      const hits = await searchImage(page, q.base64, q.mime);
      const best = hits[0] ? asOriginal(hits[0]) : null;
      const right = best?.name === baseName(q.video);
      const timely = right && Math.abs(best.time - q.time) <= interval + halfFrame;
      if (right && Math.abs(best.time - q.time) <= frame + epsilon) exact.refined++;
      const sampled =
        right && hits[0].sampledTime !== undefined ? asOriginal({ ...hits[0], time: hits[0].sampledTime }) : null;
      if (sampled && Math.abs(sampled.time - q.time) <= frame + epsilon) exact.sampled++;
      const row = perTransform.get(q.transform) ?? { n: 0, top1: 0, onTime: 0 };
      row.n++;
      if (right) {
        row.top1++;
        top1++;
      }
      if (timely) {
        row.onTime++;
        onTime++;
      }
      perTransform.set(q.transform, row);
      if (!timely)
        misses.push(
          `${q.transform} ${q.video}@${q.time.toFixed(2)} → ${hits[0] ? `${hits[0].path}@${hits[0].time.toFixed(2)} ${hits[0].similarity.toFixed(3)}` : 'nothing'}`,
        );
    }

    // Re-encoded sub-clips of 3–10 s at 256×144 (VP9, H.264, VP8; some at another frame rate).
    const clips = await makeClipQueries(page, { count: 20, seed: 7 });
    let clipsRight = 0;
    let clipsAligned = 0;
    for (const q of clips) {
      const hits = await searchClip(page, q.base64, q.mime);
      const best = hits[0] ? asOriginal(hits[0]) : null;
      if (best?.name === baseName(q.video)) {
        clipsRight++;
        if (Math.abs(best.time - q.start) <= 0.5) clipsAligned++;
        else
          misses.push(`clip ${q.video} ${q.start.toFixed(2)}–${q.end.toFixed(2)} → starts at ${best.time.toFixed(2)}`);
      } else misses.push(`clip ${q.video} ${q.start.toFixed(2)}–${q.end.toFixed(2)} → ${hits[0]?.path ?? 'nothing'}`);
    }

    // Screenshots of videos that are not in the library: nothing may be shown.
    const outside = await makeOutsideQueries(page, { count: 30, seed: 99 });
    let falseResults = 0;
    for (const q of outside) {
      const hits = await searchImage(page, q.base64, q.mime);
      if (hits.length > 0) {
        falseResults++;
        misses.push(`outside ${q.video}@${q.time.toFixed(2)} ${q.transform} → ${hits[0].path} ${hits[0].similarity}`);
      }
    }

    // Clean screenshots between two sampled frames: how far off the moment is before and after refinement.
    const between: { name: string; sampled: number; refined: number }[] = [];
    for (const [video, time] of betweenSamples) {
      const shot = await grabFrame(page, video, time);
      const hits = await searchImage(page, shot.base64, 'image/png');
      // A copy holding the same picture may come first: its times count as the original's.
      const hit = hits[0] && asOriginal(hits[0]).name === video ? hits[0] : null;
      const off = (time: number) => Math.abs(asOriginal({ path: hit!.path, time }).time - shot.time);
      between.push({
        name: `${video}@${shot.time.toFixed(2)}`,
        sampled: hit ? off(hit.sampledTime ?? hit.time) : Infinity,
        refined: hit ? off(hit.time) : Infinity,
      });
    }

    const figures = {
      image_queries: images.length,
      recall_at_1: share(top1, images.length),
      timestamp_within_interval: share(onTime, images.length),
      timestamp_within_frame_sampled: share(exact.sampled, images.length),
      timestamp_within_frame_refined: share(exact.refined, images.length),
      between_samples_queries: between.length,
      between_samples_median_off_sampled_s: median(between.map((b) => b.sampled)),
      between_samples_median_off_refined_s: median(between.map((b) => b.refined)),
      between_samples_within_frame_sampled: share(
        between.filter((b) => b.sampled <= frame + epsilon).length,
        between.length,
      ),
      between_samples_within_frame_refined: share(
        between.filter((b) => b.refined <= frame + epsilon).length,
        between.length,
      ),
      sampling_interval_s: interval,
      clip_queries: clips.length,
      clip_right_video: share(clipsRight, clips.length),
      clip_start_within_0_5s: share(clipsAligned, clips.length),
      outside_queries: outside.length,
      outside_with_results: falseResults,
    };
    console.log(`reverse search quality: ${JSON.stringify(figures)}`);
    for (const [transform, r] of perTransform)
      console.log(
        `  ${transform.padEnd(10)} recall@1 ${pct(share(r.top1, r.n))}  on time ${pct(share(r.onTime, r.n))}`,
      );
    console.log(
      `  between samples (off by, s: sampled → refined): ${between.map((b) => `${b.name} ${b.sampled.toFixed(3)} → ${b.refined.toFixed(3)}`).join(', ')}`,
    );
    if (misses.length) console.log(`  misses:\n    ${misses.join('\n    ')}`);

    expect(figures.recall_at_1).toBeGreaterThanOrEqual(0.98);
    expect(figures.timestamp_within_interval).toBeGreaterThanOrEqual(0.95);
    expect(figures.clip_start_within_0_5s).toBeGreaterThanOrEqual(0.95);
    expect(figures.outside_with_results).toBe(0);
    // Refinement: every clean screenshot between samples is answered within 0.1 s (issue 11's goal), nearly every one
    // within one frame (a slow zoom can leave two neighbouring frames a bit or two apart in the fingerprint).
    expect(between.filter((b) => b.refined > 0.1 + epsilon).map((b) => `${b.name} off by ${b.refined}`)).toEqual([]);
    expect(figures.between_samples_within_frame_refined).toBeGreaterThanOrEqual(0.9);
    // 184 queries one after another, the image queries' best moments refined by decoding a window of each of up to
    // three videos: 240 s was hit on a busy machine.
  }, 600_000);
});
