// Reading the library view the way a user sees it: the grid's cards, the sidebar's facets and their counts, the
// selection bar.
import type { Locator, Page } from 'playwright-core';

/** The names on the grid's cards, in display order (the fixture libraries fit on one screen). */
export async function gridNames(page: Page): Promise<string[]> {
  const cells = page.getByRole('grid', { name: 'Videos' }).getByRole('gridcell');
  const shown = await cells.evaluateAll((els) =>
    els.map((el) => ({ index: Number(el.getAttribute('data-index')), name: el.getAttribute('aria-label') ?? '' })),
  );
  return shown.sort((a, b) => a.index - b.index).map((c) => c.name);
}

export function card(page: Page, name: string): Locator {
  return page.getByRole('gridcell', { name, exact: true });
}

/** Clicks a card away from its play button (which sits in the middle of the poster). */
export async function clickCard(page: Page, name: string, modifiers: ('Shift' | 'ControlOrMeta')[] = []) {
  await card(page, name).click({ position: { x: 12, y: 12 }, modifiers });
}

/** A facet section of the sidebar ("Duration", "Resolution", "Format", "Tags", "Status", "By date"). */
export function facet(page: Page, section: string): Locator {
  return page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: section, exact: true });
}

/** The values of a facet section with their counts, as the buttons' names say them ("720p: 3 videos"). */
export async function facetCounts(page: Page, section: string): Promise<Record<string, number>> {
  const region = facet(page, section);
  if ((await region.count()) === 0) return {};
  const labels = await region
    .locator('button[aria-pressed]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
  return Object.fromEntries(
    labels.map((label) => {
      const m = /^(.*): ([\d,]+) videos?$/.exec(label);
      if (!m) throw new Error(`unexpected facet label “${label}”`);
      return [m[1], Number(m[2].replace(/,/g, ''))];
    }),
  );
}

/** The toggle of one facet value, by its label. */
export function facetValue(page: Page, section: string, label: string): Locator {
  return facet(page, section).getByRole('button', { name: new RegExp(`^${escape(label)}: [\\d,]+ videos?$`) });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The values picked in a facet section. */
export async function pressedValues(page: Page, section: string): Promise<string[]> {
  return facet(page, section)
    .locator('button[aria-pressed="true"]')
    .evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') ?? '').replace(/: [\d,]+ videos?$/, '')));
}

/** The chips of the filters in use, as labelled. */
export async function filterChips(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Filters in use' });
  if ((await list.count()) === 0) return [];
  return list.getByRole('button').evaluateAll((els) => els.map((el) => el.firstChild?.textContent?.trim() ?? ''));
}

export function selectionBar(page: Page): Locator {
  return page.getByRole('region', { name: 'Selection' });
}

/** The summary beside the view's title ("5 videos", "1 video matching “x”"). */
export async function summary(page: Page): Promise<string> {
  return (await page.locator('main h1 + [aria-live]').innerText()).trim();
}

/** Shows one library (the sidebar's button with its name and count). */
export async function showLibrary(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Libraries' })
    .getByRole('region', { name, exact: true })
    .getByRole('button')
    .first()
    .click();
}

/** The aria-label of the focused element (a card's is its video's name). */
export function focusedName(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
}
