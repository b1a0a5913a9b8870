import { expose } from 'comlink';
import type { FrameSink, RgbaFrame } from '../../lib/media/types';
import { fingerprintCoefficients, fingerprintOf, hamming } from '../../lib/search/fingerprint';
import { cropBorders, type Rect } from '../../lib/search/borders';
import {
  candidateMoments,
  pickMoment,
  scoredSlackBits,
  type MomentCandidate,
  type PickedMoment,
  type SampledMoment,
} from '../../lib/search/moment';
import {
  colourPlanes,
  correlation,
  detailSide,
  isCrop,
  lumaPlane,
  nudgePlacement,
  placeQuery,
  type Plane,
  type QueryPicture,
} from '../../lib/search/picture-align';
import { colourDistance, colourLayout } from '../../lib/search/picture-colour';
import { motionScores } from '../../lib/search/picture-motion';
import { registerPlacement } from '../../lib/search/picture-detail';

/** Best-scored window frames whose placement is nudged on each: the frame asked for is among them. */
const nudgedFrames = 6;
/** Window frames scoring within this much of the best look alike all over (see `motionScores`). */
const alikeScore = 0.01;
/** Only this many alike frames or more are a still picture worth telling apart by its motion. */
const minAlike = 5;
/**
 * Alike frames of a near-still shot read again at `detailSide` for a crop, at most (spread over them): every other
 * frame of a 60 fps second. Placing the crop on them takes 0.4–0.6 s in Node on the unit test's talking head (0.3 s
 * for the seven around a moving shot's answer), with the machine busy running CI.
 */
const closerFrames = 16;
/** Frames read closer around the answer for a crop of a moving shot: it and three either side. */
const aroundFrames = 7;
/**
 * Gauss-Newton steps placing the crop on the frame nearest the first answer, then on each frame from there (a
 * frame of a pan needs them all; steps stop once one no longer improves the fit, so a near-still frame takes one or
 * two). With two, a motion photo's crops in Node landed on the asked frame 3 times in 5; with five, 5 in 5.
 */
const steps = 5;

/**
 * A video's refined moment, how many window frames were read, and, when frames were scored, how far the answer's
 * colours are from the screenshot's (`colourDistance`; null when too dark to say). `closer`: a cropped screenshot,
 * whose frame these frames cannot tell from its neighbours for sure: the frames at `times` should be read at `side`
 * px and handed to `pickCloser`.
 */
export type RefinedPick = PickedMoment & {
  frames: number;
  colour?: number | null;
  closer?: { times: number[]; side: number };
};

/** A window frame as refinement keeps it until its video is picked. */
interface WindowFrame {
  time: number;
  /** Bits from the query's fingerprint. */
  distance: number;
  luma: Plane;
  /** The frame inside its own dark bars. */
  content: Rect;
  /** The frame itself, for its colours once it is picked. */
  pixels: RgbaFrame;
}

interface ImageQuery {
  fingerprint: Uint32Array;
  /** The screenshot's picture, for scoring window frames pixel by pixel: made when first needed (see `prepare`). */
  picture: () => QueryPicture;
  /** Per video: every window frame decoded so far. */
  videos: Map<number, WindowFrame[]>;
  /** Per video asked to be read closer: where the crop sat on its frames, and their width. */
  closer: Map<number, { rect: Rect; width: number }>;
}

/**
 * The search worker's side of moment refinement: a query image's fingerprint is kept under its query id while the
 * page routes the frames around each rough moment here; each frame is fingerprinted as the index's frames are and
 * kept as its distance from the query in bits and as its luma, until its video is picked: then the screenshot is
 * placed on the closest frame (picture-align.ts) and every frame scored there. `drop` forgets a query; frames that
 * arrive for a query no longer kept (its search was closed or replaced) are ignored, so nothing outlives the search.
 */
export class MomentQueries {
  #queries = new Map<string, ImageQuery>();

