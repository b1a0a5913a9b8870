import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/db/catalog';
import { migrate } from '../../src/db/schema';
import { freshCatalog, file, sqlJs } from './helpers';
import { seededLibrary } from './library-seed';

describe('tags', () => {
  it('go on and off many videos at once, counted per tag', async () => {
    const { catalog, ids, tags, names } = await seededLibrary();
    const applied = catalog.tagVideos([ids.city, ids.night, ids.root, 9999], ['  Night   out ', 'city', 'CITY']);
    expect(applied.map((t) => [t.name, t.count])).toEqual([
      ['Night out', 3],
      ['city', 3],
    ]);
    expect(catalog.listTags().map((t) => [t.name, t.count])).toEqual([
      ['beach', 1],
      ['city', 3],
      ['family', 1],
      ['Night out', 3],
      ['Summer', 3],
    ]);
    // On a selection: how many of the selected videos carry each tag.
    expect(catalog.tagsOfVideos([ids.beach, ids.hike, ids.city]).map((t) => [t.name, t.count])).toEqual([
      ['beach', 1],
      ['city', 1],
      ['Night out', 1],
      ['Summer', 2],
    ]);
    expect(catalog.untagVideos([ids.beach, ids.hike, ids.city], [tags.summer, tags.city])).toBe(3);
    expect(names(catalog.listVideos({ tagIds: [tags.summer] }))).toEqual(['birthday']);
    expect(names(catalog.listVideos({ tagIds: [tags.city], sort: 'name' }))).toEqual(['night', 'root']);
    expect(() => catalog.tagVideos([ids.beach], ['   '])).toThrow(/needs a name/);
  });

  it('autocomplete by prefix, folded like names, the exact match first and then the most used', async () => {
    const { catalog, ids } = await seededLibrary();
    catalog.tagVideos([ids.beach], ['Été 2023', 'eté']);
    catalog.tagVideos([ids.beach, ids.hike, ids.city], ['étés']);
    catalog.tagVideos([ids.beach], ['Beachy']);
    const decomposed = 'E\u0301TE\u0301'; // as a macOS keyboard may produce it
    expect(catalog.suggestTags(decomposed).map((t) => t.name)).toEqual(['étés', 'Été 2023']);
    expect(catalog.suggestTags('été').map((t) => t.name)).toEqual(['étés', 'Été 2023']);
    expect(catalog.suggestTags('et').map((t) => t.name)).toEqual(['eté']);
    expect(catalog.suggestTags('été 2').map((t) => t.name)).toEqual(['Été 2023']);
    expect(catalog.suggestTags('BEACH').map((t) => t.name)).toEqual(['beach', 'Beachy']);
    expect(catalog.suggestTags('', 2).map((t) => t.name)).toEqual(['Summer', 'étés']);
    // "ÉTÉS" is the tag "étés", not a new one.
    expect(catalog.tagVideos([ids.root], ['ÉTÉS'])[0]).toMatchObject({ name: 'étés', count: 4 });
  });

  it('rename, merging into a tag that already has the name', async () => {
    const { catalog, ids, tags, names } = await seededLibrary();
    // Only the spelling changes: same tag.
    expect(catalog.renameTag(tags.beach, 'Beach')).toMatchObject({ id: tags.beach, name: 'Beach', count: 1 });
    // "Summer" becomes "family", which exists: one tag with the videos of both, under the existing id.
    const merged = catalog.renameTag(tags.summer, 'FAMILY');
    expect(merged).toEqual({ id: tags.family, name: 'FAMILY', count: 3 });
    expect(catalog.listTags().map((t) => t.name)).toEqual(['Beach', 'city', 'FAMILY']);
    expect(names(catalog.listVideos({ tagIds: [tags.family], sort: 'name' }))).toEqual(['beach', 'birthday', 'hike']);
    expect(catalog.countVideos({ tagIds: [tags.summer] })).toBe(0);
    expect(() => catalog.renameTag(tags.summer, 'x')).toThrow(/no longer exists/);

    catalog.deleteTag(tags.family);
    expect(catalog.listTags().map((t) => t.name)).toEqual(['Beach', 'city']);
    expect(catalog.tagsOfVideos([ids.birthday])).toEqual([]);
    expect(catalog.countVideos()).toBe(8); // the videos stay
  });

  it('one spelling per tag survives the upgrade of a catalog that had two', async () => {
    const SQL = await sqlJs();
    const old = new SQL.Database();
    migrate(old, 3);
    old.run(`INSERT INTO libraries (id, name, source, added_at) VALUES (1, 'L', 'handle', 5)`);
    old.run(`INSERT INTO folders (id, library_id, path, name) VALUES (1, 1, '', '')`);
    for (const id of [1, 2, 3]) {
      old.run(
        `INSERT INTO videos (id, library_id, folder_id, path, name, extension, size, modified_at) VALUES (?, 1, 1, ?, ?, 'mp4', 1, 7)`,
        [id, `Vidéo ${id}.mp4`, `Vidéo ${id}.mp4`],
      );
    }
    // COLLATE NOCASE told these apart; the name filter's folding does not.
    old.run(`INSERT INTO tags (id, name) VALUES (1, 'Été'), (2, 'été'), (3, 'Hiver')`);
    old.run(`INSERT INTO video_tags (video_id, tag_id) VALUES (1, 1), (2, 2), (3, 2), (3, 3)`);
    const catalog = Catalog.open(SQL, old.export());
    expect(catalog.listTags().map((t) => [t.id, t.name, t.count])).toEqual([
      [1, 'Été', 3],
      [3, 'Hiver', 1],
    ]);
    expect(catalog.countVideos({ nameContains: 'VIDÉO', dates: ['1970-01'] })).toBe(3);
  });
});

