import { cleanTagName, compareNames } from '../lib/facets';
import type { Tag } from '../lib/types';
import { foldName } from '../lib/video-files';
import { idList } from './facets';
import type { Row, Sql } from './sql';

// Tag names are unique by `key`, the name folded the way the name filter folds ("Été" = "été" = "ÉTÉ").

/** SQLite orders text by bytes ("Zoo" before "été"): tags, a few hundred at most, sort in JavaScript. */
const byName = (tags: Tag[]) => tags.sort((a, b) => compareNames(a.name, b.name) || a.id - b.id);

const toTag = (r: Row): Tag => ({ id: Number(r.id), name: String(r.name), count: Number(r.count ?? 0) });

/** Videos carrying tag `t`, leaving out the Trash. */
const liveCount = `(SELECT count(*) FROM video_tags vt JOIN videos v ON v.id = vt.video_id
  WHERE vt.tag_id = t.id AND v.removed_at IS NULL)`;

function clean(name: string): { name: string; key: string } {
  const cleaned = cleanTagName(name);
  if (!cleaned) throw new Error('A tag needs a name.');
  return { name: cleaned, key: foldName(cleaned)! };
}

export function getTag(sql: Sql, id: number): Tag | undefined {
  return sql.one(`SELECT t.id, t.name, ${liveCount} AS count FROM tags t WHERE t.id = ?`, [id], toTag);
}

/** Every tag by name, with how many videos carry it. */
export function listTags(sql: Sql): Tag[] {
  return byName(sql.all(`SELECT t.id, t.name, ${liveCount} AS count FROM tags t`, [], toTag));
}

/** Tags starting with what the user typed, folded like names: the exact one first, then the most used. */
export function suggestTags(sql: Sql, prefix: string, limit = 10): Tag[] {
  const key = foldName(cleanTagName(prefix))!;
  return sql.all(
    `SELECT t.id, t.name, ${liveCount} AS count FROM tags t WHERE substr(t.key, 1, length(?1)) = ?1
     ORDER BY t.key = ?1 DESC, count DESC, t.key, t.id LIMIT ?2`,
    [key, limit],
    toTag,
  );
}

/** The tag named `name` (folded), created when there is none. */
function ensureTag(sql: Sql, name: string): number {
  const tag = clean(name);
  const existing = sql.value('SELECT id FROM tags WHERE key = ?', [tag.key]);
  return existing !== undefined
    ? Number(existing)
    : sql.insert('INSERT INTO tags (name, key) VALUES (?, ?)', [tag.name, tag.key]);
}

/** Puts every tag named in `names` on every video, creating tags as needed; returns those tags. */
export function tagVideos(sql: Sql, videoIds: readonly number[], names: readonly string[]): Tag[] {
  return sql.transaction(() => {
    const tagIds = [...new Set(names.map((n) => ensureTag(sql, n)))];
    const videos = idList(videoIds);
    for (const tagId of tagIds) {
      // Joined to videos so an id that is gone is skipped rather than failing the foreign key.
      sql.run(
        `INSERT OR IGNORE INTO video_tags (video_id, tag_id) SELECT v.id, ? FROM videos v WHERE v.id IN (${videos.sql})`,
        [tagId, ...videos.params],
      );
    }
    return tagIds.map((id) => getTag(sql, id)!);
  });
}

/** Takes tags off videos; the tags themselves stay (delete them with deleteTag). Returns links removed. */
export function untagVideos(sql: Sql, videoIds: readonly number[], tagIds: readonly number[]): number {
  const videos = idList(videoIds);
  const tags = idList(tagIds);
  sql.run(`DELETE FROM video_tags WHERE video_id IN (${videos.sql}) AND tag_id IN (${tags.sql})`, [
    ...videos.params,
    ...tags.params,
  ]);
  return sql.changes();
}

/** The tags on a selection; `count` is how many of those videos carry each (all of them, or some). */
export function tagsOfVideos(sql: Sql, videoIds: readonly number[]): Tag[] {
  const videos = idList(videoIds);
  return byName(
    sql.all(
      `SELECT t.id, t.name, count(*) AS count FROM video_tags vt JOIN tags t ON t.id = vt.tag_id
       WHERE vt.video_id IN (${videos.sql}) GROUP BY t.id`,
      videos.params,
      toTag,
    ),
  );
}

/**
 * Renames a tag. When another tag already has that name (folded), the two merge: the other one keeps its id,
 * takes the new spelling and every video of this one. Returns the tag that remains.
 */
export function renameTag(sql: Sql, id: number, name: string): Tag {
  const tag = clean(name);
  return sql.transaction(() => {
    if (sql.value('SELECT id FROM tags WHERE id = ?', [id]) === undefined)
      throw new Error('That tag no longer exists.');
    const other = sql.value('SELECT id FROM tags WHERE key = ? AND id <> ?', [tag.key, id]);
    let kept = id;
    if (other !== undefined) {
      kept = Number(other);
      sql.run(
        'INSERT OR IGNORE INTO video_tags (video_id, tag_id) SELECT video_id, ? FROM video_tags WHERE tag_id = ?',
        [kept, id],
      );
      sql.run('DELETE FROM tags WHERE id = ?', [id]);
    }
    sql.run('UPDATE tags SET name = ?, key = ? WHERE id = ?', [tag.name, tag.key, kept]);
    return getTag(sql, kept)!;
  });
}

/** Deletes a tag and takes it off every video. */
export function deleteTag(sql: Sql, id: number): void {
  sql.run('DELETE FROM tags WHERE id = ?', [id]);
}
