import type { ScanOp } from '../lib/scan-diff';
import type { FoundFile } from '../lib/types';
import { baseName, extensionOf, folderOf } from '../lib/video-files';
import { enqueueStages } from './jobs';
import { ensureFolder, markScanned, pruneEmptyFolders } from './libraries';
import type { Sql } from './sql';

/** Totals of one applied batch, so the scan can report what it did. */
export interface ScanTally {
  added: number;
  changed: number;
  seen: number;
  missing: number;
  moved: number;
}

function placeFile(sql: Sql, libraryId: number, file: FoundFile) {
  return {
    folderId: ensureFolder(sql, libraryId, folderOf(file.path)),
    name: baseName(file.path),
    extension: extensionOf(file.path),
  };
}

/** Drops what later stages derived from a file's old contents. */
function forgetDerived(sql: Sql, videoId: number): void {
  for (const table of ['thumbnails', 'video_frames', 'scenes'])
    sql.run(`DELETE FROM ${table} WHERE video_id = ?`, [videoId]);
}

/** Applies one batch of scan operations in one transaction. */
export function applyScanOps(sql: Sql, libraryId: number, ops: readonly ScanOp[], now: number): ScanTally {
  const tally: ScanTally = { added: 0, changed: 0, seen: 0, missing: 0, moved: 0 };
  sql.transaction(() => {
    for (const op of ops) {
      switch (op.kind) {
        case 'add': {
          const p = placeFile(sql, libraryId, op.file);
          const id = sql.insert(
            `INSERT INTO videos (library_id, folder_id, path, name, extension, size, modified_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (library_id, path) DO UPDATE SET size = excluded.size, modified_at = excluded.modified_at, missing = 0`,
            [libraryId, p.folderId, op.file.path, p.name, p.extension, op.file.size, op.file.modifiedAt],
          );
          enqueueStages(sql, id, now);
          tally.added += 1;
          break;
        }
        case 'change':
          sql.run(
            `UPDATE videos SET size = ?, modified_at = ?, quick_hash = NULL, status = 'pending', failure_count = 0,
               last_error = NULL, missing = 0, duration = NULL, width = NULL, height = NULL, fps = NULL WHERE id = ?`,
            [op.file.size, op.file.modifiedAt, op.id],
          );
          forgetDerived(sql, op.id);
          enqueueStages(sql, op.id, now);
          tally.changed += 1;
          break;
        case 'seen':
          sql.run('UPDATE videos SET missing = 0 WHERE id = ?', [op.id]);
          tally.seen += 1;
          break;
        case 'missing':
          sql.run('UPDATE videos SET missing = 1 WHERE id = ?', [op.id]);
          tally.missing += 1;
          break;
        case 'move': {
          // The row keeps its id, so its tags, jobs and derived data follow the file to its new path.
          const p = placeFile(sql, libraryId, op.file);
          sql.run(
            `UPDATE videos SET path = ?, name = ?, extension = ?, folder_id = ?, modified_at = ?, missing = 0 WHERE id = ?`,
            [op.file.path, p.name, p.extension, p.folderId, op.file.modifiedAt, op.id],
          );
          tally.moved += 1;
          break;
        }
      }
    }
  });
  return tally;
}

/** Ends a scan that ran to completion: tidies folders left empty and stamps the library. */
export function finishScan(sql: Sql, libraryId: number, now: number): void {
  sql.transaction(() => {
    pruneEmptyFolders(sql, libraryId);
    markScanned(sql, libraryId, now);
  });
}