describe('collections', () => {
  it('append without duplicates, list in order with counts, reorder and remove', async () => {
    const { catalog, ids, names } = await seededLibrary();
    const trip = catalog.createCollection('  Trip cut ');
    expect(trip).toMatchObject({ name: 'Trip cut', count: 0 });
    expect(catalog.addToCollection(trip.id, [ids.hike, ids.beach, ids.hike, 9999])).toBe(2);
    expect(catalog.addToCollection(trip.id, [ids.beach, ids.city, ids.night])).toBe(2);
    const order = () => names(catalog.listCollectionVideos(trip.id));
    expect(order()).toEqual(['hike', 'beach', 'city', 'night']);

    expect(catalog.moveInCollection(trip.id, ids.night, 0)).toBe(true);
    expect(order()).toEqual(['night', 'hike', 'beach', 'city']);
    expect(catalog.moveInCollection(trip.id, ids.hike, 3)).toBe(true);
    expect(order()).toEqual(['night', 'beach', 'city', 'hike']);
    expect(catalog.moveInCollection(trip.id, ids.night, 2)).toBe(true);
    expect(order()).toEqual(['beach', 'city', 'night', 'hike']);
    expect(catalog.moveInCollection(trip.id, ids.beach, 99)).toBe(true); // past the end: last
    expect(order()).toEqual(['city', 'night', 'hike', 'beach']);
    expect(catalog.moveInCollection(trip.id, ids.root, 0)).toBe(false); // not in it

    expect(catalog.removeFromCollection(trip.id, [ids.night, ids.root])).toBe(1);
    expect(order()).toEqual(['city', 'hike', 'beach']);
    catalog.addToCollection(trip.id, [ids.root]);
    expect(order()).toEqual(['city', 'hike', 'beach', 'root']);

    // Facets and sorts work inside a collection.
    expect(names(catalog.listCollectionVideos(trip.id, { sort: 'name' }))).toEqual(['beach', 'city', 'hike', 'root']);
    expect(catalog.facetCounts({ collectionId: trip.id }).total).toBe(4);
    expect(names(catalog.listVideos({ collectionId: trip.id, durations: ['over-20m', '5-20m'] }))).toEqual([
      'city',
      'root',
    ]);

    const empty = catalog.createCollection('Best of');
    expect(catalog.listCollections().map((c) => [c.name, c.count])).toEqual([
      ['Best of', 0],
      ['Trip cut', 4],
    ]);
    expect(catalog.renameCollection(empty.id, 'Best of 2024')?.name).toBe('Best of 2024');
    expect(() => catalog.createCollection(' ')).toThrow(/needs a name/);
    catalog.deleteCollection(trip.id);
    expect(catalog.listCollections().map((c) => c.name)).toEqual(['Best of 2024']);
    expect(catalog.countVideos()).toBe(8);
  });

  it('keep a removed video in its place, hidden, and move around it by what the user sees', async () => {
    const { catalog, ids, names } = await seededLibrary();
    const c = catalog.createCollection('Edit');
    catalog.addToCollection(c.id, [ids.beach, ids.hike, ids.city, ids.night]);
    catalog.removeVideos([ids.hike]);
    expect(names(catalog.listCollectionVideos(c.id))).toEqual(['beach', 'city', 'night']);
    expect(catalog.getCollection(c.id)?.count).toBe(3);
    expect(catalog.moveInCollection(c.id, ids.hike, 0)).toBe(false); // in the Trash: not shown, not moved
    // Index 1 of what is shown: between beach and city.
    expect(catalog.moveInCollection(c.id, ids.night, 1)).toBe(true);
    expect(names(catalog.listCollectionVideos(c.id))).toEqual(['beach', 'night', 'city']);
    catalog.restoreVideos([ids.hike]);
    expect(names(catalog.listCollectionVideos(c.id))).toEqual(['beach', 'hike', 'night', 'city']);
  });

  it('leave the library when their videos do', async () => {
    const { catalog, lib, ids } = await seededLibrary();
    const c = catalog.createCollection('All');
    catalog.addToCollection(c.id, [ids.beach, ids.hike]);
    catalog.removeLibrary(lib.id);
    expect(catalog.getCollection(c.id)?.count).toBe(0);
    expect(catalog.listTags().every((t) => t.count === 0)).toBe(true);
  });
});

