import type { ProbeResult, Tier } from '../lib/media/types';
import type { Scene } from '../lib/media/scenes';
import { num, type Sql } from './sql';

/** Stores what the probe found; the creation date falls back to the file's modified time. */
export function saveProbe(sql: Sql, videoId: number, probe: ProbeResult, tier: Tier): void {
  const modified = Number(sql.value('SELECT modified_at FROM videos WHERE id = ?', [videoId]) ?? 0);
  const created = probe.createdAt ?? modified;
  sql.run(
    `UPDATE videos SET duration = ?, width = ?, height = ?, fps = ?, video_codec = ?, audio_codec = ?, container = ?,
       bitrate = ?, rotation = ?, has_audio = ?, created_at = ?, year = ?, tier = ? WHERE id = ?`,
    [
      probe.duration,
      probe.width,
      probe.height,
      probe.fps,
      probe.videoCodec,
      probe.audioCodec,
      probe.container,
      probe.bitrate,
      probe.rotation,
      probe.hasAudio ? 1 : 0,
      created,
      new Date(created).getUTCFullYear(),
      tier,
      videoId,
    ],
  );
}

export type ThumbnailKind = 'poster' | 'strip' | 'scenes';

export interface Thumbnail {
  videoId: number;
  kind: ThumbnailKind;
  mime: string;
  /** Size of one frame; a strip is `frameCount` frames side by side. */
  width: number;
  height: number;
  frameCount: number;
  time: number | null;
  blobKey: string;
}

/** The blob-store key of a video's image of a kind: one OPFS file each. */
export const thumbnailKey = (videoId: number, kind: ThumbnailKind) => `${kind}-${videoId}`;

export function saveThumbnail(sql: Sql, t: Omit<Thumbnail, 'blobKey'>): void {
  sql.run(
    `INSERT INTO thumbnails (video_id, kind, mime, width, height, frame_count, time, blob_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (video_id, kind) DO UPDATE SET mime = excluded.mime, width = excluded.width, height = excluded.height,
       frame_count = excluded.frame_count, time = excluded.time, blob_key = excluded.blob_key`,
    [t.videoId, t.kind, t.mime, t.width, t.height, t.frameCount, t.time, thumbnailKey(t.videoId, t.kind)],
  );
}

export function getThumbnail(sql: Sql, videoId: number, kind: ThumbnailKind): Thumbnail | undefined {
  return sql.one('SELECT * FROM thumbnails WHERE video_id = ? AND kind = ?', [videoId, kind], (r) => ({
    videoId: Number(r.video_id),
    kind: r.kind as ThumbnailKind,
    mime: String(r.mime),
    width: Number(r.width),
    height: Number(r.height),
    frameCount: Number(r.frame_count),
    time: num(r.time),
    blobKey: String(r.blob_key),
  }));
}

/** Replaces a video's scenes (a stage may run again after a change). */
export function saveScenes(sql: Sql, videoId: number, scenes: readonly Scene[]): void {
  sql.transaction(() => {
    sql.run('DELETE FROM scenes WHERE video_id = ?', [videoId]);
    for (const s of scenes) {
      sql.run('INSERT INTO scenes (video_id, idx, start_time, end_time, keyframe_time) VALUES (?, ?, ?, ?, ?)', [
        videoId,
        s.index,
        s.start,
        s.end,
        s.keyframeTime,
      ]);
    }
    linkFramesToScenes(sql, videoId);
  });
}

export function listScenes(sql: Sql, videoId: number): Scene[] {
  return sql.all('SELECT * FROM scenes WHERE video_id = ? ORDER BY idx', [videoId], (r) => ({
    index: Number(r.idx),
    start: Number(r.start_time),
    end: Number(r.end_time),
    keyframeTime: Number(r.keyframe_time),
  }));
}

export interface FrameRow {
  index: number;
  time: number;
  keyframe: boolean;
  sceneIndex: number | null;
}

/**
 * Replaces a video's sampled frames. `onlyKeyframes` replaces just the key frame rows (pass 1), keeping the
 * rest; pass 2 replaces everything. Rows are numbered by time.
 */
export function saveFrames(sql: Sql, videoId: number, frames: readonly { time: number; keyframe: boolean }[]): void {
  sql.transaction(() => {
    sql.run('DELETE FROM frames WHERE video_id = ?', [videoId]);
    const sorted = [...frames].sort((a, b) => a.time - b.time);
    sorted.forEach((f, i) => {
      sql.run('INSERT INTO frames (video_id, idx, timestamp, is_keyframe) VALUES (?, ?, ?, ?)', [
        videoId,
        i,
        f.time,
        f.keyframe ? 1 : 0,
      ]);
    });
    linkFramesToScenes(sql, videoId);
  });
}

export function listFrames(sql: Sql, videoId: number): FrameRow[] {
  return sql.all(
    `SELECT f.idx, f.timestamp, f.is_keyframe, s.idx AS scene_idx FROM frames f LEFT JOIN scenes s ON s.id = f.scene_id
     WHERE f.video_id = ? ORDER BY f.idx`,
    [videoId],
    (r) => ({
      index: Number(r.idx),
      time: Number(r.timestamp),
      keyframe: Number(r.is_keyframe) !== 0,
      sceneIndex: num(r.scene_idx),
    }),
  );
}

/** Each frame belongs to the scene whose [start, end) holds its time (the last scene includes its end). */
function linkFramesToScenes(sql: Sql, videoId: number): void {
  sql.run(
    `UPDATE frames SET scene_id = (
       SELECT s.id FROM scenes s WHERE s.video_id = frames.video_id AND frames.timestamp >= s.start_time
       ORDER BY s.start_time DESC LIMIT 1)
     WHERE video_id = ?`,
    [videoId],
  );
}
