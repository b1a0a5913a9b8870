import type { SqlValue } from 'sql.js';
import {
  compareNames,
  defaultOrder,
  durationBuckets,
  formatKey,
  formatKeyLabel,
  parseDateKey,
  parseFormatKey,
  resolutionBuckets,
  yearFacets,
} from '../lib/facets';
import type { FacetCounts, FolderFacet, Video, VideoQuery, VideoSort, YearFacet } from '../lib/types';
import { foldName } from '../lib/video-files';
import { num, type Sql } from './sql';
import { toVideo } from './videos';

/** The facets of a view: each can be left out to count its own values with every other one applied. */
type Facet = 'folder' | 'dates' | 'durations' | 'resolutions' | 'formats' | 'tags' | 'missing' | 'failed';

interface Clause {
  sql: string;
  params: SqlValue[];
}

const and = (clauses: Clause[]): Clause => ({
  sql: clauses.map((c) => `(${c.sql})`).join(' AND ') || '1',
  params: clauses.flatMap((c) => c.params),
});

/** Any of `clauses`; none when there are none: an empty or unreadable selection filters nothing. */
const anyOf = (clauses: Clause[]): Clause | null =>
  clauses.length === 0
    ? null
    : { sql: clauses.map((c) => `(${c.sql})`).join(' OR '), params: clauses.flatMap((c) => c.params) };

/** A list of ids as one parameter: any number of them, never SQLite's limit on bound variables. */
export const idList = (ids: readonly number[]): Clause => ({
  sql: 'SELECT value FROM json_each(?)',
  params: [JSON.stringify(ids.map(Number))],
});

/** The date a video is filed under (lib/facets videoDate): its creation date, else its file's modified time. */
const videoDate = 'coalesce(v.created_at, v.modified_at)';

const durationClause = (b: (typeof durationBuckets)[number]): Clause =>
  b.max === Infinity
    ? { sql: 'v.duration >= ?', params: [b.min] }
    : { sql: 'v.duration >= ? AND v.duration < ?', params: [b.min, b.max] };

/** The short side's range of each resolution bucket: from its threshold up to the next bucket's. */
function resolutionClause(i: number): Clause {
  const min = resolutionBuckets[i].minShortSide;
  const upper = i > 0 ? resolutionBuckets[i - 1].minShortSide : null;
  const short = 'min(v.width, v.height)';
  return upper === null
    ? { sql: `v.width > 0 AND v.height > 0 AND ${short} >= ?`, params: [min] }
    : { sql: `v.width > 0 AND v.height > 0 AND ${short} >= ? AND ${short} < ?`, params: [min, upper] };
}

const missingClause: Clause = { sql: 'v.missing = 1', params: [] };
const failedClause: Clause = { sql: `v.status = 'failed'`, params: [] };

function facetClause(q: VideoQuery, facet: Facet): Clause | null {
  switch (facet) {
    case 'folder':
      if (q.folderId === undefined) return null;
      // A folder and everything below it: compare path prefixes, never LIKE (names may hold % or _).
      return {
        sql: `v.folder_id IN (SELECT c.id FROM folders c, folders p WHERE p.id = ? AND c.library_id = p.library_id
          AND (p.path = '' OR c.path = p.path OR substr(c.path, 1, length(p.path) + 1) = p.path || '/'))`,
        params: [q.folderId],
      };
    case 'dates':
      // date_month is yyyymm: a year is a range of it, a month one value.
      return anyOf(
        (q.dates ?? [])
          .map(parseDateKey)
          .filter((d) => d !== null)
          .map(({ year, month }) =>
            month === null
              ? { sql: 'v.date_month BETWEEN ? AND ?', params: [year * 100 + 1, year * 100 + 12] }
              : { sql: 'v.date_month = ?', params: [year * 100 + month] },
          ),
      );
    case 'durations':
      return anyOf(durationBuckets.filter((b) => q.durations?.includes(b.value)).map(durationClause));
    case 'resolutions':
      return anyOf(
        resolutionBuckets.flatMap((b, i) => (q.resolutions?.includes(b.value) ? [resolutionClause(i)] : [])),
      );
    case 'formats':
      return anyOf(
        (q.formats ?? []).map(parseFormatKey).map((f) => ({
          sql: `coalesce(v.container, '') = ? AND coalesce(v.video_codec, '') = ?`,
          params: [f.container ?? '', f.codec ?? ''],
        })),
      );
    case 'tags': {
      if (!q.tagIds?.length) return null;
      const tags = idList(q.tagIds);
      return { sql: `v.id IN (SELECT video_id FROM video_tags WHERE tag_id IN (${tags.sql}))`, params: tags.params };
    }
    case 'missing':
      return q.missing ? missingClause : null;
    case 'failed':
      return q.failed ? failedClause : null;
  }
}

