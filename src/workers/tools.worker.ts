/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import type { AudioPlan } from '../lib/clips/audio';
import type { BurnInPlan } from '../lib/clips/burn-in';
import type { ExactCutPlan } from '../lib/clips/exact-cut';
import type { CopyContainer } from '../lib/clips/naming';
import type { ClipRange } from '../lib/clips/range';
import type { CutPlan } from '../lib/clips/smart-cut';
import { audioCodecOf, canEncodeAac, extractAudio } from './tools/audio';
import { burnInCaptions, measurePicture } from './tools/burn-in';
import { cutOutCopy } from './tools/cut-out';
import { exactCut } from './tools/exact-cut';
import { fastTrimCopy } from './tools/mp4-copy';
import { smartCut, smartCutSupport } from './tools/smart-cut';
import { keyframeAtOrBefore, keyframeTimes, trimCopy, type TrimResult, type TrimTarget } from './tools/trim';

const withBytes = <R extends TrimResult>(r: R) => (r.bytes ? transfer(r, [r.bytes.buffer as ArrayBuffer]) : r);

/**
 * The video tools: cuts by stream copy (trim, split, cut out), a smart cut (a re-encoded head, the rest copied), audio extraction and captions burned in (ffmpeg.wasm),
 * one at a time per worker; cancel by terminating it.
 */
const api = {
  keyframeAtOrBefore,
  keyframeTimes,
  smartCutSupport,
  audioCodecOf,
  canEncodeAac,
  measurePicture,
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
    return withBytes(fast ?? (await trimCopy(file, range, container, target, progress)));
  },
  async smartCut(
    file: File,
    plan: CutPlan,
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    return withBytes(await smartCut(file, plan, container, target, (f) => void onProgress(f)));
  },
  async exactCut(file: File, plan: ExactCutPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await exactCut(file, plan, target, (f) => void onProgress(f)));
  },
  async cutOut(
    file: File,
    removed: ClipRange[],
    container: CopyContainer,
    target: TrimTarget,
    onProgress: (fraction: number) => void,
  ) {
    return withBytes(await cutOutCopy(file, removed, container, target, (f) => void onProgress(f)));
  },
  async extractAudio(file: File, plan: AudioPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await extractAudio(file, plan, target, (f) => void onProgress(f)));
  },
  async burnIn(file: File, plan: BurnInPlan, target: TrimTarget, onProgress: (fraction: number) => void) {
    return withBytes(await burnInCaptions(file, plan, target, (f) => void onProgress(f)));
  },
};

export type ToolsApi = typeof api;
expose(api);
