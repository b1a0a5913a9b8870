/** A character read by CTC decoding, with the time steps it spans (for its position along the line). */
export interface ReadChar {
  char: string;
  /** First and last time step of the character (inclusive). */
  from: number;
  to: number;
  confidence: number;
}

/**
 * Greedy CTC decoding: the likeliest class at each of `steps` time steps (`classes` scores each, row after row),
 * repeats merged, blanks (class 0) dropped. `alphabet[i - 1]` is class i, as in PaddleOCR's dictionaries.
 */
export function ctcDecode(
  scores: Float32Array,
  steps: number,
  classes: number,
  alphabet: readonly string[],
): ReadChar[] {
  const out: ReadChar[] = [];
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestScore = -Infinity;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const s = scores[row + c];
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best !== 0 && best === previous) {
      const last = out[out.length - 1];
      last.to = t;
      last.confidence = Math.max(last.confidence, bestScore);
    } else if (best !== 0) {
      out.push({ char: alphabet[best - 1] ?? '', from: t, to: t, confidence: bestScore });
    }
    previous = best;
  }
  return out.filter((c) => c.char !== '');
}

/** The words of a decoded line and where each runs, in time steps (spaces split words). */
export function ctcWords(chars: readonly ReadChar[]): { text: string; from: number; to: number }[] {
  const words: { text: string; from: number; to: number }[] = [];
  let current: { text: string; from: number; to: number } | null = null;
  for (const c of chars) {
    if (/\s/.test(c.char)) {
      current = null;
      continue;
    }
    if (!current) {
      current = { text: '', from: c.from, to: c.to };
      words.push(current);
    }
    current.text += c.char;
    current.to = c.to;
  }
  return words;
}
