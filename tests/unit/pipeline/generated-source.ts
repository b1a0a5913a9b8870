// A decode tier over generated pictures, for the stage tests: the real stage code (src/workers/media/api.ts,
// stage-ops.ts) runs on it exactly as on WebCodecs or ffmpeg.wasm. Each shot has its own pattern; inside a shot a
// bar moves with time, so frames differ and none is flat. The first `blackUntil` seconds are black (an intro).
import type { FrameSource, ProbeResult, RgbaFrame } from '../../../src/lib/media/types';

export interface GeneratedVideo {
  duration: number;
  fps: number;
  width: number;
  height: number;
  /** Start times (s) of shots after the first: the cuts. */
  cuts: number[];
  /** Seconds between key frames. */
  gop: number;
  blackUntil?: number;
}

export const defaultVideo: GeneratedVideo = {
  duration: 12,
  fps: 25,
  width: 320,
  height: 180,
  cuts: [4.2, 8.6],
  gop: 2,
};

/** The time of the frame shown at `t`: frames sit on multiples of 1/fps. */
export const frameTimeAt = (v: GeneratedVideo, t: number) =>
  Math.min(Math.floor(t * v.fps + 1e-6), Math.ceil(v.duration * v.fps) - 1) / v.fps;

export const shotAt = (v: GeneratedVideo, t: number) => v.cuts.filter((c) => c <= t + 1e-9).length;

export function drawFrame(v: GeneratedVideo, time: number, maxSide: number): RgbaFrame {
  const scale = Math.min(1, maxSide / Math.max(v.width, v.height));
  const width = Math.max(1, Math.round(v.width * scale));
  const height = Math.max(1, Math.round(v.height * scale));
  const data = new Uint8ClampedArray(width * height * 4);
  const shot = shotAt(v, time);
  const black = time < (v.blackUntil ?? 0);
  const bar = Math.floor((time / v.duration) * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      if (!black) {
        const cell = (Math.floor((x * 8) / width) + Math.floor((y * 6) / height) * (shot + 2)) % 5;
        const base = [
          [220, 40, 40],
          [40, 200, 60],
          [40, 60, 220],
        ][shot % 3];
        const on = Math.abs(x - bar) < width / 16;
        data[p] = on ? 255 - base[0] : (base[0] * (cell + 1)) / 5;
        data[p + 1] = on ? 255 - base[1] : (base[1] * ((cell + shot) % 5)) / 5 + 20;
        data[p + 2] = on ? 255 - base[2] : (base[2] * (5 - cell)) / 5;
      }
      data[p + 3] = 255;
    }
  return { time, width, height, data, keyframe: Math.abs(time / v.gop - Math.round(time / v.gop)) < 1e-6 };
}

export function generatedSource(v: GeneratedVideo = defaultVideo): FrameSource & { decoded: number[] } {
  const decoded: number[] = [];
  return {
    tier: 'webcodecs',
    decoded,
    async probe(): Promise<ProbeResult> {
      return {
        duration: v.duration,
        width: v.width,
        height: v.height,
        fps: v.fps,
        videoCodec: 'h264',
        audioCodec: null,
        container: 'mp4',
        bitrate: 1_000_000,
        rotation: 0,
        hasAudio: false,
        createdAt: Date.UTC(2024, 5, 1),
      };
    },
    async keyframeTimes(maxCount, until) {
      const out: number[] = [];
      for (let t = 0; t <= Math.min(until, v.duration - 1e-9) && out.length < maxCount; t += v.gop) out.push(t);
      return out;
    },
    async *framesAt(times, maxSide) {
      for (const t of times) {
        const time = frameTimeAt(v, t);
        decoded.push(time);
        yield drawFrame(v, time, maxSide);
      }
    },
    async close() {},
  };
}
