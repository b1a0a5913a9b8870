// Burn in captions (issue 14): a video's caption lines written as an ASS script in the chosen style, and the ffmpeg
// command that draws them into the picture with libass. Pure builders, unit-tested in Node; the same command runs on
// native ffmpeg in the benchmark.
import { stemOf } from './naming';
import type { Cue } from '../subtitles/types';

export type CaptionSize = 'small' | 'medium' | 'large';
export type CaptionOutline = 'none' | 'thin' | 'thick';
export type CaptionPosition = 'bottom' | 'top';

/** How the burned-in lines look: the size and outline scale with the picture, so a style reads alike at any size. */
export interface CaptionStyle {
  size: CaptionSize;
  /** '#rrggbb', as <input type="color"> gives it. */
  colour: string;
  outline: CaptionOutline;
  position: CaptionPosition;
}

export const defaultCaptionStyle: CaptionStyle = {
  size: 'medium',
  colour: '#ffffff',
  outline: 'thin',
  position: 'bottom',
};

/** Line height as a share of the picture's height. */
const sizeShare: Record<CaptionSize, number> = { small: 0.045, medium: 0.06, large: 0.08 };
/** Outline width as a share of the picture's height (a black edge that keeps light text readable on light scenes). */
const outlineShare: Record<CaptionOutline, number> = { none: 0, thin: 0.0035, thick: 0.007 };
/** Space between the lines and the picture's edge, as a share of its height (the margin of the player's captions). */
const marginShare = 0.05;

/** The font the app serves and writes into ffmpeg's file system; libass picks it by this family name. */
export const captionFont = { family: 'DejaVu Sans', file: 'DejaVuSans.ttf' };

/**
 * '#rrggbb' (or '#rgb') → '&H00BBGGRR': ASS writes colours blue first, with an alpha byte in front (00 opaque).
 * Anything else is white, the captions' usual colour.
 */
export function assColour(hex: string): string {
  let h = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim())?.[1] ?? 'ffffff';
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const [r, g, b] = [h.slice(0, 2), h.slice(2, 4), h.slice(4, 6)];
  return `&H00${b}${g}${r}`.toUpperCase();
}

/**
 * A caption's text as an ASS Dialogue text: its lines joined by `\N`, braces escaped (`\{`, which libass draws as
 * a brace) so "{y}" is shown rather than taken for an override block, and every backslash followed by a zero-width
 * space so a "\N" or "\h" the speaker's words hold is drawn as written instead of breaking the line.
 */
export function assText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n')
    .replace(/\\/g, '\\\u200b')
    .replace(/[{}]/g, '\\$&')
    .replace(/\n/g, '\\N');
}

/** 3725.5 → '1:02:05.50': ASS times are hours without padding and centiseconds. */
export function assTime(seconds: number): string {
  const cs = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 100));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${pad(m)}:${pad(s)}.${pad(cs % 100)}`;
}

/** The picture's size as shown (a phone video turned by its rotation), or 720p when it is not measured yet. */
export function frameSize(video: { width: number | null; height: number | null; rotation?: number | null }): {
  width: number;
  height: number;
} {
  if (!(video.width && video.height && video.width > 0 && video.height > 0)) return { width: 1280, height: 720 };
  const turned = Math.abs(video.rotation ?? 0) % 180 === 90;
  return turned ? { width: video.height, height: video.width } : { width: video.width, height: video.height };
}

/**
 * The ASS script: one style, the script's coordinates the picture's own pixels (so sizes are pixels of the output),
 * one Dialogue per cue with words. Alignment 2 is bottom centre, 8 top centre (the numeric keypad's layout).
 */
export function captionsAss(
  cues: readonly Cue[],
  style: CaptionStyle,
  frame: { width: number; height: number },
): string {
  const { width, height } = frame;
  const size = Math.max(8, Math.round(height * sizeShare[style.size]));
  const outline = +(height * outlineShare[style.outline]).toFixed(1);
  const margin = Math.round(height * marginShare);
  const side = Math.round(width * marginShare);
  const colour = assColour(style.colour);
  const alignment = style.position === 'top' ? 8 : 2;
  const fields =
    'Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, ' +
    'StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding';
  const events = cues
    .map((c) => ({ start: c.start, end: c.end, text: assText(c.text) }))
    .filter((c) => c.text.length > 0 && c.end > c.start)
    .map((c) => `Dialogue: 0,${assTime(c.start)},${assTime(c.end)},Caption,,0,0,0,,${c.text}`);
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    `Format: ${fields}`,
    `Style: Caption,${captionFont.family},${size},${colour},${colour},&H00000000,&H80000000,` +
      `0,0,0,0,100,100,0,0,1,${outline},0,${alignment},${side},${side},${margin},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}

