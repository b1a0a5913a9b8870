#!/usr/bin/env node
// Writes a tiny Whisper-shaped speech model folder, laid out like onnx-community/whisper-tiny (timestamped export):
//
//   config.json  generation_config.json  preprocessor_config.json  tokenizer.json  tokenizer_config.json
//   onnx/encoder_model_quantized.onnx  onnx/decoder_model_merged_quantized.onnx
//
//   node tests/scripts/make-tiny-whisper.mjs <out-dir> [--seed N]
//   import { makeTinyWhisper } from './make-tiny-whisper.mjs'; makeTinyWhisper(dir, { seed: 1 });
//
// Tests never download weights (issue 13). The weights are seeded random (the files are named _quantized because
// the app loads q8 by default; they hold float32), so the words are random: tests assert times, order and the
// language plumbing. The vocabulary is Whisper's in layout: byte-level text tokens, then <|endoftext|>,
// <|startoftranscript|>, the languages, the task tokens, <|notimestamps|> and the 1501 timestamps <|0.00|>…<|30.00|>
// (transformers.js finds timestamp_begin as <|notimestamps|> + 1). A steering table added to the decoder's logits
// makes each decode the same short script — a language token after <|startoftranscript|>, then
// <|0.00|> text <|1.00|><|1.00|> text <|2.00|> <|endoftext|> — so a 30 s window takes 15 steps, not 448.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decoderGraph, encoderGraph, gaussian } from './tiny-whisper-graphs.mjs';

/** The languages this model knows, as Whisper codes (a real multilingual Whisper knows 99). */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'ja'];
const D_MODEL = 32;
const HEADS = 2;
const MELS = 80;
const SOURCE_POSITIONS = 1500;
const TARGET_POSITIONS = 448;

/** GPT-2's byte → printable character map, which byte-level BPE vocabularies (Whisper's too) are written in. */
function byteChars() {
  const printable = (b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : next++));
}

/** Token ids, laid out as in Whisper's vocabulary. */
function vocabulary() {
  const text = byteChars();
  const special = [
    '<|endoftext|>',
    '<|startoftranscript|>',
    ...LANGUAGES.map((l) => `<|${l}|>`),
    '<|translate|>',
    '<|transcribe|>',
    '<|startoflm|>',
    '<|startofprev|>',
    '<|nospeech|>',
    '<|notimestamps|>',
  ];
  const timestamps = Array.from({ length: SOURCE_POSITIONS + 1 }, (_, i) => `<|${(i * 0.02).toFixed(2)}|>`);
  const id = (t) => text.length + special.indexOf(t);
  return { text, special, timestamps, id, size: text.length + special.length + timestamps.length };
}

/**
 * The steering table: row p is added to the logits that choose the token after position p. The prompt is
 * <|startoftranscript|> <|lang|> <|transcribe|> (positions 0–2) when timestamps are asked for, as the app does.
 */
function steering(v) {
  const V = v.size;
  const table = new Float32Array(TARGET_POSITIONS * V).fill(-30);
  const row = (p) => table.subarray(p * V, (p + 1) * V);
  const tsBegin = v.id('<|notimestamps|>') + 1;
  const letters = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => c.charCodeAt(0));
  const space = 32; // 'Ġ', a byte-level space
  const text = (p, { spaceOnly = false } = {}) => {
    if (spaceOnly) row(p)[space] = 10;
    else for (const b of letters) row(p)[b] = 10;
  };
  // Likeliest at `seconds`, falling off by 8 per second either side.
  const stamp = (p, seconds) => {
    for (let i = 0; i < v.timestamps.length; i++) row(p)[tsBegin + i] = 10 - 8 * Math.abs(i * 0.02 - seconds);
  };
  for (const l of LANGUAGES) row(0)[v.id(`<|${l}|>`)] = 10; // language detection reads this row
  stamp(2, 0);
  const script = [(p) => text(p, { spaceOnly: true }), text, text, (p) => text(p, { spaceOnly: true }), text];
  script.forEach((f, i) => f(3 + i));
  stamp(8, 1);
  stamp(9, 1);
  script.forEach((f, i) => f(10 + i));
  stamp(15, 2);
  for (let p = 16; p < TARGET_POSITIONS; p++) row(p)[v.id('<|endoftext|>')] = 10;
  return table;
}

