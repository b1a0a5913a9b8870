import { proxy, transfer } from 'comlink';
import { samplingPlan } from '../../lib/media/sampling';
import type { Stage } from '../stage';
import { needDuration, openVideo, samplingSettings, storeImage, tierOf, timeoutFor } from '../stage-helpers';

/**
 * Pass 2: frames sampled densely (key frames, scene cuts, one every "Sampling interval" seconds) go from the media
 * worker straight to the search worker, which fingerprints them; the stage then narrows each scene cut to the
 * exact frame and stores the fingerprints with the key frames' from pass 1. Nothing is decoded twice: a video
 * whose stage finished is searchable after any reload.
 */
export const framesStage: Stage = {
  name: 'frames',
  label: 'Frames for search',
  priority: 10,
  needs: ['scenes'],
  async run(job, { signal, progress, tools }) {
    const { video, file } = await openVideo(job, tools);
    const duration = needDuration(video);
    const s = await samplingSettings(tools);
    const [known, scenes] = await Promise.all([tools.db.listFrames(video.id), tools.db.listScenes(video.id)]);
    const plan = samplingPlan(
      duration,
      known.filter((f) => f.keyframe).map((f) => f.time),
      scenes.slice(1).map((sc) => sc.start),
      s,
    );
    await tools.search.begin(video.id, 'interval');
    const sink = await tools.routes.toSearch(video.id, 'interval');
    const onProgress = proxy((done: number) => progress((done / Math.max(1, plan.length)) * 90));
    const r = await tools.media.run(signal, timeoutFor(duration, 300), 'Sampling frames', (m) =>
      m.sampleFrames(
        transfer(
          {
            file,
            plan,
            duration,
            fps: video.fps,
            batchSize: s.frameBatchSize,
            textures: true,
            prefer: tierOf(video),
            sink,
          },
          [sink],
        ),
        onProgress,
      ),
    );
    await tools.db.saveScenes(video.id, r.scenes);
    if (r.sheet) await storeImage(tools, video.id, 'scenes', r.sheet);
    await tools.db.saveFrames(video.id, r.decoded);
    await tools.search.commit(video.id, video.libraryId, 'interval');
  },
};
