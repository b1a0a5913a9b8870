// Suggested tags (issue 15): the vocabulary, the zero-shot scoring and its thresholds, the scoring of stored vectors
// with the tiny CLIP model in the embed worker's code, and the catalog's answers (a dismissed word never returns).
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { migrate } from '../../src/db/schema';
import { normalize } from '../../src/lib/embeddings/vectors';
import { probeFrame } from '../../src/lib/embeddings/word-search';
import { cleanTagName } from '../../src/lib/facets';
import { foldName } from '../../src/lib/video-files';
import { frameProbabilities, meanVector, pickSuggestions, videoConfidences } from '../../src/lib/suggested-tags/score';
import { vocabularyWords } from '../../src/lib/suggested-tags/vocabulary';
import { loadEngine, type EmbedEngine } from '../../src/workers/embed/engine';
import { sceneIndex } from '../../src/workers/embed/scene-index';
import { tagSuggester } from '../../src/workers/embed/tag-suggester';
import { sqlJs } from './helpers';
import { seededLibrary } from './library-seed';
import { memoryBlobs } from './memory-blobs';
// @ts-expect-error -- a plain .mjs script without types
import { COLOURS, makeTinyClip } from '../scripts/make-tiny-clip.mjs';

const colours = COLOURS as Record<string, [number, number, number]>;
const unit = (...v: number[]) => normalize(Float32Array.from(v));

describe('the vocabulary', () => {
  it('has a hundred or more everyday words, each once and already a clean tag name', () => {
    expect(vocabularyWords.length).toBeGreaterThanOrEqual(100);
    expect(vocabularyWords.length).toBeLessThanOrEqual(200);
    expect(new Set(vocabularyWords.map((w) => w.toLowerCase())).size).toBe(vocabularyWords.length);
    for (const word of vocabularyWords) expect(cleanTagName(word), word).toBe(word);
    expect(vocabularyWords).toEqual(
      expect.arrayContaining(['beach', 'sky', 'city street', 'birthday party', 'slides']),
    );
  });
});

