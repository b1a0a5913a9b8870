/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { BadMediaError, type FrameSource, type RgbaFrame, type Tier } from '../lib/media/types';
import { openFfmpegSource } from './media/ffmpeg-source';
import { encodeSheet } from './media/images';
import { checkReached, findScenes, makePoster, posterSide, sampleFrames } from './media/stage-ops';
import { openWebCodecsSource } from './media/webcodecs-source';

/**
 * Opens `file` on the fastest tier that can read it: WebCodecs first (native decoders), ffmpeg.wasm when
 * the container or codec is beyond it. `prefer` skips straight to the tier that worked before.
 */
async function open(file: File, prefer?: Tier): Promise<FrameSource> {
  if (file.size === 0) throw new BadMediaError('The file is empty (0 bytes).');
  if (prefer !== 'ffmpeg') {
    try {
      return await openWebCodecsSource(file);
    } catch (err) {
      if ((err as Error).name !== 'UnsupportedMediaError') throw err;
    }
  }
  return openFfmpegSource(file);
}

/**
 * Runs `op` on the best tier, and once more on ffmpeg.wasm when the native tier fails on this file for a
 * reason other than a bad file (a decoder error halfway, a stream it misreads).
 */
async function withSource<T>(
  file: File,
  prefer: Tier | undefined,
  op: (s: FrameSource) => Promise<T>,
): Promise<T & { tier: Tier }> {
  const first = await open(file, prefer);
  try {
    return { ...(await op(first)), tier: first.tier };
  } catch (err) {
    if (first.tier !== 'webcodecs' || (err as Error).name === 'BadMediaError') throw err;
    console.warn(`Native decoding failed on ${file.name}, trying ffmpeg.wasm:`, err);
  } finally {
    await first.close().catch(() => undefined);
  }
  const second = await openFfmpegSource(file);
  try {
    return { ...(await op(second)), tier: second.tier };
  } finally {
    await second.close().catch(() => undefined);
  }
}

const buffers = (frames: RgbaFrame[]) => frames.map((f) => f.data.buffer as ArrayBuffer);

const api = {
  async probe(file: File, prefer?: Tier) {
    return withSource(file, prefer, async (s) => ({ probe: await s.probe() }));
  },

  async poster(file: File, duration: number, prefer?: Tier) {
    const r = await withSource(file, prefer, (s) => makePoster(s, duration));
    return transfer(r, [r.bytes.buffer as ArrayBuffer]);
  },

  /** The frame shown at `time`, as a small image (search results show it beside the query). */
  async frameImage(file: File, time: number, prefer?: Tier) {
    const r = await withSource(file, prefer, async (s) => {
      for await (const frame of s.framesAt([time], posterSide))
        return { ...(await encodeSheet([frame])), time: frame.time };
      throw new BadMediaError('No frame could be decoded at this time.');
    });
    return transfer(r, [r.bytes.buffer as ArrayBuffer]);
  },

  /** Scenes and the scrub strip from key frames; the decoded key frames go to `onFrames` in batches (transferred). */
  async scenes(
    file: File,
    duration: number,
    opts: { maxKeyframes: number; maxDuration: number; batchSize: number },
    onFrames: (frames: RgbaFrame[]) => Promise<void>,
    prefer?: Tier,
  ) {
    const r = await withSource(file, prefer, (s) =>
      findScenes(s, duration, opts, (frames) => onFrames(transfer(frames, buffers(frames))), opts.batchSize),
    );
    const images = [r.strip.bytes, ...(r.sheet ? [r.sheet.bytes] : [])];
    return transfer(
      r,
      images.map((b) => b.buffer as ArrayBuffer),
    );
  },

  /**
   * Pass 2 on one open source: the planned frames go to `onFrames` in batches (buffers transferred), then the
   * scene cuts are narrowed to the frame. If native decoding fails halfway the whole pass runs again on
   * ffmpeg.wasm, so hooks may see a frame twice and must not mind.
   */
  async sampleFrames(
    file: File,
    plan: { time: number; keyframe: boolean }[],
    duration: number,
    fps: number | null,
    batchSize: number,
    onFrames: (frames: RgbaFrame[], done: number) => Promise<void>,
    prefer?: Tier,
  ) {
    const r = await withSource(file, prefer, (s) =>
      sampleFrames(s, plan, duration, fps, batchSize, (frames, done) =>
        onFrames(transfer(frames, buffers(frames)), done),
      ),
    );
    return r.sheet ? transfer(r, [r.sheet.bytes.buffer as ArrayBuffer]) : r;
  },

  /**
   * The frames at `times` (ascending), scaled to fit `maxSide`, to `onFrames` in batches (buffers transferred);
   * `done` counts the frames so far, so a rerun on ffmpeg.wasm after a native failure hands them on again in order.
   * Word search embeds these: CLIP wants a bigger frame than the fingerprints, and no scene refinement.
   */
  async decodeFrames(
    file: File,
    times: number[],
    duration: number,
    maxSide: number,
    batchSize: number,
    onFrames: (frames: RgbaFrame[], done: number) => Promise<void>,
    prefer?: Tier,
  ) {
    return withSource(file, prefer, async (s) => {
      let batch: RgbaFrame[] = [];
      let done = 0;
      for await (const frame of s.framesAt(times, maxSide)) {
        checkReached(frame, times[done], duration);
        batch.push(frame);
        done++;
        if (batch.length >= batchSize) {
          await onFrames(transfer(batch, buffers(batch)), done);
          batch = [];
        }
      }
      if (batch.length) await onFrames(transfer(batch, buffers(batch)), done);
      return { decoded: done };
    });
  },
};

export type MediaApi = typeof api;
expose(api);
