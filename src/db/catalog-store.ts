import type { StorageInfo } from '../lib/types';

/**
 * Where the catalog lives between visits: a whole database image, and after it the changes of every later save
 * (see change-log.ts), so a save writes what changed, not the whole catalog again.
 */
export interface CatalogStore {
  readonly backend: StorageInfo['backend'];
  /** The newest intact image (null on a first visit), the changes saved after it, and how many saved files were damaged. */
  load(): Promise<LoadedCatalog>;
  /** Writes a new whole image without touching the last good one until it is complete; the change log starts over. */
  save(body: Uint8Array): Promise<void>;
  /** Writes one save's changes after the last image. */
  append(changes: Uint8Array): Promise<void>;
  /**
   * For a read-only tab that has applied image `generation` and its first `count` change files: the change files
   * saved since, oldest first; null when only a whole load can catch up (a newer image was written, or a file is
   * missing or damaged). Files written while this reads may be left out: the next call picks them up.
   */
  changesAfter(generation: number, count: number): Promise<Uint8Array[] | null>;
  /** What is on disk now, to decide between `append` and `save` (see `wantsImage`). */
  readonly pending: { hasImage: boolean; imageBytes: number; files: number; bytes: number };
}

export interface LoadedCatalog {
  body: Uint8Array | null;
  /** Each later save's changes, oldest first: apply them in order to `body`. */
  changes: Uint8Array[];
  /** Which image `body` is (a new one each whole save), for `changesAfter`. */
  generation: number;
  damaged: number;
}

/**
 * Whether the next save should write a whole image rather than `nextBytes` more of changes: when there is no
 * image to add to, or the log has grown to a quarter of the image (between 1 and 16 MB, so that opening the
 * catalog replays little) or to 200 files.
 */
export function wantsImage(pending: CatalogStore['pending'], nextBytes: number): boolean {
  if (!pending.hasImage) return true;
  const limit = Math.min(16 << 20, Math.max(1 << 20, pending.imageBytes / 4));
  return pending.files >= 200 || pending.bytes + nextBytes > limit;
}
