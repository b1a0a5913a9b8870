// Exact cut on ffmpeg.wasm (issue 14): when the browser has no WebCodecs encoder (or decoder) for a video's picture,
// an exact start re-encodes the whole range as H.264 in MP4 with ffmpeg.wasm, which decodes what WebCodecs cannot
// here (HEVC, MPEG-4 …). Pure: the command and the plan, tested in Node; src/workers/tools/exact-cut.ts runs it.
import { formatTimestamp } from '../format';
import { clipFileName } from './naming';
import type { ClipRange } from './range';

/** Sound codecs an MP4 holds as they are; any other sound is encoded as AAC. */
const mp4Sound = new Set(['aac', 'mp3', 'opus', 'ac3', 'eac3', 'flac', 'alac']);

export interface ExactCutPlan {
  range: ClipRange;
  sound: 'copy' | 'aac';
  timeoutMs: number;
}

export function exactCutPlan(
  range: ClipRange,
  video: { width: number | null; height: number | null; audioCodec: string | null },
): ExactCutPlan {
  const seconds = range.end - range.start;
  // ffmpeg.wasm encodes 720p at about 0.8 s of work per second of video (src/lib/clips/burn-in.ts): ten times that,
  // scaled by the picture's size, before the run is taken for stuck.
  const pixels = ((video.width ?? 1280) * (video.height ?? 720)) / (1280 * 720);
  const timeoutMs = Math.max(120_000, Math.ceil(seconds * 8000 * Math.max(0.25, pixels)));
  const sound = video.audioCodec === null || mp4Sound.has(video.audioCodec.toLowerCase()) ? 'copy' : 'aac';
  return { range: { start: range.start, end: range.end }, sound, timeoutMs };
}

/**
 * The command: an input seek to the in point (ffmpeg decodes from the key frame before it and drops what comes
 * before, so the first picture is the in point's), the range's length, picture and first sound.
 */
export function exactCutArgs(input: string, output: string, plan: ExactCutPlan): string[] {
  const { start, end } = plan.range;
  return [
    ...['-hide_banner', '-loglevel', 'info', '-stats_period', '1'],
    ...['-ss', start.toFixed(3), '-i', input, '-t', (end - start).toFixed(3)],
    ...['-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn', '-vf', 'format=yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'superfast', '-crf', '20'],
    ...(plan.sound === 'copy' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '160k']),
    ...['-movflags', '+faststart', '-f', 'mp4', output],
  ];
}

/** The clip's name: always MP4, whatever the source, as the picture is H.264 now. */
export const exactCutFileName = (parentName: string, range: ClipRange) => clipFileName(parentName, range, 'mp4');

/** Said on the job's row: everything was re-encoded, with what, and why not the faster way. */
export function exactCutNote(plan: ExactCutPlan, reason: string): string {
  const seconds = (Math.round((plan.range.end - plan.range.start) * 10) / 10).toFixed(1);
  const sound = plan.sound === 'copy' ? 'the sound copied' : 'the sound encoded as AAC';
  return `Re-encoded all ${seconds} s from ${formatTimestamp(plan.range.start)} as H.264 with ffmpeg.wasm (${sound}): ${reason.replace(/\.$/, '')}, so WebCodecs could not re-encode only up to the first key frame.`;
}
