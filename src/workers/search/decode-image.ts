import type { RgbaFrame } from '../../lib/media/types';

/** Query images are scaled to fit this box first: plenty for a 64 × 64 fingerprint, and quick to read back. */
const maxSide = 640;

export class UnreadableImageError extends Error {
  override name = 'UnreadableImageError';
}

/**
 * Decodes a dropped or pasted image (PNG, JPEG, WebP, AVIF, GIF's first frame, BMP …) to small RGBA pixels,
 * with the browser's own decoders.
 */
export async function decodeImage(image: Blob): Promise<RgbaFrame> {
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
    return { time: 0, width, height, data, keyframe: true };
  } finally {
    bitmap.close();
  }
}
