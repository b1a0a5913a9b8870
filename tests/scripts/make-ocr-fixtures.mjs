#!/usr/bin/env node
// Writes the text-on-screen quality fixtures with Debian's ffmpeg (drawtext, fonts of fonts-dejavu-core and
// fonts-liberation): 720p videos with words at known times, and the truth the quality test compares against.
//
//   node tests/scripts/make-ocr-fixtures.mjs [out-folder]   (default: a fresh temporary folder; prints it), with
//   items.json: every item and when it shows
//
//   slides.mp4    flat slides, a new background colour with each item, plain grey with no text between them
//   footage.mp4   words over moving footage (drifting colour gradients with its edges soft), between them none
//   camera.mp4    moving footage with no text at all
// Sizes are drawtext's font size in pixels of the 720p frame (16–64 px), as a page's CSS font-size would be.
// Each item stays on screen 1–6 s; a second with no text separates items.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fonts = {
  sans: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  sansBold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  serif: '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf',
  mono: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  liberation: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  liberationSerif: '/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf',
};

/** The words on the slides: text, size (px), font, colour on background; when they show follows from `seconds`. */
const slideItems = [
  ['Quarterly churn', 64, 'sansBold', 'black', 'white', 3],
  ['Harbour', 48, 'serif', 'yellow', 'navy', 2],
  ['Migration plan', 40, 'liberation', 'white', 'darkgreen', 4],
  ['Telescope', 32, 'mono', '0x333333', '0xdddddd', 1],
  ['Blueberry pancakes', 28, 'liberationSerif', 'white', 'black', 5],
  ['Invoice', 24, 'sans', 'black', '0xffeeaa', 2],
  ['Carpenter', 22, 'serif', 'white', '0x5a2d82', 3],
  ['Satellite', 20, 'sans', '0x222222', 'white', 6],
  ['Volcano', 18, 'liberation', 'white', '0x1f4e79', 2],
  ['Thursday', 16, 'sansBold', 'black', 'white', 4],
  ['Penguin', 16, 'mono', 'black', '0xeeeeee', 3],
  ['Sunflower', 20, 'liberationSerif', 'navy', '0xfff8e0', 1],
];

/** The words over footage: text, size, font, colour, and how it stands out (a border, a shadow, a box, or none). */
const footageItems = [
  ['Breaking news', 64, 'sansBold', 'white', 'box', 2],
  ['Lighthouse', 48, 'serif', 'yellow', 'border', 3],
  ['Snowboard', 40, 'liberation', 'white', 'shadow', 1],
  ['Goalkeeper', 32, 'sansBold', 'white', 'border', 4],
  ['Strawberry', 28, 'sans', 'yellow', 'box', 5],
  ['Kangaroo', 24, 'liberationSerif', 'white', 'border', 2],
  ['Marmalade', 22, 'sans', 'white', 'box', 6],
  ['Orchard', 20, 'sansBold', 'yellow', 'shadow', 3],
  ['Bicycle', 18, 'liberation', 'white', 'box', 2],
  ['Umbrella', 16, 'sansBold', 'white', 'box', 4],
  ['Dolphin', 16, 'sans', 'white', 'border', 5],
  ['Waterfall', 20, 'serif', 'white', 'box', 1],
];

/** Words that are never on screen; long ones (6 letters or more) must find nothing, typo tolerance included. */
export const absentWords = ['pineapple', 'orchestra', 'cabinet', 'meadow', 'tornado', 'whisper', 'granite', 'falcon'];
/** Short absent words: reported only (one misread letter cannot make them match, but a short word may be read). */
export const absentShortWords = ['lamp', 'fox', 'tea'];

/** Places the items one after the other, each after a second with no text; returns them with times, and the length. */
function schedule(items, video, slide) {
  let at = 1;
  const out = [];
  items.forEach(([text, size, font, color, look, seconds], i) => {
    // A slide's fifth field is its background colour; over footage, how the words stand out.
    const bg = slide ? look : null;
    if (slide) look = 'plain';
    // Positions spread over the frame, kept inside it: text rarely sits only in the middle.
    const x = [0.08, 0.4, 0.2, 0.55, 0.3][i % 5];
    const y = [0.15, 0.7, 0.45, 0.25, 0.85][i % 5];
    out.push({ video, text, size, font, color, look, bg, from: at, to: at + seconds, x, y });
    at += seconds + 1;
  });
  return { items: out, duration: at + 1 };
}

/** The drawtext filters of the items (colours of a slide are drawn as a full-frame box behind its words). */
function filters(items) {
  return items
    .flatMap((s) => {
      const on = `enable='between(t,${s.from},${s.to - 0.04})'`;
      const style =
        s.look === 'box'
          ? ':box=1:boxcolor=black@0.55:boxborderw=8'
          : s.look === 'border'
            ? ':borderw=2:bordercolor=black'
            : s.look === 'shadow'
              ? ':shadowx=2:shadowy=2:shadowcolor=black'
              : '';
      const background = s.bg ? [`drawbox=c=${s.bg}:t=fill:${on}`] : [];
      return [
        ...background,
        `drawtext=fontfile=${fonts[s.font]}:text='${s.text}':fontsize=${s.size}:fontcolor=${s.color}${style}:` +
          `x=${s.x}*(w-tw):y=${s.y}*(h-th):${on}`,
      ];
    })
    .join(',');
}

const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-g', '30'];
const footage = (d) => `gradients=s=320x180:r=10:d=${d}:speed=0.02:n=4:seed=7,scale=1280:720`;

/** Makes the fixtures in `dir`; returns the files' paths by name and the truth (every item and its span). */
export function makeOcrFixtures(dir = mkdtempSync(join(tmpdir(), 'ff-ocr-quality-'))) {
  mkdirSync(dir, { recursive: true });
  const run = (args) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  const slides = schedule(slideItems, 'slides.mp4', true);
  const over = schedule(footageItems, 'footage.mp4', false);
  run([
    '-f',
    'lavfi',
    '-i',
    `color=c=gray:s=1280x720:r=10:d=${slides.duration}`,
    '-vf',
    filters(slides.items),
    ...encode,
    join(dir, 'slides.mp4'),
  ]);
  run(['-f', 'lavfi', '-i', footage(over.duration), '-vf', filters(over.items), ...encode, join(dir, 'footage.mp4')]);
  run(['-f', 'lavfi', '-i', footage(12), ...encode, join(dir, 'camera.mp4')]);
  const names = ['slides.mp4', 'footage.mp4', 'camera.mp4'];
  return {
    dir,
    files: names.map((name) => ({ path: name, bytes: readFileSync(join(dir, name)) })),
    items: [...slides.items, ...over.items],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { dir, items } = makeOcrFixtures(process.argv[2]);
  writeFileSync(join(dir, 'items.json'), JSON.stringify(items, null, 1));
  process.stdout.write(`${dir}: ${items.length} items\n`);
}
