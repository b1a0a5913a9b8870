// Decode tier 2: ffmpeg.wasm (single-thread core 0.12.10, FFmpeg 5.1) for what WebCodecs cannot do. Runs inside the
// media worker; FFmpeg starts its own nested worker, which holds the wasm instance.
import { FFFSType } from '@ffmpeg/ffmpeg';
import { checkin, checkout, LEAK_BUDGET, type Engine } from './ffmpeg-engine';
import {
  fitSize,
  frameRunArgs,
  frameSpanArgs,
  keyPacketArgs,
  matchFrames,
  planFrameRuns,
  probeArgs,
  sourceTime,
  spreadTimes,
  thinTimes,
} from '../../lib/media/ffmpeg-args';
import type { FrameRun } from '../../lib/media/ffmpeg-args';
import {
  findDamage,
  findDecoderProblem,
  lastErrorLine,
  parseKeyPackets,
  parseProbeJson,
  parseShowinfo,
} from '../../lib/media/ffprobe-parse';
import type { ProbeDetails } from '../../lib/media/ffprobe-parse';
import { BadMediaError, UnsupportedMediaError } from '../../lib/media/types';
import type { FrameSource, ProbeResult, RgbaFrame } from '../../lib/media/types';

/** Default time limit of one ffmpeg command; decodes get more on top, in proportion to their length. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Codecs this core has no working decoder for (FFmpeg 5.1's native AV1 decoder needs hardware). */
const UNDECODABLE = new Set(['av1']);

// Measured in headless Chromium (2 cores) on this core: a run (start, open, read the header, seek, first decode)
// costs 30-200 ms; H.264 decodes at 6-10 ms per frame-megapixel (720p: 5-9 ms a frame), HEVC 3× and VP9 2× slower,
// MPEG-4 Part 2, Theora and MPEG-2 twice as fast. The first run on a fresh instance pays ~200 ms of wasm compilation.
const RUN_COST_MS = 100;
const MS_PER_MEGAPIXEL = 8;
/** Reading one packet costs about this much even when the decoder skips it (key-frame-only runs). */
const DEMUX_MS_PER_PACKET = 0.3;
/** Raw RGBA kept per run inside the wasm heap (capped at 2 GiB overall). */
const MAX_RUN_BYTES = 64 * 1024 * 1024;
/** Listing every key packet costs ~0.45 ms per packet in wasm: beyond this many, sample by seeking instead. */
const FULL_KEY_SCAN_PACKETS = 6000;

let sourceSeq = 0;

/** Decoding cost relative to H.264 in ffmpeg.wasm (built without assembly: HEVC suffers most). */
const CODEC_COST: Record<string, number> = { hevc: 3, vp9: 2, mpeg4: 0.5, theora: 0.5, mpeg2video: 0.5 };

/**
 * Our times count from the container's start_time when it is positive (MPEG-TS starts at 1.4 s, broadcast captures at
 * hours), so they run from 0 to the duration as the rest of the app expects. A negative start_time comes from audio
 * priming; then the container's own times are kept, which is what a <video> element shows.
 */
const timeZero = (startTime: number) => Math.max(0, startTime);
const round6 = (t: number) => Number(t.toFixed(6));

type Size = { width: number; height: number };

interface RunOutput {
  log: string[];
  data: Uint8Array | string | null;
}

class FfmpegSource implements FrameSource {
  readonly tier = 'ffmpeg' as const;
  readonly #file: File;
  readonly #dir: string;
  readonly #input: string;
  readonly #timeoutMs: number;
  #engine: Engine | undefined;
  #attaching: Promise<Engine> | undefined;
  #details: Promise<ProbeDetails> | undefined;
  #probed: ProbeDetails | undefined;
  #keys: { until: number; times: number[]; complete: boolean } | undefined;
  #outputs = 0;
  #closed = false;

  constructor(file: File, timeoutMs: number) {
    this.#file = file;
    this.#timeoutMs = timeoutMs;
    this.#dir = `/ff-${++sourceSeq}`;
    // The File is mounted under a fixed ASCII name: user file names may hold anything. The extension stays
    // because a few demuxers (raw streams, some MPEG-TS) are chosen by it.
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
    this.#input = `${this.#dir}/input${ext}`;
  }

