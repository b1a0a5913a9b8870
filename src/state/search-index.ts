import { transfer } from 'comlink';
import type { RgbaFrame } from '../lib/media/types';
import type { Video } from '../lib/types';
import { searchWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { frameSinks, type FramePass, type FrameSink } from './frame-hooks';

/** The passes a video's fingerprints are made of, as the scenes and frames stages hand them on. */
export const indexedPasses: FramePass[] = ['keyframes', 'interval'];

const buffers = (frames: RgbaFrame[]) => frames.map((f) => f.data.buffer as ArrayBuffer);

/** Sampled frames go to the search worker, which fingerprints them (the frames are transferred, not copied). */
const fingerprintSink: FrameSink = {
  begin: (video, pass) => searchWorker.api.begin(video.id, pass),
  frames: (video, frames, pass) => searchWorker.api.addFrames(video.id, pass, transfer(frames, buffers(frames))),
};

export function startSearchIndex(): void {
  if (!frameSinks.includes(fingerprintSink)) frameSinks.push(fingerprintSink);
}

/** Stores a video's fingerprints; false when some of its frames were handed on before a reload. */
export const commitFingerprints = (video: Video, passes: string[] = indexedPasses) =>
  searchWorker.api.commit(video.id, video.libraryId, passes);

/** Drops what belongs to videos no longer in the catalog, and rewrites segment files that are mostly dead. */
export async function compactSearchIndex(): Promise<void> {
  await searchWorker.api.compact(await catalog.db.listVideoIds());
}

export const dropLibraryFromSearch = (libraryId: number) => searchWorker.api.dropLibrary(libraryId);
