import { describe, expect, it } from 'vitest';
import { gridLayout, moveFocus, scrollToShow, visibleRows } from '../../src/lib/grid-layout';
import type { VideoQuery } from '../../src/lib/types';
import {
  dateLabel,
  filterChips,
  isFiltered,
  sameQuery,
  toggled,
  viewFromSearch,
  viewToSearch,
  withoutFilters,
} from '../../src/lib/view';

describe('grid layout', () => {
  it('fits as many columns of at least the minimum width as the width allows, cards sharing the rest', () => {
    expect(gridLayout(920, 200, 12)).toMatchObject({ columns: 4, cardWidth: 221 });
    expect(gridLayout(411, 200, 12)).toMatchObject({ columns: 1 });
    expect(gridLayout(412, 200, 12)).toMatchObject({ columns: 2, cardWidth: 200 });
    // Narrower than one card: still one column, never zero.
    expect(gridLayout(50, 200, 12).columns).toBe(1);
    const l = gridLayout(1000);
    expect(l.posterHeight).toBe(Math.round((l.cardWidth * 9) / 16));
    expect(l.rowHeight).toBe(l.cardHeight + l.gap);
  });

  it('renders the rows on screen plus the overscan, inside the grid', () => {
    expect(visibleRows(0, 500, 100, 1000, 2)).toEqual({ first: 0, last: 7 });
    expect(visibleRows(1050, 500, 100, 1000, 2)).toEqual({ first: 8, last: 18 });
    expect(visibleRows(99_900, 500, 100, 1000, 2)).toEqual({ first: 997, last: 1000 });
    expect(visibleRows(0, 500, 100, 0, 2)).toEqual({ first: 0, last: 0 });
  });

  it('scrolls as little as needed to show a span', () => {
    expect(scrollToShow(200, 300, 0, 500)).toBe(0);
    expect(scrollToShow(600, 700, 0, 500)).toBe(200);
    expect(scrollToShow(100, 200, 400, 500, 10)).toBe(90);
    expect(scrollToShow(0, 100, 50, 500, 16)).toBe(0);
  });
});

describe('keyboard moves in the grid', () => {
  // 4 columns, 10 items: rows [0..3] [4..7] [8, 9].
  const move = (key: string, from: number, mods: { ctrlKey?: boolean } = {}) =>
    moveFocus({ key, ...mods }, from, 4, 10, 2);

  it('arrows go one item sideways and one row up or down, never past the ends', () => {
    expect(move('ArrowRight', 3)).toBe(4); // wraps to the next row, as reading order does
    expect(move('ArrowLeft', 0)).toBe(0);
    expect(move('ArrowRight', 9)).toBe(9);
    expect(move('ArrowDown', 1)).toBe(5);
    expect(move('ArrowDown', 5)).toBe(9);
    // Nothing below column 3 of the middle row: stay rather than jump sideways.
    expect(move('ArrowDown', 7)).toBe(7);
    expect(move('ArrowUp', 9)).toBe(5);
    expect(move('ArrowUp', 2)).toBe(2);
  });

  it('Home and End go to the row ends, with Ctrl to the grid ends; pages go by screens', () => {
    expect(move('Home', 6)).toBe(4);
    expect(move('End', 5)).toBe(7);
    expect(move('End', 8)).toBe(9);
    expect(move('Home', 6, { ctrlKey: true })).toBe(0);
    expect(move('End', 1, { ctrlKey: true })).toBe(9);
    expect(move('PageDown', 0)).toBe(8);
    expect(move('PageUp', 9)).toBe(1);
    expect(move('a', 3)).toBeNull();
    expect(moveFocus({ key: 'ArrowDown' }, 0, 4, 0, 2)).toBeNull();
  });

  it('a list is a grid one column wide', () => {
    expect(moveFocus({ key: 'ArrowDown' }, 3, 1, 10, 5)).toBe(4);
    expect(moveFocus({ key: 'ArrowUp' }, 3, 1, 10, 5)).toBe(2);
    expect(moveFocus({ key: 'PageDown' }, 3, 1, 10, 5)).toBe(8);
  });
});

describe('the view', () => {
  const view: VideoQuery = {
    libraryId: 2,
    folderId: 7,
    nameContains: 'beach',
    resolutions: ['720p', '4K'],
    dates: ['2024', '2023-06'],
    tagIds: [3],
    failed: true,
    sort: 'name',
  };

  it('goes into the URL with its layout and comes back the same, keeping other parameters', () => {
    const search = viewToSearch({ query: view, mode: 'list' }, 'debug=1&res=SD&layout=grid');
    const params = new URLSearchParams(search);
    expect(params.get('debug')).toBe('1');
    expect(params.getAll('res')).toEqual(['720p', '4K']);
    expect(params.get('layout')).toBe('list');
    const back = viewFromSearch(search);
    expect(back.mode).toBe('list');
    expect(sameQuery(back.query, view)).toBe(true);
    expect(viewToSearch({ query: {}, mode: 'grid' }, search)).toBe('debug=1');
    expect(viewFromSearch('layout=mosaic').mode).toBe('grid');
  });

  it('knows its filters, clears them while keeping the scope and sort, and toggles values', () => {
    expect(isFiltered(view)).toBe(true);
    expect(isFiltered({ libraryId: 1, sort: 'date', nameContains: '  ' })).toBe(false);
    expect(withoutFilters(view)).toEqual({ libraryId: 2, folderId: 7, sort: 'name' });
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggled(['a'], 'a')).toBeUndefined();
    expect(toggled(undefined, 'a')).toEqual(['a']);
  });

  it('shows one chip per filter, each removing only itself', () => {
    const chips = filterChips(view, (id) => (id === 3 ? 'beach trips' : undefined));
    expect(chips.map((c) => c.label)).toEqual([
      'Name: “beach”',
      '2024',
      'June 2023',
      '720p',
      '4K',
      'Tag: beach trips',
      'Failed files',
    ]);
    const june = chips.find((c) => c.label === 'June 2023')!;
    expect(june.without.dates).toEqual(['2024']);
    expect(june.without.resolutions).toEqual(['720p', '4K']);
    const tag = chips.find((c) => c.key === 'tagIds:3')!;
    expect(tag.without.tagIds).toBeUndefined();
    expect(dateLabel('2024-12')).toBe('December 2024');
    expect(dateLabel('1999')).toBe('1999');
  });
});
