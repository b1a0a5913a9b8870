// Files the operating system hands to the installed app (issue 17): "Open with Framefinder" (File Handling,
// `launchQueue`), "Share to Framefinder" (Web Share Target: the service worker keeps the POSTed files and sends
// the page to `./?shared=1`), and the manifest's shortcuts (`./?action=…`). An image is searched at once; a video
// asks whether to search for it or add it to the library.
import { SHARED_CACHE } from '../lib/launch';
import { imports } from './import.svelte';
import { isSearchableClip, isSearchableImage, search } from './search.svelte';
import { handleError, toasts } from './toasts.svelte';

interface LaunchParams {
  files: readonly FileSystemHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

class Launches {
  /** A video handed to the app, waiting for the user's choice. */
  video = $state<File | null>(null);
  /** The shortcut the app was started from: the header moves focus to its button. */
  shortcut = $state<'search-image' | 'open-folder' | null>(null);

  /** Reads what this launch brought (call once the catalog is open). */
  async start(): Promise<void> {
    const queue = (window as unknown as { launchQueue?: LaunchQueue }).launchQueue;
    queue?.setConsumer((params) => void this.#fromHandles(params.files));
    const params = new URLSearchParams(location.search);
    const action = params.get('action');
    if (action === 'search-image' || action === 'open-folder') this.shortcut = action;
    // A reload does not run the launch again.
    if (action || params.has('shared')) history.replaceState(history.state, '', location.pathname);
    if (params.has('shared')) await this.#fromShare();
  }

  /** Opens what the operating system gave: the first image is searched; a video waits for the user's choice. */
  async open(files: File[]): Promise<void> {
    const image = files.find((f) => isSearchableImage(f));
    const video = files.find((f) => isSearchableClip(f));
    if (image) return search.byFile(image);
    if (video) {
      this.video = video;
      return;
    }
    if (files.length > 0) toasts.show(`“${files[0].name}” is neither an image nor a video.`, 'error');
  }

  /** "Search for it": finds where the video comes from in the library. */
  searchVideo(): Promise<void> {
    const file = this.video;
    this.video = null;
    return file ? search.byFile(file) : Promise.resolve();
  }

  /** "Add to library": the video joins the "Opened files" library, readable this visit like chosen files. */
  async addVideo(): Promise<void> {
    const file = this.video;
    this.video = null;
    if (!file) return;
    try {
      await imports.addFiles('Opened files', [{ path: file.name, file }]);
    } catch (err) {
      handleError(err, `Could not add “${file.name}”`);
    }
  }

  dismiss(): void {
    this.video = null;
  }

  async #fromHandles(handles: readonly FileSystemHandle[]): Promise<void> {
    try {
      const files: File[] = [];
      for (const h of handles) if (h.kind === 'file') files.push(await (h as FileSystemFileHandle).getFile());
      await this.open(files);
    } catch (err) {
      handleError(err, 'Could not open the file');
    }
  }

  async #fromShare(): Promise<void> {
    try {
      const cache = await caches.open(SHARED_CACHE);
      const files: File[] = [];
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        if (response) {
          const name = decodeURIComponent(response.headers.get('X-File-Name') ?? 'shared');
          const blob = await response.blob();
          files.push(new File([blob], name, { type: blob.type }));
        }
        await cache.delete(request);
      }
      if (files.length === 0) toasts.show('Nothing arrived with the share.', 'error');
      await this.open(files);
    } catch (err) {
      handleError(err, 'Could not open what was shared');
    }
  }
}

export const launches = new Launches();
