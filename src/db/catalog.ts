import type { Database, SqlJsStatic } from 'sql.js';
import type { ScanOp } from '../lib/scan-diff';
import type { JobStage, JobStatus, LibrarySource, SidecarLink, VideoQuery } from '../lib/types';
import type { ProbeResult, Tier } from '../lib/media/types';
import type { Scene } from '../lib/media/scenes';
import type { CatalogSettingKey, SettingValue } from '../lib/settings';
import type { SavedClip } from '../lib/clips/types';
import * as clips from './clips';
import * as collections from './collections';
import * as facets from './facets';
import * as jobHistory from './job-history';
import * as jobs from './jobs';
import * as libraries from './libraries';
import * as media from './media';
import { ChangeLog, decodeChanges, replayChanges } from './change-log';
import { migrate, schemaVersion, userVersion } from './schema';
import * as scan from './scan';
import * as settings from './settings';
import * as sidecars from './sidecars';
import { Sql } from './sql';
import * as tags from './tags';
import * as tagSuggestions from './tag-suggestions';
import type { Suggestion } from '../lib/suggested-tags/score';
import * as trash from './trash';
import { foldName } from '../lib/video-files';
import * as videos from './videos';

/**
 * What a write was: a user's `edit` (tags, collections, Trash, libraries, settings, a finished scan, job
 * commands) must be on disk before the app says it is done; `bookkeeping` (scan batches, job progress,
 * media results) is frequent and may be saved on a short delay.
 */
export type WriteKind = 'edit' | 'bookkeeping';

export interface CatalogOptions {
  /** Called after every write, so the owner can schedule a save (at once for an edit). */
  onWrite?: (kind: WriteKind) => void;
  /** Called before every write; throws to refuse it (a read-only tab). */
  beforeWrite?: () => void;
  now?: () => number;
}

/**
 * The catalog: one sql.js database and every query the app makes of it. Reads are plain methods; writes
 * go through `#edit` (what the user did) or `#write` (bookkeeping), which tell the owner (the catalog
 * worker) that a save is due, and how soon.
 */
export class Catalog {
  readonly sql: Sql;
  /** Every committed write since the last save, for a save that writes only those (see change-log.ts). */
  readonly log = new ChangeLog();
  /** How many saved batches of changes opening applied, and whether one of them could not be (then dropped). */
  readonly replayed: { batches: number; failed: boolean };
  #onWrite: (kind: WriteKind) => void;
  #beforeWrite: () => void;
  #now: () => number;

  /** `changes`: batches saved after the image `db` was opened from, applied in order before any migration. */
  constructor(db: Database, opts: CatalogOptions = {}, changes: readonly Uint8Array[] = []) {
    this.sql = new Sql(db, this.log);
    this.#onWrite = opts.onWrite ?? (() => {});
    this.#beforeWrite = opts.beforeWrite ?? (() => {});
    this.#now = opts.now ?? Date.now;
    // SQLite's lower() folds only A–Z and sql.js has no ICU: name filters fold in JavaScript instead.
    db.create_function('fold', foldName);
    db.run('PRAGMA foreign_keys = ON');
    const version = userVersion(db);
    this.replayed = version <= schemaVersion ? replayBatches(db, changes) : { batches: 0, failed: false };
    // After a migration (or on a new catalog) the log would not replay on the saved image: save it whole.
    if (migrate(db) !== version || this.replayed.failed) this.log.requireWholeImage();
  }

  static open(
    SQL: SqlJsStatic,
    bytes?: Uint8Array | null,
    opts?: CatalogOptions,
    changes?: readonly Uint8Array[],
  ): Catalog {
    const db = bytes && bytes.byteLength > 0 ? new SQL.Database(bytes) : new SQL.Database();
    return new Catalog(db, opts, bytes && bytes.byteLength > 0 ? changes : []);
  }

