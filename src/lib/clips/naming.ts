// Names of the files the video tools write: they say what they are and never replace a file already there.
import { extensionOf } from '../video-files';
import type { ClipRange } from './range';

/** The subfolder of the library folder that clips go into. */
export const clipsFolder = 'Clips';

/** 761.9 → "0-12-41": a clock without colons, which file systems refuse or treat as separators. */
export function fileClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds + 1e-6));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}-${String(m).padStart(2, '0')}-${String(s % 60).padStart(2, '0')}`;
}

/** The video's name without its extension: "beach.mp4" → "beach", "notes" → "notes". */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * "beach.mp4", 12:41–12:55 → "beach 0-12-41 to 0-12-55.mp4". The end rounds up, so the name covers the whole clip;
 * `extension` is the output's (a TS file copied into MP4 gets ".mp4").
 */
export function clipFileName(parentName: string, range: ClipRange, extension = extensionOf(parentName)): string {
  const end = Math.ceil(range.end - 1e-6);
  const ext = extension ? `.${extension}` : '';
  return `${stemOf(parentName)} ${fileClock(range.start)} to ${fileClock(end)}${ext}`;
}

/**
 * `name`, or "name (2).ext", "name (3).ext" … the first that is not `taken`. Compared without case: macOS and
 * Windows folders hold one of "A.mp4" and "a.mp4", so writing the second would replace the first.
 */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(name.toLowerCase())) return name;
  const ext = extensionOf(name);
  const stem = stemOf(name);
  for (let n = 2; ; n++) {
    const candidate = ext ? `${stem} (${n}).${ext}` : `${stem} (${n})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

/** Output containers a stream copy can write, by the source's extension; null: this increment cannot copy it. */
export type CopyContainer = 'mp4' | 'mov' | 'webm' | 'mkv';

const copyContainers: Record<string, CopyContainer> = {
  mp4: 'mp4',
  m4v: 'mp4',
  '3gp': 'mp4',
  ts: 'mp4',
  mts: 'mp4',
  m2ts: 'mp4',
  mov: 'mov',
  qt: 'mov',
  webm: 'webm',
  mkv: 'mkv',
};

export function copyContainerFor(extension: string): CopyContainer | null {
  return copyContainers[extension.toLowerCase()] ?? null;
}
