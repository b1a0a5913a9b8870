// The preview transcode on ffmpeg.wasm: one fresh instance per preview (the output lives in its heap until the run
// ends, so nothing is left behind for the next one), the File mounted with WORKERFS and read lazily, never copied in.
import { FFFSType } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import { previewArgs, previewTimeoutMs, progressFraction, type PreviewPlan } from '../../lib/media/preview-args';
import { Engine } from './ffmpeg-engine';

const dir = '/preview';

export interface PreviewResult {
  bytes: Uint8Array;
  /** Wall-clock seconds: all of it, and the ffmpeg command alone (without starting ffmpeg.wasm). */
  seconds: number;
  encodeSeconds: number;
}

/**
 * Transcodes `file` to an H.264/AAC MP4 following `plan`. `onProgress` gets 0–1 as the output advances. Cancelling
 * is terminating the worker that runs this (wasm cannot be interrupted; terminate() is the real stop).
 */
export async function transcodePreview(
  file: File,
  plan: PreviewPlan,
  onProgress: (fraction: number) => void,
): Promise<PreviewResult> {
  const started = performance.now();
  const engine = new Engine();
  try {
    await engine.ffmpeg.load({ coreURL, wasmURL });
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
    const input = `${dir}/input${ext}`;
    const output = '/preview.mp4';
    await engine.ffmpeg.createDir(dir);
    // WORKERFS reads the File in slices as ffmpeg asks: a video of any size never enters the 2 GiB heap whole.
    await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: input.slice(dir.length + 1), data: file }] }, dir);
    let last = -1;
    engine.ffmpeg.on('progress', (event) => {
      const fraction = progressFraction(event, plan.duration);
      // A report per statistics line is plenty; skip repeats.
      if (fraction - last >= 0.005) onProgress((last = fraction));
    });
    const encodeStarted = performance.now();
    const log = await engine.run('exec', previewArgs(input, output, plan), previewTimeoutMs(plan), 'make a preview of');
    const bytes = await engine.ffmpeg.readFile(output).catch(() => null);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      // ffmpeg's own words name internal mount paths: they go to the console, not to the user.
      console.warn(`ffmpeg.wasm could not make a preview of ${file.name}:`, lastErrorLine(log));
      throw new Error(`ffmpeg.wasm could not convert “${file.name}”: its video could not be decoded.`);
    }
    onProgress(1);
    const now = performance.now();
    return { bytes, seconds: (now - started) / 1000, encodeSeconds: (now - encodeStarted) / 1000 };
  } finally {
    engine.kill();
  }
}
