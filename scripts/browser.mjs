// What every script that drives the app needs: the system Chromium with the flags this closed network wants,
// and the app built into a folder of its own and served by Vite's preview server.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { testBuildEnv } from './debug-handle.mjs';
import { findChromium } from './find-chromium.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Headless as root, and without the background services that would try the network (refused here, many
 * times a start) or grow the shared-memory use past a container's /dev/shm.
 */
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

export async function launchChromium(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (await findChromium()),
    args: chromiumArgs,
    ...options,
  });
}

/**
 * A test build (with the debug handle the scripts drive the app through) into `outDir` (never dist/, which the tests
 * use); exits the process if the build fails.
 */
export function buildApp(outDir, { env = process.env, logLevel = 'warn' } = {}) {
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', logLevel],
    { cwd: root, stdio: 'inherit', env: testBuildEnv(env) },
  );
  if (built.status !== 0) process.exit(1);
}

/** Serves a built folder on a free loopback port; `close()` stops it. */
export async function serveBuilt(outDir) {
  const server = await preview({
    root,
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  return { url: server.resolvedUrls.local[0], close: () => new Promise((done) => server.httpServer.close(done)) };
}
