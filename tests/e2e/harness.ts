// Helpers for the e2e specs: serve the built app, drive the system Chromium, seed OPFS folders that
// stand in for the native folder picker, and watch that no request leaves the origin.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, LaunchOptions, Page } from 'playwright-core';
import { preview } from 'vite';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixtureLibraryDir = join(repoRoot, 'tests', 'fixtures', 'library');

// ---------------------------------------------------------------------------------------------------
// Server

export interface TestServer {
  /** Origin with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Folder the server serves: FF_DIST (absolute, or relative to the repo root), default `dist`. */
export function distDir(): string {
  return resolve(repoRoot, process.env.FF_DIST ?? 'dist');
}

/** Asks the OS for a free port on 127.0.0.1 (then releases it for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? done(port) : fail(new Error('no free port'))));
    });
  });
}

/**
 * Serves the built app with `vite preview` (the project's vite.config.ts, so headers and plugins match
 * the real preview server) on 127.0.0.1. Pass `{ port }` to come back on the port of a stopped server:
 * the service worker and storage belong to the origin, so an offline test must reuse it.
 */
export async function startServer(options: { port?: number } = {}): Promise<TestServer> {
  const outDir = distDir();
  if (!existsSync(join(outDir, 'index.html'))) {
    throw new Error(
      `${outDir}/index.html is missing: run \`npm run build:test\` first (a test build, with the debug handle), or set FF_DIST`,
    );
  }
  const port = options.port ?? (await freePort());
  const server = await preview({
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Keep-alive sockets from Chromium would hold the port (and make close() wait); drop them.
      const http = server.httpServer;
      if ('closeAllConnections' in http) http.closeAllConnections();
      await server.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Browser

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  // scripts/ is plain JS without declarations: import it by URL so TypeScript does not look for types.
  const href = new URL('../../scripts/find-chromium.mjs', import.meta.url).href;
  const { findChromium } = (await import(href)) as { findChromium(): Promise<string> };
  return findChromium();
}

async function launchOptions(): Promise<LaunchOptions> {
  return { executablePath: await chromiumPath(), headless: true, args: chromiumArgs };
}

/** Headless system Chromium. Each `browser.newContext()` has its own OPFS, IndexedDB and service workers. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch(await launchOptions());
}

/** A context whose profile (OPFS, IndexedDB, service worker) lives in `userDataDir` and survives a relaunch. */
export async function launchPersistent(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, await launchOptions());
}

// ---------------------------------------------------------------------------------------------------
// Network

export interface RequestLog {
  /** Every URL requested so far by the context's pages, their workers and the service worker. */
  urls: string[];
  /** The recorded URLs that do not belong to `origin` (data:, blob:, about: and extensions ignored). */
  foreign(origin: string): string[];
}

const IGNORED_SCHEMES = new Set(['data:', 'blob:', 'chrome-extension:', 'about:']);

/**
 * Records requests from the whole context. In Chromium, `context.on('request')` also reports requests
 * made by dedicated workers and by the service worker (`request.serviceWorker()`), including the ones a
 * page fetch causes inside the service worker. WebSockets are not requests, so they are added per page.
 */
export function recordRequests(context: BrowserContext): RequestLog {
  const urls: string[] = [];
  const watchPage = (page: Page) => page.on('websocket', (socket) => urls.push(socket.url()));
  context.on('request', (request) => urls.push(request.url()));
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return {
    urls,
    foreign(origin: string) {
      const own = new URL(origin).origin;
      return urls.filter((url) => {
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          return true; // unparseable: report it rather than hide it
        }
        return !IGNORED_SCHEMES.has(parsed.protocol) && parsed.origin !== own;
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// OPFS folders standing in for picked folders

export interface FixtureFile {
  /** Relative path with `/` separators, e.g. `trips/2024/beach day.mp4`. */
  path: string;
  bytes: Uint8Array | Buffer;
}

function toBase64(bytes: Uint8Array | Buffer): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

async function assertOriginPage(page: Page): Promise<void> {
  const origin = await page.evaluate(() => self.origin);
  if (origin === 'null') {
    throw new Error('OPFS needs a page on the app origin: page.goto(server.url) before seeding');
  }
}

/** Writes one file at `dirName/path` in the page origin's OPFS, creating folders; replaces any old file. */
export async function writeOpfsFile(
  page: Page,
  dirName: string,
  path: string,
  bytes: Uint8Array | Buffer,
): Promise<void> {
  await assertOriginPage(page);
  await page.evaluate(
    async ({ dirName, path, base64 }) => {
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const parts = path.split('/').filter(Boolean);
      const name = parts.pop();
      if (!name) throw new Error(`bad path: ${path}`);
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dirName, { create: true });
      for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
      const file = await dir.getFileHandle(name, { create: true });
      const writable = await file.createWritable();
      await writable.write(data);
      await writable.close();
    },
    { dirName, path, base64: toBase64(bytes) },
  );
}

/** Deletes `dirName/path` from the page origin's OPFS (a folder is removed with its contents). */
export async function removeOpfsFile(page: Page, dirName: string, path: string): Promise<void> {
  await assertOriginPage(page);
  await page.evaluate(
    async ({ dirName, path }) => {
      const parts = path.split('/').filter(Boolean);
      const name = parts.pop();
      if (!name) throw new Error(`bad path: ${path}`);
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dirName);
      for (const part of parts) dir = await dir.getDirectoryHandle(part);
      await dir.removeEntry(name, { recursive: true });
    },
    { dirName, path },
  );
}

/**
 * Fills `dirName` in the page origin's OPFS with `files`. The folder is emptied first, so it holds
 * exactly these files; use writeOpfsFile/removeOpfsFile afterwards to change it before a rescan.
 * The page must already be on the app origin.
 */
export async function seedOpfsFolder(page: Page, dirName: string, files: FixtureFile[]): Promise<void> {
  await assertOriginPage(page);
  await page.evaluate(async (dirName) => {
    const root = await navigator.storage.getDirectory();
    try {
      await root.removeEntry(dirName, { recursive: true });
    } catch (err) {
      // NotFoundError: nothing to empty on the first seed.
      if ((err as DOMException).name !== 'NotFoundError') throw err;
    }
    await root.getDirectoryHandle(dirName, { create: true });
  }, dirName);
  // One evaluate per file keeps each protocol message small.
  for (const file of files) await writeOpfsFile(page, dirName, file.path, file.bytes);
}

/**
 * Makes `window.showDirectoryPicker()` resolve to the OPFS folder `dirName` (created if missing) in
 * every document the page (or every page of the context) loads from now on: Playwright cannot drive
 * the native picker. `window.__directoryPickerCalls` counts the calls.
 */
export async function stubDirectoryPicker(target: Page | BrowserContext, dirName: string): Promise<void> {
  await target.addInitScript((dirName: string) => {
    const w = window as unknown as { showDirectoryPicker: unknown; __directoryPickerCalls: number };
    w.__directoryPickerCalls = 0;
    w.showDirectoryPicker = async () => {
      w.__directoryPickerCalls += 1;
      const root = await navigator.storage.getDirectory();
      return root.getDirectoryHandle(dirName, { create: true });
    };
  }, dirName);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures

export interface ExpectedVideo {
  path: string;
  size: number;
  duration: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  fps: number | null;
  audioCodec: string | null;
  container: string | null;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Every file under tests/fixtures/library (videos and non-videos), sorted by path. */
export function fixtureFiles(): { path: string; bytes: Buffer }[] {
  return walk(fixtureLibraryDir)
    .map((full) => ({ path: relative(fixtureLibraryDir, full).split(sep).join('/'), bytes: readFileSync(full) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The catalog the app should build from the fixture library (tests/fixtures/library.json). */
export function expectedLibrary(): ExpectedVideo[] {
  return JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'library.json'), 'utf8')) as ExpectedVideo[];
}

/**
 * The usual life of an e2e file: one preview server and one browser for the file, and for each test a fresh
 * context (its own OPFS, IndexedDB and service workers) from `app.newContext()`, closed after the test.
 * `app.server` may be replaced (offline tests stop it and start it again on the same port).
 */
export function useApp() {
  const app = {
    server: undefined as unknown as TestServer,
    browser: undefined as unknown as Browser,
    context: undefined as BrowserContext | undefined,
    async newContext(): Promise<BrowserContext> {
      const context = await app.browser.newContext();
      app.context = context;
      return context;
    },
  };
  beforeAll(async () => {
    app.server = await startServer();
    app.browser = await launchBrowser();
  });
  afterEach(async () => {
    await app.context?.close();
    app.context = undefined;
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  });
  return app;
}
