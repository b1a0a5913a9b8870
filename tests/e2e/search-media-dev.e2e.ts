// Reverse search on the real files in ../shared/media-dev (phone recordings with rotation, HDR, Dolby Vision,
// motion photos, AV1, VP9 10-bit, AVI, FLV, TS, Matroska …; see its README). Runs only when that folder exists
// (it is never copied into the repository) and says so when it is skipped. The whole folder is opened as a
// library through the app; every file it indexes (down to 0.25 s long) gets screenshots of what the user sees:
// frames a <video> element shows, or, for files Chromium cannot play, frames the native ffmpeg writes as a player
// shows them (rotation applied, HDR tone-mapped), transformed like search-quality.e2e.ts's (media-dev-queries.ts).
// Prints each file's figures, then each kind's (rotation, HDR/10-bit, motion photo, …); fails when a file that
// should index does not, or when the figures fall below today's (and, with FF_ISSUE11_TARGETS=1, when a kind's
// screenshots miss the issue 11 targets). FF_QUERY_DIR=dir keeps the screenshots.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { defaultSampling } from '../../src/lib/media/sampling';
import { repoRoot, stubDirectoryPicker, useApp } from './harness';
import { allJobs } from './media-helpers';
import { importSearchLibrary, searchImage } from './search-helpers';
import { seededRandom } from '../shared/random';
import {
  ffmpegFrames,
  ffmpegToneMaps,
  frameMotion,
  identicalRun,
  isHdr,
  mediaDevKind,
  mediaDevKinds,
  mediaDevQueries,
  MIN_DURATION,
  pickFrames,
  probeMediaDev,
  type MediaDevKind,
} from './media-dev-queries';
import type { ImageQuery } from './search-queries';

const mediaDevDir = join(repoRoot, '..', 'shared', 'media-dev');
const present = existsSync(join(mediaDevDir, 'manifest.json'));
const folder = 'media-dev';
/** Files no tier decodes, with the message the user must get instead. */
const undecodable: Record<string, RegExp> = { 'mp4_sample_vvc.mp4': /unsupported|cannot decode/i };
const QUERIES_PER_FILE = 3;

if (!present) console.log(`search-media-dev: skipped, no real-world files at ${mediaDevDir}`);

