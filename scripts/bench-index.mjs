#!/usr/bin/env node
// Indexing benchmark. Prints ONE JSON line on stdout; progress and warnings go to stderr.
//
//   npm run bench:index -- [<folder>] [--generate] [--no-hold] [--no-native] [--no-build] [--timeout 1800]
//   npm run bench:index -- --tiers [<file>]
//   npm run bench:index -- --metadata-only [N]
//
// Builds the app into .bench/dist-index (with the extra bench.html entry), serves it with `vite preview`, and drives
// headless system Chromium (playwright-core).
//
// Folder mode: imports <folder> through the "Choose a folder of videos" (webkitdirectory) input and indexes it
// (probe, checksum, poster, strip, scenes, frames). Without a folder, .bench/media is used, generated with native
// ffmpeg when missing (or always with --generate): a 60 s 1080p30 H.264 file and a few shorter ones.
//
//   How the two passes are timed (default, "hold"): jobs are paused before the import, the scan queues every stage,
//   the queued `frames` jobs (pass 2) and the stages after them (fingerprints, embeddings) are cancelled, and processing is resumed: pass 1 (probe, checksum, poster,
//   strip, scenes) runs alone. Once the queue is empty, those frames jobs are put back (retryJob) and the runner
//   poked: pass 2 runs alone. Each pass's wall time comes from the jobs' own timestamps (first startedAt to last
//   finishedAt, the catalog worker's clock), so the polling interval and the bookkeeping between the passes do not
//   count. wall_seconds = import start → end of pass 1, plus pass 2's wall time. The checksum stage (a quick hash of
//   the file's ends) runs within pass 1's window; it is not in the issue's pass 1 list but costs next to nothing.
//   With --no-hold the app runs as a user sees it (frames jobs start as soon as a slot is free while other files are
//   still in pass 1); the pass walls are then taken from the same timestamps but the passes overlap and share the
//   CPU, so pass1/pass2 rates are only indicative, while wall_seconds is the true end-to-end time.
//
//   stages: median ms (finishedAt - startedAt of the last attempt) per stage over the jobs that finished.
//   pass1_x_realtime / pass2_x_realtime: seconds of video through that pass / the pass's wall time.
//   When `ffmpeg` is on PATH, each file is also sampled by native ffmpeg (`-vf fps=4,scale=160:-2 -f null -`: the app's
//   default of a frame every 0.25 s; run
//   after the browser has closed, one file at a time, ffmpeg's default threads): ratio_native = pass 2 wall / native.
//
// --tiers <file>: on bench.html, one worker does the same work (probe + every key frame at 160 px + the app's 1
// frame/s grid at 160 px) on tier 1 (WebCodecs) and tier 2 (the app's ffmpeg.wasm source), then the naive
// ffmpeg.wasm recipe (writeFile of the whole file + `-vf fps=1,scale=160:-2` to raw RGBA). ffmpeg.wasm instances are
// loaded before timing (load times reported apart). Default file: .bench/media's 1080p file.
//
// --metadata-only N (default 1000): copies one small fixture N times into .bench/many, imports it, and times the
// import start → the last probe job done, with the app scheduling as usual (probe has the highest priority; the
// other stages run in the gaps). Keys probe_wall_seconds, probe_files_per_s.
//
// The machine may be shared: `loadavg` (1-minute load average at start and end, and `cores`) says how noisy it was.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
/** The value after --name, unless it is missing or another flag. */
const option = (name) => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? argv[i + 1] : undefined;
  return v !== undefined && !v.startsWith('--') ? v : undefined;
};
const valueFlags = new Set(['--tiers', '--metadata-only', '--timeout']);
const positional = argv.filter((a, i) => !a.startsWith('--') && !valueFlags.has(argv[i - 1]));

const log = (...parts) => process.stderr.write(`[bench:index] ${parts.join(' ')}\n`);
const timeoutMs = Number(option('timeout') ?? 1800) * 1000;
const outDir = join(root, '.bench', 'dist-index');
/** Frames per second the app samples by default (src/lib/settings.ts: sampling.keyframeInterval 0.25). */
const sampleRate = 4;
const mediaDir = join(root, '.bench', 'media');
const manyDir = join(root, '.bench', 'many');
const loadStart = loadavg()[0];