function tokenizerJson(v) {
  const added = (content, id, special) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...v.special.map((t) => added(t, v.id(t), true)),
      // Whisper's timestamps are added tokens that are not special: transformers.js' ASR decoding relies on it.
      ...v.timestamps.map((t, i) => added(t, v.id('<|notimestamps|>') + 1 + i, false)),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(v.text.map((t, i) => [t, i])),
      merges: [],
    },
  };
}

/** Writes the model into `outDir` (created if missing) and returns the relative paths written. */
export function makeTinyWhisper(outDir, { seed = 1 } = {}) {
  const v = vocabulary();
  const eos = v.id('<|endoftext|>');
  const notText = v.text.map((_, b) => b).filter((b) => !(b === 32 || (b >= 97 && b <= 122)));
  const files = {
    'config.json': {
      _name_or_path: 'framefinder/tiny-whisper',
      architectures: ['WhisperForConditionalGeneration'],
      model_type: 'whisper',
      is_encoder_decoder: true,
      vocab_size: v.size,
      d_model: D_MODEL,
      encoder_layers: 1,
      decoder_layers: 1,
      encoder_attention_heads: HEADS,
      decoder_attention_heads: HEADS,
      encoder_ffn_dim: D_MODEL,
      decoder_ffn_dim: D_MODEL,
      num_mel_bins: MELS,
      max_source_positions: SOURCE_POSITIONS,
      max_target_positions: TARGET_POSITIONS,
      bos_token_id: eos,
      eos_token_id: eos,
      pad_token_id: eos,
      decoder_start_token_id: v.id('<|startoftranscript|>'),
      median_filter_width: 7,
      framefinder_seed: seed,
    },
    'generation_config.json': {
      alignment_heads: [
        [0, 0],
        [0, 1],
      ],
      begin_suppress_tokens: [32, eos],
      bos_token_id: eos,
      decoder_start_token_id: v.id('<|startoftranscript|>'),
      eos_token_id: eos,
      pad_token_id: eos,
      is_multilingual: true,
      lang_to_id: Object.fromEntries(LANGUAGES.map((l) => [`<|${l}|>`, v.id(`<|${l}|>`)])),
      task_to_id: { translate: v.id('<|translate|>'), transcribe: v.id('<|transcribe|>') },
      no_timestamps_token_id: v.id('<|notimestamps|>'),
      prev_sot_token_id: v.id('<|startofprev|>'),
      max_initial_timestamp_index: 50,
      max_length: TARGET_POSITIONS,
      suppress_tokens: notText,
    },
    'preprocessor_config.json': {
      feature_extractor_type: 'WhisperFeatureExtractor',
      processor_class: 'WhisperProcessor',
      chunk_length: 30,
      feature_size: MELS,
      hop_length: 160,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: 3000,
      padding_side: 'right',
      padding_value: 0,
      return_attention_mask: false,
      sampling_rate: 16000,
    },
    'tokenizer.json': tokenizerJson(v),
    'tokenizer_config.json': {
      tokenizer_class: 'WhisperTokenizer',
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      model_max_length: 1024,
      errors: 'replace',
      add_prefix_space: false,
    },
  };
  const rand = gaussian(seed);
  const onnx = {
    'onnx/encoder_model_quantized.onnx': encoderGraph({
      rand,
      dModel: D_MODEL,
      mels: MELS,
      positions: SOURCE_POSITIONS,
    }),
    'onnx/decoder_model_merged_quantized.onnx': decoderGraph({
      rand,
      dModel: D_MODEL,
      heads: HEADS,
      vocab: v.size,
      maxPositions: TARGET_POSITIONS,
      steer: steering(v),
    }),
  };
  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  for (const [file, json] of Object.entries(files)) writeFileSync(join(outDir, file), JSON.stringify(json, null, 2));
  for (const [file, bytes] of Object.entries(onnx)) writeFileSync(join(outDir, file), bytes);
  return [...Object.keys(files), ...Object.keys(onnx)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const outDir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--seed');
  if (!outDir) {
    console.error('usage: node tests/scripts/make-tiny-whisper.mjs <out-dir> [--seed N]');
    process.exit(2);
  }
  const files = makeTinyWhisper(outDir, { seed: seedAt >= 0 ? Number(args[seedAt + 1]) : 1 });
  console.log(files.map((f) => join(outDir, f)).join('\n'));
}
