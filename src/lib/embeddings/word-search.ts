import { calibrate, chanceMaxZ, type ScoreStats } from './vectors';

/**
 * When do words match a frame? Raw CLIP cosines are small and their level depends on the model and the wording,
 * and the z-score of the best row (`calibrate`) cannot tell a match in a small library: with a dozen frames no
 * row can stand more than about three deviations above the rest, match or not. Measured on the tiny test model
 * (tests/unit/embed-word-search.spec.ts): exact colour matches score z 2.1–2.6, non-matches 1.2–2.0, and the bar
 * for 13 rows is 3.2. So each model is measured once, when it loads, on two things every CLIP knows:
 *
 * - a floor: plain colour words against frames of that colour (a match) and of the other colours (a miss); the
 *   floor sits between the two, nearer the match. A query's best frame must reach it (or the z bar, which a large
 *   library can reach on its own).
 * - generic captions ("a photo", "a screenshot" …) as the null hypothesis on each frame, as in CLIP's zero-shot
 *   classification: words that describe a frame worse than "a photo" does say nothing particular about it.
 */

/** Captions that describe any frame a little and none in particular. */
export const genericCaptions = [
  'a photo',
  'a picture',
  'an image',
  'a photo of something',
  'a blurry photo',
  'a screenshot',
  'a video frame',
  'a photo of the scene',
  'something',
  'the view',
];

/** Colours every CLIP names, as RGB; the probe frames are these with a little grain. */
export const probeColours: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 200, 60],
  blue: [30, 60, 220],
  yellow: [235, 215, 40],
};

/** A flat colour with seeded grain (a perfectly flat frame is not what a camera gives). */
export function probeFrame([r, g, b]: readonly number[], width = 64, height = 48, seed = 7) {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i += 4) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const grain = ((s >>> 16) % 21) - 10;
    data[i] = r + grain;
    data[i + 1] = g + grain;
    data[i + 2] = b + grain;
    data[i + 3] = 255;
  }
  return { data, width, height };
}

/** Where between a miss (0) and a match (1) the floor sits. */
const floorPosition = 0.75;

/**
 * The model's floor from the probe: `scores[i][j]` is colour word i against a frame of colour j. The match level
 * is the mean diagonal, the miss level the mean of each word's best wrong colour.
 */
export function modelFloor(scores: readonly (readonly number[])[]): number {
  const n = scores.length;
  if (n < 2) return Infinity;
  let match = 0;
  let miss = 0;
  for (let i = 0; i < n; i++) {
    match += scores[i][i];
    miss += Math.max(...scores[i].filter((_, j) => j !== i));
  }
  match /= n;
  miss /= n;
  return match > miss ? miss + floorPosition * (match - miss) : Infinity;
}

/** How many deviations above chance the z route asks for. */
const zMargin = 1.5;

export interface TextVerdict {
  /** The lowest score a frame may have and still be shown as a match. */
  cut: number;
  good: boolean;
  z: number;
}

/**
 * Whether the best frame is a match, and the score every frame shown must reach: the model floor, or the score
 * the z route needs when the library is big enough for the best row to clear chance by itself.
 */
export function judgeText(best: number, stats: ScoreStats, floor: number): TextVerdict {
  const { z, good } = calibrate(best, stats, { margin: zMargin, minScore: floor });
  const zCut = stats.std > 0 ? stats.mean + (chanceMaxZ(stats.count) + zMargin) * stats.std : Infinity;
  return { cut: Math.min(floor, zCut), good, z };
}

export interface FrameHit {
  videoId: number;
  time: number;
  score: number;
}

export interface SceneSpan {
  index: number;
  start: number;
  end: number;
}

export interface SceneHit extends FrameHit {
  /** The catalog scene the frame is in, or -1 when the video has no scenes yet. */
  scene: number;
}

export interface VideoSceneHits {
  videoId: number;
  best: number;
  scenes: SceneHit[];
}

/**
 * Frame hits (best first) grouped per video, one hit per scene (its best frame), at most `perVideo` scenes a
 * video and `maxVideos` videos, best video first. `exclude` drops one scene (the one "more like this" started from).
 */
export function groupByScene(
  hits: readonly FrameHit[],
  scenesOf: (videoId: number) => readonly SceneSpan[],
  {
    perVideo = 3,
    maxVideos = 20,
    exclude,
  }: { perVideo?: number; maxVideos?: number; exclude?: { videoId: number; scene: number } } = {},
): VideoSceneHits[] {
  const videos = new Map<number, VideoSceneHits>();
  for (const hit of hits) {
    const spans = scenesOf(hit.videoId);
    const span = spans.find((s) => hit.time >= s.start && hit.time < s.end) ?? spans[spans.length - 1];
    const scene = span ? span.index : -1;
    if (exclude && exclude.videoId === hit.videoId && exclude.scene === scene) continue;
    let video = videos.get(hit.videoId);
    if (!video) {
      if (videos.size >= maxVideos) continue;
      video = { videoId: hit.videoId, best: hit.score, scenes: [] };
      videos.set(hit.videoId, video);
    }
    if (video.scenes.length >= perVideo || video.scenes.some((s) => s.scene === scene && scene >= 0)) continue;
    video.scenes.push({ ...hit, scene });
  }
  return [...videos.values()].sort((a, b) => b.best - a.best);
}
