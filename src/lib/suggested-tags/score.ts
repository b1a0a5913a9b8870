import { dot, normalize } from '../embeddings/vectors';

/**
 * How a video's suggested tags are chosen from its embedded frames, the way CLIP classifies zero-shot: each frame's
 * cosines to the words, times CLIP's logit scale, softmaxed into probabilities. Two additions make that fit tags:
 *
 * - Background captions ("a photo", "a screenshot" …, lib/embeddings/word-search.ts) join the softmax as "none of
 *   these": a frame no word fits gives its probability to them rather than to the least bad word.
 * - A word's confidence for the video is its mean probability over the frames (scene frames plus one every few
 *   seconds, so roughly the share of the video that shows it). A dog seen for a moment is no tag for the video.
 *
 * The thresholds are chosen, not measured on a real model (none can be had here): a word that wins the frames of a
 * fifth of the video is offered, at most five a video. The user accepts or dismisses each; nothing is applied.
 */

/** CLIP's trained logit scale: its learned temperature ends at the clamp of 100 (ViT-B/32 and later). */
export const clipLogitScale = 100;
/** The lowest confidence offered. */
export const minConfidence = 0.2;
/** Suggestions a video gets at most. */
export const maxSuggestions = 5;

export interface Suggestion {
  /** The vocabulary word, which becomes the tag's name when accepted. */
  word: string;
  /** 0–1: the word's mean zero-shot probability over the video's frames. */
  confidence: number;
}

/** A word's vector from its prompts' (prompt ensembling): their mean, at unit length. */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new RangeError('No vectors to average.');
  const out = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] += v[i];
  return normalize(out);
}

/**
 * One frame's zero-shot probabilities for each word, the background captions taking part in the softmax (their
 * share is left out of the result, so the words' add up to less than 1 when the frame is nothing in particular).
 */
export function frameProbabilities(
  frame: Float32Array,
  words: readonly Float32Array[],
  background: readonly Float32Array[],
  scale = clipLogitScale,
): Float64Array {
  const logits = [...words, ...background].map((v) => scale * dot(frame, v));
  const top = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  return Float64Array.from(exp.slice(0, words.length), (e) => e / sum);
}

/** Each word's confidence for a video: its probability averaged over the video's frames (0 without frames). */
export function videoConfidences(
  frames: readonly Float32Array[],
  words: readonly Float32Array[],
  background: readonly Float32Array[],
  scale = clipLogitScale,
): Float64Array {
  const total = new Float64Array(words.length);
  for (const frame of frames) {
    const p = frameProbabilities(frame, words, background, scale);
    for (let i = 0; i < total.length; i++) total[i] += p[i];
  }
  if (frames.length > 0) for (let i = 0; i < total.length; i++) total[i] /= frames.length;
  return total;
}

/** The words worth offering: confident enough, most confident first, a few at most. */
export function pickSuggestions(
  names: readonly string[],
  confidences: ArrayLike<number>,
  { min = minConfidence, max = maxSuggestions }: { min?: number; max?: number } = {},
): Suggestion[] {
  return names
    .map((word, i) => ({ word, confidence: confidences[i] }))
    .filter((s) => s.confidence >= min)
    .sort((a, b) => b.confidence - a.confidence || a.word.localeCompare(b.word))
    .slice(0, max);
}
