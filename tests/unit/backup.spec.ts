import { describe, expect, it } from 'vitest';
import { NotABackupError, openBackup } from '../../src/db/backup';
import { schemaVersion } from '../../src/db/schema';
import { drainJobs, file, freshCatalog, sqlJs } from './helpers';

describe('catalog backup', () => {
  it('restores libraries, tags and collections, and queues the work again for the new device', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('Trips', 'handle');
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file('a.mp4') },
      { kind: 'add', file: file('b.mp4') },
    ]);
    drainJobs(catalog);
    const [a, b] = catalog.listVideos().map((v) => v.id);
    catalog.tagVideos([a], ['Beach']);
    const picks = catalog.createCollection('Picks');
    catalog.addToCollection(picks.id, [b, a]);
    catalog.saveThumbnail({
      videoId: a,
      kind: 'poster',
      mime: 'image/webp',
      width: 4,
      height: 4,
      frameCount: 1,
      time: 0,
    });
    expect(catalog.jobCounts().queued).toBe(0);

    const restored = openBackup(await sqlJs(), catalog.export(), {});
    expect(restored.listLibraries().map((l) => [l.name, l.videoCount])).toEqual([['Trips', 2]]);
    expect(restored.listTags().map((t) => t.name)).toEqual(['Beach']);
    expect(restored.listCollectionVideos(picks.id).map((v) => v.id)).toEqual([b, a]);
    // Images live in the other device's storage: none are claimed here, and every stage runs again.
    expect(restored.getThumbnail(a, 'poster')).toBeUndefined();
    expect(restored.jobCounts().queued).toBe(catalog.jobCounts().done);
  });

  it('refuses a file that is not a catalog, and a catalog from a newer app', async () => {
    const SQL = await sqlJs();
    expect(() => openBackup(SQL, new TextEncoder().encode('not a database at all'), {})).toThrow(NotABackupError);
    const other = new SQL.Database();
    other.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    other.run('PRAGMA user_version = 3');
    expect(() => openBackup(SQL, other.export(), {})).toThrow(NotABackupError);
    const { catalog } = await freshCatalog();
    catalog.sql.run(`PRAGMA user_version = ${schemaVersion + 1}`);
    expect(() => openBackup(SQL, catalog.export(), {})).toThrow(/newer version of Framefinder/);
  });
});
