import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSpeechEngine, type SpeechEngine } from '../../src/workers/speech/engine';
import { transcribeBlocks } from '../../src/workers/speech/transcribe';
// @ts-expect-error -- a plain .mjs script without types
import { LANGUAGES, makeTinyWhisper } from '../scripts/make-tiny-whisper.mjs';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The fixture's sound at 16 kHz mono (Debian's ffmpeg stands in for the browser's decoder here), in blocks. */
async function* blocksOf(name: string, size = 4096): AsyncGenerator<Float32Array> {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', `${fixtures}speech/${name}`, '-ac', '1', '-ar', '16000', '-f', 'f32le', '-'],
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
  root = mkdtempSync(join(tmpdir(), 'tiny-whisper-'));
  makeTinyWhisper(join(root, 'model'), { seed: 1 });
  vi.stubGlobal('fetch', () => Promise.reject(new Error('no network in tests')));
  engine = await loadSpeechEngine({
    files: {
      read: (path) =>
        readFile(join(root, 'model', path)).then(
          (b) => new Uint8Array(b),
          () => null,
        ),
    },
  });
});
afterAll(async () => {
  await engine?.dispose();
  vi.unstubAllGlobals();
  rmSync(root, { recursive: true, force: true });
});

// Random weights write random letters: these check what the app relies on, never the words.
describe('the generated tiny Whisper-shaped model', () => {
  it('loads as a multilingual Whisper that times words', () => {
    expect(engine.family).toBe('whisper');
    expect(engine.modelId).toMatch(/^tiny-whisper:q8:[0-9a-f]{16}$/);
    expect(engine.languages).toEqual(LANGUAGES);
    expect(engine.wordTimes).toBe(true);
  });

  it('detects one of its languages, and transcribes a video into timed lines whose words lie inside them', async () => {
    const t = await transcribeBlocks(blocksOf('speech.webm'), engine, null);
    expect(LANGUAGES).toContain(t.language);
    expect(t.cues.length).toBeGreaterThan(0);
    t.cues.forEach((c, i) => {
      expect(c.start).toBeGreaterThanOrEqual(i ? t.cues[i - 1].start : 0);
      expect(c.end).toBeGreaterThanOrEqual(c.start);
      expect(c.end).toBeLessThanOrEqual(t.seconds + 0.01);
      expect(c.words?.length).toBeGreaterThan(0);
      for (const w of c.words!) {
        expect(w.start).toBeGreaterThanOrEqual(c.start);
        expect(w.end).toBeLessThanOrEqual(c.end);
      }
      expect(c.words!.map((w) => w.text).join(' ')).toBe(c.text);
    });
  });

  it('listens for the chosen language instead of detecting one', async () => {
    const detect = vi.spyOn(engine, 'detectLanguage');
    const t = await transcribeBlocks(blocksOf('speech.webm'), engine, 'ja');
    expect(t.language).toBe('ja');
    expect(detect).not.toHaveBeenCalled();
    detect.mockRestore();
  });
});
