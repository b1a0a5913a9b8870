#!/usr/bin/env node
// npm run bench:tools -- [--seconds 60] [--no-build]
//
// Stream-copy trim of a 1080p H.264 file (issue 14), beside native ffmpeg doing the same cut on the same file.
//   1. makes .bench/media/tools-1080p.mp4 once with /usr/bin/ffmpeg (testsrc2 + a tone, 1080p25, a key frame every
//      2 s, AAC), and serves it with the built app;
//   2. in headless system Chromium, puts it in an OPFS folder, opens it through "Open folder" (picker stubbed) with
//      processing paused, marks 10 s to the end − 10 s and presses "Save clip" through the app's own state: the
//      time is the job's, from the click to the clip written into Clips/ and catalogued;
//   3. times `/usr/bin/ffmpeg -ss 10 -to … -i file -c copy` (best of 3, like the browser run).
// Prints one JSON line: copy_x_realtime (clip seconds per wall second), copy_vs_native (app time / native time),
// and `native` with native ffmpeg's own figure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', 60));
const outDir = join(root, '.bench', 'dist-tools');
const mediaDir = join(root, '.bench', 'media');
const source = join(mediaDir, `tools-1080p-${seconds}s.mp4`);
const range = { start: 10, end: seconds - 10 };
const runs = 3;

mkdirSync(mediaDir, { recursive: true });
if (!existsSync(source)) {
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=25:d=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-g', '50', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', source],
  ]);
}

function nativeCopy() {
  const out = join(mediaDir, 'native-copy.mp4');
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync('/usr/bin/ffmpeg', [
      ...['-v', 'error', '-y', '-ss', String(range.start), '-to', String(range.end), '-i', source],
      ...['-c', 'copy', out],
    ]);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  rmSync(out, { force: true });
  return best;
}

if (!process.argv.includes('--no-build')) buildApp(outDir, { env: { ...process.env, FF_DEBUG: '1' } });
mkdirSync(join(outDir, 'bench-media'), { recursive: true });
copyFileSync(source, join(outDir, 'bench-media', 'tools.mp4'));
const server = await serveBuilt(outDir);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('bench-tools', { create: true });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => window.framefinder?.state.catalog.role === 'writer', undefined, { timeout: 60_000 });
  await page.evaluate(async () => {
    const bytes = await (await fetch('/bench-media/tools.mp4')).arrayBuffer();
    const rootDir = await navigator.storage.getDirectory();
    await rootDir.removeEntry('bench-tools', { recursive: true }).catch(() => undefined);
    const dir = await rootDir.getDirectoryHandle('bench-tools', { create: true });
    const w = await (await dir.getFileHandle('tools.mp4', { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
    // Indexing would share the two cores with the cut: it waits until the figures are taken.
    await window.framefinder.state.jobs.pause();
  });
  await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
  // The scan catalogues the file (its probe waits with the rest of processing).
  await page.evaluate(async () => {
    const deadline = performance.now() + 60_000;
    while (!(await window.framefinder.catalog.listVideos({})).some((v) => v.path === 'tools.mp4')) {
      if (performance.now() > deadline) throw new Error('The scan did not catalogue tools.mp4');
      await new Promise((done) => setTimeout(done, 200));
    }
  });
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const took = await page.evaluate(async (range) => {
      const { clips } = window.framefinder.state;
      const video = (await window.framefinder.catalog.listVideos({})).find((v) => v.path === 'tools.mp4');
      clips.markRange(video.id, range);
      const job = clips.save(video);
      for (;;) {
        const now = clips.jobs.find((j) => j.id === job.id);
        if (now.status === 'done') return now.seconds;
        if (now.status !== 'running') throw new Error(now.error ?? now.status);
        await new Promise((done) => setTimeout(done, 20));
      }
    }, range);
    best = Math.min(best, took);
  }
  const native = nativeCopy();
  const clip = range.end - range.start;
  console.log(
    JSON.stringify({
      file: `1920x1080 H.264 + AAC, ${seconds} s`,
      clip_seconds: clip,
      copy_seconds: +best.toFixed(3),
      copy_x_realtime: +(clip / best).toFixed(1),
      copy_vs_native: +(best / native).toFixed(2),
      native: { copy_seconds: +native.toFixed(3), copy_x_realtime: +(clip / native).toFixed(1) },
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
