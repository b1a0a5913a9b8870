#!/usr/bin/env node
// Longer clips for tests that need jobs still running when they act (cancel, reload mid-indexing), made once
// with Debian's ffmpeg and committed, so the tests need no ffmpeg: node tests/scripts/make-long-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'long');
mkdirSync(out, { recursive: true });
const exact = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-threads', '1', '-map_metadata', '-1'];
const encode = (name, seconds, codec) =>
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', String(seconds)],
    ...codec,
    ...['-pix_fmt', 'yuv420p', '-g', '50', ...exact, '-y', join(out, name)],
  ]);
// 20 s of H.264 (native decoding) and 10 s of HEVC (ffmpeg.wasm): long enough to still be indexing when a test acts.
encode('long-h264.mp4', 20, ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '35', '-x264-params', 'threads=1']);
encode('long-hevc.mp4', 10, [
  '-c:v',
  'libx265',
  '-preset',
  'fast',
  '-crf',
  '38',
  '-tag:v',
  'hvc1',
  '-x265-params',
  'log-level=error:pools=none:frame-threads=1',
]);
console.log(`wrote ${out}`);
