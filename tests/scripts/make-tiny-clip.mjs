#!/usr/bin/env node
// Writes a tiny CLIP-shaped model folder, laid out like a real transformers.js model (Xenova/clip-vit-base-patch32):
//
//   config.json  preprocessor_config.json  tokenizer.json  tokenizer_config.json
//   onnx/vision_model_quantized.onnx  onnx/text_model_quantized.onnx      (dtype q8 → suffix `_quantized`)
//
//   node tests/scripts/make-tiny-clip.mjs <out-dir> [--seed N]
//   import { makeTinyClip } from './make-tiny-clip.mjs'; await makeTinyClip(dir, { seed: 1 });
//
// Tests never download weights (issue 6), so this model is written at test time, with seeded weights and the
// input and output names transformers.js binds: vision `pixel_values` → `image_embeds`, text `input_ids` →
// `text_embeds`. The graphs are a few ops each, in fp32 (the `_quantized` name is only what dtype q8 asks for):
//   vision: AveragePool to a 2×2 grid → Flatten → MatMul → image_embeds
//   text:   Gather(token table, input_ids) → ReduceMean over tokens → MatMul → text_embeds
// Both towers share one colour matrix, and each word of COLOURS has its token row set to the colour's normalized
// pixel value, so "red" really lands nearest a red frame and tests can assert ranking, not just shapes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOAT, INT64, model, node, tensor, valueInfo } from './onnx-writer.mjs';

export const PROJECTION_DIM = 32;
export const IMAGE_SIZE = 32;
const TEXT_HIDDEN = 16;
const IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073];
const IMAGE_STD = [0.26862954, 0.26130258, 0.27577711];

/** Words the model knows as colours, with the RGB a frame of that colour has. */
export const COLOURS = {
  red: [220, 30, 30],
  green: [30, 200, 60],
  blue: [30, 60, 220],
  yellow: [235, 215, 40],
  white: [245, 245, 245],
  black: [10, 10, 10],
  night: [15, 20, 55],
  sky: [120, 190, 240],
  beach: [225, 200, 150],
};
const OTHER_WORDS = ['dog', 'cat', 'car', 'running', 'on', 'a', 'the', 'photo', 'of', 'at', 'in', '##s', '##ing'];
const SPECIAL = ['[PAD]', '[UNK]', '<|startoftext|>', '<|endoftext|>'];
export const VOCAB = [...SPECIAL, ...Object.keys(COLOURS), ...OTHER_WORDS];

// ---- seeded weights ----

