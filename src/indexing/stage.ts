import type { Remote } from 'comlink';
import type { JobContext } from './job-runner';
import type { EmbedFrame } from '../lib/embeddings/plan';
import type { Scene } from '../lib/media/scenes';
import type { FramePass, ProbeResult, Tier } from '../lib/media/types';
import type { ReadingOptions } from '../lib/screen-text/types';
import type { Suggestion } from '../lib/suggested-tags/score';
import type { Job, JobStage, Library, Video } from '../lib/types';
import type { MediaApi } from '../workers/media.worker';
import type { SubtitleInput } from '../workers/transcripts/api';
import type { StoredTrack } from '../workers/transcripts/codec';
import type { Transcript } from '../workers/speech/transcribe';

/**
 * One step of indexing a video, declared in one file under `stages/` and listed in `registry.ts`:
 * its name, what must be done first, how urgent it is, and what it does. The job queue (db/jobs.ts) runs a
 * stage once its prerequisites are done for that video, highest priority first, three attempts with backoff.
 */
export interface Stage {
  name: JobStage;
  /** What the Jobs panel calls it. */
  label: string;
  /** Higher runs first. */
  priority: number;
  /** Stages of the same video that must be done before this one runs. */
  needs: readonly JobStage[];
  /** Queued only when the user asks (for a selection or a library), never by a scan. */
  onRequest?: boolean;
  run(job: Job, ctx: StageContext): Promise<void>;
}

/** A running job's signal (abort: stop, and reject with AbortError) and progress (0–100), and the tools. */
export interface StageContext extends JobContext {
  tools: PipelineTools;
}

/** A pool of media workers: `fn` runs on one; abort or overrun terminates it (the only real stop for wasm). */
export interface MediaRunner {
  run<T>(signal: AbortSignal, timeoutMs: number, what: string, fn: (media: Remote<MediaApi>) => Promise<T>): Promise<T>;
}

/** Where a pass of decoded frames goes: a port the media worker writes to and a worker reads from directly. */
export interface FrameRoutes {
  /** The search worker fingerprints what arrives on the port, as `pass` of the video. */
  toSearch(videoId: number, pass: FramePass): Promise<MessagePort>;
  /** The embed worker embeds what arrives on the port for the embedding run `token`. */
  toEmbed(videoId: number, token: number): Promise<MessagePort>;
  /** The screen-text worker reads the text in what arrives on the port, for the reading run `token`. */
  toScreenText(token: number): Promise<MessagePort>;
}

/**
 * What the stages ask of the catalog (the catalog worker's API satisfies it). Spelled out rather than picked from
 * that API's type: the catalog's job queue reads the stage registry, and the types would otherwise go round.
 */
export interface StageCatalog {
  getVideo(id: number): Promise<Video | undefined>;
  listLibraries(): Promise<Library[]>;
  getSetting(key: 'sampling'): Promise<unknown>;
  setQuickHash(videoId: number, hash: string): Promise<void>;
  saveProbe(videoId: number, probe: ProbeResult, tier: Tier): Promise<void>;
  saveThumbnail(t: {
    videoId: number;
    kind: 'poster' | 'strip' | 'scenes';
    mime: string;
    width: number;
    height: number;
    frameCount: number;
    time: number | null;
  }): Promise<void>;
  saveScenes(videoId: number, scenes: readonly Scene[]): Promise<void>;
  listScenes(videoId: number): Promise<Scene[]>;
  saveFrames(videoId: number, frames: readonly { time: number; keyframe: boolean }[]): Promise<void>;
  listFrames(videoId: number): Promise<{ time: number; keyframe: boolean }[]>;
  /** The subtitle files the last scan linked to the video. */
  listSidecars(videoId: number): Promise<{ path: string; language: string | null }[]>;
  /** Back in the queue without counting the attempt. */
  requeueJobs(ids: readonly number[]): Promise<void>;
  /** Stores a video's suggested tags, replacing those still offered; answered ones stay as the user left them. */
  saveTagSuggestions(videoId: number, modelId: string, words: readonly Suggestion[]): Promise<number>;
  /** Puts bytes in the blob store (images live there, not in the database). */
  blobPut(key: string, bytes: Uint8Array): Promise<void>;
}

/** What the stages ask of the search worker (src/workers/search.worker.ts). */
export interface SearchIndexing {
  /** A stage starts handing on `pass` of the video's frames: earlier frames of that pass are forgotten. */
  begin(videoId: number, pass: FramePass): Promise<void>;
  /** Stores the fingerprints of the pass handed on (the dense samples join the stored key frames). */
  commit(videoId: number, libraryId: number, pass: FramePass): Promise<{ frames: number; rejected: number }>;
}