describe('writes', () => {
  it('every change to tags, collections and the Trash asks for a save; reads do not', async () => {
    let writes = 0;
    const catalog = Catalog.open(await sqlJs(), null, { onWrite: () => (writes += 1) });
    const lib = catalog.addLibrary('L', 'files');
    catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    const [v] = catalog.listVideos();
    writes = 0;
    const [tag] = catalog.tagVideos([v.id], ['a']);
    catalog.untagVideos([v.id], [tag.id]);
    catalog.renameTag(tag.id, 'b');
    catalog.deleteTag(tag.id);
    const c = catalog.createCollection('C');
    catalog.renameCollection(c.id, 'D');
    catalog.addToCollection(c.id, [v.id]);
    catalog.moveInCollection(c.id, v.id, 0);
    catalog.removeFromCollection(c.id, [v.id]);
    catalog.deleteCollection(c.id);
    catalog.removeVideos([v.id]);
    catalog.restoreVideos([v.id]);
    expect(writes).toBe(12);
    catalog.facetCounts();
    catalog.listTags();
    catalog.suggestTags('a');
    catalog.tagsOfVideos([v.id]);
    catalog.listCollections();
    catalog.listCollectionVideos(c.id);
    catalog.listTrash();
    catalog.countTrash();
    expect(writes).toBe(12);
  });

  it('a read-only tab refuses them', async () => {
    const catalog = Catalog.open(await sqlJs(), null, {
      beforeWrite: () => {
        throw new Error('read-only');
      },
    });
    expect(() => catalog.createCollection('C')).toThrow('read-only');
    expect(() => catalog.removeVideos([1])).toThrow('read-only');
    expect(() => catalog.tagVideos([1], ['a'])).toThrow('read-only');
  });
});

describe('a fresh catalog', () => {
  it('answers every browsing question with nothing rather than failing', async () => {
    const { catalog } = await freshCatalog();
    expect(catalog.facetCounts()).toEqual({
      total: 0,
      folders: [],
      dates: [],
      durations: [
        { value: 'under-1m', count: 0 },
        { value: '1-5m', count: 0 },
        { value: '5-20m', count: 0 },
        { value: 'over-20m', count: 0 },
      ],
      resolutions: [
        { value: '4K', count: 0 },
        { value: '1080p', count: 0 },
        { value: '720p', count: 0 },
        { value: 'SD', count: 0 },
      ],
      formats: [],
      tags: [],
      missing: 0,
      failed: 0,
    });
    expect(catalog.listTrash()).toEqual([]);
    expect(catalog.suggestTags('a')).toEqual([]);
    expect(catalog.addToCollection(1, [1])).toBe(0);
  });
});
