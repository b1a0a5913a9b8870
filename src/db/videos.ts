import type { KnownFile, StageStatus, Video } from '../lib/types';
import { bool, num, str, type Row, type Sql } from './sql';

export const toVideo = (r: Row): Video => ({
  id: Number(r.id),
  libraryId: Number(r.library_id),
  folderId: Number(r.folder_id),
  path: String(r.path),
  name: String(r.name),
  extension: String(r.extension),
  size: Number(r.size),
  modifiedAt: Number(r.modified_at),
  duration: num(r.duration),
  width: num(r.width),
  height: num(r.height),
  fps: num(r.fps),
  videoCodec: str(r.video_codec),
  audioCodec: str(r.audio_codec),
  container: str(r.container),
  bitrate: num(r.bitrate),
  rotation: num(r.rotation),
  hasAudio: bool(r.has_audio),
  createdAt: num(r.created_at),
  year: num(r.year),
  quickHash: str(r.quick_hash),
  status: String(r.status) as StageStatus,
  failureCount: Number(r.failure_count),
  lastError: str(r.last_error),
  missing: Number(r.missing) !== 0,
  removedAt: num(r.removed_at),
  tier: r.tier === 'webcodecs' || r.tier === 'ffmpeg' ? r.tier : null,
});

export function getVideo(sql: Sql, id: number): Video | undefined {
  return sql.one('SELECT * FROM videos WHERE id = ?', [id], toVideo);
}

/** Every video id in the catalog, whatever its state (missing and removed ones included). */
export function listVideoIds(sql: Sql): number[] {
  return sql.all('SELECT id FROM videos ORDER BY id', [], (r) => Number(r.id));
}

/** What a scan needs to diff a library against the disk. */
export function knownFiles(sql: Sql, libraryId: number): KnownFile[] {
  return sql.all(
    'SELECT id, path, size, modified_at, quick_hash, missing FROM videos WHERE library_id = ?',
    [libraryId],
    (r) => ({
      id: Number(r.id),
      path: String(r.path),
      size: Number(r.size),
      modifiedAt: Number(r.modified_at),
      quickHash: str(r.quick_hash),
      missing: Number(r.missing) !== 0,
    }),
  );
}

export function setQuickHash(sql: Sql, videoId: number, hash: string): void {
  sql.run('UPDATE videos SET quick_hash = ? WHERE id = ?', [hash, videoId]);
}
