/** Extensions Framefinder catalogs, lower case, without the dot. */
export const videoExtensions: ReadonlySet<string> = new Set([
  'mp4',
  'm4v',
  'mov',
  'qt',
  'webm',
  'mkv',
  'avi',
  'ogv',
  'wmv',
  'flv',
  'ts',
  'mts',
  'm2ts',
  '3gp',
  'mpg',
  'mpeg',
]);

/** The extension of a file name, lower case, '' when there is none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isVideoFile(name: string): boolean {
  return videoExtensions.has(extensionOf(name));
}

/** Folder part of a '/'-separated relative path: '' for a file at the root. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Files the OS litters into folders; never catalogued even when they carry a video extension. */
export function isHiddenPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

/** A name as the name filter compares it: Unicode-normalized (macOS gives decomposed names) and lower case. */
export function foldName(name: unknown): string | null {
  return name === null || name === undefined ? null : String(name).normalize('NFC').toLowerCase();
}
