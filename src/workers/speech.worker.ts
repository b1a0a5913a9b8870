/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { DataType } from '@huggingface/transformers';
// ONNX Runtime from our own origin, as in the embed worker: left alone, transformers.js fetches it from a CDN.
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { SPEECH_RATE } from '../lib/speech/resample';
import { directoryFiles } from './models/directory-files';
import { speechAudio, type AudioTier, type AudioTimes } from './speech/audio';
import { loadSpeechEngine, type SpeechEngine } from './speech/engine';
import { transcribeBlocks, type Transcript } from './speech/transcribe';

export interface LoadSpeechOptions {
  dtype?: DataType;
  threads?: number;
  /** Only when the user asked: fetch what the folder lacks from this hub repo, and keep it in the folder. */
  download?: { repo: string };
}

/** Transcribing needs a speech model, and none is loaded. */
export class NoSpeechModelError extends Error {
  override name = 'NoSpeechModelError';
  constructor() {
    super('No speech model is loaded: add one in the Models panel.');
  }
}

let engine: Promise<SpeechEngine> | undefined;
let loadedFolder: string | null = null;

/**
 * Speech to text: decodes a video's sound track (WebCodecs through mediabunny, else ffmpeg.wasm), brings it to
 * 16 kHz mono, skips what is not speech and runs the speech model on the rest, a window at a time. Cancelling means
 * terminating this worker (wasm cannot be interrupted); the page loads the model again in the next one.
 */
const api = {
  /** Loads the model in `folder` (named `name`, so a second call for the same folder is free). */
  async load(
    folder: FileSystemDirectoryHandle,
    name: string,
    options: LoadSpeechOptions = {},
    onProgress?: (p: { file: string; loaded: number; total: number }) => void,
  ): Promise<{ modelId: string; family: SpeechEngine['family'] }> {
    if (engine && loadedFolder === name) {
      const e = await engine;
      return { modelId: e.modelId, family: e.family };
    }
    const previous = engine;
    engine = undefined;
    await previous?.then((e) => e.dispose()).catch(() => undefined); // a failed earlier load has nothing to free
    const loading = loadSpeechEngine({
      files: directoryFiles(folder),
      wasmPaths: { mjs: ortMjsUrl, wasm: ortWasmUrl },
      ...options,
      onProgress,
    });
    engine = loading;
    loadedFolder = name;
    loading.catch(() => {
      if (engine === loading) {
        engine = undefined;
        loadedFolder = null;
      }
    });
    const e = await loading;
    return { modelId: e.modelId, family: e.family };
  },

  async unload(): Promise<void> {
    const previous = engine;
    engine = undefined;
    loadedFolder = null;
    await previous?.then((e) => e.dispose()).catch(() => undefined); // nothing loaded, nothing to free
  },

  /**
   * The video's lines. A file without a sound track gives status 'no-audio'; one without speech 'silence'.
   * `onProgress` gets the seconds of sound decoded so far.
   */
  async transcribe(
    file: File,
    language: string | null,
    onProgress?: (seconds: number) => void,
  ): Promise<Transcript & { tier: AudioTier | null }> {
    if (!engine) throw new NoSpeechModelError();
    const e = await engine;
    let tier: AudioTier | null = null;
    try {
      const t = await transcribeBlocks(
        speechAudio(file, { tierSeen: (used) => (tier = used) }),
        e,
        language,
        onProgress,
      );
      return { ...t, tier };
    } catch (err) {
      if ((err as Error).name !== 'NoAudioError') throw err;
      return { status: 'no-audio', cues: [], seconds: 0, heardSeconds: 0, modelId: e.modelId, language: null, tier };
    }
  },

  /**
   * Decodes and resamples the sound track only (the benchmark's `audio_x_realtime`). `keep` returns the 16 kHz
   * samples too, and `oneDecoder` decodes without lanes (the tests compare the two).
   */
  async decodeAudio(
    file: File,
    { keep = false, oneDecoder = false } = {},
  ): Promise<
    { seconds: number; ms: number; tier: AudioTier | null; peakBlock: number; samples?: Float32Array } & AudioTimes
  > {
    const started = performance.now();
    const kept: Float32Array[] = [];
    let samples = 0;
    let peakBlock = 0;
    let tier: AudioTier | null = null;
    const times: AudioTimes = { mixMs: 0, resampleMs: 0 };
    for await (const block of speechAudio(file, { tierSeen: (used) => (tier = used), times, oneDecoder })) {
      samples += block.length;
      peakBlock = Math.max(peakBlock, block.length);
      if (keep) kept.push(block);
    }
    const ms = performance.now() - started;
    const whole = keep ? joinBlocks(kept, samples) : undefined;
    const result = { seconds: samples / SPEECH_RATE, ms, tier, peakBlock, ...times, samples: whole };
    return whole ? transfer(result, [whole.buffer]) : result;
  },
};

function joinBlocks(blocks: Float32Array[], length: number): Float32Array {
  const whole = new Float32Array(length);
  let at = 0;
  for (const b of blocks) {
    whole.set(b, at);
    at += b.length;
  }
  return whole;
}

export type SpeechApi = typeof api;
expose(api);