const round = (x, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hasNativeFfmpeg = () => spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

// ---------------------------------------------------------------------------------------------------------------
// Test media (native ffmpeg)

/** name → ffmpeg arguments (before the output path). */
// prettier-ignore
const generated = {
  // The reference file: 60 s 1920x1080 30 fps H.264, a key frame every 2 s.
  'h264-1080p30-60s.mp4': [
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
  ],
  // Five 3 s shots of different sources: real scene cuts for the scenes stage and pass 2's refinement.
  'h264-1080p30-cuts-15s.mp4': [
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=3',
    '-f', 'lavfi', '-i', 'smptehdbars=size=1920x1080:rate=30:duration=3',
    '-f', 'lavfi', '-i', 'life=size=480x270:rate=30:mold=10:ratio=0.3:death_color=#224488:life_color=#ffcc00,trim=duration=3',
    '-f', 'lavfi', '-i', 'testsrc=size=1920x1080:rate=30:duration=3',
    '-f', 'lavfi', '-i', 'rgbtestsrc=size=1920x1080:rate=30:duration=3',
    '-filter_complex',
    '[0:v]setsar=1[a];[1:v]setsar=1[b];[2:v]scale=1920:1080:flags=neighbor,setsar=1[c];[3:v]setsar=1[d];' +
      '[4:v]setsar=1[e];[a][b][c][d][e]concat=n=5:v=1:a=0,format=yuv420p[v]',
    '-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-movflags', '+faststart',
  ],
  // A phone-like 720p clip with sound.
  'h264-720p30-aac-20s.mp4': [
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart',
  ],
  'h264-480p30-10s.mp4': [
    '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=30:duration=10',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
  ],
};

function generateMedia(force) {
  const missing = Object.keys(generated).filter((name) => force || !existsSync(join(mediaDir, name)));
  if (missing.length === 0) return;
  if (!hasNativeFfmpeg())
    throw new Error('Generating test media needs a native ffmpeg on PATH (apt-get install ffmpeg).');
  mkdirSync(mediaDir, { recursive: true });
  for (const name of missing) {
    log(`generating .bench/media/${name} …`);
    const tmp = join(mediaDir, `.tmp-${name}`);
    const r = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...generated[name], tmp], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`ffmpeg failed to generate ${name}`);
    renameSync(tmp, join(mediaDir, name));
  }
}

/** One small video to copy many times: the e2e fixture when present, else a 1 s 320x180 clip made here. */
function smallFixture() {
  const fixture = join(root, 'tests', 'fixtures', 'media', 'short.mp4');
  if (existsSync(fixture)) return fixture;
  const made = join(root, '.bench', 'small.mp4');
  if (!existsSync(made)) {
    if (!hasNativeFfmpeg()) throw new Error('No small fixture and no native ffmpeg to make one.');
    mkdirSync(dirname(made), { recursive: true });
    // prettier-ignore
    const r = spawnSync('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=1',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', made,
    ]);
    if (r.status !== 0) throw new Error('ffmpeg failed to make the small fixture');
  }
  return made;
}

// ---------------------------------------------------------------------------------------------------------------
// App, server, browser

function build() {
  if (flag('no-build') && existsSync(join(outDir, 'bench.html'))) return;
  log('building into .bench/dist-index …');
  buildApp(outDir, { env: { ...process.env, FRAMEFINDER_BENCH_PAGE: '1' } });
}

