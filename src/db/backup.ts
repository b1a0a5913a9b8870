import type { SqlJsStatic } from 'sql.js';
import { Catalog, type CatalogOptions } from './catalog';
import { enqueueMissingStages } from './job-history';
import { schemaVersion, userVersion } from './schema';
import { NewerCatalogError } from '../lib/errors';

/** A file that is not a Framefinder catalog backup: nothing is replaced. */
export class NotABackupError extends Error {
  override name = 'NotABackupError';
  constructor() {
    super('This file is not a Framefinder catalog backup. Nothing was changed.');
  }
}

/** Restoring replaces the whole catalog, so it is offered only while this one has no library. */
export class NotEmptyError extends Error {
  override name = 'NotEmptyError';
  constructor() {
    super('Restoring a backup replaces the whole catalog: remove the libraries here first. Nothing was changed.');
  }
}

const requiredTables = ['libraries', 'folders', 'videos', 'jobs'];

/**
 * Opens a backup (the catalog's SQLite file) as a catalog, brought up to this app's schema. The images,
 * search index and folder access of the device it came from are not in it: every video's work is queued again,
 * and runs once its folder is opened here.
 */
export function openBackup(SQL: SqlJsStatic, bytes: Uint8Array, opts: CatalogOptions): Catalog {
  let version: number;
  let tables: string[];
  try {
    const db = new SQL.Database(bytes);
    try {
      version = userVersion(db);
      tables = (db.exec(`SELECT name FROM sqlite_master WHERE type = 'table'`)[0]?.values ?? []).map((r) =>
        String(r[0]),
      );
      const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
      if (check !== 'ok') throw new NotABackupError();
    } finally {
      db.close();
    }
  } catch {
    throw new NotABackupError();
  }
  if (version < 1 || !requiredTables.every((t) => tables.includes(t))) throw new NotABackupError();
  if (version > schemaVersion) throw new NewerCatalogError(version);
  const catalog = Catalog.open(SQL, bytes, opts);
  catalog.sql.transaction(() => {
    catalog.sql.run(
      `UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, error = NULL, not_before = 0,
         started_at = NULL, finished_at = NULL`,
    );
    // Jobs pruned from the history (done long ago) are queued again too: every stage counts as missing.
    catalog.sql.run(`DELETE FROM queued_stages`);
    enqueueMissingStages(catalog.sql, (opts.now ?? Date.now)());
    catalog.sql.run(`UPDATE videos SET status = 'pending' WHERE status IN ('done', 'failed')`);
    // Posters and strips live in the other device's blob store: remade here by the queued jobs.
    catalog.sql.run(`DELETE FROM thumbnails`);
  });
  return catalog;
}
