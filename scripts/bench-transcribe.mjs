#!/usr/bin/env node
// npm run bench:transcribe -- [--model <folder> | --heavy] [--minutes 60] [--hours 1000] [--queries 50] [--no-build]
//                                [--audio-only | --transcripts-only]
//
// Speech to text speed in headless system Chromium, on the built app (cross-origin isolated, so ONNX Runtime may use
// threads). The sound: the espeak phrases of tests/fixtures/speech/speech.webm looped to --minutes with Debian's
// ffmpeg, as 48 kHz stereo Opus in WebM (what a phone or a screen recorder writes); it goes into OPFS as a library
// file. The speech model (default: the tiny random-weights CTC model of tests/scripts/make-tiny-speech.mjs; --heavy:
// the same shape at about whisper-base's cost per second of audio) goes in through the Models panel, as a user's.
//   audio_x_realtime             decode (WebCodecs) + mono + resample to 16 kHz in the speech worker, seconds of sound
//                                per second; native_ffmpeg_x_realtime is Debian's ffmpeg doing the same on this machine;
//                                decode_mix_s / decode_resample_s / decode_total_s: where that time went (the rest is
//                                demuxing and the browser's decoder)
//   asr_x_realtime_1thread /     the whole transcribe call (decode, voice-activity check, model) in a fresh speech
//   asr_x_realtime_threads       worker with 1 thread and with as many as the cores (ONNX Runtime fixes it per worker)
//   peak_rss_mb                  the browser's resident memory above its level before, at its peak while transcribing
//                                the --minutes of sound (read from /proc for every Chromium process under this one)
//   search_median_ms / p95       "Said" search over --hours of synthetic transcripts (one line per 4 s, 10 words from a
//                                Zipf-like 20,000-word vocabulary) in the app's transcript worker, OPFS-backed, timed
//                                on the page (the message to the worker and back included); search_worker_median_ms is
//                                the worker's own share
//   save_one_more_ms             storing one more hour-long video's transcript at that size (median of 5), beside
//   save_first_ms                the same into an empty store: flat means the two are alike. The blob folder also holds
//                                a poster-sized file per video, as a real library's does
// Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp, launchChromium, root, serveBuilt } from './browser.mjs';
import { makeTinySpeech } from '../tests/scripts/make-tiny-speech.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const minutes = Number(arg('minutes', 60));
const hours = Number(arg('hours', 1000));
const queries = Number(arg('queries', 50));
const outDir = join(root, '.bench', 'dist-transcribe');
const tmp = mkdtempSync(join(tmpdir(), 'ff-bench-transcribe-'));
const round = (x) => Math.round(x * 10) / 10;

let modelDir = arg('model', null);
if (modelDir) modelDir = resolve(modelDir);
else {
  modelDir = join(tmp, process.argv.includes('--heavy') ? 'heavy-speech' : 'tiny-speech');
  makeTinySpeech(modelDir, { seed: 1, heavy: process.argv.includes('--heavy') });
}

// The sound, and native ffmpeg's own decode + resample speed on it.
const sound = join(tmp, 'talk.webm');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-stream_loop',
  '-1',
  '-i',
  join(root, 'tests/fixtures/speech/speech.webm'),
  '-t',
  String(minutes * 60),
  '-vn',
  '-ac',
  '2',
  '-ar',
  '48000',
  '-c:a',
  'libopus',
  '-b:a',
  '32k',
  '-y',
  sound,
]);
let started = performance.now();
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-threads',
  '1',
  '-i',
  sound,
  '-ac',
  '1',
  '-ar',
  '16000',
  '-f',
  'f32le',
  '-y',
  '/dev/null',
]);
const nativeX = (minutes * 60) / ((performance.now() - started) / 1000);

