// Extract audio as Opus and as M4A (issue 14), from the player's Tools: the browser's own encoder where it has one
// (Opus in Chromium), ffmpeg.wasm where it has none (AAC in headless Chromium on Linux). Each file is decoded in the
// page by mediabunny over WebCodecs, played by an <audio>, and probed by Debian's ffprobe: it is what it says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Mediabunny from 'mediabunny';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import { clipFiles, clipOnDisk, probe } from './clip-files';
import type { TestServer } from './harness';
import { clickCard } from './library-helpers';
import { mediaDir } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'audio-tools';
/** h264.mp4: 4 s, AAC sound; vp9.webm: Opus sound; scenes.mp4: no sound. */
const fixtures = ['h264.mp4', 'vp9.webm', 'scenes.mp4'];
/** 2 s of H.264 with AC-3 sound, made by Debian's ffmpeg: a sound Chromium's WebCodecs cannot decode. */
const ac3Args = [
  ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=25:duration=2'],
  ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000'],
  ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'ac3', '-ac', '2'],
];

type AudioWindow = FramefinderWindow & {
  __holdWrites?: Promise<void>;
  __releaseWrites?: () => void;
  /** mediabunny's own bundle, imported into the page (the app's copy lives inside its workers). */
  __mediabunny?: Promise<typeof Mediabunny>;
};

/** What the page makes of a sound file: its codec, and the span of the samples it decodes. */
interface Heard {
  codec: string | null;
  decoded: number;
  blocks: number;
  audio: { error: number | null; duration: number; played: number };
}

