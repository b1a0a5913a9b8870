#!/usr/bin/env node
// `npm test`: unit tests, then a production build, then the e2e tests in system Chromium.
//
//   node scripts/test.mjs                  svelte-check + eslint + unit + build + e2e
//   node scripts/test.mjs --e2e-only       build + e2e
//   node scripts/test.mjs -- harness       extra args (e.g. a file filter) go to both vitest runs
//
// The durability and fault files (`durabilityFiles`) run in a pass of their own with every core kept busy by
// worker threads, as a user's machine is while it indexes: a race between an edit and its save shows up here
// rather than on their machine (issue 12). The other e2e files run after, without the load.
//
// Env: CHROMIUM_PATH (browser to drive), FF_DIST (serve an already built test build, `npm run build:test`: the
// builds are skipped).
// The e2e tests drive a test build (FF_DEBUG=1: window.framefinder, src/debug-handle.ts). A full run also makes a
// production build and fails if the handle is in it.
// Ends with one line such as `12 passed, 0 failed` and exits non-zero when anything failed or nothing ran.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasDebugHandle, testBuildEnv } from './debug-handle.mjs';
import { findChromium } from './find-chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const OWN_FLAGS = new Set(['--e2e-only']);
const argv = process.argv.slice(2);
const e2eOnly = argv.includes('--e2e-only');
// npm drops the `--` of `npm test -- x`; `node scripts/test.mjs -- x` keeps it. Accept both.
const extraArgs = argv.filter((arg) => !OWN_FLAGS.has(arg) && arg !== '--');

/** Path of a package's CLI inside node_modules: running it with node is what `npx` would do, minus npm. */
function binOf(pkg, name = pkg) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name];
  return join(dirname(manifestPath), bin);
}

function run(args, env = process.env) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', (err) => {
      process.stderr.write(`${err.message}\n`);
      resolvePromise(1);
    });
    child.on('exit', (code, signal) => resolvePromise(signal ? 1 : (code ?? 1)));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let anyFailed = false;
const workDir = mkdtempSync(join(tmpdir(), 'framefinder-test-'));

/** Adds one vitest JSON report to the totals; a file that failed without a failing test counts once. */
function tally(reportPath, label) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    process.stderr.write(`[test] ${label}: vitest wrote no JSON report (crashed before the end?)\n`);
    totals.failed += 1;
    return;
  }
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults ?? []) {
    const failedInside = file.assertionResults.some((a) => a.status === 'failed');
    if (file.status === 'failed' && !failedInside) {
      process.stderr.write(
        `[test] ${label}: ${file.name} failed outside a test (a hook or an import): ${file.message || 'see above'}\n`,
      );
      totals.failed += 1;
    }
  }
}

/** e2e files that run under CPU load. */
// storage.e2e.ts is not among them: its fixtures must finish indexing within its waits, which a saturated CPU
// does not allow; durability.e2e.ts repeats its reload-right-after case under the load instead.
const durabilityFiles = [
  'tests/e2e/durability.e2e.ts',
  'tests/e2e/faults.e2e.ts',
  'tests/e2e/faults-files.e2e.ts',
  'tests/e2e/faults-storage.e2e.ts',
  'tests/e2e/backup.e2e.ts',
];

/** Keeps every core busy until the returned function is called. */
function startCpuLoad() {
  const loops = Array.from(
    { length: availableParallelism() },
    () => new Worker('for (;;) Math.sqrt(Math.random());', { eval: true }),
  );
  process.stdout.write(`[test] CPU load: ${loops.length} busy threads\n`);
  return () => Promise.all(loops.map((w) => w.terminate()));
}

