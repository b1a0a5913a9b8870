import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fitSize,
  frameRunArgs,
  keyPacketArgs,
  matchFrames,
  planFrameRuns,
  probeArgs,
  secs,
  selectExpression,
  sourceTime,
  spreadTimes,
  thinTimes,
  type RunPlanOptions,
} from '../../src/lib/media/ffmpeg-args';
import { parseKeyPackets, parseShowinfo } from '../../src/lib/media/ffprobe-parse';

const plan = (times: number[], opts: Partial<RunPlanOptions> = {}) =>
  planFrameRuns(times, {
    fps: 25,
    startTime: 0,
    keyframes: null,
    keyframesComplete: false,
    runCostSeconds: 0.5,
    keyGapSeconds: 60,
    maxFramesPerRun: 100,
    ...opts,
  });

describe('argument builders', () => {
  it('writes times as plain decimals ffmpeg accepts', () => {
    expect([0, 1, 1.5, 1e-7, 12.3456789, 3600.25, -2].map(secs)).toEqual([
      '0',
      '1',
      '1.5',
      '0',
      '12.345679',
      '3600.25',
      '0',
    ]);
  });

  it('probes to a JSON file, since ffmpeg.wasm has no stdout to read', () => {
    expect(probeArgs('/ff-1/input.mp4', '/ff-1-out-1.json')).toEqual([
      ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'],
      ...['/ff-1/input.mp4', '-o', '/ff-1-out-1.json'],
    ]);
  });

  it('lists key packets over a span, or samples them by seeking', () => {
    const span = keyPacketArgs('/in.mp4', '/k.txt', { span: 120.5 });
    expect(span).toContain('packet=pts_time,dts_time,flags');
    expect(span.slice(span.indexOf('-read_intervals'), span.indexOf('-read_intervals') + 2)).toEqual([
      '-read_intervals',
      '%+120.5',
    ]);
    const points = keyPacketArgs('/in.mp4', '/k.txt', { points: [0, 30, 60.5] });
    expect(points[points.indexOf('-read_intervals') + 1]).toBe('0%+#1,30%+#1,60.5%+#1');
  });

  it('sizes output like the WebCodecs tier: long side = maxSide, small videos enlarged', () => {
    expect(fitSize(1920, 1080, 224)).toEqual({ width: 224, height: 126 });
    expect(fitSize(180, 320, 224)).toEqual({ width: 126, height: 224 });
    expect(fitSize(160, 90, 224)).toEqual({ width: 224, height: 126 });
    expect(fitSize(3840, 2, 64)).toEqual({ width: 64, height: 1 });
  });

  it('spreads and thins times over the whole span, first and last included', () => {
    expect(spreadTimes(60, 4)).toEqual([0, 20, 40, 60]);
    expect(thinTimes([0, 2, 4, 6, 8, 10, 12], 3)).toEqual([0, 6, 12]);
    expect(thinTimes([0, 2], 5)).toEqual([0, 2]);
    expect(thinTimes([0, 2], 0)).toEqual([]);
  });

  it('selects the first frame at or past each threshold, the very first frame included', () => {
    expect(selectExpression([-0.021, 0.479])).toBe(
      'gt(gte(t,-0.021)*not(gte(prev_t,-0.021))+gte(t,0.479)*not(gte(prev_t,0.479)),0)',
    );
  });
});

