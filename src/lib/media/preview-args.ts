// The preview transcode for videos the browser cannot play (HEVC, ProRes, AVI …): a small H.264 + AAC MP4 made by
// ffmpeg.wasm (its core is built with libx264). Pure builders, unit-tested in Node; the same arguments run on
// native ffmpeg.

export interface PreviewPlan {
  /**
   * Output size: even numbers (4:2:0 chroma), the display orientation (ffmpeg applies the rotation); null when the
   * video was not probed yet, and then ffmpeg fits it in the box by itself.
   */
  width: number | null;
  height: number | null;
  /** Video bit rate ceiling in kbit/s; below the default for long videos so the output fits in the wasm heap. */
  maxrateKbps: number;
  /** Highest output frame rate: more frames cost encoding time and show nothing new in a preview. */
  fpsMax: number;
  /** Seconds, for progress and the time limit. */
  duration: number;
}

/** The preview fits a 854 × 480 box (480p), turned for portrait videos, never larger than the source. */
export const PREVIEW_LONG_SIDE = 854;
export const PREVIEW_SHORT_SIDE = 480;
export const PREVIEW_MAXRATE_KBPS = 900;
export const PREVIEW_AUDIO_KBPS = 96;
/**
 * The whole output is kept in ffmpeg.wasm's memory file system until the run ends, inside a heap capped at 2 GiB:
 * a long film gets a lower bit rate so its preview stays under this size.
 */
export const PREVIEW_MAX_BYTES = 700 * 1024 * 1024;

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

export function previewPlan(video: {
  width: number | null;
  height: number | null;
  duration: number | null;
  fps: number | null;
}): PreviewPlan {
  const known = !!(video.width && video.height && video.width > 0 && video.height > 0);
  const width = known ? video.width! : 0;
  const height = known ? video.height! : 0;
  const portrait = height > width;
  const boxW = portrait ? PREVIEW_SHORT_SIDE : PREVIEW_LONG_SIDE;
  const boxH = portrait ? PREVIEW_LONG_SIDE : PREVIEW_SHORT_SIDE;
  const scale = known ? Math.min(1, boxW / width, boxH / height) : 1;
  const duration = video.duration && video.duration > 0 ? video.duration : 0;
  const budgetKbps = duration > 0 ? (PREVIEW_MAX_BYTES * 8) / duration / 1000 - PREVIEW_AUDIO_KBPS : Infinity;
  return {
    width: known ? even(width * scale) : null,
    height: known ? even(height * scale) : null,
    maxrateKbps: Math.max(100, Math.floor(Math.min(PREVIEW_MAXRATE_KBPS, budgetKbps))),
    fpsMax: 30,
    duration,
  };
}

/**
 * The transcode: first video stream and first audio stream (if any), H.264 at constant quality under a rate
 * ceiling, key frames every 2 s so seeking in the preview is quick, AAC stereo audio. Timestamps start at the
 * container's start time, as the catalog's times do, so a time in the catalog is the same moment in the preview.
 */
export function previewArgs(input: string, output: string, plan: PreviewPlan): string[] {
  const rate = plan.maxrateKbps;
  const long = PREVIEW_LONG_SIDE;
  const size =
    plan.width && plan.height
      ? `${plan.width}:${plan.height}`
      : `w='min(${long},iw)':h='min(${long},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2`;
  return [
    '-hide_banner',
    '-loglevel',
    'info',
    // Progress is reported with the statistics lines: -nostats would silence it.
    '-stats_period',
    '1',
    '-i',
    input,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-sn',
    '-dn',
    '-vf',
    // fast_bilinear: measured with SIMD off (as in ffmpeg.wasm), 10–30% less CPU for the whole transcode than
    // bilinear, and no visible difference at this size.
    `scale=${size}:flags=fast_bilinear,format=yuv420p`,
    '-fpsmax',
    String(plan.fpsMax),
    '-c:v',
    'libx264',
    // Measured in ffmpeg.wasm (no SIMD assembly): ultrafast encodes several times faster than the default preset,
    // at a bigger file for the same quality; a preview is watched once and stays on this device.
    '-preset',
    'ultrafast',
    '-tune',
    'fastdecode',
    '-crf',
    '26',
    '-maxrate',
    `${rate}k`,
    '-bufsize',
    `${rate * 2}k`,
    '-g',
    String(plan.fpsMax * 2),
    '-c:a',
    'aac',
    '-b:a',
    `${PREVIEW_AUDIO_KBPS}k`,
    '-ac',
    '2',
    '-f',
    'mp4',
    output,
  ];
}

/** The timeout for a preview: ffmpeg.wasm runs about 20× slower than native; generous, never under two minutes. */
export function previewTimeoutMs(plan: PreviewPlan): number {
  const pixels = ((plan.width ?? 854) * (plan.height ?? 480)) / (854 * 480);
  return Math.max(120_000, Math.ceil(plan.duration * 4000 * Math.max(0.25, pixels)));
}

/**
 * Fraction done from ffmpeg.wasm's progress event: `time` is the output position in microseconds, `progress` ffmpeg's
 * own ratio, right only when it read the duration from the input header. The catalog's duration comes first.
 */
export function progressFraction(event: { time: number; progress: number }, duration: number): number {
  if (duration > 0) return event.time > 0 ? Math.min(1, event.time / 1e6 / duration) : 0;
  return event.progress > 0 && event.progress <= 1 ? event.progress : 0;
}

/** The blob-store key of a video's preview, tied to the file's modified time: a changed file needs a new one. */
export const previewKey = (videoId: number, modifiedAt: number) => `preview-${videoId}-${Math.round(modifiedAt)}`;

/** Keys of older previews of the same video, to delete once a new one is stored. */
export const isPreviewOf = (key: string, videoId: number) => key.startsWith(`preview-${videoId}-`);
