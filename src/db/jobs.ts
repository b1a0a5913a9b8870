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
  // `+status`: look the video's few jobs up by its id, not every failed job in the catalog by status (SQLite picks
  // jobs_pick for that otherwise; failures grow with the library: a year of 100,000 videos did not build in an hour).
  sql.run(
    `UPDATE videos SET status = CASE
       WHEN EXISTS (SELECT 1 FROM jobs WHERE video_id = ?1 AND +status = 'failed') THEN 'failed'
       WHEN EXISTS (SELECT 1 FROM jobs WHERE video_id = ?1 AND +status IN ('queued', 'running')) THEN status
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
