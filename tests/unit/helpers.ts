import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { Catalog } from '../../src/db/catalog';

let SQL: Promise<SqlJsStatic> | undefined;

export function sqlJs(): Promise<SqlJsStatic> {
  return (SQL ??= initSqlJs());
}

/** A fresh in-memory catalog with a controllable clock. */
export async function freshCatalog(start = 1_700_000_000_000) {
  const clock = { now: start };
  const catalog = Catalog.open(await sqlJs(), null, { now: () => clock.now });
  return { catalog, clock };
}

export const file = (path: string, size = 1000, modifiedAt = 1000) => ({ path, size, modifiedAt });

/** Runs every job the queue will hand out (prerequisites first), marking each done. */
export function drainJobs(catalog: Catalog): number {
  let n = 0;
  for (let jobs = catalog.claimJobs(100); jobs.length > 0; jobs = catalog.claimJobs(100)) {
    for (const job of jobs) catalog.completeJob(job.id);
    n += jobs.length;
  }
  return n;
}
