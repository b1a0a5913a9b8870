// The reverse-search query generator (search-queries.ts) proven in real Chromium before the quality test relies
// on it: seeded plans are stable and stay inside each video's usable range; image queries decode at the sizes
// their transforms promise; clip queries decode, last what they should, and begin where they say they begin.
import type * as Mediabunny from 'mediabunny';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useApp } from './harness';
import {
  clipCodecs,
  imageTransforms,
  libraryVideos,
  makeClipQueries,
  makeImageQueries,
  makeOutsideQueries,
  outsideVideos,
  planClipQueries,
  planImageQueries,
  searchTruth,
  type ClipQuery,
  type ImageQuery,
} from './search-queries';

const truth = searchTruth();
const fixture = (path: string) => truth.find((f) => f.path === path || f.path === `library/${path}`)!;

/** Decodes each image in the page as the app would receive it (createImageBitmap on a File). */
function decodeImages(page: Page, images: ImageQuery[]) {
  return page.evaluate(
    (list) =>
      Promise.all(
        list.map(async ({ base64, mime }) => {
          const blob = await (await fetch(`data:${mime};base64,${base64}`)).blob();
          const bitmap = await createImageBitmap(blob);
          // The top row: black for letterboxed frames.
          const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(bitmap, 0, 0);
          const row = ctx.getImageData(0, 0, bitmap.width, 1).data;
          let top = 0;
          for (let i = 0; i < row.length; i += 4) top = Math.max(top, row[i], row[i + 1], row[i + 2]);
          return { width: bitmap.width, height: bitmap.height, topRowMax: top };
        }),
      ),
    images.map(({ base64, mime }) => ({ base64, mime })),
  );
}

/**
 * How much the clip's first frame looks like the source at `start + offset` for each offset (correlation of
 * 64x36 grey thumbnails): the peak should sit at 0.
 */
function startAlignment(page: Page, clip: ClipQuery, offsets: number[]) {
  return page.evaluate(
    async ({ base64, video, start, offsets }) => {
      const kit = (window as unknown as { __ffQueries: { urls: Record<string, string>; mediabunny: Promise<unknown> } })
        .__ffQueries;
      const mb = (await kit.mediabunny) as typeof Mediabunny;
      const url = kit.urls[video] ?? kit.urls[`library/${video}`];
      const [W, H] = [64, 36];
      const thumb = (source: CanvasImageSource) => {
        const canvas = new OffscreenCanvas(W, H);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(source, 0, 0, W, H);
        const d = ctx.getImageData(0, 0, W, H).data;
        const grey = new Float64Array(W * H);
        for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2];
        return grey;
      };
      const corr = (a: Float64Array, b: Float64Array) => {
        const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
        const [ma, mb2] = [mean(a), mean(b)];
        let [ab, aa, bb] = [0, 0, 0];
        for (let i = 0; i < a.length; i++) {
          ab += (a[i] - ma) * (b[i] - mb2);
          aa += (a[i] - ma) ** 2;
          bb += (b[i] - mb2) ** 2;
        }
        return ab / Math.sqrt(aa * bb || 1);
      };
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const input = new mb.Input({ source: new mb.BufferSource(bytes), formats: mb.ALL_FORMATS });
      const track = (await input.getPrimaryVideoTrack())!;
      const first = await new mb.CanvasSink(track).getCanvas(await track.getFirstTimestamp());
      const clipThumb = thumb(first!.canvas as CanvasImageSource);

      const el = document.createElement('video');
      el.muted = true;
      el.src = url;
      await new Promise((ok, fail) => {
        el.onloadeddata = ok;
        el.onerror = () => fail(new Error(`cannot load ${video}`));
      });
      const scores: number[] = [];
      for (const offset of offsets) {
        const seeked = new Promise((ok) => el.addEventListener('seeked', ok, { once: true }));
        // The middle of the 25 fps frame shown at that moment.
        el.currentTime = (Math.floor((start + offset) * 25) + 0.5) / 25;
        await seeked;
        scores.push(corr(clipThumb, thumb(el)));
      }
      return scores;
    },
    { base64: clip.base64, video: clip.video, start: clip.start, offsets },
  );
}

