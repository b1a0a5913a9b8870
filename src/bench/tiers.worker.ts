/// <reference lib="webworker" />
// Decode tier benchmark (bench.html, `npm run bench:index -- --tiers <file>`): the same work on tier 1
// (mediabunny + WebCodecs) and tier 2 (the app's ffmpeg.wasm source), and tier 2 against the way ffmpeg.wasm is
// usually used (the whole file written into its memory, one `fps=1,scale` command). Not part of the app.
import { expose } from 'comlink';
import { FFmpeg } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { frameStats, isFlat, sceneSignature } from '../lib/media/frame-stats';
import { defaultSampling, samplingPlan } from '../lib/media/sampling';
import { candidateCuts } from '../lib/media/scenes';
import type { FrameSource } from '../lib/media/types';
import { openFfmpegSource } from '../workers/media/ffmpeg-source';
import { findScenes, refineScenes } from '../workers/media/stage-ops';
import { openWebCodecsSource } from '../workers/media/webcodecs-source';

/** Long side of the frames handed to search, as the app samples them (stage-ops' searchFrameSide). */
const SIDE = 160;

export interface TierRun {
  tier: string;
  ms: number;
  /** Parts of `ms`: opening + probe + key frame listing, key frame decode, 1 frame/s decode. */
  open_probe_ms: number;
  keyframes_ms: number;
  interval_ms: number;
  duration: number;
  keyframes: number;
  interval_frames: number;
  frame_size: string;
}

export interface NaiveRun {
  ms: number;
  write_ms: number;
  exec_ms: number;
  frames: number;
  frame_size: string;
  exit_code: number;
}

/**
 * What pass 1 and pass 2 ask of a tier for search frames: probe, decode every key frame at 160 px, then the
 * 1 frame/s grid of the app's own sampling plan (interval/2 offsets: 0.5 s, 1.5 s …) at 160 px.
 */
async function sameWork(open: () => Promise<FrameSource>): Promise<TierRun> {
  const t0 = performance.now();
  const source = await open();
  try {
    const probe = await source.probe();
    const until = Math.min(probe.duration, defaultSampling.maxDuration);
    let keys = await source.keyframeTimes(defaultSampling.maxKeyframes, until);
    if (keys.length === 0) keys = [0];
    const t1 = performance.now();
    let size = '';
    let keyframes = 0;
    for await (const f of source.framesAt(keys, SIDE)) {
      keyframes++;
      size = `${f.width}x${f.height}`;
    }
    const t2 = performance.now();
    const grid = samplingPlan(probe.duration, [], [], defaultSampling).map((p) => p.time);
    let intervalFrames = 0;
    for await (const f of source.framesAt(grid, SIDE)) {
      intervalFrames++;
      size = `${f.width}x${f.height}`;
    }
    const t3 = performance.now();
    return {
      tier: source.tier,
      ms: Math.round(t3 - t0),
      open_probe_ms: Math.round(t1 - t0),
      keyframes_ms: Math.round(t2 - t1),
      interval_ms: Math.round(t3 - t2),
      duration: probe.duration,
      keyframes,
      interval_frames: intervalFrames,
      frame_size: size,
    };
  } finally {
    await source.close();
  }
}

export interface Pass2Breakdown {
  tier: string;
  /** Pass 1's scenes stage (key frames, cuts between them, scene sheet). */
  scenes_ms: number;
  plan_frames: number;
  /** Pass 2's sampling (the plan's frames in batches of frameBatchSize), then its scene refinement. */
  sample_ms: number;
  candidate_cuts: number;
  refine_ms: number;
  cuts_pass1: number;
  cuts_pass2: number;
}

/**
 * Where pass 2's time goes, with the app's own stage code on one open source: the scenes stage (for the key
 * frames and cuts pass 2 starts from), the sampling plan decoded batch by batch, then refineScenes.
 */
