import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSpeechEngine, type SpeechEngine } from '../../src/workers/speech/engine';
import { transcribeBlocks } from '../../src/workers/speech/transcribe';
import type { ModelFiles } from '../../src/workers/models/hub-files';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinySpeech } from '../scripts/make-tiny-speech.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const truth = JSON.parse(readFileSync(`${fixtures}speech.json`, 'utf8')) as {
  duration: number;
  speech: { start: number; end: number }[];
  tone: { start: number; end: number };
};

const folderFiles = (dir: string): ModelFiles => ({
  read: (path) =>
    readFile(join(dir, path)).then(
      (b) => new Uint8Array(b),
      () => null,
    ),
});

/** The fixture's sound at 16 kHz mono (Debian's ffmpeg stands in for the browser's decoder here), in blocks. */
async function* blocksOf(name: string, size = 4096): AsyncGenerator<Float32Array> {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', `${fixtures}speech/${name}`, '-vn', '-ac', '1', '-ar', '16000', '-f', 'f32le', '-'],
    {
      maxBuffer: 1 << 26,
    },
  );
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  for (let at = 0; at < all.length; at += size) yield all.slice(at, at + size);
}

let root: string;
let engine: SpeechEngine;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tiny-speech-'));
  makeTinySpeech(join(root, 'model'), { seed: 1 });
  vi.stubGlobal('fetch', () => Promise.reject(new Error('no network in tests')));
  engine = await loadSpeechEngine({ files: folderFiles(join(root, 'model')) });
});
afterAll(async () => {
  await engine?.dispose();
  vi.unstubAllGlobals();
  rmSync(root, { recursive: true, force: true });
});

describe('speech recognition with the generated tiny model', () => {
  it('loads through the model-folder path and names the weights', async () => {
    expect(engine.family).toBe('ctc');
    expect(engine.modelId).toMatch(/^tiny-speech:q8:[0-9a-f]{16}$/);
    const again = await loadSpeechEngine({ files: folderFiles(join(root, 'model')) });
    expect(again.modelId).toBe(engine.modelId);
    await again.dispose();
  });

  it('hears one line per phrase, inside the sound, in order, none over the tone', async () => {
    const t = await transcribeBlocks(blocksOf('speech.webm'), engine, null);
    expect(t.status).toBe('speech');
    expect(t.seconds).toBeCloseTo(truth.duration, 0);
    expect(t.cues).toHaveLength(truth.speech.length);
    t.cues.forEach((c, i) => {
      expect(c.text.length).toBeGreaterThan(0);
      expect(c.start).toBeGreaterThanOrEqual(0);
      expect(c.end).toBeLessThanOrEqual(t.seconds);
      expect(c.start).toBeLessThanOrEqual(truth.speech[i].start);
      expect(c.end).toBeGreaterThanOrEqual(truth.speech[i].end);
      if (i > 0) expect(c.start).toBeGreaterThanOrEqual(t.cues[i - 1].end);
      expect(c.start < truth.tone.end && c.end > truth.tone.start).toBe(false);
    });
    // Only the speech went to the model, not the silence or the tone.
    expect(t.heardSeconds).toBeLessThan(truth.duration / 2);
  });

  it('says silence, with no lines, for a sound track without speech', async () => {
    const t = await transcribeBlocks(blocksOf('silence.webm'), engine, null);
    expect(t).toMatchObject({ status: 'silence', cues: [], heardSeconds: 0 });
    expect(t.seconds).toBeGreaterThan(2.5);
  });
});
