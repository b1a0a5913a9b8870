import type { FrameSource, RgbaFrame } from '../../lib/media/types';
import { textureFingerprint, texturePatch } from '../../lib/search/texture';

/** Samples that came out flat at the index's size also looked at first (at most). */
const flatProbes = 3;
/** Samples looked at, at most, once a first look found a fine regular pattern. */
const maxLooks = 16;
/** Frames are read at most this size for a look (a 4K picture's finest detail survives halving, if anything). */
const maxSide = 4096;

/** `count` of `times`, spread evenly (all when there are fewer). */
function spread(times: readonly number[], count: number): number[] {
  const step = Math.max(1, times.length / count);
  return [...new Set(Array.from({ length: Math.min(count, times.length) }, (_, i) => times[Math.floor(i * step)]))];
}

/** Centre patches of the frames at `times` (ascending) at their own size that hold a fine regular pattern. */
async function look(source: FrameSource, times: readonly number[], side: number): Promise<RgbaFrame[]> {
  const patches: RgbaFrame[] = [];
  for await (const frame of source.framesAt(times, side)) {
    const patch = texturePatch(frame);
    if (patch && textureFingerprint(patch))
      patches.push({ ...patch, time: frame.time, keyframe: frame.keyframe, texture: true });
  }
  return patches;
}

/**
 * Centre patches at their own size of samples that hold a fine regular pattern (a one-pixel checkerboard, lines, a
 * weave), marked `texture` for the search worker, which codes them by their spectrum (lib/search/texture.ts): at
 * the index's size such a pattern is flat grey or a moiré that no screenshot reproduces. A few samples are looked
 * at first (the middle one, up to three that came out flat); only when one holds such a pattern are up
 * to `maxLooks` read over the whole video.
 */
export async function texturePatches(
  source: FrameSource,
  samples: readonly { time: number; flat: boolean }[],
): Promise<RgbaFrame[]> {
  if (samples.length === 0) return [];
  const all = samples.map((s) => s.time);
  // Every video's middle sample is read again at its own size: a seek and a full-size frame (bench:index's pass 2
  // took 9.47 s before any look and 9.6-10.4 s with one or two, within the spread between runs).
  const first = [
    all[Math.floor(all.length / 2)],
    ...spread(
      samples.filter((s) => s.flat).map((s) => s.time),
      flatProbes,
    ),
  ];
  const firstTimes = [...new Set(first)].sort((a, b) => a - b);
  const probe = await source.probe();
  const side = Math.min(maxSide, Math.max(probe.width, probe.height));
  const found = await look(source, firstTimes, side);
  if (found.length === 0) return [];
  const more = spread(all, maxLooks).filter((t) => !firstTimes.includes(t));
  const rest = await look(source, more, side);
  return [...found, ...rest].sort((a, b) => a.time - b.time);
}