async function pass2Breakdown(open: () => Promise<FrameSource>): Promise<Pass2Breakdown> {
  const source = await open();
  try {
    const { duration, fps } = await source.probe();
    const s = defaultSampling;
    const t0 = performance.now();
    const pass1 = await findScenes(source, duration, s, () => undefined, s.frameBatchSize);
    const t1 = performance.now();
    const cuts = pass1.scenes.slice(1).map((sc) => sc.start);
    const plan = samplingPlan(duration, pass1.keyframes, cuts, s).map((p) => p.time);
    const samples: { time: number; signature: Float32Array; flat: boolean }[] = [];
    for (let i = 0; i < plan.length; i += s.frameBatchSize) {
      for await (const f of source.framesAt(plan.slice(i, i + s.frameBatchSize), SIDE))
        samples.push({ time: f.time, signature: sceneSignature(f), flat: isFlat(frameStats(f)) });
    }
    const t2 = performance.now();
    const refined = await refineScenes(source, duration, fps, samples);
    const t3 = performance.now();
    return {
      tier: source.tier,
      scenes_ms: Math.round(t1 - t0),
      plan_frames: plan.length,
      sample_ms: Math.round(t2 - t1),
      candidate_cuts: candidateCuts(samples).length,
      refine_ms: Math.round(t3 - t2),
      cuts_pass1: cuts.length,
      cuts_pass2: refined.scenes.length - 1,
    };
  } finally {
    await source.close();
  }
}

let naive: FFmpeg | undefined;

const api = {
  tier1: (file: File) => sameWork(() => openWebCodecsSource(file)),

  pass2Tier1: (file: File) => pass2Breakdown(() => openWebCodecsSource(file)),

  tier2: (file: File) => sameWork(() => openFfmpegSource(file, { timeoutMs: 600_000 })),

  /** Loads tier 2's shared ffmpeg.wasm instance (open + close a source), so tier2 is timed warm like naive. */
  async warmTier2(file: File): Promise<number> {
    const t0 = performance.now();
    const source = await openFfmpegSource(file);
    await source.close();
    return Math.round(performance.now() - t0);
  },

  async loadNaive(): Promise<number> {
    const t0 = performance.now();
    naive = new FFmpeg();
    await naive.load({ coreURL, wasmURL });
    return Math.round(performance.now() - t0);
  },

  /**
   * The usual ffmpeg.wasm recipe: copy the whole file into its in-memory file system, run
   * `-i in -vf fps=1,scale=160:-2` to raw RGBA, read the output back.
   */
  async naive(file: File): Promise<NaiveRun> {
    if (!naive) throw new Error('loadNaive first');
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0] ?? '.mp4';
    const input = `input${ext}`;
    const log: string[] = [];
    const onLog = ({ message }: { message: string }) => log.push(message);
    naive.on('log', onLog);
    const t0 = performance.now();
    await naive.writeFile(input, new Uint8Array(await file.arrayBuffer()));
    const t1 = performance.now();
    const code = await naive.exec([
      '-i',
      input,
      '-vf',
      `fps=1,scale=${SIDE}:-2`,
      '-pix_fmt',
      'rgba',
      '-f',
      'rawvideo',
      'out.rgba',
    ]);
    const t2 = performance.now();
    let bytes = 0;
    try {
      const out = await naive.readFile('out.rgba');
      bytes = typeof out === 'string' ? out.length : out.byteLength;
      await naive.deleteFile('out.rgba');
    } catch {
      // No output file: the command failed, exit_code says so.
    }
    await naive.deleteFile(input);
    const t3 = performance.now();
    naive.off('log', onLog);
    // The output frame size, from the "Output #0" stream line: "… rgba(pc, …), 160x90, …".
    const out = log.slice(log.findIndex((l) => l.startsWith('Output #0')));
    const size = out.map((l) => /Video: rawvideo.*?, (\d+)x(\d+)/.exec(l)).find(Boolean);
    const frameBytes = size ? Number(size[1]) * Number(size[2]) * 4 : 0;
    return {
      ms: Math.round(t3 - t0),
      write_ms: Math.round(t1 - t0),
      exec_ms: Math.round(t2 - t1),
      frames: frameBytes ? Math.round(bytes / frameBytes) : -1,
      frame_size: size ? `${size[1]}x${size[2]}` : '',
      exit_code: code,
    };
  },

  dispose(): void {
    naive?.terminate();
    naive = undefined;
  },
};

export type TiersApi = typeof api;
expose(api);
