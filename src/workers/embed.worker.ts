/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { FrameSink } from '../lib/media/types';
import type { DataType } from '@huggingface/transformers';
// ONNX Runtime's loader and binary for the build transformers.js imports (onnxruntime-web/webgpu, asyncify),
// served from our origin: left alone, transformers.js fetches them from a CDN.
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { loadEngine, type EmbedEngine, type FramePixels } from './embed/engine';
import { directoryFiles } from './models/directory-files';
import { sceneIndex } from './embed/scene-index';
import { tagSuggester } from './embed/tag-suggester';

/** Word search and "more like this" need a model, and none is loaded. */
export class NoModelError extends Error {
  override name = 'NoModelError';
  constructor() {
    super('No model is loaded: add one in the Models panel to search by words.');
  }
}

export interface LoadModelOptions {
  dtype?: DataType;
  /** ONNX Runtime threads; fixed by the first load in this worker. Several need a cross-origin isolated page. */
  threads?: number;
  /** Only when the user asked: fetch what the folder lacks from this hub repo, and keep it in the folder. */
  download?: { repo: string };
}

let engine: Promise<EmbedEngine> | undefined;

async function current(): Promise<EmbedEngine> {
  if (!engine) throw new NoModelError();
  return engine;
}

const scenes = sceneIndex(current);
const suggester = tagSuggester(scenes);

const api = {
  /**
   * Loads the model in `folder`, replacing the one loaded before, and returns its id and vector length.
   * Cancelling a download means terminating this worker: an AbortSignal cannot cross to it.
   */
  async load(
    folder: FileSystemDirectoryHandle,
    options: LoadModelOptions = {},
    onProgress?: (p: { file: string; loaded: number; total: number }) => void,
  ) {
    const previous = engine;
    engine = undefined;
    await previous?.then((e) => e.dispose()).catch(() => undefined); // a failed earlier load has nothing to free
    const loading = loadEngine({
      files: directoryFiles(folder),
      wasmPaths: { mjs: ortMjsUrl, wasm: ortWasmUrl },
      ...options,
      onProgress,
    });
    engine = loading;
    loading.catch(() => {
      if (engine === loading) engine = undefined;
    });
    const { modelId, dim } = await loading;
    return { modelId, dim };
  },

  /** One unit-length vector per frame, in order (buffers transferred). */
  async embedImages(frames: FramePixels[]) {
    const vectors = await (await current()).embedImages(frames);
    return transfer(
      vectors,
      vectors.map((v) => v.buffer as ArrayBuffer),
    );
  },

  async embedText(text: string) {
    const vector = await (await current()).embedText(text);
    return transfer(vector, [vector.buffer as ArrayBuffer]);
  },

  async modelId(): Promise<string | null> {
    return engine ? ((await engine.catch(() => null))?.modelId ?? null) : null;
  },

  async unload() {
    const previous = engine;
    engine = undefined;
    await previous?.then((e) => e.dispose()).catch(() => undefined); // nothing loaded, nothing to free
  },

  /**
   * A frame route from a media worker for the embedding run `token` of a video. Once the model changes mid-way
   * the rest is ignored (the decoder is not sent to its fallback tier); `commit` then says so.
   */
  receiveFrames(videoId: number, token: number, port: MessagePort): void {
    let stale = false;
    const sink: FrameSink = {
      async frames(frames, done) {
        if (stale) return;
        try {
          await scenes.addFrames(videoId, token, frames, done);
        } catch (err) {
          if ((err as Error).name !== 'ModelChangedError') throw err;
          stale = true;
        }
      },
    };
    expose(sink, port);
  },

  /** The stored embeddings: embedding videos into them, word search, "more like this". */
  ...scenes,

  /** Suggested tags for a video from its stored frames (null when `modelId` has not embedded it). */
  suggestTags: (videoId: number, modelId: string) => suggester.suggestTags(videoId, modelId),
};

export type EmbedApi = typeof api;

expose(api);
