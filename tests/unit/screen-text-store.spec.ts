// The screen-text worker's calls in Node: frames pass the media worker's text gate and arrive on a real port, and
// only those it let through are read (by a stand-in reader: the models run in the e2e), the text is stored as spans in segment files and searched.
import { wrap } from 'comlink';
import { describe, expect, test } from 'vitest';
import type { FrameSink, RgbaFrame } from '../../src/lib/media/types';
import { TextGate } from '../../src/lib/screen-text/gate';
import type { ScreenLine } from '../../src/lib/screen-text/types';
import { screenTextApi } from '../../src/workers/screen-text/api';
import { memoryBlobs } from './memory-blobs';

const width = 160;
const height = 90;

/** A frame at `time`: flat grey, or with dark 2-px strokes every 5 px along a band from `x0` (a line of "text"). */
function frame(time: number, x0?: number): RgbaFrame {
  const data = new Uint8ClampedArray(width * height * 4).fill(200);
  if (x0 !== undefined)
    for (let y = 40; y < 50; y++)
      for (let x = x0; x < x0 + 60; x++) if (x % 5 < 2) data.set([10, 10, 10], (y * width + x) * 4);
  return { time, width, height, data, keyframe: false };
}

const line = (text: string): ScreenLine => ({
  text,
  box: { x: 0.1, y: 0.4, w: 0.5, h: 0.1 },
  words: text.split(' ').map((w, i) => ({ text: w, box: { x: 0.1 + i * 0.2, y: 0.4, w: 0.15, h: 0.1 } })),
});

/** What the stand-in reader sees in a frame: its strokes' position says which slide it is. */
function setup(blobs = memoryBlobs()) {
  const reads: number[] = [];
  const api = screenTextApi(
    async () => blobs,
    async (language) => {
      // A language added from a folder reads upper case here; one that is not installed cannot be loaded.
      if (language === 'gone') throw new Error('The text language “gone” is not installed any more.');
      const shown = (t: string) => (language === 'upper' ? t.toUpperCase() : t);
      return {
        async read(f) {
          reads.push((f as RgbaFrame).time); // the worker hands the reader the frame it was sent
          const dark = [...Array(width).keys()].find((x) => f.data[(45 * width + x) * 4] < 100);
          return [line(shown(dark !== undefined && dark < 40 ? 'Quarterly churn review' : 'Lighthouse keeper'))];
        },
      };
    },
  );
  return { api, reads, blobs };
}

async function send(api: ReturnType<typeof setup>['api'], token: number, frames: RgbaFrame[]) {
  const { port1, port2 } = new MessageChannel();
  api.receiveFrames(token, port1);
  const sink = wrap<FrameSink>(port2 as unknown as Parameters<typeof wrap>[0]);
  const gate = new TextGate(); // the media worker's, one per video
  await sink.frames(
    frames.map((f) => gate.pass(f)),
    frames.length,
  );
  port2.close();
}

describe('text on screen, stored and searched', () => {
  test("text shorter than the library's minimum size is left out", async () => {
    const { api } = setup();
    // The stand-in reader's lines are a tenth of the frame tall: a minimum of a fifth leaves them all out.
    const small = await api.begin(7, { minTextShare: 0.2 });
    await send(api, small, [frame(2, 20), frame(6, 80)]);
    expect(await api.commit(1, small, 2)).toMatchObject({ spans: 0, read: 2 });
    expect((await api.search('keeper')).hits).toEqual([]);
    const any = await api.begin(7, { minTextShare: 0.05 });
    await send(api, any, [frame(2, 20), frame(6, 80)]);
    expect(await api.commit(1, any, 2)).toMatchObject({ spans: 2, read: 2 });
    expect((await api.search('keeper')).hits.map((h) => h.start)).toEqual([6]);
  });

  test('frames without strokes and repeated frames are not read; the same text is one span', async () => {
    const { api, reads, blobs } = setup();
    const token = await api.begin(7);
    await send(api, token, [frame(0), frame(2, 20), frame(4, 20), frame(6, 80), frame(8), frame(10, 20)]);
    expect(await api.commit(1, token, 2)).toEqual({ spans: 3, read: 3, skipped: 2, frames: 6 });
    expect(reads).toEqual([2, 6, 10]);

    const { hits } = await api.search('quartrly CHURN');
    expect(hits.map((h) => [h.videoId, h.start, h.end, h.boxes.length])).toEqual([
      [7, 2, 6, 2],
      [7, 10, 12, 2],
    ]);
    expect((await api.search('keeper')).hits.map((h) => [h.start, h.end, h.text])).toEqual([
      [6, 8, 'Lighthouse keeper'],
    ]);
    expect((await api.search('budget')).hits).toEqual([]);
    expect((await api.search('keeper', { videoIds: [8] })).hits).toEqual([]);
    expect((await api.textBetween(7, 7, 7)).map((s) => s.lines[0].text)).toEqual(['Lighthouse keeper']);

    // Stored in segment files: a fresh worker (a reload) finds the same.
    expect([...blobs.files.keys()]).toEqual(['screen-1-0']);
    const again = setup(blobs).api;
    expect((await again.search('lighthouse')).hits.map((h) => h.start)).toEqual([6]);
  });

  test("a video is read in its library's language; a language no longer installed fails before any frame", async () => {
    const { api, reads } = setup();
    const upper = await api.begin(7, { language: 'upper' });
    await send(api, upper, [frame(2, 80)]);
    await api.commit(1, upper, 2);
    expect((await api.textBetween(7, 0, 100)).map((s) => s.lines[0].text)).toEqual(['LIGHTHOUSE KEEPER']);
    const builtIn = await api.begin(7, { language: null });
    await send(api, builtIn, [frame(2, 80)]);
    await api.commit(1, builtIn, 2);
    expect((await api.textBetween(7, 0, 100)).map((s) => s.lines[0].text)).toEqual(['Lighthouse keeper']);

    await expect(api.begin(7, { language: 'gone' })).rejects.toThrow(/“gone” is not installed any more/);
    expect(reads).toHaveLength(2);
    expect((await api.textBetween(7, 0, 100)).map((s) => s.lines[0].text)).toEqual(['Lighthouse keeper']);
  });

  test('a run cut short stores nothing and keeps what the video had', async () => {
    const { api } = setup();
    const first = await api.begin(3);
    await send(api, first, [frame(0, 80)]);
    await api.commit(1, first, 2);
    const second = await api.begin(3);
    await send(api, second, [frame(0, 20)]);
    api.cancel(second);
    await expect(api.commit(1, second, 2)).rejects.toThrow(/over/);
    expect((await api.textBetween(3, 0, 100)).map((s) => s.lines[0].text)).toEqual(['Lighthouse keeper']);
  });
});
