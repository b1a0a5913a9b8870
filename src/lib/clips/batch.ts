// Batch tools (issue 14): one operation applied to a selection of videos, planned before anything runs: which
// videos get a job, and which are skipped and why, so a video the operation cannot apply to is listed with its
// reason instead of failing the batch. Save clip, Cut out and Burn in captions are not batch operations: the first
// two need a range marked on each video, the last a caption track chosen for each, so they stay one video at a time.
import { audioModeName, audioModeSuffix, noAudioMessage, type AudioMode } from './audio';
import { copyContainerFor } from './naming';
import type { ClipRange } from './range';
import { sceneRanges } from './scenes';
import { checkEvery, shortestSplit, splitTitle } from './split';

/** What the user asks of every selected video, with the options set once for all. */
export type BatchOperation =
  | { kind: 'split-every'; every: number }
  | { kind: 'split-scenes'; minScene: number }
  | { kind: 'audio'; as: AudioMode }
  | { kind: 'still'; minSeconds: number };

/** The job one video gets: the same tools, with the same options, as a single job of the player's Tools. */
export type BatchTool =
  | { kind: 'split'; every: number }
  | { kind: 'split'; minScene: number; scenes: ClipRange[] }
  | { kind: 'audio'; as: AudioMode }
  | { kind: 'cut-out'; still: ClipRange[] };

/** What the plan needs to know of a video. */
export interface BatchVideo {
  name: string;
  extension: string;
  duration: number | null;
  hasAudio: boolean | null;
}

/** One selected video and what the pipeline found in it, for the operations that work from it. */
export interface BatchCandidate<V extends BatchVideo> {
  video: V;
  /** Its scenes as stored (split by scenes); empty when none were found yet. */
  scenes?: readonly ClipRange[];
  /** Its still parts (remove still parts); null when its frames are not sampled yet. */
  still?: readonly ClipRange[] | null;
}

export interface BatchStep<V> {
  video: V;
  tool: BatchTool;
  /** The job's title, as a single job of the same tool names it. */
  title: string;
  /** The whole video. */
  range: ClipRange;
}

export interface BatchSkip<V> {
  video: V;
  reason: string;
}

export interface BatchPlan<V> {
  steps: BatchStep<V>[];
  skipped: BatchSkip<V>[];
}

/** "Split every 30 s", "Extract audio as M4A": what the batch does, for its heading. */
export function operationTitle(op: BatchOperation): string {
  switch (op.kind) {
    case 'split-every':
      return `Split ${splitTitle({ every: op.every })}`;
    case 'split-scenes':
      return `Split ${splitTitle({ minScene: op.minScene })}`;
    case 'audio':
      return `Extract audio ${audioModeName(op.as)}`;
    case 'still':
      return `Remove still parts (still for at least ${op.minSeconds} s)`;
  }
}

/** Why the options cannot be used for any video, or null when they can. */
export function checkOperation(op: BatchOperation): string | null {
  if (op.kind === 'split-every' && !(Number.isFinite(op.every) && op.every >= shortestSplit))
    return `Split into parts of at least ${shortestSplit} s.`;
  if (op.kind === 'split-scenes' && !(Number.isFinite(op.minScene) && op.minScene >= 0))
    return 'Give the shortest scene in seconds, 0 or more.';
  if (op.kind === 'still' && !(Number.isFinite(op.minSeconds) && op.minSeconds > 0))
    return 'Give the shortest still part in seconds, more than 0.';
  return null;
}

/** The job of one video, or why it is skipped. */
function stepOf<V extends BatchVideo>(c: BatchCandidate<V>, op: BatchOperation): BatchStep<V> | string {
  const { video } = c;
  const duration = video.duration;
  if (!(duration !== null && duration > 0)) return 'Not measured yet: wait until it is indexed.';
  // Every batch tool copies streams out of the file: a container the tools cannot read or write is left alone.
  if (!copyContainerFor(video.extension))
    return `The tools cannot copy .${video.extension} files yet (that needs re-encoding).`;
  const whole = { start: 0, end: duration };
  switch (op.kind) {
    case 'split-every': {
      const check = checkEvery(op.every, duration);
      if (!check.ok) return check.message;
      return {
        video,
        tool: { kind: 'split', every: op.every },
        title: `${video.name} split ${splitTitle(op)}`,
        range: whole,
      };
    }
    case 'split-scenes': {
      const scenes = c.scenes ?? [];
      if (scenes.length < 2)
        return 'It has one scene, or its scenes are not found yet: there is nothing to split it by.';
      if (sceneRanges(scenes, duration, op.minScene).length < 2)
        return `No two of its scenes are at least ${op.minScene} s long: it would be one part.`;
      const tool: BatchTool = { kind: 'split', minScene: op.minScene, scenes: [...scenes] };
      return { video, tool, title: `${video.name} split ${splitTitle(op)}`, range: whole };
    }
    case 'audio':
      if (video.hasAudio === false) return noAudioMessage(video.name);
      return {
        ...{ video, tool: { kind: 'audio', as: op.as }, range: whole },
        title: `Sound of ${video.name}${audioModeSuffix(op.as)}`,
      };
    case 'still':
      if (c.still === null || c.still === undefined) return 'Its frames are not sampled yet: wait until it is indexed.';
      if (c.still.length === 0) return `No still parts: the picture never stays the same for ${op.minSeconds} s.`;
      return {
        ...{ video, tool: { kind: 'cut-out', still: [...c.still] }, range: whole },
        title: `${video.name} without still parts`,
      };
  }
}

/** One job per video the operation applies to, in the order given; the others skipped with the reason. */
export function planBatch<V extends BatchVideo>(
  candidates: readonly BatchCandidate<V>[],
  op: BatchOperation,
): BatchPlan<V> {
  const plan: BatchPlan<V> = { steps: [], skipped: [] };
  for (const c of candidates) {
    const step = stepOf(c, op);
    if (typeof step === 'string') plan.skipped.push({ video: c.video, reason: step });
    else plan.steps.push(step);
  }
  return plan;
}

/** The counts behind "3 of 12 done". Failed and cancelled jobs are finished too, but not done. */
export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Neither running nor queued any more. */
  finished: boolean;
  /** 0–1 over every job, the running one counted by its own progress. */
  fraction: number;
}

export function batchProgress(jobs: readonly { status: string; progress: number }[]): BatchProgress {
  const count = (s: string) => jobs.filter((j) => j.status === s).length;
  const total = jobs.length;
  const open = jobs.filter((j) => j.status === 'running' || j.status === 'queued');
  const running = jobs.filter((j) => j.status === 'running').reduce((sum, j) => sum + j.progress, 0);
  const finished = total - open.length;
  return {
    ...{ total, done: count('done'), failed: count('failed'), cancelled: count('cancelled') },
    finished: open.length === 0,
    fraction: total === 0 ? 1 : (finished + running) / total,
  };
}

/** "3 of 12 done", then what did not get done. */
export function progressText(p: BatchProgress): string {
  const rest = [p.failed > 0 ? `${p.failed} failed` : '', p.cancelled > 0 ? `${p.cancelled} cancelled` : '']
    .filter(Boolean)
    .join(', ');
  return `${p.done} of ${p.total} done${rest ? `, ${rest}` : ''}`;
}
