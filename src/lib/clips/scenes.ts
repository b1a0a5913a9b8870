// "Split by scenes" (issue 14), planned from the scenes the pipeline stored: one clip per scene, a scene shorter
// than the minimum joined to the one before it (or, at the start, to the one after), so no clip is a flash.
import type { ClipRange } from './range';

/**
 * The ranges a split by scenes makes, from scene boundaries (each scene's start and end, in order). Scenes shorter
 * than `minLength` seconds merge into a neighbour; a video with no scenes is one range. A stream copy then moves
 * each start back to its key frame (planCopy), which scene cuts usually are: the encoder puts one there.
 */
export function sceneRanges(scenes: readonly ClipRange[], duration: number, minLength = 1): ClipRange[] {
  const sorted = [...scenes].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  if (sorted.length === 0) return duration > 0 ? [{ start: 0, end: duration }] : [];
  const out: ClipRange[] = [];
  for (const scene of sorted) {
    const last = out[out.length - 1];
    if (last && (scene.end - scene.start < minLength || last.end - last.start < minLength))
      last.end = Math.max(last.end, scene.end);
    else out.push({ start: scene.start, end: scene.end });
  }
  // The last range may still be short when it was the only scene long enough to stand alone before it: fold it in.
  if (out.length > 1 && out[out.length - 1].end - out[out.length - 1].start < minLength) {
    const short = out.pop()!;
    out[out.length - 1].end = short.end;
  }
  return out;
}
