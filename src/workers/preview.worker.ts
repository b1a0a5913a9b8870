/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { PreviewPlan } from '../lib/media/preview-args';
import { transcodePreview } from './media/preview-transcode';

const api = {
  /** A playable low-resolution copy of `file` (MP4 bytes, transferred). Cancel by terminating this worker. */
  async transcode(file: File, plan: PreviewPlan, onProgress: (fraction: number) => void) {
    const r = await transcodePreview(file, plan, (f) => void onProgress(f));
    return transfer(r, [r.bytes.buffer as ArrayBuffer]);
  },
};

export type PreviewApi = typeof api;
expose(api);
