// How each tool runs once its job has a file to read and a place to write: a clip, a split, the sound. The page
// holds every file a run starts (ClipSlot) so a cancel or a failure can delete them all; only a run that finished
// every file catalogues its clips.
import { proxy, transfer } from 'comlink';
import { audioFileName, audioPlan, noAudioMessage } from '../lib/clips/audio';
import { burnInFileName, burnInPlan } from '../lib/clips/burn-in';
import { exactCutFileName, exactCutNote, exactCutPlan } from '../lib/clips/exact-cut';
import { cutOutFileName, cutOutsNote, planCutOut, planCutOuts, withoutStillFileName } from '../lib/clips/cut-out';
import { clipFileName, copyContainerFor, type CopyContainer } from '../lib/clips/naming';
import { planCopy, type ClipRange } from '../lib/clips/range';
import { copyInstead, cutNote, planCut, type CutPlan } from '../lib/clips/smart-cut';
import { sceneRanges } from '../lib/clips/scenes';
import { everyRanges, partFileName, snapParts, splitNote } from '../lib/clips/split';
import { AbortError } from '../lib/errors';
import type { Video } from '../lib/types';
import type { WorkerBridge } from '../workers/bridge';
import type { ToolsApi } from '../workers/tools.worker';
import type { TrimResult, TrimTarget } from '../workers/tools/trim';
import { download, newClipFile, type ClipSlot } from './clip-folder';
import type { ClipJob } from './clip-jobs';

/** One run of a job: what it reads, where it writes, and how it reports. */
export interface ClipRun {
  job: ClipJob;
  file: File;
  /** The library folder to write into, or null: download. */
  root: FileSystemDirectoryHandle | null;
  signal: AbortSignal;
  worker: WorkerBridge<ToolsApi>;
  /** Every file this run started, for the cleanup of a cancel or a failure. */
  slots: ClipSlot[];
  update(patch: Partial<ClipJob>): void;
  note(text: string | null): void;
}

/** A file the run finished: in the folder (to catalogue as a clip) or downloaded. */
export interface Written {
  name: string;
  slot: ClipSlot | null;
  range: ClipRange;
}

const mimeOf: Record<CopyContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

function containerOf(video: Video): CopyContainer {
  const container = copyContainerFor(video.extension);
  if (!container)
    throw new Error(
      `The tools cannot copy .${video.extension} files yet (that needs re-encoding): MP4, MOV, WebM, Matroska and TS files can be cut.`,
    );
  return container;
}

/**
 * Writes one file called `name` (or the first free name like it) with `write`: into the Clips folder when the run
 * has one, else a download. `progress` maps the file's own 0–1 into the job's.
 */
async function writeOne(
  run: ClipRun,
  name: string,
  mime: string,
  progress: (f: number) => number,
  write: (target: TrimTarget, onProgress: (f: number) => void) => Promise<TrimResult>,
): Promise<{ name: string; slot: ClipSlot | null; notes: string[] }> {
  const slot = run.root ? await newClipFile(run.root, name) : null;
  if (slot) run.slots.push(slot);
  run.update({ name: slot?.name ?? name });
  const onProgress = proxy((f: number) => run.update({ progress: Math.min(1, Math.max(0, progress(f))) }));
  const target = slot
    ? transfer({ kind: 'stream' as const, stream: slot.stream }, [slot.stream])
    : { kind: 'memory' as const };
  // Cancel terminates the worker, the one stop that never waits on a write; the slot's writable is aborted after.
  const result = await run.worker.run(run.signal, () => write(target, onProgress));
  if (slot) await untilAborted(slot.saved, run.signal);
  else if (result.bytes) download(result.bytes, name, mime);
  return { name: slot?.name ?? name, slot, notes: result.notes };
}

/**
 * Save clip: the marked range from the key frame at or before its start; with "Exact start", from the in point by a
 * smart cut when this browser can re-encode the picture, else that copy with the reason.
 */
