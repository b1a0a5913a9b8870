// A sound track decoded on several WebCodecs AudioDecoders at once. The browser decodes a packet at a time (an hour
// of 20 ms Opus is 180,000 of them), and one decoder keeps one core busy at about 200× realtime; the file is cut into
// stretches of CHUNK_S seconds, each decoded on its own lane from a little before its start (PRE_ROLL_S, so the
// decoder's state has settled by the first packet that counts), and the lanes' output is joined by its timestamps.
import { EncodedPacketSink, type EncodedPacket, type InputAudioTrack } from 'mediabunny';
import { mixInterleavedToMono } from '../../lib/speech/resample';

/** Seconds of sound per stretch a lane decodes. */
const CHUNK_S = 20;
/** Seconds decoded before a stretch's start and thrown away (at least MIN_PRE_ROLL packets). */
const PRE_ROLL_S = 0.2;
const MIN_PRE_ROLL = 4;
/** How far (seconds) a seam may sit from where the timestamps put it, and the share of it matched at a seam. */
const SEAM_SEARCH_S = 0.004;
const SEAM_MATCH_SHARE = 1.5;
/** Packets queued in one decoder before waiting for it. */
const QUEUE = 64;

/** Mono sound at the track's own rate, from `timestamp` (seconds, the track's clock). */
export interface MonoBlock {
  samples: Float32Array;
  timestamp: number;
  sampleRate: number;
}

/** The packets of a stretch, led by the pre-roll. */
type Stretch = EncodedPacket[];

/** A stretch's sound, mono, from its pre-roll on. */
interface Part {
  /** Microseconds, the file's clock. */
  timestamp: number;
  samples: Float32Array;
}

/** The decoder config when the browser's own decoder takes this track, else null (PCM is decoded by mediabunny). */
export async function laneConfig(track: InputAudioTrack): Promise<AudioDecoderConfig | null> {
  if (typeof AudioDecoder === 'undefined') return null;
  const config = await track.getDecoderConfig().catch(() => null);
  if (!config) return null;
  const support = await AudioDecoder.isConfigSupported(config).catch(() => null);
  return support?.supported ? config : null;
}

/** How many decoders to run at once: one per core, two at least (the joining runs beside them), three at most. */
export const laneCount = () => Math.min(3, Math.max(2, navigator.hardwareConcurrency || 2));

/**
 * Yields the track's sound mixed to mono, in order, with nothing doubled or dropped at the stretches' seams. A gap
 * in the file's timestamps stays a gap of silence, so times after it stay true. `mixMs` adds up the time spent
 * mixing (the benchmark).
 */
export async function* decodeInLanes(
  track: InputAudioTrack,
  config: AudioDecoderConfig,
  lanes = laneCount(),
  times?: { mixMs: number },
): AsyncGenerator<MonoBlock> {
  const rate = config.sampleRate;
  const idle = Array.from({ length: lanes }, () => new Lane(config, times));
  const all = [...idle];
  const stretches = stretchesOf(new EncodedPacketSink(track).packets());
  const inflight: Promise<Part>[] = [];
  const fill = async () => {
    while (inflight.length < lanes) {
      const next = await stretches.next();
      if (next.done) return;
      const lane = idle.pop()!;
      const job = lane.decode(next.value).finally(() => idle.push(lane));
      job.catch(() => undefined); // seen when its turn comes; a stop before then must not leave it unhandled
      inflight.push(job);
    }
  };
  const tolerance = Math.round(rate * SEAM_SEARCH_S);
  let end: number | null = null; // µs: where the sound so far ends, on the file's clock
  let previous: Float32Array | null = null; // the sound yielded last
  try {
    await fill();
    while (inflight.length) {
      const part = await inflight.shift()!;
      await fill(); // keep the lanes busy while the caller works on this stretch
      let { samples, timestamp } = part;
      if (!samples.length) continue;
      if (end !== null && previous) {
        // Where the new sound starts in this stretch by the timestamps: before it, the pre-roll repeats sound
        // already given. Below 0, the file's timestamps leave a gap.
        const expected = Math.round(((end - timestamp) * rate) / 1e6);
        if (expected < -tolerance) {
          if (-expected <= rate * 60)
            yield { samples: new Float32Array(-expected), timestamp: end / 1e6, sampleRate: rate };
        } else if (expected > 0) {
          const at = seamAt(samples, previous, expected, tolerance);
          if (at >= samples.length) continue;
          samples = samples.subarray(at);
          timestamp = end;
        }
      }
      end = timestamp + (samples.length * 1e6) / rate;
      previous = samples;
      yield { samples, timestamp: timestamp / 1e6, sampleRate: rate };
    }
  } finally {
    for (const lane of all) lane.close();
  }
}

