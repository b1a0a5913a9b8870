// Domain types shared by the page, the workers and the catalog. Plain, structured-cloneable data only.
import type { Tier } from './media/types';

/** How a library's files are reached: a persistent directory handle, or Files picked/dropped this visit. */
export type LibrarySource = 'handle' | 'files';

export interface Library {
  id: number;
  name: string;
  source: LibrarySource;
  addedAt: number;
  lastScanAt: number | null;
  videoCount: number;
  /** "Read text on screen": its videos go through the read-text stage, those it gains later too. */
  readText: boolean;
  /** Text on screen shorter than this (pixels of the video's height) is not read; 0: any size. */
  minTextPx: number;
  /** The language text on screen is read in: the id of one added from a folder; null: the built-in one. */
  textLanguage: string | null;
}

export interface Folder {
  id: number;
  libraryId: number;
  /** Path relative to the library root, '' for the root itself, '/'-separated. */
  path: string;
  name: string;
  parentId: number | null;
  /** Videos directly in this folder (not missing, not removed). */
  videoCount: number;
  /** Videos in this folder and every folder below it. */
  totalCount: number;
}

export type StageStatus = 'pending' | 'running' | 'done' | 'failed';

export interface Video {
  id: number;
  libraryId: number;
  folderId: number;
  /** Path relative to the library root, '/'-separated, including the file name. */
  path: string;
  name: string;
  extension: string;
  size: number;
  /** Last-modified time of the file, ms since the epoch. */
  modifiedAt: number;
  duration: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  container: string | null;
  bitrate: number | null;
  rotation: number | null;
  hasAudio: boolean | null;
  createdAt: number | null;
  year: number | null;
  /** Hash of the file's first and last 64 KiB and its size: recognises a moved or renamed file. */
  quickHash: string | null;
  status: StageStatus;
  failureCount: number;
  lastError: string | null;
  missing: boolean;
  removedAt: number | null;
  /** The decode tier that indexed it. */
  tier: Tier | null;
}

/** A file as a scan finds it on disk. */
export interface FoundFile {
  path: string;
  size: number;
  modifiedAt: number;
}

/** A subtitle file the scan found beside a video (same folder, same name up to the extension). */
export interface SidecarLink extends FoundFile {
  videoPath: string;
  /** From the name: `clip.pt-BR.srt` → 'pt-BR'; null without a tag. */
  language: string | null;
}

/** What the catalog already knows about a file, as the scan diff needs it. */
export interface KnownFile extends FoundFile {
  id: number;
  quickHash: string | null;
  missing: boolean;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Processing stages, one file each under src/indexing/stages/. */
export type JobStage =
  | 'checksum'
  | 'probe'
  | 'sidecars'
  | 'poster'
  | 'scenes'
  | 'frames'
  | 'subtitles'
  | 'embeddings'
  | 'suggested-tags'
  | 'transcribe'
  | 'read-text';

export interface Job {
  id: number;
  videoId: number;
  videoName: string;
  stage: JobStage;
  status: JobStatus;
  priority: number;
  attempts: number;
  progress: number;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The job is not picked up before this time (ms since epoch): backoff after a failure. */
  notBefore: number;
}

export interface JobCounts {
  queued: number;
  running: number;
  failed: number;
  done: number;
  cancelled: number;
}

export interface ScanProgress {
  libraryId: number;
  phase: 'walking' | 'matching' | 'done' | 'cancelled' | 'failed';
  filesSeen: number;
  videosFound: number;
  added: number;
  changed: number;
  unchanged: number;
  missing: number;
  moved: number;
  error?: string;
}

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
  backend: 'opfs' | 'indexeddb' | 'memory';
}

/** Which videos a view shows. */
export interface VideoQuery {
  libraryId?: number;
  /** Only videos in this folder and the folders below it. */
  folderId?: number;
  /** Only names containing this text (case-insensitive). */
  nameContains?: string;
  /** Include files no longer found on disk (default true: they stay browsable, flagged). */
  includeMissing?: boolean;
  /** Only the videos of this collection; without a sort, in the collection's order. */
  collectionId?: number;
  /** The Trash: only removed videos. Every other view leaves them out. */
  trash?: boolean;
  // Facets. A video matches a facet when it matches any of its selected values, and the view when it matches
  // every facet with a selection. Values and buckets: lib/facets.ts.
  /** Years ("2024") and months ("2024-06"), UTC, of the creation date (else the file's modified time). */
  dates?: string[];
  durations?: DurationBucket[];
  resolutions?: ResolutionBucket[];
  /** Format keys, "container.codec" (lib/facets formatKey). */
  formats?: string[];
  tagIds?: number[];
  /** Only files no longer found on disk. */
  missing?: boolean;
  /** Only files whose processing failed. */
  failed?: boolean;
  /** Without one: by path (in a collection by its order, in the Trash most recently removed first). */
  sort?: VideoSort;
  /** Defaults to lib/facets defaultOrder(sort): dates newest first, the rest ascending. */
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export type DurationBucket = 'under-1m' | '1-5m' | '5-20m' | 'over-20m';
export type ResolutionBucket = '4K' | '1080p' | '720p' | 'SD';
export type VideoSort = 'date' | 'name' | 'duration' | 'size' | 'resolution';
export type SortOrder = 'asc' | 'desc';

export interface FacetValue<T> {
  value: T;
  count: number;
}

/** A folder with the videos of the view in it and below it, every other facet applied. */
export interface FolderFacet {
  id: number;
  libraryId: number;
  parentId: number | null;
  path: string;
  name: string;
  count: number;
}

export interface YearFacet {
  year: number;
  count: number;
  /** Months with videos (or selected), 1–12, in order. */
  months: { month: number; count: number }[];
}

/**
 * Counts for the sidebar. Each facet's counts apply the scope (library, collection, Trash), the name filter and
 * every OTHER facet's selection, so a count says how many videos the view would show with that value selected.
 */
export interface FacetCounts {
  /** Videos the whole view matches. */
  total: number;
  /** Every folder of the library (of all libraries without one), parents before children. */
  folders: FolderFacet[];
  /** Years with videos (or selected), newest first. */
  dates: YearFacet[];
  /** Every bucket, in order, zeros included. */
  durations: FacetValue<DurationBucket>[];
  resolutions: FacetValue<ResolutionBucket>[];
  /** Formats with videos (or selected), most videos first; `label` as cards show it. */
  formats: (FacetValue<string> & { label: string })[];
  /** Every tag, by name. */
  tags: (FacetValue<number> & { name: string })[];
  missing: number;
  failed: number;
}

export interface Tag {
  id: number;
  name: string;
  /** Videos carrying it (not removed); for tagsOfVideos, how many of the given videos carry it. */
  count: number;
}

/** A word the model suggests as a tag (issue 15), for one video or summed up over a selection. */
export interface TagSuggestion {
  word: string;
  /** 0–1; over a selection, the highest of its videos'. */
  confidence: number;
  /** Videos it is offered for (1 for one video). */
  videos: number;
}

export interface Collection {
  id: number;
  name: string;
  createdAt: number;
  /** Videos in it, not counting removed ones. */
  count: number;
}
