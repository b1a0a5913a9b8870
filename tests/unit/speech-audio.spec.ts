import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Resampler, mixInterleavedToMono, mixToMono, resample, SPEECH_RATE } from '../../src/lib/speech/resample';
import { speechSpans } from '../../src/lib/speech/voice';
import { MAX_WINDOW_S, OVERLAP_S, SpeechWindows } from '../../src/lib/speech/windows';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const truth = JSON.parse(readFileSync(`${fixtures}speech.json`, 'utf8')) as {
  duration: number;
  speech: { text: string; start: number; end: number }[];
  tone: { start: number; end: number };
};

const tone = (hz: number, rate: number, seconds: number) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));

const rms = (xs: Float32Array) => Math.sqrt(xs.reduce((n, v) => n + v * v, 0) / xs.length);

/** The fixture's sound at its own rate and channels, as Debian's ffmpeg decodes it (stereo, native rate). */
function decodeFixture(name: string, rate: number, channels: number): Float32Array[] {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      `${fixtures}speech/${name}`,
      '-vn',
      '-ac',
      String(channels),
      '-ar',
      String(rate),
      '-f',
      'f32le',
      '-',
    ],
    { maxBuffer: 1 << 28 },
  );
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: all.length / channels }, (_, i) => all[i * channels + c]),
  );
}

describe('resampling to 16 kHz', () => {
  it.each([44_100, 48_000, 22_050, 8_000])('keeps a 1 kHz tone from %i Hz in shape and phase', (rate) => {
    const out = resample(tone(1000, rate, 1), rate);
    expect(Math.abs(out.length - SPEECH_RATE)).toBeLessThanOrEqual(1);
    const ideal = tone(1000, SPEECH_RATE, 1);
    // Away from the edges (where the kernel sees the silence around the clip), within 1 % of the ideal wave.
    let worst = 0;
    for (let i = 200; i < SPEECH_RATE - 200; i++) worst = Math.max(worst, Math.abs(out[i] - ideal[i]));
    expect(worst).toBeLessThan(0.01);
  });

  it('removes what 16 kHz cannot hold instead of folding it into the speech band', () => {
    // 11 kHz at 48 kHz would alias to 5 kHz with a naive resampler.
    const out = resample(tone(11_000, 48_000, 1), 48_000);
    expect(rms(out.subarray(200, -200))).toBeLessThan(0.01);
  });

  it('gives the same samples streamed in odd blocks as in one go', () => {
    const input = tone(440, 44_100, 2).map((v, i) => v * 0.5 + Math.sin(i / 7) * 0.2);
    const whole = resample(input, 44_100);
    const r = new Resampler(44_100);
    const parts: Float32Array[] = [];
    for (let at = 0; at < input.length; at += 1021) parts.push(r.push(input.subarray(at, at + 1021)));
    parts.push(r.flush());
    const streamed = Float32Array.from(parts.flatMap((p) => [...p]));
    expect(streamed.length).toBe(whole.length);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(streamed[i] - whole[i]));
    expect(worst).toBeLessThan(1e-4); // float32 rounding of the running position
  });

  it('mixes channels to mono by averaging', () => {
    const mono = mixToMono([Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)]);
    expect([...mono]).toEqual([0.5, 0]);
  });

  it('mixes interleaved channels to mono by averaging, reading only the frames asked for', () => {
    expect([...mixInterleavedToMono(Float32Array.of(1, 0, 0.5, -0.5, 9, 9), 2, 2)]).toEqual([0.5, 0]);
    expect([...mixInterleavedToMono(Float32Array.of(0.3, 0.6, 0.9, 9), 3, 1)]).toEqual([
      ...Float32Array.of(0.3, 0.6, 0.9),
    ]);
    expect([...mixInterleavedToMono(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3)]).toEqual([2, 5]);
  });
});

describe('the voice-activity check on the espeak fixtures', () => {
  it.each(['speech.webm', 'speech.mp4', 'speech.avi'])(
    'finds each phrase of %s within 0.3 s, and not the tone',
    (name) => {
      const audio = resample(mixToMono(decodeFixture(name, 48_000, 2)), 48_000);
      const spans = speechSpans(audio);
      expect(spans).toHaveLength(truth.speech.length);
      spans.forEach((s, i) => {
        expect(Math.abs(s.start - truth.speech[i].start)).toBeLessThanOrEqual(0.3);
        expect(Math.abs(s.end - truth.speech[i].end)).toBeLessThanOrEqual(0.3);
      });
      expect(spans.some((s) => s.start < truth.tone.end && s.end > truth.tone.start)).toBe(false);
    },
  );

  it('finds nothing in silence', () => {
    const audio = resample(mixToMono(decodeFixture('../speech/silence.webm', 48_000, 1)), 48_000);
    expect(audio.length).toBeGreaterThan(2 * SPEECH_RATE);
    expect(speechSpans(audio)).toEqual([]);
  });
});

describe('windows of speech', () => {
  const phrases = resample(mixToMono(decodeFixture('speech.webm', 16_000, 1)), 16_000);

  it('hands on one padded window per phrase, streamed in blocks', () => {
    const w = new SpeechWindows();
    const windows = [];
    for (let at = 0; at < phrases.length; at += 1024) windows.push(...w.push(phrases.subarray(at, at + 1024)));
    windows.push(...w.flush());
    expect(windows).toHaveLength(truth.speech.length);
    windows.forEach((win, i) => {
      expect(win.overlap).toBe(0);
      expect(win.start).toBeLessThanOrEqual(truth.speech[i].start);
      expect(win.start + win.samples.length / SPEECH_RATE).toBeGreaterThanOrEqual(truth.speech[i].end);
    });
  });

  it('cuts a long speech into overlapping windows and holds a bounded amount of audio', () => {
    // 3 minutes of talk without a pause: a voice at 200 Hz rising and falling four syllables a second.
    const minutes = 3;
    const w = new SpeechWindows();
    const windows = [];
    let held = 0;
    const block = 4000;
    for (let at = 0; at < minutes * 60 * SPEECH_RATE; at += block) {
      const samples = Float32Array.from({ length: block }, (_, i) => {
        const t = (at + i) / SPEECH_RATE;
        return (0.02 + 0.3 * Math.abs(Math.sin(2 * Math.PI * 2 * t))) * Math.sin(2 * Math.PI * 200 * t);
      });
      windows.push(...w.push(samples));
      held = Math.max(held, w.held);
    }
    windows.push(...w.flush());
    expect(held).toBeLessThanOrEqual((MAX_WINDOW_S + 2) * SPEECH_RATE);
    expect(windows.length).toBeGreaterThanOrEqual(Math.floor((minutes * 60) / (MAX_WINDOW_S - OVERLAP_S)));
    for (let i = 1; i < windows.length; i++) {
      const prevEnd = windows[i - 1].start + windows[i - 1].samples.length / SPEECH_RATE;
      expect(windows[i].overlap).toBe(OVERLAP_S);
      expect(prevEnd - windows[i].start).toBeCloseTo(OVERLAP_S, 1);
      expect(windows[i].samples.length / SPEECH_RATE).toBeLessThanOrEqual(MAX_WINDOW_S + 1);
    }
    const last = windows[windows.length - 1];
    expect(last.start + last.samples.length / SPEECH_RATE).toBeGreaterThan(minutes * 60 - 1);
  });
});
