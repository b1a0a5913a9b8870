#!/usr/bin/env node
// The tiny CLIP of make-tiny-clip.mjs with a vision tower about as costly as CLIP ViT-B/32's (4.4 GFLOPs an
// image): 224 px input, a 32 px patch embedding to 768 channels, then `layers` residual MLP blocks 768 → 3072 → 768
// over the 49 patches (2.8 GFLOPs at 6 layers). Random weights, fp32 (6 layers: 113 MB). For `npm run bench:embed
// -- --heavy` only: it shows what threads do for a model whose time goes into ONNX Runtime rather than into
// JavaScript, without downloading one. Its embeddings mean nothing.
//
//   import { makeHeavyClip } from './make-heavy-clip.mjs'; makeHeavyClip(dir, { layers: 6 });
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTinyClip, PROJECTION_DIM } from './make-tiny-clip.mjs';
import { FLOAT, model, node, tensor, valueInfo } from './onnx-writer.mjs';

const SIDE = 224;
const PATCH = 32;
const WIDTH = 768;
const HIDDEN = 3072;

function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export function makeHeavyClip(outDir, { layers = 6, seed = 1 } = {}) {
  makeTinyClip(outDir, { seed });
  const rand = random(seed);
  const weights = (n, scale) => Float32Array.from({ length: n }, () => rand() * scale);
  const patches = (SIDE / PATCH) ** 2;
  const nodes = [
    node('Conv', ['pixel_values', 'patch_embed'], ['grid'], { kernel_shape: [PATCH, PATCH], strides: [PATCH, PATCH] }),
    node('Reshape', ['grid', 'grid_shape'], ['tokens_t']),
    node('Transpose', ['tokens_t'], ['x0'], { perm: [0, 2, 1] }),
  ];
  const initializers = [
    tensor('patch_embed', [WIDTH, 3, PATCH, PATCH], weights(WIDTH * 3 * PATCH * PATCH, 0.02)),
    tensor('grid_shape', [3], BigInt64Array.from([0n, BigInt(WIDTH), BigInt(patches)])),
  ];
  for (let l = 0; l < layers; l++) {
    nodes.push(
      node('MatMul', [`x${l}`, `up${l}`], [`h${l}`]),
      node('Relu', [`h${l}`], [`r${l}`]),
      node('MatMul', [`r${l}`, `down${l}`], [`d${l}`]),
      node('Add', [`x${l}`, `d${l}`], [`x${l + 1}`]),
    );
    initializers.push(
      tensor(`up${l}`, [WIDTH, HIDDEN], weights(WIDTH * HIDDEN, 0.04)),
      tensor(`down${l}`, [HIDDEN, WIDTH], weights(HIDDEN * WIDTH, 0.02)),
    );
  }
  nodes.push(
    node('ReduceMean', [`x${layers}`], ['pooled'], { axes: [1], keepdims: 0 }),
    node('MatMul', ['pooled', 'projection'], ['image_embeds']),
  );
  initializers.push(tensor('projection', [WIDTH, PROJECTION_DIM], weights(WIDTH * PROJECTION_DIM, 0.05)));
  const vision = model('heavy_clip_vision', {
    nodes,
    initializers,
    inputs: [valueInfo('pixel_values', FLOAT, ['batch_size', 3, SIDE, SIDE])],
    outputs: [valueInfo('image_embeds', FLOAT, ['batch_size', PROJECTION_DIM])],
  });
  writeFileSync(join(outDir, 'onnx', 'vision_model_quantized.onnx'), vision);
  const path = join(outDir, 'preprocessor_config.json');
  const pre = JSON.parse(readFileSync(path, 'utf8'));
  const size = { crop_size: { height: SIDE, width: SIDE }, size: { shortest_edge: SIDE } };
  writeFileSync(path, JSON.stringify({ ...pre, ...size }, null, 2));
  const configPath = join(outDir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  writeFileSync(configPath, JSON.stringify({ ...config, _name_or_path: 'framefinder/heavy-clip' }, null, 2));
  return outDir;
}
