import { dependentsOf, scanStageNames, stageOf, stages } from '../indexing/registry';
import { backoffMs, maxAttempts } from '../lib/jobs';
import type { Job, JobCounts, JobStage, JobStatus } from '../lib/types';
import { num, str, type Row, type Sql } from './sql';

const toJob = (r: Row): Job => ({
  id: Number(r.id),
  videoId: Number(r.video_id),
  videoName: String(r.video_name ?? ''),
  stage: r.stage as JobStage,
  status: r.status as JobStatus,
  priority: Number(r.priority),
  attempts: Number(r.attempts),
  progress: Number(r.progress),
  error: str(r.error),
  createdAt: Number(r.created_at),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
  notBefore: Number(r.not_before),
});

const jobSelect = 'SELECT j.*, v.name AS video_name FROM jobs j JOIN videos v ON v.id = j.video_id';

/**
 * Queues the scan's stages for a video (or `only` those), resetting stages it went through before (a changed file).
 * Stages that run on request (speech to text) are queued by `queueStage` only.
 */
export function enqueueStages(
  sql: Sql,
  videoId: number,
  now: number,
  only: readonly JobStage[] = scanStageNames,
): void {
  // A library that reads text on screen reads it in the videos it gains or that change, like the scan's stages.
  const readsText =
    only === scanStageNames &&
    sql.all(
      'SELECT 1 FROM videos v JOIN libraries l ON l.id = v.library_id WHERE v.id = ? AND l.read_text = 1',
      [videoId],
      () => true,
    ).length > 0;
  for (const stage of readsText ? [...only, 'read-text' as const] : only) {
    sql.run(
      `INSERT INTO jobs (video_id, stage, priority, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (video_id, stage) DO UPDATE SET status = 'queued', attempts = 0, progress = 0, error = NULL,
         started_at = NULL, finished_at = NULL, not_before = 0, created_at = excluded.created_at`,
      [videoId, stage, stageOf(stage).priority, now],
    );
  }
}

/** SQL true when every prerequisite stage of job `j` is done (built from the stage table, no user input). */
const prerequisitesDone = `NOT EXISTS (SELECT 1 FROM jobs p WHERE p.video_id = j.video_id AND p.status <> 'done' AND (${
  stages
    .filter((s) => s.needs.length > 0)
    .map((s) => `(j.stage = '${s.name}' AND p.stage IN (${s.needs.map((p) => `'${p}'`).join(', ')}))`)
    .join(' OR ') || '0'
}))`;

/**
 * SQL true when video `v`'s job for `stage` finished and was pruned from the history: none is left, and the stage is
 * one every video is given (built from stage names, no user input).
 */
const prunedDone = (stage: JobStage) =>
  `(NOT EXISTS (SELECT 1 FROM jobs g WHERE g.video_id = v.id AND g.stage = '${stage}')
     AND EXISTS (SELECT 1 FROM queued_stages q WHERE q.stage = '${stage}'))`;

/** SQL limiting jobs to videos of the given libraries (those whose files can be read right now). */
function inLibraries(libraryIds: readonly number[] | undefined): string {
  if (!libraryIds) return '';
  return ` AND v.library_id IN (${libraryIds.map((id) => Number(id)).join(',') || 'NULL'})`;
}

/**
 * Marks up to `limit` due jobs running and returns them, highest priority first, oldest first.
 * `libraryIds` restricts them to libraries whose files are reachable now (a folder not reconnected waits).
 */