  /**
   * Applies batches of changes another tab saved after this catalog's state (a read-only tab following the writer),
   * as opening applies them: each whole or not at all, up to the first that fails. Not logged, and not refused in a
   * read-only tab: they are saved already.
   */
  applyChanges(batches: readonly Uint8Array[]): { batches: number; failed: boolean } {
    return replayBatches(this.sql.db, batches);
  }

  export(): Uint8Array {
    return this.sql.db.export();
  }

  close(): void {
    this.sql.db.close();
  }

  #write<T>(fn: (sql: Sql, now: number) => T, kind: WriteKind = 'bookkeeping'): T {
    this.#beforeWrite();
    const result = fn(this.sql, this.#now());
    this.#onWrite(kind);
    return result;
  }

  #edit<T>(fn: (sql: Sql, now: number) => T): T {
    return this.#write(fn, 'edit');
  }

  // Libraries and folders
  listLibraries = () => libraries.listLibraries(this.sql);
  listFolders = (libraryId: number) => libraries.listFolders(this.sql, libraryId);
  addLibrary = (name: string, source: LibrarySource) =>
    this.#edit((s, now) => libraries.addLibrary(s, name, source, now));
  /** Turns "Read text on screen" on (queuing the library's videos) or off (reads not started are dropped). */
  setReadText = (id: number, on: boolean) =>
    this.#edit((s, now) => {
      libraries.setReadText(s, id, on);
      if (on) return jobHistory.queueStage(s, 'read-text', { libraryId: id }, now);
      s.run(
        `DELETE FROM jobs WHERE stage = 'read-text' AND status = 'queued' AND video_id IN (SELECT id FROM videos WHERE library_id = ?)`,
        [id],
      );
      return 0;
    });
  setMinTextSize = (id: number, px: number) => this.#edit((s) => libraries.setMinTextSize(s, id, px));
  /**
   * Changes the language a library's text on screen is read in; while its "Read text on screen" is on, its videos
   * are queued to be read again in it (returns how many).
   */
  setTextLanguage = (id: number, language: string | null) =>
    this.#edit((s, now) => {
      const before = libraries.getLibrary(s, id);
      libraries.setTextLanguage(s, id, language);
      if (!before?.readText || before.textLanguage === language) return 0;
      return jobHistory.queueStage(s, 'read-text', { libraryId: id }, now);
    });
  removeLibrary = (id: number) => this.#edit((s) => libraries.removeLibrary(s, id));

  // Videos
  listVideos = (q?: VideoQuery) => facets.listVideos(this.sql, q);
  countVideos = (q?: VideoQuery) => facets.countVideos(this.sql, q);
  facetCounts = (q?: VideoQuery) => facets.facetCounts(this.sql, q);
  getVideo = (id: number) => videos.getVideo(this.sql, id);
  listVideoIds = () => videos.listVideoIds(this.sql);
  knownFiles = (libraryId: number) => videos.knownFiles(this.sql, libraryId);
  setQuickHash = (videoId: number, hash: string) => this.#write((s) => videos.setQuickHash(s, videoId, hash));

  // Tags
  listTags = () => tags.listTags(this.sql);
  suggestTags = (prefix: string, limit?: number) => tags.suggestTags(this.sql, prefix, limit);
  tagsOfVideos = (videoIds: readonly number[]) => tags.tagsOfVideos(this.sql, videoIds);
  tagVideos = (videoIds: readonly number[], names: readonly string[]) =>
    this.#edit((s) => tags.tagVideos(s, videoIds, names));
  untagVideos = (videoIds: readonly number[], tagIds: readonly number[]) =>
    this.#edit((s) => tags.untagVideos(s, videoIds, tagIds));
  renameTag = (id: number, name: string) => this.#edit((s) => tags.renameTag(s, id, name));
  deleteTag = (id: number) => this.#edit((s) => tags.deleteTag(s, id));

  // Suggested tags: stored by the pipeline, answered by the user (an answer is an edit, kept for good)
  saveTagSuggestions = (videoId: number, modelId: string, words: readonly Suggestion[]) =>
    this.#write((s) => tagSuggestions.saveSuggestions(s, videoId, modelId, words));
  tagSuggestions = (videoIds: readonly number[]) => tagSuggestions.suggestionsOf(this.sql, videoIds);
  acceptTagSuggestion = (videoIds: readonly number[], word: string) =>
    this.#edit((s) => tagSuggestions.acceptSuggestion(s, videoIds, word));
  dismissTagSuggestion = (videoIds: readonly number[], word: string) =>
    this.#edit((s) => tagSuggestions.dismissSuggestion(s, videoIds, word));
  reofferTagSuggestion = (videoIds: readonly number[], word: string) =>
    this.#edit((s) => tagSuggestions.reofferSuggestion(s, videoIds, word));

  // Collections
  listCollections = () => collections.listCollections(this.sql);
  getCollection = (id: number) => collections.getCollection(this.sql, id);
  listCollectionVideos = (id: number, q?: VideoQuery) => facets.listVideos(this.sql, { ...q, collectionId: id });
  createCollection = (name: string) => this.#edit((s, now) => collections.createCollection(s, name, now));
  renameCollection = (id: number, name: string) => this.#edit((s) => collections.renameCollection(s, id, name));
  deleteCollection = (id: number) => this.#edit((s) => collections.deleteCollection(s, id));
  addToCollection = (id: number, videoIds: readonly number[]) =>
    this.#edit((s) => collections.addToCollection(s, id, videoIds));
  removeFromCollection = (id: number, videoIds: readonly number[]) =>
    this.#edit((s) => collections.removeFromCollection(s, id, videoIds));
  moveInCollection = (id: number, videoId: number, index: number) =>
    this.#edit((s) => collections.moveInCollection(s, id, videoId, index));

  // Trash: soft delete; files on disk are never touched
  removeVideos = (videoIds: readonly number[]) => this.#edit((s, now) => trash.removeVideos(s, videoIds, now));
  restoreVideos = (videoIds: readonly number[]) => this.#edit((s) => trash.restoreVideos(s, videoIds));
  listTrash = (q?: VideoQuery) => facets.listVideos(this.sql, { ...q, trash: true });
  countTrash = (libraryId?: number) => facets.countVideos(this.sql, { libraryId, trash: true });

  // Scans
  applyScanOps = (libraryId: number, ops: readonly ScanOp[]) =>
    this.#write((s, now) => scan.applyScanOps(s, libraryId, ops, now));
  finishScan = (libraryId: number) => this.#edit((s, now) => scan.finishScan(s, libraryId, now));
  linkSidecars = (libraryId: number, links: readonly SidecarLink[]) =>
    this.#write((s, now) => sidecars.linkSidecars(s, libraryId, links, now));
  listSidecars = (videoId: number) => sidecars.listSidecars(this.sql, videoId);

  // Clips the video tools saved: catalogued at once, a user's edit (on disk when the call returns)
  addClip = (clip: SavedClip) => this.#edit((s, now) => clips.addClip(s, clip, now));
  clipOrigin = (videoId: number) => clips.clipOrigin(this.sql, videoId);
  clipsOf = (parentId: number) => clips.clipsOf(this.sql, parentId);

  // Media pipeline results
  saveProbe = (videoId: number, probe: ProbeResult, tier: Tier) =>
    this.#write((s) => media.saveProbe(s, videoId, probe, tier));
  saveThumbnail = (t: Omit<media.Thumbnail, 'blobKey'>) => this.#write((s) => media.saveThumbnail(s, t));
  getThumbnail = (videoId: number, kind: media.ThumbnailKind) => media.getThumbnail(this.sql, videoId, kind);
  saveScenes = (videoId: number, scenes: readonly Scene[]) => this.#write((s) => media.saveScenes(s, videoId, scenes));
  listScenes = (videoId: number) => media.listScenes(this.sql, videoId);
  saveFrames = (videoId: number, frames: readonly { time: number; keyframe: boolean }[]) =>
    this.#write((s) => media.saveFrames(s, videoId, frames));
  listFrames = (videoId: number) => media.listFrames(this.sql, videoId);

  // Settings
  // Typed by key and validated against lib/settings.ts; a setting is a user's edit, on disk when the call returns.
  getSetting = <K extends CatalogSettingKey>(key: K) => settings.getSetting(this.sql, key);
  setSetting = <K extends CatalogSettingKey>(key: K, value: SettingValue<K>) =>
    this.#edit((s) => settings.setSetting(s, key, value));

  // Jobs
  claimJobs = (limit: number, libraryIds?: readonly number[]) =>
    this.#write((s, now) => jobs.claimJobs(s, limit, now, libraryIds));
  setJobProgress = (id: number, progress: number) => jobs.setJobProgress(this.sql, id, progress);
  completeJob = (id: number) => this.#write((s, now) => jobs.completeJob(s, id, now));
  failJob = (id: number, message: string, permanent?: boolean) =>
    this.#write((s, now) => jobs.failJob(s, id, message, now, permanent));
  enqueueMissingStages = () => this.#write((s, now) => jobHistory.enqueueMissingStages(s, now));
  cancelJob = (id: number) => this.#edit((s, now) => jobs.cancelJob(s, id, now));
  cancelAllJobs = () => this.#edit((s, now) => jobs.cancelAllJobs(s, now));
  retryJob = (id: number) => this.#edit((s) => jobs.retryJob(s, id));
  retryAllJobs = (status: 'failed' | 'cancelled') => this.#edit((s) => jobs.retryAllJobs(s, status));
  requeueJobs = (ids: readonly number[]) => this.#write((s) => jobs.requeueJobs(s, ids));
  requeueStage = (stage: JobStage) => this.#edit((s, now) => jobHistory.requeueStage(s, stage, now));
  queueStage = (stage: JobStage, target: { videoIds?: readonly number[]; libraryId?: number }) =>
    this.#edit((s, now) => jobHistory.queueStage(s, stage, target, now));
  resumeInterruptedJobs = () => this.#write((s) => jobHistory.resumeInterruptedJobs(s));
  requeueUnindexed = (indexed: readonly number[], damaged: readonly number[]) =>
    this.#write((s, now) => jobHistory.requeueUnindexed(s, indexed, damaged, now));
  getJob = (id: number) => jobs.getJob(this.sql, id);
  jobCounts = () => jobs.jobCounts(this.sql);
  listJobs = (status: JobStatus, limit?: number) => jobs.listJobs(this.sql, status, limit);
  nextDueAt = (libraryIds?: readonly number[]) => jobs.nextDueAt(this.sql, libraryIds);

  // Maintenance (Settings): the job history and the database file's size
  pruneJobHistory = (maxAgeDays = jobHistoryDays) =>
    this.#edit((s, now) => jobHistory.pruneJobHistory(s, now, maxAgeDays));
  prunableJobs = (maxAgeDays = jobHistoryDays) => jobHistory.prunableJobs(this.sql, this.#now(), maxAgeDays);
  /** The database's size, and how much of it is free pages a compaction would give back. */
  size = () => ({
    bytes: Number(this.sql.value('PRAGMA page_count')) * Number(this.sql.value('PRAGMA page_size')),
    freeBytes: Number(this.sql.value('PRAGMA freelist_count')) * Number(this.sql.value('PRAGMA page_size')),
  });
  /** Rewrites the database without its free pages (what deleted rows leave): every later save is that much smaller. */
  compact = () => this.#edit((s) => s.run('VACUUM'));
}

/** Finished jobs are kept this long (the seed design's 30 days), then pruned on request. */
export const jobHistoryDays = 30;

/** Applies saved batches of changes in order, each whole or not at all, up to the first that fails. */
function replayBatches(db: Database, batches: readonly Uint8Array[]): { batches: number; failed: boolean } {
  for (const [i, batch] of batches.entries()) {
    try {
      replayChanges(db, decodeChanges(batch));
    } catch (err) {
      console.warn('A saved batch of catalog changes could not be applied; later ones are skipped', err);
      return { batches: i, failed: true };
    }
  }
  return { batches: batches.length, failed: false };
}
