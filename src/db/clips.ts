import type { ClipOrigin, SavedClip } from '../lib/clips/types';
import { baseName, extensionOf, folderOf } from '../lib/video-files';
import { enqueueStages } from './jobs';
import { ensureFolder } from './libraries';
import type { Sql } from './sql';

/**
 * Catalogues a clip the tools just wrote, at once and in one transaction: a video row like a scan's (so a later
 * scan sees the file as known), its indexing jobs, and where it came from. Returns the new video's id.
 */
export function addClip(sql: Sql, clip: SavedClip, now: number): number {
  return sql.transaction(() => {
    const folderId = ensureFolder(sql, clip.libraryId, folderOf(clip.path));
    // A row at this path can only be a file that has gone (the name was free in the folder): it makes way, with
    // what was derived from the old file.
    sql.run('DELETE FROM videos WHERE library_id = ? AND path = ?', [clip.libraryId, clip.path]);
    const videoId = sql.insert(
      `INSERT INTO videos (library_id, folder_id, path, name, extension, size, modified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [clip.libraryId, folderId, clip.path, baseName(clip.path), extensionOf(clip.path), clip.size, clip.modifiedAt],
    );
    sql.run(
      `INSERT OR REPLACE INTO clips (video_id, parent_id, parent_name, start_time, end_time, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [videoId, clip.parentId, clip.parentName, clip.range.start, clip.range.end, now],
    );
    enqueueStages(sql, videoId, now);
    return videoId;
  });
}

/** Where a clip came from, or undefined for a video that is not a saved clip. */
export function clipOrigin(sql: Sql, videoId: number): ClipOrigin | undefined {
  return sql.one(
    'SELECT parent_id, parent_name, start_time, end_time, created_at FROM clips WHERE video_id = ?',
    [videoId],
    (r) => ({
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      parentName: String(r.parent_name),
      range: { start: Number(r.start_time), end: Number(r.end_time) },
      createdAt: Number(r.created_at),
    }),
  );
}

/** The clips saved from a video, oldest first. */
export function clipsOf(sql: Sql, parentId: number): number[] {
  return sql.all('SELECT video_id FROM clips WHERE parent_id = ? ORDER BY video_id', [parentId], (r) =>
    Number(r.video_id),
  );
}
