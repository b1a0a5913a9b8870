import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { migrate, schemaVersion, userVersion } from '../../src/db/schema';
import { foldName } from '../../src/lib/video-files';
import { file, freshCatalog, sqlJs } from './helpers';

describe("a video's sampled frames", () => {
  it('come back by time with their key frame flags and scenes, exact to the microsecond', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('L', 'files');
    catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    const id = catalog.listVideos()[0].id;
    catalog.saveScenes(id, [
      { index: 0, start: 0, end: 2.5, keyframeTime: 0 },
      { index: 1, start: 2.5, end: 6, keyframeTime: 2.5 },
    ]);
    catalog.saveFrames(id, [
      { time: 5.005005, keyframe: false },
      { time: 0, keyframe: true },
      { time: 2.5, keyframe: true },
      { time: 1.0010009, keyframe: false },
    ]);
    expect(catalog.listFrames(id)).toEqual([
      { index: 0, time: 0, keyframe: true, sceneIndex: 0 },
      { index: 1, time: 1.001001, keyframe: false, sceneIndex: 0 },
      { index: 2, time: 2.5, keyframe: true, sceneIndex: 1 },
      { index: 3, time: 5.005005, keyframe: false, sceneIndex: 1 },
    ]);
    // Saved again (the frames stage after the scenes stage): replaced, not added to; none at all is none.
    catalog.saveFrames(id, [{ time: 3, keyframe: false }]);
    expect(catalog.listFrames(id).map((f) => f.time)).toEqual([3]);
    catalog.saveFrames(id, []);
    expect(catalog.listFrames(id)).toEqual([]);
    // One row per video, whatever its number of frames: a large catalog stays small to save and to open.
    catalog.saveFrames(
      id,
      Array.from({ length: 600 }, (_, i) => ({ time: i / 2, keyframe: i % 10 === 0 })),
    );
    expect(Number(catalog.sql.value('SELECT count(*) FROM video_frames'))).toBe(1);
    expect(catalog.listFrames(id)).toHaveLength(600);
    catalog.sql.run('DELETE FROM videos WHERE id = ?', [id]);
    expect(Number(catalog.sql.value('SELECT count(*) FROM video_frames'))).toBe(0);
  });

  it('stored a row each by a version 11 catalog, come through the upgrade intact', async () => {
    const SQL = await sqlJs();
    const old = new SQL.Database();
    old.create_function('fold', foldName);
    expect(migrate(old, 11)).toBe(11);
    old.run(`INSERT INTO libraries (id, name, source, added_at) VALUES (1, 'L', 'handle', 5)`);
    old.run(`INSERT INTO folders (id, library_id, path, name) VALUES (1, 1, '', '')`);
    for (const id of [1, 2])
      old.run(
        `INSERT INTO videos (id, library_id, folder_id, path, name, extension, size, modified_at) VALUES (?, 1, 1, ?, ?, 'mp4', 1, 7)`,
        [id, `${id}.mp4`, `${id}.mp4`],
      );
    // Rows in no particular order, as pass 1 and pass 2 of the old frames stage left them.
    const rows: [number, number, number, number][] = [
      [1, 1, 0.5, 0],
      [1, 0, 0, 1],
      [1, 2, 1.033367, 1],
      [2, 0, 7.25, 0],
    ];
    for (const r of rows) old.run('INSERT INTO frames (video_id, idx, timestamp, is_keyframe) VALUES (?, ?, ?, ?)', r);
    const upgraded = Catalog.open(SQL, old.export());
    expect(userVersion(upgraded.sql.db)).toBe(schemaVersion);
    expect(upgraded.listFrames(1).map((f) => [f.time, f.keyframe])).toEqual([
      [0, true],
      [0.5, false],
      [1.033367, true],
    ]);
    expect(upgraded.listFrames(2).map((f) => [f.time, f.keyframe])).toEqual([[7.25, false]]);
    expect(upgraded.sql.value(`SELECT count(*) FROM sqlite_master WHERE name = 'frames'`)).toBe(0);
  });
});
