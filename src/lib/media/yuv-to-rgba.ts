// Decoded video frames (YUV planes, as WebCodecs copies them out) to small RGBA images, in plain TypeScript:
// box-averaged down (no aliasing), converted with the stream's own matrix and range, rotated and mirrored.

/** Where one plane starts in the copied buffer and how long its rows are (bytes), as `VideoFrame.copyTo` says. */
export interface PlaneInfo {
  offset: number;
  stride: number;
}

/** How one framesAt call turns decoded frames into RGBA. */
export interface Plan {
  /** Output size, rotation applied. */
  width: number;
  height: number;
  rotation: number;
  flip: boolean;
  /** Luma weights Kr, Kb of the YUV→RGB matrix. */
  matrix: readonly [number, number];
  /** Undefined when the file does not say: the decoder's word is taken then. */
  fullRange: boolean | undefined;
  toneMapped: boolean;
}

/** Luma weights (Kr, Kb) per matrix coefficients. */
export const lumaWeights: Record<string, readonly [number, number]> = {
  bt709: [0.2126, 0.0722],
  'bt2020-ncl': [0.2627, 0.0593],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
};

export interface YuvLayout {
  /** log2 of the chroma subsampling across and down. */
  cx: number;
  cy: number;
  /** U and V interleaved in one plane (NV12, what hardware decoders give). */
  interleaved: boolean;
  bits: number;
}

/** I420, I420A, I422, I444, their P10/P12 variants (16-bit samples) and NV12; null for RGB and anything else. */
export function yuvLayout(format: string | null): YuvLayout | null {
  if (format === 'NV12') return { cx: 1, cy: 1, interleaved: true, bits: 8 };
  const match = /^I4(20|22|44)A?(?:P(10|12))?$/.exec(format ?? '');
  if (!match) return null;
  const [cx, cy] = match[1] === '20' ? [1, 1] : match[1] === '22' ? [1, 0] : [0, 0];
  return { cx, cy, interleaved: false, bits: match[2] ? Number(match[2]) : 8 };
}

/**
 * Box-averages the visible planes (w × h) down to the output size, so there is no aliasing however large the
 * reduction (like ffmpeg's area scaling), converts to RGB and writes each pixel where rotation and flip put it.
 */
export function yuvToRgba(
  buffer: ArrayBuffer,
  planes: readonly PlaneInfo[],
  layout: YuvLayout,
  w: number,
  h: number,
  plan: Plan,
  decoderFullRange: boolean,
): Uint8ClampedArray {
  const { width, height, rotation, flip } = plan;
  const [uw, uh] = rotation % 180 === 0 ? [width, height] : [height, width]; // output size before rotation
  const wide = layout.bits > 8;
  const view = (i: number) =>
    wide ? new Uint16Array(buffer, planes[i]!.offset) : new Uint8Array(buffer, planes[i]!.offset);
  const [Y, U, V] = [view(0), view(1), layout.interleaved ? view(1) : view(2)];
  const [yStride, cStride] = [planes[0]!.stride, planes[1]!.stride].map((s) => (wide ? s / 2 : s)) as [number, number];
  const [step, vOffset] = layout.interleaved ? [2, 1] : [1, 0];
  const [cw, ch] = [(w + (1 << layout.cx) - 1) >> layout.cx, (h + (1 << layout.cy) - 1) >> layout.cy];
  // In 8-bit units: limited range stretches luma 16-235 and chroma 16-240 to 0-255.
  const unit = 1 / (1 << (layout.bits - 8));
  const full = plan.fullRange ?? decoderFullRange;
  const [yZero, yGain, cScale] = full ? [0, 1, unit] : [16, 255 / 219, (unit * 255) / 224];
  const cZero = 128 << (layout.bits - 8);
  const [kr, kb] = plan.matrix;
  const kg = 1 - kr - kb;
  const [rV, gU, gV, bU] = [2 * (1 - kr), (2 * kb * (1 - kb)) / kg, (2 * kr * (1 - kr)) / kg, 2 * (1 - kb)];
  const rgba = new Uint8ClampedArray(width * height * 4);
  const [lumaX, lumaY, chromaX, chromaY] = [edges(w, uw), edges(h, uh), edges(cw, uw), edges(ch, uh)];
  for (let oy = 0; oy < uh; oy++) {
    for (let ox = 0; ox < uw; ox++) {
      const luma = (boxMean(Y, yStride, lumaX, lumaY, ox, oy, 1, 0) * unit - yZero) * yGain;
      const u = (boxMean(U, cStride, chromaX, chromaY, ox, oy, step, 0) - cZero) * cScale;
      const v = (boxMean(V, cStride, chromaX, chromaY, ox, oy, step, vOffset) - cZero) * cScale;
      // Where the unrotated pixel (ox, oy) lands once turned clockwise, then mirrored.
      let x = rotation === 90 ? uh - 1 - oy : rotation === 180 ? uw - 1 - ox : rotation === 270 ? oy : ox;
      const y = rotation === 90 ? ox : rotation === 180 ? uh - 1 - oy : rotation === 270 ? uw - 1 - ox : oy;
      if (flip) x = width - 1 - x;
      const o = (y * width + x) * 4;
      rgba[o] = luma + rV * v;
      rgba[o + 1] = luma - gU * u - gV * v;
      rgba[o + 2] = luma + bU * u;
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}

/** Output pixel i of `size` covers source samples [edges[i], edges[i + 1]) of n (at least one when upscaling). */
function edges(n: number, size: number): Int32Array {
  const out = new Int32Array(size + 1);
  for (let i = 0; i <= size; i++) out[i] = Math.min(n - 1, Math.floor((i * n) / size));
  out[size] = n;
  return out;
}

/** Mean of the samples under output pixel (ox, oy); `step`/`offset` pick U or V out of an interleaved plane. */
function boxMean(
  plane: Uint8Array | Uint16Array,
  stride: number,
  xs: Int32Array,
  ys: Int32Array,
  ox: number,
  oy: number,
  step: number,
  offset: number,
): number {
  const x0 = xs[ox]!;
  const y0 = ys[oy]!;
  const x1 = Math.max(xs[ox + 1]!, x0 + 1);
  const y1 = Math.max(ys[oy + 1]!, y0 + 1);
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * stride + offset;
    for (let i = row + x0 * step, end = row + x1 * step; i < end; i += step) sum += plane[i]!;
  }
  return sum / ((x1 - x0) * (y1 - y0));
}
