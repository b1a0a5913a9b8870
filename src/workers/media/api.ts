import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { BadMediaError, type FrameSink, type FrameSource, type RgbaFrame, type Tier } from '../../lib/media/types';
import { snapNear } from '../../lib/media/sampling';
import { TextGate } from '../../lib/screen-text/gate';
import { encodeSheet } from './images';
import { checkReached, findScenes, makePoster, posterSide, sampleFrames, type SamplePlan } from './stage-ops';

/** How the media worker reaches the decode tiers (the real ones in media.worker.ts; generated frames in tests). */
export interface Tiers {
  /** The fastest tier that can read `file`, or the one that read it before (`prefer`). */
  open(file: File, prefer?: Tier): Promise<FrameSource>;
  /** The tier of last resort (ffmpeg.wasm), for a native decoder that fails halfway. */
  fallback(file: File): Promise<FrameSource>;
}

/** Every call names the file and, when known, the tier that read it before. */
export interface MediaCall {
  file: File;
  prefer?: Tier;
}

/** Where decoded frames go: straight to another worker through a port, not back through the page. */
export interface FrameOutput {
  /** A port whose other end a search or embed worker exposes a `FrameSink` on. */
  sink?: MessagePort;
  /** Frames handed on together. */
  batchSize: number;
}

export type ScenesCall = MediaCall & FrameOutput & { duration: number; maxKeyframes: number; maxDuration: number };
/** Frames decoded so far, after each batch: numbers only (the page shows progress), as a Comlink proxy. */
export type OnProgress = (done: number) => void;
export type SampleCall = MediaCall & FrameOutput & SamplePlan;
export type DecodeCall = MediaCall &
  FrameOutput & {
    times: number[];
    duration: number;
    maxSide: number;
    /** Times within this many seconds of a key frame are read at the key frame (cheap to decode). */
    keyframesWithin?: number;
    /**
     * Frames that repeat the one before or show no text-like strokes go on without their pixels (`gated`), together
     * with the next frame worth reading, so the decoder does not wait on text being read (read-text).
     */
    textGate?: boolean;
  };

const buffers = (frames: RgbaFrame[]) => frames.map((f) => f.data.buffer as ArrayBuffer);

/** The sending end of a frame route; a route that was not given swallows the frames. */
function frameRoute(port: MessagePort | undefined): {
  send(frames: RgbaFrame[], done: number): Promise<void>;
  close(): void;
} {
  if (!port) return { send: async () => {}, close: () => {} };
  const sink: Remote<FrameSink> = wrap<FrameSink>(port);
  return {
    send: (frames, done) => sink.frames(transfer(frames, buffers(frames)), done),
    close: () => {
      sink[releaseProxy]();
      port.close();
    },
  };
}

/** A small copy of a frame, kept when its buffer is transferred away (a clip query's preview). */
const copyOf = (f: RgbaFrame): RgbaFrame => ({ ...f, data: f.data.slice() });