function gaussian(seed) {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
const randomMatrix = (rows, cols, rand, scale) => Float32Array.from({ length: rows * cols }, () => rand() * scale);
/** What the image processor makes of an RGB value: rescale to 0–1, then normalize by CLIP's mean and std. */
export const normalizedPixel = (rgb) => rgb.map((v, c) => (v / 255 - IMAGE_MEAN[c]) / IMAGE_STD[c]);

function weights(seed) {
  const rand = gaussian(seed);
  const D = PROJECTION_DIM;
  const colour = randomMatrix(3, D, rand, 1 / Math.sqrt(3)); // shared by both towers: RGB → embedding space
  // Vision: 12 pooled features (3 channels × 2×2 cells, channel-major as Flatten lays them out). Each cell sees
  // the colour matrix, plus a little layout noise of its own.
  const vision = new Float32Array(12 * D);
  for (let c = 0; c < 3; c++)
    for (let cell = 0; cell < 4; cell++)
      for (let d = 0; d < D; d++) vision[(c * 4 + cell) * D + d] = colour[c * D + d] / 4 + rand() * 0.02;
  // Text: hidden size 16; the first three hidden units project through the colour matrix.
  const projection = randomMatrix(TEXT_HIDDEN, D, rand, 1 / Math.sqrt(TEXT_HIDDEN));
  projection.set(colour, 0);
  const tokens = randomMatrix(VOCAB.length, TEXT_HIDDEN, rand, 1);
  VOCAB.forEach((word, i) => {
    const row = tokens.subarray(i * TEXT_HIDDEN, (i + 1) * TEXT_HIDDEN);
    if (word in COLOURS) row.fill(0).set(normalizedPixel(COLOURS[word]).map((v) => v * 2));
    else if (SPECIAL.includes(word) && word !== '[UNK]') row.forEach((v, j) => (row[j] = v * 0.05)); // near silent
  });
  return { vision, projection, tokens };
}

function visionModel(w) {
  const half = IMAGE_SIZE / 2;
  return model('tiny_clip_vision', {
    nodes: [
      node('AveragePool', ['pixel_values'], ['grid'], { kernel_shape: [half, half], strides: [half, half] }),
      node('Flatten', ['grid'], ['features'], { axis: 1 }),
      node('MatMul', ['features', 'visual_projection'], ['image_embeds']),
    ],
    initializers: [tensor('visual_projection', [12, PROJECTION_DIM], w.vision)],
    inputs: [valueInfo('pixel_values', FLOAT, ['batch_size', 3, IMAGE_SIZE, IMAGE_SIZE])],
    outputs: [valueInfo('image_embeds', FLOAT, ['batch_size', PROJECTION_DIM])],
  });
}

function textModel(w) {
  return model('tiny_clip_text', {
    nodes: [
      node('Gather', ['token_embedding', 'input_ids'], ['hidden'], { axis: 0 }),
      node('ReduceMean', ['hidden'], ['pooled'], { axes: [1], keepdims: 0 }),
      node('MatMul', ['pooled', 'text_projection'], ['text_embeds']),
    ],
    initializers: [
      tensor('token_embedding', [VOCAB.length, TEXT_HIDDEN], w.tokens),
      tensor('text_projection', [TEXT_HIDDEN, PROJECTION_DIM], w.projection),
    ],
    inputs: [valueInfo('input_ids', INT64, ['batch_size', 'sequence_length'])],
    outputs: [valueInfo('text_embeds', FLOAT, ['batch_size', PROJECTION_DIM])],
  });
}

function tokenizerJson() {
  const special = (content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const token = (id) => ({ SpecialToken: { id, type_id: 0 } });
  const seq = (id) => ({ Sequence: { id, type_id: 0 } });
  const [bos, eos] = ['<|startoftext|>', '<|endoftext|>'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((t) => special(t, VOCAB.indexOf(t))),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token(bos), seq('A'), token(eos)],
      pair: [token(bos), seq('A'), token(eos), seq('B'), token(eos)],
      special_tokens: Object.fromEntries([bos, eos].map((t) => [t, { id: t, ids: [VOCAB.indexOf(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
}

/** Writes the tiny model into `outDir` (created if missing) and returns the relative paths written. */
export function makeTinyClip(outDir, { seed = 1 } = {}) {
  const w = weights(seed);
  const files = {
    'config.json': {
      _name_or_path: 'framefinder/tiny-clip',
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: PROJECTION_DIM,
      logit_scale_init_value: 2.6592,
      framefinder_seed: seed,
      text_config: {
        model_type: 'clip_text_model',
        hidden_size: TEXT_HIDDEN,
        intermediate_size: 2 * TEXT_HIDDEN,
        num_attention_heads: 2,
        num_hidden_layers: 1,
        max_position_embeddings: 16,
        vocab_size: VOCAB.length,
        projection_dim: PROJECTION_DIM,
        bos_token_id: VOCAB.indexOf('<|startoftext|>'),
        eos_token_id: VOCAB.indexOf('<|endoftext|>'),
        pad_token_id: VOCAB.indexOf('[PAD]'),
      },
      vision_config: {
        model_type: 'clip_vision_model',
        hidden_size: 12,
        intermediate_size: 24,
        num_attention_heads: 2,
        num_hidden_layers: 1,
        image_size: IMAGE_SIZE,
        patch_size: IMAGE_SIZE / 2,
        num_channels: 3,
        projection_dim: PROJECTION_DIM,
      },
    },
    'preprocessor_config.json': {
      crop_size: { height: IMAGE_SIZE, width: IMAGE_SIZE },
      do_center_crop: true,
      do_convert_rgb: true,
      do_normalize: true,
      do_rescale: true,
      do_resize: true,
      feature_extractor_type: 'CLIPFeatureExtractor',
      image_processor_type: 'CLIPImageProcessor',
      image_mean: IMAGE_MEAN,
      image_std: IMAGE_STD,
      resample: 3,
      rescale_factor: 1 / 255,
      size: { shortest_edge: IMAGE_SIZE },
    },
    'tokenizer.json': tokenizerJson(),
    'tokenizer_config.json': {
      tokenizer_class: 'CLIPTokenizer',
      model_max_length: 16,
      do_lower_case: true,
      clean_up_tokenization_spaces: true,
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '[UNK]',
      pad_token: '[PAD]',
    },
  };
  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  for (const [name, json] of Object.entries(files)) writeFileSync(join(outDir, name), JSON.stringify(json, null, 2));
  writeFileSync(join(outDir, 'onnx', 'vision_model_quantized.onnx'), visionModel(w));
  writeFileSync(join(outDir, 'onnx', 'text_model_quantized.onnx'), textModel(w));
  return [...Object.keys(files), 'onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx'];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outDir] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--seed');
  const seedAt = process.argv.indexOf('--seed');
  if (!outDir) {
    console.error('usage: node tests/scripts/make-tiny-clip.mjs <out-dir> [--seed N]');
    process.exit(2);
  }
  const seed = seedAt > 0 ? Number(process.argv[seedAt + 1]) : 1;
  console.log(
    makeTinyClip(outDir, { seed })
      .map((f) => join(outDir, f))
      .join('\n'),
  );
}
