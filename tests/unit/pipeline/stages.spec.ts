// Every stage of the pipeline, run as the job queue runs it, in Node: a real catalog, the real media API and
// stage operations over a generated decode tier (no mock of any stage), real MessageChannels carrying the frames.
import { beforeAll, describe, expect, it } from 'vitest';
import { stageOf } from '../../../src/indexing/registry';
import type { PipelineTools } from '../../../src/indexing/stage';
import type { Job, JobStage } from '../../../src/lib/types';
import { freshCatalog } from '../helpers';
import { decodePng, installCanvasShim } from './canvas-shim';
import { defaultSearchSettings } from '../../../src/lib/search/settings';
import { fingerprint } from '../../../src/lib/search/fingerprint';
import { defaultVideo, drawFrame, generatedSource, type GeneratedVideo } from './generated-source';
import { testTools } from './tools';
import type { Suggestion } from '../../../src/lib/suggested-tags/score';

beforeAll(installCanvasShim);

async function oneVideo(
  video: GeneratedVideo = defaultVideo,
  model: { modelId: string } | null = null,
  suggestions: Suggestion[] = [],
) {
  const { catalog } = await freshCatalog();
  const lib = catalog.addLibrary('Trips', 'handle');
  catalog.applyScanOps(lib.id, [{ kind: 'add', file: { path: 'beach/day.mp4', size: 200_000, modifiedAt: 1000 } }]);
  const [{ id }] = catalog.listVideos();
  const sources: ReturnType<typeof generatedSource>[] = [];
  const t = testTools(catalog, {
    source: () => {
      const s = generatedSource(video);
      sources.push(s);
      return s;
    },
    model,
    suggestions,
  });
  /** Runs the video's job of `stage` through that stage, as the job runner does. */
  const run = async (stage: JobStage, signal = new AbortController().signal, tools: PipelineTools = t.tools) => {
    const job = catalog.listJobs('queued', 100).find((j) => j.videoId === id && j.stage === stage) as Job;
    const progress: number[] = [];
    await stageOf(stage).run(job, { signal, progress: (p) => progress.push(p), tools });
    catalog.completeJob(job.id);
    return { job, progress };
  };
  return { catalog, lib, id, run, sources, ...t };
}

