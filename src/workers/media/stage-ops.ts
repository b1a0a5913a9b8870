import { frameStats, isFlat, sceneSignature } from '../../lib/media/frame-stats';
import { posterCandidates, snapToKeyframes, stripTimes } from '../../lib/media/sampling';
import { candidateCuts, detectCuts, scenesFromCuts, sharpestCut, spanTimes, type Scene } from '../../lib/media/scenes';
import { BadMediaError, type FrameSource, type RgbaFrame } from '../../lib/media/types';
import { encodeSheet, type EncodedImage } from './images';
import { texturePatches } from './texture-looks';

/** Long side of posters and scene frames, in pixels. */
export const posterSide = 320;
/** Long side of scrub strip frames. */
export const stripSide = 160;
/** Long side of the frames handed to search (fingerprints, embeddings). */
export const searchFrameSide = 160;

/** Long side of the frames compared while narrowing a scene cut. */
const cutProbeSide = 64;

/**
 * Decoders hand back the last frame they could decode when asked past the data they have: a frame far
 * before the time asked, well inside the video, means the file ends early, unless the source says the frame
 * is still on screen at that time (a VFR still stretch).
 */
export function checkReached(frame: RgbaFrame, wanted: number, duration: number): void {
  const still = frame.shownUntil !== undefined && frame.shownUntil > wanted - 0.5;
  if (wanted < duration - 1 && wanted - frame.time > 1 && !still) {
    throw new BadMediaError(
      `The file seems truncated: nothing after ${frame.time.toFixed(1)} s of its ${duration.toFixed(1)} s can be decoded.`,
    );
  }
}

export interface PosterResult extends EncodedImage {
  time: number;
}

/**
 * A frame near 10 % of the duration that is not black or flat; later candidates when it is. Candidates are
 * asked one at a time (they are not in time order, and the first one usually does).
 */
export async function makePoster(source: FrameSource, duration: number): Promise<PosterResult> {
  let fallback: RgbaFrame | undefined;
  const keyframes = await source.keyframeTimes(100_000, duration);
  for (const time of snapToKeyframes(posterCandidates(duration), keyframes)) {
    for await (const frame of source.framesAt([time], posterSide)) {
      if (!isFlat(frameStats(frame))) return { ...(await encodeSheet([frame])), time: frame.time };
      fallback ??= frame;
    }
  }
  // Every candidate is flat (a video of a black screen): show the first one rather than nothing.
  if (!fallback) throw new Error('No frame could be decoded for the poster.');
  return { ...(await encodeSheet([fallback])), time: fallback.time };
}

export interface StripResult extends EncodedImage {
  times: number[];
}

/** About ten small frames spread over the video, on one sheet, for hover scrubbing. */
export async function makeStrip(source: FrameSource, duration: number, count = 10): Promise<StripResult> {
  const frames: RgbaFrame[] = [];
  const times = snapToKeyframes(stripTimes(duration, count), await source.keyframeTimes(100_000, duration)).sort(
    (a, b) => a - b,
  );
  for await (const frame of source.framesAt(times, stripSide)) {
    checkReached(frame, times[frames.length], duration);
    frames.push(frame);
  }
  if (frames.length === 0) throw new Error('No frame could be decoded for the scrub strip.');
  return { ...(await encodeSheet(frames)), times: frames.map((f) => f.time) };
}

export interface ScenesResult {
  scenes: Scene[];
  /** The scrub strip, taken from the decoded key frames when there are enough of them. */
  strip: StripResult;
  /** Key frame times (s) that were decoded, for the frames table. */
  keyframes: number[];
  /** One poster-quality frame per scene, ten to a row. */
  sheet: EncodedImage | null;
}

/**
 * Pass 1 scenes: decode the key frames only (cheap: no other frame is needed to decode them), find cuts
 * between consecutive ones, and take one poster-quality frame per scene. The same decoded key frames make the
 * scrub strip (they are already strip-sized) and go to search.
 */
export async function findScenes(
  source: FrameSource,
  duration: number,
  opts: { maxKeyframes: number; maxDuration: number },
  onFrames: (frames: RgbaFrame[]) => void | Promise<void>,
  batchSize = 32,
): Promise<ScenesResult> {
  let keyframes = await source.keyframeTimes(opts.maxKeyframes, Math.min(duration, opts.maxDuration));
  if (keyframes.length === 0) keyframes = [0];
  // Strip times snapped to key frames: when every one lands on a key frame, the strip costs no extra decode.
  const stripAt = snapToKeyframes(stripTimes(duration), keyframes).map((t) => keyframes.indexOf(t));
  const fromKeyframes = stripAt.every((i) => i >= 0);
  const stripFrames: RgbaFrame[] = [];
  const samples: { time: number; signature: Float32Array; flat: boolean }[] = [];
  let batch: RgbaFrame[] = [];
  for await (const frame of source.framesAt(keyframes, searchFrameSide)) {
    checkReached(frame, keyframes[samples.length], duration);
    // A copy: the batch's buffers are transferred to search and gone from here afterwards.
    if (fromKeyframes && stripAt.includes(samples.length)) stripFrames.push({ ...frame, data: frame.data.slice() });
    samples.push({ time: frame.time, signature: sceneSignature(frame), flat: isFlat(frameStats(frame)) });
    batch.push({ ...frame, keyframe: true });
    if (batch.length >= batchSize) {
      await onFrames(batch);
      batch = [];
    }
  }
  if (batch.length) await onFrames(batch);
  const cuts = detectCuts(samples);
  const flat = new Set(samples.filter((s) => s.flat).map((s) => s.time));
  const scenes = scenesFromCuts(
    duration,
    cuts,
    samples.map((s) => s.time),
    (t) => !flat.has(t),
  );
  const strip =
    fromKeyframes && stripFrames.length > 0
      ? { ...(await encodeSheet(stripFrames)), times: stripFrames.map((f) => f.time) }
      : await makeStrip(source, duration);
  return { scenes, strip, keyframes: samples.map((s) => s.time), sheet: await sceneSheet(source, scenes) };
}

