// The library grid's geometry and keyboard moves, as pure functions: the grid component renders what these say,
// and the unit tests pin them down without a DOM.

export interface GridLayout {
  columns: number;
  /** Size of one card; every card has it, so nothing shifts while posters load. */
  cardWidth: number;
  cardHeight: number;
  /** Poster area of a card (16:9). */
  posterHeight: number;
  /** Distance from one row's top to the next one's. */
  rowHeight: number;
  gap: number;
}

/** Room under the poster for the name and one line of labels. */
export const cardInfoHeight = 48;

/** Columns of at least `minCard` px that fill `width`; cards stretch to share what is left over. */
export function gridLayout(width: number, minCard = 200, gap = 12): GridLayout {
  const usable = Math.max(minCard, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (minCard + gap)));
  const cardWidth = Math.floor((usable - gap * (columns - 1)) / columns);
  const posterHeight = Math.round((cardWidth * 9) / 16);
  const cardHeight = posterHeight + cardInfoHeight;
  return { columns, cardWidth, cardHeight, posterHeight, rowHeight: cardHeight + gap, gap };
}

/** The rows to render for a scroll position: those on screen plus `overscan` rows either side. */
export function visibleRows(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  rowCount: number,
  overscan = 2,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

export interface MoveKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/**
 * Where focus goes for a key in a grid of `total` items, `columns` wide, `pageRows` rows to a screen: arrows by
 * one item or one row, Home/End to the row's ends (with Ctrl, the grid's), PageUp/PageDown by a screen. Null
 * when the key moves nothing. A list is a grid one column wide.
 */
export function moveFocus(e: MoveKey, index: number, columns: number, total: number, pageRows: number): number | null {
  if (total <= 0) return null;
  const i = Math.min(Math.max(0, index), total - 1);
  const last = total - 1;
  const clamp = (n: number) => Math.min(Math.max(0, n), last);
  const ctrl = e.ctrlKey || e.metaKey;
  switch (e.key) {
    case 'ArrowRight':
      return clamp(i + 1);
    case 'ArrowLeft':
      return clamp(i - 1);
    case 'ArrowDown':
      // From a row whose column has nothing below (the last, short row), stay put rather than jump sideways.
      return i + columns <= last ? i + columns : i;
    case 'ArrowUp':
      return i - columns >= 0 ? i - columns : i;
    case 'Home':
      return ctrl ? 0 : i - (i % columns);
    case 'End':
      return ctrl ? last : Math.min(last, i - (i % columns) + columns - 1);
    case 'PageDown':
      return Math.min(last, i + columns * Math.max(1, pageRows));
    case 'PageUp':
      return Math.max(0, i - columns * Math.max(1, pageRows));
    default:
      return null;
  }
}

/**
 * The scroll position that shows the span `top`–`bottom` (px from the content's top) whole, `margin` clear of
 * the viewport's edges, moving as little as possible from `scrollTop`.
 */
export function scrollToShow(top: number, bottom: number, scrollTop: number, viewport: number, margin = 0): number {
  if (top - margin < scrollTop) return Math.max(0, top - margin);
  if (bottom + margin > scrollTop + viewport) return Math.max(0, bottom + margin - viewport);
  return scrollTop;
}