describe('zero-shot scoring', () => {
  const beach = unit(1, 0, 0);
  const dog = unit(0, 1, 0);
  const photo = unit(0.5, 0.5, 1); // a background caption: near everything a little

  it('gives a frame to the word it matches, and a frame no word fits to the background', () => {
    const p = frameProbabilities(unit(1, 0.05, 0.2), [beach, dog], [photo]);
    expect(p[0]).toBeGreaterThan(0.95);
    expect(p[1]).toBeLessThan(0.01);
    const nothing = frameProbabilities(unit(0, 0, 1), [beach, dog], [photo]);
    expect(nothing[0] + nothing[1]).toBeLessThan(0.01); // not the least bad word
    // Without the scale a softmax over cosines is nearly flat: CLIP's 100 is what makes it decide.
    const flat = frameProbabilities(unit(1, 0.05, 0.2), [beach, dog], [photo], 1);
    expect(flat[0]).toBeLessThan(0.5);
  });

  it('scores a video by the share of its frames a word wins', () => {
    const frames = [unit(1, 0, 0.1), unit(1, 0, 0.1), unit(0, 1, 0.1), unit(0, 0, 1)];
    const c = videoConfidences(frames, [beach, dog], [photo]);
    expect(c[0]).toBeCloseTo(0.5, 2);
    expect(c[1]).toBeCloseTo(0.25, 2);
    expect([...videoConfidences([], [beach, dog], [photo])]).toEqual([0, 0]);
  });

  it('offers words from a fifth of the video up, most confident first, five at most', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(pickSuggestions(names, [0.1, 0.5, 0.19, 0.2, 0, 0, 0])).toEqual([
      { word: 'b', confidence: 0.5 },
      { word: 'd', confidence: 0.2 },
    ]);
    expect(pickSuggestions(names, [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.9]).map((s) => s.word)).toEqual([
      'g',
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('averages a word’s prompts into one unit vector', () => {
    const v = meanVector([unit(1, 0, 0), unit(0, 1, 0)]);
    expect([...v].map((x) => +x.toFixed(4))).toEqual([0.7071, 0.7071, 0]);
  });
});

describe('suggesting from stored vectors (tiny CLIP)', () => {
  let root: string;
  let engine: EmbedEngine;
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

  async function embedded(videos: [number, string[]][]) {
    const index = sceneIndex(
      () => Promise.resolve(engine),
      async () => memoryBlobs(),
    );
    for (const [videoId, names] of videos) {
      const plan = names.map((_, i) => ({ time: i + 0.5, scene: i === 0 }));
      const token = index.begin(videoId, engine.modelId, plan);
      const frames = names.map((n, i) => ({
        ...probeFrame(colours[n], 80, 45, videoId * 10 + i),
        time: i + 0.5,
        keyframe: false,
      }));
      await index.addFrames(videoId, token, frames, frames.length);
      await index.commit(videoId, 1, token);
    }
    const texts = vi.spyOn(index, 'embedTexts');
    return { suggester: tagSuggester(index), texts };
  }

  it('suggests what the tiny model encodes (sky-blue: "sky", sand: "beach"), and nothing for colours it has no word for', async () => {
    const { suggester, texts } = await embedded([
      [1, ['sky', 'sky', 'sky', 'beach', 'beach']],
      [2, ['green', 'blue', 'green', 'blue']],
    ]);
    const sky = await suggester.suggestTags(1, engine.modelId);
    expect(sky?.map((s) => s.word)).toEqual(['sky', 'beach']);
    expect(sky![0].confidence).toBeCloseTo(0.6, 1);
    expect(sky![1].confidence).toBeCloseTo(0.4, 1);
    expect(await suggester.suggestTags(2, engine.modelId)).toEqual([]);
    // The vocabulary was embedded once for the model, not once per video.
    expect(texts).toHaveBeenCalledTimes(1);
    // Vectors of another model, or none: nothing to score.
    expect(await suggester.suggestTags(1, 'other:q8:0')).toBeNull();
    expect(await suggester.suggestTags(3, engine.modelId)).toBeNull();
  });
});

describe('suggestions in the catalog', () => {
  const offered = (catalog: Catalog, ids: number[]) =>
    catalog.tagSuggestions(ids).map((s) => [s.word, s.videos, +s.confidence.toFixed(2)]);

  it('are offered per video and summed up over a selection, and a hand-made tag hides its word', async () => {
    const { catalog, ids } = await seededLibrary();
    expect(catalog.saveTagSuggestions(ids.night, 'm1', [{ word: 'night', confidence: 0.7 }])).toBe(1);
    catalog.saveTagSuggestions(ids.city, 'm1', [
      { word: 'city street', confidence: 0.5 },
      { word: 'night', confidence: 0.3 },
    ]);
    // Words the video already carries as tags (folded like tag names) are not offered.
    expect(catalog.saveTagSuggestions(ids.beach, 'm1', [{ word: 'beach', confidence: 0.9 }])).toBe(0);
    expect(offered(catalog, [ids.night, ids.city, ids.beach])).toEqual([
      ['night', 2, 0.7],
      ['city street', 1, 0.5],
    ]);
    catalog.tagVideos([ids.city], ['Night']);
    expect(offered(catalog, [ids.city])).toEqual([['city street', 1, 0.5]]);
    expect(catalog.tagsOfVideos([ids.night])).toEqual([]); // nothing applied by suggesting
  });

  it('accepted become real tags for the videos offered them, filterable, and are not offered again', async () => {
    const { catalog, ids, names } = await seededLibrary();
    catalog.saveTagSuggestions(ids.night, 'm1', [{ word: 'sky', confidence: 0.6 }]);
    catalog.saveTagSuggestions(ids.root, 'm1', [{ word: 'sky', confidence: 0.4 }]);
    const { tag, videoIds } = catalog.acceptTagSuggestion([ids.night, ids.root, ids.city], 'sky');
    expect(videoIds).toEqual([ids.night, ids.root].sort((a, b) => a - b)); // city was not offered it
    expect(tag).toMatchObject({ name: 'sky', count: 2 });
    expect(names(catalog.listVideos({ tagIds: [tag!.id], sort: 'name' }))).toEqual(['night', 'root']);
    expect(offered(catalog, [ids.night, ids.root])).toEqual([]);
    catalog.untagVideos([ids.night], [tag!.id]);
    catalog.saveTagSuggestions(ids.night, 'm2', [{ word: 'sky', confidence: 0.9 }]);
    expect(offered(catalog, [ids.night])).toEqual([]); // answered once, for good
    expect(catalog.acceptTagSuggestion([ids.city], 'sky')).toEqual({ tag: null, videoIds: [] });
  });

  it('dismissed never come back: not when scored again, by another model, or after a reload', async () => {
    const { catalog, ids } = await seededLibrary();
    const words = [
      { word: 'beach', confidence: 0.2 },
      { word: 'dog', confidence: 0.5 },
      { word: 'car', confidence: 0.3 },
    ];
    catalog.saveTagSuggestions(ids.night, 'm1', words);
    catalog.saveTagSuggestions(ids.city, 'm1', words);
    expect(catalog.dismissTagSuggestion([ids.night, ids.city], 'dog')).toEqual(
      [ids.city, ids.night].sort((a, b) => a - b),
    );
    catalog.dismissTagSuggestion([ids.night], 'car');
    expect(offered(catalog, [ids.night])).toEqual([['beach', 1, 0.2]]);
    // Re-indexing scores the video again, with higher confidence, and another model too.
    catalog.saveTagSuggestions(
      ids.night,
      'm1',
      words.map((w) => ({ ...w, confidence: 0.8 })),
    );
    catalog.saveTagSuggestions(ids.night, 'm2', [...words, { word: 'snow', confidence: 0.4 }]);
    expect(offered(catalog, [ids.night])).toEqual([
      ['snow', 1, 0.4],
      ['beach', 1, 0.2],
    ]);
    // A new scoring replaces what was still offered: a word the model no longer sees goes.
    catalog.saveTagSuggestions(ids.city, 'm2', [{ word: 'dog', confidence: 0.9 }]);
    expect(offered(catalog, [ids.city])).toEqual([]);
    // The catalog saved and opened again, as on a reload.
    const reopened = Catalog.open(await sqlJs(), catalog.export());
    reopened.saveTagSuggestions(ids.night, 'm2', words);
    expect(offered(reopened, [ids.night])).toEqual([['beach', 1, 0.2]]);
  });

  it('an answer can be undone: offered again, and an accepted word’s tag taken off', async () => {
    const { catalog, ids } = await seededLibrary();
    catalog.saveTagSuggestions(ids.night, 'm1', [
      { word: 'sky', confidence: 0.6 },
      { word: 'dog', confidence: 0.3 },
    ]);
    const { tag } = catalog.acceptTagSuggestion([ids.night], 'sky');
    catalog.dismissTagSuggestion([ids.night], 'dog');
    expect(catalog.reofferTagSuggestion([ids.night], 'sky')).toBe(1);
    expect(catalog.reofferTagSuggestion([ids.night], 'dog')).toBe(1);
    expect(catalog.tagsOfVideos([ids.night])).toEqual([]);
    expect(catalog.listTags().find((t) => t.id === tag!.id)).toMatchObject({ name: 'sky', count: 0 });
    expect(offered(catalog, [ids.night])).toEqual([
      ['sky', 1, 0.6],
      ['dog', 1, 0.3],
    ]);
  });

  it('go with their video, and a catalog of version 10 upgrades with its rows intact', async () => {
    const { catalog, ids } = await seededLibrary();
    catalog.saveTagSuggestions(ids.night, 'm1', [{ word: 'sky', confidence: 0.6 }]);
    catalog.sql.run('DELETE FROM videos WHERE id = ?', [ids.night]);
    expect(Number(catalog.sql.value('SELECT count(*) FROM tag_suggestions'))).toBe(0);

    const SQL = await sqlJs();
    const old = new SQL.Database();
    old.create_function('fold', foldName);
    expect(migrate(old, 10)).toBe(10);
    old.run(`INSERT INTO libraries (id, name, source, added_at, min_text_px) VALUES (1, 'L', 'handle', 5, 24)`);
    old.run(`INSERT INTO folders (id, library_id, path, name) VALUES (1, 1, '', '')`);
    old.run(
      `INSERT INTO videos (id, library_id, folder_id, path, name, extension, size, modified_at) VALUES (1, 1, 1, 'a.mp4', 'a.mp4', 'mp4', 1, 7)`,
    );
    const upgraded = Catalog.open(SQL, old.export());
    expect(upgraded.listLibraries()[0]).toMatchObject({ name: 'L', minTextPx: 24 });
    expect(upgraded.saveTagSuggestions(1, 'm1', [{ word: 'sky', confidence: 0.6 }])).toBe(1);
    // Existing videos are scored once a model is active: the stage is queued for them on the first start.
    expect(upgraded.enqueueMissingStages()).toBeGreaterThan(0);
    expect(upgraded.listJobs('queued', 100).filter((j) => j.stage === 'suggested-tags')).toHaveLength(1);
  });
});
