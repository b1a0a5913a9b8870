import { coalesce } from '../lib/timing';
import type { Folder, Library, Video, VideoQuery } from '../lib/types';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { handleError } from './toasts.svelte';

export const pageSize = 200;

/** What the library shows: libraries, their folder trees, and the videos of the current view, a page at a time. */
class LibraryState {
  libraries = $state.raw<Library[]>([]);
  folders = $state.raw<Record<number, Folder[]>>({});
  /** The current view: a library (or all), a folder in it, and a name filter. */
  libraryId = $state<number | undefined>(undefined);
  folderId = $state<number | undefined>(undefined);
  filter = $state('');
  total = $state(0);
  loaded = $state(false);
  /** Pages of the current view's videos by page number; a page is fetched when the list nears it. */
  // Replaced whole on every change ($state.raw), never mutated, so a plain Map is the right tool here.
  pages = $state.raw<Map<number, Video[]>>(new Map());
  #generation = 0;
  #pending = new Set<number>();

  get query(): VideoQuery {
    return { libraryId: this.libraryId, folderId: this.folderId, nameContains: this.filter.trim() || undefined };
  }

  /** Re-reads libraries, folders and the current view (after any catalog change). */
  readonly refresh = coalesce(async () => {
    try {
      const db = catalog.db;
      const libraries = await db.listLibraries();
      const folders: Record<number, Folder[]> = {};
      for (const lib of libraries) folders[lib.id] = await db.listFolders(lib.id);
      if (this.libraryId !== undefined && !libraries.some((l) => l.id === this.libraryId)) this.select(undefined);
      this.libraries = libraries;
      this.folders = folders;
      // A library another tab added: find out whether its folder can be read here.
      if (libraries.some((l) => !(l.id in imports.access))) await imports.restore(libraries);
      await this.#reloadView();
      this.loaded = true;
    } catch (err) {
      handleError(err, 'Could not read the library');
    }
  }, 200);

  select(libraryId: number | undefined, folderId?: number): void {
    this.libraryId = libraryId;
    this.folderId = folderId;
    void this.#reloadView();
  }

  setFilter(text: string): void {
    this.filter = text;
    void this.#reloadView();
  }

  async #reloadView(): Promise<void> {
    const generation = ++this.#generation;
    const query = this.query;
    const [total, first] = await Promise.all([
      catalog.db.countVideos(query),
      catalog.db.listVideos({ ...query, limit: pageSize }),
    ]);
    if (generation !== this.#generation) return; // a newer view replaced this one
    // Keep pages the list already shows when they are still valid positions; refetch them lazily.
    const visible = [...this.pages.keys()].filter((p) => p > 0 && p * pageSize < total);
    this.total = total;
    this.pages = new Map([[0, first]]);
    this.#pending.clear();
    for (const p of visible) void this.ensurePage(p);
  }

  /** Fetches page `n` of the current view if it is not loaded yet. */
  async ensurePage(n: number): Promise<void> {
    if (this.pages.has(n) || this.#pending.has(n) || n * pageSize >= this.total) return;
    this.#pending.add(n);
    const generation = this.#generation;
    try {
      const rows = await catalog.db.listVideos({ ...this.query, offset: n * pageSize, limit: pageSize });
      if (generation !== this.#generation) return;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole, see `pages`
      this.pages = new Map(this.pages).set(n, rows);
    } finally {
      this.#pending.delete(n);
    }
  }

  videoAt(index: number): Video | undefined {
    return this.pages.get(Math.floor(index / pageSize))?.[index % pageSize];
  }
}

export const library = new LibraryState();
