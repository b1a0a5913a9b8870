import { exposeDebugHandle } from '../debug-handle';
import { embedWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { jobs } from './jobs.svelte';
import { library } from './library.svelte';
import { models } from './models.svelte';
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
  if (__FF_DEBUG__) exposeDebugHandle();
}
