import type { Database } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { ChangeLog, decodeChanges, encodeChanges } from '../../src/db/change-log';
import { wantsImage } from '../../src/db/catalog-store';
import { drainJobs, file, sqlJs } from './helpers';

/** Every row of every table, in rowid order: two catalogs with the same dump hold the same data. */
function dump(db: Database): Record<string, unknown[][]> {
  const tables = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)[0].values.map(String);
  return Object.fromEntries(tables.map((t) => [t, db.exec(`SELECT * FROM "${t}" ORDER BY rowid`)[0]?.values ?? []]));
}

/** A catalog as the worker keeps one: saved whole once, then each save's changes as one batch. */
async function savedCatalog() {
  const SQL = await sqlJs();
  let clock = 1_700_000_000_000;
  const catalog = Catalog.open(SQL, null, { now: () => (clock += 1000) });
  const lib = catalog.addLibrary('Phone', 'handle');
  expect(catalog.log.take().wholeImage).toBe(true); // a new catalog is saved whole
  const image = catalog.export();
  const batches: Uint8Array[] = [];
  const save = () => batches.push(encodeChanges(catalog.log.take().changes));
  return { SQL, catalog, lib, image, batches, save };
}

describe('the catalog change log', () => {
  it('replayed on the saved image, rebuilds the catalog a year of use makes', async () => {
    const { SQL, catalog, lib, image, batches, save } = await savedCatalog();
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file('2024/beach.mp4', 5_000_000) },
      { kind: 'add', file: file('2024/Crème brûlée “party”.mov', 7_000_000) },
      { kind: 'add', file: file('2025/snow.mkv') },
    ]);
    catalog.finishScan(lib.id);
    save();
    drainJobs(catalog);
    const [beach, party, snow] = catalog.listVideos({}).map((v) => v.id);
    catalog.tagVideos([beach, party], ['Holiday', 'Été']);
    const holiday = catalog.listTags().find((t) => t.name === 'Holiday')!;
    catalog.untagVideos([party], [holiday.id]);
    const keep = catalog.createCollection('Keepers');
    catalog.addToCollection(keep.id, [snow, beach]);
    catalog.moveInCollection(keep.id, beach, 0);
    save();
    catalog.removeVideos([party]);
    catalog.saveFrames(snow, [
      { time: 0, keyframe: true },
      { time: 0.5, keyframe: false },
    ]);
    catalog.setSetting('jobsPaused', true);
    catalog.removeLibrary(catalog.addLibrary('Later', 'files').id); // ids used and freed: replay must agree
    catalog.addLibrary('Camera', 'files');
    save();

    const reopened = Catalog.open(SQL, image, {}, batches);
    expect(reopened.replayed).toEqual({ batches: 3, failed: false });
    expect(dump(reopened.sql.db)).toEqual(dump(catalog.sql.db));
    expect(reopened.log.empty).toBe(true); // nothing to save again
  });

  it('logs a transaction only once it commits', async () => {
    const { catalog } = await savedCatalog();
    expect(() =>
      catalog.sql.transaction(() => {
        catalog.sql.run(`INSERT INTO tags (name) VALUES ('rolled back')`);
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(catalog.log.empty).toBe(true);
    catalog.sql.transaction(() => catalog.sql.run(`INSERT INTO tags (name) VALUES ('kept')`));
    expect(catalog.log.take().changes).toEqual([{ sql: `INSERT INTO tags (name) VALUES ('kept')`, params: [] }]);
  });

  it('asks for a whole image after VACUUM, and keeps a failed save’s changes ahead of newer ones', async () => {
    const { catalog } = await savedCatalog();
    catalog.compact();
    const log = catalog.log;
    expect(log.wholeImage).toBe(true);
    const taken = log.take();
    expect(log.empty).toBe(true);
    log.add([{ sql: 'B', params: [] }]);
    log.putBack({ changes: [{ sql: 'A', params: [] }], wholeImage: taken.wholeImage });
    expect(log.take()).toEqual({
      changes: [
        { sql: 'A', params: [] },
        { sql: 'B', params: [] },
      ],
      wholeImage: true,
    });
  });

  it('encodes bytes, non-finite numbers and named parameters exactly', () => {
    const changes = [
      { sql: 'INSERT INTO t VALUES (?, ?, ?, ?)', params: [new Uint8Array([0, 255, 7]), NaN, -Infinity, null] },
      { sql: 'UPDATE t SET a = :a', params: { ':a': 'ünïcode ✓' } },
      { sql: 'INSERT INTO t VALUES (?, ?, ?, ?)', params: [new Uint8Array(100_000).fill(9), 1.5, 0, 'x'] },
    ];
    expect(decodeChanges(encodeChanges(changes))).toEqual(changes);
  });

  it('stops at a batch that does not apply, keeps what came before and asks for a whole image', async () => {
    const { SQL, catalog, lib, image, batches, save } = await savedCatalog();
    catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    save();
    batches.push(encodeChanges([{ sql: 'INSERT INTO no_such_table VALUES (1)', params: [] }]));
    catalog.tagVideos([1], ['never']);
    save();
    const reopened = Catalog.open(SQL, image, {}, batches);
    expect(reopened.replayed).toEqual({ batches: 1, failed: true });
    expect(reopened.listVideos({}).map((v) => v.path)).toEqual(['a.mp4']);
    expect(reopened.listTags()).toEqual([]);
    expect(reopened.log.wholeImage).toBe(true);
  });

  it('is saved as changes until it outgrows a quarter of the image, within 1 and 16 MB', () => {
    const MB = 1 << 20;
    const on = (imageBytes: number, bytes: number, files = 1) => ({ hasImage: true, imageBytes, files, bytes });
    expect(wantsImage({ ...on(0, 0), hasImage: false }, 10)).toBe(true);
    expect(wantsImage(on(100 * MB, 10 * MB), 1000)).toBe(false);
    expect(wantsImage(on(100 * MB, 16 * MB), 1000)).toBe(true);
    expect(wantsImage(on(40 * MB, 9 * MB), 2 * MB)).toBe(true);
    expect(wantsImage(on(100_000, 0), 900_000)).toBe(false);
    expect(wantsImage(on(100_000, 0), 1.1 * MB)).toBe(true);
    expect(wantsImage(on(100 * MB, 0, 199), 10)).toBe(false);
    expect(wantsImage(on(100 * MB, 0, 200), 10)).toBe(true);
  });

  it('a new log is empty and a read logs nothing', async () => {
    const { catalog } = await savedCatalog();
    catalog.listVideos({});
    catalog.facetCounts({});
    expect(new ChangeLog().empty).toBe(true);
    expect(catalog.log.empty).toBe(true);
  });
});