  /**
   * Keeps a query image's `fingerprintCoefficients` as the index matched them (its fingerprint follows from them)
   * and how to make its picture (`queryPicture`, mirrored when the match was). The picture is made once, when first
   * needed or on `prepare`: the results go out before it.
   */
  keep(queryId: string, coefficients: Float64Array, picture: () => QueryPicture): void {
    let made: QueryPicture | null = null;
    let make: (() => QueryPicture) | null = picture;
    const once = (): QueryPicture => {
      if (!made) [made, make] = [make!(), null]; // once made, the screenshot's pixels are let go
      return made;
    };
    this.#queries.set(queryId, {
      fingerprint: fingerprintOf(coefficients),
      picture: once,
      videos: new Map(),
      closer: new Map(),
    });
  }

  /** Makes a kept query's picture now (while the first window is being decoded), if it is still kept. */
  prepare(queryId: string): void {
    this.#queries.get(queryId)?.picture();
  }

  /**
   * The sampled moments of a video (its `frames` as the index keeps them) whose windows refinement reads for a kept
   * query: its `count` frames closest to the query (see candidateMoments); none once the query was dropped.
   */
  candidates(
    queryId: string,
    frames: { times: number[]; fingerprints: Uint32Array[] },
    count: number,
    interval: number,
  ): SampledMoment[] {
    const query = this.#queries.get(queryId);
    if (!query) return [];
    const distances = frames.fingerprints.map((f) => hamming(f, 0, query.fingerprint, 0));
    return candidateMoments(frames.times, distances, count, interval);
  }

  has(queryId: string): boolean {
    return this.#queries.has(queryId);
  }

  /** A frame route for one video's window: what arrives on `port` is compared with the query. */
  receive(queryId: string, videoId: number, port: MessagePort): void {
    const sink: FrameSink = { frames: async (frames) => this.add(queryId, videoId, frames) };
    expose(sink, port);
  }

  add(queryId: string, videoId: number, frames: readonly RgbaFrame[]): void {
    const query = this.#queries.get(queryId);
    if (!query) return;
    let list = query.videos.get(videoId);
    if (!list) query.videos.set(videoId, (list = []));
    for (const frame of frames) {
      const c = fingerprintCoefficients(frame);
      // A flat frame (a fade to black) cannot be compared; the query itself was not flat.
      if (!c) continue;
      const distance = hamming(fingerprintOf(c), 0, query.fingerprint, 0);
      list.push({ time: frame.time, distance, luma: lumaPlane(frame), content: cropBorders(frame), pixels: frame });
    }
  }

  /**
   * The refined moment of one video, from the window frames received for it, never worse than the sampled moment
   * (`sampled.distance` is its distance in the index). The video's frames are forgotten; the query stays for the
   * next video. Null when the query is no longer kept.
   */
  pick(queryId: string, videoId: number, sampled: MomentCandidate): RefinedPick | null {
    const query = this.#queries.get(queryId);
    if (!query) return null;
    const frames = query.videos.get(videoId) ?? [];
    query.videos.delete(videoId);
    query.closer.delete(videoId);
    const eligible = frames.filter((f) => f.distance <= sampled.distance + scoredSlackBits);
    if (eligible.length === 0) return { ...pickMoment([], sampled), frames: frames.length };
    // Placed once on the closest frame in bits, then each of the best-scored frames gets its own placement nudged
    // from there: a cropped screenshot fits its own frame exactly, while a neighbour that moved fits only as well as
    // one shift can make up for the motion. Placed once for all, the frame it was placed on would be favoured.
    const reference = eligible.reduce((a, b) => (b.distance < a.distance ? b : a));
    const picture = query.picture();
    const { rect } = placeQuery(picture, reference.luma, reference.content);
    const scored = eligible.map((f) => ({ frame: f, score: correlation(picture.fine, f.luma, rect) }));
    const best = [...scored].sort((a, b) => b.score - a.score).slice(0, nudgedFrames);
    let placed = { rect, score: -Infinity };
    const rects = new Map<WindowFrame, Rect>();
    for (const s of best) {
      const p = nudgePlacement(picture.fine, s.frame.luma, s.frame.content, rect);
      s.score = p.score;
      rects.set(s.frame, p.rect);
      if (p.score > placed.score) placed = p;
    }
    // Frames that score alike all over differ only where something small moves: those are told apart by it.
    const top = Math.max(...scored.map((s) => s.score));
    const alike = scored.filter((s) => s.score >= top - alikeScore);
    const cropped = isCrop(placed.rect, picture, reference.content);
    let closerTimes: number[] = [];
    if (alike.length >= minAlike) {
      const planes = alike.map((s) => [s.frame.luma, ...colourPlanes(s.frame.pixels)]);
      const motion = motionScores(picture.motion, planes, placed.rect);
      alike.forEach((s, i) => (s.score = top + motion[i] * alikeScore));
      // A crop's placement on one frame makes up for a drift of the whole picture as well as for what moved: motion
      // cannot tell such frames apart here; read closer, each frame gets its own placement (`pickCloser`).
      if (cropped)
        closerTimes = spread(
          alike.map((s) => s.frame.time).sort((a, b) => a - b),
          closerFrames,
        );
    }
    const candidates = scored.map((s) => ({ time: s.frame.time, distance: s.frame.distance, score: s.score }));
    const picked = pickMoment(candidates, sampled);
    if (cropped && closerTimes.length === 0) {
      // A crop of a moving shot: placed once at 160 px, it can fit a neighbour of its frame best (a motion photo's
      // crops in Node: 3 of 5 on the asked frame); read closer, the frames around the answer each get their own.
      const off = (f: WindowFrame) => Math.abs(f.time - picked.time);
      const around = [...eligible].sort((a, b) => off(a) - off(b)).slice(0, aroundFrames);
      closerTimes = around.map((f) => f.time).sort((a, b) => a - b);
    }
    let closer: RefinedPick['closer'];
    if (closerTimes.length > 1) {
      closer = { times: closerTimes, side: detailSide };
      query.closer.set(videoId, { rect: placed.rect, width: reference.luma.width });
    }
    // The answer's colours where the screenshot lies on it, against the screenshot's: a video whose frames are alike
    // in luma but not in colour is told apart by it (see colourDistance).
    const shown = eligible.reduce((a, b) => (Math.abs(b.time - picked.time) < Math.abs(a.time - picked.time) ? b : a));
    const layout = colourLayout(shown.pixels, rects.get(shown) ?? placed.rect);
    return { ...picked, colour: colourDistance(picture.colour, layout), frames: frames.length, closer };
  }

  /**
   * The moment of a cropped screenshot in one video, from its frames read closer (after
   * `pick` asked for them): the crop is placed on each frame on its own, starting from where it sat at the window's
   * size, and the frame it fits best is the answer. Null when the query is gone or nothing was read.
   */
  pickCloser(queryId: string, videoId: number, sampled: MomentCandidate): RefinedPick | null {
    const query = this.#queries.get(queryId);
    const frames = query?.videos.get(videoId) ?? [];
    const start = query?.closer.get(videoId);
    query?.videos.delete(videoId);
    query?.closer.delete(videoId);
    if (!query || !start || frames.length === 0) return null;
    const picture = query.picture();
    const nearest = frames.reduce((a, b) =>
      Math.abs(b.time - sampled.time) < Math.abs(a.time - sampled.time) ? b : a,
    );
    const k = nearest.luma.width / start.width;
    const { x, y, width, height } = start.rect;
    const from = { x: x * k, y: y * k, width: width * k, height: height * k };
    const { rect: placed } = registerPlacement(picture.detail, nearest.luma, from, steps);
    let best: { frame: WindowFrame; rect: Rect; score: number } | null = null;
    for (const frame of frames) {
      const fit = registerPlacement(picture.detail, frame.luma, placed, steps);
      if (!best || fit.score > best.score) best = { frame, ...fit };
    }
    const { frame, rect, score } = best!;
    const moved = Math.abs(frame.time - sampled.time) > 1e-3;
    const colour = colourDistance(picture.colour, colourLayout(frame.pixels, rect));
    return {
      time: frame.time,
      distance: Math.min(frame.distance, sampled.distance),
      moved,
      score,
      colour,
      frames: frames.length,
    };
  }

  drop(queryId: string): void {
    this.#queries.delete(queryId);
  }

  /** Queries kept (the unit tests check that none is left behind). */
  get size(): number {
    return this.#queries.size;
  }
}

/** At most `count` of `times`, spread evenly over them. */
function spread(times: number[], count: number): number[] {
  const step = Math.max(1, times.length / count);
  return Array.from({ length: Math.min(count, times.length) }, (_, i) => times[Math.floor(i * step)]);
}