describe.skipIf(!present)('reverse search on the real files in ../shared/media-dev', () => {
  const app = useApp();

  test('every decodable file indexes, and its screenshots find it at the right moment', async () => {
    const names = readdirSync(mediaDevDir).filter((n) => !/\.(json|md)$/.test(n));
    const what = new Map(
      (JSON.parse(readFileSync(join(mediaDevDir, 'manifest.json'), 'utf8')) as { file: string; what: string }[]).map(
        (m) => [m.file, m.what],
      ),
    );
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    const files = names.map((path) => ({ path, bytes: readFileSync(join(mediaDevDir, path)) }));
    await importSearchLibrary(page, 1_500_000, { folder, files });

    const failed = (await allJobs(page)).filter((j) => j.status === 'failed');
    const wrongFailures = failed.filter((j) => !undecodable[j.videoName]?.test(j.error ?? ''));
    for (const j of failed) console.log(`  indexing failed: ${j.videoName} ${j.stage}: ${j.error}`);

    // Which files the page's <video> plays: their screenshots are drawn from it. Every other file that indexed gets
    // its frames from the native ffmpeg instead (media-dev-queries.ts), so no indexed file goes without queries.
    const toneMaps = ffmpegToneMaps();
    const frameDir = mkdtempSync(join(tmpdir(), 'ff-media-dev-'));
    const interval = defaultSampling.keyframeInterval;
    const results: {
      path: string;
      kind: MediaDevKind;
      asked: number;
      top1: number;
      onTime: number;
      moving: number;
      exact: number;
    }[] = [];
    const rows: string[] = [];
    const blanks: string[] = [];
    const copies: string[] = [];
    const excluded: string[] = [];
    const fromVideo: string[] = [];
    const fromFfmpeg: string[] = [];
    let [all, right, timely] = [0, 0, 0];
    try {
      for (const [i, f] of files.entries()) {
        const failure = failed.find((j) => j.videoName === f.path && undecodable[f.path]?.test(j.error ?? ''));
        if (failure) {
          excluded.push(`${f.path} (no tier decodes it: “${failure.error}”)`);
          continue;
        }
        const probe = probeMediaDev(join(mediaDevDir, f.path));
        if (probe.duration < MIN_DURATION || probe.frames.length < 2) {
          excluded.push(`${f.path} (${probe.duration.toFixed(2)} s, under ${MIN_DURATION} s)`);
          continue;
        }
        const kind = mediaDevKind(f.path, what.get(f.path) ?? '', probe);
        const videoUrl = await playableUrl(page, f.bytes);
        const picks = pickFrames(probe, QUERIES_PER_FILE, seededRandom(1100 + i));
        let source: string;
        let queries: ImageQuery[];
        if (videoUrl) {
          source = 'video';
          fromVideo.push(f.path);
          queries = await mediaDevQueries(page, { path: f.path, videoUrl }, picks, all + blanks.length, 11 + i);
        } else {
          const hdr = isHdr(probe);
          source = hdr ? (toneMaps ? 'ffmpeg, tone-mapped' : 'ffmpeg, HDR un-tonemapped') : 'ffmpeg';
          fromFfmpeg.push(f.path);
          const frames = ffmpegFrames(join(mediaDevDir, f.path), probe, picks, frameDir, `f${i}`, hdr && toneMaps);
          queries = await mediaDevQueries(page, { path: f.path, frames }, picks, all + blanks.length, 11 + i);
        }
        let [top1, onTime, moving, exact, blank] = [0, 0, 0, 0, 0];
        const frameLength = medianStep(probe.frames);
        const misses: string[] = [];
        for (const q of queries) {
          // FF_QUERY_DIR=dir keeps every screenshot asked, to look at a miss again outside the app.
          if (process.env.FF_QUERY_DIR) writeFileSync(join(process.env.FF_QUERY_DIR, q.name), q.bytes);
          const hits = await searchImage(page, q.base64, q.mime);
          const captioned = q.transform === 'caption';
          if (hits.length === 0 && (await blankPicture(page, q.base64, q.mime, captioned ? captionFree : 1))) {
            // A black screenshot (a dark phone clip, a black video): nothing to match, and the app must say so. With
            // a caption on it, the letters can be searched for, and nothing in the library shows them.
            blanks.push(`${f.path}@${q.time.toFixed(2)}${captioned ? ' (captioned)' : ''}`);
            blank++;
            if (!captioned)
              expect(await searchMessage(page), `${f.path}@${q.time}: a blank screenshot`).toMatch(/too plain/i);
            continue;
          }
          // A copy holding the same picture (the same clip muxed into several containers) may rank first: the file
          // asked for must then be among the hits, as similar as the first.
          const mine = hits.find((h) => h.path.split('/').pop() === f.path);
          const found = mine !== undefined && mine.similarity >= hits[0].similarity - 0.005;
          if (found && mine !== hits[0]) {
            copies.push(`${f.path}@${q.time.toFixed(2)} = ${hits[0].path}`);
            // The results say so: the file asked for is shown as a copy of the first (same picture, same moment).
            const said = page.getByRole('region', { name: 'Search results' }).getByText(/: a copy$/);
            if (Math.abs(mine.time - hits[0].time) <= 0.5)
              expect(await said.count(), 'copies are said').toBeGreaterThan(0);
          }
          // On time within a sampling interval of the frame asked, or of any frame bit-identical to it around it.
          const off = found
            ? Math.min(
                offBy(mine.time, [q.time, q.time]),
                offBy(mine.time, identicalRun(join(mediaDevDir, f.path), probe, q.time)),
              )
            : Infinity;
          const near = off <= interval + 0.05;
          if (found) top1++;
          if (near) onTime++;
          // Within a frame: the issue's measure of a frame-accurate moment (half a millisecond of rounding allowed), for
          // moving content: a frame that differs from its neighbours by less than `stillLevel` is the same picture to
          // the eye and to any screenshot (JPEG's noise alone moves it more).
          const motion = frameMotion(join(mediaDevDir, f.path), probe, q.time);
          if (motion === null || motion >= stillLevel) {
            moving++;
            if (off <= frameLength + 5e-4) exact++;
            else if (near)
              misses.push(`${q.transform}@${q.time.toFixed(2)} → @${mine!.time.toFixed(3)}: not within a frame`);
          }
          if (!near)
            misses.push(
              `${q.transform}@${q.time.toFixed(2)} → ${hits[0] ? `${hits[0].path}@${hits[0].time.toFixed(2)}` : 'nothing'}` +
                (mine && !found ? ` (own hit @${mine.time.toFixed(2)} less similar)` : '') +
                (found && mine !== hits[0] ? ` (own hit @${mine.time.toFixed(2)}${refinedNote(mine)})` : ''),
            );
        }
        const asked = queries.length - blank;
        [all, right, timely] = [all + asked, right + top1, timely + onTime];
        results.push({ path: f.path, kind, asked, top1, onTime, moving, exact });
        rows.push(
          `  ${f.path.padEnd(58)} ${top1}/${asked} right, ${onTime} on time, ${exact}/${moving} moving within a frame  [${kind}; ${source}${blank ? `; ${blank} blank` : ''}] ${what.get(f.path) ?? ''}` +
            (misses.length ? `\n      ${misses.join('\n      ')}` : ''),
        );
      }
    } finally {
      rmSync(frameDir, { recursive: true, force: true });
    }
    console.log(
      `reverse search on ${files.length} real files: ${results.length} with screenshots, ${fromVideo.length} drawn ` +
        `from Chromium's <video>, ${fromFfmpeg.length} from ffmpeg frames` +
        (toneMaps
          ? ' (HDR tone-mapped to SDR BT.709 by zscale+tonemap)'
          : ' (HDR frames un-tonemapped: no zscale/tonemap)'),
    );
    console.log(rows.join('\n'));
    console.log('  by kind:');
    for (const kind of mediaDevKinds) {
      const mine = results.filter((r) => r.kind === kind);
      if (mine.length === 0) continue;
      const [n, r1, t1, m1, e1] = mine.reduce(
        ([n, r, t, m, e], x) => [n + x.asked, r + x.top1, t + x.onTime, m + x.moving, e + x.exact],
        [0, 0, 0, 0, 0],
      );
      console.log(
        `    ${kind.padEnd(17)} ${String(mine.length).padStart(2)} files: recall@1 ${r1}/${n}, ` +
          `moment within ${interval} s ${t1}/${n}, moving content within a frame ${e1}/${m1}`,
      );
    }
    const [moving, exactly] = results.reduce(([m, e], r) => [m + r.moving, e + r.exact], [0, 0]);
    console.log(
      `  overall: recall@1 ${right}/${all}, moment within ${interval} s ${timely}/${all}, ` +
        `moving content within a frame ${exactly}/${moving}`,
    );
    if (blanks.length)
      console.log(
        `  blank screenshots, "too plain" as they should be (captioned ones: nothing found): ${blanks.join(', ')}`,
      );
    if (copies.length) console.log(`  found as a copy of the same picture: ${copies.join(', ')}`);
    if (excluded.length) console.log(`  no screenshots: ${excluded.join(', ')}`);

    expect(wrongFailures.map((j) => `${j.videoName} ${j.stage}: ${j.error}`)).toEqual([]);
    // Held to what the app does on these files now (2026-12-05: recall@1 82/82, moment within the sampling interval
    // 82/82, moving content within a frame 43/44), with a little slack for near-still copies, whose moments move
    // between runs, so a change that loses real files fails here. Issue 11's targets for every kind on its own (met in
    // the last run, rotation at 11 of 12 moving frames: one miss from failing) are asserted with FF_ISSUE11_TARGETS=1.
    expect(right / Math.max(1, all), 'recall@1 over the real files').toBeGreaterThanOrEqual(0.98);
    expect(timely / Math.max(1, all), 'moment within the sampling interval').toBeGreaterThanOrEqual(0.95);
    expect(exactly / Math.max(1, moving), 'moving content within a frame').toBeGreaterThanOrEqual(0.9);
    if (process.env.FF_ISSUE11_TARGETS !== '1') return;
    for (const kind of mediaDevKinds) {
      const mine = results.filter((r) => r.kind === kind);
      const sum = (key: 'asked' | 'top1' | 'onTime' | 'moving' | 'exact') => mine.reduce((n, r) => n + r[key], 0);
      if (sum('asked') === 0) continue;
      expect(sum('top1') / sum('asked'), `${kind}: recall@1`).toBeGreaterThanOrEqual(0.98);
      expect(sum('onTime') / sum('asked'), `${kind}: moment within the sampling interval`).toBeGreaterThanOrEqual(0.9);
      if (sum('moving') > 0)
        expect(sum('exact') / sum('moving'), `${kind}: moving content within a frame`).toBeGreaterThanOrEqual(0.9);
    }
  }, 1_800_000);
});

