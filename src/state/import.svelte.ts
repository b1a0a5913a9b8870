import { proxy } from 'comlink';
import { scanStarting, type ScanOp } from '../lib/scan-diff';
import { isAbortError, isPermissionError } from '../lib/errors';
import type { Library, ScanProgress, SidecarLink } from '../lib/types';
import { embedWorker, newScanWorker, screenTextWorker, searchWorker, transcriptsWorker } from '../workers/bridge';
import type { FolderSource } from '../workers/folder-files';
import { catalog } from './catalog.svelte';
import { deleteHandle, droppedItems, loadHandle, readPermission, saveHandle } from './folder-handles';
import { handleError, toasts } from './toasts.svelte';

export type Access = 'granted' | 'prompt' | 'denied' | 'unavailable';

/** Libraries' folders: opening, choosing, dropping, reconnecting, scanning. */
class ImportState {
  scan = $state<ScanProgress | null>(null);
  /** Per library: can its files be read right now? */
  access = $state<Record<number, Access>>({});
  readonly canOpenFolder = typeof window !== 'undefined' && 'showDirectoryPicker' in window;
  #sources = new Map<number, FolderSource>();
  #scanning: AbortController | null = null;
  #queue: Promise<void> = Promise.resolve();
  /** Called after a scan adds work, so the job runner looks at the queue. */
  onWorkAdded: () => void = () => {};

  sourceOf(libraryId: number): FolderSource | undefined {
    return this.#sources.get(libraryId);
  }

