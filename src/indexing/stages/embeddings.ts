import { proxy, transfer } from 'comlink';
import { embedDecodeSide, embeddingPlan, maxEmbeddedFrames } from '../../lib/embeddings/plan';
import type { Stage } from '../stage';
import { needDuration, openVideo, runAgain, samplingSettings, tierOf } from '../stage-helpers';

/** Frames decoded and handed to the embed worker together. */
const decodeBatch = 16;

const isModelChange = (err: unknown) => (err as Error).name === 'ModelChangedError';

/**
 * Word search, once a model is active: each scene's representative frame plus one frame every "Embedding
 * interval" seconds, decoded at CLIP's input size and sent from the media worker straight to the embed worker,
 * stored there as one chunk (all or nothing) with the model id. Without a model it has nothing to do; activating
 * one queues every video again, and a video that model already embedded is skipped.
 */
export const embeddingsStage: Stage = {
  name: 'embeddings',
  label: 'Word search',
  priority: 5,
  needs: ['frames'],
  async run(job, { signal, progress, tools }) {
    await tools.models.whenRestored();
    const model = tools.models.active();
    if (!model || (await tools.embed.hasEmbeddings(job.videoId, model.modelId))) {
      // A switch of model while this ran skipped this job (it was running): take the new model's turn.
      if (tools.models.active()?.modelId !== model?.modelId) await runAgain(job, tools);
      return;
    }
    const { video, file } = await openVideo(job, tools);
    const duration = needDuration(video);
    const sampling = await samplingSettings(tools);
    const plan = embeddingPlan(
      duration,
      (await tools.db.listScenes(video.id)).map((s) => s.keyframeTime),
      tools.models.interval(),
      sampling.maxDuration,
      Math.min(maxEmbeddedFrames, sampling.maxKeyframes),
    );
    const token = await tools.embed.begin(video.id, model.modelId, plan);
    const sink = await tools.routes.toEmbed(video.id, token);
    const onProgress = proxy((done: number) => progress((done / Math.max(1, plan.length)) * 95));
    // CLIP inference dominates: allow it about a second per frame on a slow machine, on top of decoding.
    const timeout = Math.max(120_000, plan.length * 1500 + duration * 100);
    await tools.media.run(signal, timeout, 'Embedding frames for word search', (m) =>
      m.decodeFrames(
        transfer(
          {
            file,
            times: plan.map((p) => p.time),
            duration,
            maxSide: embedDecodeSide(video.width, video.height),
            batchSize: decodeBatch,
            prefer: tierOf(video),
            sink,
          },
          [sink],
        ),
        onProgress,
      ),
    );
    let modelChanged = false;
    try {
      await tools.embed.commit(video.id, video.libraryId, token);
    } catch (err) {
      if (!isModelChange(err)) throw err;
      modelChanged = true;
    }
    // Another model became active mid-way: run again with it, without counting this attempt.
    if (modelChanged || tools.models.active()?.modelId !== model.modelId) await runAgain(job, tools);
  },
};
