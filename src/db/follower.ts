import type { Catalog } from './catalog';
import type { CatalogStore, LoadedCatalog } from './catalog-store';

/**
 * A read-only tab's place in the writer's saves: which image its catalog was opened from and how many change files
 * after it are applied. On each of the writer's saves it applies only the change files saved since (a few hundred
 * bytes for a tag edit) instead of reading and opening the whole catalog again (half a second at 10,000 videos,
 * issue 16).
 */
export class Follower {
  #at: { generation: number; count: number } | null = null;

  /** After a whole load: `catalog` was opened from `loaded` (or from nothing it can follow, when `followable` is false). */
  loaded(loaded: LoadedCatalog, catalog: Catalog, followable = true): void {
    const whole = followable && !catalog.replayed.failed;
    this.#at = whole ? { generation: loaded.generation, count: loaded.changes.length } : null;
  }

  /**
   * Whether nothing was saved since the catalog was loaded, as the store itself counts it too: then a tab becoming the
   * writer may go on with what it has, instead of reading and opening the whole catalog a second time while it starts
   * (a second at 100,000 videos). The store must have read up to the same file (a read-only tab that followed saves
   * since has applied files the store has not counted: its next append would overwrite one).
   */
  async current(store: CatalogStore): Promise<boolean> {
    const at = this.#at;
    if (!at || at.count !== store.pending.files) return false;
    const later = await store.changesAfter(at.generation, at.count);
    return later !== null && later.length === 0;
  }

  /**
   * Applies to `catalog` the change files saved since, and says how many it applied; null when only a whole load can
   * catch up (a new image, a missing or damaged file, a batch that does not apply). Calls must not overlap: two at
   * once would apply the same file twice.
   */
  async catchUp(store: CatalogStore, catalog: Catalog): Promise<number | null> {
    const at = this.#at;
    if (!at) return null;
    const batches = await store.changesAfter(at.generation, at.count);
    if (!batches) return (this.#at = null);
    const applied = catalog.applyChanges(batches);
    if (applied.failed) return (this.#at = null);
    at.count += applied.batches;
    return applied.batches;
  }
}
