import type { Folder, Library, LibrarySource } from '../lib/types';
import { baseName, folderOf } from '../lib/video-files';
import { num, type Row, type Sql } from './sql';

const liveVideo = 'v.missing = 0 AND v.removed_at IS NULL';

const toLibrary = (r: Row): Library => ({
  id: Number(r.id),
  name: String(r.name),
  source: r.source as LibrarySource,
  addedAt: Number(r.added_at),
  lastScanAt: num(r.last_scan_at),
  videoCount: Number(r.video_count ?? 0),
  readText: Number(r.read_text ?? 0) === 1,
  minTextPx: Number(r.min_text_px ?? 0),
  textLanguage: r.text_language == null ? null : String(r.text_language),
});

/** Turns "Read text on screen" on or off for a library (the caller queues or leaves its videos' jobs). */
export function setReadText(sql: Sql, id: number, on: boolean): void {
  sql.run('UPDATE libraries SET read_text = ? WHERE id = ?', [on ? 1 : 0, id]);
}

/** The smallest text read on screen in a library's videos from now on (pixels of the video's height; 0: any). */
export function setMinTextSize(sql: Sql, id: number, px: number): void {
  sql.run('UPDATE libraries SET min_text_px = ? WHERE id = ?', [Math.max(0, Math.round(px)), id]);
}

/** The language text on screen is read in, in a library's videos (a language added from a folder; null: built in). */
export function setTextLanguage(sql: Sql, id: number, language: string | null): void {
  sql.run('UPDATE libraries SET text_language = ? WHERE id = ?', [language, id]);
}

export function listLibraries(sql: Sql): Library[] {
  return sql.all(
    `SELECT l.*, (SELECT count(*) FROM videos v WHERE v.library_id = l.id AND ${liveVideo}) AS video_count
     FROM libraries l ORDER BY l.name COLLATE NOCASE, l.id`,
    [],
    toLibrary,
  );
}

export function getLibrary(sql: Sql, id: number): Library | undefined {
  return listLibraries(sql).find((l) => l.id === id);
}

export function addLibrary(sql: Sql, name: string, source: LibrarySource, now: number): Library {
  const id = sql.transaction(() => {
    const libraryId = sql.insert('INSERT INTO libraries (name, source, added_at) VALUES (?, ?, ?)', [
      name,
      source,
      now,
    ]);
    ensureFolder(sql, libraryId, '');
    return libraryId;
  });
  return getLibrary(sql, id)!;
}

/**
 * Forgets a library and everything catalogued under it, and returns the blob-store keys of its images so
 * the caller can delete them too. Files on disk are never touched.
 */
export function removeLibrary(sql: Sql, id: number): string[] {
  return sql.transaction(() => {
    const keys = sql.all(
      'SELECT t.blob_key FROM thumbnails t JOIN videos v ON v.id = t.video_id WHERE v.library_id = ?',
      [id],
      (r) => String(r.blob_key),
    );
    // Videos reference folders without a cascade, so drop them before the folders go with the library.
    sql.run('DELETE FROM videos WHERE library_id = ?', [id]);
    sql.run('DELETE FROM folders WHERE library_id = ?', [id]);
    sql.run('DELETE FROM libraries WHERE id = ?', [id]);
    return keys;
  });
}

export function markScanned(sql: Sql, id: number, now: number): void {
  sql.run('UPDATE libraries SET last_scan_at = ? WHERE id = ?', [now, id]);
}

/** The id of the folder at `path` in a library, creating it and its parents as needed. */
export function ensureFolder(sql: Sql, libraryId: number, path: string): number {
  const existing = sql.value('SELECT id FROM folders WHERE library_id = ? AND path = ?', [libraryId, path]);
  if (existing !== undefined) return Number(existing);
  const parentId = path === '' ? null : ensureFolder(sql, libraryId, folderOf(path));
  return sql.insert('INSERT INTO folders (library_id, path, name, parent_id) VALUES (?, ?, ?, ?)', [
    libraryId,
    path,
    path === '' ? '' : baseName(path),
    parentId,
  ]);
}

/** Every folder of a library with its direct and total (recursive) video counts, parents before children. */
export function listFolders(sql: Sql, libraryId: number): Folder[] {
  const folders = sql.all(
    `SELECT f.id, f.library_id, f.path, f.name, f.parent_id,
       (SELECT count(*) FROM videos v WHERE v.folder_id = f.id AND ${liveVideo}) AS direct
     FROM folders f WHERE f.library_id = ? ORDER BY f.path`,
    [libraryId],
    (r): Folder => ({
      id: Number(r.id),
      libraryId: Number(r.library_id),
      path: String(r.path),
      name: String(r.name),
      parentId: num(r.parent_id),
      videoCount: Number(r.direct),
      totalCount: Number(r.direct),
    }),
  );
  const byId = new Map(folders.map((f) => [f.id, f]));
  // Sorted by path, so children come after parents: add totals bottom-up.
  for (let i = folders.length - 1; i >= 0; i--) {
    const f = folders[i];
    if (f.parentId !== null) byId.get(f.parentId)!.totalCount += f.totalCount;
  }
  return folders;
}

/** Drops folders with no videos and no subfolders (after files moved away). The root stays. */
export function pruneEmptyFolders(sql: Sql, libraryId: number): void {
  for (;;) {
    sql.run(
      `DELETE FROM folders WHERE library_id = ? AND path <> ''
         AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.folder_id = folders.id)
         AND NOT EXISTS (SELECT 1 FROM folders c WHERE c.parent_id = folders.id)`,
      [libraryId],
    );
    if (sql.changes() === 0) return;
  }
}
