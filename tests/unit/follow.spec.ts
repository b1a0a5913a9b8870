import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import type { Database } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import type { CatalogStore } from '../../src/db/catalog-store';
import { encodeChanges } from '../../src/db/change-log';
import { Follower } from '../../src/db/follower';
import { IdbStore, MemoryStore } from '../../src/db/persistence';
import { ReadOnlyError } from '../../src/lib/errors';
import { file, sqlJs } from './helpers';

// A read-only tab follows the writer by applying only the change files saved since it last looked (issue 16).

/** Every row of every table, in rowid order: two catalogs with the same dump hold the same data. */
function dump(db: Database): Record<string, unknown[][]> {
  const tables = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)[0].values.map(String);
  return Object.fromEntries(tables.map((t) => [t, db.exec(`SELECT * FROM "${t}" ORDER BY rowid`)[0]?.values ?? []]));
}

const bytes = (...values: number[]) => new Uint8Array(values);
const list = (files: Uint8Array[] | null) => (files ? files.map((f) => Array.from(f)) : files);

let idbNames = 0;
const stores: [string, () => Promise<CatalogStore>][] = [
  ['memory', async () => new MemoryStore()],
  ['IndexedDB', () => IdbStore.open(`follow-test-${++idbNames}`)],
];

describe.each(stores)('the %s catalog store, asked for the changes after a point', (_, openStore) => {
  it('gives the change files after it, none twice, and null once a whole image was written', async () => {
    const store = await openStore();
    await store.save(bytes(9, 9));
    const { generation } = await store.load();
    expect(await store.changesAfter(generation, 0)).toEqual([]);
    await store.append(bytes(1));
    await store.append(bytes(2));
    expect(list(await store.changesAfter(generation, 0))).toEqual([[1], [2]]);
    await store.append(bytes(3));
    expect(list(await store.changesAfter(generation, 2))).toEqual([[3]]);
    expect(list(await store.changesAfter(generation, 3))).toEqual([]);

    await store.save(bytes(8, 8));
    expect(await store.changesAfter(generation, 3)).toBeNull();
    expect(await store.changesAfter(generation, 0)).toBeNull();
    const next = await store.load();
    expect(next.generation).not.toBe(generation);
    await store.append(bytes(4));
    expect(list(await store.changesAfter(next.generation, 0))).toEqual([[4]]);
  });
});

describe('the IndexedDB catalog store', () => {
  it('says a missing change file needs a whole load rather than skip it', async () => {
    const name = 'follow-test-gap';
    const store = await IdbStore.open(name);
    await store.save(bytes(9));
    const { generation } = await store.load();
    for (const b of [1, 2, 3]) await store.append(bytes(b));
    const db = await openDB(name, 1);
    await db.delete('catalog', 'changes-000000002');
    db.close();
    expect(list(await store.changesAfter(generation, 2))).toEqual([[3]]);
    expect(await store.changesAfter(generation, 1)).toBeNull();
    expect(await store.changesAfter(generation, 0)).toBeNull();
  });

  it('tells a tab becoming the writer whether it must read the catalog again', async () => {
    // Two tabs' stores on one database: B opened the catalog; A, the writer then, saves after that.
    const name = 'follow-test-current';
    const a = await IdbStore.open(name);
    await a.save(bytes(9));
    const b = await IdbStore.open(name);
    const follower = new Follower();
    const catalog = {
      replayed: { batches: 0, failed: false },
      applyChanges: (batches: readonly Uint8Array[]) => ({ batches: batches.length, failed: false }),
    } as unknown as Catalog;
    follower.loaded(await b.load(), catalog);
    expect(await follower.current(b)).toBe(true);
    await a.append(bytes(1));
    expect(await follower.current(b)).toBe(false);
    // Following the save applies it, but B's store has not counted that file: appending now would overwrite it.
    expect(await follower.catchUp(b, catalog)).toBe(1);
    expect(await follower.current(b)).toBe(false);
    follower.loaded(await b.load(), catalog);
    expect(await follower.current(b)).toBe(true);
    await b.append(bytes(2));
    expect(list(await a.changesAfter((await a.load()).generation, 0))).toEqual([[1], [2]]);
    // A new image, or a catalog that could not be followed, always means a whole read.
    await a.save(bytes(8));
    expect(await follower.current(b)).toBe(false);
    follower.loaded(await b.load(), catalog, false);
    expect(await follower.current(b)).toBe(false);
  });

  it('opens a catalog saved before generations were kept as generation 0', async () => {
    const name = 'follow-test-old';
    const db = await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('catalog') });
    await db.put('catalog', bytes(7), 'current');
    await db.put('catalog', bytes(1), 'changes-000000001');
    db.close();
    const store = await IdbStore.open(name);
    expect((await store.load()).generation).toBe(0);
    expect(list(await store.changesAfter(0, 0))).toEqual([[1]]);
    await store.save(bytes(6));
    expect(await store.changesAfter(0, 1)).toBeNull();
  });
});

