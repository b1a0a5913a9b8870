import type { RgbaFrame } from '../../lib/media/types';
import { patchSide } from '../../lib/search/texture';

/** Query images are scaled to fit this box first: plenty for a 64 × 64 fingerprint, and quick to read back. */
const maxSide = 640;

export class UnreadableImageError extends Error {
  override name = 'UnreadableImageError';
}

/** A decoded query image: small, plus its centre patch at its own size for texture codes (lib/search/texture.ts). */
export interface DecodedImage extends RgbaFrame {
  patch: RgbaFrame | null;
}

/**
 * Decodes a dropped or pasted image (PNG, JPEG, WebP, AVIF, GIF's first frame, BMP …) to small RGBA pixels,
 * with the browser's own decoders; with `withPatch`, its centre at its own size too (reverse search wants it).
 */
export async function decodeImage(image: Blob, withPatch = false): Promise<DecodedImage> {
  if (image.size === 0) throw new UnreadableImageError('The image is empty (0 bytes).');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image);
  } catch {
    throw new UnreadableImageError('This file is not an image the browser can read.');
  }
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { time: 0, width, height, data, keyframe: true, patch: withPatch ? centrePatch(bitmap) : null };
  } finally {
    bitmap.close();
  }
}

/** The centre of the image at its own size, up to `patchSide` square (null when smaller than half that). */
function centrePatch(bitmap: ImageBitmap): RgbaFrame | null {
  const side = Math.min(patchSide, bitmap.width, bitmap.height);
  if (side < patchSide / 2) return null;
  const canvas = new OffscreenCanvas(side, side);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const [x, y] = [Math.floor((bitmap.width - side) / 2), Math.floor((bitmap.height - side) / 2)];
  ctx.drawImage(bitmap, x, y, side, side, 0, 0, side, side);
  return { time: 0, width: side, height: side, data: ctx.getImageData(0, 0, side, side).data, keyframe: true };
}
