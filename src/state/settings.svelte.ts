import { defaultSampling, type SamplingSettings } from '../lib/media/sampling';
import { defaultSearchSettings, searchSettingLimits, type SearchSettings } from '../lib/search/settings';
import type { StorageInfo } from '../lib/types';
import { catalog } from './catalog.svelte';
import { handleError } from './toasts.svelte';

class SettingsState {
  storage = $state<StorageInfo | null>(null);
  sampling = $state<SamplingSettings>({ ...defaultSampling });
  search = $state<SearchSettings>({ ...defaultSearchSettings });

  async loadSearch(): Promise<void> {
    const stored = (await catalog.db.getSetting('search', defaultSearchSettings)) as Partial<SearchSettings>;
    this.search = { ...defaultSearchSettings, ...stored };
  }

  /** Saves one search setting; it applies to the next search. */
  async setSearch<K extends keyof SearchSettings>(key: K, value: number): Promise<void> {
    const [min, max] = searchSettingLimits[key];
    if (!Number.isFinite(value)) return;
    this.search = { ...this.search, [key]: Math.min(max, Math.max(min, value)) };
    try {
      await catalog.db.setSetting('search', $state.snapshot(this.search));
    } catch (err) {
      handleError(err, 'Could not save the setting');
    }
  }

  async loadSampling(): Promise<void> {
    const stored = (await catalog.db.getSetting('sampling', defaultSampling)) as Partial<SamplingSettings>;
    this.sampling = { ...defaultSampling, ...stored };
  }

  /** Saves one indexing setting; it applies to videos indexed from now on. */
  async setSampling<K extends keyof SamplingSettings>(key: K, value: number): Promise<void> {
    const limits: Record<keyof SamplingSettings, [number, number]> = {
      keyframeInterval: [0.1, 60],
      maxKeyframes: [1, 100_000],
      maxDuration: [1, 48 * 3600],
      frameBatchSize: [1, 256],
    };
    const [min, max] = limits[key];
    if (!Number.isFinite(value)) return;
    this.sampling = { ...this.sampling, [key]: Math.min(max, Math.max(min, value)) };
    try {
      await catalog.db.setSetting('sampling', $state.snapshot(this.sampling));
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
