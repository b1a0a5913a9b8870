import { NewerCatalogError } from '../lib/errors';
import type { Database } from 'sql.js';

/**
 * Numbered migrations. Index i upgrades a catalog from user_version i to i + 1.
 * Never edit a migration that has shipped: add a new one, so an old catalog upgrades with its rows intact.
 */
export const migrations: readonly string[] = [
  // 1: the catalog as the Foundation defines it; later stages fill the media columns.
  `
  CREATE TABLE libraries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('handle', 'files')),
    added_at INTEGER NOT NULL,
    last_scan_at INTEGER
  );
  CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    UNIQUE (library_id, path)
  );
  CREATE TABLE videos (
    id INTEGER PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
    folder_id INTEGER NOT NULL REFERENCES folders(id),
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    extension TEXT NOT NULL,
    size INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    duration REAL, width INTEGER, height INTEGER, fps REAL,
    video_codec TEXT, audio_codec TEXT, container TEXT, bitrate INTEGER,
    rotation INTEGER, has_audio INTEGER, created_at INTEGER, year INTEGER,
    quick_hash TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    failure_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    missing INTEGER NOT NULL DEFAULT 0,
    removed_at INTEGER,
    UNIQUE (library_id, path)
  );
  CREATE INDEX videos_folder ON videos(folder_id);
  CREATE INDEX videos_size ON videos(library_id, size);
  CREATE TABLE thumbnails (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    width INTEGER, height INTEGER,
    data BLOB NOT NULL,
    PRIMARY KEY (video_id, kind)
  );
  CREATE TABLE scenes (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_time REAL NOT NULL,
    end_time REAL NOT NULL,
    keyframe_time REAL,
    UNIQUE (video_id, idx)
  );
  CREATE TABLE frames (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    timestamp REAL NOT NULL,
    is_keyframe INTEGER NOT NULL DEFAULT 0,
    scene_id INTEGER REFERENCES scenes(id) ON DELETE SET NULL,
    UNIQUE (video_id, idx)
  );
  CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
  );
  CREATE TABLE video_tags (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (video_id, tag_id)
  );
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    priority INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    progress INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    not_before INTEGER NOT NULL DEFAULT 0,
    UNIQUE (video_id, stage)
  );
  CREATE INDEX jobs_pick ON jobs(status, priority DESC, id);
  `,
  // 2: user settings (keyframe interval, thresholds …) live with the catalog, so they travel with it.
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE INDEX videos_live ON videos(library_id, missing, removed_at);
  `,
  // 3: images move out of the database into the OPFS blob store: sql.js exports the whole image on every
  // save, and 10,000 posters inside it would make each save copy a hundred megabytes. No version before this
  // one wrote thumbnails, so the table is recreated empty.
  `
  DROP TABLE thumbnails;
  CREATE TABLE thumbnails (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    frame_count INTEGER NOT NULL DEFAULT 1,
    time REAL,
    blob_key TEXT NOT NULL,
    PRIMARY KEY (video_id, kind)
  );
  ALTER TABLE videos ADD COLUMN tier TEXT;
  CREATE INDEX frames_video ON frames(video_id, timestamp);
  `,
  // 4: library browsing (issue 5). Version 1 made tags and video_tags; tag names become unique the way the name
  // filter compares names (COLLATE NOCASE folds A–Z only), so "Été" and "été" are one tag. fold() is the
  // function Catalog registers before it migrates. No earlier version wrote tags; should two fold alike anyway,
  // the lower id keeps the videos of both. Collections are ordered lists of videos: dense positions 0..n-1.
  // Facets count over the whole live table (a scan of 10,000 rows takes a few ms); the indexes serve the lookups
  // that would otherwise scan per row: videos of a tag, of a collection in order, and the Trash. Two derived
  // columns, kept by triggers, spare every facet scan a function call per row that would cost more than the scan:
  // name_folded = fold(name) for the name filter, and date_month = yyyymm (UTC) of the date a video is filed
  // under, its creation date or else its file's modified time, for the By date facet.
  `
  ALTER TABLE tags ADD COLUMN key TEXT;
  UPDATE tags SET key = fold(name);
  INSERT OR IGNORE INTO video_tags (video_id, tag_id)
    SELECT vt.video_id, (SELECT min(d.id) FROM tags d WHERE d.key = t.key) FROM video_tags vt JOIN tags t ON t.id = vt.tag_id;
  DELETE FROM tags WHERE id NOT IN (SELECT min(id) FROM tags GROUP BY key);
  CREATE UNIQUE INDEX tags_key ON tags(key);
  CREATE INDEX video_tags_tag ON video_tags(tag_id, video_id);
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE collection_items (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (collection_id, video_id)
  );
  CREATE INDEX collection_items_order ON collection_items(collection_id, position);
  CREATE INDEX collection_items_video ON collection_items(video_id);
  CREATE INDEX videos_removed ON videos(removed_at) WHERE removed_at IS NOT NULL;
  ALTER TABLE videos ADD COLUMN name_folded TEXT;
  ALTER TABLE videos ADD COLUMN date_month INTEGER;
  UPDATE videos SET name_folded = fold(name),
    date_month = strftime('%Y%m', coalesce(created_at, modified_at) / 1000.0, 'unixepoch');
  CREATE TRIGGER videos_derive_new AFTER INSERT ON videos BEGIN
    UPDATE videos SET name_folded = fold(NEW.name),
      date_month = strftime('%Y%m', coalesce(NEW.created_at, NEW.modified_at) / 1000.0, 'unixepoch')
    WHERE id = NEW.id;
  END;
  CREATE TRIGGER videos_derive_name AFTER UPDATE OF name ON videos BEGIN
    UPDATE videos SET name_folded = fold(NEW.name) WHERE id = NEW.id;
  END;
  CREATE TRIGGER videos_derive_date AFTER UPDATE OF created_at, modified_at ON videos BEGIN
    UPDATE videos SET date_month = strftime('%Y%m', coalesce(NEW.created_at, NEW.modified_at) / 1000.0, 'unixepoch')
    WHERE id = NEW.id;
  END;
  `,
  // 5: the pipeline layer (issue 10). The scenes and frames stages store the fingerprints they make, so the
  // separate "Search index" (fingerprints) stage is gone. A video whose fingerprints job had not finished gets
  // its frames stage again, which now stores them; its old jobs go.
  `
  UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, error = NULL, started_at = NULL,
    finished_at = NULL, not_before = 0
  WHERE stage = 'frames'
    AND video_id IN (SELECT video_id FROM jobs WHERE stage = 'fingerprints' AND status <> 'done');
  DELETE FROM jobs WHERE stage = 'fingerprints';
  UPDATE videos SET status = 'pending'
  WHERE status = 'done' AND EXISTS (SELECT 1 FROM jobs j WHERE j.video_id = videos.id AND j.status = 'queued');
  `,
  // 6: subtitles (issue 13). The subtitle files a scan links to each video, with their size and modified time so a
  // rescan can tell an edited or deleted file. Their cues are not kept here: sql.js exports the whole database on
  // every save, so the text lives in the transcript store (OPFS segment files, src/workers/transcripts/).
  `
  CREATE TABLE sidecars (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    language TEXT,
    size INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    PRIMARY KEY (video_id, path)
  );
  `,
  // 7: video tools (issue 14). A clip saved from a video is a video of its own (catalogued and indexed like any
  // other) that remembers its parent and the part of it it holds. The parent's name is kept so the details can
  // still say where a clip came from once the parent has left the catalog.
  `
  CREATE TABLE clips (
    video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES videos(id) ON DELETE SET NULL,
    parent_name TEXT NOT NULL,
    start_time REAL NOT NULL,
    end_time REAL NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX clips_parent ON clips(parent_id);
  `,
  // 8: job history is pruned (issue 16): a job that finished long ago is deleted, so "no job for this stage" can no
  // longer mean "a stage this version added". The stages every video has been given a job for are listed here;
  // enqueueMissingStages queues only stages not listed yet. Empty after this step: the first start fills it.
  `
  CREATE TABLE queued_stages (stage TEXT PRIMARY KEY);
  `,
  // 9: text on screen (issue 15). Reading it costs more than the other stages, so it is one switch per library,
  // off until the user turns it on; while on, videos the library gains are read too.
  `
  ALTER TABLE libraries ADD COLUMN read_text INTEGER NOT NULL DEFAULT 0;
  `,
  // 10: the smallest text read on screen, per library (issue 15), in pixels of the video's height; 0: any size.
  `
  ALTER TABLE libraries ADD COLUMN min_text_px INTEGER NOT NULL DEFAULT 0;
  `,
  // 11: suggested tags (issue 15). Words from the built-in vocabulary a CLIP model sees in a video, with their
  // confidence, offered until the user accepts one (it becomes a real tag) or dismisses it. Answered rows stay, so
  // scoring the video again (re-indexing, another model) never offers a dismissed word again.
  `
  CREATE TABLE tag_suggestions (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    confidence REAL NOT NULL,
    model_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'accepted', 'dismissed')),
    PRIMARY KEY (video_id, word)
  );
  `,
  // 12: a video's sampled frames in one row (issue 16): a row per frame (with two indexes) made two thirds of a large
  // catalog, which every whole save writes and every start reads. Times are whole microseconds (what decoders
  // count in); key frame flags a string of 0 and 1; which scene a frame belongs to follows from the scenes' times.
  `
  CREATE TABLE video_frames (
    video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    times TEXT NOT NULL,
    keyframes TEXT NOT NULL
  );
  INSERT INTO video_frames (video_id, times, keyframes)
    SELECT video_id, group_concat(CAST(round(timestamp * 1000000) AS INTEGER), ',' ORDER BY timestamp, idx),
      group_concat(CASE WHEN is_keyframe THEN '1' ELSE '0' END, '' ORDER BY timestamp, idx)
    FROM frames GROUP BY video_id;
  DROP TABLE frames;
  `,
  // 13: the language text on screen is read in, per library (issue 15): the id of a language added from a folder
  // (its OPFS folder under text-languages/); NULL: the built-in one, English and Chinese.
  `
  ALTER TABLE libraries ADD COLUMN text_language TEXT;
  `,
];

export const schemaVersion = migrations.length;

export function userVersion(db: Database): number {
  const rows = db.exec('PRAGMA user_version');
  return Number(rows[0]?.values[0]?.[0] ?? 0);
}

/** Brings `db` up to the newest schema, one transaction per step. Throws if the catalog is newer than this app. */
export function migrate(db: Database, upTo = schemaVersion): number {
  db.run('PRAGMA foreign_keys = ON');
  let version = userVersion(db);
  if (version > schemaVersion) {
    throw new NewerCatalogError(version);
  }
  while (version < upTo) {
    db.run('BEGIN');
    try {
      db.run(migrations[version]);
      version += 1;
      // PRAGMA takes no bound parameters; version is an integer we computed.
      db.run(`PRAGMA user_version = ${version}`);
      db.run('COMMIT');
    } catch (err) {
      db.run('ROLLBACK');
      throw err;
    }
  }
  return version;
}
