// Settings → Maintenance: how big the catalog and the search data have grown, and the two ways to shrink them
// (prune the job history, compact). A smaller catalog is saved whole, and opens, faster (issue 16).
import { formatBytes, plural } from '../lib/format';
import { embedWorker, screenTextWorker, searchWorker, transcriptsWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { compactStores } from './pipeline';
import { handleError } from './toasts.svelte';

/** What the Maintenance section shows, in bytes and jobs. */
export interface StorageSizes {
  catalog: number;
  /** Space in the catalog that deleted rows left: compacting gives it back. */
  catalogFree: number;
  /** Fingerprints (image and clip search), embeddings (word search), transcripts, text on screen: segment files in OPFS. */
  fingerprints: number;
  embeddings: number;
  transcripts: number;
  screenText: number;
  /** Superseded or removed videos' data in those files: compacting gives it back. */
  indexDead: number;
  /** Finished jobs old enough to prune. */
  prunableJobs: number;
}

class Maintenance {
  sizes = $state.raw<StorageSizes | null>(null);
  /** What is running ('prune' or 'compact'), for the buttons and the progress bar. */
  busy = $state<'prune' | 'compact' | null>(null);
  /** What the last action is doing, or what it did: shown in a live region. */
  message = $state('');

  async refresh(): Promise<StorageSizes | null> {
    try {
      const [db, prunableJobs, search, embed, transcripts, screenText] = await Promise.all([
        catalog.db.size(),
        catalog.db.prunableJobs(),
        searchWorker.api.stats(),
        embedWorker.api.stored(),
        transcriptsWorker.api.stored(),
        screenTextWorker.api.stored(),
      ]);
      this.sizes = {
        catalog: db.bytes,
        catalogFree: db.freeBytes,
        fingerprints: search.stored.bytes,
        embeddings: embed.bytes,
        transcripts: transcripts.bytes,
        screenText: screenText.bytes,
        indexDead: search.stored.deadBytes + embed.deadBytes + transcripts.deadBytes + screenText.deadBytes,
        prunableJobs,
      };
    } catch (err) {
      handleError(err, 'Could not read the storage sizes');
    }
    return this.sizes;
  }

  /** Deletes finished jobs older than 30 days (failed ones stay, with their reasons). */
  async pruneJobs(): Promise<void> {
    await this.#run('prune', 'Could not prune the job history', async () => {
      this.message = 'Pruning the job history…';
      const pruned = await catalog.db.pruneJobHistory();
      await this.refresh();
      this.message =
        pruned === 0
          ? 'Nothing to prune: no job finished more than 30 days ago.'
          : `Pruned ${plural(pruned, 'finished job')} older than 30 days. Compact to make the catalog smaller on disk.`;
    });
  }

  /** Rewrites the catalog without its free space (VACUUM) and the segment files without their dead data. */
  async compact(): Promise<void> {
    await this.#run('compact', 'Could not compact', async () => {
      const before = this.sizes ?? (await this.refresh());
      this.message = 'Compacting the catalog…';
      await catalog.db.compact();
      this.message = 'Compacting the search data…';
      await compactStores();
      const after = await this.refresh();
      if (!before || !after) {
        this.message = 'Compacted.';
        return;
      }
      const index = (s: StorageSizes) => s.fingerprints + s.embeddings + s.transcripts + s.screenText;
      this.message =
        `Compacted: the catalog went from ${formatBytes(before.catalog)} to ${formatBytes(after.catalog)}, ` +
        `the search data from ${formatBytes(index(before))} to ${formatBytes(index(after))}.`;
    });
  }

  async #run(kind: 'prune' | 'compact', failure: string, work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = kind;
    try {
      await work();
    } catch (err) {
      this.message = `${failure}.`;
      handleError(err, failure);
    } finally {
      this.busy = null;
    }
  }
}

export const maintenance = new Maintenance();
