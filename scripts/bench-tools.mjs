#!/usr/bin/env node
// npm run bench:tools -- [--seconds 60] [--no-build]
//
// Stream-copy trim of a 1080p H.264 file and captions burned into a 720p one (issue 14), beside native ffmpeg doing
// the same on the same file.
//   1. makes .bench/media/tools-1080p.mp4 once with /usr/bin/ffmpeg (testsrc2 + a tone, 1080p25, a key frame every
//      2 s, AAC), and serves it with the built app;
//   2. in headless system Chromium, puts it in an OPFS folder, opens it through "Open folder" (picker stubbed) with
//      processing paused, marks 10 s to the end − 10 s and presses "Save clip" through the app's own state: the
//      time is the job's, from the click to the clip written into Clips/ and catalogued;
//   3. times `/usr/bin/ffmpeg -ss 10 -to … -i file -c copy` (best of 3, like the browser run).
//   3b. a smart cut ("Exact start") of 11.3 s to the end − 10 s (key frames at 10 and 12 s: 0.7 s re-encoded with
//      WebCodecs, the rest copied), best of 3; beside it native ffmpeg's exact cut of the same range, which has no
//      smart cut: an accurate seek and the whole range re-encoded (`-ss 11.3 -i … -c:v libx264 -preset veryfast
//      -c:a copy`), once.
//   3c. the same 10 s to end − 10 s re-encoded whole as H.264, twice, through the app's tools worker (its debug
//      handle, in memory): with WebCodecs (the smart cut's encode path) and with ffmpeg.wasm's libx264 (the exact cut's
//      command); beside them native ffmpeg running that same command, once.
//   4. burn in captions (a line every 4 s) into a 60 s 720p H.264 file through the app's own state, once (a minute of
//      ffmpeg.wasm), and the same captions script and command (from the app's debug handle) on /usr/bin/ffmpeg, with
//      DejaVu Sans from node_modules as its fonts folder (best of 3).
// Prints one JSON line: copy_x_realtime (clip seconds per wall second), copy_vs_native (app time / native time),
// smart_cut_ms (the app's exact-start clip, click to catalogued), reencode_webcodecs_x_realtime and
// reencode_ffmpeg_x_realtime (clip seconds re-encoded per wall second),
// burn_in_x_realtime (video seconds per wall second), and `native` with native ffmpeg's own figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** Between the key frames at 10 and 12 s (`-g 50` at 25 fps). */
const smartRange = { start: 11.3, end: seconds - 10 };
const runs = 3;
const burnSeconds = 60;
const burnSource = join(mediaDir, `tools-720p-${burnSeconds}s.mp4`);
const fontsDir = join(root, 'node_modules', 'dejavu-fonts-ttf', 'ttf');
/** A line every 4 s, shown for 3 s: about what a talk's subtitles hold. */
const burnCues = Array.from({ length: burnSeconds / 4 }, (_, i) => ({
  start: i * 4 + 0.5,
  end: i * 4 + 3.5,
  text: `Line ${i + 1} of the benchmark's captions,\nburned into the picture`,
}));

mkdirSync(mediaDir, { recursive: true });
if (!existsSync(source)) {
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=25:d=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-g', '50', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', source],
  ]);
}

if (!existsSync(burnSource)) {
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=1280x720:r=25:d=${burnSeconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${burnSeconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-g', '50', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', burnSource],
  ]);
}

