// The duplicates' candidate index: every frame within the distance it promises is found, and the duplicates it
// finds (all at once, incrementally, cancelled and resumed) are the exhaustive scan's.
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/lib/errors';
import {
  CandidateIndex,
  coefficientsPerGroup,
  keyGroups,
  promisedDistance,
} from '../../src/lib/search/duplicates/candidates';
import { findDuplicatesExhaustive } from '../../src/lib/search/duplicates/exact';
import { DuplicateFinder } from '../../src/lib/search/duplicates/finder';
import { hamming } from '../../src/lib/search/fingerprint';
import { wordsPerFingerprint } from '../../src/lib/search/frame-index';
import { defaultSearchSettings, maxDistanceOf } from '../../src/lib/search/settings';
import { KeptDuplicates } from '../../src/workers/search/duplicates';
import { seededRandom } from '../shared/random';
import { flipBits, footage, pack, plantedLibrary } from './synthetic-footage';

const options = { maxDistance: maxDistanceOf(defaultSearchSettings), minFrames: 3 };

/** Share of query frames whose noisy copy (`bits` flipped) is among the rows a probe visits. */
function foundShare(stored: Uint32Array[], bits: number, random: () => number, spread = false): number {
  const index = new CandidateIndex();
  index.build(pack(stored), stored.length);
  let found = 0;
  stored.forEach((f, row) => {
    let query: Uint32Array;
    if (spread) {
      // The worst case for pigeonhole: flips spread as evenly as possible over the key groups, one per coefficient.
      query = f.slice();
      for (let i = 0; i < bits; i++) {
        const bit = ((i % keyGroups) * coefficientsPerGroup + Math.floor(i / keyGroups)) * 3;
        query[bit >> 5] ^= 1 << (bit & 31);
      }
    } else query = flipBits(random, f, bits);
    let hit = false;
    index.probe(query, 0, (r) => (hit ||= r === row));
    if (hit) found++;
  });
  return found / stored.length;
}

describe('candidate index', () => {
  it(`finds every frame within ${promisedDistance} bits, spread or not, thermometer codes or arbitrary bits`, () => {
    const random = seededRandom(7);
    const thermometer = footage(random, 3000);
    const arbitrary = Array.from({ length: 3000 }, () =>
      Uint32Array.from({ length: wordsPerFingerprint }, () => (random() * 4294967296) >>> 0),
    );
    for (const stored of [thermometer, arbitrary])
      for (let bits = 0; bits <= promisedDistance; bits++) {
        expect(foundShare(stored, bits, random)).toBe(1);
        expect(foundShare(stored, bits, random, true)).toBe(1);
      }
    // One bit more, spread evenly, escapes it: the promise is exact, not a margin.
    expect(foundShare(thermometer, promisedDistance + 1, random, true)).toBe(0);
  });

  it('finds most frames well beyond its promise, so copies with many frames are found', () => {
    const random = seededRandom(8);
    const stored = footage(random, 4000);
    const shares = [20, 30, 40].map((bits) => foundShare(stored, bits, random));
    console.log(`candidate index: frames found at 20/30/40 bits: ${shares.map((s) => s.toFixed(3)).join(' / ')}`);
    expect(shares[0]).toBeGreaterThan(0.85);
    expect(shares[1]).toBeGreaterThan(0.3);
  });

  it('visits only the rows of frames sharing a group key or one rank step from it', () => {
    const random = seededRandom(9);
    const stored = footage(random, 5000);
    const index = new CandidateIndex();
    index.build(pack(stored), stored.length);
    let visits = 0;
    for (const f of stored.slice(0, 200)) index.probe(f, 0, () => visits++);
    // A linear scan visits 5,000 rows per query; the probe a few dozen here (the shot's own frames mostly).
    expect(visits / 200).toBeLessThan(250);
    expect(hamming(stored[0], 0, stored[0], 0)).toBe(0);
  });
});

describe('duplicates over the candidate index', () => {
  it('finds the exhaustive scan’s groups, planted copies (re-encoded, trimmed, behind a black intro) included', () => {
    const { index, planted } = plantedLibrary(seededRandom(11), 60, 120);
    const exhaustive = findDuplicatesExhaustive(index, options);
    const finder = new DuplicateFinder(index, options);
    expect(finder.step()).toBe(true);
    expect(finder.groups()).toEqual(exhaustive);
    const pairs = new Set(
      exhaustive.map((g) =>
        g.videos
          .map((v) => v.videoId)
          .sort((a, b) => a - b)
          .join('-'),
      ),
    );
    for (const [a, b] of planted) expect(pairs.has(`${a}-${b}`)).toBe(true);
    expect(exhaustive).toHaveLength(planted.length);
  });

  it('compares a video added, re-indexed or removed later with what is there, as a full scan would', () => {
    const random = seededRandom(12);
    const { index } = plantedLibrary(random, 30, 100);
    const finder = new DuplicateFinder(index, options);
    finder.step();
    const before = finder.groups();
    // A new copy of video 3 (which has no copy yet) arrives.
    const copy = index.framesOf(3).fingerprints.map((f) => flipBits(random, f, 12));
    index.append(
      pack(copy),
      500,
      copy.map((_, i) => i * 0.5 + 0.2),
    );
    finder.changed([500]);
    finder.resetProgress();
    finder.step();
    expect(finder.progress.done).toBeLessThan(5); // the new video and its neighbour, not the whole library
    const after = finder.groups();
    expect(after).toEqual(findDuplicatesExhaustive(index, options));
    expect(after).toHaveLength(before.length + 1);
    // It leaves the library again.
    index.remove(500);
    index.compact();
    finder.changed([500]);
    finder.step();
    expect(finder.groups()).toEqual(before);
  });

  it('reports progress, stops on cancel keeping what was compared, and finishes on the next run', async () => {
    const { index } = plantedLibrary(seededRandom(13), 40, 150);
    // One video a slice, so the cancel lands mid-run however fast the machine is (a 30 ms slice did it all at once).
    const kept = new KeptDuplicates(0);
    const seen: number[] = [];
    const run = kept.run(index, defaultSearchSettings, [], (p) => {
      seen.push(p.done);
      if (p.done > 0 && p.done < p.total) kept.cancel();
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    const again: { done: number; total: number }[] = [];
    const groups = await kept.run(index, defaultSearchSettings, [], (p) => again.push(p));
    expect(groups).toEqual(findDuplicatesExhaustive(index, options));
    expect(again.at(-1)!.done).toBe(again.at(-1)!.total);
    // The second run only compared what the first had not.
    expect(again.at(-1)!.total).toBeLessThan(index.videoIds().size);
    expect(seen.length).toBeGreaterThan(0);
    // A third run has nothing left to compare.
    const third: number[] = [];
    expect(await kept.run(index, defaultSearchSettings, [], (p) => third.push(p.total))).toEqual(groups);
    expect(third).toEqual([0]);
  });
});
