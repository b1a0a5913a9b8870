import type { Suggestion } from '../lib/suggested-tags/score';
import type { Tag, TagSuggestion } from '../lib/types';
import { foldName } from '../lib/video-files';
import { idList } from './facets';
import type { Sql } from './sql';
import { tagVideos, untagVideos } from './tags';

// Suggested tags (issue 15): a row per video and word, 'offered' until the user answers. Answered rows ('accepted',
// 'dismissed') are never replaced, so a word the user turned down is not offered again for that video.

/** SQL true when video `v` already carries a tag named like suggestion row `s`'s word. */
const alreadyTagged = (v: string, s: string) =>
  `EXISTS (SELECT 1 FROM video_tags vt JOIN tags t ON t.id = vt.tag_id WHERE vt.video_id = ${v} AND t.key = fold(${s}.word))`;

/**
 * The video's suggestions from a new scoring replace the ones still offered; words it already carries as tags, and
 * words the user accepted or dismissed before, are left out. Returns how many are offered now.
 */
export function saveSuggestions(sql: Sql, videoId: number, modelId: string, words: readonly Suggestion[]): number {
  return sql.transaction(() => {
    sql.run(`DELETE FROM tag_suggestions WHERE video_id = ? AND status = 'offered'`, [videoId]);
    for (const { word, confidence } of words) {
      const key = foldName(word);
      sql.run(
        `INSERT OR IGNORE INTO tag_suggestions (video_id, word, confidence, model_id)
         SELECT id, ?, ?, ? FROM videos v WHERE id = ? AND NOT EXISTS (
           SELECT 1 FROM video_tags vt JOIN tags t ON t.id = vt.tag_id WHERE vt.video_id = v.id AND t.key = ?)`,
        [word, confidence, modelId, videoId, key],
      );
    }
    return Number(
      sql.value(`SELECT count(*) FROM tag_suggestions WHERE video_id = ? AND status = 'offered'`, [videoId]),
    );
  });
}

/**
 * What is offered for these videos, most confident first: per word, how many of them it is offered for and the
 * highest confidence. A word a video has since been tagged with by hand is no longer offered for it.
 */
export function suggestionsOf(sql: Sql, videoIds: readonly number[]): TagSuggestion[] {
  const videos = idList(videoIds);
  return sql.all(
    `SELECT s.word, max(s.confidence) AS confidence, count(*) AS videos FROM tag_suggestions s
     WHERE s.video_id IN (${videos.sql}) AND s.status = 'offered' AND NOT ${alreadyTagged('s.video_id', 's')}
     GROUP BY s.word ORDER BY confidence DESC, s.word`,
    videos.params,
    (r) => ({ word: String(r.word), confidence: Number(r.confidence), videos: Number(r.videos) }),
  );
}

/** Videos among `videoIds` for which `word` is in state `status`. */
function videosWith(sql: Sql, videoIds: readonly number[], word: string, status: string): number[] {
  const videos = idList(videoIds);
  return sql.all(
    `SELECT video_id FROM tag_suggestions WHERE video_id IN (${videos.sql}) AND word = ? AND status = ? ORDER BY video_id`,
    [...videos.params, word, status],
    (r) => Number(r.video_id),
  );
}

function mark(sql: Sql, videoIds: readonly number[], word: string, status: string): void {
  const videos = idList(videoIds);
  sql.run(`UPDATE tag_suggestions SET status = ? WHERE video_id IN (${videos.sql}) AND word = ?`, [
    status,
    ...videos.params,
    word,
  ]);
}

/**
 * Accepts `word` for those of `videoIds` it is offered for: they get the tag (made when there is none) and the
 * suggestion is answered. Returns the tag and the videos tagged (none when it was offered for none of them).
 */
export function acceptSuggestion(
  sql: Sql,
  videoIds: readonly number[],
  word: string,
): { tag: Tag | null; videoIds: number[] } {
  return sql.transaction(() => {
    const ids = videosWith(sql, videoIds, word, 'offered');
    if (ids.length === 0) return { tag: null, videoIds: [] };
    const [tag] = tagVideos(sql, ids, [word]);
    mark(sql, ids, word, 'accepted');
    return { tag, videoIds: ids };
  });
}

/** Dismisses `word` for those of `videoIds` it is offered for; it is not offered to them again. Returns them. */
export function dismissSuggestion(sql: Sql, videoIds: readonly number[], word: string): number[] {
  return sql.transaction(() => {
    const ids = videosWith(sql, videoIds, word, 'offered');
    mark(sql, ids, word, 'dismissed');
    return ids;
  });
}

/**
 * Undo of an answer: `word` is offered again to those of `videoIds` that accepted or dismissed it; those that
 * accepted it lose the tag it gave them (the tag itself stays). Returns how many are offered it again.
 */
export function reofferSuggestion(sql: Sql, videoIds: readonly number[], word: string): number {
  return sql.transaction(() => {
    const accepted = videosWith(sql, videoIds, word, 'accepted');
    const dismissed = videosWith(sql, videoIds, word, 'dismissed');
    const tagId = sql.value('SELECT id FROM tags WHERE key = ?', [foldName(word)!]);
    if (accepted.length > 0 && tagId !== undefined) untagVideos(sql, accepted, [Number(tagId)]);
    mark(sql, [...accepted, ...dismissed], word, 'offered');
    return accepted.length + dismissed.length;
  });
}
