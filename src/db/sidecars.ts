import type { SidecarLink } from '../lib/types';
import { enqueueStages } from './jobs';
import type { Row, Sql } from './sql';

/** A subtitle file linked to a video, as the catalog keeps it (its cues live in the transcript store, not here). */
export interface Sidecar {
  path: string;
  language: string | null;
  size: number;
  modifiedAt: number;
}

export function listSidecars(sql: Sql, videoId: number): Sidecar[] {
  return sql.all(
    'SELECT path, language, size, modified_at FROM sidecars WHERE video_id = ? ORDER BY path',
    [videoId],
    (r) => ({
      path: String(r.path),
      language: r.language === null ? null : String(r.language),
      size: Number(r.size),
      modifiedAt: Number(r.modified_at),
    }),
  );
}

const signature = (list: readonly Omit<Sidecar, 'language'>[]) =>
  list
    .map((s) => `${s.path}\u0000${s.size}\u0000${s.modifiedAt}`)
    .sort()
    .join('\u0001');

/**
 * Records the subtitle files a completed scan linked to the library's videos. A video whose set of files changed
 * (one added, edited, renamed or deleted) gets its "Subtitle files" stage queued again, which re-reads them; the
 * others are left alone, so a rescan of an unchanged folder reads no subtitle file. Returns the videos queued.
 */
export function linkSidecars(sql: Sql, libraryId: number, links: readonly SidecarLink[], now: number): number {
  const idOf = new Map(
    sql.all(
      'SELECT id, path FROM videos WHERE library_id = ?',
      [libraryId],
      (r: Row) => [String(r.path), Number(r.id)] as const,
    ),
  );
  const found = new Map<number, SidecarLink[]>();
  for (const link of links) {
    const id = idOf.get(link.videoPath);
    if (id === undefined) continue;
    found.set(id, [...(found.get(id) ?? []), link]);
  }
  const had = new Map<number, Sidecar[]>();
  for (const r of sql.all(
    `SELECT s.video_id, s.path, s.language, s.size, s.modified_at FROM sidecars s
     JOIN videos v ON v.id = s.video_id WHERE v.library_id = ?`,
    [libraryId],
    (r) => r,
  )) {
    const id = Number(r.video_id);
    had.set(id, [
      ...(had.get(id) ?? []),
      { path: String(r.path), language: null, size: Number(r.size), modifiedAt: Number(r.modified_at) },
    ]);
  }
  let queued = 0;
  sql.transaction(() => {
    for (const id of new Set([...found.keys(), ...had.keys()])) {
      const current = found.get(id) ?? [];
      if (signature(current) === signature(had.get(id) ?? [])) continue;
      sql.run('DELETE FROM sidecars WHERE video_id = ?', [id]);
      for (const s of current)
        sql.run('INSERT INTO sidecars (video_id, path, language, size, modified_at) VALUES (?, ?, ?, ?, ?)', [
          id,
          s.path,
          s.language,
          s.size,
          s.modifiedAt,
        ]);
      enqueueStages(sql, id, now, ['sidecars']);
      queued++;
    }
  });
  return queued;
}