describe('reverse-search query generator', () => {
  const app = useApp();

  async function freshPage(): Promise<Page> {
    const context = await app.newContext();
    const page = await context.newPage();
    // Any page of a secure origin will do (WebCodecs needs one); the generator needs nothing from the app.
    await page.goto(app.server.url);
    return page;
  }

  test('plans are seeded, balanced over videos, and stay out of the ends and the black intros', () => {
    const videos = libraryVideos();
    expect(videos.map((v) => v.path).sort()).toEqual(
      truth
        .filter((f) => f.role === 'library')
        .map((f) => f.path)
        .sort(),
    );
    const a = planImageQueries({ videos, count: 60, seed: 42 });
    expect(planImageQueries({ videos, count: 60, seed: 42 })).toEqual(a);
    expect(planImageQueries({ videos, count: 60, seed: 43 })).not.toEqual(a);
    // More queries keep the first ones.
    expect(planImageQueries({ videos, count: 7, seed: 42 })).toEqual(a.slice(0, 7));
    for (const p of a) {
      const f = fixture(p.video.path);
      expect(p.requestedTime).toBeGreaterThanOrEqual(Math.max(0.5, f.blackIntro ? f.blackIntro + 0.5 : 0));
      expect(p.requestedTime).toBeLessThanOrEqual(f.duration - 0.5);
      expect(p.transform).toBe(imageTransforms[p.index % imageTransforms.length]);
    }
    // Each video 10 times, and each video meets several transforms (not one video per transform).
    for (const v of videos) {
      const mine = a.filter((p) => p.video.path === v.path);
      expect(mine).toHaveLength(10);
      expect(new Set(mine.map((p) => p.transform)).size).toBeGreaterThanOrEqual(3);
    }

    const clips = planClipQueries({ videos, count: 30, seed: 42 });
    expect(planClipQueries({ videos, count: 30, seed: 42 })).toEqual(clips);
    expect(planClipQueries({ videos, count: 4, seed: 42 })).toEqual(clips.slice(0, 4));
    for (const c of clips) {
      const f = fixture(c.video.path);
      expect(c.end - c.start).toBeGreaterThanOrEqual(3 - 1e-9);
      expect(c.end - c.start).toBeLessThanOrEqual(10 + 1e-9);
      expect(c.start).toBeGreaterThanOrEqual(Math.max(0.5, f.blackIntro ? f.blackIntro + 0.5 : 0));
      expect(c.end).toBeLessThanOrEqual(f.duration - 0.5 + 1e-9);
      expect(c.codec).toBe(clipCodecs[c.index % clipCodecs.length]);
    }
    expect(new Set(clips.map((c) => c.fps))).toEqual(new Set([null, 15, 30]));
  });

  test('image queries decode at the sizes their transforms promise, at the time asked for', async () => {
    const page = await freshPage();
    let started = Date.now();
    const images = await makeImageQueries(page, { count: 12, seed: 7 });
    const imageMs = Date.now() - started;
    const decoded = await decodeImages(page, images);
    images.forEach((q, i) => {
      const f = fixture(q.video);
      const d = decoded[i];
      expect([d.width, d.height], q.name).toEqual([q.width, q.height]);
      expect(Math.abs(q.time - q.requestedTime), q.name).toBeLessThan(0.021);
      expect(q.bytes.subarray(0, 4).toString('hex')).toBe(q.mime === 'image/png' ? '89504e47' : 'ffd8ffe0');
      const size: Record<string, [number, number]> = {
        downscale: [f.width / 2, f.height / 2],
        jpeg: [f.width, f.height],
        crop: [Math.round(f.width * Math.sqrt(0.92)), Math.round(f.height * Math.sqrt(0.92))],
        brightness: [f.width, f.height],
        caption: [f.width, f.height],
      };
      if (q.transform === 'letterbox') {
        expect(d.width).toBe(f.width);
        expect([Math.round((f.width * 3) / 4), f.width]).toContain(d.height);
        expect(d.topRowMax, `${q.name} has black bars`).toBeLessThan(8);
      } else {
        expect([d.width, d.height], q.name).toEqual(size[q.transform]);
      }
      expect(q.mime).toBe(q.transform === 'jpeg' ? 'image/jpeg' : 'image/png');
    });
    expect(new Set(images.map((q) => q.transform)).size).toBe(imageTransforms.length);

    started = Date.now();
    const outside = await makeOutsideQueries(page, { count: 6, seed: 3 });
    const outsideMs = Date.now() - started;
    const outsidePaths = outsideVideos().map((v) => v.path);
    expect(outside.every((q) => outsidePaths.includes(q.video))).toBe(true);
    expect(new Set(outside.map((q) => q.video)).size).toBe(outsidePaths.length);
    const decodedOutside = await decodeImages(page, outside);
    outside.forEach((q, i) => expect([decodedOutside[i].width, decodedOutside[i].height]).toEqual([q.width, q.height]));
    console.log(
      `image queries: ${images.length} in ${imageMs} ms; outside queries: ${outside.length} in ${outsideMs} ms\n` +
        [...images, ...outside].map((q) => `  ${q.name} ${q.video} @${q.time}s ${q.detail}`).join('\n'),
    );
  });

  test('clip queries decode, last end − start, and begin at start', async () => {
    const page = await freshPage();
    const started = Date.now();
    const clips = await makeClipQueries(page, { count: 6, seed: 5 });
    const clipMs = Date.now() - started;
    const offsets = [-1, -0.5, -0.2, 0, 0.2, 0.5, 1];
    const lines: string[] = [];
    for (const clip of clips) {
      expect(Math.abs(clip.duration - (clip.end - clip.start)), clip.name).toBeLessThanOrEqual(0.3);
      expect([clip.width, clip.height]).toEqual([256, 144]);
      expect(clip.bytes.subarray(0, 4).toString('hex') === '1a45dfa3').toBe(clip.mime === 'video/webm');
      const scores = await startAlignment(page, clip, offsets);
      const best = offsets[scores.indexOf(Math.max(...scores))];
      lines.push(
        `  ${clip.name} ${clip.video} ${clip.start}–${clip.end} s → ${clip.duration} s, ${clip.fps} fps, ` +
          `${(clip.bytes.length / 1024).toFixed(0)} KiB; first frame vs source at start${offsets
            .map((o, i) => `${o >= 0 ? '+' : ''}${o}: ${scores[i].toFixed(3)}`)
            .join(', ')}`,
      );
      expect(scores[offsets.indexOf(0)], `${clip.name} starts with the frame at ${clip.start}`).toBeGreaterThan(0.8);
      expect(Math.abs(best), `${clip.name}: best match at start${best >= 0 ? '+' : ''}${best}`).toBeLessThanOrEqual(
        0.2,
      );
    }
    // The codecs asked for (this Chromium encodes all three; elsewhere the first encodable one stands in).
    console.log(`clip queries: ${clips.length} in ${clipMs} ms\n${lines.join('\n')}`);
    expect(clips.map((c) => c.codec)).toEqual(['vp9', 'avc', 'vp8', 'vp9', 'avc', 'vp8']);
    expect(clips.map((c) => c.fps)).toEqual([25, 25, 25, 15, 15, 15]);

    // The shape search.e2e.ts uses: a bare library file name and a duration.
    const [one] = await makeClipQueries(page, { videos: [{ path: 'night.mp4', duration: 25 }], count: 1, seed: 11 });
    expect(one.video).toBe('night.mp4');
    expect(Math.abs(one.duration - (one.end - one.start))).toBeLessThanOrEqual(0.3);
  });
});
