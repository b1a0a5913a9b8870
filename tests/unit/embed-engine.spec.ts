import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dot, packVectors, topK } from '../../src/lib/embeddings/vectors';
import { loadEngine, type EmbedEngine, type FramePixels, type ModelFiles } from '../../src/workers/embed/engine';
// @ts-expect-error -- a plain .mjs script without types
import { COLOURS, PROJECTION_DIM, makeTinyClip } from '../scripts/make-tiny-clip.mjs';
import { seededRandom } from '../shared/random';

const colours = COLOURS as Record<string, [number, number, number]>;

/** Node's side of ModelFiles: a folder on disk. */
function folderFiles(dir: string): ModelFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async read(path) {
      reads.push(path);
      return readFile(join(dir, path)).then(
        (b) => new Uint8Array(b),
        () => null,
      );
    },
  };
}

function memoryFiles(): ModelFiles & { stored: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>();
  return {
    stored,
    read: async (path) => stored.get(path) ?? null,
    write: async (path, bytes) => void stored.set(path, bytes),
  };
}

/** A flat colour with a little seeded grain, so frames are not perfectly uniform. */
function frame([r, g, b]: readonly number[], width = 48, height = 36, seed = 7): FramePixels {
  const data = new Uint8ClampedArray(width * height * 4);
  const random = seededRandom(seed);
  for (let i = 0; i < data.length; i += 4) {
    const grain = Math.floor(random() * 11) - 5;
    data.set([r + grain, g + grain, b + grain, 255], i);
  }
  return { data, width, height };
}

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

let root: string;
let modelDir: string;
let engine: EmbedEngine;
const noNetwork = vi.fn(() => Promise.reject(new Error('no network in tests')));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tiny-clip-'));
  modelDir = join(root, 'model');
  makeTinyClip(modelDir, { seed: 1 });
  vi.stubGlobal('fetch', noNetwork);
  engine = await loadEngine({ files: folderFiles(modelDir) });
});
afterEach(() => vi.stubGlobal('fetch', noNetwork));
afterAll(async () => {
  await engine?.dispose();
  vi.unstubAllGlobals();
  rmSync(root, { recursive: true, force: true });
});

describe('embed engine on the generated tiny CLIP', () => {
  it('gives unit vectors of projection_dim for frames and text', async () => {
    expect(engine.dim).toBe(PROJECTION_DIM);
    const [red, blue] = await engine.embedImages([frame(colours.red), frame(colours.blue, 64, 20)]);
    const text = await engine.embedText('a red car');
    for (const v of [red, blue, text]) {
      expect(v).toHaveLength(PROJECTION_DIM);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(dot(red, blue)).toBeLessThan(0.5); // different colours, clearly different vectors
    expect(await engine.embedImages([])).toEqual([]);
  });

  it('ranks each colour word’s frame first, also through the int8 index', async () => {
    const names = ['red', 'green', 'blue', 'yellow', 'white', 'black'];
    const vectors = await engine.embedImages(names.map((n) => frame(colours[n])));
    const index = packVectors(vectors, engine.dim);
    for (const word of ['red', 'green', 'blue', 'yellow']) {
      const query = await engine.embedText(word);
      const { hits } = topK(query, index, 3);
      expect(names[hits[0].index], `"${word}"`).toBe(word);
      expect(hits[0].score - hits[1].score, `"${word}" margin`).toBeGreaterThan(0.1);
    }
    const red = await engine.embedText('red');
    expect(dot(red, vectors[0])).toBeGreaterThan(dot(red, vectors[2]) + 0.5); // red frame far above the blue one
  });

  it('is deterministic, and the same folder always gives the same model id', async () => {
    const f = frame(colours.sky);
    const [a] = await engine.embedImages([f]);
    const [b] = await engine.embedImages([f]);
    expect(b).toEqual(a);
    expect(await engine.embedText('dog on the beach')).toEqual(await engine.embedText('dog on the beach'));

    const again = await loadEngine({ files: folderFiles(modelDir) });
    expect(again.modelId).toBe(engine.modelId);
    expect(again.modelId).toMatch(/^tiny-clip:q8:[0-9a-f]{16}$/);
    expect((await again.embedImages([f]))[0]).toEqual(a);
    await again.dispose();

    const otherDir = join(root, 'other-seed');
    makeTinyClip(otherDir, { seed: 2 });
    const other = await loadEngine({ files: folderFiles(otherDir) });
    expect(other.modelId).not.toBe(engine.modelId);
    await other.dispose();
  });

  it('embeds words the vocabulary does not know', async () => {
    const unknown = await engine.embedText('zebra xylophone');
    expect(unknown.every(Number.isFinite)).toBe(true);
    expect(norm(unknown)).toBeCloseTo(1, 5);
    expect(await engine.embedText('red zebra')).not.toEqual(await engine.embedText('red'));
  });

  it('never touches the network without a user-asked download', () => {
    expect(noNetwork).not.toHaveBeenCalled();
  });

  it('names the missing file, and fetches nothing, when the folder is incomplete', async () => {
    const files = folderFiles(modelDir);
    const partial: ModelFiles = {
      read: (path) => (path.startsWith('onnx/text_model') ? Promise.resolve(null) : files.read(path)),
    };
    await expect(loadEngine({ files: partial })).rejects.toMatchObject({
      name: 'ModelLoadError',
      message: expect.stringContaining('text_model_quantized.onnx'),
    });
    expect(noNetwork).not.toHaveBeenCalled();
  });

  it('downloads from the hub only when asked, and keeps the files it fetched', async () => {
    const hub = 'https://huggingface.co/framefinder/tiny-clip/resolve/main/';
    const hubFetch = vi.fn(async (input: string | URL) => {
      const url = String(input);
      if (!url.startsWith(hub)) return new Response(null, { status: 404 });
      try {
        return new Response(readFileSync(join(modelDir, url.slice(hub.length))));
      } catch {
        return new Response(null, { status: 404 });
      }
    });
    vi.stubGlobal('fetch', hubFetch);
    const files = memoryFiles();
    const downloaded = await loadEngine({ files, download: { repo: 'framefinder/tiny-clip' } });
    expect([...files.stored.keys()]).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/vision_model_quantized.onnx']),
    );
    expect(hubFetch.mock.calls.every(([url]) => String(url).startsWith(hub))).toBe(true);
    await downloaded.dispose();

    hubFetch.mockClear();
    const offline = await loadEngine({ files }); // what the next visit does: the kept files, no network
    expect(hubFetch).not.toHaveBeenCalled();
    expect(offline.modelId).toBe(engine.modelId);
    await offline.dispose();
  });
});
