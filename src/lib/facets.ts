// The library's facets as pure rules: bucket definitions the page labels with and the catalog counts with, so
// both always agree, and the current view as URL search parameters.
import { formatLabel } from './format';
import type { DurationBucket, ResolutionBucket, SortOrder, VideoQuery, VideoSort, YearFacet } from './types';

/** Duration buckets in seconds, `min` inclusive and `max` exclusive: exactly 60 s is "1–5 min". */
export const durationBuckets: readonly { value: DurationBucket; label: string; min: number; max: number }[] = [
  { value: 'under-1m', label: '< 1 min', min: 0, max: 60 },
  { value: '1-5m', label: '1–5 min', min: 60, max: 300 },
  { value: '5-20m', label: '5–20 min', min: 300, max: 1200 },
  { value: 'over-20m', label: '> 20 min', min: 1200, max: Infinity },
];

/** The bucket of a duration; null while the video is not probed yet. */
export function durationBucket(seconds: number | null): DurationBucket | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  return durationBuckets.find((b) => seconds >= b.min && seconds < b.max)?.value ?? null;
}

/**
 * Resolution buckets by the short side, with resolutionLabel's thresholds (lib/format). The facet has no 1440p
 * bucket of its own: a 1440p video (labelled "1440p" on its card) counts under 1080p, the next bucket down.
 */
export const resolutionBuckets: readonly { value: ResolutionBucket; label: string; minShortSide: number }[] = [
  { value: '4K', label: '4K', minShortSide: 2160 },
  { value: '1080p', label: '1080p', minShortSide: 1080 },
  { value: '720p', label: '720p', minShortSide: 720 },
  { value: 'SD', label: 'SD', minShortSide: 0 },
];

/** The bucket of a frame size, as resolutionLabel reads it (short side, so portrait matches landscape). */
export function resolutionBucket(width: number | null, height: number | null): ResolutionBucket | null {
  if (!width || !height) return null;
  const short = Math.min(width, height);
  return resolutionBuckets.find((b) => short >= b.minShortSide)!.value;
}

/**
 * A format facet value: the stored container and video codec names, `container.codec` ("mp4.h264"). ffmpeg codec
 * names hold no dot, so the last dot splits it even if a container name had one. Either side may be empty.
 */
export const formatKey = (container: string | null, codec: string | null) => `${container ?? ''}.${codec ?? ''}`;

export function parseFormatKey(key: string): { container: string | null; codec: string | null } {
  const dot = key.lastIndexOf('.');
  const [container, codec] = dot < 0 ? [key, ''] : [key.slice(0, dot), key.slice(dot + 1)];
  return { container: container || null, codec: codec || null };
}

/** "mp4.h264" → "MP4 · H.264", the same label a video's card shows. */
export function formatKeyLabel(key: string): string {
  const { container, codec } = parseFormatKey(key);
  return formatLabel(container, codec);
}

/**
 * The date a video is filed under: its creation date from the container's tags, else the file's modified time
 * (the probe stores that fallback in `createdAt` itself; before the probe ran, `createdAt` is still null).
 * Years and months are UTC, like the catalog's `year` column: the same file lands in the same month everywhere.
 */
export const videoDate = (v: { createdAt: number | null; modifiedAt: number }) => v.createdAt ?? v.modifiedAt;

/** A date facet value is a year ("2024") or a month ("2024-06"). */
const dateKeyPattern = /^(\d{4})(?:-(0[1-9]|1[0-2]))?$/;

export const isDateKey = (key: string) => dateKeyPattern.test(key);

/** "2024-06" → { year: 2024, month: 6 }; "2024" → { year: 2024, month: null }; null when it is neither. */
export function parseDateKey(key: string): { year: number; month: number | null } | null {
  const m = dateKeyPattern.exec(key);
  return m ? { year: Number(m[1]), month: m[2] === undefined ? null : Number(m[2]) } : null;
}

/**
 * The By date facet from counts per month (yyyymm), newest year first, months in order. A selected year or month
 * that nothing matches under the other facets still shows, with 0, so it can be cleared.
 */
export function yearFacets(months: readonly [number, number][], selected: readonly string[]): YearFacet[] {
  const years = new Map<number, YearFacet>();
  const year = (y: number) => years.get(y) ?? years.set(y, { year: y, count: 0, months: [] }).get(y)!;
  for (const [yyyymm, count] of months) {
    const y = year(Math.floor(yyyymm / 100));
    y.count += count;
    y.months.push({ month: yyyymm % 100, count });
  }
  for (const key of selected) {
    const date = parseDateKey(key);
    if (!date) continue;
    const y = year(date.year);
    if (date.month !== null && !y.months.some((m) => m.month === date.month))
      y.months.push({ month: date.month, count: 0 });
  }
  for (const y of years.values()) y.months.sort((a, b) => a.month - b.month);
  return [...years.values()].sort((a, b) => b.year - a.year);
}

