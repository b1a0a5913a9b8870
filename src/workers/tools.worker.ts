/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { CopyContainer } from '../lib/clips/naming';
import type { ClipRange } from '../lib/clips/range';
import { keyframeAtOrBefore, trimCopy, type TrimTarget } from './tools/trim';

/** The video tools: cuts by stream copy, one at a time per worker; cancel by terminating the worker. */
const api = {
  keyframeAtOrBefore,
  async trim(
    file: File,
    range: ClipRange,
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    const r = await trimCopy(file, range, container, target, (f) => void onProgress(f));
    return r.bytes ? transfer(r, [r.bytes.buffer as ArrayBuffer]) : r;
  },
};

export type ToolsApi = typeof api;
expose(api);
