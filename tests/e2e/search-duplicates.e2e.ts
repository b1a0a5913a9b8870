// The Duplicates view: videos that share footage (re-encodes, trims) are grouped; videos that merely open on
// black are not.
import { describe, expect, test } from 'vitest';
import { useApp } from './harness';
import { openSearchLibrary } from './search-helpers';

describe('duplicates', () => {
  const app = useApp();

  test('the re-encoded, trimmed copy sits with its original; the two videos that open on black do not', async () => {
    const { page, pageErrors } = await openSearchLibrary(app);
    await page.getByRole('button', { name: 'Duplicates' }).click();
    const dups = page.getByRole('region', { name: 'Duplicates' });
    const groups = dups.getByRole('listitem').filter({ has: page.getByRole('heading') });
    await expect.poll(() => groups.count(), { timeout: 30_000 }).toBe(1);
    const names = await groups
      .first()
      .getByRole('button', { name: /^Play / })
      .allInnerTexts();
    expect(names.map((n) => n.trim()).sort()).toEqual(['ocean-small.webm', 'ocean.mp4']);
    expect(await groups.first().getByRole('heading').innerText()).toMatch(/2 videos share 0:(1\d|2\d)/);
    await dups.getByRole('button', { name: 'Back to library' }).click();
    expect(pageErrors).toEqual([]);
  });
});
