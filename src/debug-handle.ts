// The debug handle: the app's catalog API, workers and state on `window.framefinder`, for tests and benchmarks.
// It exists only in builds made with FF_DEBUG=1 (`npm run build:test`, scripts/test.mjs, the bench scripts): a
// production build leaves it out entirely, so no page script can reach the raw catalog through it.
import { proxy } from 'comlink';
import { burnInArgs, burnInPlan } from './lib/clips/burn-in';
import { exactCutArgs, exactCutPlan } from './lib/clips/exact-cut';
import type { ClipRange } from './lib/clips/range';
import { catalog } from './state/catalog.svelte';
import { clips } from './state/clips.svelte';
import { imports } from './state/import.svelte';
import { jobs } from './state/jobs.svelte';
import { library } from './state/library.svelte';
import { models } from './state/models.svelte';
import { player } from './state/player.svelte';
import { search } from './state/search.svelte';
import { speechModels } from './state/speech-models.svelte';
import {
  embedWorker,
  newEmbedWorker,
  newMediaWorker,
  newSpeechWorker,
  newToolsWorker,
  screenTextWorker,
  searchWorker,
  transcriptsWorker,
} from './workers/bridge';

const handle = () => ({
  /** The catalog worker's API, as the app itself uses it. */
  catalog: catalog.db,
  search: searchWorker.api,
  embed: embedWorker.api,
  /** Subtitle lines and "Said" search. */
  transcripts: transcriptsWorker.api,
  /** Text read on screen and "On screen" search. */
  screenText: screenTextWorker.api,
  newEmbedWorker,
  /** A media worker of its own (the decode tests ask it for frames directly). */
  newMediaWorker,
  /** A speech worker of its own (the speech benchmark decodes and transcribes with it directly). */
  newSpeechWorker,
  state: { catalog, library, imports, jobs, search, player, models, speechModels, clips },
  /** The commands a burn-in and an exact cut run (the tools benchmark runs the same on native ffmpeg). */
  tools: { burnInPlan, burnInArgs, exactCutPlan, exactCutArgs, reencode },
});

/**
 * Re-encodes `range` of `file` whole, as H.264 in MP4 in memory, and says how long it took (seconds) and how big the
 * result is: with WebCodecs (the smart cut's encode path) or ffmpeg.wasm with libx264 (the exact cut). The tools
 * benchmark compares both with native ffmpeg; the app itself only re-encodes a whole range when a cut asks for it.
 */
async function reencode(file: File, range: ClipRange, engine: 'webcodecs' | 'ffmpeg') {
  const worker = newToolsWorker();
  const quiet = proxy(() => undefined);
  try {
    const started = performance.now();
    const result =
      engine === 'webcodecs'
        ? await worker.api.smartCut(file, { kind: 'encode', range }, 'mp4', { kind: 'memory' }, quiet)
        : await worker.api.exactCut(
            file,
            exactCutPlan(range, { width: 1920, height: 1080, audioCodec: 'aac' }),
            { kind: 'memory' },
            quiet,
          );
    return { seconds: (performance.now() - started) / 1000, bytes: result.bytes?.byteLength ?? 0 };
  } finally {
    worker.terminate();
  }
}

/** What `window.framefinder` holds in a test build; tests import this type rather than copy it. */
export type FramefinderDebug = ReturnType<typeof handle>;
/** The page's `window` in a test build, as seen from `page.evaluate`. */
export type FramefinderWindow = Window & { framefinder: FramefinderDebug };

/** Puts the handle on `window.framefinder`. Call only under `if (__FF_DEBUG__)`, so production builds drop it. */
export function exposeDebugHandle(): void {
  (globalThis as unknown as { framefinder: FramefinderDebug }).framefinder = handle();
}
