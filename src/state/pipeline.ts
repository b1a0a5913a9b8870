// The one place that connects the indexing pipeline (src/indexing/) to the app: the catalog, the folders the
// user opened, the active model and the workers. Stages import none of these; they get them as tools here.
import { MediaPool } from '../indexing/media-pool';
import { stageOf } from '../indexing/registry';
import type { PipelineTools } from '../indexing/stage';
import type { JobHandler } from '../indexing/job-runner';
import {
  embedWorker,
  frameRoute,
  newMediaWorker,
  newScanWorker,
  screenTextWorker,
  searchWorker,
  transcriptsWorker,
} from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { models } from './models.svelte';
import { speechModels } from './speech-models.svelte';
import { plural } from '../lib/format';

async function openInLibrary(libraryId: number, path: string): Promise<File> {
  const source = imports.sourceOf(libraryId);
  if (!source) throw new Error('The folder of this video is not connected.');
  return openFile(source, path);
}

function pipelineTools(concurrency: number): PipelineTools {
  const checksums = newScanWorker();
  return {
    db: catalog.db,
    media: new MediaPool(newMediaWorker, concurrency),
    checksum: (file, signal) => checksums.run(signal, (scan) => scan.checksum(file)),
    openFile: (video) => openInLibrary(video.libraryId, video.path),
    openPath: (video, path) => openInLibrary(video.libraryId, path),
    lostAccess: (libraryId) => imports.lostAccess(libraryId),
    routes: {
      toSearch: (videoId, pass) => frameRoute((port) => searchWorker.api.receiveFrames(videoId, pass, port)),
      toEmbed: (videoId, token) => frameRoute((port) => embedWorker.api.receiveFrames(videoId, token, port)),
      toScreenText: (token) => frameRoute((port) => screenTextWorker.api.receiveFrames(token, port)),
    },
    search: searchWorker.api,
    embed: embedWorker.api,
    transcripts: transcriptsWorker.api,
    screenText: screenTextWorker.api,
    speech: {
      whenRestored: () => speechModels.whenRestored(),
      active: () => speechModels.info(),
      transcribe: (file, opts) => speechModels.run(file, opts),
    },
    models: {
      whenRestored: () => models.whenRestored(),
      active: () => models.active,
      interval: () => models.interval,
    },
  };
}

/** Runs each job through its stage, with the tools; decoding uses up to `concurrency` media workers. */
export function stageRunner(concurrency: number): JobHandler {
  const tools = pipelineTools(concurrency);
  return (job, ctx) => stageOf(job.stage).run(job, { ...ctx, tools });
}

/** Drops what belongs to videos no longer in the catalog, and rewrites segment files that are mostly dead. */
export async function compactStores(): Promise<void> {
  const live = await catalog.db.listVideoIds();
  await searchWorker.api.compact(live);
  await embedWorker.api.compact(live);
  await transcriptsWorker.api.compact(live);
  await screenTextWorker.api.compact(live);
}

/**
 * Videos the catalog calls indexed but whose fingerprints are gone from the search store (a file cut short or lost)
 * are queued again, and the damaged files rewritten without the broken part; returns what to tell the user, or null when nothing was missing.
 */
export async function reindexLostSearchData(): Promise<string | null> {
  const { indexed, damaged } = await searchWorker.api.repair();
  const lost = await catalog.db.requeueUnindexed(indexed, damaged);
  if (lost.length === 0) return null;
  const they = lost.length === 1 ? 'it is' : 'they are';
  return `The search data of ${plural(lost.length, 'video')} was damaged and has been dropped: ${they} being indexed again.`;
}
