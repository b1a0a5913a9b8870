// Copies among search results (issue 11): a video kept in several encodes (the same clip muxed into MP4 and
// Matroska, a re-upload) matches a query as well as the original does, at the same moment. Which of them ranks
// first is then a coin toss; the results should say that the others hold the same picture, not leave the user
// wondering why several different files answer.

/** One result as the copy rule sees it: how well it matched, and where. */
export interface RankedMoment {
  /** 0..1: an image hit's similarity, a clip hit's confidence. */
  score: number;
  /** Seconds: the matched moment, or where the clip starts. */
  time: number;
}

/** Scores this close are the same match: a re-encode moves a fingerprint by a bit or two. */
const sameScore = 0.02;
/** Moments this close are the same moment (refinement of two copies can land a frame or two apart). */
const sameTime = 0.5;

/**
 * For each result, the index of an earlier result it is a copy of (the same picture at the same moment, as well
 * matched), or null. A copy of a copy points at the first of them.
 */
export function copiesOf(results: readonly RankedMoment[]): (number | null)[] {
  return results.map((r, i) => {
    for (let j = 0; j < i; j++) {
      const earlier = results[j];
      if (Math.abs(earlier.score - r.score) <= sameScore && Math.abs(earlier.time - r.time) <= sameTime) return j;
    }
    return null;
  });
}

/**
 * How many of a search's results (their scores, best first) to look at closely: the first `first`, and beyond them
 * the copies as well matched as the first (the same clip in several containers), up to `most`, so that each of them
 * shows its own moment.
 */
export function refinedAmong(scores: readonly number[], first: number, most: number): number {
  const last = Math.min(most, scores.length);
  let n = Math.min(first, scores.length);
  while (n < last && scores[0] - scores[n] <= sameScore) n++;
  return n;
}