const facets: readonly Facet[] = [
  'folder',
  'dates',
  'durations',
  'resolutions',
  'formats',
  'tags',
  'missing',
  'failed',
];

/** The WHERE clause of a view over `videos v`, leaving out the selection of facet `except`. */
function where(q: VideoQuery, except?: Facet): Clause {
  const clauses: Clause[] = [{ sql: q.trash ? 'v.removed_at IS NOT NULL' : 'v.removed_at IS NULL', params: [] }];
  if (q.libraryId !== undefined) clauses.push({ sql: 'v.library_id = ?', params: [q.libraryId] });
  if (q.collectionId !== undefined) {
    clauses.push({
      sql: 'v.id IN (SELECT video_id FROM collection_items WHERE collection_id = ?)',
      params: [q.collectionId],
    });
  }
  const name = foldName(q.nameContains?.trim() || null);
  // name_folded is fold(name), kept by triggers (schema v4): calling fold() per row from SQL costs 5×.
  if (name) clauses.push({ sql: 'instr(v.name_folded, ?) > 0', params: [name] });
  if (q.includeMissing === false) clauses.push({ sql: 'v.missing = 0', params: [] });
  for (const facet of facets) {
    const clause = facet === except ? null : facetClause(q, facet);
    if (clause) clauses.push(clause);
  }
  return and(clauses);
}

const sortColumns: Record<VideoSort, string> = {
  date: videoDate,
  name: 'v.name_folded',
  duration: 'v.duration',
  size: 'v.size',
  resolution: 'v.width * v.height',
};

function orderBy(q: VideoQuery): Clause {
  if (!q.sort) {
    if (q.collectionId !== undefined) {
      return {
        sql: '(SELECT position FROM collection_items ci WHERE ci.collection_id = ? AND ci.video_id = v.id), v.id',
        params: [q.collectionId],
      };
    }
    return { sql: q.trash ? 'v.removed_at DESC, v.id DESC' : 'v.path COLLATE NOCASE, v.id', params: [] };
  }
  const direction = (q.order ?? defaultOrder(q.sort)) === 'desc' ? 'DESC' : 'ASC';
  // Videos not probed yet have no duration or resolution: they go last either way, not first when descending.
  // Names compare folded (case-insensitive beyond A–Z, as the filter reads them).
  return { sql: `${sortColumns[q.sort]} ${direction} NULLS LAST, v.name_folded, v.id`, params: [] };
}

