import { describe, expect, it } from 'vitest';
import { lumaWeights, yuvLayout, yuvToRgba, type Plan } from '../../src/lib/media/yuv-to-rgba';

/** An I420 frame w×h whose luma is `y(x, row)` and chroma a constant U, V (limited range, 8 bit). */
function i420(w: number, h: number, y: (x: number, row: number) => number, u = 128, v = 128) {
  const cw = w / 2;
  const ch = h / 2;
  const buffer = new ArrayBuffer(w * h + 2 * cw * ch);
  const bytes = new Uint8Array(buffer);
  for (let row = 0; row < h; row++) for (let x = 0; x < w; x++) bytes[row * w + x] = y(x, row);
  bytes.fill(u, w * h, w * h + cw * ch);
  bytes.fill(v, w * h + cw * ch);
  const planes = [
    { offset: 0, stride: w },
    { offset: w * h, stride: cw },
    { offset: w * h + cw * ch, stride: cw },
  ];
  return { buffer, planes };
}

const plan = (width: number, height: number, rotation = 0): Plan => ({
  width,
  height,
  rotation,
  flip: false,
  matrix: lumaWeights.smpte170m!,
  fullRange: false,
  toneMapped: false,
});
const pixel = (rgba: Uint8ClampedArray, width: number, x: number, y: number) => [
  ...rgba.slice((y * width + x) * 4, (y * width + x) * 4 + 4),
];

describe('YUV to RGBA', () => {
  it('knows the planar layouts WebCodecs gives and refuses the rest', () => {
    expect(yuvLayout('I420')).toEqual({ cx: 1, cy: 1, interleaved: false, bits: 8 });
    expect(yuvLayout('I444P10')).toEqual({ cx: 0, cy: 0, interleaved: false, bits: 10 });
    expect(yuvLayout('NV12')).toMatchObject({ interleaved: true });
    expect(yuvLayout('RGBA')).toBeNull();
  });

  it('maps limited-range black, white and grey to 0, 255 and the middle', () => {
    const { buffer, planes } = i420(8, 4, (x) => (x < 2 ? 16 : x < 4 ? 235 : 126));
    const rgba = yuvToRgba(buffer, planes, yuvLayout('I420')!, 8, 4, plan(8, 4), false);
    expect(pixel(rgba, 8, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(rgba, 8, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(rgba, 8, 6, 0)[0]).toBeCloseTo(128, -1);
  });

  it('turns a red chroma into red', () => {
    const { buffer, planes } = i420(4, 4, () => 81, 90, 240); // BT.601 limited-range red
    const [r, g, b] = pixel(yuvToRgba(buffer, planes, yuvLayout('I420')!, 4, 4, plan(4, 4), false), 4, 1, 1);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeLessThan(15);
    expect(b).toBeLessThan(15);
  });

  it('averages blocks when shrinking and rotates clockwise', () => {
    // Left half black, right half white, 8×4 → 2×1 output, then turned 90° clockwise → 1×2 (black on top).
    const { buffer, planes } = i420(8, 4, (x) => (x < 4 ? 16 : 235));
    const flat = yuvToRgba(buffer, planes, yuvLayout('I420')!, 8, 4, plan(2, 1), false);
    expect([pixel(flat, 2, 0, 0)[0], pixel(flat, 2, 1, 0)[0]]).toEqual([0, 255]);
    const turned = yuvToRgba(buffer, planes, yuvLayout('I420')!, 8, 4, plan(1, 2, 90), false);
    expect([pixel(turned, 1, 0, 0)[0], pixel(turned, 1, 0, 1)[0]]).toEqual([0, 255]);
  });
});
