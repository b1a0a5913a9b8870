import { subtitleFormatOf } from '../lib/subtitles/parse';
import type { FoundFile } from '../lib/types';
import { isHiddenPath, isVideoFile } from '../lib/video-files';

/** A library's files as the scan and the jobs see them: a directory handle, or Files picked this visit. */
export type FolderSource =
  { kind: 'handle'; root: FileSystemDirectoryHandle } | { kind: 'files'; files: { path: string; file: File }[] };

export class FileGoneError extends Error {
  override name = 'FileGoneError';
  constructor(path: string) {
    super(`“${path}” is no longer in the folder (moved, renamed or deleted). Rescan the library to update it.`);
  }
}

/** How many files' size and mtime are read at once during a walk. */
const statConcurrency = 32;

/**
 * Walks a folder and yields every video file (by extension, case-insensitive; hidden files skipped) with
 * its size and mtime. `onFile` is told about every file seen, video or not, for progress; `onSubtitle` about
 * every subtitle file (.srt, .vtt, .ass, .ssa), which the scan links to the videos beside it.
 */
export async function* walkVideos(
  source: FolderSource,
  onFile: () => void,
  onSubtitle: (found: FoundFile) => void = () => {},
): AsyncGenerator<FoundFile & { file?: File }> {
  if (source.kind === 'files') {
    for (const { path, file } of source.files) {
      onFile();
      if (isHiddenPath(path)) continue;
      if (isVideoFile(path)) yield { path, size: file.size, modifiedAt: file.lastModified, file };
      else if (subtitleFormatOf(path)) onSubtitle({ path, size: file.size, modifiedAt: file.lastModified });
    }
    return;
  }
  const pending: [FileSystemDirectoryHandle, string][] = [[source.root, '']];
  while (pending.length > 0) {
    const [dir, prefix] = pending.pop()!;
    /** Videos and subtitle files, whose size and mtime are read below. */
    const videos: [string, FileSystemFileHandle][] = [];
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (isHiddenPath(name)) continue;
      if (handle.kind === 'directory') {
        pending.push([handle as FileSystemDirectoryHandle, path]);
        continue;
      }
      onFile();
      if (isVideoFile(name) || subtitleFormatOf(name)) videos.push([path, handle as FileSystemFileHandle]);
    }
    // getFile() is a round trip to the browser process each: overlap a few at a time.
    for (let i = 0; i < videos.length; i += statConcurrency) {
      const chunk = videos.slice(i, i + statConcurrency);
      const files = await Promise.all(chunk.map(([, handle]) => handle.getFile()));
      for (const [j, file] of files.entries()) {
        const found = { path: chunk[j][0], size: file.size, modifiedAt: file.lastModified };
        if (isVideoFile(found.path)) yield { ...found, file };
        else onSubtitle(found);
      }
    }
  }
}

const fileIndex = new WeakMap<object, Map<string, File>>();

/** Opens one file of a library by its relative path. */
export async function openFile(source: FolderSource, path: string): Promise<File> {
  if (source.kind === 'files') {
    let index = fileIndex.get(source.files);
    if (!index) fileIndex.set(source.files, (index = new Map(source.files.map((f) => [f.path, f.file]))));
    const hit = index.get(path);
    if (!hit) throw new FileGoneError(path);
    return hit;
  }
  const parts = path.split('/');
  let dir = source.root;
  try {
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    return await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
  } catch (err) {
    if ((err as Error).name === 'NotFoundError' || (err as Error).name === 'TypeMismatchError')
      throw new FileGoneError(path);
    throw err;
  }
}
