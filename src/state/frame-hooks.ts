import type { RgbaFrame } from '../lib/media/types';
import type { Video } from '../lib/types';

/** Which stage a batch of frames comes from: the key frames (scenes stage) or the interval samples (frames stage). */
export type FramePass = 'keyframes' | 'interval';

/**
 * Where sampled frames go once decoded: the search features (fingerprints, embeddings) register here.
 * Frames arrive small and RGBA; their buffers were transferred from the media worker, not copied. A sink may
 * transfer them on to its own worker, which detaches them: such a sink must be the last one, or copy.
 */
export interface FrameSink {
  /** A stage starts handing on one pass of a video's frames; a rerun of the stage replaces that pass. */
  begin(video: Video, pass: FramePass): Promise<void>;
  /** A batch of the pass. A stage that falls back to another decoder may hand on a frame twice. */
  frames(video: Video, frames: RgbaFrame[], pass: FramePass): Promise<void>;
}

export const frameSinks: FrameSink[] = [];

export async function beginPass(video: Video, pass: FramePass): Promise<void> {
  for (const sink of frameSinks) await sink.begin(video, pass);
}

export async function handOn(video: Video, frames: RgbaFrame[], pass: FramePass): Promise<void> {
  for (const sink of frameSinks) await sink.frames(video, frames, pass);
}
