// Proves the e2e harness itself, independently of what the app does: the server serves the build and
// comes back on the same port, a seeded OPFS folder reads back byte for byte through the stubbed
// folder picker, and the request log sees same-origin traffic and catches foreign requests.
import { createHash } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  expectedLibrary,
  fixtureFiles,
  recordRequests,
  removeOpfsFile,
  seedOpfsFolder,
  startServer,
  stubDirectoryPicker,
  useApp,
  writeOpfsFile,
} from './harness';

interface PickedFile {
  path: string;
  size: number;
  sha256: string;
}

/** In the page: pick a folder through window.showDirectoryPicker and list every file in it. */
function readPickedFolder(): Promise<PickedFile[]> {
  return (async () => {
    const picker = (window as unknown as { showDirectoryPicker(): Promise<FileSystemDirectoryHandle> })
      .showDirectoryPicker;
    const files: PickedFile[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      // entries() is missing from TypeScript's DOM lib; Chromium has it.
      const entries = (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
      for await (const [name, handle] of entries) {
        if (handle.kind === 'directory') {
          await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
        } else {
          const file = await (handle as FileSystemFileHandle).getFile();
          const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
          const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
          files.push({ path: prefix + name, size: file.size, sha256 });
        }
      }
    };
    await walk(await picker(), '');
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  })();
}

function describeOnDisk(files: { path: string; bytes: Buffer }[]): PickedFile[] {
  return files.map(({ path, bytes }) => ({
    path,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  }));
}

describe('e2e harness', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  test('the fixture library matches library.json', () => {
    const onDisk = new Map(fixtureFiles().map((f) => [f.path, f.bytes.byteLength]));
    const expected = expectedLibrary();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const video of expected) expect(onDisk.get(video.path), video.path).toBe(video.size);
    expect(onDisk.has('notes.txt')).toBe(true);
    expect(expected.map((v) => v.path)).not.toContain('notes.txt');
  });

  test('a seeded OPFS folder reads back through the stubbed picker, and nothing leaves the origin', async () => {
    context = await app.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    await stubDirectoryPicker(page, 'library');
    await page.goto(app.server.url);
    await seedOpfsFolder(page, 'library', fixtureFiles());

    const expected = describeOnDisk(fixtureFiles());
    expect(expected.map((f) => f.path)).toContain('trips/2024/Café Ünïcode.mov');
    expect(await page.evaluate(readPickedFolder)).toEqual(expected);

    // A rescan sees changes: one file gone, one added, one rewritten.
    await removeOpfsFile(page, 'library', 'clouds.webm');
    await writeOpfsFile(page, 'library', 'trips/new/added.mp4', Buffer.from('not really a video'));
    await writeOpfsFile(page, 'library', 'notes.txt', Buffer.from('shorter'));
    const rescanned = await page.evaluate(readPickedFolder);
    expect(rescanned.map((f) => f.path)).not.toContain('clouds.webm');
    expect(rescanned.find((f) => f.path === 'trips/new/added.mp4')?.size).toBe(18);
    expect(rescanned.find((f) => f.path === 'notes.txt')?.size).toBe(7);

    // Seeding again replaces the folder's contents.
    await seedOpfsFolder(page, 'library', fixtureFiles());
    expect(await page.evaluate(readPickedFolder)).toEqual(expected);
    expect(
      await page.evaluate(() => (window as unknown as { __directoryPickerCalls: number }).__directoryPickerCalls),
    ).toBe(3);

    expect(requests.urls).toContain(app.server.url); // the log is live, so an empty foreign list means something
    expect(requests.foreign(app.server.url)).toEqual([]);
  });

  test('the request log catches foreign requests from the page and from a worker', async () => {
    context = await app.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.evaluate(async () => {
      // .invalid never resolves, so nothing actually leaves this machine.
      await fetch('http://page.invalid/leak').catch(() => undefined);
      const source = "fetch('http://worker.invalid/leak').catch(() => undefined).finally(() => postMessage('done'));";
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      await new Promise((done) => worker.addEventListener('message', done, { once: true }));
      worker.terminate();
    });
    expect(requests.foreign(app.server.url)).toEqual(['http://page.invalid/leak', 'http://worker.invalid/leak']);
  });

  test('the server stops and starts again on the same port', async () => {
    const { port, url } = app.server;
    expect((await fetch(url)).status).toBe(200);
    await app.server.stop();
    await expect(fetch(url)).rejects.toThrow();
    app.server = await startServer({ port });
    expect(app.server.url).toBe(url);
    expect((await fetch(url)).status).toBe(200);
  });
});
