/**
 * Turns raw nearest-frame matches into answers: where a clip aligns inside each video (offset voting),
 * and, for a single image, which videos match and at which distinct moments.
 */
import { similarityOf, type FrameMatch } from './frame-index';

/** One frame of the query clip and the library frames nearest to it. */
export interface QueryFrameMatches {
  /** Seconds from the start of the query clip. */
  queryTime: number;
  matches: readonly FrameMatch[];
}

export interface AlignOptions {
  /** Width of an offset bin; votes in neighbouring bins are merged, so offsets within ~1.5 bins agree. */
  binSeconds?: number;
  /** A query frame counts as aligned when its match's offset is this close to the chosen one. */
  toleranceSeconds?: number;
  /** Videos with fewer aligned query frames are dropped. */
  minMatches?: number;
}

export interface ClipAlignment {
  videoId: number;
  /** Reference time − query time: the clip's second 0 sits at `offset` in the video. */
  offset: number;
  /** Aligned range in the video (seconds), from the first to the last aligned query frame. */
  start: number;
  end: number;
  /** Query frames with a match at the chosen offset. */
  matchedFrames: number;
  /** Seconds of the clip covered by aligned frames (each frame stands for the time around it). */
  matchedDuration: number;
  /** Aligned frames over all query frames, each weighted by its similarity: 0..1. */
  confidence: number;
}

interface Vote {
  query: number;
  offset: number;
  similarity: number;
}

/**
 * Per video, every (query frame, match) pair votes for offset = reference time − query time. Votes are
 * binned; the best bin (with its two neighbours) is the one whose distinct query frames have the most
 * similarity. Each query frame counts once per video, so a static scene matching many reference frames
 * cannot outvote a real alignment. Frame rates and dropped frames do not matter: only times are compared.
 */
export function alignClip(frames: readonly QueryFrameMatches[], options: AlignOptions = {}): ClipAlignment[] {
  const binSeconds = options.binSeconds ?? 0.5;
  const tolerance = options.toleranceSeconds ?? binSeconds * 1.5;
  const minMatches = options.minMatches ?? 2;
  const spans = coverage(frames.map((f) => f.queryTime));

  const votesByVideo = new Map<number, Vote[]>();
  frames.forEach((frame, query) => {
    for (const match of frame.matches) {
      let votes = votesByVideo.get(match.videoId);
      if (!votes) votesByVideo.set(match.videoId, (votes = []));
      votes.push({ query, offset: match.time - frame.queryTime, similarity: similarityOf(match.distance) });
    }
  });

  const results: ClipAlignment[] = [];
  for (const [videoId, votes] of votesByVideo) {
    const roughOffset = bestBinOffset(votes, binSeconds);
    // Refine: per query frame, its best vote near the rough offset. Reference frames are sampled every
    // second or so, so each vote is off by up to half that interval, roughly uniformly: the midrange of
    // the votes near their median estimates the offset much better than their mean or median.
    let aligned = bestVotePerQuery(votes, roughOffset, binSeconds * 1.5);
    aligned = bestVotePerQuery(votes, weightedMedian(aligned), tolerance);
    const offset = midrange(aligned);
    aligned = bestVotePerQuery(votes, offset, tolerance);
    if (aligned.length < minMatches) continue;
    let first = Infinity;
    let last = -Infinity;
    let duration = 0;
    let weight = 0;
    for (const vote of aligned) {
      const t = frames[vote.query].queryTime;
      first = Math.min(first, t);
      last = Math.max(last, t);
      duration += spans[vote.query];
      weight += vote.similarity;
    }
    results.push({
      videoId,
      offset,
      start: Math.max(0, first + offset),
      end: Math.max(0, last + offset),
      matchedFrames: aligned.length,
      matchedDuration: duration,
      confidence: frames.length === 0 ? 0 : Math.min(1, weight / frames.length),
    });
  }
  return results.sort(
    (a, b) => b.matchedFrames - a.matchedFrames || b.confidence - a.confidence || a.videoId - b.videoId,
  );
}

