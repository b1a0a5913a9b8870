// Backup: the catalog (libraries, tags, collections, settings) as one SQLite file the user keeps, and restoring
// it in another browser or on another machine. Folders re-link when they are opened again there.
import { transfer } from 'comlink';
import { plural } from '../lib/format';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { toasts } from './toasts.svelte';

/** Downloads the catalog as `framefinder-catalog-YYYY-MM-DD.sqlite`. */
export async function exportBackup(): Promise<void> {
  const bytes = await catalog.db.exportBackup();
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `framefinder-catalog-${new Date().toISOString().slice(0, 10)}.sqlite`;
  link.click();
  // The download has started from the URL by now; a moment later it can go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Replaces this (empty) catalog with a backup file; throws with the reason when it is refused. */
export async function restoreBackup(file: File): Promise<void> {
  await catalog.untilWritable();
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { libraries, videos } = await catalog.db.restoreBackup(transfer(bytes, [bytes.buffer]));
  await imports.restore(await catalog.db.listLibraries(), true);
  catalog.touch();
  const what = libraries === 1 ? '1 library' : `${libraries} libraries`;
  const folders = libraries === 1 ? 'its folder' : 'their folders';
  toasts.show(`Restored ${what} with ${plural(videos, 'video')}. Open ${folders} again to index them here.`);
}