/** Whether any cue has words to draw. */
export const hasCaptionText = (cues: readonly Cue[]) => cues.some((c) => c.end > c.start && assText(c.text) !== '');

/** "beach.mov" → "beach captions.mp4": the output is always MP4 (H.264 and the sound). */
export const burnInFileName = (parentName: string) => `${stemOf(parentName)} captions.mp4`;

/** Sound codecs an MP4 holds as they are; any other sound is encoded as AAC. */
const mp4Sound = new Set(['aac', 'mp3', 'opus', 'ac3', 'eac3', 'flac', 'alac']);

/** What a burn-in job hands the tools worker: the script, how the sound goes, and the measures of its run. */
export interface BurnInPlan {
  ass: string;
  sound: 'copy' | 'aac';
  /** Seconds, for progress. */
  duration: number;
  timeoutMs: number;
}

export function burnInPlan(
  video: {
    width: number | null;
    height: number | null;
    rotation?: number | null;
    duration: number | null;
    audioCodec: string | null;
  },
  cues: readonly Cue[],
  style: CaptionStyle,
): BurnInPlan {
  const frame = frameSize(video);
  const duration = video.duration && video.duration > 0 ? video.duration : 0;
  // Measured in ffmpeg.wasm: about 0.8 s of work per second of 720p with the preset below; ten times that, or more
  // for bigger pictures, before the run is taken for stuck.
  const pixels = (frame.width * frame.height) / (1280 * 720);
  // With no duration (a file neither the catalog nor mediabunny could measure) there is no telling: six hours.
  const timeoutMs =
    duration > 0 ? Math.max(120_000, Math.ceil(duration * 8000 * Math.max(0.25, pixels))) : 6 * 3600_000;
  const sound = video.audioCodec === null || mp4Sound.has(video.audioCodec.toLowerCase()) ? 'copy' : 'aac';
  return { ass: captionsAss(cues, style, frame), sound, duration, timeoutMs };
}

/** Where the worker puts the script and the font in ffmpeg's file system. */
export const burnInPaths = { ass: '/burn/captions.ass', fonts: '/fonts' };

/**
 * The command: first picture and first sound (if any), the captions drawn by the `ass` filter with only the fonts
 * of `fontsDir` (this build of libass has no fontconfig: nothing else is looked for), H.264 for the picture and the
 * sound copied when MP4 holds it. Timestamps are kept, so a caption lands where the player showed it.
 */
export function burnInArgs(
  input: string,
  output: string,
  plan: Pick<BurnInPlan, 'sound'>,
  paths = burnInPaths,
): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'info', '-stats_period', '1'],
    ...['-i', input, '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn'],
    ...['-vf', `ass=${paths.ass}:fontsdir=${paths.fonts},format=yuv420p`],
    // Measured in ffmpeg.wasm on 720p: ultrafast 0.55 s, superfast 0.8 s, veryfast 1.15 s of work per second of
    // video; superfast's file is a quarter smaller than ultrafast's, and a burned-in copy is kept.
    ...['-c:v', 'libx264', '-preset', 'superfast', '-crf', '20'],
    ...(plan.sound === 'copy' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '160k']),
    ...['-movflags', '+faststart', '-f', 'mp4', output],
  ];
}
