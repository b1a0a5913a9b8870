// Speech to text from the user's request to "Said" search: a real catalog and job queue, the real transcribe stage,
// the real transcript worker API, and the real speech engine with the generated tiny model. Only the decoding
// stands in: Debian's ffmpeg reads the fixture's sound in Node, where WebCodecs and ffmpeg.wasm do not run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stageOf } from '../../../src/indexing/registry';
import type { PipelineTools } from '../../../src/indexing/stage';
import { noAudioNote, silenceNote } from '../../../src/indexing/stages/transcribe';
import { AbortError } from '../../../src/lib/errors';
import type { Job } from '../../../src/lib/types';
import { loadSpeechEngine, type SpeechEngine } from '../../../src/workers/speech/engine';
import { transcribeBlocks } from '../../../src/workers/speech/transcribe';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinySpeech } from '../../scripts/make-tiny-speech.mjs';
import { freshCatalog } from '../helpers';
import { generatedSource } from './generated-source';
import { testTools } from './tools';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');
const truth = JSON.parse(readFileSync(join(fixtures, 'speech.json'), 'utf8')) as {
  duration: number;
  speech: { start: number; end: number }[];
};
const names = ['speech.webm', 'silence.webm', 'no-audio.webm'];

let root: string;
let engine: SpeechEngine;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'transcribe-stage-'));
  makeTinySpeech(join(root, 'model'));
  vi.stubGlobal('fetch', () => Promise.reject(new Error('no network in tests')));
  engine = await loadSpeechEngine({
    files: {
      read: (p) =>
        readFile(join(root, 'model', p)).then(
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

/** The speech worker's part, in Node: ffmpeg decodes the file's sound to 16 kHz mono, the engine hears it. */
function nodeSpeech(hooks: { afterBlock?: () => void } = {}): PipelineTools['speech'] {
  return {
    whenRestored: async () => undefined,
    active: () => ({ folder: 'tiny-speech', name: 'tiny speech', language: null }),
    async transcribe(file, { signal, onProgress }) {
      const path = join(root, file.name);
      writeFileSync(path, new Uint8Array(await file.arrayBuffer()));
      const streams = execFileSync('ffprobe', [
        '-v',
        'error',
        '-select_streams',
        'a',
        '-show_entries',
        'stream=index',
        '-of',
        'csv',
        path,
      ]);
      if (String(streams).trim() === '')
        return { status: 'no-audio', cues: [], seconds: 0, heardSeconds: 0, modelId: engine.modelId, language: null };
      const raw = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-i',
        path,
        '-vn',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        'f32le',
        '-',
      ]);
      const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      async function* blocks() {
        for (let at = 0; at < all.length; at += 8000) {
          if (signal.aborted) throw new AbortError();
          yield all.slice(at, at + 8000);
          hooks.afterBlock?.();
        }
      }
      return transcribeBlocks(blocks(), engine, null, onProgress);
    },
  };
}

async function setup(speech = nodeSpeech()) {
  const { catalog } = await freshCatalog();
  const lib = catalog.addLibrary('Talks', 'handle');
  catalog.applyScanOps(
    lib.id,
    names.map((path) => ({ kind: 'add' as const, file: { path, size: 1000, modifiedAt: 1000 } })),
  );
  const ids = Object.fromEntries(catalog.listVideos().map((v) => [v.name, v.id]));
  const file = (name: string) => new File([readFileSync(join(fixtures, 'speech', name))], name);
  const t = testTools(catalog, { source: () => generatedSource(), file: (v) => file(v.name), speech });
  const transcribeJobs = () => catalog.listJobs('queued', 100).filter((j) => j.stage === 'transcribe');
  const run = async (videoId: number, signal = new AbortController().signal) => {
    const job = transcribeJobs().find((j) => j.videoId === videoId) as Job;
    expect(job, 'a queued transcribe job').toBeDefined();
    catalog.sql.run(`UPDATE jobs SET status = 'running' WHERE id = ?`, [job.id]);
    await stageOf('transcribe').run(job, { signal, progress: () => {}, tools: t.tools });
    catalog.completeJob(job.id);
  };
  return { catalog, lib, ids, run, transcribeJobs, ...t };
}

describe('speech to text', () => {
  it('runs only when the user asks, for a selection or a whole library', async () => {
    const s = await setup();
    expect(s.transcribeJobs()).toEqual([]);
    expect(s.catalog.queueStage('transcribe', { videoIds: [s.ids['speech.webm']] })).toBe(1);
    expect(s.transcribeJobs().map((j) => j.videoId)).toEqual([s.ids['speech.webm']]);
    expect(s.catalog.queueStage('transcribe', { libraryId: s.lib.id })).toBe(3);
    expect(s.transcribeJobs()).toHaveLength(3);
  });

  it('stores what was heard as the speech track, in order, inside the sound, and "Said" search finds it', async () => {
    const s = await setup();
    const id = s.ids['speech.webm'];
    s.catalog.queueStage('transcribe', { videoIds: [id] });
    await s.run(id);
    const [track] = await s.transcripts.tracks(id);
    expect(track).toMatchObject({ source: 'speech', modelId: engine.modelId, warnings: [] });
    expect(track.cues).toHaveLength(truth.speech.length);
    track.cues.forEach((c, i) => {
      expect(c.start).toBeGreaterThanOrEqual(i ? track.cues[i - 1].end : 0);
      expect(c.end).toBeLessThanOrEqual(truth.duration);
    });
    // Random weights spell random letters: search for a word the model wrote.
    const word = track.cues[1].text.split(' ').sort((a, b) => b.length - a.length)[0];
    const { hits } = await s.transcripts.search(word);
    expect(hits.some((h) => h.videoId === id && h.source === 'speech')).toBe(true);
  });

  it('says "No audio" for a file without sound and "no speech" for silence, neither a failure', async () => {
    const s = await setup();
    s.catalog.queueStage('transcribe', { libraryId: s.lib.id });
    await s.run(s.ids['no-audio.webm']);
    await s.run(s.ids['silence.webm']);
    expect(await s.transcripts.tracks(s.ids['no-audio.webm'])).toMatchObject([{ cues: [], warnings: [noAudioNote] }]);
    expect(await s.transcripts.tracks(s.ids['silence.webm'])).toMatchObject([{ cues: [], warnings: [silenceNote] }]);
  });

  it('a cancel mid-way keeps the transcript there was, never half of a new one', async () => {
    const cancel = new AbortController();
    let armed = false;
    let blocks = 0;
    const s = await setup(nodeSpeech({ afterBlock: () => armed && ++blocks === 10 && cancel.abort() }));
    const id = s.ids['speech.webm'];
    s.catalog.queueStage('transcribe', { videoIds: [id] });
    await s.run(id);
    const before = await s.transcripts.tracks(id);
    expect(before[0].cues).toHaveLength(truth.speech.length);
    s.catalog.queueStage('transcribe', { videoIds: [id] });
    armed = true; // cancelled at 10 of 24 blocks: the first line was heard by then, the second not
    await expect(s.run(id, cancel.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(blocks).toBe(10);
    expect(await s.transcripts.tracks(id)).toEqual(before);
  });

  it('keeps the lines the user fixed over the new ones they overlap', async () => {
    const s = await setup();
    const id = s.ids['speech.webm'];
    s.catalog.queueStage('transcribe', { videoIds: [id] });
    await s.run(id);
    const [track] = await s.transcripts.tracks(id);
    const fixed = { ...track.cues[0], text: 'hello world this is a test', edited: true };
    await s.transcripts.storeTracks(id, s.lib.id, 'speech', [{ ...track, cues: [fixed, track.cues[1]] }]);
    s.catalog.queueStage('transcribe', { videoIds: [id] });
    await s.run(id);
    const [again] = await s.transcripts.tracks(id);
    expect(again.cues).toHaveLength(truth.speech.length);
    expect(again.cues[0]).toEqual(fixed);
    expect((await s.transcripts.search('hello world')).hits[0]).toMatchObject({ videoId: id, source: 'speech' });
  });
});