describe('planFrameRuns', () => {
  const gop2 = Array.from({ length: 31 }, (_, i) => i * 2); // key frames every 2 s over a minute

  it('serves all key frames from one key-frame-only run', () => {
    const runs = plan(gop2, { keyframes: gop2, keyframesComplete: true });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ keyframesOnly: true, seek: 0.001, times: gop2 });
  });

  it('seeks again across a long gap even between key frames', () => {
    const runs = plan([0, 2, 300], { keyframes: [0, 2, 300], keyframesComplete: true, keyGapSeconds: 60 });
    expect(runs.map((r) => r.times)).toEqual([[0, 2], [300]]);
  });

  it('gives each sparse time its own run: seeking beats decoding the gap', () => {
    const times = [3.3, 9.3, 15.3, 21.3];
    const runs = plan(times, { keyframes: gop2, keyframesComplete: true });
    expect(runs.map((r) => r.times)).toEqual(times.map((t) => [t]));
    expect(runs.every((r) => !r.keyframesOnly)).toBe(true);
  });

  it('decodes dense times in one run', () => {
    const times = Array.from({ length: 20 }, (_, i) => 20 + i * 0.5);
    expect(plan(times, { keyframes: gop2, keyframesComplete: true })).toHaveLength(1);
    expect(plan(times)).toHaveLength(1); // key frames unknown: a 0.5 s gap is still cheaper to decode through
  });

  it('joins a time whose key frame lies behind the previous time: the decoder passes there anyway', () => {
    // GOP 10 s: from 1 to 5 s everything must be decoded from 0 whichever way.
    const runs = plan([1, 5], { keyframes: [0, 10], keyframesComplete: true, runCostSeconds: 0.1 });
    expect(runs).toHaveLength(1);
  });

  it('does not trust a sampled key frame list to say where a GOP starts', () => {
    const runs = plan([1, 5], { keyframes: [0, 10], keyframesComplete: false, runCostSeconds: 0.1 });
    expect(runs).toHaveLength(2);
  });

  it('caps the frames per run', () => {
    const times = Array.from({ length: 10 }, (_, i) => i * 0.04);
    expect(plan(times, { maxFramesPerRun: 4 }).map((r) => r.times.length)).toEqual([4, 4, 2]);
  });

  it('seeks relative to the container start and stops just after the last frame', () => {
    const [run] = plan([2.0, 2.5], { startTime: 1.48, fps: 25 });
    expect(run.seek).toBeCloseTo(0.521, 9);
    expect(run.origin).toBeCloseTo(2.001, 9);
    expect(run.tolerance).toBeCloseTo(0.021, 9);
    expect(run.end).toBeCloseTo(2.5 - 2.001 + 0.021 + 0.04, 9);
  });
});

describe('frameRunArgs', () => {
  const size = { width: 224, height: 126 };

  it('seeks, keeps the wanted frames, scales and logs them as raw RGBA', () => {
    const [run] = plan([1.5, 2.0]);
    const args = frameRunArgs(run, '/ff-1/input.mp4', '/out.rgba', size);
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 3)).toEqual(['-ss', '1.501', '-noaccurate_seek']);
    // Frames nothing refers to are skipped, and so is deblocking: invisible at thumbnail sizes, half the work.
    expect(args.slice(args.indexOf('-skip_frame'), args.indexOf('-skip_frame') + 2)).toEqual(['-skip_frame', 'noref']);
    // One frame asked: that exact frame, B-frames included.
    const single = frameRunArgs(plan([1.52])[0], '/ff-1/input.mp4', '/out.rgba', size);
    expect(single.slice(single.indexOf('-skip_frame'), single.indexOf('-skip_frame') + 2)).toEqual([
      '-skip_frame',
      'default',
    ]);
    // Consecutive frames (a window read for the exact frame): every frame, B-frames included, or a stream with two
    // B-frames between references gives only every third frame.
    const window = frameRunArgs(plan([1.5, 1.54, 1.58, 1.62])[0], '/ff-1/input.avi', '/out.rgba', size);
    expect(window.slice(window.indexOf('-skip_frame'), window.indexOf('-skip_frame') + 2)).toEqual([
      '-skip_frame',
      'default',
    ]);
    expect(args.slice(args.indexOf('-skip_loop_filter'), args.indexOf('-skip_loop_filter') + 2)).toEqual([
      '-skip_loop_filter',
      'all',
    ]);
    expect(args[args.indexOf('-vf') + 1]).toBe(
      "trim=end=0.56,select='gt(gte(t,-0.022)*not(gte(prev_t,-0.022))+gte(t,0.478)*not(gte(prev_t,0.478)),0)'," +
        'scale=224:126:flags=area,showinfo=checksum=0',
    );
    expect(args.slice(-9)).toEqual([
      ...['-frames:v', '2', '-fps_mode', 'passthrough'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgba', '/out.rgba'],
    ]);
  });

  it('skips non-key frames in the decoder for key-frame-only runs', () => {
    const [run] = plan([0, 1, 2], { keyframes: [0, 1, 2], keyframesComplete: true });
    const args = frameRunArgs(run, '/in.mp4', '/out.rgba', size);
    expect(args.slice(args.indexOf('-skip_frame'), args.indexOf('-skip_frame') + 2)).toEqual(['-skip_frame', 'nokey']);
    expect(args).not.toContain('-discard'); // breaks B-frame timestamps
  });
});

