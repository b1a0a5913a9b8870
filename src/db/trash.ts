import { idList } from './facets';
import type { Sql } from './sql';

// "Remove from library" is a soft delete: the row gets removed_at and every view but the Trash leaves it out.
// Its tags, collection places, posters and processing results stay, so restoring it loses nothing. A rescan
// does not bring it back (a scan never touches removed_at), and files on disk are never touched.

/** Moves videos to the Trash; those already there keep their date. Returns how many moved. */
export function removeVideos(sql: Sql, videoIds: readonly number[], now: number): number {
  const videos = idList(videoIds);
  sql.run(`UPDATE videos SET removed_at = ? WHERE removed_at IS NULL AND id IN (${videos.sql})`, [
    now,
    ...videos.params,
  ]);
  return sql.changes();
}

/** Brings videos back from the Trash. Returns how many came back. */
export function restoreVideos(sql: Sql, videoIds: readonly number[]): number {
  const videos = idList(videoIds);
  sql.run(`UPDATE videos SET removed_at = NULL WHERE removed_at IS NOT NULL AND id IN (${videos.sql})`, videos.params);
  return sql.changes();
}
