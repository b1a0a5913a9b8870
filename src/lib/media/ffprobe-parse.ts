// Pure parsers for what ffprobe/ffmpeg (native or ffmpeg.wasm 0.12, both FFmpeg 5.1) print. No DOM, no wasm:
// unit-tested in Node against real outputs of Debian's ffprobe 5.1.
import { BadMediaError, type ProbeResult } from './types';

/** The probe result plus what the ffmpeg tier itself needs to build later commands. */
export interface ProbeDetails {
  result: ProbeResult;
  /** Seconds; the container's first timestamp (1.4 s in many MPEG-TS files). Our times are relative to it. */
  startTime: number;
  /** Pixel format of the video stream; missing when ffprobe could not open a decoder for it. */
  pixelFormat: string | null;
}

/** One showinfo line: a frame ffmpeg actually output, in order. Times are relative to the input's -ss. */
export interface ShownFrame {
  /** Seconds. */
  time: number;
  /** The same in ticks of `timeBase` (null when showinfo did not print its time base). */
  pts: number;
  timeBase: number | null;
  keyframe: boolean;
}

interface Stream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface Format {
  format_name?: string;
  duration?: string;
  start_time?: string;
  bit_rate?: string;
  size?: string;
  tags?: Record<string, string>;
}

const num = (value: string | number | undefined): number | null => {
  if (value === undefined || value === '' || value === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** "30000/1001" → 29.97; "0/0" (audio, or unknown) → null. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [a, b = '1'] = rate.split(/[/:]/);
  const value = Number(a) / Number(b);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** Any angle → 0, 90, 180 or 270. */
export const normaliseRotation = (degrees: number): number => (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;

/**
 * Clockwise rotation the player applies. FFmpeg ≥ 5 reports the display matrix as `rotation`, counter-clockwise
 * (an iPhone portrait video says -90); older muxers left a clockwise `rotate` tag, which still shows up in some files.
 */
export function streamRotation(stream: Stream): number {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number');
  if (matrix?.rotation !== undefined) return normaliseRotation(-matrix.rotation);
  const tag = num(stream.tags?.rotate);
  return tag === null ? 0 : normaliseRotation(tag);
}

/** Matroska keeps per-stream durations as a "00:01:02.500000000" tag. */
function parseClock(value: string | undefined): number | null {
  const m = value?.match(/^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

function parseCreated(...values: (string | undefined)[]): number | null {
  for (const value of values) {
    if (!value) continue;
    const ms = Date.parse(value);
    // Cameras without a clock write 0, which QuickTime spells 1904 and others 1970: not a real date.
    if (Number.isFinite(ms) && new Date(ms).getUTCFullYear() > 1970) return ms;
  }
  return null;
}

/**
 * ffprobe names demuxers, not containers ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"): pick the name matching the
 * file's extension, else tell mov from mp4 by the major brand, else take the first name.
 */
export function containerName(format: Format, fileName: string): string | null {
  const names = (format.format_name ?? '').split(',').filter(Boolean);
  if (names.length === 0) return null;
  const ext = fileName.match(/\.([a-z0-9]+)$/i)?.[1]?.toLowerCase();
  if (ext && names.includes(ext)) return ext;
  if (names[0] === 'mov') return format.tags?.major_brand?.trim() === 'qt' ? 'mov' : 'mp4';
  return names[0];
}

/** Parses `ffprobe -print_format json -show_format -show_streams`. Throws BadMediaError when there is no video. */
export function parseProbeJson(json: string, fileName: string, fileSize: number): ProbeDetails {
  let data: { streams?: Stream[]; format?: Format };
  try {
    data = JSON.parse(json) as typeof data;
  } catch {
    throw new BadMediaError(`“${fileName}” could not be read as a video: ffprobe printed no usable description.`);
  }
  const streams = data.streams ?? [];
  const format = data.format ?? {};
  // Cover art in music files is a "video" stream with attached_pic: a still image, not a video track.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new BadMediaError(`“${fileName}” has no video track.`);
  const audio = streams.find((s) => s.codec_type === 'audio');

  const duration =
    num(format.duration) ?? num(video.duration) ?? parseClock(video.tags?.DURATION ?? video.tags?.duration) ?? 0;
  const rotation = streamRotation(video);
  const sar = parseRate(video.sample_aspect_ratio) ?? 1;
  // Anamorphic video (DV, DVD) stores fewer columns than it shows: widen by the sample aspect ratio.
  const storedWidth = video.width ?? 0;
  const shownWidth = sar === 1 ? storedWidth : Math.round(storedWidth * sar);
  const shownHeight = video.height ?? 0;
  const sideways = rotation === 90 || rotation === 270;
  // The average rate, unless it passes the stream's base rate: an FLV whose header says 1000 fps (its millisecond
  // time base) has r_frame_rate 60, and refinement took its frames for a millisecond apart.
  const [average, base] = [parseRate(video.avg_frame_rate), parseRate(video.r_frame_rate)];
  const fps = average !== null && base !== null ? Math.min(average, base) : (average ?? base);
  const bitrate = num(format.bit_rate) ?? (duration > 0 && fileSize > 0 ? Math.round((fileSize * 8) / duration) : null);

  return {
    result: {
      duration,
      width: sideways ? shownHeight : shownWidth,
      height: sideways ? shownWidth : shownHeight,
      fps: fps !== null && fps <= 1000 ? fps : null,
      videoCodec: video.codec_name ?? null,
      audioCodec: audio?.codec_name ?? null,
      container: containerName(format, fileName),
      bitrate,
      rotation,
      hasAudio: audio !== undefined,
      createdAt: parseCreated(format.tags?.creation_time, video.tags?.creation_time),
    },
    startTime: num(format.start_time) ?? 0,
    pixelFormat: video.pix_fmt && video.pix_fmt !== 'none' ? video.pix_fmt : null,
  };
}

/**
 * Parses `-show_entries packet=pts_time,dts_time,flags -of compact=p=0` ("pts_time=1.0|dts_time=0.9|flags=K_")
 * into the times of key packets, in file order. The DTS stands in when a packet has no PTS (AVI, raw streams).
 */
export function parseKeyPackets(text: string): number[] {
  const times: number[] = [];
  for (const line of text.split('\n')) {
    const fields = new Map<string, string>();
    for (const pair of line.trim().split('|')) {
      const eq = pair.indexOf('=');
      if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    if (!fields.get('flags')?.startsWith('K')) continue;
    const t = num(fields.get('pts_time')) ?? num(fields.get('dts_time'));
    if (t !== null) times.push(t);
  }
  return times;
}

/**
 * The frames `showinfo` saw, from ffmpeg's log ("config in time_base: 1/12800", then per frame "n:   0 pts:  7680
 * pts_time:0.5 … iskey:1 type:I"). Times come from the integer pts and the time base when both are there:
 * pts_time is printed with 6 significant digits only, milliseconds off an hour into a film.
 */
export function parseShowinfo(lines: readonly string[]): ShownFrame[] {
  const frames: ShownFrame[] = [];
  let timeBase: number | null = null;
  for (const line of lines) {
    const tb = line.match(/config in time_base:\s*(\d+)\/(\d+)/);
    if (tb) timeBase = Number(tb[2]) > 0 ? Number(tb[1]) / Number(tb[2]) : null;
    const m = line.match(/\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(-?[\d.e+-]+)\s.*?\biskey:([01])/);
    if (m) {
      frames.push({
        time: timeBase ? Number(m[1]) * timeBase : Number(m[2]),
        pts: Number(m[1]),
        timeBase,
        keyframe: m[3] === '1',
      });
    }
  }
  return frames;
}

/**
 * The reason ffmpeg cannot decode this stream, when its log says so: the wasm core has no AV1 decoder (FFmpeg 5.1's
 * native one needs hardware), and builds can lack others. Null when the log shows no such problem.
 */
export function findDecoderProblem(lines: readonly string[]): string | null {
  const patterns = [
    /Decoder \(codec [\w-]+\) not found/i,
    /Unsupported codec with id \d+/i,
    /doesn't sup+ort hardware accelerated \w+ decoding/i,
    /Failed to get pixel format/i,
    /Could not find codec parameters for stream \d+ \(Video: (none|unknown)/i,
    /Error while opening decoder/i,
  ];
  for (const line of lines) if (patterns.some((p) => p.test(line))) return line.replace(/^\[[^\]]*\]\s*/, '').trim();
  return null;
}

/** A log line saying the file's data ends early or is cut up: what a partial download or a full disk leaves. */
export function findDamage(lines: readonly string[]): string | null {
  const damage =
    /partial file|File ended prematurely|Truncating packet|truncated|unexpected end of file|EOF in the middle|Read error|Packet corrupt|moov atom not found/i;
  const line = lines.find((l) => damage.test(l));
  return line
    ? line
        .replace(/^\[[^\]]*\]\s*/, '')
        .trim()
        .replace(/\.$/, '')
    : null;
}

/** The last line of a failed run that explains it ("moov atom not found", "Invalid data found …"). */
export function lastErrorLine(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].replace(/^\[[^\]]*\]\s*/, '').trim();
    if (line && !/^Aborted\(|^Conversion failed|^Exiting normally/i.test(line)) return line;
  }
  return null;
}

/** A wasm trap: the instance's memory is no longer trustworthy and it must be replaced, not reused. */
export const isWasmCrash = (message: string): boolean =>
  /memory access out of bounds|RuntimeError|unreachable|out of memory|Cannot enlarge memory|table index is out of bounds/i.test(
    message,
  );
