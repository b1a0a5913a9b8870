// Helpers for the media pipeline specs: the truth about tests/fixtures/media (tests/fixtures/media.json, from
// ffprobe), and typed access to what the catalog stored for a video (scenes, frames, thumbnails, jobs).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Page } from 'playwright-core';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Job, JobStatus } from '../../src/lib/types';
import { waitUntil } from '../shared/poll';
import { repoRoot } from './harness';
import type { FixtureFile } from './harness';

export const mediaDir = join(repoRoot, 'tests', 'fixtures', 'media');

/** One entry of tests/fixtures/media.json (the fields the specs use). */
export interface MediaTruth {
  path: string;
  size: number;
  expect: 'ok' | 'error';
  duration?: number;
  width?: number;
  height?: number;
  fps?: number;
  videoCodec?: string;
  audioCodec?: string | null;
  /** ffprobe's first format name: 'mov' for mp4 and mov, 'matroska' for mkv and webm. */
  container?: string;
  rotation?: number;
  hasAudio?: boolean;
  creationTime?: string | null;
  keyframes?: number[];
  sceneCuts?: number[];
  expectedMessage?: string;
}

export function mediaTruth(): MediaTruth[] {
  return JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'media.json'), 'utf8')) as MediaTruth[];
}

export const baseName = (path: string): string => path.split('/').pop()!;

/** Every file under tests/fixtures/media, for seeding an OPFS folder. */
export function mediaFiles(): FixtureFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return walk(mediaDir).map((full) => ({
    path: relative(mediaDir, full).split(sep).join('/'),
    bytes: readFileSync(full),
  }));
}

/** Container names grouped by format family: the app tells mp4 from mov and webm from mkv, ffprobe does not. */
export function containerFamily(name: string | null | undefined): string | null {
  if (!name) return null;
  const families: Record<string, string> = { mov: 'isobmff', mp4: 'isobmff', matroska: 'matroska', webm: 'matroska' };
  return families[name] ?? name;
}

export interface SceneRow {
  index: number;
  start: number;
  end: number;
  keyframeTime: number;
}

export interface FrameRow {
  index: number;
  time: number;
  keyframe: boolean;
  sceneIndex: number | null;
}

export interface ThumbnailRow {
  mime: string;
  width: number;
  height: number;
  frameCount: number;
  time: number | null;
  blobKey: string;
}

/** What the catalog stored for one video, besides its row. */
export interface VideoMedia {
  scenes: SceneRow[];
  frames: FrameRow[];
  poster: ThumbnailRow | null;
  strip: ThumbnailRow | null;
}

export function videoMedia(page: Page, videoId: number): Promise<VideoMedia> {
  return page.evaluate(async (id) => {
    const c = (window as unknown as FramefinderWindow).framefinder.catalog;
    const [scenes, frames, poster, strip] = await Promise.all([
      c.listScenes(id),
      c.listFrames(id),
      c.getThumbnail(id, 'poster'),
      c.getThumbnail(id, 'strip'),
    ]);
    return { scenes, frames, poster: poster ?? null, strip: strip ?? null };
  }, videoId);
}

export interface ImageStats {
  width: number;
  height: number;
  /** Standard deviation of the luma (0–255): a black or flat image is near 0. */
  lumaStd: number;
}

/** Decodes a stored image in the page (createImageBitmap + OffscreenCanvas) and measures it; null if missing. */
export function imageStats(page: Page, blobKey: string, mime: string): Promise<ImageStats | null> {
  return page.evaluate(
    async ({ blobKey, mime }) => {
      const c = (window as unknown as FramefinderWindow).framefinder.catalog;
      const bytes = await c.blobRead(blobKey);
      if (!bytes) return null;
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: mime }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let sum = 0;
      let sumSq = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += y;
        sumSq += y * y;
      }
      const mean = sum / n;
      return { width: bitmap.width, height: bitmap.height, lumaStd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
    },
    { blobKey, mime },
  );
}

/** Every job in the catalog, whatever its status. */
export function allJobs(page: Page): Promise<Job[]> {
  return page.evaluate(async () => {
    const c = (window as unknown as FramefinderWindow).framefinder.catalog;
    const statuses: JobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];
    return (await Promise.all(statuses.map((s) => c.listJobs(s, 100_000)))).flat();
  });
}

/** Keys of the stored images (posters, strips, scene sheets). */
export function blobKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const c = (window as unknown as FramefinderWindow).framefinder.catalog;
    return (await c.blobList()).map((b) => b.key);
  });
}

/** Imports `dir` through the webkitdirectory input and waits (outside a test too) until no job is left to run. */
export async function importAndIndex(page: Page, dir: string, timeout = 90_000): Promise<void> {
  await page.getByLabel('Choose a folder of videos').first().setInputFiles(dir);
  await waitForIdle(page, timeout);
}

/** Waits until a scan has finished and no job is queued or running. */
export async function waitForIdle(page: Page, timeout = 90_000): Promise<void> {
  const status = page.getByRole('contentinfo').getByRole('status');
  await waitUntil(
    async () => /Scan finished:/.test(await status.innerText()),
    'the scan to finish',
    { timeout: 20_000, interval: 200 },
    () => status.innerText(),
  );
  const counts = () => page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.jobCounts());
  await waitUntil(
    async () => {
      const c = await counts();
      return c.queued + c.running === 0;
    },
    'the jobs to finish',
    { timeout, interval: 200 },
    async () => `jobs still waiting: ${JSON.stringify(await counts())}`,
  );
}

const extensionLabels: Record<string, string> = {
  mp4: 'MP4',
  mov: 'MOV',
  mkv: 'MKV',
  webm: 'WebM',
  avi: 'AVI',
  ogv: 'Ogg',
};
const codecLabels: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC',
  vp9: 'VP9',
  av1: 'AV1',
  mpeg4: 'MPEG-4',
  prores: 'ProRes',
  theora: 'Theora',
};

/** The Format column for a fixture: "MP4 · H.264" (the fixtures' extensions match their containers). */
export function formatLabelOf(t: MediaTruth): string {
  return `${extensionLabels[t.path.split('.').pop()!]} · ${codecLabels[t.videoCodec!]}`;
}

/** The Resolution column: named from the short side. */
export function resolutionLabel(width: number, height: number): string {
  const short = Math.min(width, height);
  return short >= 2160 ? '4K' : short >= 1440 ? '1440p' : short >= 1080 ? '1080p' : short >= 720 ? '720p' : 'SD';
}

/** The Duration column: m:ss, rounded to the second. */
export function durationLabel(seconds: number): string {
  const r = Math.round(seconds);
  return `${Math.floor(r / 60)}:${String(r % 60).padStart(2, '0')}`;
}
