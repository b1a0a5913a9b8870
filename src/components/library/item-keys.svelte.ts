// Keys, clicks and drags shared by the library's grid and list: both are rows of items (the list one column
// wide), with a roving tabindex on `selection.focus`.
import { moveFocus } from '../../lib/grid-layout';
import { isFiltered } from '../../lib/view';
import { library } from '../../state/library.svelte';
import { moveInCollection } from '../../state/library-actions';
import { player } from '../../state/player.svelte';
import { selection } from '../../state/selection.svelte';

export interface ItemsGeometry {
  columns: number;
  /** Rows on one screen, for PageUp/PageDown. */
  pageRows: number;
  /** Scrolls item `index` into view and focuses it. */
  focusItem(index: number): void;
}

/** A collection shown in its own order, unfiltered: its videos can be moved (drag, Alt+arrows, buttons). */
export function canReorder(): boolean {
  const v = library.view;
  return v.collectionId !== undefined && !v.sort && !isFiltered(v);
}

/** Moves the video at `from` to position `to` of the collection shown, and keeps focus on it. */
export async function reorder(from: number, to: number, focusItem?: (index: number) => void): Promise<void> {
  const video = library.videoAt(from);
  const collectionId = library.view.collectionId;
  if (!video || collectionId === undefined || from === to) return;
  if (!(await moveInCollection(collectionId, video.id, to))) return;
  selection.focus = to;
  selection.anchor = to;
  focusItem?.(to);
}

const arrows = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);

/**
 * Arrows, Home/End and PageUp/PageDown move focus (with Shift, the selection grows from the anchor); Enter plays,
 * Space selects, Ctrl/Cmd+A selects all, Escape clears; Alt+arrows move a video within a collection.
 */
export function itemsKeydown(e: KeyboardEvent, g: ItemsGeometry): void {
  const total = library.total;
  const at = itemIndex(e);
  if (total === 0 || at === null) return;
  // The item with focus, wherever focus came from (Tab, a click, a script).
  const index = Math.min(at, total - 1);
  selection.focus = index;
  const video = library.videoAt(index);
  if (e.key === 'Enter') {
    if (video) void player.open(video.id);
  } else if (e.key === ' ') {
    if (e.shiftKey) void selection.extendTo(index, true);
    else if (video) selection.toggle(index, video.id);
  } else if (e.key === 'Escape' && selection.size > 0) {
    selection.clear();
  } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
    void selection.selectAll();
  } else if (e.altKey && arrows.has(e.key)) {
    if (!canReorder()) return;
    const to = moveFocus({ key: e.key }, index, g.columns, total, 1);
    if (to !== null) void reorder(index, to, g.focusItem);
  } else {
    const to = moveFocus(e, index, g.columns, total, g.pageRows);
    if (to === null) return;
    if (e.shiftKey) void selection.extendTo(to);
    else selection.focus = to;
    g.focusItem(to);
  }
  e.preventDefault();
}

/** The item a pointer event happened on, by its `data-index`. */
export function itemIndex(e: Event): number | null {
  const el = (e.target as Element | null)?.closest<HTMLElement>('[data-index]');
  return el ? Number(el.dataset.index) : null;
}

/** A click selects (Ctrl/Cmd toggles, Shift takes the range); a double click plays. */
export function itemClick(e: MouseEvent): void {
  const index = itemIndex(e);
  const video = index === null ? undefined : library.videoAt(index);
  if (index === null || !video) return;
  if (e.detail === 2) return void player.open(video.id);
  // Shift+click kept focus where it was (see itemMousedown): it belongs on the item clicked.
  (e.target as Element).closest<HTMLElement>('[data-index]')?.focus({ preventScroll: true });
  void selection.click(index, video.id, e);
}

/** Shift+click would also select the page's text: not on items. */
export function itemMousedown(e: MouseEvent): void {
  if (e.shiftKey && itemIndex(e) !== null) e.preventDefault();
}

/**
 * Drag and drop within a collection: where the dragged video would land, as the index of the item it would go
 * before or after. `dragging` is the index being dragged (null when no drag of ours is on).
 */
export class ItemDrag {
  dragging = $state<number | null>(null);
  over = $state<{ index: number; side: 'before' | 'after' } | null>(null);

  start(e: DragEvent): void {
    const index = itemIndex(e);
    if (index === null || !canReorder() || !e.dataTransfer) return;
    this.dragging = index;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', library.videoAt(index)?.name ?? '');
  }

  /** `vertical`: the list, where before/after is above/below. */
  move(e: DragEvent, vertical = false): void {
    const index = itemIndex(e);
    if (this.dragging === null || index === null) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const rect = (e.target as Element).closest('[data-index]')!.getBoundingClientRect();
    const after = vertical ? e.clientY > rect.top + rect.height / 2 : e.clientX > rect.left + rect.width / 2;
    this.over = { index, side: after ? 'after' : 'before' };
  }

  drop(e: DragEvent, focusItem: (index: number) => void): void {
    const from = this.dragging;
    const over = this.over;
    this.end();
    if (from === null || !over) return;
    e.preventDefault();
    // The slot it lands in, counted without the dragged video itself.
    const slot = over.index + (over.side === 'after' ? 1 : 0);
    void reorder(from, slot > from ? slot - 1 : slot, focusItem);
  }

  end(): void {
    this.dragging = null;
    this.over = null;
  }

  sideOf(index: number): 'before' | 'after' | null {
    return this.over?.index === index && this.dragging !== null ? this.over.side : null;
  }
}
