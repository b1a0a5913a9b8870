// The three engines the app promises, each driven by its own Debian package (no browser downloads): Chromium
// through playwright-core, Firefox ESR over WebDriver BiDi (puppeteer-core), and WebKitGTK's MiniBrowser through
// WebKitWebDriver (classic WebDriver over HTTP; a few calls, so no client library). All sit behind one small
// `Driver`, so the user journeys in journeys.ts are written once.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { test } from 'vitest';
import { freePort, launchBrowser } from '../harness';

export type EngineName = 'Chromium' | 'Firefox' | 'WebKit';

export interface Driver {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /**
   * Runs `body`, the body of an async function, in the page and returns what it returns (JSON-cloneable). Its
   * arguments are `args`, as `args[0]`…
   */
  run<T>(body: string, ...args: unknown[]): Promise<T>;
  /** Gives files to the `<input type=file>` that `selector` finds, as a user picking them would. */
  chooseFiles(selector: string, paths: string[]): Promise<void>;
  /**
   * Gives a folder to the `<input webkitdirectory>` that `selector` finds. Chromium's automation gives the folder
   * (paths relative to it); Firefox's and WebKit's can only give its files, without their paths.
   */
  chooseFolder(selector: string, dir: string): Promise<void>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export const firefoxPath = '/usr/bin/firefox-esr';
export const miniBrowserPath = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const webkitDriverPath = '/usr/bin/WebKitWebDriver';
export const xvfbPath = '/usr/bin/Xvfb';

/** Every file under `dir`. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The page source that calls `body` with `args` and resolves to its result. */
function program(body: string, args: unknown[]): string {
  return `(async (args) => { ${body} })(${JSON.stringify(args)})`;
}

export async function launchFirefox(): Promise<Driver> {
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    // A fresh profile each launch (puppeteer's default); no update checks or telemetry from the test browser.
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  const page: Page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const chooseFiles = async (selector: string, paths: string[]) => {
    const input = await page.waitForSelector(selector);
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...paths);
  };
  return {
    engine: 'Firefox',
    async goto(url) {
      await page.goto(url);
    },
    async reload() {
      await page.reload();
    },
    run<T>(body: string, ...args: unknown[]) {
      return page.evaluate(program(body, args)) as Promise<T>;
    },
    chooseFiles,
    async chooseFolder(selector, dir) {
      await chooseFiles(selector, filesIn(dir)); // BiDi's input.setFiles refuses a folder
    },
    async screenshot(path) {
      await page.screenshot({ path });
    },
    async close() {
      await browser.close();
    },
  };
}

/** Headless system Chromium, launched as every other e2e test launches it. */
export async function launchChromium(): Promise<Driver> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  return {
    engine: 'Chromium',
    async goto(url) {
      await page.goto(url);
    },
    async reload() {
      await page.reload();
    },
    run<T>(body: string, ...args: unknown[]) {
      return page.evaluate(program(body, args)) as Promise<T>;
    },
    async chooseFiles(selector, paths) {
      await page.setInputFiles(selector, paths);
    },
    async chooseFolder(selector, dir) {
      await page.setInputFiles(selector, dir);
    },
    async screenshot(path) {
      await page.screenshot({ path });
    },
    async close() {
      await browser.close();
    },
  };
}

/** A virtual display for MiniBrowser, which cannot run headless: Debian's Xvfb on a display number not in use. */
async function startDisplay(): Promise<{ display: string; stop(): void }> {
  let n = 90 + Math.floor(Math.random() * 400);
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
  const xvfb = spawn(xvfbPath, [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  for (let i = 0; !existsSync(`/tmp/.X11-unix/X${n}`); i++) {
    if (i > 100 || xvfb.exitCode !== null) throw new Error(`Xvfb did not start on :${n}`);
    await sleep(50);
  }
  return { display: `:${n}`, stop: () => xvfb.kill() };
}

/** Starts a display, WebKitWebDriver on a free port, and a MiniBrowser session. */
export async function launchWebKit(): Promise<Driver> {
  const screen = await startDisplay();
  const port = await freePort();
  const server: ChildProcess = spawn(webkitDriverPath, [`--port=${port}`], {
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: screen.display },
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { value: T & { message?: string; error?: string } };
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value.error} ${json.value.message ?? ''}`);
    return json.value;
  };
  let session = '';
  for (let tries = 0; !session; tries++) {
    try {
      const made = await call<{ sessionId: string }>('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'MiniBrowser',
            'webkitgtk:browserOptions': { binary: miniBrowserPath, args: ['--automation'] },
          },
        },
      });
      session = made.sessionId;
    } catch (err) {
      if (tries > 50) throw err;
      await sleep(200); // the driver is still starting
    }
  }
  const at = (path: string) => `/session/${session}${path}`;
  await call('POST', at('/timeouts'), { script: 120_000 }); // as long as a slow step may take; `until` polls
  const chooseFiles = async (selector: string, paths: string[]) => {
    const found = await call<Record<string, string>>('POST', at('/element'), {
      using: 'css selector',
      value: selector,
    });
    const id = Object.values(found)[0];
    await call('POST', at(`/element/${id}/value`), { text: paths.join('\n') });
  };
  return {
    engine: 'WebKit',
    async goto(url) {
      await call('POST', at('/url'), { url });
    },
    async reload() {
      await call('POST', at('/refresh'), {});
    },
    async run<T>(body: string, ...args: unknown[]) {
      const script =
        `const done = arguments[0]; ${program(body, args)}` +
        `.then((value) => done({ value }), (err) => done({ error: String(err) + ' ' + String(err && err.stack) }));`;
      const out = await call<{ value?: T; error?: string }>('POST', at('/execute/async'), { script, args: [] });
      if (out.error) throw new Error(out.error);
      return out.value as T;
    },
    chooseFiles,
    async chooseFolder(selector, dir) {
      await chooseFiles(selector, filesIn(dir)); // one file per line: WebDriver gives no folder
    },
    async screenshot(path) {
      writeFileSync(path, Buffer.from(await call<string>('GET', at('/screenshot')), 'base64'));
    },
    async close() {
      await call('DELETE', at('')).catch(() => undefined);
      server.kill();
      screen.stop();
    },
  };
}

/** Whether this machine has the engine's Debian packages (and, for WebKit, Xvfb to show it on). */
export function engineAvailable(engine: EngineName): boolean {
  if (engine === 'Chromium') return true; // every e2e test needs it: harness.ts says what to install
  if (engine === 'Firefox') return existsSync(firefoxPath);
  return [miniBrowserPath, webkitDriverPath, xvfbPath].every((p) => existsSync(p));
}

/** An engine the README promises is not installed: one failing test that says what to install (never a skip). */
export function missingEngine(engine: EngineName, packages: string): void {
  test(`${engine}: user journeys`, () => {
    throw new Error(`${engine} is not installed: apt-get install ${packages} (or run .ci/run)`);
  });
}
