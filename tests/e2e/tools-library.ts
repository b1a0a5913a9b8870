// The video tools' e2e files each open a small library the same way: a browser on the built app, fixture files in a
// folder of OPFS picked through "Open folder", processing finished. Some also slow the app's writes on purpose, so a
// Cancel or a withdrawn permission lands in the middle of a job however fast the machine is.
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, openApp } from './app';
import { launchBrowser, seedOpfsFolder, startServer, stubDirectoryPicker } from './harness';
import type { FixtureFile, TestServer } from './harness';
import { waitForIdle } from './media-helpers';

/**
 * The page's switches for slowing writes. `__holdWrites`: every write to a file waits for it. `__holdFile`: creating
 * a file whose name holds it waits for `__release()`. `__refuseFile`: creating one is refused as the browser does
 * once the folder's permission is withdrawn.
 */
export type HoldWindow = FramefinderWindow & {
  __holdWrites?: Promise<void>;
  __releaseWrites?: () => void;
  __holdFile?: string;
  __release?: () => void;
  __refuseFile?: string;
};

export interface ToolsLibrary {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

export interface ToolsLibraryOptions {
  folder: string;
  files: FixtureFile[];
  /** Catalogued videos by path, filled once processing is done. */
  videos?: Map<string, Video>;
  context?: BrowserContextOptions;
  /** Before the first page opens: routes, request logs. */
  prepare?: (context: BrowserContext) => Promise<void> | void;
  /** Which of HoldWindow's switches the page gets: 'writes' or 'files' (create holds and refusals). */
  hold?: 'writes' | 'files';
}

export async function openToolsLibrary(options: ToolsLibraryOptions): Promise<ToolsLibrary> {
  const server = await startServer();
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 }, ...options.context });
  await options.prepare?.(context);
  const page = await context.newPage();
  if (options.hold === 'writes') await context.addInitScript(holdWrites);
  if (options.hold === 'files') await context.addInitScript(holdFiles);
  await stubDirectoryPicker(context, options.folder);
  await page.goto(server.url);
  await seedOpfsFolder(page, options.folder, options.files);
  await openApp(page, server.url);
  await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
  await waitForIdle(page);
  if (options.videos) for (const v of await catalogVideos(page)) options.videos.set(v.path, v);
  return { server, browser, context, page };
}

export async function closeToolsLibrary(library: Partial<ToolsLibrary>, tmp?: string): Promise<void> {
  await library.context?.close();
  await library.browser?.close();
  await library.server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

function holdWrites() {
  const w = window as unknown as HoldWindow;
  const write = FileSystemWritableFileStream.prototype.write;
  FileSystemWritableFileStream.prototype.write = async function (
    this: FileSystemWritableFileStream,
    ...args: Parameters<typeof write>
  ) {
    if (w.__holdWrites) await w.__holdWrites;
    return write.apply(this, args);
  };
}

function holdFiles() {
  const w = window as unknown as HoldWindow;
  const getFile = FileSystemDirectoryHandle.prototype.getFileHandle;
  FileSystemDirectoryHandle.prototype.getFileHandle = async function (
    this: FileSystemDirectoryHandle,
    ...args: Parameters<typeof getFile>
  ) {
    if (w.__refuseFile && args[0].includes(w.__refuseFile))
      throw new DOMException('Permission was withdrawn.', 'NotAllowedError');
    if (w.__holdFile && args[0].includes(w.__holdFile)) await new Promise<void>((go) => (w.__release = go));
    return getFile.apply(this, args);
  };
}
