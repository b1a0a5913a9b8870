// What the catalog keeps about a clip the video tools saved: which video it came from, and from where in it.
import type { ClipRange } from './range';

export interface ClipOrigin {
  /** The video the clip was cut from; null once that video has left the catalog. */
  parentId: number | null;
  /** The parent's name when it was cut, so the details still say where the clip came from after it has gone. */
  parentName: string;
  /** The part of the parent the clip holds (the copy's range: from the key frame it starts on). */
  range: ClipRange;
  createdAt: number;
}

/** A new file the tools wrote into a library folder, to catalogue at once. */
export interface SavedClip {
  libraryId: number;
  /** Path relative to the library root, e.g. "Clips/beach 0-12-41 to 0-12-55.mp4". */
  path: string;
  size: number;
  modifiedAt: number;
  parentId: number;
  parentName: string;
  range: ClipRange;
}