/** Resident memory (kB) of every process under this one: the browser and its renderers, GPU and utility processes. */
function treeRssKb() {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  let kb = 0;
  for (const pid of parent.keys()) {
    let p = pid;
    while (p > 1 && p !== process.pid) p = parent.get(p) ?? 1;
    if (p !== process.pid || pid === process.pid) continue;
    try {
      kb += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb;
}

if (!process.argv.includes('--no-build')) buildApp(outDir);
const server = await serveBuilt(outDir);
const browser = await launchChromium();

try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => 'framefinder' in window, null, { timeout: 30_000 });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
  const panel = page.getByRole('dialog', { name: 'Models' });
  await panel.getByLabel('Speech model folder to load').setInputFiles(modelDir);
  await page.waitForFunction(() => window.framefinder.state.speechModels.active !== null, null, { timeout: 600_000 });

  // The sound file into OPFS, where the page can open it as a File.
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-sound', { create: true });
    await dir.getFileHandle('talk.webm', { create: true });
  });
  const bytes = readFileSync(sound);
  const chunk = 4 << 20;
  for (let at = 0; at < bytes.length; at += chunk)
    await page.evaluate(
      async ({ b64, at }) => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-sound');
        const w = await (await dir.getFileHandle('talk.webm')).createWritable({ keepExistingData: true });
        await w.write({ type: 'write', position: at, data: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) });
        await w.close();
      },
      { b64: bytes.subarray(at, at + chunk).toString('base64'), at },
    );

  /** Runs `fn` while sampling the browser's resident memory; returns its result and the peak above the start. */
  async function withPeakRss(fn) {
    const before = treeRssKb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb())), 500);
    try {
      return { ...(await fn()), peakMb: (peak - before) / 1024 };
    } finally {
      clearInterval(sampler);
    }
  }
  const transcriptsOnly = process.argv.includes('--transcripts-only');
  const decode = await withPeakRss(() =>
    page.evaluate(async (skip) => {
      const root = await navigator.storage.getDirectory();
      const file = await (await (await root.getDirectoryHandle('bench-sound')).getFileHandle('talk.webm')).getFile();
      const worker = window.framefinder.newSpeechWorker();
      try {
        if (skip) return { seconds: 0, ms: 1, tier: null, mixMs: 0, resampleMs: 0 };
        return await worker.api.decodeAudio(file);
      } finally {
        worker.terminate();
      }
    }, transcriptsOnly),
  );
  if (process.argv.includes('--audio-only')) {
    const x = round(decode.seconds / (decode.ms / 1000));
    process.stdout.write(
      `${JSON.stringify({ minutes, audio_x_realtime: x, native_ffmpeg_x_realtime: round(nativeX), decode_mix_s: round(decode.mixMs / 1000), decode_resample_s: round(decode.resampleMs / 1000), decode_total_s: round(decode.ms / 1000), decode_peak_rss_mb: round(decode.peakMb) })}\n`,
    );
    process.exit(0);
  }

  async function transcribe(threads) {
    return withPeakRss(() =>
      page.evaluate(async (threads) => {
        const { speechModels } = window.framefinder.state;
        const folder = speechModels.active.folder;
        const dtype = speechModels.installed.find((m) => m.folder === folder).dtype;
        const root = await navigator.storage.getDirectory();
        const dir = await (await root.getDirectoryHandle('models')).getDirectoryHandle(folder);
        const file = await (await (await root.getDirectoryHandle('bench-sound')).getFileHandle('talk.webm')).getFile();
        const worker = window.framefinder.newSpeechWorker();
        try {
          const { modelId } = await worker.api.load(dir, folder, { dtype, threads });
          const started = performance.now();
          const t = await worker.api.transcribe(file, null);
          const ms = performance.now() - started;
          return { modelId, ms, seconds: t.seconds, heard: t.heardSeconds, lines: t.cues.length, tier: t.tier };
        } finally {
          worker.terminate();
        }
      }, threads),
    );
  }
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = isolated ? Math.max(2, Math.min(4, cores)) : 1;
  const none = { modelId: null, seconds: 0, ms: 1, heard: 0, lines: 0, peakMb: 0 };
  const one = transcriptsOnly ? none : await transcribe(1);
  const many = transcriptsOnly ? none : await transcribe(threads);

  // "Said" search over `hours` of synthetic transcripts, stored through the app's transcript worker.
  const search = await page.evaluate(
    async ({ hours, queries }) => {
      let seed = 99;
      const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
      const letters = 'etaoinshrdlucmfwypvbgkjqxz';
      const vocab = Array.from({ length: 20_000 }, (_, i) => {
        let w = '';
        for (let n = i + 1; n > 0; n = Math.floor(n / 26)) w += letters[n % 26];
        return w.length < 3 ? w + 'an' : w;
      });
      const wordAt = () =>
        vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(random() * Math.log(vocab.length))) - 1)];
      const video = () => ({
        source: 'speech',
        language: 'en',
        label: 'Speech (bench)',
        modelId: 'bench',
        warnings: [],
        cues: Array.from({ length: 900 }, (_, i) => ({
          start: i * 4,
          end: i * 4 + 3.8,
          text: Array.from({ length: 10 }, wordAt).join(' '),
        })),
      });
      const t = window.framefinder.transcripts;
      const firstId = 2_000_000;
      const library = 999_999;
      // A poster-sized file per video in the same folder, as a library's posters and scrub strips are.
      const blobs = await (await navigator.storage.getDirectory()).getDirectoryHandle('blobs', { create: true });
      for (let v = 0; v < hours + 10; v++) {
        const w = await (await blobs.getFileHandle(`bench-poster-${v}`, { create: true })).createWritable();
        await w.write(new Uint8Array(2048));
        await w.close();
      }
      /** Median time of storing 5 more hour-long transcripts (each made before its clock starts). */
      const saveFive = async (from) => {
        const saves = [];
        for (let n = 0; n < 5; n++) {
          const tracks = [video()];
          const started = performance.now();
          await t.storeTracks(from + n, library, 'speech', tracks);
          saves.push(performance.now() - started);
        }
        return saves.sort((a, b) => a - b)[2];
      };
      const saveFirst = await saveFive(firstId + hours);
      let started = performance.now();
      for (let v = 0; v < hours - 5; v++) await t.storeTracks(firstId + v, library, 'speech', [video()]);
      const storeAllMs = performance.now() - started;
      await t.search('warm up'); // the first search after a store builds nothing, but let the worker settle
      const ms = [];
      const workerMs = [];
      for (let q = 0; q < queries; q++) {
        const words = q % 3 === 0 ? `"${wordAt()} ${wordAt()}"` : Array.from({ length: 1 + (q % 3) }, wordAt).join(' ');
        const started = performance.now();
        const found = await t.search(words);
        ms.push(performance.now() - started);
        workerMs.push(found.ms);
      }
      const save = await saveFive(firstId + hours + 5);
      const stats = await t.stats();
      await t.dropLibrary(library);
      for (let v = 0; v < hours + 10; v++) await blobs.removeEntry(`bench-poster-${v}`);
      const sorted = (xs) => [...xs].sort((a, b) => a - b);
      return {
        cues: stats.cues,
        storeAllMs,
        median: sorted(ms)[ms.length >> 1],
        p95: sorted(ms)[Math.floor(ms.length * 0.95)],
        workerMedian: sorted(workerMs)[ms.length >> 1],
        save,
        saveFirst,
      };
    },
    { hours, queries },
  );

  const result = {
    model: one.modelId,
    minutes,
    cross_origin_isolated: isolated,
    cores,
    audio_tier: decode.tier,
    audio_x_realtime: round(decode.seconds / (decode.ms / 1000)),
    native_ffmpeg_x_realtime: round(nativeX),
    decode_mix_s: round(decode.mixMs / 1000),
    decode_resample_s: round(decode.resampleMs / 1000),
    decode_total_s: round(decode.ms / 1000),
    asr_x_realtime_1thread: round(one.seconds / (one.ms / 1000)),
    threads,
    asr_x_realtime_threads: round(many.seconds / (many.ms / 1000)),
    speech_share: round((one.heard / one.seconds) * 100) / 100,
    lines: one.lines,
    // Not scaled: the sound is held a window at a time, so the peak does not grow with the length.
    peak_rss_mb: round(Math.max(one.peakMb, many.peakMb)),
    decode_peak_rss_mb: round(decode.peakMb),
    transcript_hours: hours,
    transcript_lines: search.cues,
    search_median_ms: round(search.median),
    search_p95_ms: round(search.p95),
    search_worker_median_ms: round(search.workerMedian),
    save_one_more_ms: round(search.save),
    save_first_ms: round(search.saveFirst),
    store_all_s: round(search.storeAllMs / 1000),
    sound_mb: round(statSync(sound).size / 1e6),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
