// What a user may hand to search by image besides a drop: a pasted picture, one picked with "Search by image or
// clip" (WebP, GIF, PNG), and input it cannot use (a plain black image, a file that is not an image), each with a
// clear message. No library is needed: a picture from nowhere gets "No match".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, useApp } from './harness';
import { dropFile, resultsRegion, waitForApp } from './search-helpers';

describe('search input', () => {
  const app = useApp();

  test('an image too plain to search with, and a file that is not an image, get clear messages', async () => {
    const context = await app.newContext();
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    const black = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 320;
      c.height = 180;
      c.getContext('2d')!.fillRect(0, 0, 320, 180);
      const url = c.toDataURL('image/png');
      return url.slice(url.indexOf(',') + 1);
    });
    await dropFile(page, { base64: black, name: 'black.png', type: 'image/png' });
    await expect.poll(() => resultsRegion(page).getByRole('alert').innerText()).toMatch(/too plain/);
    await dropFile(page, { base64: btoa('not a picture'), name: 'notes.png', type: 'image/png' });
    await expect.poll(() => resultsRegion(page).getByRole('alert').innerText()).toMatch(/not an image/);
  });

  test('an image can also be pasted or picked with "Search by image or clip" (WebP, GIF and PNG)', async () => {
    const context = await app.newContext();
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    const picture = (type: string) =>
      page.evaluate((type) => {
        const c = document.createElement('canvas');
        c.width = 320;
        c.height = 180;
        const g = c.getContext('2d')!;
        for (let i = 0; i < 40; i++) {
          g.fillStyle = `hsl(${i * 37}, 70%, ${30 + (i % 5) * 10}%)`;
          g.fillRect((i * 53) % 300, (i * 29) % 160, 40 + (i % 7) * 9, 30 + (i % 3) * 11);
        }
        const url = c.toDataURL(type);
        return { base64: url.slice(url.indexOf(',') + 1), type: url.slice(5, url.indexOf(';')) };
      }, type);
    const noMatch = async () =>
      expect
        .poll(() => resultsRegion(page).getByRole('status').allInnerTexts(), { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/No match in your library/));

    // Pasted (Ctrl+V outside a text field).
    const webp = await picture('image/webp');
    expect(webp.type).toBe('image/webp');
    await page.evaluate(({ base64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'p.webp', { type: 'image/webp' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, webp);
    await noMatch();
    expect(await resultsRegion(page).getByText('Pasted image').count()).toBe(1);
    await page.getByRole('button', { name: 'Close search results' }).click();

    // Picked through the header's button: an animated GIF is searched by its first frame.
    const gif = readFileSync(join(repoRoot, 'tests/fixtures/queries/animated.gif'));
    await page
      .getByLabel('Image or clip to search for')
      .setInputFiles({ name: 'loop.gif', mimeType: 'image/gif', buffer: gif });
    await noMatch();
    expect(await resultsRegion(page).getByText('loop.gif').count()).toBe(1);
    const png = await picture('image/png');
    await page
      .getByLabel('Image or clip to search for')
      .setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: Buffer.from(png.base64, 'base64') });
    await noMatch();
    expect(await resultsRegion(page).getByText('shot.png').count()).toBe(1);
  });
});
