// Burn in captions (issue 14) on ffmpeg.wasm: its libass draws the lines of an ASS script into every picture, with
// DejaVu Sans fetched from the app's own origin and written into ffmpeg's file system (this libass has no fontconfig,
// so it looks nowhere else). One fresh instance per run: the output lives in its heap until the end, and a cancel
// terminates this worker and the instance with it.
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import fontURL from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { burnInArgs, burnInPaths, captionFont, type BurnInPlan } from '../../lib/clips/burn-in';
import { runFfmpegTool } from './ffmpeg-engine';
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

export function burnInCaptions(
  file: File,
  plan: BurnInPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  // Fetched while the engine loads; a failure is said when the run needs the font.
  const font = captionFontBytes();
  const output = '/burn/output.mp4';
  return runFfmpegTool(
    file,
    {
      output,
      args: (input) => burnInArgs(input, output, plan),
      duration: plan.duration,
      timeoutMs: plan.timeoutMs,
      what: `burn captions into “${file.name}”`,
      failed: `ffmpeg.wasm could not burn the captions into “${file.name}”: its picture could not be decoded or re-encoded.`,
      async prepare(engine) {
        const fontBytes = await font.catch((err: unknown) => {
          throw new Error(`Captions cannot be burned in: ${(err as Error).message}. Reload the app and try again.`);
        });
        await engine.ffmpeg.createDir(burnInPaths.fonts);
        // writeFile transfers the buffer it is given: a copy keeps the cached font for the next run.
        await engine.ffmpeg.writeFile(`${burnInPaths.fonts}/${captionFont.file}`, fontBytes.slice());
        await engine.ffmpeg.writeFile(burnInPaths.ass, plan.ass);
      },
    },
    target,
    onProgress,
  );
}