/** The app's own burn-in command on native ffmpeg: `plan` and `args` as the app made them for this file. */
function nativeBurnIn(ass) {
  const assPath = join(mediaDir, 'native-captions.ass');
  const out = join(mediaDir, 'native-captions.mp4');
  writeFileSync(assPath, ass.text);
  const args = ass.args.map((a) => a.replace('@ASS@', assPath).replace('@FONTS@', fontsDir));
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync('/usr/bin/ffmpeg', ['-y', '-nostdin', ...args.slice(0, -1), out], { stdio: 'ignore' });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  rmSync(out, { force: true });
  return best;
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

/** The app's exact-cut command (`args`, made by its debug handle for this file) on native ffmpeg, once. */
function nativeReencode(args) {
  const out = join(mediaDir, 'native-reencode.mp4');
  const t0 = performance.now();
  execFileSync('/usr/bin/ffmpeg', ['-y', '-nostdin', ...args.map((a) => a.replace('@IN@', source)).slice(0, -1), out], {
    stdio: 'ignore',
  });
  const took = (performance.now() - t0) / 1000;
  rmSync(out, { force: true });
  return took;
}

/** Native ffmpeg's exact cut: an accurate seek, every picture of the range re-encoded, the sound copied. */
function nativeExactCut() {
  const out = join(mediaDir, 'native-exact.mp4');
  const t0 = performance.now();
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-ss', String(smartRange.start), '-to', String(smartRange.end), '-i', source],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'copy', out],
  ]);
  const took = (performance.now() - t0) / 1000;
  rmSync(out, { force: true });
  return took;
}