export function claimJobs(sql: Sql, limit: number, now: number, libraryIds?: readonly number[]): Job[] {
  return sql.transaction(() => {
    const ids = sql.all(
      `SELECT j.id FROM jobs j JOIN videos v ON v.id = j.video_id
       WHERE j.status = 'queued' AND j.not_before <= ? AND v.missing = 0 AND v.removed_at IS NULL${inLibraries(libraryIds)}
         AND ${prerequisitesDone}
       ORDER BY j.priority DESC, j.id LIMIT ?`,
      [now, limit],
      (r) => Number(r.id),
    );
    for (const id of ids) {
      sql.run(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, progress = 0 WHERE id = ?`,
        [now, id],
      );
      sql.run(
        `UPDATE videos SET status = 'running' WHERE id = (SELECT video_id FROM jobs WHERE id = ?) AND status = 'pending'`,
        [id],
      );
    }
    return ids.map((id) => getJob(sql, id)!);
  });
}

export function getJob(sql: Sql, id: number): Job | undefined {
  return sql.one(`${jobSelect} WHERE j.id = ?`, [id], toJob);
}

export function setJobProgress(sql: Sql, id: number, progress: number): void {
  sql.run(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'`, [
    Math.round(Math.min(100, Math.max(0, progress))),
    id,
  ]);
}

/** A video is done when none of its stages is still waiting, running or failed. */
function settleVideo(sql: Sql, videoId: number): void {
  sql.run(
    `UPDATE videos SET status = CASE
       WHEN EXISTS (SELECT 1 FROM jobs WHERE video_id = ?1 AND status = 'failed') THEN 'failed'
       WHEN EXISTS (SELECT 1 FROM jobs WHERE video_id = ?1 AND status IN ('queued', 'running')) THEN status
       ELSE 'done' END
     WHERE id = ?1`,
    [videoId],
  );
}

export function completeJob(sql: Sql, id: number, now: number): void {
  sql.transaction(() => {
    sql.run(
      `UPDATE jobs SET status = 'done', progress = 100, error = NULL, finished_at = ? WHERE id = ? AND status = 'running'`,
      [now, id],
    );
    const job = getJob(sql, id);
    if (job) settleVideo(sql, job.videoId);
  });
}

/**
 * Records a failed attempt. Before the last attempt the job goes back to the queue with a growing
 * backoff; after it (or at once when no retry can help: `permanent`), the job and its video are marked
 * failed with the reason, and the stages that needed this one are skipped.
 */
export function failJob(sql: Sql, id: number, message: string, now: number, permanent = false): Job | undefined {
  return sql.transaction(() => {
    const job = getJob(sql, id);
    if (!job || job.status !== 'running') return job;
    if (permanent || job.attempts >= maxAttempts) {
      sql.run(`UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`, [message, now, id]);
      sql.run(`UPDATE videos SET failure_count = failure_count + 1, last_error = ? WHERE id = ?`, [
        message,
        job.videoId,
      ]);
      for (const stage of dependentsOf(job.stage)) {
        sql.run(
          `UPDATE jobs SET status = 'cancelled', error = ?, finished_at = ?
           WHERE video_id = ? AND stage = ? AND status = 'queued'`,
          [`${skippedPrefix}${job.stage} failed`, now, job.videoId, stage],
        );
      }
      settleVideo(sql, job.videoId);
    } else {
      sql.run(`UPDATE jobs SET status = 'queued', error = ?, not_before = ? WHERE id = ?`, [
        message,
        now + backoffMs(job.attempts),
        id,
      ]);
    }
    return getJob(sql, id);
  });
}

export function cancelJob(sql: Sql, id: number, now: number): void {
  sql.run(`UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`, [
    now,
    id,
  ]);
}

export function cancelAllJobs(sql: Sql, now: number): number {
  sql.run(`UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE status IN ('queued', 'running')`, [now]);
  return sql.changes();
}

const skippedPrefix = 'Skipped: ';

/** Puts a failed or cancelled job back in the queue with a fresh set of attempts, with the stages it had skipped. */
export function retryJob(sql: Sql, id: number): void {
  sql.transaction(() => {
    const job = getJob(sql, id);
    if (!job) return;
    const requeue = `UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, error = NULL, not_before = 0,
       started_at = NULL, finished_at = NULL`;
    sql.run(`${requeue} WHERE id = ? AND status IN ('failed', 'cancelled')`, [id]);
    for (const stage of dependentsOf(job.stage)) {
      sql.run(`${requeue} WHERE video_id = ? AND stage = ? AND status = 'cancelled' AND substr(error, 1, ?) = ?`, [
        job.videoId,
        stage,
        skippedPrefix.length,
        skippedPrefix,
      ]);
    }
    sql.run(
      `UPDATE videos SET status = 'pending', last_error = NULL WHERE id = (SELECT video_id FROM jobs WHERE id = ?)`,
      [id],
    );
  });
}

export function retryAllJobs(sql: Sql, status: 'failed' | 'cancelled'): void {
  for (const id of sql.all(`SELECT id FROM jobs WHERE status = ?`, [status], (r) => Number(r.id))) retryJob(sql, id);
}

/**
 * Queues any stage a video has never had a job for (stages added by a newer version of the app). A stage is queued
 * this way once, then listed in queued_stages: later, a video with no job for it is one whose finished job was
 * pruned from the history, not one that never had it.
 */
export function enqueueMissingStages(sql: Sql, now: number): number {
  let added = 0;
  const listed = new Set(sql.all('SELECT stage FROM queued_stages', [], (r) => String(r.stage)));
  for (const { name: stage, priority, onRequest } of stages) {
    if (onRequest || listed.has(stage)) continue;
    sql.run(
      `INSERT INTO jobs (video_id, stage, priority, created_at)
       SELECT v.id, ?, ?, ? FROM videos v WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = v.id AND j.stage = ?)`,
      [stage, priority, now, stage],
    );
    added += sql.changes();
    sql.run('INSERT INTO queued_stages (stage) VALUES (?)', [stage]);
  }
  if (added > 0)
    sql.run(
      `UPDATE videos SET status = 'pending' WHERE status = 'done' AND EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = videos.id AND j.status = 'queued')`,
    );
  return added;
}

/**
 * Deletes the jobs that finished well before `now` (older than `maxAgeDays`): the history a year of indexing leaves,
 * most of the catalog's rows at 100,000 videos. Only done jobs go, and only of the stages every scan queues (no row
 * then means done; see queued_stages): failed and cancelled ones stay, as the Jobs panel offers to retry them and
 * their video shows why it failed, and so do running, queued and on-request ones. Returns how many were deleted.
 */
export function pruneJobHistory(sql: Sql, now: number, maxAgeDays: number): number {
  sql.run(`DELETE FROM jobs WHERE status = 'done' AND finished_at < ? AND stage IN (SELECT stage FROM queued_stages)`, [
    now - maxAgeDays * 86_400_000,
  ]);
  return sql.changes();
}

/** How many jobs `pruneJobHistory` would delete now. */
export function prunableJobs(sql: Sql, now: number, maxAgeDays: number): number {
  return Number(
    sql.value(
      `SELECT count(*) FROM jobs WHERE status = 'done' AND finished_at < ? AND stage IN (SELECT stage FROM queued_stages)`,
      [now - maxAgeDays * 86_400_000],
    ),
  );
}

/**
 * Puts every video's `stage` job back in the queue with fresh attempts, except running ones (their handler
 * notices on its own, e.g. that the model changed). Embeddings use it when another model becomes active.
 */
export function requeueStage(sql: Sql, stage: JobStage, now: number): number {
  // A video whose prerequisite for `stage` failed or was cancelled cannot run it: queued, it would wait for ever.
  const needs = stageOf(stage).needs.map((n) => `'${n}'`);
  const blocked = (id: string) =>
    needs.length === 0
      ? '0'
      : `EXISTS (SELECT 1 FROM jobs p WHERE p.video_id = ${id} AND p.stage IN (${needs.join(', ')})
           AND p.status IN ('failed', 'cancelled'))`;
  sql.run(
    `UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, error = NULL, not_before = 0, started_at = NULL,
       finished_at = NULL WHERE stage = ? AND status <> 'running' AND NOT ${blocked('jobs.video_id')}`,
    [stage],
  );
  let changed = sql.changes();
  // Videos whose job for it finished and was pruned from the history have none left to put back.
  sql.run(
    `INSERT INTO jobs (video_id, stage, priority, created_at)
     SELECT v.id, ?, ?, ? FROM videos v WHERE ? IN (SELECT stage FROM queued_stages)
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = v.id AND j.stage = ?) AND NOT ${blocked('v.id')}`,
    [stage, stageOf(stage).priority, now, stage, stage],
  );
  changed += sql.changes();
  if (changed > 0)
    sql.run(
      `UPDATE videos SET status = 'pending' WHERE status = 'done' AND EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = videos.id AND j.status = 'queued')`,
    );
  return changed;
}

/**
 * The user asked for `stage` (speech to text) on these videos, or on every video of a library: queued afresh,
 * except where one is running. Returns how many were queued.
 */
export function queueStage(
  sql: Sql,
  stage: JobStage,
  target: { videoIds?: readonly number[]; libraryId?: number },
  now: number,
): number {
  const ids =
    target.libraryId !== undefined
      ? sql.all(
          'SELECT id FROM videos WHERE library_id = ? AND removed_at IS NULL AND missing = 0',
          [target.libraryId],
          (r) => Number(r.id),
        )
      : [...(target.videoIds ?? [])];
  const running = new Set(
    sql.all(`SELECT video_id FROM jobs WHERE stage = ? AND status = 'running'`, [stage], (r) => Number(r.video_id)),
  );
  const queued = ids.filter((id) => !running.has(id));
  for (const id of queued) enqueueStages(sql, id, now, [stage]);
  if (queued.length > 0)
    sql.run(
      `UPDATE videos SET status = 'pending' WHERE status = 'done' AND EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = videos.id AND j.status = 'queued')`,
    );
  return queued.length;
}

/** After a reload, jobs that were running when the page went away run again; the lost attempt is not counted. */
export function resumeInterruptedJobs(sql: Sql): number {
  sql.run(
    `UPDATE jobs SET status = 'queued', attempts = max(attempts - 1, 0), progress = 0, started_at = NULL WHERE status = 'running'`,
  );
  return sql.changes();
}

/**
 * Queues the scenes and frames stages again for videos that went through them but whose fingerprints the search
 * store lost: not among `indexed` (the videos it holds), or among `damaged` (their newest chunk was cut short).
 * A video whose stages are waiting or running is left alone: they write its fingerprints anyway (after a crash
 * mid-write, for one). Returns the videos queued again.
 */
export function requeueUnindexed(
  sql: Sql,
  indexed: readonly number[],
  damaged: readonly number[],
  now: number,
): number[] {
  const have = new Set(indexed);
  const cut = new Set(damaged);
  const lost = sql
    .all(
      `SELECT v.id FROM videos v
       WHERE v.removed_at IS NULL
         AND (EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = v.id AND j.stage = 'scenes' AND j.status = 'done')
           OR ${prunedDone('scenes')})
         AND NOT EXISTS (SELECT 1 FROM jobs w WHERE w.video_id = v.id
         AND w.stage IN ('scenes', 'frames') AND w.status IN ('queued', 'running'))
       ORDER BY v.id`,
      [],
      (r) => Number(r.id),
    )
    .filter((id) => !have.has(id) || cut.has(id));
  for (const id of lost) {
    enqueueStages(sql, id, now, ['scenes', 'frames']);
    sql.run(`UPDATE videos SET status = 'pending' WHERE id = ? AND status = 'done'`, [id]);
  }
  return lost;
}

/** Puts running jobs back in the queue without counting the interrupted attempt (pause). */
export function requeueJobs(sql: Sql, ids: readonly number[]): void {
  for (const id of ids) {
    sql.run(
      `UPDATE jobs SET status = 'queued', attempts = max(attempts - 1, 0), progress = 0, started_at = NULL WHERE id = ? AND status = 'running'`,
      [id],
    );
  }
}

export function jobCounts(sql: Sql): JobCounts {
  const counts: JobCounts = { queued: 0, running: 0, failed: 0, done: 0, cancelled: 0 };
  for (const r of sql.all<Row>('SELECT status, count(*) AS n FROM jobs GROUP BY status'))
    counts[r.status as JobStatus] = Number(r.n);
  return counts;
}

/** Jobs to show in the Jobs panel: running first, then queued in pick order, then failed, then the latest finished. */
export function listJobs(sql: Sql, status: JobStatus, limit = 200): Job[] {
  const order =
    status === 'queued'
      ? 'j.priority DESC, j.id'
      : status === 'running'
        ? 'j.started_at, j.id'
        : 'j.finished_at DESC, j.id DESC';
  return sql.all(`${jobSelect} WHERE j.status = ? ORDER BY ${order} LIMIT ?`, [status, limit], toJob);
}

/** When the earliest backed-off job becomes due, or null when nothing is waiting. */
export function nextDueAt(sql: Sql, libraryIds?: readonly number[]): number | null {
  return num(
    sql.value(
      `SELECT min(j.not_before) FROM jobs j JOIN videos v ON v.id = j.video_id
       WHERE j.status = 'queued' AND v.missing = 0 AND v.removed_at IS NULL${inLibraries(libraryIds)}
         AND ${prerequisitesDone}`,
    ),
  );
}
