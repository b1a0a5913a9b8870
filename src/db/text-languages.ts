import { languageSlug } from '../lib/screen-text/language-folder';
import type { TextLanguage } from '../lib/screen-text/types';
import { copyFilesInto, entryNames, walkFiles } from '../lib/opfs-files';

/**
 * Languages for text on screen kept in OPFS, one folder each under `text-languages/<id>/`: the recognition model as
 * `recognition.onnx`, its dictionary as `dictionary.txt`, and `language.json` written last (a folder without it is
 * a copy cut short). The screen-text worker adds, lists, removes and reads them (Settings → Text on screen).
 */

/** What `language.json` holds. */
export type TextLanguageMeta = Omit<TextLanguage, 'id' | 'bytes'>;

export class MissingLanguageError extends Error {
  override name = 'MissingLanguageError';
}

const rootName = 'text-languages';
const modelFile = 'recognition.onnx';
const dictionaryFile = 'dictionary.txt';
const metaFile = 'language.json';

async function languagesRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true });
}

async function readMeta(dir: FileSystemDirectoryHandle): Promise<TextLanguageMeta | null> {
  try {
    return JSON.parse(await (await (await dir.getFileHandle(metaFile)).getFile()).text()) as TextLanguageMeta;
  } catch {
    return null; // no meta: a copy that did not finish
  }
}

/** Every installed language, oldest first (folders of copies cut short are passed over). */
export async function listTextLanguages(): Promise<TextLanguage[]> {
  if (typeof navigator.storage?.getDirectory !== 'function') return [];
  const root = await languagesRoot();
  const found: TextLanguage[] = [];
  for (const id of await entryNames(root)) {
    const dir = await root.getDirectoryHandle(id).catch(() => null);
    if (!dir) continue; // a file, not ours
    const meta = await readMeta(dir);
    if (!meta) continue;
    let bytes = 0;
    for await (const [, file] of walkFiles(dir)) bytes += file.size;
    found.push({ ...meta, id, bytes });
  }
  return found.sort((a, b) => a.addedAt - b.addedAt);
}

export async function removeTextLanguage(id: string): Promise<void> {
  try {
    await (await languagesRoot()).removeEntry(id, { recursive: true });
  } catch (err) {
    // Already gone is what was asked for.
    if ((err as DOMException).name !== 'NotFoundError') throw err;
  }
}

/**
 * Copies a language's model and dictionary (already checked) into a new folder named after it, its meta last: a
 * copy cut short is never taken for a language. Returns the folder's id.
 */
export async function copyTextLanguage(
  meta: TextLanguageMeta,
  model: File,
  dictionary: File,
  onProgress?: (copied: number, total: number) => void,
): Promise<string> {
  const root = await languagesRoot();
  const taken = await entryNames(root);
  const base = languageSlug(meta.name);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  const dir = await root.getDirectoryHandle(id, { create: true });
  try {
    const files = [
      { path: modelFile, file: model },
      { path: dictionaryFile, file: dictionary },
    ];
    await copyFilesInto(dir, files, onProgress);
    const writable = await (await dir.getFileHandle(metaFile, { create: true })).createWritable();
    await writable.write(JSON.stringify(meta, null, 2));
    await writable.close();
  } catch (err) {
    await removeTextLanguage(id);
    throw err;
  }
  return id;
}

/** A language's files, as the screen-text worker loads them; MissingLanguageError when it is not installed (any more). */
export async function readTextLanguage(id: string): Promise<{ model: Uint8Array; dictionary: string }> {
  const missing = () =>
    new MissingLanguageError(
      `The text language “${id}” is not installed any more (its files were removed): add it again, or choose ` +
        'another language for this library in Settings → Text on screen.',
    );
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await (await languagesRoot()).getDirectoryHandle(id);
  } catch {
    throw missing();
  }
  if (!(await readMeta(dir))) throw missing();
  try {
    const model = await (await dir.getFileHandle(modelFile)).getFile();
    const dictionary = await (await dir.getFileHandle(dictionaryFile)).getFile();
    return { model: new Uint8Array(await model.arrayBuffer()), dictionary: await dictionary.text() };
  } catch (err) {
    if ((err as DOMException).name === 'NotFoundError') throw missing();
    throw err;
  }
}

/** When a language was added (0 when it is not installed): a language added again is a new one to the worker. */
export async function textLanguageStamp(id: string): Promise<number> {
  try {
    return (await readMeta(await (await languagesRoot()).getDirectoryHandle(id)))?.addedAt ?? 0;
  } catch {
    return 0; // not installed
  }
}
