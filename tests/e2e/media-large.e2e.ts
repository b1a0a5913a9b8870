// A video over 4 GB indexes like any other: every tier reads the File lazily, so size never becomes memory.
// The file is the H.264 fixture followed by a 64-bit 'free' box, extended sparsely: 4.3 GB on paper, a few
// hundred kilobytes on disk, and a valid MP4 for every reader.
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalogVideos, eventually, openApp, videoRows } from './app';
import { launchBrowser, startServer } from './harness';
import type { TestServer } from './harness';
import { importAndIndex, mediaDir, videoMedia } from './media-helpers';

const bigSize = 4.3e9;

/** Appends a 'free' box with a 64-bit size so the file reaches `total` bytes, leaving the rest sparse. */
function makeHugeMp4(from: string, to: string, total: number): void {
  copyFileSync(from, to);
  const start = statSync(to).size;
  const box = Buffer.alloc(16);
  box.writeUInt32BE(1, 0); // size 1: the real size follows as 64 bits
  box.write('free', 4, 'ascii');
  box.writeBigUInt64BE(BigInt(total - start), 8);
  const fd = openSync(to, 'r+');
  writeSync(fd, box, 0, box.length, start);
  closeSync(fd);
  truncateSync(to, total);
}

describe('a video over 4 GB', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-e2e-huge-'));
    makeHugeMp4(join(mediaDir, 'h264.mp4'), join(dir, 'huge.mp4'), bigSize);
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is catalogued, probed, given a poster and sampled without reading it whole', async () => {
    const page = await context.newPage();
    await openApp(page, server.url);
    // Playwright hands local files to Chromium by path: nothing of the 4.3 GB is copied.
    await importAndIndex(page, dir, 120_000);
    const [video] = await catalogVideos(page);
    expect(video).toMatchObject({ name: 'huge.mp4', size: bigSize, status: 'done', width: 320, height: 180 });
    expect(video.duration).toBeCloseTo(4, 1);
    // The list refreshes shortly after the last job (its updates are coalesced): wait for the poster to show.
    await eventually(async () => (await videoRows(page))[0]?.Poster).toBe('image');
    const [row] = await videoRows(page);
    expect(row).toMatchObject({ Size: '4.3 GB', Duration: '0:04' });
    const media = await videoMedia(page, video.id);
    expect(media.poster).not.toBeNull();
    expect(media.frames.length).toBeGreaterThanOrEqual(4);
  });
});
