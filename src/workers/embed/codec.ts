import { lengthPrefixed } from '../segments/codec';

/** Row flag: the frame is a scene's representative frame (else an interval sample). */
export const sceneFlag = 1;

/** The vectors of one video, as one model made them. */
export interface VideoEmbeddings {
  videoId: number;
  modelId: string;
  dim: number;
  /** Seconds, ascending. */
  times: Float32Array;
  flags: Uint8Array;
  /** `rows × dim` int8 codes; row r's vector is `codes[r·dim …] × scales[r]`. */
  codes: Int8Array;
  scales: Float32Array;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * A video's embeddings in a segment file (`embeds-<library>-<n>`): after the chunk's 'FFEM' and video id,
 *
 *   u32 body length · body
 *   body: u16 model id length · model id (UTF-8) · pad to 4 · u32 dim · u32 rows
 *         · f32 times[rows] · f32 scales[rows] · u8 flags[rows] · pad to 4 · i8 codes[rows × dim] · pad to 4
 *
 * Every chunk names the model that made its vectors, so vectors of two models never meet in one search.
 */
export const embeddingCodec = lengthPrefixed<VideoEmbeddings>({
  prefix: 'embeds',
  magic: 0x4d454646, // 'FFEM' little-endian
  encodeBody(e) {
    const rows = e.times.length;
    if (e.flags.length !== rows || e.scales.length !== rows || e.codes.length !== rows * e.dim)
      throw new RangeError('The embeddings of a video disagree in their row count.');
    const id = new TextEncoder().encode(e.modelId);
    const codesAt = pad4(pad4(2 + id.byteLength) + 8 + rows * 8 + rows);
    const out = new Uint8Array(pad4(codesAt + rows * e.dim));
    const view = new DataView(out.buffer);
    view.setUint16(0, id.byteLength, true);
    out.set(id, 2);
    const at = pad4(2 + id.byteLength);
    view.setUint32(at, e.dim, true);
    view.setUint32(at + 4, rows, true);
    new Float32Array(out.buffer, at + 8, rows).set(e.times);
    new Float32Array(out.buffer, at + 8 + rows * 4, rows).set(e.scales);
    out.set(e.flags, at + 8 + rows * 8);
    new Int8Array(out.buffer, codesAt, rows * e.dim).set(e.codes);
    return out;
  },
  decodeBody(videoId, body) {
    if (body.byteLength < 2) return null;
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const idLength = view.getUint16(0, true);
    let at = pad4(2 + idLength);
    if (at + 8 > body.byteLength) return null;
    const modelId = new TextDecoder().decode(body.subarray(2, 2 + idLength));
    const dim = view.getUint32(at, true);
    const rows = view.getUint32(at + 4, true);
    at += 8;
    const codesAt = pad4(at + rows * 9);
    if (dim === 0 || pad4(codesAt + rows * dim) !== body.byteLength) return null;
    const copy = body.slice(); // its own aligned buffer
    return {
      videoId,
      modelId,
      dim,
      times: new Float32Array(copy.buffer, at, rows),
      scales: new Float32Array(copy.buffer, at + rows * 4, rows),
      flags: new Uint8Array(copy.buffer, at + rows * 8, rows),
      codes: new Int8Array(copy.buffer, codesAt, rows * dim),
    };
  },
});
