// The held-out query set for reverse search, made in real Chromium from the search fixtures
// (tests/fixtures/search, see tests/scripts/make-search-fixtures.mjs):
//   - image queries: a frame at a random time, drawn from a <video> and transformed like a screenshot a user
//     would drop (50% downscale, JPEG quality 30, 8% crop, ±15% brightness, letterbox bars, a caption);
//   - clip queries: a random 3–10 s range re-encoded smaller (256x144) with mediabunny + WebCodecs;
//   - outside queries: image queries from videos that are not in the library.
// Every choice (video, time, transform and its parameters, clip range, codec, frame rate) comes from a seeded
// PRNG in Node, so a seed always asks for the same queries; only the pixels depend on the browser's decoders
// and encoders. The fixture files are read in Node and handed to the page as Blobs (object URLs), so the page
// needs nothing from the app: any page on a secure origin (http://127.0.0.1 is one) will do, and several calls
// on one page share the loaded videos.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Mediabunny from 'mediabunny';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness';
import { seededRandom } from '../shared/random';

export const searchFixturesDir = join(repoRoot, 'tests', 'fixtures', 'search');

/** One entry of tests/fixtures/search.json (written by tests/scripts/make-search-fixtures.mjs). */
export interface SearchFixture {
  /** Relative to tests/fixtures/search, e.g. `library/ocean.mp4`, `library/copies/ocean-small.webm`. */
  path: string;
  role: 'library' | 'copy' | 'outside';
  size: number;
  duration: number;
  width: number;
  height: number;
  fps: number;
  codec: string;
  keyframes: number[];
  /** Seconds of pure black at the start (0 when none). */
  blackIntro: number;
  /** Hard scene cuts (s), the end of a black intro included. */
  cuts: number[];
  shots: { start: number; end: number; notes: string }[];
  /** For the copy: the original's path; time t in the copy is t + trimStart in the original. */
  copyOf: string | null;
  trimStart: number;
}

export function searchTruth(): SearchFixture[] {
  return JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'search.json'), 'utf8')) as SearchFixture[];
}

/** A video to take queries from. */
export interface QueryVideo {
  /**
   * The fixture file: relative to tests/fixtures/search/library (`night.mp4`, `copies/ocean-small.webm`) or to
   * tests/fixtures/search (`library/night.mp4`, `outside/ember.webm`). Reported back as given.
   */
  path: string;
  /** Seconds; queries stay inside [0.5, duration - 0.5]. */
  duration: number;
  /** Seconds of black at the start to stay out of (plus half a second); default: from search.json, else 0. */
  blackIntro?: number;
  /** Where the page reads the file (blob:, or a URL of the page's origin); default: the fixture file's bytes. */
  url?: string;
}

/** The library originals (role `library`), as makeImageQueries/makeClipQueries want them. */
export function libraryVideos(): QueryVideo[] {
  return searchTruth()
    .filter((f) => f.role === 'library')
    .map((f) => ({ path: f.path, duration: f.duration, blackIntro: f.blackIntro }));
}

/** The videos that are not in the library (role `outside`). */
export function outsideVideos(): QueryVideo[] {
  return searchTruth()
    .filter((f) => f.role === 'outside')
    .map((f) => ({ path: f.path, duration: f.duration, blackIntro: f.blackIntro }));
}

export const imageTransforms = ['downscale', 'jpeg', 'crop', 'brightness', 'letterbox', 'caption'] as const;
export type ImageTransform = (typeof imageTransforms)[number];

export interface ImageQuery {
  kind: 'image';
  /** The file's bytes, and the same as base64 (for dropFile and friends). */
  bytes: Buffer;
  base64: string;
  mime: 'image/png' | 'image/jpeg';
  /** A file name for dropping it: `query-003-downscale.png` (`outside-…` for makeOutsideQueries). */
  name: string;
  /** The video it was taken from, as given in `videos`. */
  video: string;
  /** Time (s) of the frame drawn: the <video>'s currentTime once 'seeked' fired. */
  time: number;
  /** The time asked for (the middle of a frame, so the frame drawn is unambiguous). */
  requestedTime: number;
  transform: ImageTransform;
  /** The transform's parameters in words, e.g. `brightness ×1.15`, `crop 442x259 at (31,4)`. */
  detail: string;
  width: number;
  height: number;
}

