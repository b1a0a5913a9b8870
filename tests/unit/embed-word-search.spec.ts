import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { embedDecodeSide, embeddingPlan } from '../../src/lib/embeddings/plan';
import { groupByScene, modelFloor, probeFrame } from '../../src/lib/embeddings/word-search';
import type { RgbaFrame } from '../../src/lib/media/types';
import { loadEngine, type EmbedEngine } from '../../src/workers/embed/engine';
import { sceneIndex } from '../../src/workers/embed/scene-index';
import { memoryBlobs } from './memory-blobs';
// @ts-expect-error -- a plain .mjs script without types
import { COLOURS, makeTinyClip } from '../scripts/make-tiny-clip.mjs';

const colours = COLOURS as Record<string, [number, number, number]>;

describe('which frames are embedded', () => {
  it('takes every scene frame, and interval samples only where no scene frame is near', () => {
    const plan = embeddingPlan(20, [1, 9.9, 15], 5);
    expect(plan).toEqual([
      { time: 1, scene: true },
      { time: 9.9, scene: true },
      { time: 12.5, scene: false },
      { time: 15, scene: true },
      { time: 17.5, scene: false },
    ]);
  });

  it('stops at the max duration, thins interval samples past the cap, and never plans nothing', () => {
    const long = embeddingPlan(10_000, [100, 200], 1, 3600, 50);
    expect(long).toHaveLength(50);
    expect(long.filter((f) => f.scene).map((f) => f.time)).toEqual([100, 200]);
    expect(Math.max(...long.map((f) => f.time))).toBeLessThan(3600);
    expect(embeddingPlan(0.2, [], 5)).toEqual([{ time: 0.1, scene: false }]);
  });

  it('decodes so the short side reaches 224', () => {
    expect(embedDecodeSide(1920, 1080)).toBe(399);
    expect(embedDecodeSide(480, 480)).toBe(224);
    expect(embedDecodeSide(1080, 1920)).toBe(399);
    expect(embedDecodeSide(4000, 500)).toBe(512);
  });
});

describe('scene results', () => {
  const spans = [
    { index: 0, start: 0, end: 4 },
    { index: 1, start: 4, end: 8 },
  ];
  it('keeps each scene’s best frame, a few scenes a video, best video first', () => {
    const hits = [
      { videoId: 2, time: 5, score: 0.9 },
      { videoId: 2, time: 6, score: 0.85 },
      { videoId: 1, time: 1, score: 0.8 },
      { videoId: 2, time: 1, score: 0.7 },
      { videoId: 1, time: 8, score: 0.6 },
    ];
    const grouped = groupByScene(hits, () => spans, { perVideo: 3 });
    expect(grouped.map((g) => [g.videoId, g.scenes.map((s) => [s.time, s.scene])])).toEqual([
      [
        2,
        [
          [5, 1],
          [1, 0],
        ],
      ],
      [
        1,
        [
          [1, 0],
          [8, 1],
        ],
      ],
    ]);
    const more = groupByScene(hits, () => spans, { exclude: { videoId: 2, scene: 1 } });
    expect(more.map((g) => [g.videoId, g.scenes.map((s) => s.time)])).toEqual([
      [1, [1, 8]],
      [2, [1]],
    ]);
  });
});

describe('the model floor', () => {
  it('sits between matches and misses, nearer the match; none without a gap', () => {
    expect(
      modelFloor([
        [0.3, 0.2],
        [0.18, 0.28],
      ]),
    ).toBeCloseTo(0.19 + 0.75 * 0.1, 5);
    expect(modelFloor([[0.3]])).toBe(Infinity);
    expect(
      modelFloor([
        [0.2, 0.3],
        [0.3, 0.2],
      ]),
    ).toBe(Infinity);
  });
});

