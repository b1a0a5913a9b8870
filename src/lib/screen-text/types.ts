/** A rectangle in a frame, as fractions of its width and height (0–1), so it fits any size the frame is shown at. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A word read on screen and where it is. */
export interface ScreenWord {
  text: string;
  box: Box;
}

/** A line of text read on screen: its words, left to right. */
export interface ScreenLine {
  text: string;
  box: Box;
  words: ScreenWord[];
}

/** What one sampled frame shows: the lines read on it (none when it has no text). */
export interface ReadFrame {
  time: number;
  lines: ScreenLine[];
}

/** The same text on screen over consecutive frames: stored once, from `start` until `end` (seconds). */
export interface TextSpan {
  start: number;
  end: number;
  lines: ScreenLine[];
}

/** A video's text on screen, as stored (segment files `screen-<library>-<n>`). */
export interface VideoScreenText {
  spans: TextSpan[];
}

/**
 * How a video is read: lines of text shorter than `minTextShare` of the frame's height are left out (0: none), in
 * the library's language.
 */
export interface ReadingOptions {
  minTextShare?: number;
  /** A language added from a folder (its id); the built-in one (English and Chinese) when absent. */
  language?: string | null;
}

/** A language for text on screen added from a folder (a PaddleOCR recognition model and its dictionary). */
export interface TextLanguage {
  /** Its folder under `text-languages/` in OPFS, what a library stores as its language. */
  id: string;
  name: string;
  addedAt: number;
  /** The dictionary's characters (lines). */
  characters: number;
  bytes: number;
}