export async function runClip(run: ClipRun): Promise<Written[]> {
  const { job, file } = run;
  const container = containerOf(job.video);
  let plan;
  if (job.tool.kind === 'clip' && job.tool.exact) {
    const keyframes = await run.worker.run(run.signal, (tools) => tools.keyframeTimes(file));
    const cut = planCut(job.range, keyframes);
    if (cut.kind !== 'copy') {
      const cannot = await run.worker.run(run.signal, (tools) => tools.smartCutSupport(file));
      if (!cannot) return runSmartCut(run, cut, container);
      if (job.range.end - job.range.start <= longestFfmpegCut) return runFfmpegCut(run, cannot);
      plan = copyInstead(job.range, keyframes, `${cannot.replace(/\.$/, '')}, and ffmpeg.wasm would take too long.`);
    } else plan = planCopy(job.range, cut.range.start);
  } else {
    const keyframe = await run.worker.run(run.signal, (tools) => tools.keyframeAtOrBefore(file, job.range.start));
    plan = planCopy(job.range, keyframe);
  }
  run.note(plan.note);
  run.update({ copied: plan.range });
  const name = clipFileName(job.video.name, plan.range, container);
  const out = await writeOne(
    run,
    name,
    mimeOf[container],
    (f) => f,
    (target, onProgress) => run.worker.api.trim(file, plan.range, container, target, onProgress),
  );
  run.update({ name: out.name });
  for (const n of out.notes) run.note(n);
  return [{ name: out.name, slot: out.slot, range: plan.range }];
}

/**
 * How long a range ffmpeg.wasm re-encodes whole for an exact start: 1080p goes at about a second of work per second
 * of video, so five minutes of clip is about as long as anyone waits; longer ones are copied from the key frame.
 */
const longestFfmpegCut = 300;

/** The whole range re-encoded as H.264 in MP4 by ffmpeg.wasm, for a picture WebCodecs cannot re-encode here. */
async function runFfmpegCut(run: ClipRun, reason: string): Promise<Written[]> {
  const { job, file } = run;
  const plan = exactCutPlan(job.range, job.video);
  run.update({ copied: plan.range });
  const out = await writeOne(
    run,
    exactCutFileName(job.video.name, plan.range),
    'video/mp4',
    (f) => f,
    (target, onProgress) => run.worker.api.exactCut(file, plan, target, onProgress),
  );
  run.update({ name: out.name });
  run.note(exactCutNote(plan, reason));
  return [{ name: out.name, slot: out.slot, range: plan.range }];
}

/** A smart cut (or, with no key frame to copy from, the whole range re-encoded), said in the job's notes. */
async function runSmartCut(run: ClipRun, plan: CutPlan, container: CopyContainer): Promise<Written[]> {
  run.update({ copied: plan.range });
  let range = plan.range;
  const out = await writeOne(
    run,
    clipFileName(run.job.video.name, plan.range, container),
    mimeOf[container],
    (f) => f,
    async (target, onProgress) => {
      const result = await run.worker.api.smartCut(run.file, plan, container, target, onProgress);
      range = result.range;
      return result;
    },
  );
  run.update({ name: out.name, copied: range });
  run.note(cutNote(plan));
  for (const n of out.notes) run.note(n);
  return [{ name: out.name, slot: out.slot, range }];
}

/** Split: every N seconds or by scenes, each part from a key frame to the next part's start. */
export async function runSplit(run: ClipRun): Promise<Written[]> {
  const { job, file } = run;
  if (job.tool.kind !== 'split') throw new Error('Not a split');
  const container = containerOf(job.video);
  const duration = job.range.end;
  const asked =
    'every' in job.tool
      ? everyRanges(duration, job.tool.every)
      : sceneRanges(job.tool.scenes, duration, job.tool.minScene);
  const keyframes = await run.worker.run(run.signal, (tools) => tools.keyframeTimes(file));
  const plan = snapParts(asked, keyframes, duration);
  run.note(splitNote(plan, asked.length));
  const written: Written[] = [];
  const count = plan.parts.length;
  for (const [i, part] of plan.parts.entries()) {
    const out = await writeOne(
      run,
      partFileName(job.video.name, i, count, part, container),
      mimeOf[container],
      (f) => (i + f) / count,
      (target, onProgress) => run.worker.api.trim(file, part, container, target, onProgress),
    );
    for (const n of out.notes) run.note(n);
    written.push({ name: out.name, slot: out.slot, range: part });
    run.update({ files: written.map((w) => w.name) });
  }
  return written;
}

/**
 * Extract audio: the whole sound, as it is, as M4A or as Opus (encoded by ffmpeg.wasm when the browser has no encoder
 * for it). A file with none is told so, not failed with a trace.
 */