/** The media worker's API over some decode tiers: see media.worker.ts. */
export function mediaApi(tiers: Tiers) {
  /**
   * Runs `op` on the best tier, and once more on the fallback tier when the native tier fails on this file for a
   * reason other than a bad file (a decoder error halfway, a stream it misreads).
   */
  async function withSource<T>(call: MediaCall, op: (s: FrameSource) => Promise<T>): Promise<T & { tier: Tier }> {
    if (call.file.size === 0) throw new BadMediaError('The file is empty (0 bytes).');
    const first = await tiers.open(call.file, call.prefer);
    try {
      return { ...(await op(first)), tier: first.tier };
    } catch (err) {
      if (first.tier !== 'webcodecs' || (err as Error).name === 'BadMediaError') throw err;
      console.warn(`Native decoding failed on ${call.file.name}, trying ffmpeg.wasm:`, err);
    } finally {
      await first.close().catch(() => undefined); // closing a failed source has nothing left to report
    }
    const second = await tiers.fallback(call.file);
    try {
      return { ...(await op(second)), tier: second.tier };
    } finally {
      await second.close().catch(() => undefined); // as above
    }
  }

  /** Runs a frame-producing op with its route open, and closes the route whatever happens. */
  async function routed<T>(port: MessagePort | undefined, op: (route: ReturnType<typeof frameRoute>) => Promise<T>) {
    const route = frameRoute(port);
    try {
      return await op(route);
    } finally {
      route.close();
    }
  }

  return {
    async probe(call: MediaCall) {
      return withSource(call, async (s) => ({ probe: await s.probe() }));
    },

    async poster(call: MediaCall & { duration: number }) {
      const r = await withSource(call, (s) => makePoster(s, call.duration));
      return transfer(r, [r.bytes.buffer as ArrayBuffer]);
    },

    /** The frame shown at `time`, as a small image (search results show it beside the query). */
    async frameImage(call: MediaCall & { time: number }) {
      const r = await withSource(call, async (s) => {
        for await (const frame of s.framesAt([call.time], posterSide))
          return { ...(await encodeSheet([frame])), time: frame.time };
        throw new BadMediaError('No frame could be decoded at this time.');
      });
      return transfer(r, [r.bytes.buffer as ArrayBuffer]);
    },

    /** Scenes and the scrub strip from key frames; the decoded key frames go down the `sink` route. */
    async scenes(call: ScenesCall) {
      const r = await routed(call.sink, (route) =>
        withSource(call, (s) => {
          let done = 0;
          const send = (frames: RgbaFrame[]) => route.send(frames, (done += frames.length));
          return findScenes(s, call.duration, call, send, call.batchSize);
        }),
      );
      const images = [r.strip.bytes, ...(r.sheet ? [r.sheet.bytes] : [])];
      return transfer(
        r,
        images.map((b) => b.buffer as ArrayBuffer),
      );
    },

    /**
     * Pass 2 on one open source: the planned frames go down the `sink` route in batches, then the scene cuts are
     * narrowed to the frame. `first` is a copy of the first decoded frame (a clip query shows it).
     */
    async sampleFrames(call: SampleCall, onProgress?: OnProgress) {
      let first: RgbaFrame | null = null;
      const r = await routed(call.sink, (route) =>
        withSource(call, (s) =>
          sampleFrames(s, call, async (frames, done) => {
            if (!first && frames.length && !frames[0].texture) first = copyOf(frames[0]);
            await route.send(frames, done);
            onProgress?.(done);
          }),
        ),
      );
      const moved = [...(r.sheet ? [r.sheet.bytes.buffer] : []), ...(first ? [(first as RgbaFrame).data.buffer] : [])];
      return transfer({ ...r, first: first as RgbaFrame | null }, moved as ArrayBuffer[]);
    },

    /**
     * The frames at `times` (ascending), scaled to fit `maxSide`, down the `sink` route in batches. Word search
     * embeds these: CLIP wants a bigger frame than the fingerprints, and no scene refinement.
     */
    async decodeFrames(call: DecodeCall, onProgress?: OnProgress) {
      return routed(call.sink, (route) =>
        withSource(call, async (s) => {
          let batch: RgbaFrame[] = [];
          let done = 0;
          const times = call.keyframesWithin
            ? snapNear(call.times, await s.keyframeTimes(100_000, call.duration), call.keyframesWithin)
            : call.times;
          const gate = call.textGate ? new TextGate() : null;
          let full = 0; // frames in the batch with their pixels
          for await (const frame of s.framesAt(times, call.maxSide)) {
            checkReached(frame, times[done], call.duration);
            const passed = gate ? gate.pass(frame) : frame;
            batch.push(passed);
            if (!passed.gated) full++;
            done++;
            if (full >= call.batchSize) {
              await route.send(batch, done);
              batch = [];
              full = 0;
            }
            if (done % call.batchSize === 0) onProgress?.(done);
          }
          if (batch.length) {
            await route.send(batch, done);
            onProgress?.(done);
          }
          return { decoded: done };
        }),
      );
    },
  };
}

export type MediaApi = ReturnType<typeof mediaApi>;
