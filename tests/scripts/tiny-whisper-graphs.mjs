// The two ONNX graphs of the tiny Whisper-shaped model (make-tiny-whisper.mjs writes the folder around them), with
// the input and output names transformers.js binds for Whisper (onnx-community/whisper-tiny, timestamped export):
//
//   encoder: input_features [b, 80, 3000] → last_hidden_state [b, 1500, d]
//   decoder: input_ids [b, s], encoder_hidden_states [b, 1500, d], past_key_values.0.decoder.{key,value}
//            → logits [b, s, V], present.0.decoder.{key,value}, present.0.encoder.{key,value}, cross_attentions.0
//
// Whisper's shape at its smallest: two convolutions (the second of stride 2, as Whisper halves 3000 mel frames to
// 1500 positions) and one feed-forward layer in the encoder; one decoder layer with self-attention over the cache and
// cross-attention over the encoder (whose weights are the cross_attentions word timestamps are aligned with). The
// encoder has no self-attention: 1500 × 1500 scores would cost time and test nothing the pipeline sees.
import { FLOAT, INT64, model, node, tensor, valueInfo } from './onnx-writer.mjs';

export function gaussian(seed) {
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
const i64 = (...v) => BigInt64Array.from(v.map(BigInt));

export function encoderGraph({ rand, dModel, mels, positions }) {
  const d = dModel;
  const nodes = [
    node('Conv', ['input_features', 'conv1_w', 'conv1_b'], ['c1'], { kernel_shape: [3], pads: [1, 1] }),
    node('Relu', ['c1'], ['r1']),
    node('Conv', ['r1', 'conv2_w', 'conv2_b'], ['c2'], { kernel_shape: [3], pads: [1, 1], strides: [2] }),
    node('Relu', ['c2'], ['r2']),
    node('Transpose', ['r2'], ['t'], { perm: [0, 2, 1] }),
    node('Add', ['t', 'pos'], ['x']),
    node('MatMul', ['x', 'ff_w'], ['f']),
    node('Relu', ['f'], ['fr']),
    node('Add', ['x', 'fr'], ['last_hidden_state']),
  ];
  const initializers = [
    tensor('conv1_w', [d, mels, 3], random(d * mels * 3, rand, 1 / Math.sqrt(mels * 3))),
    tensor('conv1_b', [d], random(d, rand, 0.1)),
    tensor('conv2_w', [d, d, 3], random(d * d * 3, rand, 1 / Math.sqrt(d * 3))),
    tensor('conv2_b', [d], random(d, rand, 0.1)),
    tensor('pos', [positions, d], random(positions * d, rand, 0.1)),
    tensor('ff_w', [d, d], random(d * d, rand, 1 / Math.sqrt(d))),
  ];
  return model('tiny-whisper-encoder', {
    nodes,
    initializers,
    inputs: [valueInfo('input_features', FLOAT, ['batch_size', mels, 'feature_size'])],
    outputs: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'encoder_sequence_length', d])],
  });
}

/**
 * `steer` is a [maxPositions, vocab] table added to the logits at each decoder position: the random weights choose
 * among the tokens it leaves likely, and it decides what kind of token comes next (language, text, timestamp,
 * end), so generation ends after a few tokens instead of running to max_length.
 */
