import { library } from './library.svelte';

/**
 * The selected videos of the library view (by id, so a selection survives scrolling away and pages being
 * refetched) and the keyboard's place in it: `focus` is the item that takes Tab (a roving tabindex), `anchor`
 * where a Shift range starts. A new view starts with nothing selected.
 */
class SelectionState {
  ids = $state.raw<ReadonlySet<number>>(new Set());
  focus = $state(0);
  anchor = 0;
  #generation = 0;

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Forgets the selection and goes back to the first item (a new view). */
  reset(): void {
    this.clear();
    this.focus = 0;
    this.anchor = 0;
  }

  clear(): void {
    this.#generation += 1;
    if (this.ids.size > 0) this.ids = new Set();
  }

  set(ids: Iterable<number>): void {
    this.#generation += 1;
    this.ids = new Set(ids);
  }

  /** Space, Ctrl/Cmd+click: the item joins the selection or leaves it, and a range starts from it. */
  toggle(index: number, id: number): void {
    this.set(this.ids.has(id) ? [...this.ids].filter((x) => x !== id) : [...this.ids, id]);
    this.anchor = index;
    this.focus = index;
  }

  /** Shift+click, Shift+arrows: everything from the anchor to `index` (added to what was picked with Ctrl). */
  async extendTo(index: number, additive = false): Promise<void> {
    this.focus = index;
    const generation = ++this.#generation;
    const before = this.ids;
    const ids = await library.idsInRange(this.anchor, index);
    if (generation !== this.#generation) return; // another change came first
    this.ids = new Set(additive ? [...before, ...ids] : ids);
  }

  /** A plain click: just this item. */
  only(index: number, id: number): void {
    this.set([id]);
    this.anchor = index;
    this.focus = index;
  }

  /** Ctrl/Cmd+A: every video of the view. */
  async selectAll(): Promise<void> {
    const generation = ++this.#generation;
    const ids = await library.allIds();
    if (generation === this.#generation) this.ids = new Set(ids);
  }

  /** A click on an item, as file managers read the modifier keys. */
  async click(index: number, id: number, e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): Promise<void> {
    if (e.shiftKey) await this.extendTo(index, e.ctrlKey || e.metaKey);
    else if (e.ctrlKey || e.metaKey) this.toggle(index, id);
    else this.only(index, id);
  }
}

export const selection = new SelectionState();
