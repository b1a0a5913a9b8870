// Types of make-ocr-fixtures.mjs, for the quality test that imports it.

/** A word or phrase drawn on screen, and when it shows (seconds). */
export interface OcrItem {
  video: string;
  text: string;
  /** drawtext's font size, in pixels of the 720p frame. */
  size: number;
  font: string;
  color: string;
  look: string;
  bg: string | null;
  from: number;
  to: number;
  x: number;
  y: number;
}

export const absentWords: string[];
export const absentShortWords: string[];

export function makeOcrFixtures(dir?: string): {
  dir: string;
  files: { path: string; bytes: Buffer }[];
  items: OcrItem[];
};
