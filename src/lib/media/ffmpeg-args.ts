// Pure command builders and plans for the ffmpeg.wasm tier (FFmpeg 5.1). No DOM, no wasm: unit-tested in Node, and
// the same arguments run unchanged on Debian's native ffmpeg, which is how the tests' sample outputs were made.

/** Seconds as ffmpeg reads them: fixed point, no exponent ("1e-7" is not a valid time for -ss). */
export const secs = (t: number): string => {
  const s = Math.max(0, t)
    .toFixed(6)
    .replace(/\.?0+$/, '');
  return s === '' ? '0' : s;
};

/** Signed variant for expressions, where thresholds may sit just before the seek point. */
const signedSecs = (t: number): string => (t < 0 ? `-${secs(-t)}` : secs(t));

/** Format, streams and the display matrix, as JSON into `output` (ffprobe's -o: ffmpeg.wasm has no stdout to read). */
export const probeArgs = (input: string, output: string): string[] => [
  '-v',
  'error',
  '-print_format',
  'json',
  '-show_format',
  '-show_streams',
  input,
  '-o',
  output,
];

/**
 * Key packets of the first video stream, read from the container without decoding, one line per packet in file
 * order: "pts_time=2.000000|dts_time=1.933333|flags=K_". `span` lists every packet up to `until` seconds; `points`
 * seeks to each time and reads one packet there, which is the key frame at or before it: a handful of seeks instead
 * of reading a whole film.
 */
export function keyPacketArgs(
  input: string,
  output: string,
  range: { span: number } | { points: readonly number[] },
): string[] {
  const intervals = 'span' in range ? `%+${secs(range.span)}` : range.points.map((t) => `${secs(t)}%+#1`).join(',');
  return [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,dts_time,flags',
    '-of',
    'compact=p=0',
    '-read_intervals',
    intervals,
    input,
    '-o',
    output,
  ];
}

/** `count` times spread evenly over [0, until], starting at 0. */
export function spreadTimes(until: number, count: number): number[] {
  if (count <= 1 || until <= 0) return [0];
  return Array.from({ length: count }, (_, i) => Number(((i * until) / (count - 1)).toFixed(6)));
}

/** Keeps `maxCount` of ascending `times`, spread over the whole list (first and last kept), not just the first ones. */
export function thinTimes(times: readonly number[], maxCount: number): number[] {
  if (maxCount <= 0) return [];
  if (times.length <= maxCount) return [...times];
  if (maxCount === 1) return [times[0]];
  return Array.from({ length: maxCount }, (_, i) => times[Math.round((i * (times.length - 1)) / (maxCount - 1))]);
}

/**
 * Output size for a maxSide box: the long side becomes maxSide, small videos included, with the same rounding as
 * the WebCodecs tier so both tiers hand the later stages identical sizes.
 */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.max(1, Math.round(maxSide)) / Math.max(width, height, 1);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * One ffmpeg run serving several requested times: seek once, decode forward, keep the frames asked for. Times are
 * the container's presentation times (what ffprobe prints as pts_time and a <video> element seeks to); ffmpeg's -ss
 * counts from the container's start_time instead, which is not always 0 (0.007 s in WebM, 1.4 s in MPEG-TS).
 */
export interface FrameRun {
  /** The -ss value: seconds after the container's start_time. */
  seek: number;
  /** The same point as a presentation time: seek + start_time. ffmpeg's output timestamps count from here. */
  origin: number;
  /** Requested times served by this run, ascending. */
  times: number[];
  /** Every time is a key frame: the decoder can skip all other frames (-skip_frame nokey). */
  keyframesOnly: boolean;
  /** Stop decoding at this time (relative to `origin`): just after the last wanted frame. */
  end: number;
  /** A frame within this many seconds before a requested time counts as the frame at that time. */
  tolerance: number;
}

