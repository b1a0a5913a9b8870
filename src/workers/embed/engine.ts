import {
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
} from '@huggingface/transformers';
import { normalize } from '../../lib/embeddings/vectors';
import { ModelLoadError, withModelFiles, type LoadOptions } from '../models/hub-files';

export { ModelLoadError, type LoadOptions, type ModelFiles } from '../models/hub-files';

/** One RGBA frame, as the media worker decodes it. */
export interface FramePixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface EmbedEngine {
  /** Names these exact weights: the same folder always gives the same id, other weights another one. */
  readonly modelId: string;
  /** Length of every vector. */
  readonly dim: number;
  /** One unit-length vector per frame, in order. */
  embedImages(frames: readonly FramePixels[]): Promise<Float32Array[]>;
  /** A unit-length vector for a text query (any words; unknown ones still embed). */
  embedText(text: string): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Loads a CLIP model from `options.files` (loads run one at a time: transformers.js' settings are global). */
export async function loadEngine(options: LoadOptions): Promise<EmbedEngine> {
  const { dtype = 'q8', threads } = options;
  const { value, modelId, failedWrites } = await withModelFiles(options, 'clip', (key, progress_callback) => {
    const modelOptions = { dtype, progress_callback, session_options: threads ? { intraOpNumThreads: threads } : {} };
    return Promise.all([
      AutoTokenizer.from_pretrained(key, { progress_callback }),
      AutoImageProcessor.from_pretrained(key, { progress_callback }),
      CLIPVisionModelWithProjection.from_pretrained(key, modelOptions),
      CLIPTextModelWithProjection.from_pretrained(key, modelOptions),
    ]).catch((err: Error) => {
      throw new ModelLoadError(`The model could not be loaded: ${err.message}`, { cause: err });
    });
  });
  const [tokenizer, processor, vision, text] = value;
  if (failedWrites.length) {
    await Promise.all([vision.dispose(), text.dispose()]);
    throw new ModelLoadError(`The downloaded model could not be kept: ${failedWrites.join('; ')}`);
  }
  const config = vision.config as unknown as { projection_dim?: number };
  const dim = config.projection_dim ?? 512;
  const rows = (data: Float32Array, count: number) => {
    if (data.length !== count * dim) throw new ModelLoadError(`Expected ${count} × ${dim} values, got ${data.length}.`);
    return Array.from({ length: count }, (_, i) => normalize(data.slice(i * dim, (i + 1) * dim)));
  };
  return {
    modelId,
    dim,
    async embedImages(frames) {
      if (frames.length === 0) return [];
      const images = frames.map((f) => new RawImage(f.data, f.width, f.height, 4));
      const { image_embeds } = await vision(await processor(images));
      return rows(image_embeds.data as Float32Array, frames.length);
    },
    async embedText(query) {
      const { text_embeds } = await text(tokenizer(query, { truncation: true }));
      return rows(text_embeds.data as Float32Array, 1)[0];
    },
    async dispose() {
      await Promise.all([vision.dispose(), text.dispose()]);
    },
  };
}