/** What the embeddings stage asks of the embed worker (src/workers/embed.worker.ts). */
export interface EmbedIndexing {
  hasEmbeddings(videoId: number, modelId: string): Promise<boolean>;
  /** Starts an embedding run of the planned frames; returns its token. */
  begin(videoId: number, modelId: string, plan: EmbedFrame[]): Promise<number>;
  /** Stores the run's vectors; rejects with ModelChangedError when the model moved on meanwhile. */
  commit(videoId: number, libraryId: number, token: number): Promise<number>;
  /**
   * The vocabulary words the video's stored vectors of `modelId` show, or null when it has none of that model;
   * rejects with ModelChangedError when another model is loaded.
   */
  suggestTags(videoId: number, modelId: string): Promise<Suggestion[] | null>;
}

/** What the subtitle stages ask of the transcript worker (src/workers/transcripts.worker.ts). */
export interface TranscriptIndexing {
  /** Parses the inputs and stores them as the video's tracks from `source`, replacing what that source had. */
  storeSubtitles(
    videoId: number,
    libraryId: number,
    source: 'sidecar' | 'embedded',
    inputs: SubtitleInput[],
  ): Promise<{ cues: number; warnings: string[] }>;
  /** Replaces the video's tracks from `source` with `tracks` (the speech stage stores what it heard this way). */
  storeTracks(videoId: number, libraryId: number, source: 'speech', tracks: StoredTrack[]): Promise<void>;
  /** The video's tracks from every source. */
  tracks(videoId: number): Promise<StoredTrack[]>;
}

/** What the read-text stage asks of the screen-text worker (src/workers/screen-text.worker.ts). */
export interface ScreenTextIndexing {
  /** Starts reading a video's frames; returns the run's token. */
  begin(videoId: number, opts?: ReadingOptions): Promise<number>;
  /** Stores the run's text as the video's, each frame's text lasting `step` seconds at most. */
  commit(libraryId: number, token: number, step: number): Promise<unknown>;
  /** Forgets a run cut short. */
  cancel(token: number): Promise<void>;
}

/** The speech model the user chose, as the transcribe stage needs it. */
export interface SpeechModelInfo {
  /** The OPFS folder it is kept in. */
  folder: string;
  /** What the caption menu calls its tracks. */
  name: string;
  /** The language to listen for (a Whisper code), or null (a multilingual Whisper then listens for English). */
  language: string | null;
}

/** Speech to text in the speech worker (src/workers/speech.worker.ts), with the chosen model loaded. */
export interface SpeechTools {
  whenRestored(): Promise<unknown>;
  /** The speech model in use now, or null when there is none. */
  active(): SpeechModelInfo | null;
  /**
   * The video's lines as the model hears them. Abort or overrun terminates the worker (the only stop for wasm):
   * nothing is kept of a transcript cut short.
   */
  transcribe(
    file: File,
    opts: { signal: AbortSignal; timeoutMs: number; onProgress(seconds: number): void },
  ): Promise<Transcript>;
}

/** The model word search uses, as the embeddings stage needs it. */
export interface ActiveModelInfo {
  modelId: string;
}

/**
 * Everything a stage may touch, handed in by the one wiring module (state/pipeline.ts) so stages import no
 * singleton: in unit tests the same stages run on a Node catalog and a media API over generated frames.
 */
export interface PipelineTools {
  db: StageCatalog;
  media: MediaRunner;
  /** The quick hash of a file (first and last 64 KiB), on a worker that abort terminates. */
  checksum(file: File, signal: AbortSignal): Promise<string>;
  /** The file of a video; throws FileGoneError, or a permission error when folder access was withdrawn. */
  openFile(video: Video): Promise<File>;
  /** Another file of the video's library by its path (a subtitle file beside it); throws as `openFile` does. */
  openPath(video: Video, path: string): Promise<File>;
  /** Folder access was refused while reading a video: its jobs wait for "Reconnect folder". */
  lostAccess(libraryId: number): void;
  routes: FrameRoutes;
  search: SearchIndexing;
  embed: EmbedIndexing;
  transcripts: TranscriptIndexing;
  screenText: ScreenTextIndexing;
  speech: SpeechTools;
  models: {
    whenRestored(): Promise<unknown>;
    /** The model in use now (it may change while a stage runs). */
    active(): ActiveModelInfo | null;
    /** Seconds between embedded frames besides the scenes' own. */
    interval(): number;
  };
}
