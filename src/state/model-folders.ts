/**
 * Models kept in OPFS, one folder each under `models/`, laid out as on the Hugging Face hub, with a
 * `framefinder-model.json` beside the files once the folder is complete. Used by the page (Models panel) and the
 * embed worker (which reads the files). OPFS counts in the storage estimate the Settings panel shows.
 */

import { copyFilesInto, walkFiles } from '../lib/opfs-files';

export type ModelDtype = 'q8' | 'fp32';

export interface ModelMeta {
  /** What the Models panel calls it. */
  name: string;
  /** What the model is for: word search (CLIP, also when absent: folders kept before speech existed) or speech. */
  kind?: 'clip' | 'speech';
  source: 'download' | 'folder';
  /** The hub repo a download came from. */
  repo?: string;
  dtype: ModelDtype;
  addedAt: number;
  /** Set once the model has loaded (it names the exact weights). */
  modelId?: string;
  dim?: number;
}

export interface InstalledModel extends ModelMeta {
  folder: string;
  bytes: number;
  files: number;
}

const metaFile = 'framefinder-model.json';

/** The default model: CLIP ViT-B/32 as transformers.js publishes it, 8-bit weights. */
export const defaultModel = {
  repo: 'Xenova/clip-vit-base-patch32',
  name: 'CLIP ViT-B/32 (Xenova/clip-vit-base-patch32, 8-bit)',
  folder: 'Xenova--clip-vit-base-patch32',
  /** What the q8 download weighs: the two ONNX files (88 MB vision, 64 MB text) and the tokenizer. */
  approxBytes: 155_000_000,
};

/** Files a CLIP folder needs at its top level, and the ONNX files per dtype. */
const configFiles = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const optionalFiles = ['special_tokens_map.json', 'vocab.json', 'merges.txt'];
const onnxFiles: Record<ModelDtype, string[]> = {
  q8: ['onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx'],
  fp32: ['onnx/vision_model.onnx', 'onnx/text_model.onnx'],
};

export class IncompleteModelError extends Error {
  override name = 'IncompleteModelError';
}

/**
 * Whether this browser gives the page OPFS, where models are kept (WebKitGTK, for one, does not): without it the
 * Models panel says that word search and speech to text are off in this browser, instead of failing on a click.
 */
export function canKeepModels(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

async function modelsRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle('models', { create: true });
}

export async function modelFolder(folder: string, create = false): Promise<FileSystemDirectoryHandle> {
  return (await modelsRoot()).getDirectoryHandle(folder, { create });
}

async function readMeta(dir: FileSystemDirectoryHandle): Promise<ModelMeta | null> {
  try {
    const file = await (await dir.getFileHandle(metaFile)).getFile();
    return JSON.parse(await file.text()) as ModelMeta;
  } catch {
    return null; // no meta: a download that has not finished, or not our folder
  }
}

export async function writeMeta(folder: string, meta: ModelMeta): Promise<void> {
  const writable = await (await (await modelFolder(folder)).getFileHandle(metaFile, { create: true })).createWritable();
  await writable.write(JSON.stringify(meta, null, 2));
  await writable.close();
}

/** Every model folder, complete ones with their meta; `partial` lists folders a cancelled download left. */
export async function listModels(): Promise<{
  models: InstalledModel[];
  partial: { folder: string; bytes: number }[];
}> {
  const models: InstalledModel[] = [];
  const partial: { folder: string; bytes: number }[] = [];
  if (!canKeepModels()) return { models, partial };
  for await (const [folder, handle] of (await modelsRoot()) as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind !== 'directory') continue;
    const dir = handle as FileSystemDirectoryHandle;
    let bytes = 0;
    let files = 0;
    for await (const [, file] of walkFiles(dir)) {
      bytes += file.size;
      files++;
    }
    const meta = await readMeta(dir);
    if (meta) models.push({ ...meta, folder, bytes, files });
    else partial.push({ folder, bytes });
  }
  return { models: models.sort((a, b) => a.addedAt - b.addedAt), partial };
}

export async function removeModel(folder: string): Promise<void> {
  try {
    await (await modelsRoot()).removeEntry(folder, { recursive: true });
  } catch (err) {
    // Already gone is what was asked for.
    if ((err as DOMException).name !== 'NotFoundError') throw err;
  }
}