  /** Mounts the File (WORKERFS reads it lazily, in slices) on a live instance; again after the instance died. */
  attach(): Promise<Engine> {
    if (this.#closed) return Promise.reject(new Error(`“${this.#file.name}” is already closed.`));
    const engine = this.#engine;
    if (engine && !engine.dead && engine.leaked < LEAK_BUDGET) return Promise.resolve(engine);
    this.#attaching ??= this.#mount().finally(() => (this.#attaching = undefined));
    return this.#attaching;
  }

  async #mount(): Promise<Engine> {
    // The old instance died or leaked too much: a fresh one gets the mount (the old one goes with its last user).
    if (this.#engine) {
      if (this.#engine.leaked >= LEAK_BUDGET) this.#engine.retired = true;
      checkin(this.#engine);
    }
    this.#engine = undefined;
    const engine = await checkout();
    try {
      await engine.exclusive(async () => {
        await engine.ffmpeg.createDir(this.#dir);
        await engine.ffmpeg.mount(
          FFFSType.WORKERFS,
          { blobs: [{ name: this.#input.slice(this.#dir.length + 1), data: this.#file }] },
          this.#dir,
        );
      });
    } catch (err) {
      checkin(engine);
      throw err;
    }
    this.#engine = engine;
    return engine;
  }

  /** One command, its log and its output file (read, then deleted). A crashed instance is replaced and tried once more. */
  async #run(
    kind: 'exec' | 'ffprobe',
    build: (output: string) => string[],
    ext: string,
    timeoutMs: number,
    what: string,
  ): Promise<RunOutput> {
    const output = `${this.#dir}-out-${++this.#outputs}.${ext}`;
    const args = build(output);
    for (let attempt = 0; ; attempt++) {
      const engine = await this.attach();
      try {
        return await engine.exclusive(async () => {
          engine.leaked += this.#leakPerRun();
          const log = await engine.run(kind, args, timeoutMs, `${what} “${this.#file.name}”`);
          let data: Uint8Array | string | null = null;
          try {
            data = await engine.ffmpeg.readFile(output, ext === 'rgba' ? 'binary' : 'utf8');
            await engine.ffmpeg.deleteFile(output);
          } catch {
            // No output file: the command failed before writing one; the log says why.
          }
          return { log, data };
        });
      } catch (err) {
        const crashed = engine.dead && !(err instanceof Error && err.name === 'TimeoutError');
        if (!crashed || attempt > 0) throw err;
      }
    }
  }

  /** What one run on this file leaks (~100 bytes per packet of the index ffmpeg builds, plus ~2 MB). */
  #leakPerRun(): number {
    if (!this.#probed) return 4 << 20;
    const { duration, fps, hasAudio } = this.#probed.result;
    return (2 << 20) + duration * ((fps ?? 30) + (hasAudio ? 50 : 0)) * 100;
  }

  #probeDetails(): Promise<ProbeDetails> {
    if (!this.#details) {
      this.#details = this.#probe();
      this.#details.then(
        (details) => (this.#probed = details),
        () => (this.#details = undefined),
      );
    }
    return this.#details;
  }

  async #probe(): Promise<ProbeDetails> {
    const name = this.#file.name;
    if (this.#file.size === 0) throw new BadMediaError(`“${name}” is an empty file.`);
    const { log, data } = await this.#run(
      'ffprobe',
      (out) => probeArgs(this.#input, out),
      'json',
      this.#timeoutMs,
      'read',
    );
    if (typeof data !== 'string' || !/"streams"\s*:\s*\[\s*\{/.test(data)) {
      // ffmpeg's own words name internal mount paths: they go to the console, not to the user.
      console.warn(`ffprobe could not read ${name}:`, lastErrorLine(log));
      throw new BadMediaError(`“${name}” is not a video file Framefinder can read (its format is not recognised).`);
    }
    const details = parseProbeJson(data, name, this.#file.size);
    const codec = details.result.videoCodec ?? 'unknown';
    const problem = findDecoderProblem(log);
    if (UNDECODABLE.has(codec) || problem || !details.pixelFormat || details.result.width === 0) {
      if (problem) console.warn(`ffmpeg cannot decode ${name}:`, problem);
      throw new UnsupportedMediaError(
        `Unsupported codec: neither the browser nor ffmpeg.wasm can decode the ${codec} video of “${name}”.`,
      );
    }
    return details;
  }

  async probe(): Promise<ProbeResult> {
    return (await this.#probeDetails()).result;
  }

  /**
   * Key frame times from 0 to `until` (s), cached. Short videos: every key packet is listed (demuxing only, but
   * ffmpeg.wasm pays about half a millisecond per packet). Long ones: `samples` seeks, each landing on a key frame.
   */
  async #keyTimes(until: number, samples: number): Promise<{ times: number[]; complete: boolean }> {
    const cached = this.#keys;
    if (cached && cached.until >= until && (cached.complete || cached.times.length >= samples)) {
      return { times: cached.times.filter((t) => t <= until + 1e-6), complete: cached.complete };
    }
    const { result, startTime } = await this.#probeDetails();
    const zero = timeZero(startTime);
    const complete = until * (result.fps ?? 30) <= FULL_KEY_SCAN_PACKETS;
    // A span counts from the first packet; seek points are the container's own presentation times.
    const range = complete ? { span: until + 0.5 } : { points: spreadTimes(until, samples).map((t) => t + zero) };
    const budget = this.#timeoutMs + (complete ? until * (result.fps ?? 30) : samples * 50);
    const { data } = await this.#run(
      'ffprobe',
      (out) => keyPacketArgs(this.#input, out, range),
      'txt',
      budget,
      'list the key frames of',
    );
    const found = parseKeyPackets(typeof data === 'string' ? data : '').map((t) => Math.max(0, round6(t - zero)));
    const times = [...new Set(found)].filter((t) => t <= until + 1e-6).sort((a, b) => a - b);
    this.#keys = { until, times, complete };
    return { times, complete };
  }

  async keyframeTimes(maxCount: number, until: number): Promise<number[]> {
    if (maxCount <= 0) return [];
    const { result } = await this.#probeDetails();
    const limit = result.duration > 0 ? Math.min(until, result.duration) : until;
    // More key frames than wanted: keep them spread over the whole span rather than only the first ones.
    return thinTimes((await this.#keyTimes(limit, maxCount)).times, maxCount);
  }

  async *framesAt(times: readonly number[], maxSide: number): AsyncGenerator<RgbaFrame> {
    if (times.length === 0) return;
    if (times.some((t, i) => i > 0 && t < times[i - 1])) throw new RangeError('framesAt needs ascending times.');
    const { result, startTime } = await this.#probeDetails();
    const size = fitSize(result.width, result.height, maxSide);
    // Past the end means the last frame, which starts about one frame before the end.
    const end = result.duration > 0 ? Math.max(0, result.duration - 1 / (result.fps ?? 30)) : Infinity;
    const wanted = times.map((t) => Math.min(Math.max(0, t), end));
    const last = wanted[wanted.length - 1];
    // Decoding cost follows the stored picture, not the small output, and the codec.
    const frameMs =
      ((result.width * result.height) / 1e6) * MS_PER_MEGAPIXEL * (CODEC_COST[result.videoCodec ?? ''] ?? 1);
    const zero = timeZero(startTime);
    const fps = result.fps ?? 30;
    // Knowing the key frames makes the plan exact; listing them is worth it when it is cheap or already done.
    const known = this.#keys && this.#keys.until >= last ? this.#keys : null;
    const keys =
      known ?? (wanted.length > 1 && last * fps <= FULL_KEY_SCAN_PACKETS ? await this.#keyTimes(last, 0) : null);
    const runs = planFrameRuns(wanted, {
      fps: result.fps,
      startTime: startTime - zero, // the planner works in our times, which count from `zero`
      keyframes: keys?.times ?? null,
      keyframesComplete: keys?.complete ?? false,
      runCostSeconds: RUN_COST_MS / (fps * Math.max(frameMs, 0.5)),
      // A key-frame-only run still reads every packet in a gap: beyond this, seeking again is cheaper.
      keyGapSeconds: RUN_COST_MS / (fps * DEMUX_MS_PER_PACKET),
      maxFramesPerRun: Math.max(1, Math.floor(MAX_RUN_BYTES / (size.width * size.height * 4))),
    });
    for (const run of runs) {
      // Budget: 10× the estimate of reading every packet from the key frame before the run (up to 10 s back) to its
      // end, and decoding them (or only the wanted key frames).
      const packets = (run.end + 10) * fps;
      const decoded = run.keyframesOnly ? run.times.length : packets;
      const timeout = this.#timeoutMs + 10 * (decoded * Math.max(frameMs, 1) + packets * DEMUX_MS_PER_PACKET);
      yield* this.#decodeRun(run, startTime, size, timeout);
    }
  }

  /** Runs one decode and cuts its raw output into frames, each with its presentation time and key flag. */
  async #decode(args: (out: string) => string[], origin: number, zero: number, size: Size, timeoutMs: number) {
    const { log, data } = await this.#run('exec', args, 'rgba', timeoutMs, 'decode frames of');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(0);
    const frameBytes = size.width * size.height * 4;
    const shown = parseShowinfo(log);
    const frames = shown.slice(0, Math.floor(bytes.length / frameBytes)).map((f, i) => ({
      time: round6(sourceTime(f, origin + zero) - zero),
      keyframe: f.keyframe,
      // Each frame gets its own buffer so it can be transferred on its own.
      data: new Uint8ClampedArray(
        bytes.buffer.slice(bytes.byteOffset + i * frameBytes, bytes.byteOffset + (i + 1) * frameBytes),
      ),
    }));
    return { log, frames };
  }

  async *#decodeRun(run: FrameRun, startTime: number, size: Size, timeoutMs: number): AsyncGenerator<RgbaFrame> {
    const zero = timeZero(startTime);
    const first = await this.#decode(
      (out) => frameRunArgs(run, this.#input, out, size),
      run.origin,
      zero,
      size,
      timeoutMs,
    );
    const log = first.log;
    let frames = first.frames;
    // How far decoding went (s): a frame with no later one before this is still on screen here (a VFR still).
    let decodedUntil = run.origin + run.end;
    // select= only keeps a frame at or after each time: times past the last decodable frame get nothing.
    const lastFrame = () => (frames.length ? frames[frames.length - 1].time : -Infinity);
    const missed = () => run.times.filter((t) => t - run.tolerance > lastFrame());
    const problem = frames.length === 0 ? findDecoderProblem(log) : null;
    if (problem) {
      throw new UnsupportedMediaError(
        `Unsupported codec: ffmpeg.wasm cannot decode “${this.#file.name}” (${problem}).`,
      );
    }
    // Decode the stretch before them plainly: past the last frame, the last frames are the ones shown. Containers
    // without an index (MPEG-PS/TS) seek by byte position and may land after the key frame; step further back.
    for (const back of [2, 12]) {
      if (missed().length === 0 || findDamage(log)) break;
      const seek = Math.max(0, missed()[0] + zero - back - startTime);
      const origin = seek + startTime - zero;
      const span = run.times[run.times.length - 1] - origin + 1;
      const args = (out: string) => frameSpanArgs(this.#input, out, seek, span, size);
      const tail = await this.#decode(args, origin, zero, size, timeoutMs);
      decodedUntil = Math.max(decodedUntil, origin + span);
      log.push(...tail.log);
      frames = [...frames, ...tail.frames].sort((x, y) => x.time - y.time);
      if (seek === 0) break;
    }
    // Times the file promises but whose data is cut off are an error, not a silently repeated earlier frame; the
    // frames before the damage are still handed out first.
    const damage = findDamage(log);
    const lost = damage ? missed() : [];
    const good = run.times.filter((t) => !lost.includes(t));
    const picks = matchFrames(
      good,
      frames.map((f) => f.time),
    );
    const used = new Set<number>();
    for (const i of picks) {
      if (i < 0) break;
      const { time, keyframe, data } = frames[i];
      const shownUntil = frames[i + 1]?.time ?? (damage ? undefined : decodedUntil);
      // Two times may share a frame; the second gets a copy, as each buffer is transferred away.
      const copy = used.has(i) ? data.slice() : data;
      yield { time, width: size.width, height: size.height, data: copy, keyframe, shownUntil };
      used.add(i);
    }
    if (frames.length === 0 || lost.length > 0) {
      const at = (lost[0] ?? run.times[0]).toFixed(2);
      console.warn(`ffmpeg could not decode ${this.#file.name} at ${at} s:`, damage ?? lastErrorLine(log));
      throw new BadMediaError(
        `No frame of “${this.#file.name}” could be decoded at ${at} s: the file looks truncated or damaged.`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#attaching?.catch(() => undefined);
    const engine = this.#engine;
    this.#engine = undefined;
    if (!engine) return;
    if (!engine.dead) {
      try {
        await engine.exclusive(async () => {
          await engine.ffmpeg.unmount(this.#dir);
          await engine.ffmpeg.deleteDir(this.#dir);
        });
      } catch {
        // The instance died meanwhile: terminating it already freed the mount.
      }
    }
    checkin(engine);
  }
}

/**
 * Opens `file` on the ffmpeg.wasm tier: loads the shared instance (self-hosted core) and mounts the file.
 * `timeoutMs` limits each ffmpeg command (decodes get more in proportion to their length).
 */
export async function openFfmpegSource(file: File, opts: { timeoutMs?: number } = {}): Promise<FrameSource> {
  const source = new FfmpegSource(file, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  await source.attach();
  return source;
}