if (!process.argv.includes('--no-build')) buildApp(outDir, { env: { ...process.env, FF_DEBUG: '1' } });
mkdirSync(join(outDir, 'bench-media'), { recursive: true });
copyFileSync(source, join(outDir, 'bench-media', 'tools.mp4'));
copyFileSync(burnSource, join(outDir, 'bench-media', 'burn.mp4'));
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
    const rootDir = await navigator.storage.getDirectory();
    await rootDir.removeEntry('bench-tools', { recursive: true }).catch(() => undefined);
    const dir = await rootDir.getDirectoryHandle('bench-tools', { create: true });
    for (const name of ['tools.mp4', 'burn.mp4']) {
      const bytes = await (await fetch(`/bench-media/${name}`)).arrayBuffer();
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await w.write(bytes);
      await w.close();
    }
    // Indexing would share the two cores with the cut: it waits until the figures are taken.
    await window.framefinder.state.jobs.pause();
  });
  await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
  // The scan catalogues the file (its probe waits with the rest of processing).
  await page.evaluate(async () => {
    const deadline = performance.now() + 60_000;
    const listed = async () => (await window.framefinder.catalog.listVideos({})).map((v) => v.path);
    for (;;) {
      const paths = await listed();
      if (paths.includes('tools.mp4') && paths.includes('burn.mp4')) break;
      if (performance.now() > deadline) throw new Error('The scan did not catalogue tools.mp4 and burn.mp4');
      await new Promise((done) => setTimeout(done, 200));
    }
  });
  const saveClip = (asked, exact) =>
    page.evaluate(
      async ({ range, exact }) => {
        const { clips } = window.framefinder.state;
        const video = (await window.framefinder.catalog.listVideos({})).find((v) => v.path === 'tools.mp4');
        clips.markRange(video.id, range);
        clips.exactStart = exact;
        const job = clips.save(video);
        for (;;) {
          const now = clips.jobs.find((j) => j.id === job.id);
          if (now.status === 'done') return { seconds: now.seconds, notes: now.notes };
          if (now.status !== 'running') throw new Error(now.error ?? now.status);
          await new Promise((done) => setTimeout(done, 20));
        }
      },
      { range: asked, exact },
    );
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, (await saveClip(range, false)).seconds);
  let smartBest = Infinity;
  let smartNotes = [];
  for (let i = 0; i < runs; i++) {
    const smart = await saveClip(smartRange, true);
    smartBest = Math.min(smartBest, smart.seconds);
    smartNotes = smart.notes;
  }
  if (!smartNotes.some((n) => n.startsWith('Re-encoded 0.7 s')))
    throw new Error(`The exact-start clip was not a smart cut: ${smartNotes.join(' ')}`);
  // The range re-encoded whole, once each way: WebCodecs, then ffmpeg.wasm (about a minute of single-thread x264).
  const reencoded = await page.evaluate(async (range) => {
    const ff = window.framefinder;
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-tools');
    const file = await (await dir.getFileHandle('tools.mp4')).getFile();
    const webcodecs = await ff.tools.reencode(file, range, 'webcodecs');
    const wasm = await ff.tools.reencode(file, range, 'ffmpeg');
    const plan = ff.tools.exactCutPlan(range, { width: 1920, height: 1080, audioCodec: 'aac' });
    return { webcodecs, wasm, args: ff.tools.exactCutArgs('@IN@', '@OUT@', plan) };
  }, range);
  for (const r of [reencoded.webcodecs, reencoded.wasm])
    if (r.bytes < 1e5) throw new Error(`A re-encode made ${r.bytes} bytes: it did not run`);
  // Burn in captions, once: a minute of ffmpeg.wasm. The file is not probed yet (processing is paused), so the job
  // measures it itself, as it does for any video the queue has not reached.
  const burn = await page.evaluate(
    async ({ cues, seconds }) => {
      const ff = window.framefinder;
      const { clips } = ff.state;
      const video = (await ff.catalog.listVideos({})).find((v) => v.path === 'burn.mp4');
      const style = { size: 'medium', colour: '#ffffff', outline: 'thin', position: 'bottom' };
      const job = clips.burnIn(video, { name: 'bench.srt', cues }, style);
      if (!job) throw new Error(clips.message?.text ?? 'The burn-in was refused');
      let took;
      for (;;) {
        const now = clips.jobs.find((j) => j.id === job.id);
        if (now.status === 'done') {
          took = now.seconds;
          break;
        }
        if (now.status !== 'running') throw new Error(now.error ?? now.status);
        await new Promise((done) => setTimeout(done, 100));
      }
      // The same script and command for native ffmpeg, as the job made them for this 1280 × 720, 60 s file.
      const measured = { width: 1280, height: 720, rotation: 0, duration: seconds, audioCodec: 'aac' };
      const plan = ff.tools.burnInPlan(measured, cues, style);
      const args = ff.tools.burnInArgs('@IN@', '@OUT@', plan, { ass: '@ASS@', fonts: '@FONTS@' });
      return { took, text: plan.ass, args };
    },
    { cues: burnCues, seconds: burnSeconds },
  );
  const nativeBurn = nativeBurnIn({ text: burn.text, args: burn.args.map((a) => a.replace('@IN@', burnSource)) });
  const native = nativeCopy();
  const nativeExact = nativeExactCut();
  const nativeRe = nativeReencode(reencoded.args);
  const clip = range.end - range.start;
  console.log(
    JSON.stringify({
      file: `1920x1080 H.264 + AAC, ${seconds} s`,
      clip_seconds: clip,
      copy_seconds: +best.toFixed(3),
      copy_x_realtime: +(clip / best).toFixed(1),
      copy_vs_native: +(best / native).toFixed(2),
      smart_cut_seconds_of_clip: +(smartRange.end - smartRange.start).toFixed(1),
      smart_cut_ms: Math.round(smartBest * 1000),
      smart_cut_vs_native: +(smartBest / nativeExact).toFixed(2),
      reencode_webcodecs_x_realtime: +(clip / reencoded.webcodecs.seconds).toFixed(2),
      reencode_ffmpeg_x_realtime: +(clip / reencoded.wasm.seconds).toFixed(2),
      burn_in_file: `1280x720 H.264 + AAC, ${burnSeconds} s, ${burnCues.length} caption lines`,
      burn_in_seconds: +burn.took.toFixed(1),
      burn_in_x_realtime: +(burnSeconds / burn.took).toFixed(2),
      burn_in_vs_native: +(burn.took / nativeBurn).toFixed(1),
      native: {
        copy_seconds: +native.toFixed(3),
        copy_x_realtime: +(clip / native).toFixed(1),
        smart_cut_ms: Math.round(nativeExact * 1000),
        smart_cut_how: 'accurate seek, whole range re-encoded (libx264 veryfast), sound copied',
        reencode_seconds: +nativeRe.toFixed(2),
        reencode_x_realtime: +(clip / nativeRe).toFixed(1),
        reencode_how: "the exact cut's ffmpeg.wasm command (libx264 superfast, crf 20, sound copied) on native ffmpeg",
        burn_in_seconds: +nativeBurn.toFixed(2),
        burn_in_x_realtime: +(burnSeconds / nativeBurn).toFixed(1),
      },
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
