// The library view beyond its query: grid or list, and the view as a whole in the URL (lib/facets owns the
// query's parameters; this adds the layout's).
import {
  durationBuckets,
  formatKeyLabel,
  parseDateKey,
  viewFromSearchParams,
  viewParamNames,
  viewToSearchParams,
} from './facets';
import type { VideoQuery } from './types';

export type ViewMode = 'grid' | 'list';

/** The layout's URL parameter: `layout=list`; the grid, the default, is left out. */
export const layoutParam = 'layout';

export interface View {
  query: VideoQuery;
  mode: ViewMode;
}

/** The facet and name selections of a query: what "Clear filters" clears (the scope stays). */
const filterKeys = [
  'nameContains',
  'dates',
  'durations',
  'resolutions',
  'formats',
  'tagIds',
  'missing',
  'failed',
] as const satisfies readonly (keyof VideoQuery)[];

export type FilterKey = (typeof filterKeys)[number];

/** True when a facet or the name filter narrows the view. */
export function isFiltered(q: VideoQuery): boolean {
  return filterKeys.some((k) => {
    const v = q[k];
    return Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.trim() !== '' : v === true;
  });
}

/** The query without facet or name selections: same library, folder, collection or Trash, same sort. */
export function withoutFilters(q: VideoQuery): VideoQuery {
  const out = { ...q };
  for (const k of filterKeys) delete out[k];
  return out;
}

/** `values` with `value` added, or taken out when it is there; undefined when nothing is left. */
export function toggled<T>(values: readonly T[] | undefined, value: T): T[] | undefined {
  const list = values ?? [];
  const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  return next.length > 0 ? next : undefined;
}

/** The view as the URL's search string (other parameters in `current` are kept), without the leading '?'. */
export function viewToSearch(view: View, current = ''): string {
  const params = new URLSearchParams(current);
  for (const name of [...viewParamNames, layoutParam]) params.delete(name);
  for (const [k, v] of viewToSearchParams(view.query)) params.append(k, v);
  if (view.mode === 'list') params.set(layoutParam, 'list');
  return params.toString();
}

export function viewFromSearch(search: string): View {
  const params = new URLSearchParams(search);
  return { query: viewFromSearchParams(params), mode: params.get(layoutParam) === 'list' ? 'list' : 'grid' };
}

/** Two queries show the same videos in the same order (paging aside). */
export function sameQuery(a: VideoQuery, b: VideoQuery): boolean {
  return viewToSearchParams(a).toString() === viewToSearchParams(b).toString();
}

export interface FilterChip {
  /** Unique within a view, for keyed lists. */
  key: string;
  label: string;
  /** The query without this one selection. */
  without: VideoQuery;
}

const months = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' });
const monthName = (year: number, month: number) => months.format(Date.UTC(year, month - 1));

/** "2024" → "2024", "2024-06" → "June 2024". */
export function dateLabel(key: string): string {
  const d = parseDateKey(key);
  if (!d) return key;
  return d.month === null ? String(d.year) : `${monthName(d.year, d.month)} ${d.year}`;
}

/** One chip per facet value and name filter the view applies, each removing just itself. */
export function filterChips(q: VideoQuery, tagName: (id: number) => string | undefined): FilterChip[] {
  const chips: FilterChip[] = [];
  const name = q.nameContains?.trim();
  if (name) chips.push({ key: 'q', label: `Name: “${name}”`, without: { ...q, nameContains: undefined } });
  const lists: { [K in FilterKey]?: (v: never) => string } = {
    dates: (v: string) => dateLabel(v),
    durations: (v: string) => durationBuckets.find((b) => b.value === v)?.label ?? v,
    resolutions: (v: string) => v,
    formats: (v: string) => formatKeyLabel(v),
    tagIds: (v: number) => `Tag: ${tagName(v) ?? v}`,
  };
  for (const [key, label] of Object.entries(lists) as [FilterKey, (v: string | number) => string][]) {
    for (const value of (q[key] as (string | number)[] | undefined) ?? []) {
      chips.push({
        key: `${key}:${value}`,
        label: label(value),
        without: { ...q, [key]: toggled(q[key] as (string | number)[], value) },
      });
    }
  }
  if (q.missing) chips.push({ key: 'missing', label: 'Missing files', without: { ...q, missing: undefined } });
  if (q.failed) chips.push({ key: 'failed', label: 'Failed files', without: { ...q, failed: undefined } });
  return chips;
}
