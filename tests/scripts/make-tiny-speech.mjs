#!/usr/bin/env node
// Writes a tiny speech-recognition model folder, laid out like a real transformers.js CTC model
// (Xenova/wav2vec2-base-960h):
//
//   config.json  preprocessor_config.json  tokenizer.json  tokenizer_config.json  onnx/model_quantized.onnx
//
//   node tests/scripts/make-tiny-speech.mjs <out-dir> [--seed N] [--heavy]
//   import { makeTinySpeech } from './make-tiny-speech.mjs'; makeTinySpeech(dir, { seed: 1 });
//
// Tests never download weights (issue 13): this model is written at test time with seeded random weights and the
// names transformers.js' `automatic-speech-recognition` pipeline binds for wav2vec2: input `input_values`
// (16 kHz samples, normalized by the feature extractor) → output `logits` (frames × characters), decoded by the
// tokenizer's CTC decoder. The graph is wav2vec2's shape at its smallest: one strided convolution cutting the
// audio into 20 ms frames (400-sample kernel, 320-sample stride, as wav2vec2's feature encoder ends up), then
// `layers` 1×1 convolutions with ReLU, then the frames × characters logits. Random weights give random letters:
// tests assert times, order and counts, never words. `--heavy` makes it cost about what whisper-base costs per
// second of audio (≈1 G multiply-adds), for `npm run bench:transcribe -- --heavy`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOAT, model, node, tensor, valueInfo } from './onnx-writer.mjs';

const SPECIAL = ['<pad>', '<s>', '</s>', '<unk>'];
export const VOCAB = [...SPECIAL, '|', ..."ETAONIHSRDLUMWCFGYPBVK'XJQZ"];
const KERNEL = 400;
const STRIDE = 320;

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
const random = (n, rand, scale) => Float32Array.from({ length: n }, () => rand() * scale);

function speechModel({ seed, hidden, layers }) {
  const rand = gaussian(seed);
  const V = VOCAB.length;
  const nodes = [
    node('Unsqueeze', ['input_values', 'channel_axis'], ['wave']),
    node('Conv', ['wave', 'frame_w', 'frame_b'], ['h0'], { kernel_shape: [KERNEL], strides: [STRIDE] }),
    node('Relu', ['h0'], ['r0']),
  ];
  const initializers = [
    tensor('channel_axis', [1], BigInt64Array.of(1n)),
    tensor('frame_w', [hidden, 1, KERNEL], random(hidden * KERNEL, rand, 1 / Math.sqrt(KERNEL))),
    tensor('frame_b', [hidden], random(hidden, rand, 0.1)),
  ];
  for (let l = 1; l <= layers; l++) {
    nodes.push(
      node('Conv', [`r${l - 1}`, `w${l}`, `b${l}`], [`h${l}`], { kernel_shape: [1] }),
      node('Relu', [`h${l}`], [`r${l}`]),
    );
    initializers.push(
      tensor(`w${l}`, [hidden, hidden, 1], random(hidden * hidden, rand, Math.sqrt(2 / hidden))),
      tensor(`b${l}`, [hidden], random(hidden, rand, 0.01)),
    );
  }
  nodes.push(
    node('Conv', [`r${layers}`, 'head_w', 'head_b'], ['head'], { kernel_shape: [1] }),
    node('Transpose', ['head'], ['logits'], { perm: [0, 2, 1] }),
  );
  initializers.push(
    tensor('head_w', [V, hidden, 1], random(V * hidden, rand, 1 / Math.sqrt(hidden))),
    tensor('head_b', [V], random(V, rand, 0.1)),
  );
  return model('tiny-speech', {
    nodes,
    initializers,
    inputs: [valueInfo('input_values', FLOAT, ['batch_size', 'samples'])],
    outputs: [valueInfo('logits', FLOAT, ['batch_size', 'frames', V])],
  });
}

function tokenizerJson() {
  const special = (content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: true,
    rstrip: true,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((t) => special(t, VOCAB.indexOf(t))),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: true },
    model: { type: 'WordLevel', unk_token: '<unk>', vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  };
}

/** Writes the model into `outDir` (created if missing) and returns the relative paths written. */
export function makeTinySpeech(outDir, { seed = 1, heavy = false } = {}) {
  const size = heavy ? { hidden: 1024, layers: 20 } : { hidden: 16, layers: 1 };
  const name = heavy ? 'heavy-speech' : 'tiny-speech';
  const files = {
    'config.json': {
      _name_or_path: `framefinder/${name}`,
      architectures: ['Wav2Vec2ForCTC'],
      model_type: 'wav2vec2',
      vocab_size: VOCAB.length,
      pad_token_id: 0,
      bos_token_id: 1,
      eos_token_id: 2,
      hidden_size: size.hidden,
      num_hidden_layers: size.layers,
      framefinder_seed: seed,
    },
    'preprocessor_config.json': {
      feature_extractor_type: 'Wav2Vec2FeatureExtractor',
      processor_class: 'Wav2Vec2Processor',
      do_normalize: true,
      feature_size: 1,
      padding_side: 'right',
      padding_value: 0,
      return_attention_mask: false,
      sampling_rate: 16000,
    },
    'tokenizer.json': tokenizerJson(),
    'tokenizer_config.json': {
      tokenizer_class: 'Wav2Vec2CTCTokenizer',
      bos_token: '<s>',
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: '<pad>',
      word_delimiter_token: '|',
      do_lower_case: false,
    },
  };
  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  for (const [file, json] of Object.entries(files)) writeFileSync(join(outDir, file), JSON.stringify(json, null, 2));
  writeFileSync(join(outDir, 'onnx', 'model_quantized.onnx'), speechModel({ seed, ...size }));
  return [...Object.keys(files), 'onnx/model_quantized.onnx'];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const outDir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--seed');
  if (!outDir) {
    console.error('usage: node tests/scripts/make-tiny-speech.mjs <out-dir> [--seed N] [--heavy]');
    process.exit(2);
  }
  const files = makeTinySpeech(outDir, {
    seed: seedAt >= 0 ? Number(args[seedAt + 1]) : 1,
    heavy: args.includes('--heavy'),
  });
  console.log(files.map((f) => join(outDir, f)).join('\n'));
}