export interface RunPlanOptions {
  fps: number | null;
  /** The container's start_time (s). */
  startTime: number;
  /** Known key frame times (s, ascending), or null when unknown. */
  keyframes: readonly number[] | null;
  /** `keyframes` lists every key frame (not a sample): the key frame before any time can be looked up. */
  keyframesComplete: boolean;
  /** Seconds of full decoding that cost as much as starting one more run (process start, open, seek). */
  runCostSeconds: number;
  /** Longest stretch a key-frame-only run demuxes through before seeking is cheaper. */
  keyGapSeconds: number;
  /** Frames per run, so the raw output stays small inside the wasm heap. */
  maxFramesPerRun: number;
}

/** Index of the last element ≤ t in an ascending array, or -1. */
function floorIndex(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Groups ascending times into runs. Joining the next time into the current run costs decoding every frame in
 * between; a new run costs a fresh start plus decoding from the key frame before that time. Key frames alone are
 * nearly free to reach in a key-frame-only run (the demuxer still reads the packets in between, nothing is decoded).
 */
export function planFrameRuns(times: readonly number[], opts: RunPlanOptions): FrameRun[] {
  const frame = 1 / (opts.fps ?? 30);
  // Half a frame, plus a millisecond so that of two frames equally near, the earlier one is not lost to rounding.
  const tolerance = Math.min(frame / 2, 0.5) + 0.001;
  const keys = opts.keyframes;
  const isKey = (t: number) => {
    if (!keys) return false;
    const i = floorIndex(keys, t + tolerance);
    return i >= 0 && t - keys[i] <= tolerance;
  };
  // Decoding from the key frame before t up to t, when we know where that key frame is.
  const leadIn = (t: number, gap: number) => {
    const i = keys && opts.keyframesComplete ? floorIndex(keys, t + tolerance) : -1;
    return keys && i >= 0 ? Math.max(0, t - keys[i]) : Math.min(gap, 1);
  };
  const runs: FrameRun[] = [];
  let run: FrameRun | null = null;
  for (const t of times) {
    const key = isKey(t);
    if (run && run.times.length < opts.maxFramesPerRun) {
      const gap = t - run.times[run.times.length - 1];
      if (run.keyframesOnly && key && gap <= opts.keyGapSeconds) {
        run.times.push(t);
        continue;
      }
      // A run holding one key frame so far loses nothing by decoding every frame from there on.
      if ((!run.keyframesOnly || run.times.length === 1) && gap - leadIn(t, gap) <= opts.runCostSeconds) {
        run.keyframesOnly = false;
        run.times.push(t);
        continue;
      }
    }
    // The seek lands on the key frame at or before the seek point; the extra millisecond absorbs the 6-decimal rounding of
    // printed key frame times, which could otherwise send the seek one whole GOP back.
    const seek = Math.max(0, t + 0.001 - opts.startTime);
    run = { seek, origin: seek + opts.startTime, times: [t], keyframesOnly: key, end: 0, tolerance };
    runs.push(run);
  }
  for (const r of runs) r.end = r.times[r.times.length - 1] - r.origin + tolerance + frame;
  return runs;
}

/**
 * select= keeps the first decoded frame at or past each threshold (seconds, relative to the seek point). `prev_t` is
 * NaN on the first frame, so `not(gte(prev_t,x))` (not `lt`) lets the first frame count.
 */
export function selectExpression(thresholds: readonly number[]): string {
  const terms = thresholds.map((x) => {
    const v = signedSecs(x);
    return `gte(t,${v})*not(gte(prev_t,${v}))`;
  });
  return `gt(${terms.join('+')},0)`;
}

const rawOutput = (output: string): string[] => [
  '-fps_mode',
  'passthrough',
  '-f',
  'rawvideo',
  '-pix_fmt',
  'rgba',
  output,
];

// Area averaging keeps fine detail honest when shrinking a lot (1080p → 224), at little cost over bilinear.
const scaleFilter = (size: { width: number; height: number }) => `scale=${size.width}:${size.height}:flags=area`;

/**
 * Decodes one run into concatenated RGBA frames of `size`. -noaccurate_seek hands every decoded frame to select= so
 * a frame slightly before the seek point can still be chosen; showinfo logs each kept frame's time and key flag;
 * trim= ends the run (and the reading) right after the last wanted frame; rotation is applied by ffmpeg's autorotate.
 */
/**
 * Wanted times closer together than this are consecutive frames (a window read to find the exact frame): every
 * frame between them must be decoded, B-frames included.
 */
const denseGap = 0.2;

/** What the decoder may skip for a run: everything but key frames, frames nothing refers to, or nothing. */
function skipFrames(run: FrameRun): 'nokey' | 'noref' | 'default' {
  if (run.keyframesOnly) return 'nokey';
  if (run.times.length <= 1) return 'default';
  const dense = run.times.some((t, i) => i > 0 && t - run.times[i - 1] < denseGap);
  return dense ? 'default' : 'noref';
}

export function frameRunArgs(run: FrameRun, input: string, output: string, size: { width: number; height: number }) {
  const thresholds = run.times.map((t) => t - run.tolerance - run.origin);
  const filters = [
    `trim=end=${secs(run.end)}`,
    `select='${selectExpression(thresholds)}'`,
    scaleFilter(size),
    'showinfo=checksum=0',
  ];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    // Not -discard nokey as well: dropping packets in the demuxer breaks the timestamps of streams with B-frames.
    // Otherwise skip frames nothing refers to: the nearest decoded frame after a wanted time is at most a
    // couple of frames later, invisible at a few frames a second, and half the decoding of a typical B-frame
    // stream. A run for one frame (the matched frame a user looks at, a poster) or for consecutive frames (a window
    // read to find the exact frame) decodes them all: the exact frame is the point. Skipping B-frames there left
    // only every third frame of an MPEG-4 AVI, each answered three times.
    ...['-skip_frame', skipFrames(run)],
    // Our frames are 320 px at most: deblocking makes no visible difference there and costs a third of decoding.
    ...['-skip_loop_filter', 'all'],
    ...(run.seek > 0 ? ['-ss', secs(run.seek), '-noaccurate_seek'] : []),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters.join(','),
    '-frames:v',
    String(run.times.length),
    ...rawOutput(output),
  ];
}