/**
 * The index in `next` (a stretch decoded from its pre-roll) where the sound after `previous` starts. Timestamps
 * say `expected`, but containers keep them to the millisecond (WebM) while a packet's sound is sample-exact: the
 * last few milliseconds of `previous` are looked for in `next`, within `tolerance` samples of where the
 * timestamps put them. Silence matches everywhere, and then the timestamps' answer stands.
 */
function seamAt(next: Float32Array, previous: Float32Array, expected: number, tolerance: number): number {
  const length = Math.min(previous.length, Math.round(tolerance * SEAM_MATCH_SHARE));
  const tail = previous.subarray(previous.length - length);
  const error = (at: number) => {
    let sum = 0;
    for (let i = 0, j = at - length; i < length; i++, j++) sum += Math.abs(next[j] - tail[i]);
    return sum;
  };
  let best = expected;
  let bestError = expected >= length && expected <= next.length ? error(expected) : Infinity;
  // Outward from `expected`, so a tie (silence) keeps the timestamps' answer.
  for (let d = 1; d <= tolerance; d++)
    for (const at of [expected - d, expected + d]) {
      if (at < length || at > next.length) continue;
      const e = error(at);
      if (e < bestError * 0.999) [best, bestError] = [at, e];
    }
  return best;
}

/** Groups packets into stretches of CHUNK_S seconds, each led by the pre-roll from the one before. */
async function* stretchesOf(packets: AsyncGenerator<EncodedPacket>): AsyncGenerator<Stretch> {
  let tail: EncodedPacket[] = [];
  let current: EncodedPacket[] = [];
  const cut = (): Stretch => {
    let from = tail.length;
    while (
      from > 0 &&
      (tail.length - from < MIN_PRE_ROLL || current[0].timestamp - tail[from - 1].timestamp < PRE_ROLL_S)
    )
      from--;
    const preRoll = tail.slice(from);
    tail = current.slice(-4 * MIN_PRE_ROLL - 64);
    const stretch = [...preRoll, ...current];
    current = [];
    return stretch;
  };
  for await (const packet of packets) {
    current.push(packet);
    if (packet.timestamp - current[0].timestamp >= CHUNK_S) yield cut();
  }
  if (current.length) yield cut();
}

/** One AudioDecoder, reused stretch after stretch (flushed between them, which makes it start afresh). */
class Lane {
  readonly #decoder: AudioDecoder;
  #parts: Part[] = [];
  #failure: Error | null = null;
  #scratch = new Float32Array(0);

  constructor(
    config: AudioDecoderConfig,
    readonly times?: { mixMs: number },
  ) {
    this.#decoder = new AudioDecoder({
      output: (data) => this.#take(data),
      error: (err) => (this.#failure = err),
    });
    this.#decoder.configure(config);
  }

  async decode(stretch: Stretch): Promise<Part> {
    this.#parts = [];
    const decoder = this.#decoder;
    for (const packet of stretch) {
      if (this.#failure) break;
      decoder.decode(packet.toEncodedAudioChunk());
      if (decoder.decodeQueueSize > QUEUE)
        await new Promise((done) => decoder.addEventListener('dequeue', done, { once: true }));
    }
    if (!this.#failure) await decoder.flush();
    if (this.#failure) throw this.#failure;
    const parts = this.#parts;
    const samples = new Float32Array(parts.reduce((n, p) => n + p.samples.length, 0));
    let at = 0;
    for (const p of parts) {
      samples.set(p.samples, at);
      at += p.samples.length;
    }
    return { timestamp: parts[0]?.timestamp ?? 0, samples };
  }

  close() {
    if (this.#decoder.state !== 'closed') this.#decoder.close();
  }

  /** Mixes one decoded piece to mono: one copy out of the browser (interleaved float), one pass over it. */
  #take(data: AudioData) {
    try {
      const t0 = this.times ? performance.now() : 0;
      const n = data.numberOfFrames;
      const channels = data.numberOfChannels;
      if (this.#scratch.length < n * channels) this.#scratch = new Float32Array(n * channels);
      const all = this.#scratch;
      data.copyTo(all, { planeIndex: 0, format: 'f32' });
      const mono = mixInterleavedToMono(all, n, channels);
      this.#parts.push({ timestamp: data.timestamp, samples: mono });
      if (this.times) this.times.mixMs += performance.now() - t0;
    } finally {
      data.close();
    }
  }
}