async function withApp(fn) {
  build();
  const server = await serveBuilt(outDir);
  const url = server.url;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Main-thread tasks over 50 ms (the page must never stall while a library indexes).
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const problems = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    const result = await fn(page, url);
    if (problems.length) {
      log(`${problems.length} console errors/warnings; first ones:`);
      for (const p of problems.slice(0, 5)) log(`  ${p.slice(0, 300)}`);
    }
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Polls `fn` from Node until it is true (waitForFunction would take the Promise of an async predicate as truthy). */
async function waitUntil(fn, timeout, describe, interval = 250) {
  const deadline = Date.now() + timeout;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${Math.round(timeout / 1000)} s: ${await describe()}`);
    await sleep(interval);
  }
}

const pageNow = (page) => page.evaluate(() => Date.now());
const jobCounts = (page) => page.evaluate(() => window.framefinder.catalog.jobCounts());
const statusText = (page) =>
  page
    .getByRole('contentinfo')
    .getByRole('status')
    .innerText({ timeout: 1000 })
    .catch(() => '');

async function openApp(page, url) {
  await page.goto(url);
  await waitUntil(
    () => page.evaluate(() => window.framefinder?.state?.catalog?.role === 'writer'),
    60_000,
    () => 'the tab never became the catalog writer',
  );
}

async function importFolder(page, folder) {
  const start = await pageNow(page);
  await page.getByLabel('Choose a folder of videos').first().setInputFiles(folder);
  await waitUntil(
    async () => /Scan finished:/.test(await statusText(page)),
    timeoutMs,
    () => statusText(page),
  );
  return { start, scanned: await pageNow(page) };
}

async function waitForIdle(page, what) {
  let last = '';
  let lastLog = 0;
  await waitUntil(
    async () => {
      const c = await jobCounts(page);
      last = JSON.stringify(c);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`${what}: ${last}`);
      }
      return c.queued + c.running === 0;
    },
    timeoutMs,
    () => `jobs still waiting: ${last}`,
  );
}

const finishedJobs = (page) =>
  page.evaluate(async () => {
    const c = window.framefinder.catalog;
    const [done, failed] = await Promise.all([c.listJobs('done', 1e7), c.listJobs('failed', 1e7)]);
    return [...done, ...failed].map((j) => ({
      id: j.id,
      videoId: j.videoId,
      stage: j.stage,
      status: j.status,
      startedAt: j.startedAt,
      finishedAt: j.finishedAt,
      attempts: j.attempts,
      error: j.error,
    }));
  });

/** First start to last end of `jobs` (ms), from their own timestamps. */
function span(jobs) {
  const timed = jobs.filter((j) => j.startedAt !== null && j.finishedAt !== null);
  if (timed.length === 0) return { start: null, end: null, ms: 0 };
  const start = Math.min(...timed.map((j) => j.startedAt));
  const end = Math.max(...timed.map((j) => j.finishedAt));
  return { start, end, ms: end - start };
}

// ---------------------------------------------------------------------------------------------------------------
// Folder mode

function nativeSampling(files) {
  let ms = 0;
  const failed = [];
  for (const file of files) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(
      'ffmpeg',
      [
        '-nostdin',
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        file,
        '-vf',
        `fps=${sampleRate},scale=160:-2`,
        '-f',
        'null',
        '-',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    ms += Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) failed.push(basename(file));
  }
  return { ms, failed };
}

async function indexFolder(folder) {
  const hold = !flag('no-hold');
  const run = await withApp(async (page, url) => {
    await openApp(page, url);
    if (hold) await page.evaluate(() => window.framefinder.state.jobs.pause());
    const { start: importStart, scanned } = await importFolder(page, folder);
    log(`scan finished in ${round((scanned - importStart) / 1000)} s`);

    let heldBack = [];
    if (hold) {
      heldBack = await page.evaluate(async () => {
        const c = window.framefinder.catalog;
        // Pass 2 (which stores the search fingerprints) and what waits on it (word-search embeddings, the suggested
        // tags read from them) wait together: a stage left queued behind a held one would keep pass 1 from ending.
        const later = ['frames', 'embeddings', 'suggested-tags'];
        const ids = (await c.listJobs('queued', 1e7)).filter((j) => later.includes(j.stage)).map((j) => j.id);
        for (const id of ids) await c.cancelJob(id);
        return ids;
      });
      await page.evaluate(() => window.framefinder.state.jobs.resume());
    }
    await waitForIdle(page, hold ? 'pass 1' : 'indexing');
    const afterPass1 = await finishedJobs(page);

    if (hold) {
      // Only frames jobs whose scenes stage is done: the others would wait for a prerequisite that failed, forever.
      const scenesDone = new Set(
        afterPass1.filter((j) => j.stage === 'scenes' && j.status === 'done').map((j) => j.videoId),
      );
      const jobsById = await page.evaluate(async () => window.framefinder.catalog.listJobs('cancelled', 1e7));
      const retry = jobsById.filter((j) => heldBack.includes(j.id) && scenesDone.has(j.videoId)).map((j) => j.id);
      await page.evaluate(async (ids) => {
        const ff = window.framefinder;
        for (const id of ids) await ff.catalog.retryJob(id);
        ff.state.jobs.poke();
      }, retry);
      await waitForIdle(page, 'pass 2');
    }
    const jobs = hold ? await finishedJobs(page) : afterPass1;
    const videos = await page.evaluate(() => window.framefinder.catalog.listVideos({}));
    // Only tasks from the import on count: app start-up is bench:ui's business.
    const longTasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start >= since), importStart);
    return { importStart, scanned, jobs, videos, hold, longTasks };
  });

  const { importStart, scanned, jobs, videos, longTasks } = run;
  const pass1Stages = new Set(['probe', 'checksum', 'poster', 'strip', 'scenes']);
  const pass1 = span(jobs.filter((j) => pass1Stages.has(j.stage)));
  const pass2 = span(jobs.filter((j) => j.stage === 'frames'));
  const wallMs = hold ? pass1.end - importStart + pass2.ms : span(jobs).end - importStart;

  const byStage = {};
  const totals = {};
  for (const j of jobs) {
    if (j.status !== 'done' || j.startedAt === null || j.finishedAt === null) continue;
    (byStage[j.stage] ??= []).push(j.finishedAt - j.startedAt);
  }
  const stageOrder = ['probe', 'checksum', 'poster', 'strip', 'scenes', 'frames'];
  const stages = {};
  for (const s of [...stageOrder, ...Object.keys(byStage).filter((s) => !stageOrder.includes(s))]) {
    if (!byStage[s]) continue;
    stages[s] = Math.round(median(byStage[s]));
    totals[s] = Math.round(byStage[s].reduce((a, b) => a + b, 0));
  }

  const durationOf = new Map(videos.map((v) => [v.id, v.duration ?? 0]));
  const secondsWhere = (stage) =>
    jobs
      .filter((j) => j.stage === stage && j.status === 'done')
      .reduce((a, j) => a + (durationOf.get(j.videoId) ?? 0), 0);
  const videoSeconds = videos.reduce((a, v) => a + (v.duration ?? 0), 0);
  const pass1Seconds = secondsWhere('scenes');
  const pass2Seconds = secondsWhere('frames');

  let native = null;
  const framesDone = new Set(jobs.filter((j) => j.stage === 'frames' && j.status === 'done').map((j) => j.videoId));
  if (!flag('no-native') && hasNativeFfmpeg()) {
    const files = videos.filter((v) => framesDone.has(v.id)).map((v) => join(folder, v.path));
    log(`native ffmpeg sampling on ${files.length} files …`);
    native = nativeSampling(files);
    if (native.failed.length) log(`native ffmpeg failed on: ${native.failed.join(', ')}`);
  }

  const failedVideos = videos.filter((v) => v.status === 'failed');
  // Per file: its duration and each stage's last-attempt time (ms), to see where a slow file spends it.
  const perFile = {};
  for (const v of videos) {
    const row = { duration: round(v.duration ?? 0), size: `${v.width}x${v.height}`, codec: v.videoCodec };
    for (const j of jobs.filter((x) => x.videoId === v.id && x.finishedAt !== null && x.startedAt !== null))
      row[j.stage] = j.finishedAt - j.startedAt;
    perFile[v.path] = row;
  }
  return {
    mode: hold ? 'index (passes held apart)' : 'index (no hold)',
    folder,
    files: videos.length,
    ok: videos.filter((v) => v.status === 'done').length,
    failed: failedVideos.length,
    video_seconds: round(videoSeconds),
    wall_seconds: round(wallMs / 1000),
    x_realtime: round(videoSeconds / (wallMs / 1000)),
    scan_seconds: round((scanned - importStart) / 1000),
    longest_task_ms: Math.round(Math.max(0, ...longTasks.map((t) => t.ms))),
    long_tasks: longTasks.length,
    stages,
    stages_total_ms: totals,
    pass1_seconds: round(pass1.ms / 1000),
    pass2_seconds: round(pass2.ms / 1000),
    pass1_x_realtime: pass1.ms ? round(pass1Seconds / (pass1.ms / 1000)) : null,
    pass2_x_realtime: pass2.ms ? round(pass2Seconds / (pass2.ms / 1000)) : null,
    tiers: Object.fromEntries(videos.map((v) => [v.path, v.tier])),
    native_seconds: native ? round(native.ms / 1000) : null,
    ratio_native: native && native.ms > 0 && pass2.ms ? round(pass2.ms / native.ms) : null,
    errors: Object.fromEntries(failedVideos.map((v) => [v.path, (v.lastError ?? '').slice(0, 200)])),
    retried_jobs: jobs.filter((j) => j.attempts > 1).length,
    per_file: perFile,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// --metadata-only N

async function metadataOnly(n) {
  const fixture = smallFixture();
  rmSync(manyDir, { recursive: true, force: true });
  mkdirSync(manyDir, { recursive: true });
  const width = String(n).length;
  for (let i = 1; i <= n; i++) copyFileSync(fixture, join(manyDir, `clip-${String(i).padStart(width, '0')}.mp4`));
  log(`copied ${basename(fixture)} ${n} times into .bench/many`);

  return withApp(async (page, url) => {
    await openApp(page, url);
    const { start, scanned } = await importFolder(page, manyDir);
    log(`scan finished in ${round((scanned - start) / 1000)} s`);
    // Probe has the highest priority, so while any probe job waits it heads the queued list.
    let state = '';
    await waitUntil(
      async () => {
        const r = await page.evaluate(async () => {
          const c = window.framefinder.catalog;
          const [queued, running] = await Promise.all([c.listJobs('queued', 1), c.listJobs('running', 100)]);
          return { head: queued[0]?.stage ?? null, running: running.filter((j) => j.stage === 'probe').length };
        });
        state = JSON.stringify(r);
        return r.head !== 'probe' && r.running === 0;
      },
      timeoutMs,
      () => `probe jobs still waiting: ${state}`,
    );
    const probes = (await finishedJobs(page)).filter((j) => j.stage === 'probe');
    const ok = probes.filter((j) => j.status === 'done');
    const end = Math.max(...probes.map((j) => j.finishedAt));
    const wall = (end - start) / 1000;
    const counts = await jobCounts(page);
    return {
      mode: 'metadata-only',
      files: n,
      probed: ok.length,
      failed: probes.length - ok.length,
      scan_seconds: round((scanned - start) / 1000),
      probe_wall_seconds: round(wall),
      probe_files_per_s: round(ok.length / wall, 1),
      probe_median_ms: Math.round(median(ok.map((j) => j.finishedAt - j.startedAt))),
      other_jobs_done_meanwhile: counts.done - ok.length,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// --tiers <file>

async function tiers(file) {
  return withApp(async (page, url) => {
    await page.goto(new URL('bench.html', url).href);
    await waitUntil(
      () => page.evaluate(() => Boolean(window.framefinderBench?.ready)),
      30_000,
      () => 'bench.html did not start',
    );
    await page.getByLabel('Video file').setInputFiles(file);
    const which = ['tier1', 'tier2', 'naive'].filter((t) => !flag(`no-${t}`));
    return page.evaluate((w) => window.framefinderBench.run(w), which);
  });
}

// ---------------------------------------------------------------------------------------------------------------

function defaultFolder() {
  generateMedia(flag('generate'));
  return mediaDir;
}

async function main() {
  const cores = cpus().length;
  let result;
  if (flag('tiers')) {
    const file = resolve(option('tiers') ?? positional[0] ?? (defaultFolder(), join(mediaDir, 'h264-1080p30-60s.mp4')));
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`Not a file: ${file}`);
    result = await tiers(file);
  } else if (flag('metadata-only')) {
    result = await metadataOnly(Number(option('metadata-only') ?? positional[0] ?? 1000));
  } else {
    const folder = positional[0] ? resolve(positional[0]) : defaultFolder();
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`Not a folder: ${folder}`);
    if (readdirSync(folder).length === 0) throw new Error(`Empty folder: ${folder}`);
    result = await indexFolder(folder);
  }
  result.loadavg = [round(loadStart), round(loadavg()[0])];
  result.cores = cores;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (result.failed > 0 || (result.errors && Object.keys(result.errors).length > 0)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