export interface ClipQuery {
  kind: 'clip';
  bytes: Buffer;
  base64: string;
  mime: 'video/webm' | 'video/mp4';
  /** `clip-002-vp9.webm` */
  name: string;
  video: string;
  /** The range of the source video (s) the clip holds: its time 0 is `start` in the source. */
  start: number;
  end: number;
  /** The clip's duration as mediabunny measures it in the page (≈ end - start). */
  duration: number;
  /** mediabunny's codec name: 'vp9' | 'vp8' | 'avc' | 'av1'. */
  codec: string;
  width: number;
  height: number;
  /** The clip's nominal frame rate: the source's, or a resampled 15 or 30 fps (frames dropped or repeated). */
  fps: number;
}

export interface QueryOptions {
  /** Default: every library original (libraryVideos()), or every outside video for makeOutsideQueries. */
  videos?: QueryVideo[];
  count: number;
  seed: number;
}

// ---------------------------------------------------------------------------------------------------- planning

/** Videos in rounds: each round visits every video once, in a fresh random order. */
function roundRobin<T>(items: T[], count: number, random: () => number): T[] {
  const out: T[] = [];
  while (out.length < count) {
    const round = [...items];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j], round[i]];
    }
    out.push(...round);
  }
  return out.slice(0, count);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Where queries may come from in `video`: after its black intro and the first half second, before the last. */
function usableRange(video: QueryVideo): [number, number] {
  const black = video.blackIntro ?? fixtureFor(video.path)?.blackIntro ?? 0;
  const lo = Math.max(0.5, black > 0 ? black + 0.5 : 0);
  const hi = video.duration - 0.5;
  if (!(hi > lo)) throw new Error(`${video.path}: no usable time between ${lo} s and ${hi} s`);
  return [lo, hi];
}

const FPS_DEFAULT = 25;

const captionWords = [
  'look',
  'at',
  'this',
  'moment',
  'again',
  'best',
  'part',
  'wait',
  'for',
  'it',
  'the',
  'colours',
  'here',
  'so',
  'good',
  'who',
  'made',
  'original',
  'clip',
  'scene',
];

export interface ImagePlan {
  index: number;
  video: QueryVideo;
  requestedTime: number;
  transform: ImageTransform;
  /** crop: kept rectangle as fractions; brightness: factor; letterbox: canvas aspect; caption: text. */
  crop?: { x: number; y: number; w: number; h: number };
  factor?: number;
  aspect?: '4:3' | '1:1';
  text?: string;
  /** The url is an image of the frame (a still as a user sees it), not the video: nothing to seek. */
  fromImage?: boolean;
}

/**
 * The image queries a seed asks for (pure: no browser). Asking for more keeps the first ones: the video order and
 * the per-query choices come from two generators, each drawn in query order.
 */
export function planImageQueries({ videos, count, seed }: Required<QueryOptions>): ImagePlan[] {
  const random = seededRandom(seed ^ 0x5eed1a6e);
  return roundRobin(videos, count, seededRandom(seed)).map((video, index) => {
    const [lo, hi] = usableRange(video);
    const fps = fixtureFor(video.path)?.fps ?? FPS_DEFAULT;
    // The middle of a frame (the frame shown there is unambiguous), among the frames centred in [lo, hi].
    const first = Math.ceil(lo * fps - 0.5);
    const last = Math.floor(hi * fps - 0.5);
    const frame = first + Math.floor(random() * (last - first + 1));
    const requestedTime = round3((frame + 0.5) / fps);
    const transform = imageTransforms[index % imageTransforms.length];
    return withTransformParams({ index, video, requestedTime, transform }, random);
  });
}

/** Draws the transform's parameters (crop rectangle, brightness factor, letterbox aspect, caption) from `random`. */
export function withTransformParams(plan: ImagePlan, random: () => number): ImagePlan {
  const transform = plan.transform;
  if (transform === 'crop') {
    // Keep 92% of the area: the same share of each side, anywhere in the frame.
    const keep = Math.sqrt(0.92);
    plan.crop = { x: random() * (1 - keep), y: random() * (1 - keep), w: keep, h: keep };
  } else if (transform === 'brightness') {
    plan.factor = random() < 0.5 ? 0.85 : 1.15;
  } else if (transform === 'letterbox') {
    plan.aspect = random() < 0.5 ? '4:3' : '1:1';
  } else if (transform === 'caption') {
    const n = 3 + Math.floor(random() * 3);
    plan.text = Array.from({ length: n }, () => captionWords[Math.floor(random() * captionWords.length)]).join(' ');
  }
  return plan;
}

