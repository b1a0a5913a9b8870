import type { RgbaFrame } from '../../lib/media/types';

export interface EncodedImage {
  bytes: Uint8Array;
  mime: string;
  /** Size of one frame (a sheet holds `frameCount` of them, `columns` per row). */
  width: number;
  height: number;
  frameCount: number;
  columns: number;
}

/** WebP where the browser encodes it (Chromium), JPEG elsewhere. */
async function encode(canvas: OffscreenCanvas): Promise<{ bytes: Uint8Array; mime: string }> {
  let blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  if (blob.type !== 'image/webp') blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
  return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type };
}

/**
 * Lays frames out on one sheet, `columns` per row, every cell the size of the first frame (frames of one
 * video share a size; a smaller one is centred). One file per video keeps the blob store small.
 */
export async function encodeSheet(frames: readonly RgbaFrame[], columns = frames.length): Promise<EncodedImage> {
  const width = frames[0].width;
  const height = frames[0].height;
  const cols = Math.max(1, Math.min(columns, frames.length));
  const rows = Math.ceil(frames.length / cols);
  const canvas = new OffscreenCanvas(width * cols, height * rows);
  const ctx = canvas.getContext('2d')!;
  frames.forEach((f, i) => {
    const x = (i % cols) * width + Math.floor((width - f.width) / 2);
    const y = Math.floor(i / cols) * height + Math.floor((height - f.height) / 2);
    ctx.putImageData(new ImageData(f.data as Uint8ClampedArray<ArrayBuffer>, f.width, f.height), x, y);
  });
  const { bytes, mime } = await encode(canvas);
  return { bytes, mime, width, height, frameCount: frames.length, columns: cols };
}
