import { env, type DataType, type ProgressInfo } from '@huggingface/transformers';

/**
 * A model folder laid out as on the Hugging Face hub (config.json, preprocessor_config.json, tokenizer.json,
 * tokenizer_config.json, onnx/*.onnx) for CLIP; the same with a
 * speech model's files for speech. Paths are relative, with `/`. The browser backs it with OPFS, Node with
 * the file system. `write` keeps files that a user-asked download brings.
 */
export interface ModelFiles {
  read(path: string): Promise<Uint8Array | null>;
  write?(path: string, bytes: Uint8Array): Promise<void>;
}

/** How a model folder is loaded: where from, which weights, how many threads, and whether a download may happen. */
export interface LoadOptions {
  files: ModelFiles;
  /** Which ONNX files: q8 (the default, as on the wasm backend) reads `onnx/*_quantized.onnx`, fp32 `onnx/*.onnx`. */
  dtype?: DataType;
  /** Browser only: where ONNX Runtime's `.mjs` loader and `.wasm` binary are served from (the app's origin). */
  wasmPaths?: { mjs: string; wasm: string };
  /** ONNX Runtime threads. In the browser this takes effect on the first load in a worker (and needs COOP/COEP). */
  threads?: number;
  /**
   * Only when the user asked for it: fetch files missing from `files` from the hub repo `repo`, and keep them
   * through `files.write`. Without it nothing is fetched, whatever is missing.
   */
  download?: { repo: string; signal?: AbortSignal };
  onProgress?: (p: { file: string; loaded: number; total: number }) => void;
}

/** The model folder is missing a file or cannot be read as a model. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/*
 * How files reach transformers.js. It looks a file up in a cache first (`env.customCache`), then at a local
 * path (`env.localModelPath` + model + file, through `env.fetch` once `env.useFS` is off), then, only if
 * `env.allowRemoteModels`, on the hub. The cache answers from the mounted ModelFiles, the local fetch answers 404
 * without touching the network, and hub downloads come back to the cache's `put`, which writes them into the
 * ModelFiles. The same path serves Node and the browser; in Node, ONNX files come back as bytes too (transformers
 * passes them to onnxruntime-node instead of a path).
 */
const LOCAL_ROOT = '/framefinder-models/';

interface Mount {
  files: ModelFiles;
  download?: LoadOptions['download'];
  /** Reads during one load, shared by transformers' repeated lookups of the same file. */
  reads: Map<string, Promise<Uint8Array | null>>;
  /** Every file transformers took, by path: what the model id hashes. */
  used: Map<string, Uint8Array>;
  failedWrites: string[];
}
const mounts = new Map<string, Mount>();

function locate(url: string): { mount: Mount; path: string; remote: boolean } | undefined {
  for (const [key, mount] of mounts) {
    const remote = env.remoteHost + env.remotePathTemplate.replaceAll('{model}', key).replaceAll('{revision}', 'main');
    if (url.startsWith(`${LOCAL_ROOT}${key}/`))
      return { mount, path: url.slice(LOCAL_ROOT.length + key.length + 1), remote: false };
    if (url.startsWith(remote)) return { mount, path: url.slice(remote.length), remote: true };
  }
  return undefined;
}

function read(mount: Mount, path: string): Promise<Uint8Array | null> {
  let bytes = mount.reads.get(path);
  if (!bytes) mount.reads.set(path, (bytes = mount.files.read(path)));
  return bytes;
}

const respond = (bytes: Uint8Array) =>
  new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.byteLength) } });

const modelCache = {
  async match(request: string) {
    const found = locate(request);
    const bytes = found && (await read(found.mount, found.path));
    if (!found || !bytes) return undefined;
    found.mount.used.set(found.path, bytes);
    return respond(bytes);
  },
  async put(request: string, response: Response) {
    const found = locate(request);
    if (!found) return;
    const bytes = new Uint8Array(await response.arrayBuffer());
    found.mount.reads.set(found.path, Promise.resolve(bytes));
    found.mount.used.set(found.path, bytes);
    try {
      await found.mount.files.write?.(found.path, bytes);
    } catch (err) {
      // transformers.js swallows errors from put (it only warns); remember them so the load can fail.
      found.mount.failedWrites.push(`${found.path}: ${(err as Error).message}`);
    }
  },
};

async function fetchModelFile(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = String(input);
  const found = locate(url);
  if (found && !found.remote) {
    const bytes = await read(found.mount, found.path);
    return bytes ? respond(bytes) : new Response(null, { status: 404 });
  }
  if (found?.mount.download) return globalThis.fetch(input, { ...init, signal: found.mount.download.signal });
  throw new ModelLoadError(`Refused to fetch ${url}: downloads only happen when the user asks for one.`);
}

export function configure({ wasmPaths, threads }: LoadOptions): void {
  env.allowLocalModels = true;
  env.localModelPath = LOCAL_ROOT;
  env.useFS = false;
  env.useFSCache = false;
  env.useBrowserCache = false;
  // The service worker precaches ONNX Runtime's wasm: a second copy in Cache Storage would only cost space.
  env.useWasmCache = false;
  env.useCustomCache = true;
  env.customCache = modelCache;
  env.fetch = fetchModelFile;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    if (wasmPaths) wasm.wasmPaths = wasmPaths;
    if (threads) wasm.numThreads = threads;
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `<name>:<dtype>:<16 hex>`, the hex from the SHA-256 of every file the load used. */
async function modelIdOf(used: Map<string, Uint8Array>, dtype: string, fallbackName: string): Promise<string> {
  const lines: string[] = [];
  for (const path of [...used.keys()].sort()) lines.push(`${path} ${await sha256Hex(used.get(path)!)}`);
  const hash = await sha256Hex(new TextEncoder().encode(lines.join('\n')));
  const config = used.get('config.json');
  const named = config ? (JSON.parse(new TextDecoder().decode(config)) as { _name_or_path?: string }) : {};
  const name = named._name_or_path?.split('/').pop() || fallbackName;
  return `${name}:${dtype}:${hash.slice(0, 16)}`;
}

let loads = 0;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `load` with `options.files` mounted where transformers.js looks for a model called `key`, and returns what
 * it made with the model id of every file it read. transformers.js' settings are global, so loads run one at a time.
 */
export function withModelFiles<T>(
  options: LoadOptions,
  fallbackName: string,
  load: (key: string, progress: ((p: ProgressInfo) => void) | undefined) => Promise<T>,
): Promise<{ value: T; modelId: string; failedWrites: string[] }> {
  const run = queue.then(async () => {
    const { files, dtype = 'q8', download, onProgress } = options;
    configure(options);
    // A fresh key per load: transformers memoizes file lookups by model name.
    const key = download?.repo ?? `local/load-${++loads}`;
    const mount: Mount = { files, download, reads: new Map(), used: new Map(), failedWrites: [] };
    mounts.set(key, mount);
    env.allowRemoteModels = download !== undefined;
    const progress = onProgress
      ? (p: ProgressInfo) => {
          if (p.status === 'progress') onProgress({ file: p.file, loaded: p.loaded, total: p.total });
        }
      : undefined;
    try {
      const value = await load(key, progress);
      return {
        value,
        modelId: await modelIdOf(mount.used, String(dtype), fallbackName),
        failedWrites: mount.failedWrites,
      };
    } finally {
      mounts.delete(key);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
