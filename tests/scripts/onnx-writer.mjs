// A protobuf writer just big enough for ONNX models (field numbers from onnx/onnx.proto3): tensors, value infos,
// nodes with int attributes, one graph. make-tiny-clip.mjs, make-tiny-speech.mjs and make-tiny-whisper.mjs write
// their test models with it, so the tests need neither onnx-proto nor protobufjs.

const enc = new TextEncoder();
function varint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** One message from a list of [field, kind, value]; kind is 'int' (varint), 'bytes', 'str' or 'msg' (bytes). */
function message(fields) {
  const parts = [];
  for (const [field, kind, value] of fields) {
    if (kind === 'int') parts.push(Uint8Array.from([...varint(field << 3), ...varint(value)]));
    else {
      const body = kind === 'str' ? enc.encode(value) : value; // 'bytes' and 'msg' are already bytes
      parts.push(Uint8Array.from([...varint((field << 3) | 2), ...varint(body.length)]), body);
    }
  }
  return concat(parts);
}
/** TensorProto.DataType values. */
export const FLOAT = 1;
export const INT64 = 7;
const many = (field, kind, values) => values.map((v) => [field, kind, v]);

/** An initializer from a Float32Array or BigInt64Array. */
export function tensor(name, dims, data) {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // little-endian, as ONNX wants
  return message([
    ...many(1, 'int', dims),
    [2, 'int', data instanceof Float32Array ? FLOAT : INT64],
    [8, 'str', name],
    [9, 'bytes', raw],
  ]);
}
export function valueInfo(name, elemType, dims) {
  const dim = (d) => message([typeof d === 'number' ? [1, 'int', d] : [2, 'str', d]]);
  const shape = message(many(1, 'msg', dims.map(dim)));
  const tensorType = message([
    [1, 'int', elemType],
    [2, 'msg', shape],
  ]);
  return message([
    [1, 'str', name],
    [2, 'msg', message([[1, 'msg', tensorType]])],
  ]);
}
function attribute(name, value) {
  if (Array.isArray(value)) return message([[1, 'str', name], ...many(8, 'int', value), [20, 'int', 7]]); // INTS
  return message([
    [1, 'str', name],
    [3, 'int', value],
    [20, 'int', 2],
  ]); // INT
}
/** A node; attribute values are ints or int lists (all the tiny models need). */
export function node(opType, inputs, outputs, attrs = {}) {
  return message([
    ...many(1, 'str', inputs),
    ...many(2, 'str', outputs),
    [3, 'str', `${opType}_${outputs[0]}`],
    [4, 'str', opType],
    ...many(
      5,
      'msg',
      Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    ),
  ]);
}
/** A ModelProto at IR version 8, default domain opset 13 (ReduceMean still takes `axes` as an attribute). */
export function model(name, { nodes, initializers, inputs, outputs }) {
  const graph = message([
    ...many(1, 'msg', nodes),
    [2, 'str', name],
    ...many(5, 'msg', initializers),
    ...many(11, 'msg', inputs),
    ...many(12, 'msg', outputs),
  ]);
  const opset = message([
    [1, 'str', ''],
    [2, 'int', 13],
  ]);
  return message([
    [1, 'int', 8],
    [2, 'str', 'framefinder make-tiny-clip'],
    [7, 'msg', graph],
    [8, 'msg', opset],
  ]);
}