/** Centre of the bin (plus neighbours) with the highest per-query-frame similarity sum. */
function bestBinOffset(votes: readonly Vote[], binSeconds: number): number {
  const bins = new Map<number, Map<number, number>>(); // bin → query frame → best similarity
  for (const vote of votes) {
    const bin = Math.round(vote.offset / binSeconds);
    let perQuery = bins.get(bin);
    if (!perQuery) bins.set(bin, (perQuery = new Map()));
    perQuery.set(vote.query, Math.max(perQuery.get(vote.query) ?? 0, vote.similarity));
  }
  let bestBin = 0;
  let bestScore = -1;
  for (const bin of bins.keys()) {
    const perQuery = new Map<number, number>();
    for (const neighbour of [bin - 1, bin, bin + 1]) {
      for (const [query, similarity] of bins.get(neighbour) ?? [])
        perQuery.set(query, Math.max(perQuery.get(query) ?? 0, similarity));
    }
    let score = 0;
    for (const similarity of perQuery.values()) score += similarity;
    if (score > bestScore || (score === bestScore && bin < bestBin)) {
      bestScore = score;
      bestBin = bin;
    }
  }
  return bestBin * binSeconds;
}

/** For each query frame, its most similar vote within `tolerance` of `offset` (closest on ties). */
function bestVotePerQuery(votes: readonly Vote[], offset: number, tolerance: number): Vote[] {
  const best = new Map<number, Vote>();
  for (const vote of votes) {
    const gap = Math.abs(vote.offset - offset);
    if (gap > tolerance) continue;
    const kept = best.get(vote.query);
    if (
      !kept ||
      vote.similarity > kept.similarity ||
      (vote.similarity === kept.similarity && gap < Math.abs(kept.offset - offset))
    )
      best.set(vote.query, vote);
  }
  return [...best.values()];
}

function midrange(votes: readonly Vote[]): number {
  let low = Infinity;
  let high = -Infinity;
  for (const vote of votes) {
    low = Math.min(low, vote.offset);
    high = Math.max(high, vote.offset);
  }
  return votes.length > 0 ? (low + high) / 2 : 0;
}

function weightedMedian(votes: readonly Vote[]): number {
  const sorted = [...votes].sort((a, b) => a.offset - b.offset);
  const total = sorted.reduce((sum, v) => sum + v.similarity, 0);
  let seen = 0;
  for (const vote of sorted) {
    seen += vote.similarity;
    if (seen >= total / 2) return vote.offset;
  }
  return sorted.length > 0 ? sorted[sorted.length - 1].offset : 0;
}

/** Seconds each query frame stands for: half the gap to each neighbour, capped at the typical spacing. */
function coverage(times: readonly number[]): number[] {
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const gaps = order.slice(1).map((i, n) => times[i] - times[order[n]]);
  const typical = gaps.length > 0 ? [...gaps].sort((a, b) => a - b)[gaps.length >> 1] : 0;
  const spans = new Array<number>(times.length).fill(0);
  order.forEach((i, n) => {
    const before = n > 0 ? times[i] - times[order[n - 1]] : typical;
    const after = n < order.length - 1 ? times[order[n + 1]] - times[i] : typical;
    spans[i] = Math.min(before, typical) / 2 + Math.min(after, typical) / 2;
  });
  return spans;
}

export interface ImageMatchTime {
  time: number;
  similarity: number;
}

export interface ImageVideoResult {
  videoId: number;
  /** Best similarity in the video (0..1); videos are ranked by it. */
  similarity: number;
  /** Distinct matching moments, best first; `times[0]` is the best match. */
  times: ImageMatchTime[];
}

export interface GroupOptions {
  /** Matches closer than this in one video are one moment. */
  mergeSeconds?: number;
  /** Moments kept per video. */
  maxTimesPerVideo?: number;
}

/** Groups a single image's nearest frames per video, keeping the distinct moments where each video matches. */
export function groupImageResults(matches: readonly FrameMatch[], options: GroupOptions = {}): ImageVideoResult[] {
  const mergeSeconds = options.mergeSeconds ?? 1;
  const maxTimes = options.maxTimesPerVideo ?? 5;
  const byVideo = new Map<number, ImageMatchTime[]>();
  for (const match of matches) {
    let list = byVideo.get(match.videoId);
    if (!list) byVideo.set(match.videoId, (list = []));
    list.push({ time: match.time, similarity: similarityOf(match.distance) });
  }
  const results: ImageVideoResult[] = [];
  for (const [videoId, list] of byVideo) {
    list.sort((a, b) => b.similarity - a.similarity || a.time - b.time);
    const times: ImageMatchTime[] = [];
    for (const candidate of list) {
      if (times.length >= maxTimes) break;
      if (times.every((kept) => Math.abs(kept.time - candidate.time) >= mergeSeconds)) times.push(candidate);
    }
    results.push({ videoId, similarity: times[0].similarity, times });
  }
  return results.sort((a, b) => b.similarity - a.similarity || a.videoId - b.videoId);
}
