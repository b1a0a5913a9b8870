import { embedWorker, newEmbedWorker, newMediaWorker, searchWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { jobs } from './jobs.svelte';
import { library } from './library.svelte';
import { models } from './models.svelte';
import { player } from './player.svelte';
import { search } from './search.svelte';
import { settings } from './settings.svelte';
import { compactSearchIndex, startSearchIndex } from './search-index';
import { handleError } from './toasts.svelte';

/** Starts the app: opens the catalog, restores folder access, and runs jobs once this tab is the writer. */
export async function startApp(): Promise<void> {
  try {
    await catalog.start();
    await imports.restore(await catalog.db.listLibraries(), true);
    imports.onWorkAdded = () => jobs.poke();
    catalog.whenWriter(() => {
      // A tab that takes over from a closed writer may know libraries it has never checked access to.
      const begin = async () => {
        await imports.restore(await catalog.db.listLibraries(), true);
        startSearchIndex();
        await jobs.start();
        await compactSearchIndex();
        await embedWorker.api.compact(await catalog.db.listVideoIds());
      };
      begin().catch((err) => handleError(err, 'Could not start processing'));
    });
    library.refresh();
    jobs.refresh();
    void models.whenRestored();
    void settings.loadSearch().catch((err) => handleError(err, 'Could not read the search settings'));
  } catch (err) {
    handleError(err, 'Framefinder could not open its catalog');
    throw err;
  }
  // For diagnostics, benchmarks and tests: the catalog worker's API, as the app itself uses it.
  (globalThis as unknown as { framefinder: object }).framefinder = {
    catalog: catalog.db,
    search: searchWorker.api,
    embed: embedWorker.api,
    newEmbedWorker,
    newMediaWorker,
    state: { catalog, library, imports, jobs, search, player, models },
  };
}