export const clipCodecs = ['vp9', 'avc', 'vp8'] as const;

export interface ClipPlan {
  index: number;
  video: QueryVideo;
  start: number;
  end: number;
  /** Wanted codec (the first encodable of it, then vp9, vp8, avc, av1 is used). */
  codec: (typeof clipCodecs)[number];
  /** Resampled frame rate, or null to keep the source's. */
  fps: number | null;
}

/** The clip queries a seed asks for (pure: no browser; asking for more keeps the first ones). */
export function planClipQueries({ videos, count, seed }: Required<QueryOptions>): ClipPlan[] {
  const random = seededRandom(seed ^ 0x5eedc11b);
  const rates = [null, 15, 30];
  return roundRobin(videos, count, seededRandom(seed)).map((video, index) => {
    const [lo, hi] = usableRange(video);
    const length = Math.min(3 + random() * 7, hi - lo);
    const start = round3(lo + random() * (hi - lo - length));
    return {
      index,
      video,
      start,
      end: round3(start + length),
      codec: clipCodecs[index % clipCodecs.length],
      fps: rates[Math.floor(index / clipCodecs.length) % rates.length],
    };
  });
}

// ---------------------------------------------------------------------------------------------------- fixtures

function resolveFixture(path: string): { full: string; key: string } {
  for (const key of [`library/${path}`, path]) {
    const full = join(searchFixturesDir, ...key.split('/'));
    if (existsSync(full)) return { full, key };
  }
  throw new Error(`no search fixture at ${path} (looked in ${searchFixturesDir} and its library/)`);
}

let truthCache: SearchFixture[] | undefined;

/** The search.json entry of a fixture path, if it is one. */
function fixtureFor(path: string): SearchFixture | undefined {
  truthCache ??= searchTruth();
  return truthCache.find((f) => f.path === path || f.path === `library/${path}`);
}

interface QueryKit {
  urls: Record<string, string>;
  mediabunny?: Promise<unknown>;
}

/** Makes each video readable in the page (an object URL of its bytes, made once per page) and returns the URLs. */
async function videoUrls(page: Page, videos: QueryVideo[]): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const video of videos) {
    if (urls.has(video.path)) continue;
    if (video.url) {
      urls.set(video.path, video.url);
      continue;
    }
    const { full, key } = resolveFixture(video.path);
    const have = await page.evaluate(
      (key) => (window as unknown as { __ffQueries?: QueryKit }).__ffQueries?.urls[key] ?? null,
      key,
    );
    if (have) {
      urls.set(video.path, have);
      continue;
    }
    const type = full.endsWith('.webm') ? 'video/webm' : 'video/mp4';
    const url = await page.evaluate(
      async ({ key, base64, type }) => {
        const w = window as unknown as { __ffQueries?: QueryKit };
        w.__ffQueries ??= { urls: {} };
        const blob = await (await fetch(`data:${type};base64,${base64}`)).blob();
        w.__ffQueries.urls[key] = URL.createObjectURL(blob);
        return w.__ffQueries.urls[key];
      },
      { key, base64: readFileSync(full).toString('base64'), type },
    );
    urls.set(video.path, url);
  }
  return urls;
}

/** Loads mediabunny's self-contained ESM bundle into the page once (as a module from a blob: URL). */
async function loadMediabunny(page: Page): Promise<void> {
  const loaded = await page.evaluate(
    () => (window as unknown as { __ffQueries?: QueryKit }).__ffQueries?.mediabunny !== undefined,
  );
  if (loaded) return;
  const source = readFileSync(
    join(repoRoot, 'node_modules', 'mediabunny', 'dist', 'bundles', 'mediabunny.min.mjs'),
    'utf8',
  );
  const url = await page.evaluate((source) => {
    const w = window as unknown as { __ffQueries?: QueryKit };
    w.__ffQueries ??= { urls: {} };
    return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  }, source);
  // A string, not a function: the test runner rewrites `import()` in the spec's own code.
  await page.evaluate(`(window.__ffQueries.mediabunny = import(${JSON.stringify(url)})).then(() => true)`);
}

