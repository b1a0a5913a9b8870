import { transfer } from 'comlink';
import type { Stage } from '../stage';
import { needDuration, openVideo, samplingSettings, storeImage, tierOf, timeoutFor } from '../stage-helpers';

/**
 * Pass 1: the key frames are decoded once (cheap: no other frame is needed to decode them) for the scenes, the
 * scrub strip and search. They go from the media worker straight to the search worker, which fingerprints them
 * and stores them when the stage ends: the video is searchable by image from here on, before pass 2.
 */
export const scenesStage: Stage = {
  name: 'scenes',
  label: 'Scenes',
  priority: 70,
  needs: ['probe'],
  async run(job, { signal, tools }) {
    const { video, file } = await openVideo(job, tools);
    const duration = needDuration(video);
    const s = await samplingSettings(tools);
    await tools.search.begin(video.id, 'keyframes');
    const sink = await tools.routes.toSearch(video.id, 'keyframes');
    const r = await tools.media.run(signal, timeoutFor(duration, 200), 'Finding scenes', (m) =>
      m.scenes(
        transfer(
          {
            file,
            duration,
            prefer: tierOf(video),
            maxKeyframes: s.maxKeyframes,
            maxDuration: s.maxDuration,
            batchSize: s.frameBatchSize,
            sink,
          },
          [sink],
        ),
      ),
    );
    await tools.db.saveScenes(video.id, r.scenes);
    await tools.db.saveFrames(
      video.id,
      r.keyframes.map((time) => ({ time, keyframe: true })),
    );
    await storeImage(tools, video.id, 'strip', r.strip);
    if (r.sheet) await storeImage(tools, video.id, 'scenes', r.sheet);
    await tools.search.commit(video.id, video.libraryId, 'keyframes');
  },
};