/** Picks one poster-quality frame per scene and lays them out ten to a row. */
async function sceneSheet(source: FrameSource, scenes: readonly Scene[]): Promise<EncodedImage | null> {
  const reps: RgbaFrame[] = [];
  for await (const frame of source.framesAt(
    scenes.map((s) => s.keyframeTime),
    posterSide,
  ))
    reps.push(frame);
  return reps.length ? encodeSheet(reps, 10) : null;
}

/**
 * Pass 2 scenes: candidate cuts from the dense samples (key frames, cuts, one per second); each candidate's
 * span is decoded once, every frame, small, and the cut kept only where the picture jumps from one frame to
 * the next (motion and fades are not cuts).
 */
export async function refineScenes(
  source: FrameSource,
  duration: number,
  fps: number | null,
  samples: readonly { time: number; signature: Float32Array; flat: boolean }[],
): Promise<{ scenes: Scene[]; sheet: EncodedImage | null }> {
  const rate = fps && fps > 0 ? Math.min(fps, 60) : 25;
  const cuts: number[] = [];
  for (const c of candidateCuts(samples)) {
    const times = spanTimes(c.before, c.after, rate);
    const span: { time: number; signature: Float32Array }[] = [];
    for await (const frame of source.framesAt(times, cutProbeSide)) {
      // Two asked times may land on the same frame (VFR, rounding): compare distinct frames only.
      if (span.length === 0 || frame.time > span[span.length - 1].time) {
        span.push({ time: frame.time, signature: sceneSignature(frame) });
      }
    }
    const cut = sharpestCut(span);
    if (cut !== null && !cuts.includes(cut)) cuts.push(cut);
  }
  const flat = new Set(samples.filter((s) => s.flat).map((s) => s.time));
  const scenes = scenesFromCuts(
    duration,
    cuts.sort((a, b) => a - b),
    samples.map((s) => s.time),
    (t) => !flat.has(t),
  );
  return { scenes, sheet: await sceneSheet(source, scenes) };
}

/**
 * A VFR file (a screen recording) holds one frame for seconds, then moves for a moment: a time grid can ask for
 * the held frame again and again and step over the moving frames between two planned times. When the frame
 * answered for `wanted` was held for over a second and the next frame starts before the next planned time, that
 * next frame's time (just inside it), else null.
 */
export function burstAfter(frame: RgbaFrame, wanted: number, nextPlanned: number): number | null {
  const until = frame.shownUntil;
  if (until === undefined || until - frame.time <= 1 || until <= wanted || until >= nextPlanned) return null;
  return until + 0.001;
}

export interface SampledFrames {
  /** Times actually decoded, with the plan's key frame flags. */
  decoded: { time: number; keyframe: boolean }[];
  scenes: Scene[];
  sheet: EncodedImage | null;
}

/** What pass 2 reads: the planned frames, handed on `batchSize` at a time. */
export interface SamplePlan {
  plan: readonly { time: number; keyframe: boolean }[];
  duration: number;
  fps: number | null;
  batchSize: number;
  /** Look for patterns finer than the frames' size too (`texturePatches`): indexing does, a query clip does not. */
  textures?: boolean;
}

/**
 * Pass 2 in one go on one open source (reopening per batch would restart decoding at every batch edge):
 * the planned frames, handed on in batches, then the scene refinement from their signatures.
 */
export async function sampleFrames(
  source: FrameSource,
  { plan, duration, fps, batchSize, textures }: SamplePlan,
  onFrames: (frames: RgbaFrame[], done: number) => void | Promise<void>,
): Promise<SampledFrames> {
  const times = plan.map((p) => p.time);
  const decoded: { time: number; keyframe: boolean }[] = [];
  const samples: { time: number; signature: Float32Array; flat: boolean }[] = [];
  let batch: RgbaFrame[] = [];
  const take = async (frame: RgbaFrame, keyframe: boolean) => {
    decoded.push({ time: frame.time, keyframe });
    samples.push({ time: frame.time, signature: sceneSignature(frame), flat: isFlat(frameStats(frame)) });
    batch.push(frame);
    if (batch.length >= batchSize) {
      await onFrames(batch, decoded.length);
      batch = [];
    }
  };
  const bursts: number[] = [];
  for await (const frame of source.framesAt(times, searchFrameSide)) {
    const wanted = times[decoded.length];
    checkReached(frame, wanted, duration);
    const next = burstAfter(frame, wanted, times[decoded.length + 1] ?? duration);
    if (next !== null) bursts.push(next);
    await take(frame, plan[decoded.length].keyframe || frame.keyframe);
  }
  // The first frames after VFR stills, unless a planned time already landed on them.
  const extra = [...new Set(bursts)]
    .filter((t) => !decoded.some((d) => Math.abs(d.time - t) < 0.02))
    .sort((a, b) => a - b);
  for await (const frame of source.framesAt(extra, searchFrameSide)) await take(frame, frame.keyframe);
  decoded.sort((a, b) => a.time - b.time);
  samples.sort((a, b) => a.time - b.time);
  if (batch.length) await onFrames(batch, decoded.length);
  // A pattern finer than this size (a one-pixel checkerboard) is grey or a moiré here: looked at again at its own.
  const patches = textures ? await texturePatches(source, samples) : [];
  if (patches.length) await onFrames(patches, decoded.length);
  return { decoded, ...(await refineScenes(source, duration, fps, samples)) };
}
