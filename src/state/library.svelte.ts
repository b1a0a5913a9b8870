import { coalesce } from '../lib/timing';
import type { Collection, FacetCounts, Folder, Library, Video, VideoQuery } from '../lib/types';
import { sameQuery, viewFromSearch, viewToSearch, type ViewMode } from '../lib/view';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { handleError } from './toasts.svelte';

export const pageSize = 200;
/** Pages of videos kept around the screen: 20 pages, 4,000 videos. */
const keptPages = 20;

/** The view's place: a library and a folder in it, a collection, or the Trash. */
const scopeKeys = ['libraryId', 'folderId', 'collectionId', 'trash'] as const;

function withoutScope(q: VideoQuery): VideoQuery {
  const out = { ...q };
  for (const k of scopeKeys) delete out[k];
  return out;
}

/**
 * What the library shows: libraries, their folder trees, collections, and the videos of the current view, a page
 * at a time, with the sidebar's facet counts. The view lives in the URL: a user's change is a history entry,
 * back/forward and reload restore it.
 */
class LibraryState {
  libraries = $state.raw<Library[]>([]);
  folders = $state.raw<Record<number, Folder[]>>({});
  collections = $state.raw<Collection[]>([]);
  trashCount = $state(0);
  /** The current view: scope (library and folder, a collection, or the Trash), facets, name filter and sort. */
  view = $state.raw<VideoQuery>({});
  mode = $state<ViewMode>('grid');
  /** Counts for the sidebar, computed for `view` right after its first page. */
  facets = $state.raw<FacetCounts | null>(null);
  /** Changes when the view shows other videos (not when the same view is refreshed): selections end then. */
  viewKey = $state(0);
  total = $state(0);
  loaded = $state(false);
  /** Pages of the current view's videos by page number; a page is fetched when the list nears it. */
  // Replaced whole on every change ($state.raw), never mutated, so a plain Map is the right tool here.
  pages = $state.raw<Map<number, Video[]>>(new Map());
  #generation = 0;
  #pending = new Set<number>();
  /** The query `pages` hold the videos of. */
  #shown: VideoQuery | null = null;
  /** Pages the screen shows or nears; a refresh refetches these and drops the rest. */
  #near = { first: 0, last: 0 };
  /** The last change was typing in the name filter: the next keystroke replaces its history entry. */
  #typing = false;

  constructor() {
    if (typeof window === 'undefined') return;
    this.#fromUrl();
    addEventListener('popstate', () => {
      this.#fromUrl();
      this.#typing = false;
      void this.#reloadView();
    });
  }

  get libraryId(): number | undefined {
    return this.view.libraryId;
  }

  get folderId(): number | undefined {
    return this.view.folderId;
  }

  get filter(): string {
    return this.view.nameContains ?? '';
  }

  get query(): VideoQuery {
    return this.view;
  }

  /** The collection the view shows, if any. */
  get collection(): Collection | undefined {
    const id = this.view.collectionId;
    return id === undefined ? undefined : this.collections.find((c) => c.id === id);
  }

  /** Re-reads libraries, folders and the current view (after any catalog change). */
  readonly refresh = coalesce(async () => {
    try {
      const db = catalog.db;
      const [libraries, collections, trashCount] = await Promise.all([
        db.listLibraries(),
        db.listCollections(),
        db.countTrash(),
      ]);
      const folders: Record<number, Folder[]> = {};
      for (const lib of libraries) folders[lib.id] = await db.listFolders(lib.id);
      // A library or collection the view names is gone (removed, or a stale URL): show everything instead.
      const { libraryId, collectionId } = this.view;
      if (
        (libraryId !== undefined && !libraries.some((l) => l.id === libraryId)) ||
        (collectionId !== undefined && !collections.some((c) => c.id === collectionId))
      )
        this.setView(withoutScope(this.view), { replace: true });
      this.libraries = libraries;
      this.folders = folders;
      this.collections = collections;
      this.trashCount = trashCount;
      // A library another tab added: find out whether its folder can be read here.
      if (libraries.some((l) => !(l.id in imports.access))) await imports.restore(libraries);
      await this.#reloadView();
      this.loaded = true;
    } catch (err) {
      handleError(err, 'Could not read the library');
    }
  }, 200);

  /** Shows a library (all of them: undefined) or a folder in it; facets, name filter and sort stay. */
  select(libraryId: number | undefined, folderId?: number): void {
    this.setView({ ...withoutScope(this.view), libraryId, folderId });
  }

