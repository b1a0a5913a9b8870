/** Folders of files kept in OPFS (models, text languages): walking them and copying picked files in. */

/** Every file under `dir`, with its path relative to it. */
export async function* walkFiles(dir: FileSystemDirectoryHandle, prefix = ''): AsyncGenerator<[string, File]> {
  for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind === 'directory') yield* walkFiles(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
    else yield [`${prefix}${name}`, await (handle as FileSystemFileHandle).getFile()];
  }
}

/** The names of the entries of `dir`. */
export async function entryNames(dir: FileSystemDirectoryHandle): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const [name] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) names.add(name);
  return names;
}

/**
 * Streams picked files into `root` at their paths (folders made as needed), reporting the bytes copied so far.
 * A model's weights are hundreds of megabytes: they are never read into memory whole.
 */
export async function copyFilesInto(
  root: FileSystemDirectoryHandle,
  files: readonly { path: string; file: File }[],
  onProgress?: (copied: number, total: number) => void,
): Promise<void> {
  const total = files.reduce((n, f) => n + f.file.size, 0);
  let copied = 0;
  for (const { path, file } of files) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
    const writable = await (await dir.getFileHandle(parts[parts.length - 1], { create: true })).createWritable();
    await file.stream().pipeTo(writable);
    copied += file.size;
    onProgress?.(copied, total);
  }
}
