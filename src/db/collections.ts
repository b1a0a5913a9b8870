import { compareNames } from '../lib/facets';
import type { Collection } from '../lib/types';
import { idList } from './facets';
import type { Row, Sql } from './sql';

// A collection is an ordered list of videos (the seeds' "projects"). Positions stay dense, 0..n-1, so a
// position is an index. Removed videos keep their place: restoring one puts it back where it was.

const toCollection = (r: Row): Collection => ({
  id: Number(r.id),
  name: String(r.name),
  createdAt: Number(r.created_at),
  count: Number(r.count),
});

const select = `SELECT c.id, c.name, c.created_at, (SELECT count(*) FROM collection_items ci
  JOIN videos v ON v.id = ci.video_id WHERE ci.collection_id = c.id AND v.removed_at IS NULL) AS count FROM collections c`;

function cleanName(name: string): string {
  const cleaned = name.normalize('NFC').trim();
  if (!cleaned) throw new Error('A collection needs a name.');
  return cleaned;
}

/** Every collection by name, with how many videos it holds. */
export function listCollections(sql: Sql): Collection[] {
  return sql.all(select, [], toCollection).sort((a, b) => compareNames(a.name, b.name) || a.id - b.id);
}

export function getCollection(sql: Sql, id: number): Collection | undefined {
  return sql.one(`${select} WHERE c.id = ?`, [id], toCollection);
}

export function createCollection(sql: Sql, name: string, now: number): Collection {
  const id = sql.insert('INSERT INTO collections (name, created_at) VALUES (?, ?)', [cleanName(name), now]);
  return getCollection(sql, id)!;
}

export function renameCollection(sql: Sql, id: number, name: string): Collection | undefined {
  sql.run('UPDATE collections SET name = ? WHERE id = ?', [cleanName(name), id]);
  return getCollection(sql, id);
}

/** Deletes the list; its videos stay in the library. */
export function deleteCollection(sql: Sql, id: number): void {
  sql.run('DELETE FROM collections WHERE id = ?', [id]);
}

/** Every item's video id in order, removed videos included. */
const itemsOf = (sql: Sql, id: number) =>
  sql.all('SELECT video_id FROM collection_items WHERE collection_id = ? ORDER BY position', [id], (r) =>
    Number(r.video_id),
  );

/** Writes positions 0..n-1 in the given order, touching only the rows that moved. */
function writeOrder(sql: Sql, id: number, videoIds: readonly number[]): void {
  const current = new Map(
    sql.all('SELECT video_id, position FROM collection_items WHERE collection_id = ?', [id], (r) => [
      Number(r.video_id),
      Number(r.position),
    ]),
  );
  videoIds.forEach((videoId, position) => {
    if (current.get(videoId) !== position) {
      sql.run('UPDATE collection_items SET position = ? WHERE collection_id = ? AND video_id = ?', [
        position,
        id,
        videoId,
      ]);
    }
  });
}

/** Appends videos in the order given, skipping those already in it and ids that are gone. Returns how many. */
export function addToCollection(sql: Sql, id: number, videoIds: readonly number[]): number {
  return sql.transaction(() => {
    if (sql.value('SELECT id FROM collections WHERE id = ?', [id]) === undefined) return 0;
    const present = new Set(itemsOf(sql, id));
    const known = idList(videoIds);
    const existing = new Set(
      sql.all(`SELECT id FROM videos WHERE id IN (${known.sql})`, known.params, (r) => Number(r.id)),
    );
    let added = 0;
    for (const videoId of videoIds) {
      if (present.has(videoId) || !existing.has(videoId)) continue;
      sql.run('INSERT INTO collection_items (collection_id, video_id, position) VALUES (?, ?, ?)', [
        id,
        videoId,
        present.size,
      ]);
      present.add(videoId);
      added += 1;
    }
    return added;
  });
}

/** Takes videos out of the collection (not out of the library). Returns how many. */
export function removeFromCollection(sql: Sql, id: number, videoIds: readonly number[]): number {
  return sql.transaction(() => {
    const videos = idList(videoIds);
    sql.run(`DELETE FROM collection_items WHERE collection_id = ? AND video_id IN (${videos.sql})`, [
      id,
      ...videos.params,
    ]);
    const removed = sql.changes();
    if (removed > 0) writeOrder(sql, id, itemsOf(sql, id));
    return removed;
  });
}

/**
 * Moves a video to `index` in the collection as the user sees it, which leaves out removed videos: it lands
 * just before the visible video that will follow it (at the end when none does). False when it is not shown.
 */
export function moveInCollection(sql: Sql, id: number, videoId: number, index: number): boolean {
  return sql.transaction(() => {
    const items = sql.all(
      `SELECT ci.video_id, v.removed_at IS NULL AS shown FROM collection_items ci JOIN videos v ON v.id = ci.video_id
       WHERE ci.collection_id = ? ORDER BY ci.position`,
      [id],
      (r) => ({ videoId: Number(r.video_id), shown: Number(r.shown) === 1 }),
    );
    if (!items.some((i) => i.videoId === videoId && i.shown)) return false;
    const others = items.filter((i) => i.videoId !== videoId);
    const shown = others.filter((i) => i.shown);
    const next = shown[Math.max(0, Math.min(Math.trunc(index), shown.length))];
    const at = next ? others.indexOf(next) : others.length;
    const order = others.map((i) => i.videoId);
    order.splice(at, 0, videoId);
    writeOrder(sql, id, order);
    return true;
  });
}