/** Every frame from `seek` (s after start_time) for `duration` s: the fallback when select= found nothing. */
export function frameSpanArgs(
  input: string,
  output: string,
  seek: number,
  duration: number,
  size: { width: number; height: number },
) {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    ...(seek > 0 ? ['-ss', secs(seek)] : []),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    [`trim=end=${secs(duration)}`, scaleFilter(size), 'showinfo=checksum=0'].join(','),
    ...rawOutput(output),
  ];
}

/** A regular grid, `rate` frames per second from `start` for `duration` s, with the fps filter. */
export function fpsSampleArgs(
  input: string,
  output: string,
  opts: { start: number; duration: number; rate: number; size: { width: number; height: number } },
) {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    ...(opts.start > 0 ? ['-ss', secs(opts.start)] : []),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    [`trim=end=${secs(opts.duration)}`, `fps=${opts.rate}`, scaleFilter(opts.size), 'showinfo=checksum=0'].join(','),
    ...rawOutput(output),
  ];
}

/**
 * The presentation time of a frame showinfo printed in a run that seeked to `origin` (= -ss + start_time). Without
 * -copyts ffmpeg shifts every packet by -origin, rounded to the stream's time base: undoing that exact shift gives
 * back the container's own timestamps instead of values a tick off.
 */
export function sourceTime(frame: { time: number; pts: number; timeBase: number | null }, origin: number): number {
  const shift = Math.round(origin * 1e6) / 1e6; // ffmpeg holds it in microseconds
  const t = frame.timeBase ? (frame.pts + Math.round(shift / frame.timeBase)) * frame.timeBase : frame.time + shift;
  return Number(t.toFixed(6));
}

/**
 * For each requested time, the index of the closest output frame (times in seconds from the start of the file,
 * both ascending), or -1 when there are no frames. Two requests may share a frame.
 */
export function matchFrames(requested: readonly number[], frames: readonly number[]): number[] {
  let j = 0;
  return requested.map((t) => {
    if (frames.length === 0) return -1;
    while (j + 1 < frames.length && Math.abs(frames[j + 1] - t) <= Math.abs(frames[j] - t)) j++;
    return j;
  });
}
