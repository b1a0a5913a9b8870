import { exposeDebugHandle } from '../debug-handle';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { jobs } from './jobs.svelte';
import { launches } from './launches.svelte';
import { library } from './library.svelte';
import { models } from './models.svelte';
import { speechModels } from './speech-models.svelte';
import { settings } from './settings.svelte';
import { compactStores, reindexLostSearchData, stageRunner } from './pipeline';
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
        // Decoding runs in workers and the main thread stays idle, so one job per core, at most four.
        const concurrency = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
        await jobs.start(stageRunner(concurrency), concurrency);
        const lost = await reindexLostSearchData();
        if (lost) {
          catalog.notices = [...catalog.notices, lost];
          jobs.poke();
        }
        await compactStores();
      };
      begin().catch((err) => handleError(err, 'Could not start processing'));
    });
    library.refresh();
    jobs.refresh();
    void launches.start();
    void models.whenRestored();
    void speechModels.whenRestored();
    void settings.loadSearch().catch((err) => handleError(err, 'Could not read the search settings'));
  } catch (err) {
    handleError(err, 'Framefinder could not open its catalog');
    throw err;
  }
  if (__FF_DEBUG__) exposeDebugHandle();
}
