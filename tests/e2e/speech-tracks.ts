// What the speech e2e tests read back: every video's speech track as the catalog stores it.
import type { Page } from 'playwright-core';
import type { FramefinderWindow } from '../../src/debug-handle';

/** A stored line of speech, with its words' times when the model gave them. */
export interface StoredLine {
  start: number;
  end: number;
  text: string;
  words?: { start: number; end: number; text: string }[];
}

export interface StoredSpeech {
  duration: number | null;
  language: string | null;
  cues: StoredLine[];
  warnings: string[];
}

/** Every video's speech track by the video's name (null when it has none): language, lines, notes, duration. */
export function speechTracks(page: Page): Promise<Record<string, StoredSpeech | null>> {
  return page.evaluate(async () => {
    const f = (window as unknown as FramefinderWindow).framefinder;
    const out: Record<string, StoredSpeech | null> = {};
    for (const v of await f.catalog.listVideos({})) {
      const track = (await f.transcripts.tracks(v.id)).find((t) => t.source === 'speech');
      out[v.name] = track
        ? { duration: v.duration, language: track.language, cues: track.cues, warnings: track.warnings }
        : null;
    }
    return out;
  });
}
