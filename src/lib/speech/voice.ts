import { SPEECH_RATE } from './resample';

/** A stretch of audio, in seconds from the start of the track. */
export interface Span {
  start: number;
  end: number;
}

/** 30 ms analysis frames at 16 kHz. */
export const FRAME = 480;
const FRAME_S = FRAME / SPEECH_RATE;
/** Below this a frame is silence whatever the noise floor (dB full scale). */
const ABSOLUTE_FLOOR_DB = -50;
/** A frame this far above the noise floor is loud. */
const ABOVE_FLOOR_DB = 12;
/** Loud stretches closer than this are one stretch (the pauses between words). */
const GAP_S = 0.45;
/** A loud stretch shorter than this is a click, not speech. */
const MIN_SPEECH_S = 0.2;
/**
 * Speech rises and falls with its syllables (4–8 a second); a held tone or a drone barely moves. A stretch whose
 * level changes from one frame to the next by less than this (median, dB) is not speech. The median ignores the
 * onset and decay of a held note, which a standard deviation would count.
 */
const MIN_MODULATION_DB = 1.5;
/** Audio kept either side of a span, so a word's soft start and end reach the model. */
export const PAD_S = 0.2;

interface Frame {
  db: number;
  /** Zero crossings per sample: voiced speech is low, hiss and cymbals high. */
  zcr: number;
}

function measure(samples: Float32Array, at: number): Frame {
  let sum = 0;
  let crossings = 0;
  for (let i = at; i < at + FRAME; i++) {
    const v = samples[i];
    sum += v * v;
    if (i > at && v >= 0 !== samples[i - 1] >= 0) crossings++;
  }
  return { db: 10 * Math.log10(sum / FRAME + 1e-12), zcr: crossings / FRAME };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
const modulation = (levels: number[]) => median(levels.slice(1).map((v, i) => Math.abs(v - levels[i])));

/**
 * The voice-activity check: fed 16 kHz mono in blocks of any size, it reports the spans that sound like speech, so
 * silence and steady music are never handed to the model (Whisper invents words on them). Energy against an
 * adaptive noise floor finds loud stretches; pauses shorter than a breath join them; a stretch too short, too
 * steady (a tone, a drone) or too hissy is dropped. Spans come out as soon as the silence after them is long
 * enough, so a caller can transcribe while decoding goes on.
 */
export class VoiceActivity {
  #carry = new Float32Array(0);
  #frames = 0;
  #floor = ABSOLUTE_FLOOR_DB - 10;
  /** The open loud stretch: its first and last loud frame, the levels of its frames, its loud frames' crossings. */
  #open: { first: number; last: number; levels: number[]; zcrs: number[] } | null = null;

  push(samples: Float32Array): Span[] {
    const buf = new Float32Array(this.#carry.length + samples.length);
    buf.set(this.#carry);
    buf.set(samples, this.#carry.length);
    const out: Span[] = [];
    let at = 0;
    for (; at + FRAME <= buf.length; at += FRAME) {
      const span = this.#frame(measure(buf, at));
      if (span) out.push(span);
    }
    this.#carry = buf.slice(at);
    return out;
  }

  /** The end of the audio: the span still open, if it is speech. */
  flush(): Span[] {
    const open = this.#open;
    this.#open = null;
    const span = open && this.#judge(open);
    return span ? [span] : [];
  }

  /** The loud stretch still open: where it starts, and whether it sounds like speech so far. */
  openSpan(): { start: number; speech: boolean } | null {
    const open = this.#open;
    if (!open) return null;
    return { start: open.first * FRAME_S, speech: this.#judge(open) !== null };
  }

  /** Seconds of audio analysed so far. */
  get time(): number {
    return this.#frames * FRAME_S;
  }

  #frame(f: Frame): Span | null {
    const index = this.#frames++;
    const loud = f.db > ABSOLUTE_FLOOR_DB && f.db > this.#floor + ABOVE_FLOOR_DB;
    // The floor drops to a quieter frame at once and rises slowly with the frames that are not loud; loud frames
    // leave it alone, so an hour of talk does not lift it to the level of the talk.
    if (!loud) this.#floor += (f.db - this.#floor) * (f.db < this.#floor ? 0.5 : 0.02);
    const open = this.#open;
    // Every frame of an open stretch counts for its modulation, the pauses between syllables too.
    open?.levels.push(f.db);
    if (loud) {
      if (open && (index - open.last) * FRAME_S <= GAP_S) {
        open.last = index;
        open.zcrs.push(f.zcr);
        return null;
      }
      const closed = open && this.#judge(open);
      this.#open = { first: index, last: index, levels: [f.db], zcrs: [f.zcr] };
      return closed;
    }
    if (open && (index - open.last) * FRAME_S > GAP_S) {
      this.#open = null;
      return this.#judge(open);
    }
    return null;
  }

  #judge(open: { first: number; last: number; levels: number[]; zcrs: number[] }): Span | null {
    const start = open.first * FRAME_S;
    const end = (open.last + 1) * FRAME_S;
    if (end - start < MIN_SPEECH_S) return null;
    if (modulation(open.levels.slice(0, open.last - open.first + 1)) < MIN_MODULATION_DB) return null;
    if (median(open.zcrs) > 0.35) return null; // noise-like all through: hiss, rain, applause
    return { start, end };
  }
}

/** The speech spans of a whole 16 kHz mono buffer. */
export function speechSpans(samples: Float32Array): Span[] {
  const vad = new VoiceActivity();
  return [...vad.push(samples), ...vad.flush()];
}