async function vitest(label, configArgs, env, filters = extraArgs) {
  const reportPath = join(workDir, `${label}.json`);
  const code = await run(
    [
      binOf('vitest'),
      'run',
      ...configArgs,
      '--passWithNoTests', // a filter may match nothing in one of the two runs; "zero tests overall" is checked below
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportPath}`,
      ...filters,
    ],
    env,
  );
  if (code !== 0) anyFailed = true;
  tally(reportPath, label);
}

function finish() {
  rmSync(workDir, { recursive: true, force: true });
  const total = totals.passed + totals.failed + totals.skipped;
  if (total === 0 || totals.passed + totals.failed === 0) {
    if (!anyFailed) process.stderr.write('[test] no tests ran\n');
    anyFailed = true;
  }
  if (totals.failed > 0) anyFailed = true;
  const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
  process.exit(anyFailed ? 1 : 0);
}

/** Type and lint checks: a failure fails the run, but the tests still run so one report shows everything. */
async function staticChecks() {
  process.stdout.write('[test] svelte-check\n');
  if (
    (await run([binOf('svelte-check'), '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'])) !==
    0
  ) {
    process.stderr.write('[test] svelte-check found problems\n');
    anyFailed = true;
  }
  process.stdout.write('[test] eslint\n');
  if ((await run([binOf('eslint'), '.'])) !== 0) {
    process.stderr.write('[test] eslint found problems\n');
    anyFailed = true;
  }
}

/** Builds the app as `npm run build` does and checks that window.framefinder is not in it (counted as a test). */
async function productionBuildHasNoHandle() {
  process.stdout.write('[test] vite build (production, checked for the debug handle)\n');
  const outDir = join(workDir, 'production');
  const env = { ...process.env };
  delete env.FF_DEBUG;
  if ((await run([binOf('vite'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], env)) !== 0) {
    process.stderr.write('[test] vite build failed: e2e tests not run\n');
    anyFailed = true;
    return false;
  }
  if (hasDebugHandle(outDir)) {
    process.stderr.write('[test] the production build puts the debug handle on window.framefinder\n');
    totals.failed += 1;
  } else totals.passed += 1;
  return true;
}

async function main() {
  if (!e2eOnly) {
    if (!extraArgs.length) await staticChecks();
    await vitest('unit', ['--config', 'vitest.config.ts']);
  }

  let chromiumPath;
  try {
    chromiumPath = await findChromium();
  } catch (err) {
    process.stderr.write(`[test] ${err.message}\n`);
    anyFailed = true;
    return finish();
  }

  if (process.env.FF_DIST) {
    process.stdout.write(`[test] FF_DIST=${process.env.FF_DIST}: serving it as built, skipping vite build\n`);
    if (!hasDebugHandle(resolve(root, process.env.FF_DIST))) {
      process.stderr.write(
        `[test] ${process.env.FF_DIST} is a production build, without the debug handle the e2e tests use: build it with \`npm run build:test\`\n`,
      );
      anyFailed = true;
      return finish();
    }
  } else {
    if (!(await productionBuildHasNoHandle())) return finish();
    process.stdout.write('[test] vite build (test build, FF_DEBUG=1)\n');
    const buildCode = await run([binOf('vite'), 'build', '--logLevel', 'warn'], testBuildEnv());
    if (buildCode !== 0) {
      process.stderr.write('[test] vite build failed: e2e tests not run\n');
      anyFailed = true;
      return finish();
    }
  }

  const env = { ...process.env, CHROMIUM_PATH: chromiumPath };
  // The loaded pass runs the durability files the filters (if any) name; the other pass excludes them all.
  const loaded = durabilityFiles.filter((f) => !extraArgs.length || extraArgs.some((a) => f.includes(a)));
  if (loaded.length) {
    const stopLoad = startCpuLoad();
    try {
      await vitest('e2e-under-load', ['--config', 'vitest.e2e.config.ts'], env, loaded);
    } finally {
      await stopLoad();
    }
  }
  const rest = durabilityFiles.flatMap((f) => ['--exclude', f]);
  await vitest('e2e', ['--config', 'vitest.e2e.config.ts', ...rest], env);
  finish();
}

main().catch((err) => {
  process.stderr.write(`[test] ${err.stack ?? err}\n`);
  anyFailed = true;
  finish();
});
