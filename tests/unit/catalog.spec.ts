import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { migrate, schemaVersion, userVersion } from '../../src/db/schema';
import { scanStageNames } from '../../src/indexing/registry';
import { freshCatalog, file, sqlJs } from './helpers';

describe('migrations', () => {
  it('upgrades a version-1 catalog to the newest schema with its rows intact', async () => {
    const SQL = await sqlJs();
    const old = new SQL.Database();
    migrate(old, 1);
    expect(userVersion(old)).toBe(1);
    old.run(`INSERT INTO libraries (id, name, source, added_at) VALUES (1, 'Home videos', 'handle', 5)`);
    old.run(`INSERT INTO folders (id, library_id, path, name) VALUES (1, 1, '', '')`);
    old.run(
      `INSERT INTO videos (library_id, folder_id, path, name, extension, size, modified_at) VALUES (1, 1, 'a.mp4', 'a.mp4', 'mp4', 42, 7)`,
    );
    const bytes = old.export();

    const catalog = Catalog.open(SQL, bytes);
    expect(userVersion(catalog.sql.db)).toBe(schemaVersion);
    expect(schemaVersion).toBeGreaterThan(1);
    expect(catalog.listLibraries().map((l) => [l.name, l.videoCount])).toEqual([['Home videos', 1]]);
    expect(catalog.listVideos()[0]).toMatchObject({ path: 'a.mp4', size: 42, modifiedAt: 7, status: 'pending' });
    // The new schema is usable on the upgraded data.
    catalog.setSetting('jobsPaused', true);
    expect(catalog.getSetting('jobsPaused')).toBe(true);
  });

  it('refuses a catalog written by a newer app instead of damaging it', async () => {
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.run(`PRAGMA user_version = ${schemaVersion + 1}`);
    expect(() => Catalog.open(SQL, db.export())).toThrow(/newer version of Framefinder/);
  });

  it('survives export and reopen', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('Clips', 'files');
    catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('x/y/z.webm') }]);
    const again = Catalog.open(await sqlJs(), catalog.export());
    expect(again.listVideos().map((v) => v.path)).toEqual(['x/y/z.webm']);
    expect(again.listFolders(lib.id).map((f) => f.path)).toEqual(['', 'x', 'x/y']);
  });
});

describe('libraries, folders and videos', () => {
  it('builds the folder tree with direct and recursive counts', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('Trips', 'handle');
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file('root.mp4') },
      { kind: 'add', file: file('2024/beach day.mp4') },
      { kind: 'add', file: file('2024/june/café.mov') },
      { kind: 'add', file: file('2024/june/b.mkv') },
    ]);
    const folders = Object.fromEntries(catalog.listFolders(lib.id).map((f) => [f.path, [f.videoCount, f.totalCount]]));
    expect(folders).toEqual({ '': [1, 4], '2024': [1, 3], '2024/june': [2, 2] });
    const june = catalog.listFolders(lib.id).find((f) => f.path === '2024/june')!;
    expect(catalog.listVideos({ folderId: june.id }).map((v) => v.name)).toEqual(['b.mkv', 'café.mov']);
    expect(catalog.countVideos({ libraryId: lib.id })).toBe(4);
  });

  it('does not treat % or _ in folder names as wildcards', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('L', 'handle');
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file('a_b/one.mp4') },
      { kind: 'add', file: file('axb/two.mp4') },
      { kind: 'add', file: file('a_bc/three.mp4') },
    ]);
    const folder = catalog.listFolders(lib.id).find((f) => f.path === 'a_b')!;
    expect(catalog.listVideos({ folderId: folder.id }).map((v) => v.name)).toEqual(['one.mp4']);
  });

  it('removing a library forgets its rows and leaves other libraries alone', async () => {
    const { catalog } = await freshCatalog();
    const a = catalog.addLibrary('A', 'handle');
    const b = catalog.addLibrary('B', 'handle');
    catalog.applyScanOps(a.id, [{ kind: 'add', file: file('a.mp4') }]);
    catalog.applyScanOps(b.id, [{ kind: 'add', file: file('b.mp4') }]);
    catalog.removeLibrary(a.id);
    expect(catalog.listLibraries().map((l) => l.name)).toEqual(['B']);
    expect(catalog.listVideos().map((v) => v.path)).toEqual(['b.mp4']);
    expect(catalog.jobCounts().queued).toBe(scanStageNames.length);
  });

  it('tells the owner about every write so a save gets scheduled', async () => {
    let writes = 0;
    const catalog = Catalog.open(await sqlJs(), null, { onWrite: () => (writes += 1) });
    catalog.listLibraries();
    expect(writes).toBe(0);
    catalog.addLibrary('A', 'handle');
    expect(writes).toBe(1);
  });
});

describe('name filter', () => {
  it('ignores case beyond ASCII and the Unicode form a file system used', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('L', 'files');
    const decomposed = 'Cafe\u0301 U\u0308ni\u0308code.mov'; // as macOS file systems spell it
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file(decomposed) },
      { kind: 'add', file: file('other.mp4') },
    ]);
    for (const typed of ['ünïcode', 'ÜNÏCODE', 'café', 'CAFÉ Ü']) {
      expect(
        catalog.listVideos({ nameContains: typed }).map((v) => v.name),
        typed,
      ).toEqual([decomposed]);
    }
    expect(catalog.countVideos({ nameContains: 'zzz' })).toBe(0);
    // Survives the export that every save does.
    catalog.export();
    expect(catalog.countVideos({ nameContains: 'ünï' })).toBe(1);
  });
});

describe('images of a removed library', () => {
  it('are named for deletion so the blob store does not keep orphans', async () => {
    const { catalog } = await freshCatalog();
    const a = catalog.addLibrary('A', 'handle');
    const b = catalog.addLibrary('B', 'handle');
    catalog.applyScanOps(a.id, [{ kind: 'add', file: file('a.mp4') }]);
    catalog.applyScanOps(b.id, [{ kind: 'add', file: file('b.mp4') }]);
    const [va, vb] = [catalog.listVideos({ libraryId: a.id })[0], catalog.listVideos({ libraryId: b.id })[0]];
    for (const v of [va, vb]) {
      catalog.saveThumbnail({
        videoId: v.id,
        kind: 'poster',
        mime: 'image/webp',
        width: 320,
        height: 180,
        frameCount: 1,
        time: 1,
      });
    }
    expect(catalog.removeLibrary(a.id)).toEqual([`poster-${va.id}`]);
    expect(catalog.getThumbnail(vb.id, 'poster')?.blobKey).toBe(`poster-${vb.id}`);
  });
});