export function decoderGraph({ rand, dModel, heads, vocab, maxPositions, steer }) {
  const d = dModel;
  const hd = d / heads;
  const past = (kind) => `past_key_values.0.decoder.${kind}`;
  // [b, s, d] → [b, heads, s, hd]
  const split = (from, to) => [
    node('Reshape', [from, 'heads_shape'], [`${to}_r`]),
    node('Transpose', [`${to}_r`], [to], { perm: [0, 2, 1, 3] }),
  ];
  // softmax(q kᵀ / √hd) v, with kᵀ already transposed
  const attend = (q, kT, v, out, weights) => [
    node('MatMul', [q, kT], [`${out}_qk`]),
    node('Mul', [`${out}_qk`, 'scale'], [`${out}_scores`]),
    node('Softmax', [`${out}_scores`], [weights], { axis: -1 }),
    node('MatMul', [weights, v], [`${out}_h`]),
    node('Transpose', [`${out}_h`], [`${out}_t`], { perm: [0, 2, 1, 3] }),
    node('Reshape', [`${out}_t`, 'merge_shape'], [out]),
  ];
  const nodes = [
    // Positions continue after the cache: past length … past length + s − 1.
    node('Shape', [past('key')], ['past_shape']),
    node('Gather', ['past_shape', 'two'], ['past_len']),
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'one'], ['seq_len']),
    node('Add', ['past_len', 'seq_len'], ['end']),
    node('Range', ['past_len', 'end', 'one'], ['positions']),
    node('Gather', ['tok_emb', 'input_ids'], ['tok']),
    node('Gather', ['pos_emb', 'positions'], ['pos']),
    node('Add', ['tok', 'pos'], ['x']),
    // Self-attention over the cache and the new tokens (no causal mask: the weights are random anyway).
    node('MatMul', ['x', 'sq_w'], ['sq']),
    node('MatMul', ['x', 'sk_w'], ['sk']),
    node('MatMul', ['x', 'sv_w'], ['sv']),
    ...split('sq', 'sqh'),
    ...split('sk', 'skh'),
    ...split('sv', 'svh'),
    node('Concat', [past('key'), 'skh'], ['present.0.decoder.key'], { axis: 2 }),
    node('Concat', [past('value'), 'svh'], ['present.0.decoder.value'], { axis: 2 }),
    node('Transpose', ['present.0.decoder.key'], ['skT'], { perm: [0, 1, 3, 2] }),
    ...attend('sqh', 'skT', 'present.0.decoder.value', 'self_out', 'self_weights'),
    node('Add', ['x', 'self_out'], ['x1']),
    // Cross-attention over the encoder: its weights are the cross_attentions the word times come from.
    node('MatMul', ['x1', 'cq_w'], ['cq']),
    node('MatMul', ['encoder_hidden_states', 'ck_w'], ['ck']),
    node('MatMul', ['encoder_hidden_states', 'cv_w'], ['cv']),
    ...split('cq', 'cqh'),
    ...split('ck', 'present.0.encoder.key'),
    ...split('cv', 'present.0.encoder.value'),
    node('Transpose', ['present.0.encoder.key'], ['ckT'], { perm: [0, 1, 3, 2] }),
    ...attend('cqh', 'ckT', 'present.0.encoder.value', 'cross_out', 'cross_attentions.0'),
    node('Add', ['x1', 'cross_out'], ['x2']),
    node('MatMul', ['x2', 'head_w'], ['raw_logits']),
    node('Gather', ['steer', 'positions'], ['steer_rows']),
    node('Add', ['raw_logits', 'steer_rows'], ['logits']),
  ];
  const initializers = [
    tensor('two', [], i64(2)),
    tensor('one', [], i64(1)),
    tensor('heads_shape', [4], i64(0, -1, heads, hd)),
    tensor('merge_shape', [3], i64(0, -1, d)),
    tensor('scale', [], Float32Array.of(1 / Math.sqrt(hd))),
    tensor('tok_emb', [vocab, d], random(vocab * d, rand, 1)),
    tensor('pos_emb', [maxPositions, d], random(maxPositions * d, rand, 0.1)),
    ...['sq_w', 'sk_w', 'sv_w', 'cq_w', 'ck_w', 'cv_w'].map((n) =>
      tensor(n, [d, d], random(d * d, rand, 1 / Math.sqrt(d))),
    ),
    tensor('head_w', [d, vocab], random(d * vocab, rand, 1 / Math.sqrt(d))),
    tensor('steer', [maxPositions, vocab], steer),
  ];
  const cache = (name, len) => valueInfo(name, FLOAT, ['batch_size', heads, len, hd]);
  return model('tiny-whisper-decoder', {
    nodes,
    initializers,
    inputs: [
      valueInfo('input_ids', INT64, ['batch_size', 'decoder_sequence_length']),
      valueInfo('encoder_hidden_states', FLOAT, ['batch_size', 'encoder_sequence_length', d]),
      cache(past('key'), 'past_decoder_sequence_length'),
      cache(past('value'), 'past_decoder_sequence_length'),
    ],
    outputs: [
      valueInfo('logits', FLOAT, ['batch_size', 'decoder_sequence_length', vocab]),
      cache('present.0.decoder.key', 'past_decoder_sequence_length + 1'),
      cache('present.0.decoder.value', 'past_decoder_sequence_length + 1'),
      cache('present.0.encoder.key', 'encoder_sequence_length_out'),
      cache('present.0.encoder.value', 'encoder_sequence_length_out'),
      valueInfo('cross_attentions.0', FLOAT, [
        'batch_size',
        heads,
        'decoder_sequence_length',
        'encoder_sequence_length',
      ]),
    ],
  });
}
