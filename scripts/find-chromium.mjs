// Finds the system Chromium the e2e tests drive through playwright-core.
// We never download a browser: Debian's `chromium` package (or CHROMIUM_PATH) is the one source.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const INSTRUCTION =
  'Chromium not found. Install it with `sudo apt-get install -y chromium`, ' +
  'or set CHROMIUM_PATH to a Chromium or Chrome executable.';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // missing or not executable: try the next candidate
  }
}

function hasAptGet() {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status}). ${INSTRUCTION}`);
}

/** @returns {Promise<string>} the path of a Chromium executable */
export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file. ${INSTRUCTION}`);
  }
  const found = CANDIDATES.find(isExecutable);
  if (found) return found;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && hasAptGet()) {
    process.stderr.write('Chromium not found; installing Debian chromium with apt-get…\n');
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium']);
    if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(INSTRUCTION);
}
