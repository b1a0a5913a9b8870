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
import { correlation, lumaPlane, placeQuery, type Plane, type QueryPicture } from '../../lib/search/picture-align';

/** A window frame as refinement keeps it until its video is picked. */
interface WindowFrame {
  time: number;
  /** Bits from the query's fingerprint. */
  distance: number;
  luma: Plane;
  /** The frame inside its own dark bars. */
  content: Rect;
}

interface ImageQuery {
  fingerprint: Uint32Array;
  /** The screenshot's picture, for scoring window frames pixel by pixel. */
  picture: QueryPicture;
  /** Per video: every window frame decoded so far. */
  videos: Map<number, WindowFrame[]>;
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
   * and its picture (`queryPicture`, mirrored when the match was).
   */
  keep(queryId: string, coefficients: Float64Array, picture: QueryPicture): void {
    this.#queries.set(queryId, { fingerprint: fingerprintOf(coefficients), picture, videos: new Map() });
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
      list.push({ time: frame.time, distance, luma: lumaPlane(frame), content: cropBorders(frame) });
    }
  }

  /**
   * The refined moment of one video, from the window frames received for it, never worse than the sampled moment
   * (`sampled.distance` is its distance in the index). The video's frames are forgotten; the query stays for the
   * next video. Null when the query is no longer kept.
   */
  pick(queryId: string, videoId: number, sampled: MomentCandidate): (PickedMoment & { frames: number }) | null {
    const query = this.#queries.get(queryId);
    if (!query) return null;
    const frames = query.videos.get(videoId) ?? [];
    query.videos.delete(videoId);
    const eligible = frames.filter((f) => f.distance <= sampled.distance + scoredSlackBits);
    if (eligible.length === 0) return { ...pickMoment([], sampled), frames: frames.length };
    // Placed on the closest frame in bits, then once more on the best-scored frame when that is another: a cropped
    // screenshot placed on a neighbour a little off fits that neighbour a little better than it should.
    const frameAt = (time: number) =>
      eligible.reduce((a, b) => (Math.abs(b.time - time) < Math.abs(a.time - time) ? b : a));
    let reference = eligible.reduce((a, b) => (b.distance < a.distance ? b : a));
    let picked: PickedMoment = { time: sampled.time, distance: sampled.distance, moved: false };
    for (let round = 0; round < 2; round++) {
      const { rect } = placeQuery(query.picture, reference.luma, reference.content);
      const scored = eligible.map((f) => ({
        time: f.time,
        distance: f.distance,
        score: correlation(query.picture.fine, f.luma, rect),
      }));
      picked = pickMoment(scored, sampled);
      const next = frameAt(picked.time);
      if (next === reference) break;
      reference = next;
    }
    return { ...picked, frames: frames.length };
  }

  drop(queryId: string): void {
    this.#queries.delete(queryId);
  }

  /** Queries kept (the unit tests check that none is left behind). */
  get size(): number {
    return this.#queries.size;
  }
}