// ---------------------------------------------------------------------------------------------------- images

interface RenderedImage {
  base64: string;
  mime: 'image/png' | 'image/jpeg';
  time: number;
  width: number;
  height: number;
}

/** Draws the frame at `plan.requestedTime` and applies the plan's transform, in the page. */
export function renderImage(page: Page, url: string, plan: ImagePlan): Promise<RenderedImage> {
  return page.evaluate(
    async ({ url, plan }) => {
      const grab = async (): Promise<{ video: CanvasImageSource; time: number; vw: number; vh: number }> => {
        if (plan.fromImage) {
          const bitmap = await createImageBitmap(await (await fetch(url)).blob());
          return { video: bitmap, time: plan.requestedTime, vw: bitmap.width, vh: bitmap.height };
        }
        const w = window as unknown as { __ffQueryVideos?: Record<string, HTMLVideoElement> };
        w.__ffQueryVideos ??= {};
        let video = w.__ffQueryVideos[url];
        if (!video) {
          video = document.createElement('video');
          video.muted = true;
          video.preload = 'auto';
          video.src = url;
          await new Promise((ok, fail) => {
            video.onloadeddata = ok;
            video.onerror = () => fail(new Error(`cannot load ${url}: ${video.error?.message}`));
          });
          w.__ffQueryVideos[url] = video;
        }
        const seeked = new Promise((ok, fail) => {
          video.addEventListener('seeked', ok, { once: true });
          setTimeout(() => fail(new Error(`no 'seeked' at ${plan.requestedTime} s in ${plan.video.path}`)), 15_000);
        });
        // 'seeked' can fire before the new frame is what drawImage gets (under load the previous query's frame was
        // drawn now and then): wait until a frame near the new time is presented (a late callback for the frame
        // shown before does not count), and take its own timestamp.
        const presented = new Promise<number | null>((ok) => {
          const timer = setTimeout(() => ok(null), 2000);
          const check: VideoFrameRequestCallback = (_now, meta) => {
            if (Math.abs(meta.mediaTime - plan.requestedTime) > 0.5) return void video.requestVideoFrameCallback(check);
            clearTimeout(timer);
            ok(meta.mediaTime);
          };
          video.requestVideoFrameCallback(check);
        });
        video.currentTime = plan.requestedTime;
        await seeked;
        const time = (await presented) ?? video.currentTime;
        return { video, time, vw: video.videoWidth, vh: video.videoHeight };
      };
      const { video, time, vw, vh } = await grab();

      let canvas: OffscreenCanvas;
      let mime: 'image/png' | 'image/jpeg' = 'image/png';
      let quality: number | undefined;
      const draw = (width: number, height: number) => {
        canvas = new OffscreenCanvas(width, height);
        const ctx = canvas.getContext('2d')!;
        ctx.imageSmoothingQuality = 'high';
        return ctx;
      };
      if (plan.transform === 'downscale') {
        draw(Math.round(vw / 2), Math.round(vh / 2)).drawImage(video, 0, 0, Math.round(vw / 2), Math.round(vh / 2));
      } else if (plan.transform === 'jpeg') {
        draw(vw, vh).drawImage(video, 0, 0);
        mime = 'image/jpeg';
        quality = 0.3;
      } else if (plan.transform === 'crop') {
        const c = plan.crop!;
        const [x, y, cw, ch] = [Math.round(c.x * vw), Math.round(c.y * vh), Math.round(c.w * vw), Math.round(c.h * vh)];
        draw(cw, ch).drawImage(video, x, y, cw, ch, 0, 0, cw, ch);
      } else if (plan.transform === 'brightness') {
        const ctx = draw(vw, vh);
        ctx.drawImage(video, 0, 0);
        const image = ctx.getImageData(0, 0, vw, vh);
        const d = image.data;
        for (let i = 0; i < d.length; i += 4) {
          d[i] = Math.min(255, Math.round(d[i] * plan.factor!));
          d[i + 1] = Math.min(255, Math.round(d[i + 1] * plan.factor!));
          d[i + 2] = Math.min(255, Math.round(d[i + 2] * plan.factor!));
        }
        ctx.putImageData(image, 0, 0);
      } else if (plan.transform === 'letterbox') {
        // The frame keeps its width; black bars above and below fill a 4:3 or square canvas. A portrait frame
        // keeps its height and gets the bars at its sides instead (a phone video in a landscape player).
        const portrait = vh > vw;
        const long = portrait ? vh : vw;
        const short = plan.aspect === '1:1' ? long : Math.round((long * 3) / 4);
        const [width, height] = portrait ? [short, long] : [long, short];
        const ctx = draw(width, height);
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, width, height);
        ctx.drawImage(video, Math.round((width - vw) / 2), Math.round((height - vh) / 2));
      } else {
        const ctx = draw(vw, vh);
        ctx.drawImage(video, 0, 0);
        const size = Math.round(vh * 0.08);
        ctx.font = `bold ${size}px sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'alphabetic';
        ctx.lineJoin = 'round';
        ctx.lineWidth = Math.max(2, size / 5);
        ctx.strokeStyle = 'rgba(0, 0, 0, 0.85)';
        ctx.fillStyle = '#fff';
        const y = vh - Math.round(size * 0.6);
        ctx.strokeText(plan.text!, vw / 2, y, vw * 0.9);
        ctx.fillText(plan.text!, vw / 2, y, vw * 0.9);
      }
      const blob = await canvas!.convertToBlob({ type: mime, quality });
      const dataUrl = await new Promise<string>((ok, fail) => {
        const reader = new FileReader();
        reader.onload = () => ok(reader.result as string);
        reader.onerror = () => fail(reader.error);
        reader.readAsDataURL(blob);
      });
      return {
        base64: dataUrl.slice(dataUrl.indexOf(',') + 1),
        mime,
        time,
        width: canvas!.width,
        height: canvas!.height,
      };
    },
    { url, plan },
  );
}

export function describeTransform(plan: ImagePlan, width: number, height: number): string {
  switch (plan.transform) {
    case 'downscale':
      return `downscaled 50% to ${width}x${height}`;
    case 'jpeg':
      return 'JPEG quality 30';
    case 'crop':
      return `crop 8% of the area: ${width}x${height} at (${(plan.crop!.x * 100).toFixed(1)}%, ${(plan.crop!.y * 100).toFixed(1)}%)`;
    case 'brightness':
      return `brightness ×${plan.factor}`;
    case 'letterbox':
      return `letterboxed into ${plan.aspect} (${width}x${height})`;
    case 'caption':
      return `caption “${plan.text}”`;
  }
}

async function imageQueries(page: Page, plans: ImagePlan[], prefix: string): Promise<ImageQuery[]> {
  const urls = await videoUrls(
    page,
    plans.map((p) => p.video),
  );
  const out: ImageQuery[] = [];
  for (const plan of plans) {
    const r = await renderImage(page, urls.get(plan.video.path)!, plan);
    const ext = r.mime === 'image/png' ? 'png' : 'jpg';
    out.push({
      kind: 'image',
      bytes: Buffer.from(r.base64, 'base64'),
      base64: r.base64,
      mime: r.mime,
      name: `${prefix}-${String(plan.index).padStart(3, '0')}-${plan.transform}.${ext}`,
      video: plan.video.path,
      time: round3(r.time),
      requestedTime: plan.requestedTime,
      transform: plan.transform,
      detail: describeTransform(plan, r.width, r.height),
      width: r.width,
      height: r.height,
    });
  }
  return out;
}

/**
 * `count` image queries from `videos` (default: the library originals): videos in shuffled rounds, times uniform
 * in each video's usable range, transforms cycling downscale → jpeg → crop → brightness → letterbox → caption.
 */
export function makeImageQueries(page: Page, options: QueryOptions): Promise<ImageQuery[]> {
  const videos = options.videos ?? libraryVideos();
  return imageQueries(page, planImageQueries({ ...options, videos }), 'query');
}

/** Image queries (same transforms) from videos that are NOT in the library (default: every `outside` fixture). */
export function makeOutsideQueries(page: Page, options: QueryOptions): Promise<ImageQuery[]> {
  const videos = options.videos ?? outsideVideos();
  return imageQueries(page, planImageQueries({ ...options, videos }), 'outside');
}

// ---------------------------------------------------------------------------------------------------- clips

interface RenderedClip {
  base64: string;
  codec: string;
  container: 'webm' | 'mp4';
  duration: number;
  width: number;
  height: number;
  fps: number;
}

/** Re-encodes [start, end) of the video at `url` to 256x144 in the page. */
function renderClip(page: Page, url: string, plan: ClipPlan): Promise<RenderedClip> {
  return page.evaluate(
    async ({ url, plan }) => {
      const mb = (await (window as unknown as { __ffQueries: { mediabunny: Promise<unknown> } }).__ffQueries
        .mediabunny) as typeof Mediabunny;
      const [width, height] = [256, 144];
      const codec = await mb.getFirstEncodableVideoCodec(
        [...new Set([plan.codec, 'vp9', 'vp8', 'avc', 'av1'] as const)],
        { width, height, quality: mb.QUALITY_LOW },
      );
      if (!codec) throw new Error('this browser can encode none of vp9, vp8, avc, av1');
      const container = codec === 'avc' ? 'mp4' : 'webm';
      const input = new mb.Input({
        source: new mb.BlobSource(await (await fetch(url)).blob()),
        formats: mb.ALL_FORMATS,
      });
      const target = new mb.BufferTarget();
      const output = new mb.Output({
        format: container === 'mp4' ? new mb.Mp4OutputFormat({ fastStart: 'in-memory' }) : new mb.WebMOutputFormat(),
        target,
      });
      const conversion = await mb.Conversion.init({
        input,
        output,
        trim: { start: plan.start, end: plan.end },
        video: {
          width,
          height,
          fit: 'fill',
          codec,
          quality: mb.QUALITY_LOW,
          forceTranscode: true,
          keyFrameInterval: 2,
          ...(plan.fps ? { frameRate: plan.fps } : {}),
        },
        audio: { discard: true },
        showWarnings: false,
      });
      if (!conversion.isValid) {
        throw new Error(`cannot convert: ${JSON.stringify(conversion.discardedTracks.map((t) => t.reason))}`);
      }
      await conversion.execute();
      const bytes = new Uint8Array(target.buffer!);

      // Probe the result the way the app will read it.
      const probe = new mb.Input({ source: new mb.BufferSource(bytes), formats: mb.ALL_FORMATS });
      const track = await probe.getPrimaryVideoTrack();
      if (!track) throw new Error('the clip has no video track');
      const duration = await probe.computeDuration();
      const stats = await track.computePacketStats(200);

      const dataUrl = await new Promise<string>((ok, fail) => {
        const reader = new FileReader();
        reader.onload = () => ok(reader.result as string);
        reader.onerror = () => fail(reader.error);
        reader.readAsDataURL(new Blob([bytes]));
      });
      return {
        base64: dataUrl.slice(dataUrl.indexOf(',') + 1),
        codec,
        container,
        duration,
        width: track.displayWidth,
        height: track.displayHeight,
        fps: stats.averagePacketRate,
      };
    },
    { url, plan },
  );
}

/**
 * `count` clip queries from `videos` (default: the library originals): a random 3–10 s range of each (inside the
 * usable range), re-encoded to 256x144 at low quality, codecs cycling vp9 (WebM) → avc (MP4) → vp8 (WebM), each
 * round of three at the source's frame rate, then resampled to 15 fps, then to 30 fps.
 */
export async function makeClipQueries(page: Page, options: QueryOptions): Promise<ClipQuery[]> {
  const videos = options.videos ?? libraryVideos();
  const plans = planClipQueries({ ...options, videos });
  const urls = await videoUrls(page, videos);
  await loadMediabunny(page);
  const out: ClipQuery[] = [];
  for (const plan of plans) {
    const r = await renderClip(page, urls.get(plan.video.path)!, plan);
    out.push({
      kind: 'clip',
      bytes: Buffer.from(r.base64, 'base64'),
      base64: r.base64,
      mime: r.container === 'mp4' ? 'video/mp4' : 'video/webm',
      name: `clip-${String(plan.index).padStart(3, '0')}-${r.codec}.${r.container}`,
      video: plan.video.path,
      start: plan.start,
      end: plan.end,
      duration: round3(r.duration),
      codec: r.codec,
      width: r.width,
      height: r.height,
      fps: plan.fps ?? fixtureFor(plan.video.path)?.fps ?? Math.round(r.fps * 10) / 10,
    });
  }
  return out;
}
