/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { AudioPlan } from '../lib/clips/audio';
import type { BurnInPlan } from '../lib/clips/burn-in';
import type { ExactCutPlan } from '../lib/clips/exact-cut';
import type { CopyContainer } from '../lib/clips/naming';
import type { ClipRange } from '../lib/clips/range';
import type { CutPlan } from '../lib/clips/smart-cut';
import { fastKeyframeAtOrBefore, fastTrimCopy } from './tools/mp4-copy';
import type { TrimResult, TrimTarget } from './tools/trim';

// The tools that read with mediabunny or run ffmpeg.wasm are loaded when first used: a worker starts for each job,
// and parsing their 600 KB took about 0.25 s of a fast MP4 copy that needs none of them.
const audio = () => import('./tools/audio');
const burnIn = () => import('./tools/burn-in');
const cutOut = () => import('./tools/cut-out');
const exact = () => import('./tools/exact-cut');
const smart = () => import('./tools/smart-cut');
const trim = () => import('./tools/trim');

const withBytes = <R extends TrimResult>(r: R) => (r.bytes ? transfer(r, [r.bytes.buffer as ArrayBuffer]) : r);

/**
 * The video tools: cuts by stream copy (trim, split, cut out), a smart cut (a re-encoded head, the rest copied), audio extraction and captions burned in (ffmpeg.wasm),
 * one at a time per worker; cancel by terminating it.
 */
const api = {
  async keyframeAtOrBefore(file: File, time: number) {
    return (await fastKeyframeAtOrBefore(file, time)) ?? (await trim()).keyframeAtOrBefore(file, time);
  },
  keyframeTimes: async (file: File) => (await trim()).keyframeTimes(file),
  smartCutSupport: async (file: File) => (await smart()).smartCutSupport(file),
  audioCodecOf: async (file: File) => (await audio()).audioCodecOf(file),
  measurePicture: async (file: File) => (await burnIn()).measurePicture(file),
  async trim(
    file: File,
    range: ClipRange,
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    // An MP4/MOV into its own container is copied as one stretch of the file; the rest, packet by packet.
    const progress = (f: number) => void onProgress(f);
    const fast = await fastTrimCopy(file, range, container, target, progress);
    return withBytes(fast ?? (await (await trim()).trimCopy(file, range, container, target, progress)));
  },
  async smartCut(
    file: File,
    plan: CutPlan,
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    return withBytes(await (await smart()).smartCut(file, plan, container, target, (f) => void onProgress(f)));
  },
  async exactCut(file: File, plan: ExactCutPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await (await exact()).exactCut(file, plan, target, (f) => void onProgress(f)));
  },
  async cutOut(
    file: File,
    removed: ClipRange[],
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    return withBytes(await (await cutOut()).cutOutCopy(file, removed, container, target, (f) => void onProgress(f)));
  },
  async extractAudio(file: File, plan: AudioPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await (await audio()).extractAudio(file, plan, target, (f) => void onProgress(f)));
  },
  async burnIn(file: File, plan: BurnInPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await (await burnIn()).burnInCaptions(file, plan, target, (f) => void onProgress(f)));
  },
};

export type ToolsApi = typeof api;
expose(api);