  readableLibraryIds(): number[] {
    return [...this.#sources.keys()];
  }

  /**
   * Which libraries can be read without asking (handles still granted). Looks only at libraries it has not
   * seen before, unless `all`: at start, when this tab becomes the writer, and when another tab adds one.
   */
  async restore(libraries: Library[], all = false): Promise<void> {
    const access: Record<number, Access> = {};
    for (const lib of libraries) {
      const known = this.access[lib.id];
      if (this.#sources.has(lib.id)) {
        access[lib.id] = 'granted';
        continue;
      }
      if (known && !all) {
        access[lib.id] = known;
        continue;
      }
      const handle = lib.source === 'handle' ? await loadHandle(lib.id).catch(() => undefined) : undefined;
      if (!handle) {
        access[lib.id] = 'unavailable';
        continue;
      }
      const state = await readPermission(handle).catch((): PermissionState => 'denied');
      access[lib.id] = state;
      if (state === 'granted') this.#sources.set(lib.id, { kind: 'handle', root: handle });
    }
    this.access = access;
  }

  /** "Open folder": the File System Access picker; the folder can be reconnected on later visits. */
  async openFolder(): Promise<void> {
    let handle: FileSystemDirectoryHandle;
    try {
      handle = await (
        window as unknown as { showDirectoryPicker(o: object): Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker({ id: 'framefinder', mode: 'read' });
    } catch (err) {
      if (isAbortError(err)) return; // the user closed the picker
      throw err;
    }
    await this.addHandle(handle);
  }

  async addHandle(handle: FileSystemDirectoryHandle): Promise<void> {
    await catalog.untilWritable();
    const libraries = await catalog.db.listLibraries();
    for (const lib of libraries.filter((l) => l.source === 'handle')) {
      const known = await loadHandle(lib.id).catch(() => undefined);
      if (known && (await known.isSameEntry(handle))) {
        this.#attach(lib.id, { kind: 'handle', root: handle });
        return this.rescan(lib.id);
      }
    }
    // A library from a restored backup (no access stored on this device) re-links to the folder of its name.
    const orphan = await this.#unlinkedNamed(
      libraries.filter((l) => l.source === 'handle'),
      handle.name,
    );
    if (orphan) {
      await saveHandle(orphan.id, handle);
      this.#attach(orphan.id, { kind: 'handle', root: handle });
      return this.rescan(orphan.id);
    }
    const lib = await catalog.db.addLibrary(handle.name, 'handle');
    await saveHandle(lib.id, handle);
    void askToKeepData();
    this.#attach(lib.id, { kind: 'handle', root: handle });
    catalog.touch();
    return this.rescan(lib.id);
  }

  /** "Choose folder" (webkitdirectory) or dropped files: readable this visit; choosing again reconnects. */
  async addFiles(name: string, files: { path: string; file: File }[]): Promise<void> {
    await catalog.untilWritable();
    const libraries = await catalog.db.listLibraries();
    const existing = await this.#unlinkedNamed(libraries, name);
    const lib = existing ?? (await catalog.db.addLibrary(name, 'files'));
    void askToKeepData();
    this.#attach(lib.id, { kind: 'files', files });
    catalog.touch();
    return this.rescan(lib.id);
  }

  /** Files from `<input type=file webkitdirectory>`: paths start with the chosen folder's name. */
  async addInputFiles(list: FileList): Promise<void> {
    const all = [...list];
    if (all.length === 0) return;
    const root = all[0].webkitRelativePath.split('/')[0] || 'Chosen files';
    const files = all.map((file) => ({
      path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name,
      file,
    }));
    return this.addFiles(root, files);
  }

  async drop(dt: DataTransfer): Promise<void> {
    const items = await droppedItems(dt);
    for (const handle of items.handles) await this.addHandle(handle);
    for (const folder of items.folders) await this.addFiles(folder.name, folder.files);
    if (items.loose.length > 0) await this.addFiles('Dropped files', items.loose);
    if (items.handles.length + items.folders.length + items.loose.length === 0)
      toasts.show('Nothing to import in what was dropped.');
  }

  /** "Reconnect folder": asks for permission again (needs the user's click). */
  async reconnect(libraryId: number): Promise<void> {
    const handle = await loadHandle(libraryId);
    if (!handle) return;
    const state = await readPermission(handle, true);
    this.access = { ...this.access, [libraryId]: state };
    if (state !== 'granted') {
      toasts.show('Framefinder still has no access to that folder.', 'error');
      return;
    }
    this.#attach(libraryId, { kind: 'handle', root: handle });
    return this.rescan(libraryId);
  }

  async removeLibrary(libraryId: number): Promise<void> {
    if (this.scan?.libraryId === libraryId) this.cancelScan();
    // Resolves once the removal is on disk (a user's edit: see the catalog worker's EditGate).
    await catalog.db.removeLibrary(libraryId);
    await searchWorker.api.dropLibrary(libraryId).catch((err) => console.warn('Could not drop search data', err));
    await embedWorker.api.dropLibrary(libraryId).catch((err) => console.warn('Could not drop word-search data', err));
    await transcriptsWorker.api
      .dropLibrary(libraryId)
      .catch((err) => console.warn('Could not drop subtitle lines', err));
    await screenTextWorker.api
      .dropLibrary(libraryId)
      .catch((err) => console.warn('Could not drop the text read on screen', err));
    await deleteHandle(libraryId).catch(() => undefined);
    this.#sources.delete(libraryId);
    catalog.touch();
  }

  /** Reading the folder was refused: its jobs wait and the sidebar offers "Reconnect folder". */
  lostAccess(libraryId: number): void {
    if (!this.#sources.delete(libraryId)) return;
    this.access = { ...this.access, [libraryId]: 'prompt' };
    toasts.show('Framefinder lost access to a folder. Click “Reconnect folder” to continue.', 'error');
  }

  /** The library called `name` that this device has no folder access for (a chosen folder, a restored backup). */
  async #unlinkedNamed(libraries: Library[], name: string): Promise<Library | undefined> {
    for (const lib of libraries.filter((l) => l.name === name)) {
      if (lib.source === 'files' || !(await loadHandle(lib.id).catch(() => undefined))) return lib;
    }
    return undefined;
  }

  #attach(libraryId: number, source: FolderSource): void {
    this.#sources.set(libraryId, source);
    this.access = { ...this.access, [libraryId]: 'granted' };
  }

  /** Scans one library after any scan already running (scans run one at a time). */
  rescan(libraryId: number): Promise<void> {
    this.#queue = this.#queue.then(() => this.#scan(libraryId)).catch((err) => handleError(err, 'The scan stopped'));
    return this.#queue;
  }

  cancelScan(): void {
    this.#scanning?.abort();
  }

  async #scan(libraryId: number): Promise<void> {
    const source = this.#sources.get(libraryId);
    if (!source) throw new Error('Reconnect this folder first.');
    const known = await catalog.db.knownFiles(libraryId);
    // Cancel terminates the worker (the walk cannot be interrupted otherwise); what was written stays written.
    const worker = newScanWorker();
    const scanning = (this.#scanning = new AbortController());
    this.scan = scanStarting(libraryId);
    const hooks = proxy({
      progress: (p: ScanProgress) => {
        // "Scan finished" is announced below, once the catalog is on disk, never from the worker's last report.
        if (p.phase !== 'done') this.scan = p;
      },
      apply: async (ops: ScanOp[]) => {
        await catalog.db.applyScanOps(libraryId, ops);
        catalog.touch();
        this.onWorkAdded();
      },
      linkSidecars: async (links: SidecarLink[]) => {
        if ((await catalog.db.linkSidecars(libraryId, links)) > 0) this.onWorkAdded();
      },
    });
    try {
      const result = await worker.run(scanning.signal, (scan) => scan.scan(libraryId, source, known, hooks));
      // Resolves once on disk, with every batch before it: a reload right after "Scan finished" keeps it all.
      await catalog.db.finishScan(libraryId);
      this.scan = result;
      catalog.touch();
      this.onWorkAdded();
    } catch (err) {
      this.scan = this.scan && {
        ...this.scan,
        phase: isAbortError(err) ? 'cancelled' : 'failed',
        error: (err as Error).message,
      };
      if (isPermissionError(err)) {
        this.lostAccess(libraryId);
        throw new Error('Access to the folder was withdrawn. Click “Reconnect folder” to allow it again.', {
          cause: err,
        });
      }
      throw err;
    } finally {
      this.#scanning = null;
      worker.terminate();
    }
  }
}

/**
 * Once there is a library worth keeping, ask the browser not to evict it under storage pressure.
 * Chromium decides by site engagement without a prompt; Firefox may ask the user.
 */
async function askToKeepData(): Promise<void> {
  try {
    if (!(await navigator.storage?.persisted?.())) await navigator.storage?.persist?.();
  } catch {
    // Not supported here: Settings shows the state and offers the button.
  }
}

export const imports = new ImportState();
