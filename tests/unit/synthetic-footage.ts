// Synthetic fingerprinted footage for the duplicates tests: valid thermometer fingerprints (each of the 85
// coefficients ranked 0..3, a quarter of them in each rank, as fingerprint.ts codes a frame), drifting from sample to
// sample like a shot, with a new shot every few seconds; copies of a video re-encoded (bits flipped), trimmed or
// opened with a black intro (black frames have no fingerprint, so the copy's frames just start later).
import { FrameIndex, wordsPerFingerprint } from '../../src/lib/search/frame-index';

const coefficients = 85;

function encode(ranks: Uint8Array): Uint32Array {
  const out = new Uint32Array(wordsPerFingerprint);
  for (let c = 0; c < coefficients; c++)
    for (let j = 0; j < ranks[c]; j++) {
      const b = c * 3 + j;
      out[b >> 5] |= 1 << (b & 31);
    }
  return out;
}

function shot(random: () => number): Uint8Array {
  const ranks = Uint8Array.from({ length: coefficients }, (_, i) => Math.min(3, Math.floor((i * 4) / coefficients)));
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
  }
  return ranks;
}

/** One video's frames, a sample every half second: `drift` rank swaps between samples, a new shot every ~10 s. */
export function footage(random: () => number, frames: number, drift = 5): Uint32Array[] {
  const out: Uint32Array[] = [];
  let ranks = shot(random);
  for (let i = 0; i < frames; i++) {
    if (random() < 0.05) ranks = shot(random);
    else
      for (let s = 0; s < drift; s++) {
        const a = Math.floor(random() * coefficients);
        const b = Math.floor(random() * coefficients);
        [ranks[a], ranks[b]] = [ranks[b], ranks[a]];
      }
    out.push(encode(ranks));
  }
  return out;
}

export function flipBits(random: () => number, f: Uint32Array, bits: number): Uint32Array {
  const out = f.slice();
  const flipped = new Set<number>();
  while (flipped.size < bits) flipped.add(Math.floor(random() * 255));
  for (const bit of flipped) out[bit >> 5] ^= 1 << (bit & 31);
  return out;
}

export const pack = (list: readonly Uint32Array[]) => {
  const out = new Uint32Array(list.length * wordsPerFingerprint);
  list.forEach((f, i) => out.set(f, i * wordsPerFingerprint));
  return out;
};

export interface PlantedLibrary {
  index: FrameIndex;
  /** Video id pairs (smaller first) that share footage on purpose. */
  planted: [number, number][];
}

/**
 * `videos` originals of `frames` samples (every `cardEvery`-th opening on one shared title card); every
 * `copyEvery`-th one gets a copy: re-encoded (noise bits per frame
 * drawn from `noise`), then alternately whole, trimmed to its middle, or behind a black intro.
 */
export function plantedLibrary(
  random: () => number,
  videos: number,
  frames: number,
  { copyEvery = 4, noise = [6, 30] as [number, number], cardEvery = 0 } = {},
): PlantedLibrary {
  const card = footage(random, 1)[0];
  const index = new FrameIndex();
  const planted: [number, number][] = [];
  let nextId = 1;
  const times = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i * 0.5);
  for (let v = 0; v < videos; v++) {
    const id = nextId++;
    const original = footage(random, frames);
    // Some videos open on one shared title card, and share nothing else.
    if (cardEvery > 0 && v % cardEvery === 0) original[0] = card;
    index.append(pack(original), id, times(frames, 0));
    if (v % copyEvery !== 0) continue;
    const kind = (v / copyEvery) % 3;
    const from = kind === 1 ? Math.floor(frames / 4) : 0;
    const to = kind === 1 ? Math.floor((frames * 3) / 4) : frames;
    const copy = original
      .slice(from, to)
      .map((f) => flipBits(random, f, noise[0] + Math.floor(random() * (noise[1] - noise[0] + 1))));
    const phase = random() * 0.5;
    const start = kind === 2 ? 4 + phase : phase; // a black intro of 4 s leaves no frames
    const copyId = nextId++;
    index.append(pack(copy), copyId, times(copy.length, start));
    planted.push([id, copyId]);
  }
  return { index, planted };
}
