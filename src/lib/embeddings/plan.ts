/** Which frames of a video get an embedding: every scene's representative frame, plus one every N seconds. */
import { settingsRegistry } from '../settings';

/** Seconds between embedded frames besides the scenes' own (the "Embedding interval" setting). */
const intervalField = settingsRegistry.embeddings.interval;
export const defaultEmbeddingInterval = intervalField.default;
/** A video never gets more embeddings than this (a 10-hour recording at 5 s would be 7,200). */
export const maxEmbeddedFrames = 2000;

export interface EmbedFrame {
  time: number;
  /** A scene's representative frame (else an interval sample). */
  scene: boolean;
}

const round3 = (t: number) => Math.round(t * 1000) / 1000;

/**
 * The frames to embed, ascending. Interval samples sit in the middle of each interval (not on its edge, where
 * cuts and fades tend to be) and give way to a scene frame closer than half an interval: a scene frame already
 * says what that stretch shows. Only the first `maxDuration` seconds count; past `maxFrames`, interval samples
 * are thinned evenly and scene frames kept.
 */
export function embeddingPlan(
  duration: number,
  sceneFrames: readonly number[],
  interval = defaultEmbeddingInterval,
  maxDuration = Infinity,
  maxFrames = maxEmbeddedFrames,
): EmbedFrame[] {
  const end = Math.max(0, Math.min(duration, maxDuration));
  const step = Math.max(intervalField.min, interval);
  const scenes = [...new Set(sceneFrames.filter((t) => t >= 0 && t <= end).map(round3))].sort((a, b) => a - b);
  let samples: number[] = [];
  for (let t = step / 2; t < end; t += step) {
    const time = round3(t);
    if (!scenes.some((s) => Math.abs(s - time) < step / 2)) samples.push(time);
  }
  if (scenes.length === 0 && samples.length === 0) samples = [round3(Math.min(end, 0.5 * end))];
  const room = Math.max(0, maxFrames - scenes.length);
  if (samples.length > room)
    samples = Array.from({ length: room }, (_, i) => samples[Math.floor((i * samples.length) / room)]);
  return [
    ...scenes.slice(0, maxFrames).map((time) => ({ time, scene: true })),
    ...samples.map((time) => ({ time, scene: false })),
  ].sort((a, b) => a.time - b.time);
}

/** CLIP looks at a 224 × 224 centre crop of the frame scaled so its SHORT side is 224. */
export const clipInputSide = 224;

/**
 * The long side to decode a frame at (decoders fit frames in a square box) so that its short side reaches
 * `clipInputSide`: 224 for a square video, 398 for 16:9. Capped for panoramas, where the crop drops most anyway.
 */
export function embedDecodeSide(width: number | null, height: number | null, cap = 512): number {
  if (!width || !height) return 398;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  return Math.min(cap, Math.ceil((clipInputSide * long) / short));
}
