// Exact cut on ffmpeg.wasm (issue 14): the whole range re-encoded as H.264 in MP4, for a picture WebCodecs cannot
// re-encode here (planned by src/lib/clips/exact-cut.ts). One fresh instance per run, as for burned-in captions.
import { exactCutArgs, type ExactCutPlan } from '../../lib/clips/exact-cut';
import { runFfmpegTool } from './ffmpeg-engine';
import type { TrimResult, TrimTarget } from './trim';

export function exactCut(
  file: File,
  plan: ExactCutPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const output = '/cut/output.mp4';
  return runFfmpegTool(
    file,
    {
      output,
      args: (input) => exactCutArgs(input, output, plan),
      duration: plan.range.end - plan.range.start,
      timeoutMs: plan.timeoutMs,
      what: `cut “${file.name}”`,
      failed: `ffmpeg.wasm could not cut “${file.name}”: its picture could not be decoded or re-encoded.`,
    },
    target,
    onProgress,
  );
}
