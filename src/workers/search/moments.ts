import { expose } from 'comlink';
import type { FrameSink, RgbaFrame } from '../../lib/media/types';
import { fingerprintCoefficients, fingerprintOf, hamming } from '../../lib/search/fingerprint';
import {
  candidateMoments,
  coefficientGap,
  pickMoment,
  type MomentCandidate,
  type PickedMoment,
  type SampledMoment,
} from '../../lib/search/moment';

interface ImageQuery {
  fingerprint: Uint32Array;
  /** The DCT coefficients its fingerprint codes. */
  coefficients: Float64Array;
  /** Per video: every window frame decoded so far, as its distance from the query. */
  videos: Map<number, MomentCandidate[]>;
}

/**
 * The search worker's side of moment refinement: a query image's fingerprint is kept under its query id while the
 * page routes the frames around each rough moment here; each frame is fingerprinted as the index's frames are and
 * kept only as its distance from the query (in bits, and as the gap between the coefficients the bits code). `drop` forgets a query; frames that arrive for a query no longer kept
 * (its search was closed or replaced) are ignored, so nothing outlives the search.
 */
export class MomentQueries {
  #queries = new Map<string, ImageQuery>();

  /** Keeps a query image's `fingerprintCoefficients` (its fingerprint follows from them). */
  keep(queryId: string, coefficients: Float64Array): void {
    this.#queries.set(queryId, { fingerprint: fingerprintOf(coefficients), coefficients, videos: new Map() });
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
      list.push({ time: frame.time, distance, gap: coefficientGap(c, query.coefficients) });
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
    return { ...pickMoment(frames, sampled), frames: frames.length };
  }

  drop(queryId: string): void {
    this.#queries.delete(queryId);
  }

  /** Queries kept (the unit tests check that none is left behind). */
  get size(): number {
    return this.#queries.size;
  }
}
