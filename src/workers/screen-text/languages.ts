import {
  copyTextLanguage,
  listTextLanguages,
  readTextLanguage,
  removeTextLanguage,
  textLanguageStamp,
} from '../../db/text-languages';
import {
  checkDictionary,
  LanguageFolderError,
  languageName,
  pickLanguageFiles,
} from '../../lib/screen-text/language-folder';
import type { TextLanguage } from '../../lib/screen-text/types';
import { textReader, textRecogniser, type OrtLike, type TextDetector, type TextReader } from './engine';

/** A file of a picked language folder, with its path inside the folder. */
export interface PickedFile {
  path: string;
  file: File;
}

interface CachedReader {
  /** When the language was added: one removed and added again under the same id is loaded anew. */
  stamp: number;
  reader: Promise<TextReader>;
}

/**
 * Languages for text on screen added from folders (PaddleOCR recognition models with their dictionaries), in the
 * screen-text worker: adding one (checked before it is copied into OPFS), listing, removing, and a reader per
 * language, loaded once, beside the built-in detection model every language shares.
 */
export function textLanguages(ort: OrtLike, detector: () => Promise<TextDetector>) {
  const readers = new Map<string, CachedReader>();

  /** The reader of the language `id`; throws MissingLanguageError when it is not installed (any more). */
  async function reader(id: string): Promise<TextReader> {
    const stamp = await textLanguageStamp(id);
    const cached = readers.get(id);
    if (cached && cached.stamp === stamp) return cached.reader;
    const entry: CachedReader = {
      stamp,
      reader: (async () => {
        const { model, dictionary } = await readTextLanguage(id);
        return textReader(await detector(), await textRecogniser(ort, model, dictionary));
      })(),
    };
    readers.set(id, entry);
    entry.reader.catch(() => readers.get(id) === entry && readers.delete(id));
    return entry.reader;
  }

  const api = {
    /**
     * Adds the language in a picked folder (`folderName`, its files): it must hold one recognition model and one
     * dictionary that fits it (the model is loaded to see); then both are copied into OPFS.
     */
    async addTextLanguage(
      folderName: string,
      files: PickedFile[],
      onProgress?: (copied: number, total: number) => void,
    ): Promise<TextLanguage> {
      const picked = pickLanguageFiles(files.map((f) => ({ path: f.path, size: f.file.size })));
      const fileAt = (path: string) => files.find((f) => f.path === path)!.file;
      const name = languageName(picked.nameFile ? await fileAt(picked.nameFile).text() : null, folderName);
      const characters = checkDictionary(await fileAt(picked.dictionary).text(), picked.dictionary).length;
      const model = fileAt(picked.model);
      let recogniser;
      try {
        recogniser = await textRecogniser(
          ort,
          new Uint8Array(await model.arrayBuffer()),
          await fileAt(picked.dictionary).text(),
          picked.dictionary,
        );
      } catch (err) {
        if (err instanceof LanguageFolderError) throw err;
        throw new LanguageFolderError(
          `${picked.model} is not a recognition model ONNX Runtime can load: ${(err as Error).message}`,
        );
      }
      await recogniser.release();
      const meta = { name, addedAt: Date.now(), characters };
      const id = await copyTextLanguage(meta, model, fileAt(picked.dictionary), onProgress);
      return { ...meta, id, bytes: model.size + fileAt(picked.dictionary).size };
    },

    /** The languages added from folders, oldest first, with their sizes. */
    textLanguages: (): Promise<TextLanguage[]> => listTextLanguages(),

    /** Removes a language's files; libraries reading in it fail their next read, saying so. */
    async removeTextLanguage(id: string): Promise<void> {
      // Its reader is dropped, not released: a video being read in it now finishes with it.
      readers.delete(id);
      await removeTextLanguage(id);
    },
  };

  return { reader, api };
}