describe('indexing stages', () => {
  it('probe: the catalog gets the duration, display size, frame rate and codec', async () => {
    const { catalog, id, run } = await oneVideo();
    await run('probe');
    expect(catalog.getVideo(id)).toMatchObject({ duration: 12, width: 320, height: 180, fps: 25, tier: 'webcodecs' });
  });

  it('checksum: the quick hash of the file is stored (so a moved file is recognised)', async () => {
    const { catalog, id, run } = await oneVideo();
    await run('checksum');
    expect(catalog.getVideo(id)?.quickHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('poster: a picture from about 10 % in, not the black intro, is stored with its time', async () => {
    const { catalog, id, run, rec } = await oneVideo({ ...defaultVideo, blackUntil: 2 });
    await run('probe');
    await run('poster');
    const thumb = catalog.getThumbnail(id, 'poster');
    expect(thumb?.time).toBeGreaterThanOrEqual(2);
    const png = decodePng(rec.blobs.get(`poster-${id}`)!);
    expect([png.width, png.height]).toEqual([320, 180]);
    expect(png.data.slice(0, 3).some((v) => v > 12)).toBe(true);
  });

  it('scenes: cuts between key frames become scenes; the key frames go to search and are stored there', async () => {
    const { catalog, id, lib, run, rec, sources } = await oneVideo();
    await run('probe');
    await run('scenes');
    const scenes = catalog.listScenes(id);
    expect(scenes).toHaveLength(3);
    // Key frames are 2 s apart: pass 1 places each cut at the first key frame after it.
    expect(scenes.map((s) => s.start)).toEqual([0, 6, 10]);
    const keyframes = catalog.listFrames(id).map((f) => f.time);
    expect(keyframes).toEqual([0, 2, 4, 6, 8, 10]);
    expect(rec.searchFrames.get(`${id}:keyframes`)!.map((f) => f.time)).toEqual(keyframes);
    expect(rec.commits).toEqual([{ videoId: id, libraryId: lib.id, pass: 'keyframes' }]);
    expect(catalog.getThumbnail(id, 'strip')?.frameCount).toBe(10);
    // One decode of the key frames serves scenes and search; then only the strip's and each scene's frame.
    expect(sources).toHaveLength(2); // the probe's, the scenes stage's
    expect(sources[1].decoded.slice(0, keyframes.length)).toEqual(keyframes);
    expect(sources[1].decoded.length).toBeLessThanOrEqual(keyframes.length + 10 + scenes.length);
  });

  it('frames: dense samples go to search, cuts are narrowed to the exact frame, nothing is decoded twice', async () => {
    const { catalog, id, lib, run, rec } = await oneVideo();
    await run('probe');
    await run('scenes');
    const { progress } = await run('frames');
    const scenes = catalog.listScenes(id);
    expect(scenes.map((s) => s.start)).toEqual([0, 4.2, 8.6]);
    const sampled = rec.searchFrames.get(`${id}:interval`)!.map((f) => f.time);
    expect(sampled.length).toBeGreaterThanOrEqual(24); // every half second over 12 s
    expect(new Set(sampled).size).toBe(sampled.length);
    expect(catalog.listFrames(id).map((f) => f.time)).toEqual(sampled);
    expect(rec.commits.at(-1)).toEqual({ videoId: id, libraryId: lib.id, pass: 'interval' });
    expect(progress.at(-1)).toBeGreaterThan(80);
  });

  it('scenes and frames: a frame of the video is found in the search index at its moment', async () => {
    const { id, run, search } = await oneVideo();
    const query = fingerprint(drawFrame(defaultVideo, 5, 160))!;
    const nearest = async () => (await search.searchFingerprints([query], defaultSearchSettings)).matches[0][0];
    await run('probe');
    await run('scenes');
    // After pass 1 the key frame at 6 s (the same shot: it starts at 4.2 s) is the nearest stored moment.
    expect(await nearest()).toMatchObject({ videoId: id, time: 6 });
    await run('frames');
    expect(await nearest()).toMatchObject({ videoId: id, time: 5, distance: 0 });
  });

  it('frames: a cancelled job stops with AbortError and stores nothing', async () => {
    const { catalog, id, run, rec } = await oneVideo();
    await run('probe');
    await run('scenes');
    const cancel = new AbortController();
    cancel.abort();
    await expect(run('frames', cancel.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(rec.commits.map((c) => c.pass)).toEqual(['keyframes']);
    expect(catalog.listFrames(id).every((f) => f.keyframe)).toBe(true);
  });

  it('embeddings: without a model nothing is decoded; with one, scenes and interval frames are embedded', async () => {
    const idle = await oneVideo();
    await idle.run('probe');
    await idle.run('scenes');
    const decodedBefore = idle.sources.length;
    await idle.run('frames');
    await idle.run('embeddings');
    expect(idle.sources.length).toBe(decodedBefore + 1); // the frames stage only
    expect(idle.rec.embedRuns).toEqual([]);

    const { id, run, rec } = await oneVideo(defaultVideo, { modelId: 'tiny:q8:abc' });
    await run('probe');
    await run('scenes');
    await run('frames');
    await run('embeddings');
    expect(rec.embedRuns).toHaveLength(1);
    const planned = rec.embedRuns[0].times;
    expect(rec.embedFrames.map((f) => f.time)).toHaveLength(planned.length);
    // Decoded at CLIP's input size: the short side reaches 224.
    expect(Math.min(rec.embedFrames[0].width, rec.embedFrames[0].height)).toBeGreaterThanOrEqual(180);
    expect(rec.embedCommits).toEqual([id]);
  });

  it('embeddings: a model switch mid-way puts the job back for the new model instead of storing mixed vectors', async () => {
    const { catalog, id, run, rec, setModel, tools } = await oneVideo(defaultVideo, { modelId: 'one' });
    await run('probe');
    await run('scenes');
    await run('frames');
    const switching: PipelineTools = {
      ...tools,
      routes: {
        ...tools.routes,
        toEmbed: async (videoId, token) => {
          setModel({ modelId: 'two' });
          return tools.routes.toEmbed(videoId, token);
        },
      },
    };
    await expect(run('embeddings', undefined, switching)).rejects.toMatchObject({ name: 'AbortError' });
    expect(rec.embedCommits).toEqual([]);
    const job = catalog.listJobs('queued', 100).find((j) => j.videoId === id && j.stage === 'embeddings');
    expect(job).toMatchObject({ attempts: 0 });
  });

  it('suggested tags: stored as offered once the video is embedded, none without a model, none applied', async () => {
    const idle = await oneVideo(defaultVideo, null, [{ word: 'beach', confidence: 0.6 }]);
    await idle.run('suggested-tags');
    expect(idle.catalog.tagSuggestions([idle.id])).toEqual([]);

    const words = [
      { word: 'beach', confidence: 0.6 },
      { word: 'sunset', confidence: 0.3 },
    ];
    const { catalog, id, run } = await oneVideo(defaultVideo, { modelId: 'tiny:q8:abc' }, words);
    await run('probe');
    await run('scenes');
    await run('frames');
    await run('embeddings');
    await run('suggested-tags');
    expect(catalog.tagSuggestions([id])).toEqual([
      { word: 'beach', confidence: 0.6, videos: 1 },
      { word: 'sunset', confidence: 0.3, videos: 1 },
    ]);
    expect(catalog.tagsOfVideos([id])).toEqual([]);
  });

  it('a video whose folder permission was withdrawn waits for Reconnect folder, not failed', async () => {
    const { catalog, id, lib, run, rec, tools } = await oneVideo();
    const denied: PipelineTools = {
      ...tools,
      openFile: async () => {
        throw new DOMException('The request is not allowed', 'NotAllowedError');
      },
    };
    await expect(run('probe', undefined, denied)).rejects.toMatchObject({ name: 'AbortError' });
    expect(rec.lostAccess).toEqual([lib.id]);
    const job = catalog.listJobs('queued', 100).find((j) => j.videoId === id && j.stage === 'probe');
    expect(job).toMatchObject({ attempts: 0, error: null });
  });
});
