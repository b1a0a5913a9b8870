/**
 * A language for text on screen, as PaddleOCR publishes one: a recognition model (`.onnx`) and its dictionary
 * (`.txt`, one character a line). These checks say what is wrong with a folder the user picked before anything is
 * copied, and, once the model has loaded, whether the dictionary fits it.
 */

/** The optional file naming the language (`{ "name": "Cyrillic" }`); without it the folder's name is used. */
export const languageNameFile = 'framefinder-language.json';

export class LanguageFolderError extends Error {
  override name = 'LanguageFolderError';
}

/** The files a language folder is made of (paths relative to the folder). */
export interface LanguageFiles {
  model: string;
  dictionary: string;
  nameFile?: string;
}

const list = (paths: string[]) => paths.join(', ');

/**
 * Which picked files make the language: exactly one `.onnx` and one `.txt`, optionally `framefinder-language.json`.
 * Hidden files a file manager leaves (`.DS_Store`) are passed over; anything else is refused by name.
 */
export function pickLanguageFiles(files: readonly { path: string; size: number }[]): LanguageFiles {
  const seen = files.filter((f) => !f.path.split('/').some((part) => part.startsWith('.')));
  if (seen.length === 0)
    throw new LanguageFolderError(
      'This folder is empty: a language needs a recognition model (.onnx) and its dictionary (.txt).',
    );
  const models = seen.filter((f) => /\.onnx$/i.test(f.path));
  const dictionaries = seen.filter((f) => /\.txt$/i.test(f.path));
  const nameFiles = seen.filter((f) => f.path === languageNameFile);
  const extra = seen.filter((f) => !models.includes(f) && !dictionaries.includes(f) && !nameFiles.includes(f));
  const problems: string[] = [];
  if (models.length === 0) problems.push('the recognition model (an .onnx file) is missing');
  if (models.length > 1)
    problems.push(
      `it holds ${models.length} recognition models (${list(models.map((f) => f.path))}) where one is needed`,
    );
  if (dictionaries.length === 0) problems.push('the dictionary (a .txt file, one character a line) is missing');
  if (dictionaries.length > 1)
    problems.push(
      `it holds ${dictionaries.length} dictionaries (${list(dictionaries.map((f) => f.path))}) where one is needed`,
    );
  if (extra.length)
    problems.push(`${list(extra.map((f) => f.path))} ${extra.length === 1 ? 'is' : 'are'} not part of a language`);
  const emptyModel = models.length === 1 && models[0].size === 0;
  if (emptyModel) problems.push(`the recognition model ${models[0].path} is empty`);
  if (problems.length)
    throw new LanguageFolderError(`This folder is not a text language for Framefinder: ${problems.join('; ')}.`);
  return { model: models[0].path, dictionary: dictionaries[0].path, nameFile: nameFiles[0]?.path };
}

/**
 * The characters of a dictionary, class 1 onwards (class 0 is CTC's blank), as the engine decodes them: one a
 * line, a last empty line (the file's final newline) left out, and a space added after the last, as PaddleOCR does
 * (`use_space_char`).
 */
export function dictionaryCharacters(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return [...lines, ' '];
}

/** The dictionary's characters (without the added space); refuses an empty one. */
export function checkDictionary(text: string, fileName: string): string[] {
  const characters = dictionaryCharacters(text.replace(/^\uFEFF/, '')).slice(0, -1);
  if (characters.length === 0 || characters.every((c) => c.trim() === ''))
    throw new LanguageFolderError(`The dictionary ${fileName} is empty: it needs one character a line.`);
  return characters;
}

/**
 * Whether a dictionary of `lines` characters fits a recogniser scoring `classes` classes at each step: CTC's blank,
 * one class a line, and the space, so `classes` must be `lines + 2`.
 */
export function checkClassCount(classes: number, lines: number, fileName = 'The dictionary'): void {
  if (classes === lines + 2) return;
  throw new LanguageFolderError(
    `${fileName} has ${lines} lines, but the recognition model reads ${classes} classes: it needs a dictionary of ` +
      `${classes - 2} lines (one character a line; the model adds the blank and the space).`,
  );
}

/** The language's display name: `name` in framefinder-language.json, else the folder's name. */
export function languageName(nameJson: string | null, folderName: string): string {
  if (nameJson !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(nameJson);
    } catch {
      throw new LanguageFolderError(`${languageNameFile} is not valid JSON: it should read {"name": "…"}.`);
    }
    const name = (parsed as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.trim() === '')
      throw new LanguageFolderError(`${languageNameFile} gives no name: it should read {"name": "…"}.`);
    return name.trim();
  }
  return folderName.trim() || 'Language';
}

/** A folder name for the language's files in OPFS: its name in lower case, letters (any alphabet), digits and dashes. */
export function languageSlug(name: string): string {
  return (
    name
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'language'
  );
}
