import { proxy } from 'comlink';
import type { TextLanguage } from '../lib/screen-text/types';
import { screenTextWorker } from '../workers/bridge';
import { handleError, toasts } from './toasts.svelte';

/**
 * Languages for text on screen added from folders (Settings → Text on screen): a PaddleOCR recognition model and
 * its dictionary, checked and copied into the browser's storage by the screen-text worker, so they work offline.
 */
class TextLanguagesState {
  installed = $state.raw<TextLanguage[]>([]);
  copying = $state<{ copied: number; total: number } | null>(null);
  /** Why the last folder was refused, until the next one is picked. */
  note = $state('');
  async refresh(): Promise<void> {
    try {
      this.installed = await screenTextWorker.api.textLanguages();
    } catch (err) {
      handleError(err, 'Could not list the text languages');
    }
  }

  /**
   * Adds the language in a picked folder (`<input webkitdirectory>` files, under the folder's own name; a browser
   * without folder picking hands over the files alone).
   */
  async addFolder(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    this.note = '';
    this.copying = { copied: 0, total: 1 };
    try {
      const folderName = files[0].webkitRelativePath.split('/')[0] ?? '';
      const picked = files.map((file) => ({
        path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name,
        file,
      }));
      const added = await screenTextWorker.api.addTextLanguage(
        folderName,
        picked,
        proxy((copied: number, total: number) => (this.copying = { copied, total })),
      );
      toasts.show(`${added.name} can now be chosen as a library's language for text on screen.`);
      await this.refresh();
    } catch (err) {
      this.note = (err as Error).message;
      if ((err as Error).name !== 'LanguageFolderError') handleError(err, 'The language could not be added');
    } finally {
      this.copying = null;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await screenTextWorker.api.removeTextLanguage(id);
      await this.refresh();
    } catch (err) {
      handleError(err, 'Could not remove the language');
    }
  }
}

export const textLanguages = new TextLanguagesState();
