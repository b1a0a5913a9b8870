import type { RgbaFrame } from '../lib/media/types';
import type { Video } from '../lib/types';

/**
 * Where sampled frames go once decoded: the search features (fingerprints, embeddings) register here.
 * Frames arrive small and RGBA; their buffers were transferred from the media worker, not copied, and a
 * hook may transfer them on again.
 */
export type FrameHook = (video: Video, frames: RgbaFrame[], pass: 'keyframes' | 'interval') => Promise<void>;

export const frameHooks: FrameHook[] = [];

export async function handOn(video: Video, frames: RgbaFrame[], pass: 'keyframes' | 'interval'): Promise<void> {
  for (const hook of frameHooks) await hook(video, frames, pass);
}
