#!/usr/bin/env node
// Generates the word search fixtures: two short videos made of solid-colour shots with film grain, in the colours
// the tiny test model (make-tiny-clip.mjs) has words for, so "red" must find the red shot. Made once with Debian's
// ffmpeg and committed, so the tests need no ffmpeg.
//
//   node tests/scripts/make-semantic-fixtures.mjs
//
// Output: tests/fixtures/semantic/*.mp4 and tests/fixtures/semantic.json (generated, do not edit by hand):
//   [{ path, size, duration, shots: [{ colour, start, end }] }]
//
// 320x180, 10 fps, H.264 yuv420p, a key frame every 2 s and at every cut (so the scenes stage, which decodes
// key frames, sees each cut). The grain (fixed, so it costs few bytes) keeps frames from counting as flat (frame-stats isFlat: luma std < 8),
// which would keep them from being a scene's representative frame.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLOURS } from './make-tiny-clip.mjs';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
const outDir = join(root, 'semantic');
const shotSeconds = 4;
const videos = {
  'colours.mp4': ['red', 'green', 'blue'],
  'sky-yellow.mp4': ['sky', 'yellow'],
};

const hex = (rgb) => `0x${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

function make(name, colours) {
  const inputs = colours.flatMap((c) => [
    '-f',
    'lavfi',
    '-i',
    `color=c=${hex(COLOURS[c])}:s=320x180:r=10:d=${shotSeconds}`,
  ]);
  const graph =
    colours.map((_, i) => `[${i}:v]noise=alls=40:allf=u:all_seed=${i + 1},format=yuv420p[v${i}]`).join(';') +
    `;${colours.map((_, i) => `[v${i}]`).join('')}concat=n=${colours.length}:v=1:a=0[out]`;
  const cuts = colours.slice(1).map((_, i) => (i + 1) * shotSeconds);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    '28',
    '-threads',
    '1',
    '-g',
    '20',
    '-keyint_min',
    '20',
    '-sc_threshold',
    '0',
    '-force_key_frames',
    cuts.join(','),
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-movflags',
    '+faststart',
    join(outDir, name),
  ]);
  return {
    path: name,
    size: statSync(join(outDir, name)).size,
    duration: colours.length * shotSeconds,
    shots: colours.map((colour, i) => ({ colour, start: i * shotSeconds, end: (i + 1) * shotSeconds })),
  };
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const truth = Object.entries(videos).map(([name, colours]) => make(name, colours));
writeFileSync(join(root, 'semantic.json'), `${JSON.stringify(truth, null, 2)}\n`);
console.log(truth.map((t) => `${t.path}: ${t.size} bytes`).join('\n'));
