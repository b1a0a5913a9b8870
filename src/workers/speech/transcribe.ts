import { SPEECH_RATE } from '../../lib/speech/resample';
import { joinAtSeam, placeCues } from '../../lib/speech/seams';
import { SpeechWindows, type SpeechWindow } from '../../lib/speech/windows';
import type { Cue } from '../../lib/subtitles/types';
import type { SpeechEngine } from './engine';

/** What transcribing a video gave: its lines, or why it has none. */
export interface Transcript {
  /** 'speech': lines were heard; 'silence': the sound track has no speech; 'no-audio': there is no sound track. */
  status: 'speech' | 'silence' | 'no-audio';
  cues: Cue[];
  /** Seconds of sound decoded. */
  seconds: number;
  /** Seconds handed to the model (speech only, with padding and overlaps). */
  heardSeconds: number;
  modelId: string;
  /** The language the model listened for: the one chosen, else the one it detected; null when it takes none. */
  language: string | null;
}

/**
 * Runs a stream of 16 kHz mono blocks through the voice-activity check and the model, window by window: only a
 * window of audio is held at a time, and lines of overlapping windows are merged at the seam.
 */
export async function transcribeBlocks(
  blocks: AsyncIterable<Float32Array>,
  engine: SpeechEngine,
  language: string | null,
  onProgress?: (seconds: number) => void,
): Promise<Transcript> {
  const windows = new SpeechWindows();
  const cues: Cue[] = [];
  let received = 0;
  let heard = 0;
  let previous: Cue[] = [];
  // Not chosen: the first window of speech says which language the whole video is heard in, so the lines of one
  // video never switch language from window to window.
  let spoken = language && engine.languages.includes(language) ? language : null;
  const hear = async (w: SpeechWindow) => {
    const duration = w.samples.length / SPEECH_RATE;
    heard += duration;
    if (spoken === null && engine.languages.length) spoken = await engine.detectLanguage(w.samples);
    const placed = placeCues(await engine.hear(w.samples, spoken), { start: w.start, duration });
    const kept = w.overlap > 0 ? joinAtSeam(previous, placed) : placed;
    cues.push(...kept);
    previous = placed.length ? placed : previous;
  };
  for await (const block of blocks) {
    received += block.length;
    for (const w of windows.push(block)) await hear(w);
    onProgress?.(received / SPEECH_RATE);
  }
  for (const w of windows.flush()) await hear(w);
  return {
    status: heard > 0 ? 'speech' : 'silence',
    cues: cues.sort((a, b) => a.start - b.start),
    seconds: received / SPEECH_RATE,
    heardSeconds: heard,
    modelId: engine.modelId,
    language: spoken,
  };
}
