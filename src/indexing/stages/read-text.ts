import { proxy, transfer } from 'comlink';
import { readingPlan } from '../../lib/screen-text/spans';
import type { Stage } from '../stage';
import { needDuration, openVideo, tierOf } from '../stage-helpers';

/** Seconds between frames read besides the scenes' own: text shown for a couple of seconds is not missed. */
export const readEvery = 2;
/**
 * A planned time within this of a key frame is read at the key frame: only key frames are decoded then (a phone's
 * come every second or two), where a time between them costs every picture from the key frame before.
 */
const keyframesWithin = readEvery / 2;
/** Frames read per video at most (a long video is read more thinly). */
const maxFrames = 1800;
/**
 * Frames are read at this size: PaddleOCR's own default (`limit_side_len` 960). Text 16 px tall in a 720p video is
 * then about 12 px, still readable.
 */
const readSide = 960;

/**
 * Text on screen, only when the user asks for it (the library's "Read text on screen" switch): each scene's frame
 * and one every few seconds are decoded in the media worker, whose text gate holds back the pixels of frames without
 * text-like strokes and of frames that repeat the one before. The rest go straight to the screen-text worker, which
 * reads them and stores the video's text as spans (the same text over consecutive frames once, with how long it
 * stays), all at once: a cancelled or failed run leaves the previous text, never half of it.
 */
export const readTextStage: Stage = {
  name: 'read-text',
  label: 'Text on screen',
  priority: 3,
  needs: ['scenes'],
  onRequest: true,
  async run(job, { signal, progress, tools }) {
    const { video, file } = await openVideo(job, tools);
    const duration = needDuration(video);
    const scenes = await tools.db.listScenes(video.id);
    const plan = readingPlan(
      duration,
      scenes.map((s) => s.keyframeTime),
      readEvery,
      maxFrames,
    );
    // The library's minimum text size, in pixels of the video's height, as a share of the frame (read scaled).
    const library = (await tools.db.listLibraries()).find((l) => l.id === video.libraryId);
    const minTextShare = (library?.minTextPx ?? 0) / Math.max(1, video.height ?? 720);
    // Read in the library's language (the built-in one unless one added from a folder was chosen).
    const token = await tools.screenText.begin(video.id, { minTextShare, language: library?.textLanguage ?? null });
    try {
      const sink = await tools.routes.toScreenText(token);
      const onProgress = proxy((done: number) => progress((done / Math.max(1, plan.length)) * 95));
      // Reading dominates: allow a few seconds per frame on a slow machine, on top of decoding.
      const timeout = Math.max(120_000, plan.length * 5000 + duration * 100);
      await tools.media.run(signal, timeout, 'Reading text on screen', (m) =>
        m.decodeFrames(
          transfer(
            {
              file,
              times: plan,
              duration,
              maxSide: readSide,
              keyframesWithin,
              batchSize: 2,
              textGate: true,
              prefer: tierOf(video),
              sink,
            },
            [sink],
          ),
          onProgress,
        ),
      );
      await tools.screenText.commit(video.libraryId, token, readEvery);
    } catch (err) {
      await tools.screenText.cancel(token);
      throw err;
    }
  },
};
