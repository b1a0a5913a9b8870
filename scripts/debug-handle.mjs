// Whether a build carries the debug handle (window.framefinder, src/debug-handle.ts): test builds (FF_DEBUG=1)
// must, production builds must not. The handle is the one assignment of a `framefinder` property in the bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Environment for a test build: the debug handle compiled in. */
export const testBuildEnv = (env = process.env) => ({ ...env, FF_DEBUG: '1' });

/** True when any script of the built folder `dir` sets `framefinder` on an object (the handle on globalThis). */
export function hasDebugHandle(dir) {
  const scripts = readdirSync(dir, { recursive: true }).filter((f) => /\.m?js$/.test(String(f)));
  return scripts.some((f) => /\.framefinder\s*=/.test(readFileSync(join(dir, String(f)), 'utf8')));
}