/** A writing tab and a read-only one on one store, the writer saving as the catalog worker does. */
async function twoTabs(store: CatalogStore = new MemoryStore()) {
  const SQL = await sqlJs();
  let clock = 1_700_000_000_000;
  const writer = Catalog.open(SQL, null, { now: () => (clock += 1000) });
  const lib = writer.addLibrary('Phone', 'handle');
  /** One save: just the changes, or the whole image. */
  const save = async (whole = false) => {
    const taken = writer.log.take();
    if (whole || taken.wholeImage) await store.save(writer.export());
    else await store.append(encodeChanges(taken.changes));
  };
  await save();
  const loaded = await store.load();
  const reader = Catalog.open(SQL, loaded.body, {
    beforeWrite: () => {
      throw new ReadOnlyError();
    },
  });
  const follower = new Follower();
  follower.loaded(loaded, reader);
  return { SQL, store, writer, reader, follower, lib, save };
}

describe('a read-only tab following the writer', () => {
  it('applies only the new change files and ends up with the writer’s catalog', async () => {
    const { store, writer, reader, follower, lib, save } = await twoTabs();
    writer.applyScanOps(lib.id, [
      { kind: 'add', file: file('2024/beach.mp4', 5_000_000) },
      { kind: 'add', file: file('2025/snow.mkv') },
    ]);
    writer.finishScan(lib.id);
    await save();
    expect(await follower.catchUp(store, reader)).toBe(1);
    expect(reader.listVideos({}).map((v) => v.path)).toEqual(['2024/beach.mp4', '2025/snow.mkv']);

    const [beach, snow] = writer.listVideos({}).map((v) => v.id);
    writer.tagVideos([beach, snow], ['Holiday']);
    await save();
    const holiday = writer.listTags()[0];
    writer.renameTag(holiday.id, 'Summer');
    await save();
    writer.createCollection('Keepers');
    await save();
    expect(await follower.catchUp(store, reader)).toBe(3);
    expect(reader.listTags().map((t) => t.name)).toEqual(['Summer']);
    expect(dump(reader.sql.db)).toEqual(dump(writer.sql.db));

    // Asked again with nothing new (a second message for the same save): nothing is applied twice.
    expect(await follower.catchUp(store, reader)).toBe(0);
    expect(dump(reader.sql.db)).toEqual(dump(writer.sql.db));
    // What it applied is the writer's, saved already: nothing for the read-only tab to save.
    expect(reader.log.empty).toBe(true);
  });

  it('asks for a whole load once the writer saved a whole image, and follows again after it', async () => {
    const { SQL, store, writer, reader, follower, lib, save } = await twoTabs();
    writer.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    await save();
    writer.compact(); // VACUUM: only a whole image saves it
    writer.tagVideos([1], ['after the image']);
    await save();
    expect(await follower.catchUp(store, reader)).toBeNull();

    const loaded = await store.load();
    const reloaded = Catalog.open(SQL, loaded.body, {}, loaded.changes);
    follower.loaded(loaded, reloaded);
    expect(dump(reloaded.sql.db)).toEqual(dump(writer.sql.db));
    writer.tagVideos([1], ['next']);
    await save();
    expect(await follower.catchUp(store, reloaded)).toBe(1);
    expect(dump(reloaded.sql.db)).toEqual(dump(writer.sql.db));
  });

  it('asks for a whole load when a change file is missing, never skipping it', async () => {
    const name = 'follow-test-missing';
    const { store, writer, reader, follower, lib, save } = await twoTabs(await IdbStore.open(name));
    writer.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    await save();
    writer.tagVideos([1], ['lost']);
    await save();
    writer.tagVideos([1], ['after the loss']);
    await save();
    const db = await openDB(name, 1);
    await db.delete('catalog', 'changes-000000002');
    db.close();
    expect(await follower.catchUp(store, reader)).toBeNull();
    expect(reader.listTags()).toEqual([]); // nothing applied past the gap
    expect(await follower.catchUp(store, reader)).toBeNull(); // and it stays so until a whole load
  });

  it('asks for a whole load when a change file does not apply', async () => {
    const { store, writer, reader, follower, lib, save } = await twoTabs();
    writer.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    await save();
    await store.append(encodeChanges([{ sql: 'INSERT INTO no_such_table VALUES (1)', params: [] }]));
    expect(await follower.catchUp(store, reader)).toBeNull();
    expect(reader.listVideos({}).map((v) => v.path)).toEqual(['a.mp4']); // the good one before it was applied
  });

  it('still refuses the read-only tab’s own writes', async () => {
    const { reader } = await twoTabs();
    expect(() => reader.addLibrary('sneaky', 'files')).toThrow(ReadOnlyError);
  });
});