  /** Shows a collection whole, in its own order (filters picked elsewhere do not follow into it). */
  showCollection(collectionId: number): void {
    this.setView({ collectionId });
  }

  /** Shows the Trash whole, most recently removed first. */
  showTrash(): void {
    this.setView({ trash: true });
  }

  setFilter(text: string): void {
    // One history entry per typing session, not per keystroke.
    const replace = this.#typing;
    this.setView({ ...this.view, nameContains: text || undefined }, { replace });
    this.#typing = true;
  }

  /** A change the user made: a new history entry, unless `replace`. */
  setView(view: VideoQuery, opts: { replace?: boolean } = {}): void {
    this.#typing = false;
    this.view = view;
    this.#toUrl(!opts.replace);
    void this.#reloadView();
  }

  setMode(mode: ViewMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.#typing = false;
    this.#toUrl(true);
  }

  #fromUrl(): void {
    const view = viewFromSearch(location.search);
    this.view = view.query;
    this.mode = view.mode;
  }

  #toUrl(push: boolean): void {
    const search = viewToSearch({ query: this.view, mode: this.mode }, location.search);
    const url = `${location.pathname}${search ? `?${search}` : ''}${location.hash}`;
    if (url === `${location.pathname}${location.search}${location.hash}`) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  async #reloadView(): Promise<void> {
    const generation = ++this.#generation;
    const query = this.view;
    const [total, first] = await Promise.all([
      catalog.db.countVideos(query),
      catalog.db.listVideos({ ...query, limit: pageSize }),
    ]);
    if (generation !== this.#generation) return; // a newer view replaced this one
    const same = this.#shown !== null && sameQuery(query, this.#shown);
    this.#shown = query;
    // The same view refreshed: pages near the screen stay on it (stale for a moment) and are fetched again, so
    // nothing flickers while jobs finish. Another view starts from its first page.
    const near = (p: number) => p > 0 && p * pageSize < total && p >= this.#near.first && p <= this.#near.last;
    const kept = same ? [...this.pages].filter(([p]) => near(p)) : [];
    this.total = total;
    this.pages = new Map([[0, first], ...kept]);
    this.#pending.clear();
    if (!same) this.viewKey += 1;
    for (const [p] of kept) void this.#fetchPage(p, generation);
    try {
      const facets = await catalog.db.facetCounts(query);
      if (generation === this.#generation) this.facets = facets;
    } catch (err) {
      handleError(err, 'Could not count the facets');
    }
  }

  /** Fetches the pages holding videos `first` to `last` (exclusive) and remembers them as the ones near the screen. */
  ensureRange(first: number, last: number): void {
    this.#near = { first: Math.floor(first / pageSize), last: Math.floor(Math.max(first, last - 1) / pageSize) };
    // Pages far from the screen are let go (fetched again if it comes back): memory stays flat on a big library.
    if (this.pages.size > keptPages) {
      const { first: a, last: b } = this.#near;
      const kept = [...this.pages].filter(([p]) => p === 0 || (p >= a - keptPages / 2 && p <= b + keptPages / 2));
      if (kept.length < this.pages.size) this.pages = new Map(kept);
    }
    for (let p = this.#near.first; p <= this.#near.last; p++) void this.ensurePage(p);
  }

  /** The ids of videos `from` to `to` (inclusive, either order), fetching the pages they are on. */
  async idsInRange(from: number, to: number): Promise<number[]> {
    const [a, b] = [Math.max(0, Math.min(from, to)), Math.min(this.total - 1, Math.max(from, to))];
    const generation = this.#generation;
    for (let p = Math.floor(a / pageSize); p <= Math.floor(b / pageSize); p++) await this.ensurePage(p);
    if (generation !== this.#generation) return [];
    const ids: number[] = [];
    for (let i = a; i <= b; i++) {
      const video = this.videoAt(i);
      if (video) ids.push(video.id);
    }
    return ids;
  }

  /** Every video id of the view, in order. */
  async allIds(): Promise<number[]> {
    return (await catalog.db.listVideos(this.view)).map((v) => v.id);
  }

  /** Fetches page `n` of the current view if it is not loaded yet. */
  async ensurePage(n: number): Promise<void> {
    if (this.pages.has(n) || this.#pending.has(n) || n * pageSize >= this.total) return;
    await this.#fetchPage(n, this.#generation);
  }

  async #fetchPage(n: number, generation: number): Promise<void> {
    this.#pending.add(n);
    try {
      const rows = await catalog.db.listVideos({ ...this.view, offset: n * pageSize, limit: pageSize });
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
