/** The rate speech models take their audio at. */
export const SPEECH_RATE = 16_000;

/** Zero crossings of the sinc kernel each side of a sample (at the lower of the two rates). */
const HALF_ZEROS = 8;
/** Fractional positions the kernel is tabulated at. */
const PHASES = 256;

/** Averages interleaved or planar channels into one: speech models take mono. */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  const gain = 1 / channels.length;
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] * gain;
  return out;
}

/**
 * Averages the channels of `frames` interleaved samples (as `AudioData.copyTo(…, { format: 'f32' })` gives them)
 * into one: the browser's decoded sound is copied out once, then mixed in one pass.
 */
export function mixInterleavedToMono(samples: Float32Array, frames: number, channels: number): Float32Array {
  const mono = new Float32Array(frames);
  if (channels === 1) mono.set(samples.subarray(0, frames));
  else if (channels === 2)
    for (let i = 0, j = 0; i < frames; i++, j += 2) mono[i] = (samples[j] + samples[j + 1]) * 0.5;
  else
    for (let i = 0, j = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += samples[j++];
      mono[i] = sum / channels;
    }
  return mono;
}

/**
 * A streaming band-limited resampler (windowed sinc, Blackman window, cut off just below the lower Nyquist
 * frequency, so going down from 44.1 or 48 kHz does not fold music and hiss back into the speech band). Feed it
 * blocks of any size with `push`; it keeps the few input samples the kernel still needs between blocks, so memory
 * stays bounded whatever the length of the audio. `flush` ends the stream.
 */
export class Resampler {
  readonly #step: number; // input samples per output sample
  readonly #half: number; // kernel half-width in input samples
  readonly #table: Float32Array; // PHASES + 1 rows of 2 * half taps
  readonly #taps: number;
  #history = new Float32Array(0);
  /** Input position (in the history's coordinates) of the next output sample. */
  #pos = 0;
  #ended = false;

  constructor(
    readonly inRate: number,
    readonly outRate = SPEECH_RATE,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError('Sample rates must be positive.');
    this.#step = inRate / outRate;
    const scale = Math.min(1, outRate / inRate); // cut-off relative to the input's Nyquist
    const cutoff = 0.95 * scale;
    this.#half = Math.ceil(HALF_ZEROS / scale);
    this.#taps = 2 * this.#half;
    this.#table = new Float32Array((PHASES + 1) * this.#taps);
    for (let p = 0; p <= PHASES; p++) {
      const frac = p / PHASES;
      let sum = 0;
      const row = p * this.#taps;
      for (let k = 0; k < this.#taps; k++) {
        // tap k covers input sample floor(pos) - half + 1 + k; its distance from pos:
        const d = k - this.#half + 1 - frac;
        const x = d * cutoff;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const w = d / (this.#half + 1);
        const blackman = Math.abs(w) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
        this.#table[row + k] = sinc * blackman;
        sum += sinc * blackman;
      }
      for (let k = 0; k < this.#taps; k++) this.#table[row + k] /= sum; // unity gain at DC
    }
    // The first output sample is at input 0: pretend `half` zeros came before it.
    this.#history = new Float32Array(this.#half);
    this.#pos = this.#half;
  }

  /** Resamples the next block; returns the output samples it completes. */
  push(input: Float32Array): Float32Array {
    if (this.#ended) throw new Error('The resampler was flushed.');
    if (this.inRate === this.outRate) return input.slice();
    const buf = new Float32Array(this.#history.length + input.length);
    buf.set(this.#history);
    buf.set(input, this.#history.length);
    return this.#run(buf, buf.length - this.#half);
  }

  /** Ends the stream: the last samples, as if silence followed. */
  flush(): Float32Array {
    if (this.#ended || this.inRate === this.outRate) {
      this.#ended = true;
      return new Float32Array(0);
    }
    this.#ended = true;
    const buf = new Float32Array(this.#history.length + this.#half + 1);
    buf.set(this.#history);
    // Only the outputs that stand for real input: up to the last input sample.
    return this.#run(buf, this.#history.length);
  }

  /** Writes every output sample whose position is below `limit`, keeps what the next block needs. */
  #run(buf: Float32Array, limit: number): Float32Array {
    const count = Math.max(0, Math.ceil((limit - this.#pos) / this.#step));
    const out = new Float32Array(count);
    const taps = this.#taps;
    const table = this.#table;
    let pos = this.#pos;
    if (Number.isInteger(this.#step) && Number.isInteger(pos)) {
      // 48 → 16 kHz, 32 → 16 kHz: every output sits on an input sample, so one row of the table serves them all.
      const step = this.#step;
      let start = pos - this.#half + 1;
      for (let n = 0; n < count; n++, start += step) {
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += buf[start + k] * table[k];
        out[n] = acc;
      }
      pos += count * step;
    } else
      for (let n = 0; n < count; n++, pos += this.#step) {
        const base = Math.floor(pos);
        const row = Math.round((pos - base) * PHASES) * taps;
        const start = base - this.#half + 1;
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += buf[start + k] * table[row + k];
        out[n] = acc;
      }
    // Keep from the first sample the next output's kernel reaches.
    const keepFrom = Math.max(0, Math.floor(pos) - this.#half + 1);
    this.#history = buf.slice(keepFrom);
    this.#pos = pos - keepFrom;
    return out;
  }
}

/** Resamples a whole buffer at once (tests, short clips). */
export function resample(input: Float32Array, inRate: number, outRate = SPEECH_RATE): Float32Array {
  const r = new Resampler(inRate, outRate);
  const a = r.push(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
