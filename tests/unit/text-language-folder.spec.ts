// "Add a language from a folder…": which picked folders make a language for text on screen, and what the user is
// told about the others.
import { describe, expect, test } from 'vitest';
import {
  checkClassCount,
  checkDictionary,
  dictionaryCharacters,
  languageName,
  languageSlug,
  pickLanguageFiles,
} from '../../src/lib/screen-text/language-folder';

const file = (path: string, size = 100) => ({ path, size });

describe('a language folder', () => {
  test('one recognition model and one dictionary make a language; a name file and hidden files may be beside them', () => {
    expect(pickLanguageFiles([file('cyrillic_PP-OCRv3_rec.onnx'), file('cyrillic_dict.txt')])).toEqual({
      model: 'cyrillic_PP-OCRv3_rec.onnx',
      dictionary: 'cyrillic_dict.txt',
      nameFile: undefined,
    });
    expect(
      pickLanguageFiles([file('rec.ONNX'), file('keys.txt'), file('framefinder-language.json'), file('.DS_Store')]),
    ).toEqual({ model: 'rec.ONNX', dictionary: 'keys.txt', nameFile: 'framefinder-language.json' });
  });

  test('a missing model or dictionary is named', () => {
    expect(() => pickLanguageFiles([file('keys.txt')])).toThrow(
      'This folder is not a text language for Framefinder: the recognition model (an .onnx file) is missing.',
    );
    expect(() => pickLanguageFiles([file('rec.onnx')])).toThrow(
      /the dictionary \(a \.txt file, one character a line\) is missing\.$/,
    );
    expect(() => pickLanguageFiles([file('.DS_Store')])).toThrow(/This folder is empty/);
    expect(() => pickLanguageFiles([])).toThrow(/This folder is empty/);
  });

  test('two models, two dictionaries, other files and an empty model are each named', () => {
    expect(() => pickLanguageFiles([file('a.onnx'), file('b.onnx'), file('keys.txt')])).toThrow(
      'This folder is not a text language for Framefinder: it holds 2 recognition models (a.onnx, b.onnx) where one is needed.',
    );
    expect(() => pickLanguageFiles([file('rec.onnx'), file('a.txt'), file('b.txt')])).toThrow(
      /it holds 2 dictionaries \(a\.txt, b\.txt\) where one is needed/,
    );
    expect(() =>
      pickLanguageFiles([file('rec.onnx'), file('keys.txt'), file('inference.pdiparams'), file('det/det.onnx')]),
    ).toThrow(/2 recognition models \(rec\.onnx, det\/det\.onnx\).*; inference\.pdiparams is not part of a language\./);
    expect(() => pickLanguageFiles([file('rec.onnx', 0), file('keys.txt')])).toThrow(
      /the recognition model rec\.onnx is empty/,
    );
  });

  test('an empty dictionary is refused; a dictionary is one character a line, its last newline not a character', () => {
    expect(() => checkDictionary('', 'keys.txt')).toThrow(
      'The dictionary keys.txt is empty: it needs one character a line.',
    );
    expect(() => checkDictionary('\n\n', 'keys.txt')).toThrow(/keys\.txt is empty/);
    expect(checkDictionary('\uFEFFa\r\nb\nc\n', 'keys.txt')).toEqual(['a', 'b', 'c']);
    // The engine decodes class i as character i - 1, and the space after the last line.
    expect(dictionaryCharacters('a\nb\nc')).toEqual(['a', 'b', 'c', ' ']);
    expect(dictionaryCharacters('a\nb\nc\n')).toEqual(['a', 'b', 'c', ' ']);
  });

  test("the dictionary must fit the model's output: its lines plus the blank and the space", () => {
    // PaddleOCR's built-in recogniser scores 6625 classes for ppocr_keys_v1.txt's 6623 lines.
    expect(() => checkClassCount(6625, 6623, 'ppocr_keys_v1.txt')).not.toThrow();
    expect(() => checkClassCount(6625, 6622, 'keys.txt')).toThrow(
      'keys.txt has 6622 lines, but the recognition model reads 6625 classes: it needs a dictionary of 6623 lines (one character a line; the model adds the blank and the space).',
    );
    expect(() => checkClassCount(97, 185, 'latin_dict.txt')).toThrow(/latin_dict\.txt has 185 lines.*of 95 lines/);
  });

  test('the name comes from framefinder-language.json, else from the folder; a broken name file is said', () => {
    expect(languageName('{"name": " Cyrillic "}', 'cyrillic_PP-OCRv3')).toBe('Cyrillic');
    expect(languageName(null, 'cyrillic_PP-OCRv3')).toBe('cyrillic_PP-OCRv3');
    expect(languageName(null, '')).toBe('Language');
    expect(() => languageName('{name: Cyrillic}', 'x')).toThrow(
      'framefinder-language.json is not valid JSON: it should read {"name": "…"}.',
    );
    expect(() => languageName('{"title": "Cyrillic"}', 'x')).toThrow(/framefinder-language\.json gives no name/);
    expect(languageSlug('Русский / Ελληνικά')).toBe('русский-ελληνικά');
    expect(languageSlug('  / ')).toBe('language');
    expect(languageSlug('Français (Latin)')).toBe('français-latin');
  });
});
