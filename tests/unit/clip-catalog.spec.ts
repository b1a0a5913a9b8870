import { describe, expect, it } from 'vitest';
import type { SavedClip } from '../../src/lib/clips/types';
import { file, freshCatalog } from './helpers';

async function libraryWithBeach() {
  const { catalog, clock } = await freshCatalog();
  const lib = catalog.addLibrary('Holidays', 'handle');
  catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('beach.mp4', 5000) }]);
  const parent = catalog.listVideos({ libraryId: lib.id })[0];
  const clip: SavedClip = {
    libraryId: lib.id,
    path: 'Clips/beach 0-12-41 to 0-12-55.mp4',
    size: 900,
    modifiedAt: 2000,
    parentId: parent.id,
    parentName: parent.name,
    range: { start: 761, end: 775.5 },
  };
  return { catalog, clock, lib, parent, clip };
}

describe('a saved clip in the catalog', () => {
  it('is a video of the library at once, in the Clips folder, with its indexing queued', async () => {
    const { catalog, lib, clip } = await libraryWithBeach();
    const id = catalog.addClip(clip);
    const v = catalog.getVideo(id)!;
    expect(v).toMatchObject({ name: 'beach 0-12-41 to 0-12-55.mp4', path: clip.path, size: 900, status: 'pending' });
    expect(catalog.listFolders(lib.id).map((f) => f.path)).toContain('Clips');
    const before = catalog.jobCounts().queued;
    expect(before).toBeGreaterThan(0);
    expect(catalog.claimJobs(50).filter((j) => j.videoId === id).length).toBeGreaterThan(0);
  });

  it('remembers its parent and range, and a rescan that finds the file takes it as known', async () => {
    const { catalog, lib, parent, clip } = await libraryWithBeach();
    const id = catalog.addClip(clip);
    expect(catalog.clipOrigin(id)).toMatchObject({
      parentId: parent.id,
      parentName: 'beach.mp4',
      range: { start: 761, end: 775.5 },
    });
    expect(catalog.clipsOf(parent.id)).toEqual([id]);
    expect(catalog.clipOrigin(parent.id)).toBeUndefined();
    const known = catalog.knownFiles(lib.id).find((k) => k.path === clip.path);
    expect(known).toMatchObject({ id, size: 900, modifiedAt: 2000 });
  });

  it('keeps the parent’s name once the parent has left the catalog', async () => {
    const { catalog, lib, parent, clip } = await libraryWithBeach();
    const id = catalog.addClip(clip);
    catalog.sql.run('DELETE FROM videos WHERE id = ?', [parent.id]);
    expect(catalog.clipOrigin(id)).toMatchObject({ parentId: null, parentName: 'beach.mp4' });
    expect(catalog.listVideos({ libraryId: lib.id }).map((v) => v.id)).toEqual([id]);
  });
});
