// The sound a speech model hears, decoded on several WebCodecs decoders at once (issue 13's decode speed): it must
// be the same sound as one decoder going packet after packet, with nothing doubled or dropped where the stretches
// meet, and line up with native ffmpeg's decode of the same file all along. Files: the espeak phrases looped to
// 65 s (Opus at 48 kHz in WebM; AAC at 44.1 kHz in MP4, whose rate is not a whole multiple of 16 kHz), and real
// phone and camera files from ../shared/media-dev when that folder exists (a 6-minute AV1 file's silent AAC, 17 s
// of AAC with timestamps that do not start at 0, PCM in MOV).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { openApp } from './app';
import { repoRoot, useApp, writeOpfsFile } from './harness';

const mediaDev = join(repoRoot, '..', 'shared', 'media-dev');
const work = mkdtempSync(join(tmpdir(), 'ff-speech-audio-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 65 s of the espeak phrases, looped in PCM first so the encoded file's timestamps run on without a gap. */
function loopedTalk(): { name: string; path: string }[] {
  const wav = join(work, 'talk.wav');
  const speech = join(repoRoot, 'tests', 'fixtures', 'speech', 'speech.webm');
  execFileSync('ffmpeg', ['-v', 'error', '-stream_loop', '-1', '-i', speech, '-t', '65', '-vn', '-y', wav]);
  const opus = join(work, 'talk opus.webm');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    wav,
    '-ac',
    '2',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    '48k',
    '-y',
    opus,
  ]);
  const aac = join(work, 'talk aac.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    wav,
    '-ac',
    '2',
    '-ar',
    '44100',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-y',
    aac,
  ]);
  return [
    { name: 'talk opus.webm', path: opus },
    { name: 'talk aac.mp4', path: aac },
  ];
}

const realFiles = [
  'mp4_long_1080p_av1.mp4',
  'mp4_sample_with_increasing_timestamps_360p.mp4',
  'mp4_sowt-with-video.mov',
]
  .map((name) => ({ name, path: join(mediaDev, name) }))
  .filter((f) => existsSync(f.path));

/** RMS of every 10 ms of 16 kHz sound. */
function envelope(samples: Float32Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 160 <= samples.length; at += 160) {
    let sum = 0;
    for (let i = at; i < at + 160; i++) sum += samples[i] * samples[i];
    out.push(Math.sqrt(sum / 160));
  }
  return out;
}

/** Native ffmpeg's 16 kHz mono decode of the file's first sound track. */
function nativeSound(path: string): Float32Array {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 'f32le', '-'],
    {
      maxBuffer: 1 << 30,
    },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2);
}

/**
 * For every second of `ours` that holds sound, the shift (in 10 ms steps, within ±5) at which its loudness best
 * correlates with `theirs` (silence matches at any shift, so it is left out).
 */
function shifts(ours: number[], theirs: number[]): number[] {
  const out: number[] = [];
  for (let from = 5; from + 100 + 5 <= Math.min(ours.length, theirs.length); from += 100) {
    if (theirs.slice(from, from + 100).reduce((a, b) => a + b, 0) / 100 < 0.005) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let s = -5; s <= 5; s++) {
      let dot = 0;
      let a2 = 0;
      let b2 = 0;
      for (let i = from; i < from + 100; i++) {
        dot += ours[i] * theirs[i + s];
        a2 += ours[i] ** 2;
        b2 += theirs[i + s] ** 2;
      }
      const score = dot / Math.sqrt(a2 * b2);
      if (score > bestScore) [best, bestScore] = [s, score];
    }
    out.push(best);
  }
  return out;
}

describe('the sound a speech model hears', () => {
  const app = useApp();

  test('decoded on several decoders at once, it is one decoder’s sound and lines up with native ffmpeg’s', async () => {
    if (!realFiles.length) console.warn(`skipped the real files: ${mediaDev} does not exist`);
    const files = [...loopedTalk(), ...realFiles];
    const page = await (await app.newContext()).newPage();
    await openApp(page, app.server.url);
    for (const f of files) await writeOpfsFile(page, 'sound', f.name, readFileSync(f.path));

    for (const f of files) {
      const heard = await page.evaluate(async (name) => {
        const f = (window as unknown as FramefinderWindow).framefinder;
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('sound');
        const file = await (await dir.getFileHandle(name)).getFile();
        const worker = f.newSpeechWorker();
        try {
          const lanes = await worker.api.decodeAudio(file, { keep: true });
          const one = await worker.api.decodeAudio(file, { keep: true, oneDecoder: true });
          const a = lanes.samples!;
          const b = one.samples!;
          let worst = 0;
          let energy = 0;
          let error = 0;
          for (let i = 0; i < Math.min(a.length, b.length); i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            energy += b[i] * b[i];
            error += (a[i] - b[i]) ** 2;
          }
          const envelope: number[] = []; // RMS of every 10 ms, as envelope() below
          for (let at = 0; at + 160 <= a.length; at += 160) {
            let sum = 0;
            for (let i = at; i < at + 160; i++) sum += a[i] * a[i];
            envelope.push(Math.sqrt(sum / 160));
          }
          const relativeError = error === 0 ? 0 : Math.sqrt(error / energy);
          return { tier: lanes.tier, length: a.length, oneLength: b.length, worst, relativeError, envelope };
        } finally {
          worker.terminate();
        }
      }, f.name);
      const native = nativeSound(f.path);
      const seconds = (n: number) => n / 16_000;
      // The same sound as one decoder: the same length and, where the stretches meet, no seam to hear.
      expect(heard.tier, f.name).toBe('webcodecs');
      expect(Math.abs(heard.length - heard.oneLength), f.name).toBeLessThanOrEqual(1);
      expect(heard.relativeError, f.name).toBeLessThan(0.01);
      expect(heard.worst, f.name).toBeLessThan(0.02);
      // Native ffmpeg's length (within a packet, as decoders trim their priming samples differently) and its
      // loudness, 10 ms by 10 ms, at one shift all along (a packet doubled or lost at a seam would move it by two
      // steps; Chromium's AAC decoder keeps the encoder's 1,024 priming samples that ffmpeg cuts, a 23 ms shift).
      expect(Math.abs(seconds(heard.length) - seconds(native.length)), f.name).toBeLessThan(0.05);
      const shift = shifts(heard.envelope, envelope(native));
      if (!shift.length) {
        // A silent track (the 6-minute AV1 file's): silent here too.
        expect(Math.max(...heard.envelope), f.name).toBeLessThan(0.005);
        continue;
      }
      expect(Math.max(...shift) - Math.min(...shift), `${f.name}: ${shift.join(' ')}`).toBeLessThanOrEqual(1);
      expect(Math.max(...shift.map(Math.abs)), `${f.name}: ${shift.join(' ')}`).toBeLessThanOrEqual(3);
    }
  });
});
