import { proxy, transfer } from 'comlink';
import { clipFileName, copyContainerFor, type CopyContainer } from '../lib/clips/naming';
import { checkRange, momentRange, planCopy, type ClipRange } from '../lib/clips/range';
import type { ClipOrigin } from '../lib/clips/types';
import { AbortError, isAbortError, isPermissionError } from '../lib/errors';
import { formatTimestamp } from '../lib/format';
import type { Video } from '../lib/types';
import { newToolsWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { catalog } from './catalog.svelte';
import { askToWrite, canWriteInto, download, newClipFile, type ClipSlot } from './clip-folder';
import { imports } from './import.svelte';

/** The in and out points marked on the video in the player. */
export interface ClipMarks {
  videoId: number;
  in: number | null;
  out: number | null;
}

export type ClipJobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One "Save clip": a trim by stream copy, with its progress, and what it made or why it stopped. */
export interface ClipJob {
  id: number;
  video: Video;
  /** The range as marked (after clamping); the copy starts on the key frame at or before its start. */
  range: ClipRange;
  /** What the copy holds once planned: from the key frame at or before the in point. */
  copied: ClipRange | null;
  status: ClipJobStatus;
  /** 0–1. */
  progress: number;
  /** The file's name once it has one. */
  name: string | null;
  /** What the user should know: the snap to a key frame, the clamp, sound left out, where it went. */
  notes: string[];
  error: string | null;
  /** The clip's id in the catalog once saved into the library folder. */
  clipId: number | null;
  /** Wall-clock seconds the last run took, from the click to the catalogued file (for the benchmark). */
  seconds: number | null;
}

const mimeOf: Record<CopyContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

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
   * by stream copy. Must be called from a click: writing into the folder may need the user's permission.
   */
  save(video: Video): ClipJob | null {
    const m = this.marksOf(video.id);
    const check = checkRange(m.in, m.out, video.duration);
    if (!check.ok) {
      this.message = { kind: 'error', text: check.message };
      return null;
    }
    this.message = check.notes.length > 0 ? { kind: 'info', text: check.notes.join(' ') } : null;
    if (check.range.end !== m.out) this.marks = { videoId: video.id, in: check.range.start, out: check.range.end };
    const job: ClipJob = {
      id: this.#next++,
      video,
      range: check.range,
      copied: null,
      status: 'running',
      progress: 0,
      name: null,
      notes: [...check.notes],
      error: null,
      clipId: null,
      seconds: null,
    };
    this.jobs = [job, ...this.jobs];
    void this.#run(job.id);
    return job;
  }

  cancel(id: number): void {
    this.#controllers.get(id)?.abort();
  }

  /** Runs a failed or cancelled job again, with the same range. */
  retry(id: number): void {
    const job = this.#job(id);
    if (!job || job.status === 'running' || job.status === 'done') return;
    // The range's own notes (a clamp) still hold; what the last run found out is found out again.
    const kept = checkRange(job.range.start, job.range.end, job.video.duration);
    this.#update(id, { status: 'running', progress: 0, error: null, name: null, notes: kept.ok ? kept.notes : [] });
    void this.#run(id);
  }

  dismiss(id: number): void {
    if (this.#job(id)?.status !== 'running') this.jobs = this.jobs.filter((j) => j.id !== id);
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

  #note(id: number, note: string | null): void {
    if (note) this.#update(id, { notes: [...(this.#job(id)?.notes ?? []), note] });
  }

  async #run(id: number): Promise<void> {
    const job = this.#job(id)!;
    const { video } = job;
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    const worker = newToolsWorker();
    const started = performance.now();
    let slot: ClipSlot | null = null;
    try {
      const source = imports.sourceOf(video.libraryId);
      if (!source) throw new Error('The folder of this video is not connected: reconnect it first.');
      // Asked first, while the click that started the job still counts as the user's.
      const toFolder = canWriteInto(source);
      if (toFolder) await askToWrite(source.root);
      const container = copyContainerFor(video.extension);
      if (!container)
        throw new Error(
          `Clips of .${video.extension} files need re-encoding or ffmpeg.wasm, which this version cannot do yet: MP4, MOV, WebM, Matroska and TS files can be cut.`,
        );
      const file = await openFile(source, video.path);
      const keyframe = await worker.run(controller.signal, (tools) => tools.keyframeAtOrBefore(file, job.range.start));
      const plan = planCopy(job.range, keyframe);
      this.#note(id, plan.note);
      this.#update(id, { copied: plan.range });
      const name = clipFileName(video.name, plan.range, container === 'mkv' ? 'mkv' : container);
      if (toFolder) {
        slot = await newClipFile(source.root, name);
        this.#update(id, { name: slot.name });
      } else this.#update(id, { name });
      const onProgress = proxy((f: number) => this.#update(id, { progress: Math.min(1, Math.max(0, f)) }));
      const target = slot
        ? transfer({ kind: 'stream' as const, stream: slot.stream }, [slot.stream])
        : { kind: 'memory' as const };
      // Cancel terminates the worker, the one stop that never waits on a write; the slot's writable is aborted below.
      const result = await worker.run(controller.signal, (tools) =>
        tools.trim(file, plan.range, container, target, onProgress),
      );
      for (const note of result.notes) this.#note(id, note);
      if (slot) {
        await untilAborted(slot.saved, controller.signal);
        const written = await slot.handle.getFile();
        const clipId = await catalog.db.addClip({
          libraryId: video.libraryId,
          path: slot.path,
          size: written.size,
          modifiedAt: written.lastModified,
          parentId: video.id,
          parentName: video.name,
          range: plan.range,
        });
        catalog.touch();
        imports.onWorkAdded();
        this.#update(id, { status: 'done', progress: 1, clipId, seconds: (performance.now() - started) / 1000 });
      } else if (result.bytes) {
        download(result.bytes, name, mimeOf[container]);
        this.#note(
          id,
          'Downloaded: this browser cannot write into the library folder, so the clip is not in the library.',
        );
        this.#update(id, { status: 'done', progress: 1 });
      }
    } catch (err) {
      // A cancelled or failed cut leaves nothing behind: the file it started is deleted.
      if (slot) await slot.discard().catch((e: unknown) => console.warn('Could not delete the partial clip', e));
      if (isPermissionError(err)) imports.lostAccess(video.libraryId);
      const cancelled = isAbortError(err) || controller.signal.aborted;
      this.#update(id, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? null : (err as Error).message,
      });
      if (!cancelled) console.error('Could not save the clip', err);
    } finally {
      this.#controllers.delete(id);
      worker.terminate();
    }
  }
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

/** "0:12:41.0 to 0:12:55.0" for a job's range. */
export const rangeText = (r: ClipRange) => `${formatTimestamp(r.start)} to ${formatTimestamp(r.end)}`;

export const clips = new ClipsState();
