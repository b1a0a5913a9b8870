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
 * Replaces a video's sampled frames. They are one row per video (times in whole microseconds, the key frame flags
 * as a string of 0 and 1): a row per frame made two thirds of a large catalog, which is saved and opened whole.
 */
export function saveFrames(sql: Sql, videoId: number, frames: readonly { time: number; keyframe: boolean }[]): void {
  const sorted = [...frames].sort((a, b) => a.time - b.time);
  sql.run('INSERT OR REPLACE INTO video_frames (video_id, times, keyframes) VALUES (?, ?, ?)', [
    videoId,
    sorted.map((f) => Math.round(f.time * 1e6)).join(','),
    sorted.map((f) => (f.keyframe ? '1' : '0')).join(''),
  ]);
}

/** A video's sampled frames by time, each with the scene whose [start, end) holds it (the last scene its end). */
export function listFrames(sql: Sql, videoId: number): FrameRow[] {
  const row = sql.all('SELECT times, keyframes FROM video_frames WHERE video_id = ?', [videoId], (r) => ({
    times: String(r.times),
    keyframes: String(r.keyframes),
  }))[0];
  if (!row || row.times === '') return [];
  const starts = listScenes(sql, videoId).map((s) => ({ index: s.index, start: s.start }));
  starts.sort((a, b) => a.start - b.start);
  let scene = -1;
  return row.times.split(',').map((micros, index) => {
    const time = Number(micros) / 1e6;
    while (scene + 1 < starts.length && starts[scene + 1].start <= time) scene++;
    return { index, time, keyframe: row.keyframes[index] === '1', sceneIndex: scene >= 0 ? starts[scene].index : null };
  });
}
