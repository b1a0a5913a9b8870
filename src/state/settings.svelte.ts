import { defaultSampling, type SamplingSettings } from '../lib/media/sampling';
import { defaultSearchSettings, type SearchSettings } from '../lib/search/settings';
import { readSettings, saveSettings, validSetting, type GroupField } from '../lib/settings';
import type { StorageInfo } from '../lib/types';
import { catalog } from './catalog.svelte';
import { handleError } from './toasts.svelte';

class SettingsState {
  storage = $state<StorageInfo | null>(null);
  sampling = $state<SamplingSettings>({ ...defaultSampling });
  search = $state<SearchSettings>({ ...defaultSearchSettings });

  async loadSearch(): Promise<void> {
    this.search = await readSettings(catalog.db, 'search');
  }

  /** Saves one search setting, within its bounds; it applies to the next search. */
  async setSearch(name: GroupField<'search'>, value: number): Promise<void> {
    if (!Number.isFinite(value)) return;
    this.search = validSetting('search', { ...this.search, [name]: value });
    await this.#save(() => saveSettings(catalog.db, 'search', $state.snapshot(this.search)));
  }

  async loadSampling(): Promise<void> {
    this.sampling = await readSettings(catalog.db, 'sampling');
  }

  /** Saves one indexing setting, within its bounds; it applies to videos indexed from now on. */
  async setSampling(name: GroupField<'sampling'>, value: number): Promise<void> {
    if (!Number.isFinite(value)) return;
    this.sampling = validSetting('sampling', { ...this.sampling, [name]: value });
    await this.#save(() => saveSettings(catalog.db, 'sampling', $state.snapshot(this.sampling)));
  }

  async #save(save: () => Promise<void>): Promise<void> {
    try {
      await save();
    } catch (err) {
      handleError(err, 'Could not save the setting');
    }
  }

  async refreshStorage(): Promise<void> {
    try {
      this.storage = await catalog.db.storage();
    } catch (err) {
      handleError(err, 'Could not read storage use');
    }
  }

  /** Asks the browser not to evict Framefinder's data under storage pressure. */
  async keepData(): Promise<void> {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    await this.refreshStorage();
    if (!granted)
      handleError(
        new Error('The browser declined; it may allow it once the app is installed or used more.'),
        'Storage is not yet persistent',
      );
  }
}

export const settings = new SettingsState();
