import { isPermissionError } from '../lib/errors';
import { sidecarFileName } from '../lib/subtitles/tracks';
import type { CueTrack } from '../lib/subtitles/types';
import { toSrt, toWebVtt } from '../lib/subtitles/write';
import type { Video } from '../lib/types';
import { folderOf } from '../lib/video-files';
import { imports } from './import.svelte';

export type ExportFormat = 'srt' | 'vtt';

const mimes: Record<ExportFormat, string> = { srt: 'application/x-subrip', vtt: 'text/vtt' };

/** A track's lines as the file's text. */
export function exportText(track: Pick<CueTrack, 'cues' | 'language'>, format: ExportFormat): string {
  return format === 'srt' ? toSrt(track.cues) : toWebVtt(track.cues, track.language);
}

/** "Download": the browser saves the file where it saves downloads. */
export function downloadSubtitles(video: Video, track: CueTrack, format: ExportFormat): void {
  const blob = new Blob([exportText(track, format)], { type: mimes[format] });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = sidecarFileName(video.name, track.language, format);
  a.click();
  // The download has taken its copy once the click's task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The folder cannot be written: chosen for this visit only, or write access refused or withdrawn. */
export class CannotWriteError extends Error {
  override name = 'CannotWriteError';
}

type WritableHandle = FileSystemDirectoryHandle & {
  queryPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
};

const refused = (folder: string) =>
  new CannotWriteError(
    `Framefinder may not write into “${folder}”: the browser refused access. Nothing was changed and your lines are kept here. Download the file instead, or allow access and save again.`,
  );

/**
 * The video's folder, with permission to write asked for (the browser shows its prompt: call this from a click).
 * Throws CannotWriteError when the folder was chosen for this visit only (no handle to write through) or when
 * access is refused.
 */
export async function videoFolder(video: Video): Promise<FileSystemDirectoryHandle> {
  const source = imports.sourceOf(video.libraryId);
  if (source?.kind !== 'handle')
    throw new CannotWriteError(
      'This folder was chosen for this visit only, so the browser does not let Framefinder write into it. Download the file instead, or open the folder with “Open folder”.',
    );
  const root = source.root as WritableHandle;
  try {
    let state = (await root.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
    if (state === 'prompt' && root.requestPermission) state = await root.requestPermission({ mode: 'readwrite' });
    if (state !== 'granted') throw refused(root.name);
    let dir: FileSystemDirectoryHandle = root;
    for (const part of folderOf(video.path).split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    return dir;
  } catch (err) {
    if (isPermissionError(err)) throw refused(root.name);
    throw err;
  }
}

/** Whether `name` is already a file in `dir`. */
export async function fileExists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await dir.getFileHandle(name);
    return true;
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return false;
    if ((err as Error).name === 'TypeMismatchError') return true; // a folder of that name: not free either
    throw err;
  }
}

/** The first of `talk.en.srt`, `talk.en.2.srt`, `talk.en.3.srt` … that is not taken in `dir`. */
export async function freeName(
  dir: FileSystemDirectoryHandle,
  video: Video,
  track: CueTrack,
  format: ExportFormat,
): Promise<string> {
  for (let n = 2; ; n++) {
    const name = sidecarFileName(video.name, track.language, format, n);
    if (!(await fileExists(dir, name))) return name;
  }
}

/**
 * Writes the file into the video's folder. The browser writes to a temporary file and swaps it in on close, so a
 * failure part-way leaves whatever was there before intact.
 */
export async function writeBeside(
  dir: FileSystemDirectoryHandle,
  name: string,
  track: CueTrack,
  format: ExportFormat,
): Promise<void> {
  const existed = await fileExists(dir, name);
  try {
    const file = await dir.getFileHandle(name, { create: true });
    const writable = await file.createWritable();
    try {
      await writable.write(exportText(track, format));
      await writable.close();
    } catch (err) {
      await writable.abort().catch(() => undefined); // already failed: the original error says why
      throw err;
    }
  } catch (err) {
    // An empty file made by this attempt is not left behind.
    if (!existed) await dir.removeEntry(name).catch(() => undefined);
    if (isPermissionError(err)) throw refused(dir.name);
    throw err;
  }
}
