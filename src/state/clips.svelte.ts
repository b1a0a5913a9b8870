import { audioModeSuffix, noAudioMessage, type AudioMode } from '../lib/clips/audio';
import { hasCaptionText, type CaptionStyle } from '../lib/clips/burn-in';
import { checkRange, momentRange, type ClipRange } from '../lib/clips/range';
import { checkEvery, splitTitle } from '../lib/clips/split';
import type { ClipOrigin } from '../lib/clips/types';
import { isAbortError, isPermissionError } from '../lib/errors';
import { formatTimestamp } from '../lib/format';
import type { Cue } from '../lib/subtitles/types';
import type { Video } from '../lib/types';
import { newToolsWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { catalog } from './catalog.svelte';
import { askToWrite, canWriteInto } from './clip-folder';
import { stoppedBecause, type ClipJob, type ClipTool } from './clip-jobs';
import { runAudio, runBurnIn, runClip, runCutOut, runSplit, type ClipRun } from './clip-runs';
import { imports } from './import.svelte';

export type { ClipJob, ClipJobStatus } from './clip-jobs';

/** The in and out points marked on the video in the player. */
export interface ClipMarks {
  videoId: number;
  in: number | null;
  out: number | null;
}

/**
 * The video tools: marks in the player, and clips saved from them. A clip job runs here rather than in the indexing
 * queue: it is started by a click, holds a file handle and a write permission that do not outlive the visit, and
 * makes a new video instead of adding to one, so it is not a stage of the catalog's job table.
 */
class ClipsState {
  marks = $state<ClipMarks | null>(null);
  jobs = $state<ClipJob[]>([]);
  /** Why the last "Save clip" was refused, or what was changed about its range. */
  message = $state<{ kind: 'error' | 'info'; text: string } | null>(null);
  /**
   * "Exact start": a clip starts at its in point, the stretch up to the next key frame re-encoded (a smart cut),
   * instead of at the key frame before it with nothing re-encoded.
   */
  exactStart = $state(false);
  #next = 1;
  #controllers = new Map<number, AbortController>();

  marksOf(videoId: number | undefined): ClipMarks {
    const m = this.marks;
    return m && m.videoId === videoId ? m : { videoId: videoId ?? -1, in: null, out: null };
  }

  /** I: the clip starts here; an out point before it goes. */
  setIn(videoId: number, time: number): void {
    const m = this.marksOf(videoId);
    this.marks = { videoId, in: time, out: m.out !== null && m.out < time ? null : m.out };
    this.message = null;
  }

  /** O: the clip ends here; an in point after it goes. */
  setOut(videoId: number, time: number): void {
    const m = this.marksOf(videoId);
    this.marks = { videoId, in: m.in !== null && m.in > time ? null : m.in, out: time };
    this.message = null;
  }

  clearMarks(): void {
    this.marks = null;
    this.message = null;
  }

  /** "Save this moment": marks a range around a matched time, which the user can move before saving. */
  markMoment(videoId: number, time: number, duration: number | null): void {
    const r = momentRange(time, duration);
    this.marks = { videoId, in: r.start, out: r.end };
    this.message = null;
  }

  /** A clip query's aligned range, marked as it is. */
  markRange(videoId: number, range: ClipRange): void {
    this.marks = { videoId, in: range.start, out: range.end };
    this.message = null;
  }

  /**
   * "Save clip": checks the marked range (clamped past the end, refused when empty, said either way), then cuts it
   * by stream copy (or a smart cut, with `exactStart`). Must be called from a click: writing into the folder may need the user's permission.
   */
  save(video: Video, tool: 'clip' | 'cut-out' = 'clip'): ClipJob | null {
    const m = this.marksOf(video.id);
    const check = checkRange(m.in, m.out, video.duration);
    if (!check.ok) {
      this.message = { kind: 'error', text: check.message };
      return null;
    }
    this.message = check.notes.length > 0 ? { kind: 'info', text: check.notes.join(' ') } : null;
    if (check.range.end !== m.out) this.marks = { videoId: video.id, in: check.range.start, out: check.range.end };
    const title = tool === 'clip' ? `Clip of ${video.name}` : `${video.name} without ${rangeText(check.range)}`;
    const what: ClipTool = tool === 'clip' ? { kind: 'clip', exact: this.exactStart } : { kind: tool };
    return this.#start(video, what, title, check.range, check.notes);
  }

  /** Remove still parts: the `still` ranges cut out in one copy (planned on key frames when it runs). */
  removeStill(video: Video, still: readonly ClipRange[]): ClipJob | null {
    if (still.length === 0) return this.#refuse('This video has no still parts to remove.');
    this.message = null;
    const whole = { start: 0, end: video.duration ?? still[still.length - 1].end };
    return this.#start(video, { kind: 'cut-out', still: [...still] }, `${video.name} without still parts`, whole, []);
  }

  /** Split the whole video every `seconds`, or by `scenes` (shorter than `minScene` joined to a neighbour). */
  split(video: Video, how: { every: number } | { minScene: number; scenes: readonly ClipRange[] }): ClipJob | null {
    const duration = video.duration;
    if (!(duration !== null && duration > 0))
      return this.#refuse('This video has not been measured yet: wait until it is indexed.');
    if ('every' in how) {
      const check = checkEvery(how.every, duration);
      if (!check.ok) return this.#refuse(check.message);
    } else if (how.scenes.length < 2) return this.#refuse('This video has one scene: there is nothing to split it by.');
    this.message = null;
    const tool: ClipTool =
      'every' in how
        ? { kind: 'split', every: how.every }
        : { kind: 'split', minScene: how.minScene, scenes: [...how.scenes] };
    return this.#start(video, tool, `${video.name} split ${splitTitle(how)}`, { start: 0, end: duration }, []);
  }

  /** Extract audio: the sound as it is, as M4A or as Opus. A video the catalog knows has no sound is told so at once. */
  extractAudio(video: Video, as: AudioMode): ClipJob | null {
    if (video.hasAudio === false) return this.#refuse(noAudioMessage(video.name));
    this.message = null;
    const title = `Sound of ${video.name}${audioModeSuffix(as)}`;
    return this.#start(video, { kind: 'audio', as }, title, { start: 0, end: video.duration ?? 0 }, []);
  }

  /** Burn in captions: the lines of `track` (as the caption menu names it) drawn into a copy of the whole video. */
  burnIn(video: Video, track: { name: string; cues: readonly Cue[] } | null, style: CaptionStyle): ClipJob | null {
    if (!track || !hasCaptionText(track.cues))
      return this.#refuse(
        `“${video.name}” has no captions to burn in: put a subtitle file beside it, or transcribe its speech.`,
      );
    this.message = null;
    const tool: ClipTool = { kind: 'burn-in', track: track.name, cues: [...track.cues], style: { ...style } };
    const whole = { start: 0, end: video.duration ?? track.cues[track.cues.length - 1].end };
    return this.#start(video, tool, `Captions burned into ${video.name}`, whole, []);
  }

  #refuse(text: string): null {
    this.message = { kind: 'error', text };
    return null;
  }

  #start(video: Video, tool: ClipTool, title: string, range: ClipRange, notes: string[]): ClipJob {
    const job = this.#add(video, tool, title, range, notes, null);
    void this.#run(job.id);
    return job;
  }

  #add(video: Video, tool: ClipTool, title: string, range: ClipRange, notes: string[], batch: number | null): ClipJob {
    const job: ClipJob = {
      ...{ id: this.#next++, tool, video, batch, title, range, copied: null, progress: 0 },
      ...{ status: batch === null ? 'running' : 'queued', name: null, files: [], notes: [...notes], error: null },
      ...{ downloaded: false, clipId: null, seconds: null },
    };
    this.jobs = [job, ...this.jobs];
    return job;
  }

  /**
   * A job of batch `batch`, queued behind every job queued before it: they run one at a time, so a batch of many
   * videos holds one file open and one worker's memory, not one per video. Asking to write must already be done.
   */
  queue(batch: number, video: Video, tool: ClipTool, title: string, range: ClipRange): ClipJob {
    const job = this.#add(video, tool, title, range, [], batch);
    void this.#drain();
    return job;
  }

  cancel(id: number): void {
    if (this.#job(id)?.status === 'queued') this.#update(id, { status: 'cancelled' });
    else this.#controllers.get(id)?.abort();
  }

  /** "Cancel all": the waiting jobs of the batch first, so none starts when the running one stops. */
  cancelBatch(batch: number): void {
    const of = this.jobs.filter((j) => j.batch === batch);
    for (const j of of) if (j.status === 'queued') this.#update(j.id, { status: 'cancelled' });
    for (const j of of) if (j.status === 'running') this.#controllers.get(j.id)?.abort();
  }

  #draining = false;

  /** Runs the queued jobs, oldest first, one at a time, until none is left. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        const next = this.jobs.findLast((j) => j.status === 'queued');
        if (!next) break;
        this.#update(next.id, { status: 'running' });
        await this.#run(next.id);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Runs a failed or cancelled job again, as it was asked. */
  retry(id: number): void {
    const job = this.#job(id);
    if (!job || job.status === 'running' || job.status === 'queued' || job.status === 'done') return;
    // A clip's own notes (a clamp) still hold; what the last run found out is found out again.
    const kept =
      job.tool.kind === 'clip' || job.tool.kind === 'cut-out'
        ? checkRange(job.range.start, job.range.end, job.video.duration)
        : null;
    const notes = kept?.ok ? kept.notes : [];
    // A batch's job goes back in the queue, so it never runs beside another of the batch.
    const status = job.batch === null ? 'running' : 'queued';
    this.#update(id, { status, progress: 0, error: null, name: null, files: [], notes });
    void (job.batch === null ? this.#run(id) : this.#drain());
  }

  dismiss(id: number): void {
    const status = this.#job(id)?.status;
    if (status !== 'running' && status !== 'queued') this.jobs = this.jobs.filter((j) => j.id !== id);
  }

  /** Where a clip came from, for its details; undefined for a video that is not a saved clip. */
  originOf(videoId: number): Promise<ClipOrigin | undefined> {
    return catalog.db.clipOrigin(videoId);
  }

  #job(id: number): ClipJob | undefined {
    return this.jobs.find((j) => j.id === id);
  }

  #update(id: number, patch: Partial<ClipJob>): void {
    this.jobs = this.jobs.map((j) => (j.id === id ? { ...j, ...patch } : j));
  }

  async #run(id: number): Promise<void> {
    const job = this.#job(id)!;
    const { video } = job;
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    const worker = newToolsWorker();
    const started = performance.now();
    const source = imports.sourceOf(video.libraryId);
    const run: ClipRun = {
      ...{ job, file: null as unknown as File, root: null, signal: controller.signal, worker, slots: [] },
      update: (patch) => this.#update(id, patch),
      note: (text) => {
        if (text) this.#update(id, { notes: [...(this.#job(id)?.notes ?? []), text] });
      },
    };
    try {
      if (!source) throw new Error('The folder of this video is not connected: reconnect it first.');
      // Asked first, while the click that started the job still counts as the user's.
      if (canWriteInto(source)) {
        await askToWrite(source.root);
        run.root = source.root;
      }
      run.file = await openFile(source, video.path);
      const runners = { clip: runClip, split: runSplit, audio: runAudio, 'cut-out': runCutOut, 'burn-in': runBurnIn };
      const written = await runners[job.tool.kind](run);
      let clipId: number | null = null;
      for (const w of written) {
        if (!w.slot) continue;
        const file = await w.slot.handle.getFile();
        const savedId = await catalog.db.addClip({
          ...{ libraryId: video.libraryId, path: w.slot.path, size: file.size, modifiedAt: file.lastModified },
          ...{ parentId: video.id, parentName: video.name, range: w.range },
        });
        clipId ??= savedId;
      }
      if (clipId !== null) {
        catalog.touch();
        imports.onWorkAdded();
      }
      if (!run.root)
        run.note('Downloaded: this browser cannot write into the library folder, so nothing was added to the library.');
      const seconds = (performance.now() - started) / 1000;
      const files = written.map((w) => w.name);
      this.#update(id, { status: 'done', progress: 1, clipId, files, downloaded: !run.root, seconds });
    } catch (err) {
      // A cancelled or failed job leaves nothing behind: every file it started is deleted.
      let cleaned = true;
      for (const slot of run.slots)
        await slot.discard().catch((e: unknown) => {
          cleaned = false;
          console.warn('Could not delete a partial file', e);
        });
      if (isPermissionError(err)) imports.lostAccess(video.libraryId);
      const cancelled = isAbortError(err) || controller.signal.aborted;
      this.#update(id, {
        status: cancelled ? 'cancelled' : 'failed',
        files: [],
        error: cancelled
          ? null
          : stoppedBecause(err, source?.kind === 'handle' ? source.root.name : video.name, cleaned),
      });
      if (!cancelled) console.warn('A video tool stopped', err);
    } finally {
      this.#controllers.delete(id);
      worker.terminate();
    }
  }
}

/** "0:12:41.0 to 0:12:55.0" for a job's range. */
export const rangeText = (r: ClipRange) => `${formatTimestamp(r.start)} to ${formatTimestamp(r.end)}`;

export const clips = new ClipsState();
