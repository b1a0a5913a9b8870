// What happens to the job queue over time, beyond one job's life (jobs.ts): stages added by a newer version queued
// once, the history of done jobs pruned, a stage queued again for every video (a new word-search model) or for the
// videos the user picks (speech to text), jobs a reload interrupted resumed, and videos whose index was lost
// indexed again.
import { stageOf, stages } from '../indexing/registry';
import type { JobStage } from '../lib/types';
import { enqueueStages } from './jobs';
import type { Sql } from './sql';

/**
 * SQL true when video `v`'s job for `stage` finished and was pruned from the history: none is left, and the stage is
 * one every video is given (built from stage names, no user input).
 */
const prunedDone = (stage: JobStage) =>
  `(NOT EXISTS (SELECT 1 FROM jobs g WHERE g.video_id = v.id AND g.stage = '${stage}')
     AND EXISTS (SELECT 1 FROM queued_stages q WHERE q.stage = '${stage}'))`;

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
