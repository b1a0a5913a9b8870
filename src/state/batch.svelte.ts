import {
  batchProgress,
  checkOperation,
  operationTitle,
  planBatch,
  type BatchCandidate,
  type BatchOperation,
  type BatchProgress,
} from '../lib/clips/batch';
import type { Video } from '../lib/types';
import { catalog } from './catalog.svelte';
import { askToWrite, canWriteInto } from './clip-folder';
import { clips, type ClipJob } from './clips.svelte';
import { imports } from './import.svelte';
import { findStill } from './still-parts.svelte';

/** One operation asked of a selection: its jobs live with the other tools' jobs (`ClipJob.batch`). */
export interface Batch {
  id: number;
  /** "Extract audio as it is". */
  title: string;
  /** The selected videos the operation does not apply to, and why, in the words the user can act on. */
  skipped: { videoId: number; name: string; reason: string }[];
}

/**
 * Batch tools (issue 14): with several videos selected in the library, one operation (split, extract audio, remove
 * still parts) with its options set once queues one job per video. The jobs run one at a time, each a row with its
 * own progress, Cancel and Retry as a single job has, and their files go where a single job's go.
 */
class BatchState {
  current = $state.raw<Batch | null>(null);
  /** The selected videos are being read and planned. */
  planning = $state(false);
  /** Why the last batch did not start. */
  message = $state<string | null>(null);
  #next = 1;

  /** The batch's jobs in the order they run. */
  jobsOf(batch: Batch): ClipJob[] {
    return clips.jobs.filter((j) => j.batch === batch.id).reverse();
  }

  progressOf(batch: Batch): BatchProgress {
    return batchProgress(this.jobsOf(batch));
  }

  /**
   * Plans `op` for the videos `ids` and queues a job for each it applies to. Must be called from a click: writing
   * into the library folder may need the user's yes, and the jobs after the first start long after the click.
   */
  async start(ids: readonly number[], op: BatchOperation): Promise<Batch | null> {
    const invalid = checkOperation(op);
    this.message = invalid;
    if (invalid) return null;
    this.planning = true;
    try {
      const found = await Promise.all(ids.map((id) => catalog.db.getVideo(id)));
      const videos = found.filter((v): v is Video => v !== undefined).sort((a, b) => a.path.localeCompare(b.path));
      const skipped: Batch['skipped'] = [];
      const candidates: BatchCandidate<Video>[] = [];
      for (const video of videos) {
        const source = imports.sourceOf(video.libraryId);
        if (!source)
          skipped.push({ videoId: video.id, name: video.name, reason: 'Its folder is not connected: reconnect it.' });
        else candidates.push({ video });
      }
      // Asked once per folder before anything else: the browser keeps the answer for the visit, so every job of
      // the batch writes without asking again.
      const roots = new Set(candidates.map((c) => imports.sourceOf(c.video.libraryId)));
      for (const source of roots) if (canWriteInto(source)) await askToWrite(source.root);
      for (const c of candidates) await this.#facts(c, op);
      const plan = planBatch(candidates, op);
      for (const s of plan.skipped) skipped.push({ videoId: s.video.id, name: s.video.name, reason: s.reason });
      const batch: Batch = { id: this.#next++, title: operationTitle(op), skipped };
      this.current = batch;
      for (const step of plan.steps) clips.queue(batch.id, step.video, step.tool, step.title, step.range);
      return batch;
    } catch (err) {
      this.message = (err as Error | null)?.message ?? String(err);
      console.warn('A batch did not start', err);
      return null;
    } finally {
      this.planning = false;
    }
  }

  /** What the pipeline found in the video that the operation works from: its scenes, its still parts. */
  async #facts(c: BatchCandidate<Video>, op: BatchOperation): Promise<void> {
    const { video } = c;
    if (op.kind === 'split-scenes')
      c.scenes = (await catalog.db.listScenes(video.id)).map((s) => ({ start: s.start, end: s.end }));
    if (op.kind === 'still' && video.duration !== null && video.duration > 0)
      c.still = (await findStill(video.id, video.duration, op.minSeconds))?.still ?? null;
  }

  /** "Cancel all": the waiting jobs are cancelled, the running one stops and deletes what it wrote. */
  cancelAll(): void {
    if (this.current) clips.cancelBatch(this.current.id);
  }

  /** Back to choosing an operation; the finished batch's rows stay in the player's list of jobs of each video. */
  forget(): void {
    this.current = null;
    this.message = null;
  }
}

export const batch = new BatchState();
