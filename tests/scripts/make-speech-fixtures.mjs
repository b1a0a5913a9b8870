#!/usr/bin/env node
// Writes the speech fixtures: tiny videos whose sound track has known words at known times, made with Debian's
// espeak-ng and ffmpeg, and speech.json, the truth the tests compare against.
//
//   node tests/scripts/make-speech-fixtures.mjs
//
// Output: tests/fixtures/speech/{speech.webm, speech.mp4, speech.avi, silence.webm, no-audio.webm} and
// tests/fixtures/speech.json. Every file is a 64×48 grey picture at 2 fps (the picture does not matter here):
//   speech.webm    Opus  (WebCodecs through mediabunny)    phrases at known times, a held 440 Hz tone between
//   speech.mp4     AAC   (WebCodecs through mediabunny)    the same sound
//   speech.avi     MP3   (ffmpeg.wasm: mediabunny does not read AVI)   the same sound
//   silence.webm   Opus, digital silence only
//   no-audio.webm  no sound track at all
// The truth (`speech` spans) is where espeak's own samples rise above 1 % of full scale, placed at each phrase's
// offset: it is measured from the synthesizer's output, not from the code under test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 22050; // espeak-ng's output rate
const DURATION = 12;
/** Phrases and where they start (s). */
export const PHRASES = [
  { text: 'hello world, this is a test', at: 0.8 },
  { text: 'the quick brown fox jumps over the lazy dog', at: 7.0 },
];
/** A held tone: loud, but not speech. */
const TONE = { start: 4.0, end: 6.0, hz: 440 };

function readWav(path) {
  const b = readFileSync(path);
  let at = 12;
  while (at < b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'data') {
      const n = Math.floor(size / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(at + 8 + i * 2) / 32768;
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

function writeWav(path, samples) {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((v, i) => b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), 44 + i * 2));
  writeFileSync(path, b);
}

const round = (x) => Math.round(x * 1000) / 1000;

export function makeSpeechFixtures(outDir, truthPath) {
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'speech-fixtures-'));
  try {
    const mix = new Float32Array(DURATION * RATE);
    const speech = [];
    PHRASES.forEach((p, i) => {
      const wav = join(tmp, `phrase-${i}.wav`);
      execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, p.text]);
      const voice = readWav(wav);
      const offset = Math.round(p.at * RATE);
      let first = -1;
      let last = -1;
      voice.forEach((v, j) => {
        if (Math.abs(v) > 0.01) {
          if (first < 0) first = j;
          last = j;
        }
        if (offset + j < mix.length) mix[offset + j] += v * 0.8;
      });
      speech.push({ text: p.text, start: round((offset + first) / RATE), end: round((offset + last) / RATE) });
    });
    for (let i = Math.round(TONE.start * RATE); i < TONE.end * RATE; i++)
      mix[i] += 0.3 * Math.sin((2 * Math.PI * TONE.hz * i) / RATE);
    const wav = join(tmp, 'speech.wav');
    writeWav(wav, mix);

    const picture = ['-f', 'lavfi', '-i', `color=c=gray:s=64x48:r=2:d=${DURATION}`];
    const ff = (args, name) =>
      execFileSync('ffmpeg', [
        '-y',
        '-v',
        'error',
        ...args,
        '-map_metadata',
        '-1',
        '-fflags',
        '+bitexact',
        join(outDir, name),
      ]);
    const vp8 = ['-c:v', 'libvpx', '-b:v', '20k', '-threads', '1'];
    ff([...picture, '-i', wav, ...vp8, '-c:a', 'libopus', '-b:a', '16k', '-ac', '1', '-shortest'], 'speech.webm');
    ff(
      [
        ...picture,
        '-i',
        wav,
        '-c:v',
        'libx264',
        '-preset',
        'veryslow',
        '-crf',
        '40',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '20k',
        '-ac',
        '1',
        '-shortest',
      ],
      'speech.mp4',
    );
    ff(
      [
        ...picture,
        '-i',
        wav,
        '-c:v',
        'mpeg4',
        '-q:v',
        '31',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '16k',
        '-ac',
        '1',
        '-ar',
        '22050',
        '-shortest',
      ],
      'speech.avi',
    );
    ff(
      [
        ...picture.slice(0, -1),
        'color=c=gray:s=64x48:r=2:d=3',
        '-f',
        'lavfi',
        '-i',
        'anullsrc=r=48000:cl=mono:d=3',
        ...vp8,
        '-c:a',
        'libopus',
        '-b:a',
        '16k',
        '-shortest',
      ],
      'silence.webm',
    );
    ff([...picture.slice(0, -1), 'color=c=gray:s=64x48:r=2:d=2', ...vp8, '-an'], 'no-audio.webm');

    const files = ['speech.webm', 'speech.mp4', 'speech.avi', 'silence.webm', 'no-audio.webm'];
    const truth = {
      duration: DURATION,
      speech,
      tone: { start: TONE.start, end: TONE.end },
      files: files.map((path) => ({ path, size: statSync(join(outDir, path)).size })),
    };
    writeFileSync(truthPath, `${JSON.stringify(truth, null, 2)}\n`);
    return truth;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
  const truth = makeSpeechFixtures(join(root, 'speech'), join(root, 'speech.json'));
  console.log(JSON.stringify(truth));
}
