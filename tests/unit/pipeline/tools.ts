// PipelineTools for the stage tests: a real catalog (sql.js in Node), the real media API over a generated decode
// tier, real MessageChannels for the frame routes, and recorders where a worker of the browser would sit.
import { expose, type Remote } from 'comlink';
import type { Catalog } from '../../../src/db/catalog';
import type { PipelineTools } from '../../../src/indexing/stage';
import { AbortError } from '../../../src/lib/errors';
import type { FramePass, FrameSink, FrameSource, RgbaFrame } from '../../../src/lib/media/types';
import { quickHash } from '../../../src/lib/quick-hash';
import type { Suggestion } from '../../../src/lib/suggested-tags/score';
import type { Video } from '../../../src/lib/types';
import { mediaApi } from '../../../src/workers/media/api';
import type { MediaApi } from '../../../src/workers/media.worker';
import { searchApi } from '../../../src/workers/search/api';
import { screenTextApi } from '../../../src/workers/screen-text/api';
import { transcriptsApi } from '../../../src/workers/transcripts/api';
import { memoryBlobs } from '../memory-blobs';

export interface Recorded {
  /** Frames that reached the search worker, by `videoId:pass`. */
  searchFrames: Map<string, RgbaFrame[]>;
  commits: { videoId: number; libraryId: number; pass: FramePass }[];
  embedFrames: RgbaFrame[];
  embedRuns: { videoId: number; modelId: string; times: number[] }[];
  embedCommits: number[];
  blobs: Map<string, Uint8Array>;
  lostAccess: number[];
}

export interface ToolOptions {
  source: () => FrameSource;
  file?: (video: Video) => File;
  model?: { modelId: string } | null;
  /** Other files of the folder by path (subtitle files beside the videos). */
  files?: Record<string, Uint8Array>;
  /** What the embed worker's scoring finds in every embedded video (the suggested-tags stage). */
  suggestions?: Suggestion[];
  /** Speech to text (the transcribe stage); without it no speech model is in use. */
  speech?: PipelineTools['speech'];
}

/** Sync catalog methods as the async API the page sees across the worker boundary. */
function asyncCatalog(catalog: Catalog, blobs: Map<string, Uint8Array>): PipelineTools['db'] {
  const call =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    async (...a: A) =>
      fn(...a);
  return {
    getVideo: call(catalog.getVideo),
    listLibraries: call(catalog.listLibraries),
    getSetting: call(catalog.getSetting),
    setQuickHash: call(catalog.setQuickHash),
    saveProbe: call(catalog.saveProbe),
    saveThumbnail: call(catalog.saveThumbnail),
    saveScenes: call(catalog.saveScenes),
    listScenes: call(catalog.listScenes),
    saveFrames: call(catalog.saveFrames),
    listFrames: call(catalog.listFrames),
    listSidecars: call(catalog.listSidecars),
    requeueJobs: call(catalog.requeueJobs),
    saveTagSuggestions: call(catalog.saveTagSuggestions),
    blobPut: async (key: string, bytes: Uint8Array) => void blobs.set(key, bytes),
  } as unknown as PipelineTools['db'];
}

/** A receiving end of a frame route that keeps what arrives (and hands it on to `then`). */
function collect(into: RgbaFrame[], then: (frames: RgbaFrame[]) => void = () => {}): MessagePort {
  const { port1, port2 } = new MessageChannel();
  const sink: FrameSink = {
    frames: async (frames) => {
      into.push(...frames);
      then(frames);
    },
  };
  expose(sink, port1 as unknown as Parameters<typeof expose>[1]);
  return port2;
}

export function testTools(catalog: Catalog, opts: ToolOptions) {
  const rec: Recorded = {
    searchFrames: new Map(),
    commits: [],
    embedFrames: [],
    embedRuns: [],
    embedCommits: [],
    blobs: new Map(),
    lostAccess: [],
  };
  let model = opts.model ?? null;
  // The real search worker API, over an in-memory blob store in place of OPFS.
  const search = searchApi(async () => memoryBlobs());
  const embedded = new Map<number, string>();
  // The real transcript worker API, over its own in-memory blob store.
  const transcripts = transcriptsApi(async () => memoryBlobs());
  // No text recognition model in the stage tests: every frame reads as showing no text.
  const screenText = screenTextApi(
    async () => memoryBlobs(),
    async () => ({ read: async () => [] }),
  );
  const media = mediaApi({
    open: async () => opts.source(),
    fallback: async () => {
      throw new Error('No fallback tier in the stage tests');
    },
  }) as unknown as Remote<MediaApi>;
  const tools: PipelineTools = {
    db: asyncCatalog(catalog, rec.blobs),
    media: {
      async run(signal, _timeoutMs, _what, fn) {
        if (signal.aborted) throw new AbortError();
        return fn(media);
      },
    },
    checksum: (file) => quickHash(file),
    openFile: async (video) =>
      opts.file?.(video) ?? new File([new Uint8Array(200_000).fill(video.id)], video.name, { lastModified: 1000 }),
    openPath: async (video, path) => {
      const bytes = opts.files?.[path];
      if (!bytes) throw Object.assign(new Error(`${path} is not in the folder`), { name: 'FileGoneError' });
      return new File([bytes.slice()], path.slice(path.lastIndexOf('/') + 1));
    },
    lostAccess: (libraryId) => void rec.lostAccess.push(libraryId),
    routes: {
      async toSearch(videoId, pass) {
        const frames: RgbaFrame[] = [];
        rec.searchFrames.set(`${videoId}:${pass}`, frames);
        return collect(frames, (batch) => search.addFrames(videoId, pass, batch));
      },
      toEmbed: async () => collect(rec.embedFrames),
      async toScreenText(token) {
        const { port1, port2 } = new MessageChannel();
        screenText.receiveFrames(token, port1);
        return port2;
      },
    },
    search: {
      begin: async (videoId, pass) => search.begin(videoId, pass),
      commit: async (videoId, libraryId, pass) => {
        rec.commits.push({ videoId, libraryId, pass });
        return search.commit(videoId, libraryId, pass);
      },
    },
    embed: {
      hasEmbeddings: async (videoId, modelId) => embedded.get(videoId) === modelId,
      begin: async (videoId, modelId, plan) => rec.embedRuns.push({ videoId, modelId, times: plan.map((p) => p.time) }),
      commit: async (videoId) => {
        if (model && rec.embedRuns.at(-1)?.modelId !== model.modelId) {
          const err = new Error('The model changed while this video was embedded.');
          err.name = 'ModelChangedError';
          throw err;
        }
        embedded.set(videoId, model!.modelId);
        rec.embedCommits.push(videoId);
        return rec.embedFrames.length;
      },
      suggestTags: async (videoId, modelId) =>
        embedded.get(videoId) === modelId ? [...(opts.suggestions ?? [])] : null,
    },
    transcripts,
    screenText: {
      begin: (videoId, opts) => screenText.begin(videoId, opts),
      commit: (libraryId, token, step) => screenText.commit(libraryId, token, step),
      cancel: async (token) => screenText.cancel(token),
    },
    speech: opts.speech ?? {
      whenRestored: async () => undefined,
      active: () => null,
      transcribe: () => Promise.reject(new Error('No speech model in these stage tests')),
    },
    models: {
      whenRestored: async () => model,
      active: () => model,
      interval: () => 2,
    },
  };
  return { tools, rec, search, transcripts, setModel: (m: { modelId: string } | null) => (model = m) };
}
