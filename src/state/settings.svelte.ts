import type { StorageInfo } from '../lib/types';
import { catalog } from './catalog.svelte';
import { handleError } from './toasts.svelte';

class SettingsState {
  storage = $state<StorageInfo | null>(null);

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
