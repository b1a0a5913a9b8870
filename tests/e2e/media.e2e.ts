// The media pipeline on tests/fixtures/media: one import of the folder (13 good files in every codec and
// container the app claims, 6 bad ones), then what the catalog and the Videos table say about each file,
// checked against ffprobe's truth in tests/fixtures/media.json.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dependentsOf, scanStageNames as stages } from '../../src/indexing/registry';
import type { Job, Video } from '../../src/lib/types';
import { catalogVideos, eventually, openApp, videoRows } from './app';
import { launchBrowser, startServer } from './harness';
import type { TestServer } from './harness';
import {
  allJobs,
  baseName,
  containerFamily,
  durationLabel,
  formatLabelOf,
  imageStats,
  importAndIndex,
  mediaDir,
  mediaTruth,
  resolutionLabel,
  videoMedia,
} from './media-helpers';
import type { MediaTruth, VideoMedia } from './media-helpers';

const truth = mediaTruth();
const good = truth.filter((t) => t.expect === 'ok');
const bad = truth.filter((t) => t.expect === 'error');

/** What each bad file's error must say, in words a user understands. */
const badMessages: Record<string, RegExp> = {
  'empty.mp4': /empty/i,
  'text-renamed.mp4': /not a video/i,
  'audio-only.mp4': /no video track/i,
  'subtitles-only.mkv': /no video track/i,
  'unsupported.mkv': /cannot decode|unsupported/i,
  'truncated.mp4': /truncated|cannot be decoded/i,
};
/** Files whose probe itself must reject them (truncated.mp4 probes fine: its index is complete). */
const failsAtProbe = ['empty.mp4', 'text-renamed.mp4', 'audio-only.mp4', 'subtitles-only.mkv', 'unsupported.mkv'];

/** Headless Chromium's WebCodecs decodes these; everything else (and AVI, which mediabunny cannot read) is ffmpeg's. */
const webCodecs = new Set(['h264', 'vp9', 'av1']);