describe('frame times and matching', () => {
  it('undoes ffmpeg’s rounded shift to give back container timestamps', () => {
    // Seek 1.501 s into h264.mp4 (time base 1/12800): ffmpeg.wasm printed pts -269 and 6387.
    expect(sourceTime({ pts: -269, time: -0.0210156, timeBase: 1 / 12800 }, 1.501)).toBe(1.48);
    expect(sourceTime({ pts: 6387, time: 0.498984, timeBase: 1 / 12800 }, 1.501)).toBe(2);
    expect(sourceTime({ pts: 0, time: 0.5, timeBase: null }, 1.5)).toBe(2);
  });

  it('matches each time to the closest frame, sharing frames when needed', () => {
    expect(matchFrames([0, 1, 1.03, 5], [0, 0.98, 1.04, 2])).toEqual([0, 1, 2, 3]);
    expect(matchFrames([0.5, 0.6], [0, 1])).toEqual([1, 1]); // a tie goes to the later frame
    expect(matchFrames([1, 2], [])).toEqual([-1, -1]);
  });
});

// The same arguments through Debian's native ffmpeg 5.1 (the FFmpeg inside ffmpeg.wasm 0.12), when it is installed:
// proves the builders and the parsers agree with the real tool, not just with each other.
const nativeVersion = (() => {
  try {
    return execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).match(/ffmpeg version n?(\d+)\.(\d+)/);
  } catch {
    return null;
  }
})();
const hasNative = nativeVersion !== null && Number(nativeVersion[1]) * 100 + Number(nativeVersion[2]) >= 501;
const media = (name: string) => join(import.meta.dirname, '../fixtures/media', name);

// Native ffmpeg runs as a child process: on a loaded machine one run can take seconds, which is not a race.
describe.skipIf(!hasNative)('with native ffmpeg', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ff-args-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes the frames asked for (or the next referenced one), with their container times and key flags', () => {
    const size = { width: 64, height: 36 };
    const keys = parseKeyPackets(
      execFileSync('ffprobe', keyPacketArgs(media('h264.mp4'), '-', { span: 10 }).slice(0, -2), { encoding: 'utf8' }),
    );
    expect(keys).toEqual([0, 1, 2, 3]);
    const runs = plan([0.5, 1, 2.52], { keyframes: keys, keyframesComplete: true, runCostSeconds: 0 });
    const got = runs.flatMap((run, i) => {
      const out = join(dir, `h264-${i}.rgba`);
      const result = spawnLog(frameRunArgs(run, media('h264.mp4'), out, size));
      const frames = parseShowinfo(result);
      expect(readFileSync(out).length).toBe(frames.length * 64 * 36 * 4);
      return frames.map((f) => ({ time: sourceTime(f, run.origin), key: f.keyframe }));
    });
    expect(got.map((f) => f.key)).toEqual([false, true, false]);
    // A wanted frame that is a non-reference B-frame is skipped: the next decoded one stands in, at most two
    // frames (0.08 s at 25 fps) later.
    [0.48, 1, 2.52].forEach((want, i) => {
      expect(got[i].time).toBeGreaterThanOrEqual(want);
      expect(got[i].time - want).toBeLessThanOrEqual(0.08 + 1e-9);
    });
  });

  it('lands on key frames when sampling them by seeking', () => {
    const args = keyPacketArgs(media('scenes.mp4'), '-', { points: [0, 4, 7.5, 11] }).slice(0, -2);
    expect(parseKeyPackets(execFileSync('ffprobe', args, { encoding: 'utf8' }))).toEqual([0, 3, 7.2, 8.48]);
  });
});

/** Runs native ffmpeg (with the two options ffmpeg.wasm always adds) and returns its log lines. */
function spawnLog(args: string[]): string[] {
  const run = spawnSync('ffmpeg', ['-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
  return run.stderr.split('\n');
}
