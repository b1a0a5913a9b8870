const units = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB"; decimal units, as file managers show them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** One formatter for every count: `toLocaleString` builds a new one per call, which the sidebar felt. */
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}

/** "Nov 21, 2026": the day a file was modified, as the list shows it. */
export function formatDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "1 video", "2 videos". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** 75.4 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The resolution label people use, from the short side (so portrait videos label like landscape ones). */
export function resolutionLabel(width: number | null, height: number | null): string {
  if (!width || !height) return '';
  const short = Math.min(width, height);
  if (short >= 2160) return '4K';
  if (short >= 1440) return '1440p';
  if (short >= 1080) return '1080p';
  if (short >= 720) return '720p';
  return 'SD';
}

/** "MP4 · H.264": container and video codec as people know them. */
export function formatLabel(container: string | null, codec: string | null): string {
  const codecs: Record<string, string> = {
    h264: 'H.264',
    hevc: 'HEVC',
    vp8: 'VP8',
    vp9: 'VP9',
    av1: 'AV1',
    mpeg4: 'MPEG-4',
    prores: 'ProRes',
    theora: 'Theora',
    mpeg2video: 'MPEG-2',
    wmv3: 'WMV',
    flv1: 'FLV',
  };
  const containers: Record<string, string> = {
    mov: 'MOV',
    mp4: 'MP4',
    matroska: 'MKV',
    webm: 'WebM',
    avi: 'AVI',
    ogg: 'Ogg',
    mpegts: 'TS',
  };
  const parts = [
    container ? (containers[container] ?? container.toUpperCase()) : null,
    codec ? (codecs[codec] ?? codec.toUpperCase()) : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** A moment in a video to a tenth of a second: 761.3 → "12:41.3", 3725.04 → "1:02:05.0". */
export function formatTimestamp(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 0.873 → "87%". */
export const formatPercent = (share: number) => `${Math.round(share * 100)}%`;

/** A share as a whole percentage for a progress bar, 0 to 100 (an unknown total counts as 1). */
export function percent(done: number, total: number): number {
  return Math.min(100, Math.round((done / Math.max(1, total)) * 100));
}