/** A blob: URL of the file that the page's <video> plays with a picture, or null when it cannot. */
function playableUrl(page: Page, bytes: Buffer): Promise<string | null> {
  return page.evaluate(async (base64) => {
    const blob = await (await fetch(`data:application/octet-stream;base64,${base64}`)).blob();
    const url = URL.createObjectURL(blob);
    const video = document.createElement('video');
    video.muted = true;
    video.src = url;
    const duration = await new Promise<number | null>((ok) => {
      // A file the element opens without a picture (audio only to this browser) has no frame to grab.
      video.onloadeddata = () => ok(video.videoWidth > 0 ? video.duration : null);
      video.onerror = () => ok(null);
      setTimeout(() => ok(null), 15_000);
    });
    video.removeAttribute('src');
    if (duration && Number.isFinite(duration)) return url;
    URL.revokeObjectURL(url);
    return null;
  }, bytes.toString('base64'));
}

/** Mean luma difference (0–255) from a frame's neighbours below which it is still (see `frameMotion`). */
const stillLevel = 1;

/** The median step between `times` (a file's frame interval), or 0 with fewer than two. */
function medianStep(times: readonly number[]): number {
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : 0;
}

/** How far `time` is from the run [from, to] (0 inside it). */
const offBy = (time: number, [from, to]: [number, number]) => Math.max(0, from - time, time - to);

/** Whether moment refinement looked at a hit (only the first few videos are refined). */
const refinedNote = (hit: { sampledTime?: number }) =>
  hit.sampledTime === undefined ? ', not refined' : `, refined from @${hit.sampledTime.toFixed(2)}`;

/** The share of a captioned screenshot above its caption (search-queries.ts writes it in the bottom 13%). */
const captionFree = 0.8;

/** Whether a screenshot is one plain colour: all of it, or its top `share` (the picture above a caption). */
function blankPicture(page: Page, base64: string, mime: string, share: number): Promise<boolean> {
  return page.evaluate(
    async ({ base64, mime, share }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const d = ctx.getImageData(0, 0, bitmap.width, Math.round(bitmap.height * share)).data;
      let [sum, sq] = [0, 0];
      for (let i = 0; i < d.length; i += 4) {
        const v = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        sum += v;
        sq += v * v;
      }
      const n = d.length / 4;
      return Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)) < 8;
    },
    { base64, mime, share },
  );
}

/** What the search says after the last query (the state behind the results region's message line). */
function searchMessage(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window as unknown as { framefinder: { state: { search: { message: string } } } }).framefinder.state.search
        .message,
  );
}
