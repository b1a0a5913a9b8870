// The contract between the decode tiers and the indexing stages. Plain data only: it crosses workers.

/** Which decoder handled a file: native WebCodecs (via mediabunny) or ffmpeg.wasm. */
export type Tier = 'webcodecs' | 'ffmpeg';

export interface ProbeResult {
  /** Seconds. */
  duration: number;
  /** Display size: rotation already applied (a portrait phone video reports width < height). */
  width: number;
  height: number;
  fps: number | null;
  /** Short lower-case codec names as ffprobe spells them: h264, hevc, vp9, av1, mpeg4, prores, theora … */
  videoCodec: string | null;
  audioCodec: string | null;
  /** Container short name: mp4, mov, webm, matroska, avi, ogg, mpegts … */
  container: string | null;
  /** Bits per second of the whole file. */
  bitrate: number | null;
  /** Clockwise rotation in degrees the player applies: 0, 90, 180, 270. */
  rotation: number;
  hasAudio: boolean;
  /** From container tags (creation_time), ms since the epoch; null when the file has none. */
  createdAt: number | null;
}

/** One decoded frame, small, as RGBA bytes (the buffer is transferred across workers, never copied). */
export interface RgbaFrame {
  /** Presentation time in seconds of the frame actually decoded (may differ slightly from the asked time). */
  time: number;
  width: number;
  height: number;
  data: Uint8ClampedArray;
  keyframe: boolean;
  /**
   * Set on a frame the text gate held back (its pixels are not sent): the same picture as the frame before, or no
   * text-like strokes (`DecodeCall.textGate`).
   */
  gated?: 'repeat' | 'blank';
  /**
   * When the source knows it: the time (s) this frame stays on screen until (the next frame's time, or the end of
   * what was decoded without error). VFR files (screen recordings) hold one frame for seconds: asked inside such a
   * stretch, the frame before it is the right answer, not a sign that the file ends early.
   */
  shownUntil?: number;
  /**
   * A centre patch of the frame at its own size, not the frame (see `texturePatches` in the media worker): it holds
   * a pattern finer than the index's size, and the search worker codes it by its texture.
   */
  texture?: true;
}

/**
 * One opened video file on one decode tier. The indexing stages are written once over this interface.
 * Implementations: `webcodecs-source.ts` (tier 1) and `ffmpeg-source.ts` (tier 2), both under src/workers/media/.
 */
export interface FrameSource {
  readonly tier: Tier;
  probe(): Promise<ProbeResult>;
  /** Presentation times (s) of key frames up to `until` seconds, ascending, at most `maxCount`; no full decode. */
  keyframeTimes(maxCount: number, until: number): Promise<number[]>;
  /**
   * The frames shown at each of `times` (ascending seconds), scaled to fit a `maxSide` × `maxSide` box with the
   * aspect ratio and rotation of the display, RGBA. One frame per requested time, in order.
   */
  framesAt(times: readonly number[], maxSide: number): AsyncGenerator<RgbaFrame>;
  /** Releases the file and decoder; the source is not used afterwards. */
  close(): Promise<void>;
}

/** This tier cannot handle this file (container or codec): the other tier should try. */
export class UnsupportedMediaError extends Error {
  override name = 'UnsupportedMediaError';
}

/** The file itself is not a playable video (empty, truncated, not a video, no video track): no tier will help. */
export class BadMediaError extends Error {
  override name = 'BadMediaError';
}

/** Which stage a video's frames come from: its key frames (scenes stage) or the dense samples (frames stage). */
export type FramePass = 'keyframes' | 'interval';

/**
 * The receiving end of a frame route (a MessagePort between the media worker and the search or embed worker,
 * spoken with Comlink): each batch is awaited, so a slow receiver holds the decoder back and memory stays
 * bounded. `done` counts the frames handed on so far. A decoder that falls back to ffmpeg.wasm halfway hands
 * the frames on again from the start: receivers keep one frame per time.
 */
export interface FrameSink {
  frames(frames: RgbaFrame[], done: number): Promise<void>;
}
