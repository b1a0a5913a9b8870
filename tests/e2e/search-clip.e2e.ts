// Search by clip: a short re-encoded clip dropped on the right half of the window is found where it sits in its
// video (offset voting over its frames).
import { describe, expect, test } from 'vitest';
import { useApp } from './harness';
import { dropFile, openSearchLibrary, secondsIn, shownHits } from './search-helpers';
import { makeClipQueries } from './search-queries';

describe('search by clip', () => {
  const app = useApp();

  test('a dropped clip of night.mp4 aligns with the range it was cut from', async () => {
    const { page, pageErrors } = await openSearchLibrary(app);
    const [clip] = await makeClipQueries(page, {
      videos: [{ path: 'night.mp4', duration: 24 }],
      count: 1,
      seed: 11,
    });
    await dropFile(page, { base64: clip.base64, name: 'clip.webm', type: clip.mime }, 'right');
    const clipHits = await shownHits(page, 60_000);
    expect(clipHits[0].name).toBe('night.mp4');
    expect(Math.abs(secondsIn(clipHits[0].times[0]) - clip.start)).toBeLessThanOrEqual(0.5);
    expect(clipHits[0].text).toMatch(/matched · \d+ frames aligned · \d+% confidence/);
    await page.getByRole('button', { name: 'Close search results' }).click();
    expect(pageErrors).toEqual([]);
  });
});
