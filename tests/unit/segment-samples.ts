import { FrameIndex, wordsPerFingerprint } from '../../src/lib/search/frame-index';

/**
 * The values inside tests/fixtures/segments/, which were written by the encoders of c79ced5 (before the two stores
 * became one): the same values encoded today must give the same bytes, and those files must read back as them.
 */

/** A fingerprint made of the video id and frame number only, so the fixture's bytes are easy to rebuild. */
export const sampleFingerprint = (videoId: number, frame: number) =>
  Uint32Array.from(
    { length: wordsPerFingerprint },
    (_, w) => Math.imul(videoId * 1000 + frame * 8 + w + 1, 2654435761) >>> 0,
  );

/** A video's FrameIndex segment, one sample fingerprint per time. */
export function sampleSegment(videoId: number, times: number[]): ArrayBuffer {
  const packed = new Uint32Array(times.length * wordsPerFingerprint);
  times.forEach((_, i) => packed.set(sampleFingerprint(videoId, i), i * wordsPerFingerprint));
  const index = new FrameIndex();
  index.append(packed, videoId, times);
  return index.serialize();
}

export const sampleDim = 8;

/** A video's embeddings as one model made them (int8 codes and scales from the row and column only). */
export function sampleEmbeddings(videoId: number, modelId: string, times: number[]) {
  const rows = times.length;
  return {
    videoId,
    modelId,
    dim: sampleDim,
    times: Float32Array.from(times),
    flags: Uint8Array.from(times, (_, i) => (i === 0 ? 1 : 0)),
    codes: Int8Array.from({ length: rows * sampleDim }, (_, i) => ((i * 37 + videoId) % 255) - 127),
    scales: Float32Array.from(times, (_, i) => 0.01 * (i + 1) + videoId / 1000),
  };
}

/** What tests/fixtures/segments/frames-1-0 holds: video 10 twice (the second wins), 11, then 12 cut short. */
export const framesFile = [
  { videoId: 10, times: [0, 1.5] },
  { videoId: 11, times: [3] },
  { videoId: 10, times: [9] },
  { videoId: 12, times: [4, 5], cutBy: 7 },
];

/** What tests/fixtures/segments/embeds-1-0 holds: video 1 twice (the second, by m2, wins), 2, then 3 cut short. */
export const embedsFile = [
  { videoId: 1, modelId: 'tiny-clip:q8:0123456789abcdef', times: [0.5, 2.5, 7.5] },
  { videoId: 2, modelId: 'other:q8:fedcba9876543210', times: [1] },
  { videoId: 1, modelId: 'm2', times: [4] },
  { videoId: 3, modelId: 'm2', times: [2, 3], cutBy: 5 },
];