export const videoSorts: readonly VideoSort[] = ['date', 'name', 'duration', 'size', 'resolution'];

/** Newest first is what people expect of dates; everything else starts small (A, short, small, low). */
export const defaultOrder = (sort: VideoSort): SortOrder => (sort === 'date' ? 'desc' : 'asc');

/** Orders tag and collection names as people read them: "Été" beside "eau", "clip 9" before "clip 10". */
export const compareNames = new Intl.Collator(undefined, { numeric: true }).compare;

/** A tag name as stored: Unicode-normalized, trimmed, inner runs of white space made one space. */
export const cleanTagName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ');

// The view in the URL: short keys, one parameter per selected value (`res=4K&res=720p`), defaults left out. The
// values are ids, bucket names, years and months, and format keys, which read plainly in the address bar.
const keys = {
  libraryId: 'lib',
  folderId: 'folder',
  collectionId: 'collection',
  trash: 'trash',
  nameContains: 'q',
  dates: 'date',
  durations: 'duration',
  resolutions: 'res',
  formats: 'format',
  tagIds: 'tag',
  missing: 'missing',
  failed: 'failed',
  sort: 'sort',
  order: 'order',
} as const satisfies Partial<Record<keyof VideoQuery, string>>;

/** The URL parameters a view owns; the page keeps any others it has. */
export const viewParamNames: readonly string[] = Object.values(keys);

/** The view part of a query (not its page: offset and limit stay out of the URL). */
export function viewToSearchParams(view: VideoQuery): URLSearchParams {
  const p = new URLSearchParams();
  const id = (key: string, value: number | undefined) => value !== undefined && p.set(key, String(value));
  const flag = (key: string, value: boolean | undefined) => value && p.set(key, '1');
  const list = (key: string, values: readonly (string | number)[] | undefined) =>
    [...new Set(values ?? [])].forEach((v) => p.append(key, String(v)));
  id(keys.libraryId, view.libraryId);
  id(keys.folderId, view.folderId);
  id(keys.collectionId, view.collectionId);
  flag(keys.trash, view.trash);
  if (view.nameContains?.trim()) p.set(keys.nameContains, view.nameContains.trim());
  list(keys.dates, view.dates);
  list(keys.durations, view.durations);
  list(keys.resolutions, view.resolutions);
  list(keys.formats, view.formats);
  list(keys.tagIds, view.tagIds);
  flag(keys.missing, view.missing);
  flag(keys.failed, view.failed);
  if (view.sort) {
    p.set(keys.sort, view.sort);
    if (view.order && view.order !== defaultOrder(view.sort)) p.set(keys.order, view.order);
  }
  return p;
}

/** Reads a view back; values a hand-edited or stale URL got wrong are dropped, never thrown on. */
export function viewFromSearchParams(params: URLSearchParams): VideoQuery {
  const view: VideoQuery = {};
  const isId = (v: string | null) => v !== null && /^[1-9]\d{0,14}$/.test(v);
  const id = (key: string) => (isId(params.get(key)) ? Number(params.get(key)) : undefined);
  const list = <T extends string>(key: string, ok: (v: string) => boolean) => {
    const values = [...new Set(params.getAll(key).filter(ok))] as T[];
    return values.length > 0 ? values : undefined;
  };
  const set = <K extends keyof VideoQuery>(key: K, value: VideoQuery[K] | undefined) => {
    if (value !== undefined && value !== false) view[key] = value;
  };
  set('libraryId', id(keys.libraryId));
  set('folderId', id(keys.folderId));
  set('collectionId', id(keys.collectionId));
  set('trash', params.get(keys.trash) === '1');
  set('nameContains', params.get(keys.nameContains)?.trim() || undefined);
  set('dates', list(keys.dates, isDateKey));
  const oneOf = (buckets: readonly { value: string }[]) => (v: string) => buckets.some((b) => b.value === v);
  set('durations', list<DurationBucket>(keys.durations, oneOf(durationBuckets)));
  set('resolutions', list<ResolutionBucket>(keys.resolutions, oneOf(resolutionBuckets)));
  set(
    'formats',
    list(keys.formats, (v) => v.length > 0 && v !== '.'),
  );
  set('tagIds', list(keys.tagIds, isId)?.map(Number));
  set('missing', params.get(keys.missing) === '1');
  set('failed', params.get(keys.failed) === '1');
  const sort = params.get(keys.sort) as VideoSort | null;
  if (sort && videoSorts.includes(sort)) {
    view.sort = sort;
    const order = params.get(keys.order);
    view.order = order === 'asc' || order === 'desc' ? order : defaultOrder(sort);
  }
  return view;
}
