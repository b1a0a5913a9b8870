// The search index is kept: after a reload it is read back from OPFS, and with the server gone (offline, the
// service worker serving the app) a screenshot still finds its video.
import { describe, expect, test } from 'vitest';
import { startServer, useApp } from './harness';
import { expectImageFound, openSearchLibrary, waitForApp } from './search-helpers';

describe('search after a reload and offline', () => {
  const app = useApp();

  test('a screenshot finds its video after a reload, and again with the server gone', async () => {
    const opened = await openSearchLibrary(app);
    const { context, pageErrors } = opened;
    let page = opened.page;
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });

    await page.reload();
    await waitForApp(page);
    await expectImageFound(page, 'ocean.mp4', 7.4);

    // Offline: the server is gone (setOffline misses service-worker fetches), the app and its index still work.
    const { port, url } = app.server;
    await app.server.stop();
    try {
      await page.close();
      page = await context.newPage();
      await page.goto(url);
      await waitForApp(page);
      await expectImageFound(page, 'night.mp4', 17.5);
    } finally {
      app.server = await startServer({ port });
    }
    expect(pageErrors).toEqual([]);
  });
});
