import { ctcDecode, ctcWords, type ReadChar } from '../../lib/screen-text/ctc';
import { checkClassCount, dictionaryCharacters } from '../../lib/screen-text/language-folder';
import { relativeBox, textBoxes, type PixelBox } from '../../lib/screen-text/text-boxes';
import type { ScreenLine } from '../../lib/screen-text/types';

/** What the engine needs of ONNX Runtime (onnxruntime-web in the app, onnxruntime-node in a check from Node). */
export interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  InferenceSession: {
    create(model: Uint8Array): Promise<OrtSession>;
  };
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/** One RGBA frame as the media worker decodes it. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The recogniser's input height (PaddleOCR v4 recognition). */
const lineHeight = 48;
/** Lines whose characters were read with less confidence than this on average are dropped (noise, textures). */
const minLineConfidence = 0.7;

/**
 * Writes `src` (RGBA), region `r`, scaled bilinearly to `w` × `h` into `out` as three BGR planes (PaddleOCR's
 * models were trained on OpenCV's BGR), each value `(v / 255 - mean) / std`.
 */
function toPlanes(
  src: Pixels,
  r: { x: number; y: number; w: number; h: number },
  w: number,
  h: number,
  outW: number,
  out: Float32Array,
  mean: readonly number[],
  std: readonly number[],
): void {
  const plane = (out.length / 3) | 0;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(src.height - 1, Math.max(0, r.y + ((y + 0.5) * r.h) / h - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(src.width - 1, Math.max(0, r.x + ((x + 0.5) * r.w) / w - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number) => src.data[(yy * src.width + xx) * 4 + (2 - c)];
        const v = (at(x0, y0) * (1 - dx) + at(x1, y0) * dx) * (1 - dy) + (at(x0, y1) * (1 - dx) + at(x1, y1) * dx) * dy;
        out[c * plane + y * outW + x] = (v / 255 - mean[c]) / std[c];
      }
    }
  }
}

export interface TextReader {
  /** The lines of text in the frame, top to bottom; lines less than `minHeight` pixels tall are not recognised. */
  read(frame: Pixels, opts?: { minHeight?: number }): Promise<ScreenLine[]>;
}

/** PaddleOCR's detection model: where the lines of text are. One serves every language. */
export interface TextDetector {
  detect(frame: Pixels): Promise<{ boxes: PixelBox[]; sx: number; sy: number }>;
  release(): Promise<void>;
}

/** A PaddleOCR recognition model and its dictionary: what a line says, character by character. */
export interface TextRecogniser {
  recognise(
    frame: Pixels,
    box: { x: number; y: number; w: number; h: number },
  ): Promise<{ chars: ReadChar[]; perStep: number }>;
  release(): Promise<void>;
}

export async function textDetector(ort: OrtLike, det: Uint8Array): Promise<TextDetector> {
  const detector = await ort.InferenceSession.create(det);
  return {
    async detect(frame) {
      const w = Math.max(32, Math.round(frame.width / 32) * 32);
      const h = Math.max(32, Math.round(frame.height / 32) * 32);
      const input = new Float32Array(3 * w * h);
      const whole = { x: 0, y: 0, w: frame.width, h: frame.height };
      toPlanes(frame, whole, w, h, w, input, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
      const out = await detector.run({ [detector.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, h, w]) });
      const map = out[detector.outputNames[0]];
      return { boxes: textBoxes(map.data as Float32Array, w, h), sx: frame.width / w, sy: frame.height / h };
    },
    release: () => detector.release(),
  };
}

/**
 * The recogniser `rec` with the dictionary `keys`. It is run once on a blank line first: the classes it scores must
 * be the dictionary's lines plus CTC's blank and the space, or every character would be read as another.
 */
export async function textRecogniser(
  ort: OrtLike,
  rec: Uint8Array,
  keys: string,
  dictionaryName = 'The dictionary',
): Promise<TextRecogniser> {
  const alphabet = dictionaryCharacters(keys);
  const recogniser = await ort.InferenceSession.create(rec);

  async function scores(input: Float32Array, width: number) {
    const feeds = { [recogniser.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, lineHeight, width]) };
    const out = (await recogniser.run(feeds))[recogniser.outputNames[0]];
    const [, steps, classes] = out.dims;
    return { data: out.data as Float32Array, steps, classes };
  }

  try {
    const { classes } = await scores(new Float32Array(3 * lineHeight * 96), 96);
    checkClassCount(classes, alphabet.length - 1, dictionaryName);
  } catch (err) {
    await recogniser.release();
    throw err;
  }

  return {
    async recognise(frame, box) {
      const content = Math.max(8, Math.ceil((lineHeight * box.w) / box.h));
      const width = Math.max(content, 96);
      const input = new Float32Array(3 * lineHeight * width); // the padding stays 0: mid-gray once normalised
      toPlanes(frame, box, content, lineHeight, width, input, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
      const { data, steps, classes } = await scores(input, width);
      const chars = ctcDecode(data, steps, classes, alphabet);
      // Each time step covers width / steps input pixels; the content fills `content` of them.
      const perStep = ((width / steps) * box.w) / content;
      return { chars, perStep };
    },
    release: () => recogniser.release(),
  };
}

/** Text on screen read with PaddleOCR's detection and a recogniser (the built-in one or a language's). */
export function textReader(detector: TextDetector, recogniser: TextRecogniser): TextReader {
  return {
    async read(frame, { minHeight = 0 } = {}) {
      const { boxes, sx, sy } = await detector.detect(frame);
      const lines: ScreenLine[] = [];
      for (const b of boxes) {
        const box = { x: b.x * sx, y: b.y * sy, w: b.w * sx, h: b.h * sy };
        if (box.h < Math.max(6, minHeight) || box.w < 6) continue;
        const { chars, perStep } = await recogniser.recognise(frame, box);
        if (chars.length === 0) continue;
        const confidence = chars.reduce((s, c) => s + c.confidence, 0) / chars.length;
        if (confidence < minLineConfidence) continue;
        const words = ctcWords(chars).map((w) => ({
          text: w.text,
          box: relativeBox(
            { x: box.x + w.from * perStep, y: box.y, w: (w.to - w.from + 1) * perStep, h: box.h },
            frame.width,
            frame.height,
          ),
        }));
        if (words.length === 0) continue;
        lines.push({
          text: words.map((w) => w.text).join(' '),
          box: relativeBox(box, frame.width, frame.height),
          words,
        });
      }
      return lines;
    },
  };
}
