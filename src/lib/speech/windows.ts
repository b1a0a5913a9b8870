import { SPEECH_RATE } from './resample';
import { PAD_S, VoiceActivity, type Span } from './voice';

/** Whisper hears 30 s at a time: a window stays under it, with room for the padding. */
export const MAX_WINDOW_S = 28;
/** Consecutive windows of one long stretch of speech share this much audio; the seam is merged by words. */
export const OVERLAP_S = 2;

/** Audio handed to the model: 16 kHz mono from `start` seconds. */
export interface SpeechWindow {
  start: number;
  samples: Float32Array;
  /** Seconds at its start that the window before also had (0 when it starts a new stretch of speech). */
  overlap: number;
}

/**
 * Cuts a stream of 16 kHz mono into windows of speech for the model: each span the voice-activity check finds,
 * padded a little; a span longer than MAX_WINDOW_S in windows that overlap by OVERLAP_S. Only the audio a window
 * may still need is kept (the open span, or a second when there is none), so memory stays bounded on a 3-hour file.
 */
export class SpeechWindows {
  readonly #vad = new VoiceActivity();
  /** Kept audio, as blocks with the index of their first sample. */
  #blocks: { at: number; samples: Float32Array }[] = [];
  #received = 0;
  /** Where the next window of the open span starts (seconds), once a long span has been cut. */
  #cursor: number | null = null;

  /** Samples of audio held now (what bounds memory). */
  get held(): number {
    return this.#blocks.reduce((n, b) => n + b.samples.length, 0);
  }

  push(samples: Float32Array): SpeechWindow[] {
    this.#blocks.push({ at: this.#received, samples });
    this.#received += samples.length;
    const out: SpeechWindow[] = [];
    for (const span of this.#vad.push(samples)) out.push(...this.#close(span));
    // A span still going on past the window length: hand on its first window now.
    for (let open = this.#vad.openSpan(); open; open = this.#vad.openSpan()) {
      const from = this.#cursor ?? Math.max(0, open.start - PAD_S);
      if (this.#vad.time - from < MAX_WINDOW_S) break;
      if (open.speech) out.push(this.#window(from, from + MAX_WINDOW_S, this.#cursor === null ? 0 : OVERLAP_S));
      this.#cursor = from + MAX_WINDOW_S - OVERLAP_S;
    }
    this.#trim();
    return out;
  }

  flush(): SpeechWindow[] {
    const out = this.#vad.flush().flatMap((span) => this.#close(span));
    this.#blocks = [];
    return out;
  }

  #close(span: Span): SpeechWindow[] {
    const cursor = this.#cursor;
    this.#cursor = null;
    const end = span.end + PAD_S;
    if (cursor === null) return [this.#window(Math.max(0, span.start - PAD_S), end, 0)];
    return end - cursor > OVERLAP_S ? [this.#window(cursor, end, OVERLAP_S)] : [];
  }

  #window(start: number, end: number, overlap: number): SpeechWindow {
    const from = Math.round(start * SPEECH_RATE);
    const to = Math.min(this.#received, Math.round(end * SPEECH_RATE));
    const samples = new Float32Array(Math.max(0, to - from));
    for (const b of this.#blocks) {
      const lo = Math.max(from, b.at);
      const hi = Math.min(to, b.at + b.samples.length);
      if (hi > lo) samples.set(b.samples.subarray(lo - b.at, hi - b.at), lo - from);
    }
    return { start: from / SPEECH_RATE, samples, overlap };
  }

  /** Drops blocks no window can need any more. */
  #trim(): void {
    const open = this.#vad.openSpan();
    const keepFrom = this.#cursor ?? (open ? open.start - PAD_S : this.#vad.time - PAD_S - 0.1);
    const keep = Math.floor(Math.max(0, keepFrom) * SPEECH_RATE);
    while (this.#blocks.length > 1 && this.#blocks[0].at + this.#blocks[0].samples.length <= keep) this.#blocks.shift();
  }
}
