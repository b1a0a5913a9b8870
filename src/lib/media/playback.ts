// What the player needs to know about a catalogued video before and while it plays. Pure: the browser's
// canPlayType is passed in, so this runs in Node for the tests.

/**
 * The MIME type to ask `canPlayType` about, per codec as ffprobe names it, in the container browsers know it
 * from. Codecs missing here have no browser that plays them (WMV, FLV, MPEG-2 …).
 */
const codecMimes: Record<string, string> = {
  h264: 'video/mp4; codecs="avc1.42E01E"',
  hevc: 'video/mp4; codecs="hvc1.1.6.L93.B0"',
  av1: 'video/mp4; codecs="av01.0.05M.08"',
  vp8: 'video/webm; codecs="vp8"',
  vp9: 'video/webm; codecs="vp9"',
  theora: 'video/ogg; codecs="theora"',
  mpeg4: 'video/mp4; codecs="mp4v.20.8"',
  prores: 'video/quicktime; codecs="apcn"',
};

/** Containers as ffprobe names them (first name of its list) and the MIME type browsers answer for. */
const containerMimes: Record<string, string> = {
  mov: 'video/mp4',
  mp4: 'video/mp4',
  matroska: 'video/webm',
  webm: 'video/webm',
  ogg: 'video/ogg',
  avi: 'video/x-msvideo',
  mpegts: 'video/mp2t',
  flv: 'video/x-flv',
  asf: 'video/x-ms-asf',
  mpeg: 'video/mpeg',
};

export type NativePlayback = 'yes' | 'no' | 'unknown';

/**
 * Whether this browser can show the picture of a video, from the catalogued container and codec. 'unknown'
 * when the video has not been probed: the player tries, and the <video> element tells.
 * Chromium plays the sound of an HEVC or ProRes file and shows nothing, without an error: hence asking first.
 */
export function nativePlayback(
  video: { container: string | null; videoCodec: string | null },
  canPlayType: (mime: string) => string,
): NativePlayback {
  if (!video.videoCodec) return 'unknown';
  const codec = codecMimes[video.videoCodec];
  if (!codec || canPlayType(codec) === '') return 'no';
  const container = video.container ? containerMimes[video.container.split(',')[0]] : undefined;
  // An unknown container name is not held against the file: the element will tell.
  if (container && canPlayType(container) === '') return 'no';
  return 'yes';
}

/** One frame's duration in seconds, for frame stepping; 30 fps when the rate is unknown. */
export function frameDuration(fps: number | null): number {
  return 1 / (fps && fps > 0 && Number.isFinite(fps) ? fps : 30);
}

/**
 * Where a frame step from `time` lands: the start of the next (or previous) frame, plus a millisecond so float
 * error never shows the frame before it. Kept inside the video: the last frame starts a frame before the end.
 */
export function stepFrame(time: number, fps: number | null, direction: 1 | -1, duration: number): number {
  const frame = frameDuration(fps);
  // A time a hair before a boundary (float error, or our own millisecond) counts as that frame.
  const index = Math.floor(time / frame + 0.05);
  const target = Math.max(0, (index + direction) * frame) + 0.001;
  return duration > 0 ? Math.min(target, Math.max(0, duration - frame + 0.001)) : target;
}

/** Index of the scene holding `time` (scenes sorted by start), or -1 when there are none. */
export function sceneAt(scenes: readonly { start: number }[], time: number): number {
  let found = scenes.length > 0 ? 0 : -1;
  for (let i = 1; i < scenes.length; i++) {
    if (scenes[i].start <= time + 1e-3) found = i;
    else break;
  }
  return found;
}

/** 75.43 → "1:15.4", 3725 → "1:02:05.0": the player's clock, to a tenth of a second. */
export function formatClock(seconds: number): string {
  const tenths = Math.max(0, Math.floor((Number.isFinite(seconds) ? seconds : 0) * 10 + 1e-6));
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Playback speeds L steps up through and J steps down through. */
export const speeds = [1, 1.5, 2, 4] as const;

/** The next speed up (L while playing) or down (J while playing faster than normal); stays at the ends. */
export function nextSpeed(rate: number, direction: 1 | -1): number {
  const i = speeds.findIndex((s) => s >= rate - 1e-6);
  const at = i < 0 ? speeds.length - 1 : i;
  return speeds[Math.min(speeds.length - 1, Math.max(0, at + direction))];
}
