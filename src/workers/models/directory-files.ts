import type { ModelFiles } from './hub-files';

const isNotFound = (err: unknown) =>
  err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError');

/** A model folder behind a directory handle (the page passes one from OPFS; handles are structured-cloneable). */
export function directoryFiles(root: FileSystemDirectoryHandle): ModelFiles {
  async function parentOf(path: string, create: boolean) {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (!name) throw new TypeError(`Not a file path: "${path}"`);
    let dir = root;
    for (const part of parts) dir = await dir.getDirectoryHandle(part, { create });
    return { dir, name };
  }
  return {
    async read(path) {
      try {
        const { dir, name } = await parentOf(path, false);
        const file = await (await dir.getFileHandle(name)).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async write(path, bytes) {
      const { dir, name } = await parentOf(path, true);
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
    },
  };
}