/** One page of a view, in its order. */
export function listVideos(sql: Sql, q: VideoQuery = {}): Video[] {
  const w = where(q);
  const order = orderBy(q);
  return sql.all(
    `SELECT v.* FROM videos v WHERE ${w.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
    [...w.params, ...order.params, q.limit ?? -1, q.offset ?? 0],
    toVideo,
  );
}

export function countVideos(sql: Sql, q: VideoQuery = {}): number {
  const w = where(q);
  return Number(sql.value(`SELECT count(*) FROM videos v WHERE ${w.sql}`, w.params));
}

/** The facets counted as sums of one condition per value, the very conditions the filter uses. */
const bucketFacets = {
  durations: durationBuckets.map(durationClause),
  resolutions: resolutionBuckets.map((_, i) => resolutionClause(i)),
  missing: [missingClause],
  failed: [failedClause],
} satisfies Partial<Record<Facet, Clause[]>>;

/** Counts of every facet's values; each facet with the scope, the name filter and every other facet applied. */
export function facetCounts(sql: Sql, q: VideoQuery = {}): FacetCounts {
  const sums = (except: Facet | undefined, clauses: Clause[]): number[] => {
    const w = where(q, except);
    const row = sql.one(
      `SELECT ${clauses.map((c, i) => `coalesce(sum(${c.sql}), 0) AS n${i}`).join(', ')} FROM videos v WHERE ${w.sql}`,
      [...clauses.flatMap((c) => c.params), ...w.params],
    );
    return Object.values(row ?? {}).map(Number);
  };
  // A facet with nothing selected counts under the view's own WHERE, so all of those, and the total, share one
  // scan; a facet with a selection needs a scan without it. The scan, not the sums, is what costs.
  const names = Object.keys(bucketFacets) as (keyof typeof bucketFacets)[];
  const shared = names.filter((f) => facetClause(q, f) === null);
  const sharedSums = sums(undefined, [{ sql: '1', params: [] }, ...shared.flatMap((f) => bucketFacets[f])]);
  const counts = { total: [sharedSums.shift()!] } as Record<keyof typeof bucketFacets | 'total', number[]>;
  for (const f of names) {
    counts[f] = shared.includes(f) ? sharedSums.splice(0, bucketFacets[f].length) : sums(f, bucketFacets[f]);
  }
  return {
    total: counts.total[0],
    folders: folderCounts(sql, q),
    dates: dateCounts(sql, q),
    durations: durationBuckets.map((b, i) => ({ value: b.value, count: counts.durations[i] })),
    resolutions: resolutionBuckets.map((b, i) => ({ value: b.value, count: counts.resolutions[i] })),
    formats: formatCounts(sql, q),
    tags: tagCounts(sql, q),
    missing: counts.missing[0],
    failed: counts.failed[0],
  };
}

function folderCounts(sql: Sql, q: VideoQuery): FolderFacet[] {
  const w = where(q, 'folder');
  const direct = new Map(
    sql.all(
      `SELECT v.folder_id AS id, count(*) AS n FROM videos v WHERE ${w.sql} GROUP BY v.folder_id`,
      w.params,
      (r) => [Number(r.id), Number(r.n)],
    ),
  );
  // By library, then path: a parent sorts before its children, so totals add up bottom-up in one pass back.
  const folders = sql.all(
    `SELECT id, library_id, parent_id, path, name FROM folders WHERE ?1 IS NULL OR library_id = ?1 ORDER BY library_id, path`,
    [q.libraryId ?? null],
    (r): FolderFacet => ({
      id: Number(r.id),
      libraryId: Number(r.library_id),
      parentId: num(r.parent_id),
      path: String(r.path),
      name: String(r.name),
      count: direct.get(Number(r.id)) ?? 0,
    }),
  );
  const byId = new Map(folders.map((f) => [f.id, f]));
  for (let i = folders.length - 1; i >= 0; i--) {
    const parent = folders[i].parentId === null ? undefined : byId.get(folders[i].parentId!);
    if (parent) parent.count += folders[i].count;
  }
  return folders;
}

function dateCounts(sql: Sql, q: VideoQuery): YearFacet[] {
  const w = where(q, 'dates');
  const months = sql.all(
    `SELECT v.date_month AS month, count(*) AS n FROM videos v WHERE ${w.sql} GROUP BY 1`,
    w.params,
    (r): [number, number] => [Number(r.month), Number(r.n)],
  );
  return yearFacets(months, q.dates ?? []);
}

function formatCounts(sql: Sql, q: VideoQuery): FacetCounts['formats'] {
  const w = where(q, 'formats');
  const counts = new Map(
    sql.all(
      `SELECT v.container, v.video_codec, count(*) AS n FROM videos v
       WHERE ${w.sql} AND (v.container IS NOT NULL OR v.video_codec IS NOT NULL) GROUP BY 1, 2`,
      w.params,
      (r) => [formatKey(r.container as string | null, r.video_codec as string | null), Number(r.n)] as const,
    ),
  );
  for (const key of q.formats ?? []) if (!counts.has(key)) counts.set(key, 0);
  return [...counts]
    .map(([value, count]) => ({ value, count, label: formatKeyLabel(value) }))
    .sort((a, b) => b.count - a.count || compareNames(a.label, b.label));
}

function tagCounts(sql: Sql, q: VideoQuery): FacetCounts['tags'] {
  const w = where(q, 'tags');
  const counts = new Map(
    sql.all(
      `SELECT vt.tag_id AS id, count(*) AS n FROM videos v JOIN video_tags vt ON vt.video_id = v.id
       WHERE ${w.sql} GROUP BY vt.tag_id`,
      w.params,
      (r) => [Number(r.id), Number(r.n)] as const,
    ),
  );
  return sql
    .all('SELECT id, name FROM tags', [], (r) => ({
      value: Number(r.id),
      name: String(r.name),
      count: counts.get(Number(r.id)) ?? 0,
    }))
    .sort((a, b) => compareNames(a.name, b.name) || a.value - b.value);
}