export async function runAudio(run: ClipRun): Promise<Written[]> {
  const { job, file } = run;
  if (job.tool.kind !== 'audio') throw new Error('Not an audio extraction');
  const codec = await run.worker.run(run.signal, (tools) => tools.audioCodecOf(file));
  if (codec === null) throw new Error(noAudioMessage(job.video.name));
  const plan = audioPlan(codec, job.tool.as);
  if (!plan)
    throw new Error(
      `The sound of this video (${codec.toUpperCase()}) cannot be saved as it is in a file of its own: try “As M4A” or “As Opus”.`,
    );
  const out = await writeOne(
    run,
    audioFileName(job.video.name, plan.extension),
    plan.mime,
    (f) => f,
    (target, onProgress) => run.worker.api.extractAudio(file, plan, target, onProgress),
  );
  run.update({ name: out.name });
  if (out.notes.length > 0) for (const n of out.notes) run.note(n);
  else
    run.note(
      plan.encode
        ? `The sound was encoded as ${plan.encode === 'aac' ? 'AAC' : 'Opus'}.`
        : `The sound was copied as it is (${codec.toUpperCase()}).`,
    );
  // A sound file is not a video: it stays in the Clips folder and is not catalogued.
  return [{ name: out.name, slot: null, range: job.range }];
}

/**
 * Cut out: the marked range removed (from key frame to key frame), or every still part (on key frames inside each),
 * the rest kept as a new video.
 */
export async function runCutOut(run: ClipRun): Promise<Written[]> {
  const { job, file } = run;
  if (job.tool.kind !== 'cut-out') throw new Error('Not a cut-out');
  const still = job.tool.still;
  const container = containerOf(job.video);
  const duration = job.video.duration ?? job.range.end;
  const keyframes = await run.worker.run(run.signal, (tools) => tools.keyframeTimes(file));
  let removed: ClipRange[];
  let name: string;
  if (still) {
    const plan = planCutOuts(still, keyframes, duration);
    if (plan.removed.length === 0)
      throw new Error('No still part has a key frame inside it to cut on without re-encoding: nothing was cut.');
    run.note(cutOutsNote(plan));
    removed = plan.removed;
    name = withoutStillFileName(job.video.name, container);
  } else {
    const plan = planCutOut(job.range, keyframes, duration);
    if (!plan.ok) throw new Error(plan.message);
    run.note(plan.note);
    run.update({ copied: plan.removed });
    removed = [plan.removed];
    name = cutOutFileName(job.video.name, plan.removed, container);
  }
  const out = await writeOne(
    run,
    name,
    mimeOf[container],
    (f) => f,
    (target, onProgress) => run.worker.api.cutOut(file, removed, container, target, onProgress),
  );
  for (const n of out.notes) run.note(n);
  // Catalogued as a clip of its parent over the whole of it: it is the parent less a stretch, not one range of it.
  return [{ name: out.name, slot: out.slot, range: { start: 0, end: duration } }];
}

/**
 * Burn in captions: the whole video re-encoded (H.264 in MP4) with the lines of the chosen track drawn in, the sound
 * copied when MP4 holds it. Catalogued as a clip of its parent over the whole of it.
 */
export async function runBurnIn(run: ClipRun): Promise<Written[]> {
  const { job, file } = run;
  if (job.tool.kind !== 'burn-in') throw new Error('Not a burn-in');
  // A video not probed yet is measured here: the captions script is laid out on the picture's own pixels, and
  // progress and the time limit go by its duration.
  const { video } = job;
  const measured =
    video.duration && video.width && video.height
      ? null
      : await run.worker.run(run.signal, (tools) => tools.measurePicture(file));
  const plan = burnInPlan(measured ? { ...video, ...measured } : video, job.tool.cues, job.tool.style);
  const out = await writeOne(
    run,
    burnInFileName(video.name),
    'video/mp4',
    (f) => f,
    (target, onProgress) => run.worker.api.burnIn(file, plan, target, onProgress),
  );
  run.update({ name: out.name });
  const sound =
    video.hasAudio === false ? '' : `; the sound ${plan.sound === 'copy' ? 'copied as it is' : 'encoded as AAC'}`;
  run.note(`Captions “${job.tool.track}” drawn into the picture, re-encoded as H.264${sound}.`);
  return [{ name: out.name, slot: out.slot, range: { start: 0, end: plan.duration || job.range.end } }];
}

/** `work`, unless `signal` aborts first (then AbortError). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortError());
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new AbortError());
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