/** Which files of a picked folder a CLIP model needs (paths relative to the folder), and its dtype. */
export function pickModelFiles(paths: readonly string[]): { keep: string[]; dtype: ModelDtype } {
  const have = new Set(paths);
  const dtype: ModelDtype =
    onnxFiles.q8.every((p) => have.has(p)) || !onnxFiles.fp32.every((p) => have.has(p)) ? 'q8' : 'fp32';
  const missing = [...configFiles, ...onnxFiles[dtype]].filter((p) => !have.has(p));
  if (missing.length)
    throw new IncompleteModelError(
      `This folder is not a CLIP model for Framefinder: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
    );
  return { keep: [...configFiles, ...optionalFiles.filter((p) => have.has(p)), ...onnxFiles[dtype]], dtype };
}

/** Files a speech model folder needs: Whisper (encoder and merged decoder) or a CTC model (one ONNX file). */
const speechConfig = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const speechOptional = [
  'generation_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'normalizer.json',
  'vocab.json',
  'merges.txt',
];
const speechOnnx: Record<ModelDtype, string[][]> = {
  q8: [
    ['onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx'],
    ['onnx/model_quantized.onnx'],
  ],
  fp32: [['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'], ['onnx/model.onnx']],
};

/** Which files of a picked folder a speech model needs, and its dtype (q8 preferred). */
export function pickSpeechFiles(paths: readonly string[]): { keep: string[]; dtype: ModelDtype } {
  const have = new Set(paths);
  for (const dtype of ['q8', 'fp32'] as const)
    for (const onnx of speechOnnx[dtype]) {
      if (!onnx.every((p) => have.has(p))) continue;
      const missing = speechConfig.filter((p) => !have.has(p));
      if (missing.length) throw new IncompleteModelError(`This speech model folder lacks ${missing.join(', ')}.`);
      return { keep: [...speechConfig, ...speechOptional.filter((p) => have.has(p)), ...onnx], dtype };
    }
  throw new IncompleteModelError(
    'This folder is not a speech model for Framefinder: it needs onnx/encoder_model_quantized.onnx and onnx/decoder_model_merged_quantized.onnx (Whisper) or onnx/model_quantized.onnx (wav2vec2), beside config.json, preprocessor_config.json, tokenizer.json and tokenizer_config.json.',
  );
}

/** A folder name for `name` that no model uses yet. */
export async function freeFolderName(name: string): Promise<string> {
  const base =
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(0, 80) || 'model';
  const taken = new Set<string>();
  for await (const [folder] of (await modelsRoot()) as unknown as AsyncIterable<[string, FileSystemHandle]>)
    taken.add(folder);
  let folder = base;
  for (let n = 2; taken.has(folder); n++) folder = `${base}-${n}`;
  return folder;
}

/**
 * Copies a picked model folder (files with their paths relative to it) into OPFS, streaming each file, and
 * writes the meta last, so a folder interrupted halfway is never taken for a model.
 */
export async function copyModelFolder(
  name: string,
  files: readonly { path: string; file: File }[],
  onProgress?: (copied: number, total: number) => void,
  kind: 'clip' | 'speech' = 'clip',
): Promise<{ folder: string; meta: ModelMeta }> {
  const { keep, dtype } = (kind === 'speech' ? pickSpeechFiles : pickModelFiles)(files.map((f) => f.path));
  const chosen = keep.map((path) => files.find((f) => f.path === path)!);
  const folder = await freeFolderName(name);
  const root = await modelFolder(folder, true);
  try {
    await copyFilesInto(root, chosen, onProgress);
  } catch (err) {
    await removeModel(folder);
    throw err;
  }
  const meta: ModelMeta = { name, kind, source: 'folder', dtype, addedAt: Date.now() };
  await writeMeta(folder, meta);
  return { folder, meta };
}

/**
 * A picked file's path inside the model folder. Some pickers (and browser automation in Firefox and WebKit) hand
 * over a folder's files without their relative paths: then an ONNX file belongs in `onnx/`, as on the hub.
 */
export function pathInModel(file: File): string {
  const path = file.webkitRelativePath.split('/').slice(1).join('/');
  if (path) return path;
  return file.name.endsWith('.onnx') || file.name.endsWith('.onnx_data') ? `onnx/${file.name}` : file.name;
}
