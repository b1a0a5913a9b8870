// Exact cut on ffmpeg.wasm (issue 14): the whole range re-encoded as H.264 in MP4, for a picture WebCodecs cannot
// re-encode here (planned by src/lib/clips/exact-cut.ts). One fresh instance per run, as for burned-in captions.
import { FFFSType } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { exactCutArgs, type ExactCutPlan } from '../../lib/clips/exact-cut';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import { progressFraction } from '../../lib/media/preview-args';
import { Engine } from '../media/ffmpeg-engine';
import { writeAll } from './burn-in';
import type { TrimResult, TrimTarget } from './trim';

export async function exactCut(
  file: File,
  plan: ExactCutPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const engine = new Engine();
  try {
    await engine.ffmpeg.load({ coreURL, wasmURL });
    const dir = '/input';
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
    const output = '/cut/output.mp4';
    for (const d of [dir, '/cut']) await engine.ffmpeg.createDir(d);
    // WORKERFS reads the File in slices as ffmpeg asks: the video never enters the 2 GiB heap whole.
    await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: `input${ext}`, data: file }] }, dir);
    const duration = plan.range.end - plan.range.start;
    let last = -1;
    engine.ffmpeg.on('progress', (event) => {
      const fraction = progressFraction(event, duration) * 0.99; // the last hundredth is writing the file out
      if (fraction - last >= 0.005) onProgress((last = fraction));
    });
    const args = exactCutArgs(`${dir}/input${ext}`, output, plan);
    const log = await engine.run('exec', args, plan.timeoutMs, `cut “${file.name}”`);
    const bytes = await engine.ffmpeg.readFile(output).catch(() => null);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      console.warn(`ffmpeg.wasm could not cut ${file.name}:`, lastErrorLine(log));
      throw new Error(`ffmpeg.wasm could not cut “${file.name}”: its picture could not be decoded or re-encoded.`);
    }
    engine.kill(); // its heap (the whole output) is given back before the file is written out
    if (target.kind === 'stream') await writeAll(target, bytes);
    onProgress(1);
    return { bytes: target.kind === 'memory' ? bytes : null, notes: [] };
  } finally {
    engine.kill();
  }
}
