// Screenshots of fine regular patterns (a one-pixel checkerboard, one-pixel lines, a diagonal weave): at the size
// frames are indexed at they average to flat grey, so they have no layout fingerprint. The app looks at such frames
// again at their own size and indexes their texture (lib/search/texture.ts); a full-size screenshot, as PNG, as
// JPEG, cropped or with less contrast, finds its video and the shot with that pattern, a pattern not in the library
// finds nothing, and a screenshot halved in size (grey, to the eye too) is too plain to search. The videos are made
// here with Debian's ffmpeg: H.264 in MP4 (read by WebCodecs) and MPEG-4 Part 2 in AVI (read by ffmpeg.wasm).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { stubDirectoryPicker, useApp } from './harness';
import { importSearchLibrary, searchImage } from './search-helpers';

const [W, H, FPS] = [854, 356, 25];
const folder = 'patterns';
const dir = mkdtempSync(join(tmpdir(), 'ff-texture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): Buffer {
  const out = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** Luma expressions of the patterns, by name (X, Y: pixel column and row). */
const patterns = {
  checkerboard: '230*mod(X+Y,2)+12',
  lines: '220*mod(Y,2)+20',
  weave: 'if(mod(X+2*Y,3),235,25)',
  columns: '220*mod(X,2)+20',
  checkerboard2: '230*mod(floor(X/2)+floor(Y/2),2)+12',
};
type Pattern = keyof typeof patterns;

/** `seconds` of a still pattern, grey (no colour), as a lavfi graph ending in yuv444p. */
const still = (p: Pattern, seconds: number) =>
  `nullsrc=s=${W}x${H}:r=${FPS}:d=${seconds},format=yuv444p,geq=lum='${patterns[p]}':cb=128:cr=128`;

function video(name: string, graph: string, codec: string[]): string {
  const out = join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', graph, ...codec, out]);
  return out;
}

/** The frame at `time` of a video as an image at its own size: PNG, or JPEG at ffmpeg's quality `jpeg` (2–31). */
function screenshot(file: string, time: number, filters = 'null', jpeg?: number): { base64: string; mime: string } {
  const codec = jpeg ? ['-c:v', 'mjpeg', '-q:v', String(jpeg), '-pix_fmt', 'yuvj444p'] : ['-c:v', 'png'];
  const bytes = ffmpeg([
    '-ss',
    String(time),
    '-i',
    file,
    '-vf',
    filters,
    '-frames:v',
    '1',
    '-f',
    'image2',
    ...codec,
    '-',
  ]);
  return { base64: bytes.toString('base64'), mime: jpeg ? 'image/jpeg' : 'image/png' };
}

function searchMessage(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window as unknown as { framefinder: { state: { search: { message: string } } } }).framefinder.state.search
        .message,
  );
}

describe('search by image on fine patterns', () => {
  const app = useApp();

  test('a full-size screenshot of a one-pixel pattern finds its video and shot; other patterns find nothing', async () => {
    // Three seconds: the checkerboard, then lines (the pattern a screenshot shows tells the two halves apart).
    const mp4 = video(
      'patterns.mp4',
      `${still('checkerboard', 1.5)}[a];${still('lines', 1.5)}[b];[a][b]concat=n=2:v=1,format=yuv420p`,
      ['-c:v', 'libx264', '-crf', '16', '-g', String(FPS)],
    );
    const avi = video('weave.avi', `${still('weave', 2)},format=yuv420p`, ['-c:v', 'mpeg4', '-q:v', '2']);
    const plain = video(
      'plasma.mp4',
      `nullsrc=s=320x180:r=${FPS}:d=2,format=gbrp,geq=r='128+90*sin(X/17+T)':g='128+90*sin(Y/13-T)':b='128+60*sin((X+Y)/23)'`,
      ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
    );
    const outside = video(
      'outside.mp4',
      `${still('columns', 1)}[a];${still('checkerboard2', 1)}[b];[a][b]concat=n=2:v=1,format=yuv420p`,
      ['-c:v', 'libx264', '-crf', '16'],
    );

    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await importSearchLibrary(page, 240_000, {
      folder,
      files: [
        { path: 'patterns.mp4', bytes: readFileSync(mp4) },
        { path: 'weave.avi', bytes: readFileSync(avi) },
        { path: 'plasma.mp4', bytes: readFileSync(plain) },
      ],
    });

    const asked: { what: string; shot: { base64: string; mime: string }; video: string; from: number; to: number }[] = [
      { what: 'checkerboard, PNG', shot: screenshot(mp4, 0.5), video: 'patterns.mp4', from: 0, to: 1.5 },
      { what: 'checkerboard, JPEG', shot: screenshot(mp4, 1.1, 'null', 12), video: 'patterns.mp4', from: 0, to: 1.5 },
      {
        what: 'lines, cropped',
        shot: screenshot(mp4, 2.2, 'crop=801:311:13:27'),
        video: 'patterns.mp4',
        from: 1.5,
        to: 3,
      },
      {
        what: 'lines, less contrast',
        shot: screenshot(mp4, 2.6, 'eq=contrast=0.55:brightness=0.1'),
        video: 'patterns.mp4',
        from: 1.5,
        to: 3,
      },
      { what: 'weave, PNG', shot: screenshot(avi, 0.8), video: 'weave.avi', from: 0, to: 2 },
      { what: 'weave, JPEG', shot: screenshot(avi, 1.6, 'null', 12), video: 'weave.avi', from: 0, to: 2 },
    ];
    const rows: string[] = [];
    for (const q of asked) {
      const hits = await searchImage(page, q.shot.base64, q.shot.mime);
      rows.push(
        `  ${q.what} → ${hits.map((h) => `${h.path}@${h.time.toFixed(2)} ${h.similarity.toFixed(3)}`).join(', ') || 'nothing'}`,
      );
      expect(hits[0]?.path, q.what).toBe(q.video);
      expect(hits[0].time, `${q.what}: the shot with that pattern`).toBeGreaterThanOrEqual(q.from - 0.05);
      expect(hits[0].time, `${q.what}: the shot with that pattern`).toBeLessThan(q.to);
    }
    // Patterns that are not in the library: one-pixel columns (the lines turned), a two-pixel checkerboard.
    for (const [what, time] of [
      ['columns', 0.5],
      ['two-pixel checkerboard', 1.5],
    ] as const) {
      const shot = screenshot(outside, time);
      const hits = await searchImage(page, shot.base64, shot.mime);
      rows.push(`  ${what} (not in the library) → ${hits.map((h) => h.path).join(', ') || 'nothing'}`);
      expect(hits, `${what}: not in the library`).toEqual([]);
    }
    // Halved, the checkerboard is grey: nothing to search with, and the app says so.
    const halved = screenshot(mp4, 0.5, `scale=${W / 2}:${H / 2}:flags=area`);
    expect(await searchImage(page, halved.base64, halved.mime)).toEqual([]);
    expect(await searchMessage(page)).toMatch(/too plain/i);
    console.log(`fine patterns:\n${rows.join('\n')}`);
    await context.close();
  }, 600_000);
});
