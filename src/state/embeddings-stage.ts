import { proxy, transfer } from 'comlink';
import { embedDecodeSide, embeddingPlan, maxEmbeddedFrames } from '../lib/embeddings/plan';
import { AbortError } from '../lib/jobs';
import type { StageHandler } from '../lib/job-runner';
import { defaultSampling, type SamplingSettings } from '../lib/media/sampling';
import type { RgbaFrame, Tier } from '../lib/media/types';
import type { Job, Video } from '../lib/types';
import { embedWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import type { MediaPool } from './media-pool';
import { models } from './models.svelte';

/** Frames decoded and handed to the embed worker together. */
const decodeBatch = 16;

const buffers = (frames: RgbaFrame[]) => frames.map((f) => f.data.buffer as ArrayBuffer);

/**
 * The embeddings stage, after the frames stage has settled the scenes: each scene's representative frame plus one
 * frame every "Embedding interval" seconds,
 * decoded at CLIP's input size on the media pool, embedded in the embed worker, stored as one chunk (all or
 * nothing) with the model id. Without an active model it has nothing to do and finishes at once; activating a
 * model queues every video's stage again, and a video already embedded by that model is skipped.
 */
export function embeddingsStage(
  pool: MediaPool,
  openVideo: (job: Job) => Promise<{ video: Video; file: File }>,
): StageHandler {
  return async (job, ctx) => {
    await models.whenRestored();
    const model = models.active;
    if (!model || (await embedWorker.api.hasEmbeddings(job.videoId, model.modelId))) {
      // A switch of model while this ran skipped this job (it was running): take the new model's turn.
      if (models.active?.modelId !== model?.modelId) await runAgain(job);
      return;
    }
    const { video, file } = await openVideo(job);
    if (video.duration === null) throw new Error('The video has not been probed yet.');
    const duration = video.duration;
    const sampling = {
      ...defaultSampling,
      ...((await catalog.db.getSetting('sampling', defaultSampling)) as Partial<SamplingSettings>),
    };
    const scenes = await catalog.db.listScenes(video.id);
    const plan = embeddingPlan(
      duration,
      scenes.map((s) => s.keyframeTime),
      models.interval,
      sampling.maxDuration,
      Math.min(maxEmbeddedFrames, sampling.maxKeyframes),
    );
    const token = await embedWorker.api.begin(video.id, model.modelId, plan);
    const isModelChange = (err: unknown) => (err as Error).name === 'ModelChangedError';
    // Thrown inside the frame callback, it would send the media worker on to its ffmpeg.wasm fallback.
    let modelChanged = false;
    try {
      // CLIP inference dominates: allow it about a second per frame on a slow machine, on top of decoding.
      const timeout = Math.max(120_000, plan.length * 1500 + duration * 100);
      await pool.run(ctx.signal, timeout, 'Embedding frames for word search', (m) =>
        m.decodeFrames(
          file,
          plan.map((p) => p.time),
          duration,
          embedDecodeSide(video.width, video.height),
          decodeBatch,
          proxy(async (frames: RgbaFrame[], done: number) => {
            if (modelChanged) return;
            try {
              await embedWorker.api.addFrames(video.id, token, transfer(frames, buffers(frames)), done);
            } catch (err) {
              if (!isModelChange(err)) throw err;
              modelChanged = true;
            }
            ctx.progress((done / Math.max(1, plan.length)) * 95);
          }),
          (video.tier ?? undefined) as Tier | undefined,
        ),
      );
      if (!modelChanged) await embedWorker.api.commit(video.id, video.libraryId, token);
    } catch (err) {
      if (!isModelChange(err)) throw err;
      modelChanged = true;
    }
    // Another model became active mid-way: run again with it, without counting this attempt.
    if (modelChanged || models.active?.modelId !== model.modelId) await runAgain(job);
  };
}

/** Puts the job back in the queue without counting the attempt, and ends this run. */
async function runAgain(job: Job): Promise<never> {
  await catalog.db.requeueJobs([job.id]);
  throw new AbortError('The model changed');
}