describe('word search over stored embeddings (tiny CLIP)', () => {
  let root: string;
  let engine: EmbedEngine;
  const frame = (name: string, time: number, seed: number): RgbaFrame => ({
    ...probeFrame(colours[name], 80, 45, seed),
    time,
    keyframe: false,
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tiny-clip-'));
    makeTinyClip(root, { seed: 1 });
    vi.stubGlobal('fetch', () => Promise.reject(new Error('no network in tests')));
    engine = await loadEngine({
      files: {
        read: (p) =>
          readFile(join(root, p)).then(
            (b) => new Uint8Array(b),
            () => null,
          ),
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    vi.unstubAllGlobals();
    rmSync(root, { recursive: true, force: true });
  });

  async function indexed() {
    const index = sceneIndex(
      () => Promise.resolve(engine),
      async () => memoryBlobs(),
    );
    const videos: [number, string[]][] = [
      [1, ['red', 'red', 'green', 'green', 'blue', 'blue']],
      [2, ['sky', 'sky', 'yellow', 'yellow']],
    ];
    for (const [videoId, names] of videos) {
      const plan = names.map((_, i) => ({ time: i * 2 + 1, scene: i % 2 === 0 }));
      const token = index.begin(videoId, engine.modelId, plan);
      const frames = names.map((n, i) => frame(n, i * 2 + 1, videoId * 10 + i));
      await index.addFrames(videoId, token, frames.slice(0, 3), 3);
      await index.addFrames(videoId, token, frames.slice(3), names.length);
      expect(await index.commit(videoId, 1, token)).toBe(names.length);
    }
    return index;
  }

  it('stores every planned frame with the model id, and ranks the frames a colour word names first', async () => {
    const index = await indexed();
    expect(await index.hasEmbeddings(1, engine.modelId)).toBe(true);
    expect(await index.hasEmbeddings(1, 'other:q8:0')).toBe(false);
    expect(await index.videoEmbeddings(1)).toEqual({
      modelId: engine.modelId,
      times: [1, 3, 5, 7, 9, 11],
      scene: [true, false, true, false, true, false],
    });
    const red = await index.searchText('red');
    expect(red.hits.length).toBeGreaterThan(0);
    expect(red.best!).toBeGreaterThan(red.floor);
    expect(red.hits.slice(0, 2).map((h) => [h.videoId, h.time])).toEqual(
      expect.arrayContaining([
        [1, 1],
        [1, 3],
      ]),
    );
    expect(red.hits.every((h) => h.videoId === 1 && h.time < 4)).toBe(true);
    const yellow = await index.searchText('yellow');
    expect(yellow.hits[0]).toMatchObject({ videoId: 2 });
    expect(yellow.hits[0].time).toBeGreaterThan(4);
  });

  it('says no match for words that name nothing in the library, rather than the least bad frame', async () => {
    const index = await indexed();
    for (const words of ['night', 'black', 'dog']) {
      const r = await index.searchText(words);
      expect(r.best, words).not.toBeNull();
      expect(r.best!, words).toBeLessThan(r.floor); // measured: 0.48, 0.30, 0.50 against a floor of 0.78
      expect(r.hits, words).toEqual([]);
    }
  });

  it('finds more of the same colour from a frame', async () => {
    const index = await indexed();
    const like = await index.similarTo(1, 5, undefined);
    // The two green frames first (int8 rounding may order them either way), the blue ones next.
    expect(
      like
        .slice(0, 2)
        .map((h) => [h.videoId, h.time])
        .sort(),
    ).toEqual([
      [1, 5],
      [1, 7],
    ]);
    expect(like[0].score).toBeGreaterThan(0.99);
  });

  it('refuses frames of a run another one replaced', async () => {
    const index = sceneIndex(
      () => Promise.resolve(engine),
      async () => memoryBlobs(),
    );
    const first = index.begin(1, engine.modelId, [{ time: 1, scene: true }]);
    index.begin(1, engine.modelId, [{ time: 1, scene: true }]);
    await expect(index.addFrames(1, first, [frame('red', 1, 1)], 1)).rejects.toMatchObject({
      name: 'ModelChangedError',
    });
    const stale = index.begin(2, 'another-model', [{ time: 1, scene: true }]);
    await expect(index.addFrames(2, stale, [frame('red', 1, 1)], 1)).rejects.toMatchObject({
      name: 'ModelChangedError',
    });
  });
});
