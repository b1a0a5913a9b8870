// The tools that run on ffmpeg.wasm (an exact cut, burned-in captions, sound the browser cannot encode) share one
// way of running: a fresh instance per run, the video mounted (never copied into its heap), one command, the whole
// output read back and written to the page's file. A cancel terminates this worker and the instance with it.
import { FFFSType } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import { progressFraction } from '../../lib/media/preview-args';
import { Engine } from '../media/ffmpeg-engine';
import type { TrimResult, TrimTarget } from './trim';

/**
 * A fresh, loaded instance with `file` mounted read-only at the returned `input` path, and each of `dirs` created
 * for what the run writes. Its owner kills it; a failure on the way kills it here.
 */
export async function mountedEngine(file: File, dirs: string[] = []): Promise<{ engine: Engine; input: string }> {
  const engine = new Engine();
  try {
    await engine.ffmpeg.load({ coreURL, wasmURL });
    const dir = '/input';
    // The extension tells ffmpeg's probe where to look first; the name is ours, so nothing in it needs escaping.
    const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
    for (const d of [dir, ...dirs]) await engine.ffmpeg.createDir(d);
    // WORKERFS reads the File in slices as ffmpeg asks: the video never enters the 2 GiB heap whole.
    await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: `input${ext}`, data: file }] }, dir);
    return { engine, input: `${dir}/input${ext}` };
  } catch (err) {
    engine.kill();
    throw err;
  }
}

/** One command of a tool, and what the user is told when it writes nothing. */
export interface FfmpegToolRun {
  /** The file it writes, in a folder of its own (created before the run). */
  output: string;
  /** The command, given the mounted input's path. */
  args: (input: string) => string[];
  /** Seconds of media it goes through, for progress (0: ffmpeg's own guess). */
  duration: number;
  timeoutMs: number;
  /** "cut “beach.mp4”": finishes "ffmpeg.wasm took more than … s to …". */
  what: string;
  /** Said when the output is missing or empty; ffmpeg's own last words go to the console (they name its paths). */
  failed: string;
  /** Anything more its file system needs before the run (a font, a script). */
  prepare?: (engine: Engine) => Promise<void>;
}

export async function runFfmpegTool(
  file: File,
  run: FfmpegToolRun,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const { engine, input } = await mountedEngine(file, [run.output.slice(0, run.output.lastIndexOf('/'))]);
  try {
    await run.prepare?.(engine);
    let last = -1;
    engine.ffmpeg.on('progress', (event) => {
      const fraction = progressFraction(event, run.duration) * 0.99; // the last hundredth is writing the file out
      if (fraction - last >= 0.005) onProgress((last = fraction));
    });
    const log = await engine.run('exec', run.args(input), run.timeoutMs, run.what);
    const bytes = await engine.ffmpeg.readFile(run.output).catch(() => null);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      console.warn(`ffmpeg.wasm could not ${run.what}:`, lastErrorLine(log));
      throw new Error(run.failed);
    }
    engine.kill(); // its heap (the whole output) is given back before the file is written out
    if (target.kind === 'stream') await writeAll(target, bytes);
    onProgress(1);
    return { bytes: target.kind === 'memory' ? bytes : null, notes: [] };
  } finally {
    engine.kill();
  }
}

/** Writes `bytes` into the page's file stream in pieces (each crosses to the page as a message) and closes it. */
async function writeAll(stream: TrimTarget & { kind: 'stream' }, bytes: Uint8Array): Promise<void> {
  const writer = stream.stream.getWriter();
  const piece = 4 * 2 ** 20;
  for (let at = 0; at < bytes.byteLength; at += piece)
    await writer.write({ type: 'write', data: bytes.slice(at, at + piece), position: at });
  await writer.close();
}