describe('video tools: extract audio as Opus and as M4A', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const videos = new Map<string, Video>();

  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const tools = () => dialog().getByRole('region', { name: 'Video tools' });
  const files = () => clipFiles(page, folder);
  const row = (name: string) => dialog().getByRole('listitem', { name });
  const status = (name: string, timeout = 60_000) =>
    eventually(() => row(name).getByRole('status').first().textContent(), timeout);
  const open = async (path: string) => {
    await page.evaluate(
      (id) => (window as unknown as AudioWindow).framefinder.state.player.open(id, 0, false),
      videos.get(path)!.id,
    );
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState),
    ).toBeGreaterThan(0);
    if (!(await tools().isVisible())) await dialog().getByRole('button', { name: 'Tools' }).click();
  };

  /** Decodes every sample of a file of the library folder (`Clips/…` for a tool's output), then plays it. */
  const hear = (path: string) =>
    page.evaluate(
      async ([dir, file]): Promise<Heard> => {
        const w = window as unknown as AudioWindow;
        const mb = await w.__mediabunny!;
        let at = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
        const parts = file.split('/');
        for (const part of parts.slice(0, -1)) at = await at.getDirectoryHandle(part);
        const blob = await (await at.getFileHandle(parts[parts.length - 1])).getFile();
        const input = new mb.Input({ source: new mb.BlobSource(blob), formats: mb.ALL_FORMATS });
        const track = await input.getPrimaryAudioTrack();
        let [start, end, blocks] = [Infinity, -Infinity, 0];
        if (track)
          for await (const sample of new mb.AudioSampleSink(track).samples()) {
            start = Math.min(start, sample.timestamp);
            end = Math.max(end, sample.timestamp + sample.duration);
            blocks++;
            sample.close();
          }
        input.dispose();
        const a = document.createElement('audio');
        a.muted = true;
        const url = URL.createObjectURL(blob);
        try {
          const loaded = await new Promise<boolean>((done) => {
            a.addEventListener('loadedmetadata', () => done(true), { once: true });
            a.addEventListener('error', () => done(false), { once: true });
            a.src = url;
          });
          let played = 0;
          if (loaded) {
            await a.play();
            await new Promise((done) => setTimeout(done, 400));
            a.pause();
            played = a.currentTime;
          }
          const audio = { error: a.error?.code ?? null, duration: a.duration, played };
          return { codec: track?.codec ?? null, decoded: blocks ? end - Math.max(0, start) : 0, blocks, audio };
        } finally {
          URL.revokeObjectURL(url);
        }
      },
      [folder, path] as const,
    );

  /** Seconds of sound the page decodes from a file of the library folder. */
  const soundOf = async (path: string) => (await hear(path)).decoded;

  /** The file is `codec` only, decodes to as long as the source's sound (within 0.1 s), and plays. */
  const expectSound = async (name: string, codec: string, seconds: number) => {
    const [made, source] = [await hear(`Clips/${name}`), { decoded: seconds }];
    expect(made.codec, name).toBe(codec);
    expect(made.blocks, `${name} decodes`).toBeGreaterThan(10);
    expect(
      Math.abs(made.decoded - source.decoded),
      `${name}: ${made.decoded} s, source ${source.decoded} s`,
    ).toBeLessThan(0.1);
    expect(made.audio.error, `${name} plays`).toBeNull();
    expect(Math.abs(made.audio.duration - source.decoded), `<audio> says ${made.audio.duration} s`).toBeLessThan(0.1);
    expect(made.audio.played, `${name} played`).toBeGreaterThan(0);
    // And from outside the app: one sound stream of that codec, nothing else.
    const probed = probe(await clipOnDisk(page, folder, name, tmp));
    expect(probed.streams.map((s) => [s.kind, s.codec])).toEqual([['audio', codec]]);
  };

  const hasAacEncoder = () =>
    page.evaluate(
      async () =>
        (await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 }))
          .supported === true,
    );

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-audio-'));
    execFileSync('/usr/bin/ffmpeg', [...ac3Args, join(tmp, 'ac3.mp4')]);
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: [
        ...fixtures.map((path) => ({ path, bytes: readFileSync(join(mediaDir, path)) })),
        { path: 'ac3.mp4', bytes: readFileSync(join(tmp, 'ac3.mp4')) },
      ],
      videos,
      hold: 'writes',
    }));
    const bundle = readFileSync(
      createRequire(import.meta.url)
        .resolve('mediabunny')
        .replace(/[^/]+$/, 'mediabunny.min.mjs'),
      'utf8',
    );
    // A string, not a function: vitest would rewrite a function's import() into its own loader.
    await page.evaluate(
      `(window.__mediabunny = import(URL.createObjectURL(new Blob([${JSON.stringify(bundle)}], { type: 'text/javascript' })))).then(() => true)`,
    );
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('as Opus: AAC is encoded by the browser into an Ogg .opus as long as the sound, that plays', async () => {
    await open('h264.mp4');
    const button = tools().getByRole('button', { name: 'Extract audio as Opus' });
    // From the keyboard, as from a click.
    await button.focus();
    await page.keyboard.press('Enter');
    await status('h264 audio.opus').toBe('Saved in the Clips folder');
    expect(await row('h264 audio.opus').textContent()).toMatch(/The sound was encoded as Opus\./);
    expect(await files()).toEqual(['h264 audio.opus']);
    await page.screenshot({ path: '/tmp/tools-audio.png' });
    await expectSound('h264 audio.opus', 'opus', await soundOf('h264.mp4'));
    // A sound file is not a video: it is not catalogued.
    expect((await catalogVideos(page)).some((v) => v.path.startsWith('Clips/'))).toBe(false);
  });

  test('as Opus of a sound that already is Opus: copied as it is, not re-encoded', async () => {
    await open('vp9.webm');
    await tools().getByRole('button', { name: 'Extract audio as Opus' }).click();
    await status('vp9 audio.opus').toBe('Saved in the Clips folder');
    expect(await row('vp9 audio.opus').textContent()).toMatch(/copied as it is \(OPUS\)/);
    await expectSound('vp9 audio.opus', 'opus', await soundOf('vp9.webm'));
  });

  test('as M4A of Opus with no AAC encoder in the browser: ffmpeg.wasm encodes it, and says so', async () => {
    const native = await hasAacEncoder();
    await tools().getByRole('button', { name: 'Extract audio as M4A' }).click();
    await status('vp9 audio.m4a', 120_000).toBe('Saved in the Clips folder');
    expect(await row('vp9 audio.m4a').textContent()).toMatch(
      native ? /The sound was encoded as AAC\./ : /encoded as AAC with ffmpeg\.wasm: this browser has no AAC encoder/,
    );
    await expectSound('vp9 audio.m4a', 'aac', await soundOf('vp9.webm'));
  });

  test('AC-3, which the browser cannot decode: as it is refused with why; as Opus made by ffmpeg.wasm’s libopus', async () => {
    const before = await files();
    const decodes = await page.evaluate(
      async () =>
        (await AudioDecoder.isConfigSupported({ codec: 'ac-3', sampleRate: 48000, numberOfChannels: 2 })).supported ===
        true,
    );
    await open('ac3.mp4');
    await tools().getByRole('button', { name: 'Extract audio as it is' }).click();
    await status('Sound of ac3.mp4').toMatch(/^Failed: /);
    expect(await row('Sound of ac3.mp4').getByRole('status').textContent()).toMatch(
      /\(AC3\) cannot be saved as it is in a file of its own: try “As M4A” or “As Opus”/,
    );
    expect(await files()).toEqual(before);

    await tools().getByRole('button', { name: 'Extract audio as Opus' }).click();
    await status('ac3 audio.opus', 120_000).toBe('Saved in the Clips folder');
    expect(await row('ac3 audio.opus').textContent()).toMatch(
      decodes
        ? /The sound was encoded as Opus\./
        : /encoded as Opus with ffmpeg\.wasm: this browser cannot decode this sound/,
    );
    // The page cannot decode the source's AC-3 either: its length is ffprobe's.
    const source = probe(join(tmp, 'ac3.mp4')).streams.find((s) => s.kind === 'audio')!.duration;
    await expectSound('ac3 audio.opus', 'opus', source);
  });

  test('a video with no sound says so, starts no job, and writes nothing', async () => {
    const before = await files();
    await open('scenes.mp4');
    const jobs = await dialog().getByRole('listitem').count();
    await tools().getByRole('button', { name: 'Extract audio as Opus' }).click();
    await eventually(() => dialog().getByRole('alert').textContent()).toMatch(
      /“scenes\.mp4” has no sound track: there is no audio to extract/,
    );
    expect(await dialog().getByRole('listitem').count()).toBe(jobs);
    expect(await files()).toEqual(before);
  });

  test('Cancel while ffmpeg.wasm’s M4A is being written leaves no file; Retry makes it', async () => {
    await open('vp9.webm');
    const before = await files();
    await page.evaluate(() => {
      const w = window as unknown as AudioWindow;
      w.__holdWrites = new Promise((release) => (w.__releaseWrites = release));
    });
    await tools().getByRole('button', { name: 'Extract audio as M4A' }).click();
    const job = row('vp9 audio (2).m4a');
    await eventually(() => files()).toContain('vp9 audio (2).m4a');
    expect(await job.getByRole('status').textContent()).toMatch(/^Saving…/);
    await job.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => job.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    expect(await files()).toEqual(before);

    await page.evaluate(() => {
      const w = window as unknown as AudioWindow;
      w.__holdWrites = undefined;
      w.__releaseWrites?.();
    });
    await job.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => job.getByRole('status').textContent(), 120_000).toBe('Saved in the Clips folder');
    expect(await files()).toEqual([...before, 'vp9 audio (2).m4a'].sort());
    await expectSound('vp9 audio (2).m4a', 'aac', await soundOf('vp9.webm'));
  });

  test('as Opus for several videos at once, chosen in Video tools… with the keyboard alone', async () => {
    await dialog().focus();
    await page.keyboard.press('Escape');
    await eventually(() => dialog().isVisible()).toBe(false);
    const before = await files();
    await clickCard(page, 'h264.mp4');
    await clickCard(page, 'ac3.mp4', ['ControlOrMeta']);
    const selection = page.getByRole('region', { name: 'Selection' });
    await eventually(() => selection.textContent()).toMatch('2 videos selected');
    await selection.getByRole('button', { name: 'Video tools…' }).click();
    const batch = page.getByRole('dialog', { name: 'Video tools for 2 videos' });
    await eventually(() => batch.isVisible()).toBe(true);
    await batch.getByRole('radio', { name: 'Extract audio' }).focus();
    await page.keyboard.press('Space');
    const format = batch.getByRole('combobox', { name: 'Audio format' });
    expect(await format.locator('option').allInnerTexts()).toContain('as Opus (smaller, plays in modern browsers)');
    await format.focus();
    // A closed <select> steps through its options with the arrow keys: "as it is", "as M4A …", "as Opus …".
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await format.inputValue()).toBe('opus');
    await batch.getByRole('button', { name: 'Start' }).focus();
    await page.keyboard.press('Enter');
    const run = batch.getByRole('region', { name: 'Batch: Extract audio as Opus' });
    await eventually(() => run.getByRole('status').first().textContent(), 120_000).toBe('2 of 2 done');
    const made = (await files()).filter((n) => !before.includes(n));
    expect(made).toEqual(['ac3 audio (2).opus', 'h264 audio (2).opus']);
    await expectSound('h264 audio (2).opus', 'opus', await soundOf('h264.mp4'));
    await batch.getByRole('button', { name: 'Close' }).click();
  });
});
