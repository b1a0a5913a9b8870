// Burn in captions (issue 14) on ffmpeg.wasm: its libass draws the lines of an ASS script into every picture, with
// DejaVu Sans fetched from the app's own origin and written into ffmpeg's file system (this libass has no fontconfig,
// so it looks nowhere else). One fresh instance per run: the output lives in its heap until the end, and a cancel
// terminates this worker and the instance with it.
import { FFFSType } from '@ffmpeg/ffmpeg';
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import fontURL from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { burnInArgs, burnInPaths, captionFont, type BurnInPlan } from '../../lib/clips/burn-in';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import { progressFraction } from '../../lib/media/preview-args';
import { Engine } from '../media/ffmpeg-engine';
import type { TrimResult, TrimTarget } from './trim';

/**
 * The picture's coded size, rotation and duration, for a video the catalog has not measured yet (its probe waits in
 * the queue): read from the container's headers by mediabunny; null when it cannot read this file.
 */
export async function measurePicture(
  file: File,
): Promise<{ width: number; height: number; rotation: number; duration: number } | null> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) return null;
    const duration = (await input.computeDuration()) - Math.max(0, await input.getFirstTimestamp());
    return { width: track.codedWidth, height: track.codedHeight, rotation: track.rotation, duration };
  } catch {
    return null; // a format mediabunny does not read (AVI …): ffmpeg fits the captions to whatever it decodes
  } finally {
    input.dispose();
  }
}

let font: Promise<Uint8Array> | undefined;

/** The caption font's bytes, fetched once per worker; a failed fetch is forgotten so the next run tries again. */
function captionFontBytes(): Promise<Uint8Array> {
  font ??= fetch(fontURL).then(async (response) => {
    if (!response.ok) throw new Error(`the caption font could not be loaded (HTTP ${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  });
  void font.catch(() => (font = undefined));
  return font;
}

/** Writes `bytes` into the page's file stream in pieces (each crosses to the page as a message) and closes it. */
export async function writeAll(stream: TrimTarget & { kind: 'stream' }, bytes: Uint8Array): Promise<void> {
  const writer = stream.stream.getWriter();
  const piece = 4 * 2 ** 20;
  for (let at = 0; at < bytes.byteLength; at += piece)
    await writer.write({ type: 'write', data: bytes.slice(at, at + piece), position: at });
  await writer.close();
}

export async function burnInCaptions(
  file: File,
  plan: BurnInPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const engine = new Engine();
  try {
    const [fontBytes] = await Promise.all([
      captionFontBytes().catch((err: unknown) => {
        throw new Error(`Captions cannot be burned in: ${(err as Error).message}. Reload the app and try again.`);
      }),
      engine.ffmpeg.load({ coreURL, wasmURL }),
    ]);
    const dir = '/input';
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
    const input = `${dir}/input${ext}`;
    const output = '/burn/output.mp4';
    for (const d of [dir, '/burn', burnInPaths.fonts]) await engine.ffmpeg.createDir(d);
    // WORKERFS reads the File in slices as ffmpeg asks: the video never enters the 2 GiB heap whole.
    await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: `input${ext}`, data: file }] }, dir);
    // writeFile transfers the buffer it is given: a copy keeps the cached font for the next run.
    await engine.ffmpeg.writeFile(`${burnInPaths.fonts}/${captionFont.file}`, fontBytes.slice());
    await engine.ffmpeg.writeFile(burnInPaths.ass, plan.ass);
    let last = -1;
    engine.ffmpeg.on('progress', (event) => {
      // The last hundredth is writing the file out.
      const fraction = progressFraction(event, plan.duration) * 0.99;
      if (fraction - last >= 0.005) onProgress((last = fraction));
    });
    const log = await engine.run(
      'exec',
      burnInArgs(input, output, plan),
      plan.timeoutMs,
      `burn captions into “${file.name}”`,
    );
    const bytes = await engine.ffmpeg.readFile(output).catch(() => null);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      // ffmpeg's own words name internal paths: they go to the console, not to the user.
      console.warn(`ffmpeg.wasm could not burn captions into ${file.name}:`, lastErrorLine(log));
      throw new Error(
        `ffmpeg.wasm could not burn the captions into “${file.name}”: its picture could not be decoded or re-encoded.`,
      );
    }
    engine.kill(); // its heap (the whole output) is given back before the file is written out
    if (target.kind === 'stream') await writeAll(target, bytes);
    onProgress(1);
    return { bytes: target.kind === 'memory' ? bytes : null, notes: [] };
  } finally {
    engine.kill();
  }
}
