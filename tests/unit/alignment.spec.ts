import { describe, expect, it } from 'vitest';
import { alignClip, groupImageResults, type QueryFrameMatches } from '../../src/lib/search/alignment';
import { FrameIndex, wordsPerFingerprint } from '../../src/lib/search/frame-index';
import { seededRandom } from '../shared/random';

const randomFingerprint = (random: () => number) =>
  Uint32Array.from({ length: wordsPerFingerprint }, () => (random() * 4294967296) >>> 0);

const flipBits = (random: () => number, fingerprint: Uint32Array, bits: number) => {
  const out = fingerprint.slice();
  const flipped = new Set<number>();
  while (flipped.size < bits) flipped.add(Math.floor(random() * 256));
  for (const bit of flipped) out[bit >> 5] ^= 1 << (bit & 31);
  return out;
};

const reference = 1;
const decoy = 2;

/**
 * A library: the reference video (120 s, a frame every second, drifting slowly like real footage, so
 * neighbouring frames also match), a decoy holding near-copies of a few clip frames at scattered times,
 * and 3000 unrelated frames. The query clip is cut from the reference at `offset`, sampled every 0.8 s
 * (another frame rate) with some frames dropped and every frame re-encoded (bits flipped).
 */
function scenario(offset: number, seed: number) {
  const random = seededRandom(seed);
  const index = new FrameIndex();
  const refFrames: Uint32Array[] = [];
  let current = randomFingerprint(random);
  for (let t = 0; t < 120; t++) {
    refFrames.push(current);
    current = flipBits(random, current, 30);
  }
  index.append(
    new Uint32Array(refFrames.flatMap((f) => [...f])),
    reference,
    refFrames.map((_, t) => t),
  );
  for (let v = 10; v < 40; v++) {
    const frames = Array.from({ length: 100 }, () => [...randomFingerprint(random)]).flat();
    index.append(
      new Uint32Array(frames),
      v,
      Array.from({ length: 100 }, (_, t) => t * 2),
    );
  }

  const dropped = new Set([3, 7, 8, 12]);
  const clip: { time: number; fingerprint: Uint32Array }[] = [];
  for (let i = 0; i < 16; i++) {
    if (dropped.has(i)) continue;
    const time = i * 0.8;
    const nearest = refFrames[Math.round(offset + time)];
    clip.push({ time, fingerprint: flipBits(random, nearest, 18) });
  }
  const decoyFrames = clip.filter((_, i) => i % 2 === 0).map((f) => [...flipBits(random, f.fingerprint, 10)]);
  index.append(
    new Uint32Array(decoyFrames.flat()),
    decoy,
    // Far apart and out of order, so no two of them agree on an offset by chance.
    decoyFrames.map((_, j) => 30 + ((j * 5) % 6) * 90 + random() * 10),
  );

  const matches = index.searchMany(
    clip.map((f) => f.fingerprint),
    { k: 6, maxDistance: 80 },
  );
  const frames: QueryFrameMatches[] = clip.map((f, i) => ({ queryTime: f.time, matches: matches[i] }));
  return { frames, clip };
}

describe('clip alignment', () => {
  it('finds the video, the offset well within 0.5 s and the aligned range', () => {
    for (const [offset, seed] of [
      [37.3, 1],
      [0, 2],
      [81.75, 3],
      [5.5, 4],
      [12.45, 5],
      [63.9, 6],
      [99.15, 7],
    ]) {
      const { frames, clip } = scenario(offset, seed);
      const results = alignClip(frames, { minMatches: 1 });
      const [best] = results;
      expect(best.videoId, `offset ${offset}`).toBe(reference);
      // The target is 0.5 s; with reference frames 1 s apart the midrange of votes does much better.
      expect(Math.abs(best.offset - offset), `offset ${offset}`).toBeLessThanOrEqual(0.2);
      expect(best.matchedFrames).toBe(clip.length);
      expect(Math.abs(best.start - offset)).toBeLessThanOrEqual(0.2);
      expect(Math.abs(best.end - (offset + 12))).toBeLessThanOrEqual(0.2);
      expect(best.matchedDuration).toBeGreaterThan(8);
      expect(best.matchedDuration).toBeLessThanOrEqual(12.8);
      expect(best.confidence).toBeGreaterThan(0.8);
      expect(best.confidence).toBeLessThanOrEqual(1);

      // The decoy matches half the clip's frames, but at scattered times: no offset gathers them.
      const decoyResult = results.find((r) => r.videoId === decoy);
      expect(decoyResult).toBeDefined();
      expect(decoyResult!.matchedFrames).toBeLessThanOrEqual(2);
      expect(decoyResult!.confidence).toBeLessThan(best.confidence / 2);
      expect(alignClip(frames).every((r) => r.videoId !== decoy || r.matchedFrames >= 2)).toBe(true);
    }
  });

  it('lets one strong repeated frame count once, so a static shot cannot outvote an alignment', () => {
    // Video 5 is a still image matching every query frame perfectly, at many reference times.
    const frames: QueryFrameMatches[] = Array.from({ length: 10 }, (_, i) => ({
      queryTime: i,
      matches: [
        { videoId: 5, time: 3, distance: 0 },
        { videoId: 5, time: 40, distance: 0 },
        { videoId: 5, time: 80, distance: 0 },
        ...(i < 6 ? [{ videoId: 6, time: 20 + i, distance: 30 }] : []),
      ],
    }));
    const results = alignClip(frames, { minMatches: 1 });
    expect(results.map((r) => r.videoId)).toEqual([6, 5]);
    expect(results[0]).toMatchObject({ offset: 20, start: 20, end: 25, matchedFrames: 6 });
    expect(results[1].matchedFrames).toBe(1); // only one query frame agrees with any one offset
    // By default a video needs two aligned frames to be a clip result.
    expect(alignClip(frames).map((r) => r.videoId)).toEqual([6]);
  });

  it('returns nothing for a clip with no matches', () => {
    expect(alignClip([{ queryTime: 0, matches: [] }])).toEqual([]);
    expect(alignClip([])).toEqual([]);
  });
});

describe('image results', () => {
  it('groups per video, keeps distinct moments and ranks by best similarity', () => {
    const results = groupImageResults([
      { videoId: 1, time: 10.4, distance: 20 },
      { videoId: 1, time: 10.0, distance: 12 },
      { videoId: 2, time: 3.0, distance: 4 },
      { videoId: 1, time: 55.0, distance: 25 },
      { videoId: 1, time: 10.8, distance: 14 },
      { videoId: 3, time: 7.0, distance: 40 },
    ]);
    expect(results.map((r) => r.videoId)).toEqual([2, 1, 3]);
    expect(results[0].similarity).toBeCloseTo(1 - 4 / 256);
    expect(results[1].times.map((t) => t.time)).toEqual([10.0, 55.0]);
    expect(results[1].times[0].similarity).toBeCloseTo(1 - 12 / 256);
  });

  it('caps the moments per video and honours the merge window', () => {
    const matches = Array.from({ length: 10 }, (_, i) => ({ videoId: 1, time: i * 2, distance: i }));
    expect(groupImageResults(matches, { maxTimesPerVideo: 3 })[0].times.map((t) => t.time)).toEqual([0, 2, 4]);
    expect(groupImageResults(matches, { mergeSeconds: 3 })[0].times.map((t) => t.time)).toEqual([0, 4, 8, 12, 16]);
    expect(groupImageResults([])).toEqual([]);
  });
});
