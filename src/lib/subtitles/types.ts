/** One word of a line, with its own moment (seconds, inside its line's). */
export interface CueWord {
  start: number;
  end: number;
  text: string;
}

/** One line of subtitles or transcript: shown from `start` to `end` (seconds). */
export interface Cue {
  start: number;
  end: number;
  /** Plain text: styling tags stripped, lines joined by '\n'. */
  text: string;
  /** Each word's moment, when the speech model gave them (Whisper with word timestamps); an edit drops them. */
  words?: CueWord[];
  /** The user fixed this line by hand: re-reading the source must not silently replace it. */
  edited?: boolean;
  /** The line as its source gave it, kept from the first edit on (an undo back to it clears `edited`). */
  original?: string;
}

/** Where a track of cues came from: a subtitle file beside the video, a track inside it, or speech recognition. */
export type CueSource = 'sidecar' | 'embedded' | 'speech';

/** The text formats the parsers read. */
export type SubtitleFormat = 'srt' | 'vtt' | 'ass';

/** A video's cues from one source in one language. */
export interface CueTrack {
  source: CueSource;
  /** A BCP 47 tag ('en', 'pt-BR') when the file name or the track says so, else null. */
  language: string | null;
  /** What the player's caption menu calls it: the sidecar's file name, or "Track 3 (eng)". */
  label: string;
  /** The speech model that wrote it (source 'speech'), else null. */
  modelId: string | null;
  cues: Cue[];
}

/** What a parser could read, and what it had to skip. It never throws. */
export interface ParsedSubtitles {
  cues: Cue[];
  warnings: string[];
}