describe('indexing the media fixtures', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const videos = new Map<string, Video>();
  const media = new Map<string, VideoMedia>();
  let jobs: Job[] = [];

  const video = (t: MediaTruth) => {
    const v = videos.get(t.path);
    expect(v, `${t.path} is in the catalog`).toBeDefined();
    return v!;
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 1400 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await openApp(page, server.url);
    await importAndIndex(page, mediaDir);
    for (const v of await catalogVideos(page)) {
      videos.set(v.path, v);
      media.set(v.path, await videoMedia(page, v.id));
    }
    jobs = await allJobs(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  test('every file is catalogued once with its stages; good files are done, bad ones failed', () => {
    expect([...videos.keys()].sort()).toEqual(truth.map((t) => t.path).sort());
    for (const t of truth) {
      const v = video(t);
      const mine = jobs.filter((j) => j.videoId === v.id);
      expect(mine.map((j) => j.stage).sort(), t.path).toEqual([...stages].sort());
      if (t.expect === 'ok') {
        expect(v.status, `${t.path}: ${v.lastError}`).toBe('done');
        expect(
          mine.filter((j) => j.status !== 'done').map((j) => `${j.stage}: ${j.error}`),
          t.path,
        ).toEqual([]);
      } else {
        expect(v.status, t.path).toBe('failed');
      }
    }
    expect(pageErrors).toEqual([]);
  });

  test('metadata of every good file matches ffprobe', () => {
    for (const t of good) {
      const v = video(t);
      const name = t.path;
      if (name === 'vfr.mp4') {
        // ffprobe says 4.467 (last frame's start); counting the last frame's duration gives 4.533.
        expect
          .soft(
            Math.min(Math.abs(v.duration! - 4.467), Math.abs(v.duration! - 4.533)),
            `${name} duration ${v.duration}`,
          )
          .toBeLessThanOrEqual(0.1);
        expect.soft(Math.abs(v.fps! - t.fps!) / t.fps!, `${name} fps ${v.fps}`).toBeLessThan(0.1);
      } else {
        expect.soft(Math.abs(v.duration! - t.duration!), `${name} duration ${v.duration}`).toBeLessThanOrEqual(0.1);
        expect.soft(Math.abs(v.fps! - t.fps!) / t.fps!, `${name} fps ${v.fps}`).toBeLessThan(0.01);
      }
      expect.soft([v.width, v.height], `${name} display size`).toEqual([t.width, t.height]);
      expect.soft(v.videoCodec, `${name} video codec`).toBe(t.videoCodec);
      expect.soft(v.audioCodec, `${name} audio codec`).toBe(t.audioCodec);
      expect.soft(v.hasAudio, `${name} hasAudio`).toBe(t.hasAudio);
      expect.soft(v.rotation ?? 0, `${name} rotation`).toBe(t.rotation);
      expect.soft(containerFamily(v.container), `${name} container ${v.container}`).toBe(containerFamily(t.container));
      // The creation time from the container, else the file's modified time.
      const created = t.creationTime ? Date.parse(t.creationTime) : v.modifiedAt;
      expect.soft(v.createdAt, `${name} createdAt ${new Date(v.createdAt ?? 0).toISOString()}`).toBe(created);
      expect.soft(v.year, `${name} year`).toBe(new Date(created).getUTCFullYear());
    }
    expect(video(truth.find((t) => t.path === 'rotated.mp4')!)).toMatchObject({
      width: 180,
      height: 320,
      rotation: 90,
    });
    expect(video(truth.find((t) => t.path === 'h264.mp4')!).createdAt).toBe(Date.parse('2021-06-05T10:20:30Z'));
  });

  test('H.264, VP9 and AV1 decode with WebCodecs; HEVC, AVI, ProRes and Theora with ffmpeg.wasm', () => {
    const tiers = good.map((t) => [t.path, video(t).tier]);
    const expected = good.map((t) => [
      t.path,
      webCodecs.has(t.videoCodec!) && t.container !== 'avi' ? 'webcodecs' : 'ffmpeg',
    ]);
    expect(tiers).toEqual(expected);
    expect(
      expected
        .filter(([, tier]) => tier === 'ffmpeg')
        .map(([p]) => p)
        .sort(),
    ).toEqual(['hevc.mp4', 'mpeg4.avi', 'prores.mov', 'theora.ogv']);
  });

  test('every good file has a poster that is not black or flat, and a scrub strip of about ten frames', async () => {
    for (const t of good) {
      const v = video(t);
      const { poster, strip } = media.get(t.path)!;
      expect(poster, `${t.path} poster`).not.toBeNull();
      expect(strip, `${t.path} strip`).not.toBeNull();
      const p = await imageStats(page, poster!.blobKey, poster!.mime);
      expect(p, `${t.path} poster image`).toMatchObject({ width: poster!.width, height: poster!.height });
      expect(p!.lumaStd, `${t.path} poster luma std dev`).toBeGreaterThan(8);
      // Portrait stays portrait (rotated.mp4 is stored landscape and shown upright).
      expect(poster!.width < poster!.height, `${t.path} poster orientation`).toBe(v.width! < v.height!);
      expect(strip!.frameCount, `${t.path} strip frames`).toBeGreaterThanOrEqual(8);
      expect(strip!.frameCount, `${t.path} strip frames`).toBeLessThanOrEqual(12);
      const s = await imageStats(page, strip!.blobKey, strip!.mime);
      expect(s, `${t.path} strip image: frames side by side`).toMatchObject({
        width: strip!.width * strip!.frameCount,
        height: strip!.height,
      });
      expect(s!.lumaStd, `${t.path} strip luma std dev`).toBeGreaterThan(8);
    }
  });

  test('the Videos table shows poster, duration, resolution and format of each good file', async () => {
    // Posters appear once the list refreshes after the last job (refreshes are coalesced): wait for them.
    const goodNames = new Set(good.map((t) => baseName(t.path)));
    await eventually(
      async () => (await videoRows(page)).filter((r) => goodNames.has(r.Name) && r.Poster === 'image').length,
    ).toBe(good.length);
    const rows = await videoRows(page);
    for (const t of good) {
      const row = rows.find((r) => r.Name === baseName(t.path));
      expect(row, t.path).toMatchObject({
        Poster: 'image',
        Duration: durationLabel(video(t).duration!),
        Resolution: resolutionLabel(t.width!, t.height!),
        Format: formatLabelOf(t),
        Badges: '',
        Reason: '',
      });
      expect(Math.abs(Math.round(video(t).duration!) - t.duration!), `${t.path} shown duration`).toBeLessThanOrEqual(1);
    }
  });

  test('scenes.mp4 has exactly its four shots: scenes start at 0, 3, 6 and 9 s', () => {
    const { scenes } = media.get('scenes.mp4')!;
    const starts = scenes.map((s) => s.start);
    expect(starts, `scene starts ${starts.join(', ')}`).toHaveLength(4);
    [0, 3, 6, 9].forEach((want, i) =>
      expect(Math.abs(starts[i] - want), `scene ${i} starts at ${starts[i]}`).toBeLessThanOrEqual(0.5),
    );
  });

  test('scenes tile each good video, and its sampled frames (key frames and at least one per second) are stored once', () => {
    for (const t of good) {
      const v = video(t);
      const { scenes, frames } = media.get(t.path)!;
      expect(scenes.length, `${t.path} scenes`).toBeGreaterThan(0);
      expect(
        scenes.map((s) => s.index),
        `${t.path} scene indices`,
      ).toEqual(scenes.map((_, i) => i));
      expect(scenes[0].start, t.path).toBe(0);
      for (let i = 1; i < scenes.length; i++) expect(scenes[i].start, `${t.path} scene ${i}`).toBe(scenes[i - 1].end);
      expect(Math.abs(scenes[scenes.length - 1].end - v.duration!), `${t.path} last scene end`).toBeLessThanOrEqual(
        0.1,
      );
      for (const s of scenes) {
        expect(s.keyframeTime >= s.start && s.keyframeTime <= s.end, `${t.path} scene ${s.index} frame`).toBe(true);
      }

      expect(frames.length, `${t.path} frames`).toBeGreaterThanOrEqual(Math.ceil(v.duration!));
      expect(
        frames.map((f) => f.index),
        `${t.path} frame indices`,
      ).toEqual(frames.map((_, i) => i));
      for (let i = 1; i < frames.length; i++) {
        expect(frames[i].time, `${t.path} frame ${i} after frame ${i - 1}`).toBeGreaterThan(frames[i - 1].time);
      }
      for (const f of frames) {
        expect(f.time >= 0 && f.time <= v.duration! + 0.05, `${t.path} frame at ${f.time}`).toBe(true);
        const scene = scenes.find((s) => f.time >= s.start && (f.time < s.end || s.index === scenes.length - 1));
        expect(f.sceneIndex, `${t.path} frame at ${f.time} belongs to its scene`).toBe(scene?.index);
      }
      // The key frames of the file (ffprobe's list) are among the frames, flagged as such; key frames closer
      // than a quarter of the 1 s sampling interval (all-intra ProRes) may share one row.
      for (const k of t.keyframes ?? []) {
        const hit = frames.find((f) => f.keyframe && Math.abs(f.time - k) <= 0.25);
        expect(hit, `${t.path} key frame at ${k}`).toBeDefined();
      }
    }
  });

  test('each bad file fails with a clear reason, shown under its name; the rest of the folder is indexed', async () => {
    const rows = await videoRows(page);
    for (const t of bad) {
      const name = baseName(t.path);
      const v = video(t);
      expect.soft(v.status, `${name} status`).toBe('failed');
      expect.soft(v.lastError ?? '', `${name} lastError`).toMatch(badMessages[name]);
      const row = rows.find((r) => r.Name === name);
      expect.soft(row, `${name} row`).toMatchObject({ Badges: 'Failed', Reason: v.lastError ?? '(no reason)' });
      if (failsAtProbe.includes(name)) {
        const mine = jobs.filter((j) => j.videoId === v.id);
        // No retry can turn it into a video: one attempt, and the stages that needed the probe are skipped.
        expect
          .soft(
            mine.find((j) => j.stage === 'probe'),
            name,
          )
          .toMatchObject({ status: 'failed', attempts: 1 });
        expect
          .soft(
            mine
              .filter((j) => j.status === 'cancelled')
              .map((j) => [j.stage, j.error])
              .sort(),
            `${name} skipped stages`,
          )
          .toEqual(
            dependentsOf('probe')
              .filter((s) => stages.includes(s)) // stages run on request were never queued
              .map((s) => [s, 'Skipped: probe failed'])
              .sort(),
          );
      }
    }
    expect(
      rows
        .filter((r) => r.Badges === '')
        .map((r) => r.Name)
        .sort(),
    ).toEqual(good.map((t) => baseName(t.path)).sort());
  });
});
