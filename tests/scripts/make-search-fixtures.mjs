#!/usr/bin/env node
// Generates the reverse-search fixtures: a small library of visually diverse videos with hard scene cuts, a
// re-encoded copy of one of them, and videos that are NOT in the library, plus the truth the tests compare
// against. Made once with Debian's ffmpeg and committed, so the tests need no ffmpeg.
//
//   node tests/scripts/make-search-fixtures.mjs               render everything, check it, write search.json
//   node tests/scripts/make-search-fixtures.mjs --describe    re-check the files already there, rewrite search.json
//   node tests/scripts/make-search-fixtures.mjs --preview library/ocean.mp4 /tmp/x   one video + contact sheet
//
// Output: tests/fixtures/search/** and tests/fixtures/search.json. Independent of the other fixture scripts.
//
//   search/library/*.mp4            6 videos, 22–28 s, 480x270, 25 fps, H.264 (yuv420p, keyframe at least every
//                                   2 s and at every cut), 3–4 hard cuts each between unrelated generated shots.
//                                   forest.mp4 and desert.mp4 open with 2 s of pure black.
//   search/library/copies/*.webm    a re-encoded copy of library/ocean.mp4: VP9, 320x180, its first 3 s trimmed.
//   search/outside/*                3 videos that share no shot with the library (for out-of-library queries).
//
// The pace is that of ordinary footage: every shot keeps moving (zooms, pans, turning or drifting patterns,
// automata and Game of Life a few steps a second under drifting light) and nothing periodic completes a cycle
// inside a shot, so no two moments of a video a second or more apart look alike, while half a second later a
// shot still has the same layout (a frame between two samples a second apart looks like the nearer one). No
// generator is reused between videos with parameters that would make two shots look alike (the Mandelbrot zooms
// target different places and only ocean.mp4's starts from the whole set). check() measures all of this on grey
// thumbnails and fails the run when a threshold is crossed; its figures land in search.json under `checks`.
//
// Needs ffmpeg + ffprobe 5.1 (`sudo apt-get install -y ffmpeg`) with libx264 and libvpx-vp9. Sources are seeded
// lavfi generators and encoders run single-threaded with bit-exact flags and no inherited metadata.
//
// search.json (a plain array sorted by path; generated, do not edit by hand):
//   path          relative to tests/fixtures/search, `/` separators
//   role          'library' | 'copy' | 'outside'  (copies live inside library/ and are indexed with it)
//   size          bytes
//   duration      s (ffprobe format duration); width, height, fps, codec, container as ffprobe reports them
//   keyframes     pts_time of every key packet
//   blackIntro    seconds of pure black at the start (0 when none)
//   cuts          times (s, in this file's timeline) of the hard scene cuts, ascending; the end of the black
//                 intro counts as a cut
//   shots         [{ start, end, notes }] what each shot shows
//   copyOf        for a copy: the path of the original; trimStart: seconds of the original cut from its start
//                 (time t in the copy is time t + trimStart in the original); else null / 0
//   checks        what check() measured (see there)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', 'fixtures');
const searchDir = join(fixturesDir, 'search');
const truthFile = join(fixturesDir, 'search.json');

const MAX_TOTAL_BYTES = 8 * 1024 * 1024;
const W = 480;
const H = 270;
const FPS = 25;

// No encoder/version strings, no creation time, no inherited metadata.
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1'];

const x264 = ({ crf = 32, gop = 2 * FPS } = {}) => [
  '-c:v',
  'libx264',
  '-preset',
  'medium',
  '-crf',
  String(crf),
  '-pix_fmt',
  'yuv420p',
  '-g',
  String(gop),
  '-threads',
  '1',
  '-x264-params',
  'threads=1:lookahead-threads=1:sliced-threads=0',
  '-movflags',
  '+faststart',
];

const vp9 = ({ crf = 40, gop = 2 * FPS } = {}) => [
  '-c:v',
  'libvpx-vp9',
  '-b:v',
  '0',
  '-crf',
  String(crf),
  '-deadline',
  'good',
  '-cpu-used',
  '4',
  '-row-mt',
  '0',
  '-threads',
  '1',
  '-tile-columns',
  '0',
  '-frame-parallel',
  '0',
  '-g',
  String(gop),
  '-pix_fmt',
  'yuv420p',
];

// ---------------------------------------------------------------------------------------------------- shots
// A shot is a lavfi source graph (`src`) rendered for `dur` seconds, then fitted to the video's size and rate.
// Expressions use `T` (geq) or `t` (rotate, hue, overlay): time since the start of the shot.

const black = (dur) => ({ dur, src: `color=c=black:s=${W}x${H}:r=${FPS}`, notes: 'pure black' });

/** A Mandelbrot zoom towards (x, y), from scale s0 to s1 over the shot, tinted by `tint`. */
const mandelbrot = (dur, { x, y, s0, s1, tint, inner = 'mincol', notes }) => ({
  dur,
  src:
    `mandelbrot=s=${W}x${H}:r=${FPS}:maxiter=384:start_x=${x}:start_y=${y}:start_scale=${s0}:end_scale=${s1}:` +
    `end_pts=${dur * FPS}:outer=normalized_iteration_count:inner=${inner},${tint}`,
  notes,
});

/**
 * Conway's life on a small grid, blown up with hard edges; `mold` fades dead cells so it never freezes. `rate`
 * generations per second (frames repeat in between), slow enough that half a second later it still looks alike.
 */
const life = (dur, { w, h, seed, ratio, colors, light, notes, rule = 'B3/S23', rate = 2 }) => ({
  dur,
  src:
    `life=s=${w}x${h}:r=${rate}:seed=${seed}:ratio=${ratio}:rule=${rule}:mold=12:` +
    `life_color=${colors[0]}:death_color=${colors[1]}:mold_color=${colors[2]},scale=${W}:${H}:flags=neighbor` +
    (light ? `,format=gbrp[l];${lit(light)}[g];[g][l]blend=all_mode=multiply:all_opacity=0.4` : ''),
  notes,
});

/**
 * A one-dimensional automaton scrolling up (`rate` new rows per second) with big cells, multiplied by drifting
 * gradients (`light`, see gradients()) so the picture also has large-scale structure that moves.
 */
const cellauto = (dur, { w, h, rule, seed, fill, rate = 2, light, notes }) => ({
  dur,
  src:
    `cellauto=s=${w}x${h}:r=${rate}:rule=${rule}:seed=${seed}:random_fill_ratio=${fill}:scroll=1,` +
    `scale=${W}:${H}:flags=neighbor,format=gbrp[c];${lit(light)}[g];[g][c]blend=all_mode=multiply:all_opacity=0.35`,
  notes,
});

/** Drifting gradients as gbrp, the light a texture is multiplied by (the texture only shades it: the light dominates). */
const lit = (light) => `${gradients(light.colors, light)},format=gbrp`;

/** An RGB image computed per pixel from X, Y and T (plasma, zone plates, spirals). */
const geqRgb = (dur, { r, g, b, notes, size = `${W}x${H}` }) => ({
  dur,
  src: `nullsrc=s=${size}:r=${FPS},format=gbrp,geq=r='${r}':g='${g}':b='${b}'`,
  notes,
});

/** Gradients with every colour and end point given (the defaults are random whatever `seed` says). The end points
 * turn around the centre by `speed` radians per FRAME (0.007 at 25 fps: about 10° a second). */
const gradients = (colors, { type, speed, seed, x0 = 0, y0 = 0, x1 = W, y1 = H, size = `${W}x${H}` }) =>
  `gradients=s=${size}:r=${FPS}:type=${type}:speed=${speed}:seed=${seed}:nb_colors=${colors.length}:` +
  colors.map((c, i) => `c${i}=${c}`).join(':') +
  `:x0=${x0}:y0=${y0}:x1=${x1}:y1=${y1}`;

// Overlays move with `t` of the overlay filter, i.e. time since the shot began.
const movingBoxes = (boxes) =>
  boxes
    .map(
      ({ c, w, h, x, y }, i) =>
        `[b${i}];color=c=${c}:s=${w}x${h}:r=${FPS}[k${i}];[b${i}][k${i}]overlay=x='${x}':y='${y}':shortest=1`,
    )
    .join('');

// For the skyline: building index and position inside it at (X + 45 T), roof height, window grid.
const u = '(X+45*T)';
const building = `gte(Y,70+110*abs(sin(floor(${u}/36)*1.7)))`;
const windows =
  `lt(mod(${u},36),30)*gt(mod(Y,14),5)*gt(mod(${u},9),4)*` + `gt(sin(floor(${u}/36)*3.1+floor(Y/14)*2.2),0)`;

const library = [
  {
    path: 'library/ocean.mp4',
    shots: [
      mandelbrot(6, {
        x: -0.743643887037151,
        y: 0.13182590420533,
        s0: 3,
        s1: 0.6,
        tint: 'hue=h=190:s=1.2',
        notes: 'Mandelbrot zoom from the whole set into seahorse valley, blue-cyan',
      }),
      geqRgb(6, {
        r: '20+18*(2+sin(X/23+T*0.5)+sin(Y/17-T*0.4))',
        g: '90+30*(sin((X+Y)/31+T*0.3)+sin(hypot(X-150-25*T,Y-135)/30))',
        b: '150+25*(2+sin(X/23+T*0.5)+sin(hypot(X-150-25*T,Y-135)/30))',
        notes: 'deep-sea plasma: sine ripples around a centre drifting right',
      }),
      cellauto(6, {
        w: 40,
        h: 23,
        rule: 110,
        seed: 7,
        fill: 0.5,
        light: {
          colors: ['0x0F766E', '0x99F6E4', '0x1E3A8A'],
          type: 'radial',
          speed: 0.007,
          seed: 7,
          x0: 80,
          y0: 60,
          x1: 400,
          y1: 220,
        },
        notes: 'coarse rule 110 automaton scrolling up, lit by drifting teal-blue gradients',
      }),
      {
        dur: 6,
        src: `testsrc2=s=${W}x${H}:r=${FPS},hue=h=170,rotate=a=0.35+0.16*t:c=0x0C2A4A`,
        notes: 'testsrc2 test card, hue-turned, rotating slowly on a navy ground',
      },
    ],
  },
  {
    path: 'library/forest.mp4',
    shots: [
      black(2),
      life(7, {
        w: 48,
        h: 27,
        light: {
          colors: ['0xD9F99D', '0x4D7C0F', '0xFEF08A'],
          type: 'radial',
          speed: 0.007,
          seed: 12,
          x0: 100,
          y0: 50,
          x1: 380,
          y1: 240,
        },
        seed: 1234,
        ratio: 0.35,
        colors: ['0x9AE66E', '0x0B2410', '0x3F6212'],
        notes: 'Game of Life, leaf green with mossy mould, lit by drifting radial gradients',
      }),
      {
        dur: 6,
        src:
          `sierpinski=s=240x135:r=4:seed=9:jump=1:type=triangle,fps=${FPS},scale=${W}:${H}:flags=neighbor,` +
          `zoompan=z='1.2+0.004*on':x='(iw-iw/zoom)*on/300':y='(ih-ih/zoom)*0.3':d=1:s=${W}x${H}:fps=${FPS},` +
          `format=gbrp[t];` +
          gradients(['0x365314', '0xA3E635', '0x78350F'], {
            type: 'linear',
            speed: 0.007,
            seed: 9,
            x0: 0,
            y0: 270,
            x1: 480,
            y1: 0,
          }) +
          `,format=gbrp[g];[g][t]blend=all_mode=screen`,
        notes: 'animated Sierpinski triangle zooming and panning, screened over olive-to-brown gradients',
      },
      {
        dur: 6,
        src:
          gradients(['0x14532D', '0x84CC16', '0xFDE047', '0x065F46'], {
            type: 'radial',
            speed: 0.007,
            seed: 5,
            x0: 60,
            y0: 40,
            x1: 420,
            y1: 230,
          }) +
          movingBoxes([
            { c: '0xF5F5DC', w: 70, h: 40, x: '20+50*t', y: '30+12*t' },
            { c: '0x3B2F2F', w: 36, h: 90, x: '400-35*t', y: '150-10*t' },
            { c: '0xB45309', w: 50, h: 50, x: '200+8*t', y: '230-30*t' },
          ]),
        notes: 'radial green-yellow gradients, three boxes crossing in different directions',
      },
      mandelbrot(5, {
        x: -0.10109636384562,
        y: 0.95628651080914,
        s0: 0.25,
        s1: 0.1,
        tint: 'hue=h=95:s=0.9',
        notes: 'Mandelbrot zoom near -0.101+0.956i (already zoomed in at the start), green',
      }),
    ],
  },
  {
    path: 'library/city.mp4',
    shots: [
      {
        dur: 6,
        src:
          `testsrc=s=${W}x${H}:r=${FPS},` +
          `zoompan=z='1+0.004*on':x='iw/2-iw/zoom/2+on*0.3':y='ih/2-ih/zoom/2':d=1:s=${W}x${H}:fps=${FPS}`,
        notes: 'classic testsrc card with its counter, zooming in and panning',
      },
      {
        dur: 5,
        src:
          `nullsrc=s=${W}x${H}:r=${FPS},format=yuv444p,` +
          `geq=lum='128+100*sin(((X-240)*(X-240)+(Y-135)*(Y-135))*(0.0006+0.00004*T)+0.4*T)':cb=128:cr=128`,
        notes: 'grey zone plate whose rings tighten over time',
      },
      cellauto(6, {
        w: 40,
        h: 23,
        rule: 90,
        seed: 3,
        fill: 0.3,
        light: {
          colors: ['0xFB923C', '0xFFEDD5', '0x9A3412'],
          type: 'linear',
          speed: 0.007,
          seed: 3,
          x0: 0,
          y0: 0,
          x1: 480,
          y1: 270,
        },
        notes: 'rule 90 automaton scrolling up (triangles), lit by drifting orange gradients',
      }),
      geqRgb(5, {
        // u: the skyline scrolls left 45 px/s; each 36 px wide building has its own height and lit windows.
        r: `if(${building}, 20+200*${windows}, 250-0.5*Y-12*T)`,
        g: `if(${building}, 22+170*${windows}, 120-0.2*Y+10*T)`,
        b: `if(${building}, 40+60*${windows}, 90+0.3*Y+15*T)`,
        notes: 'a city skyline with lit windows scrolling left under a dusk sky that darkens',
      }),
    ],
  },
  {
    path: 'library/desert.mp4',
    shots: [
      black(2),
      {
        dur: 7,
        src:
          `sierpinski=s=240x135:r=4:seed=21:jump=1:type=carpet,fps=${FPS},scale=${W}:${H}:flags=neighbor,format=rgb24,` +
          `colorchannelmixer=rr=0.9:rg=0.3:gg=0.7:bb=0.35,` +
          `zoompan=z='1.5+0.004*on':x='(iw-iw/zoom)*0.3':y='(ih-ih/zoom)*(0.2+on/600)':d=1:s=${W}x${H}:fps=${FPS}`,
        notes: 'animated Sierpinski carpet in sand tones, zooming in and panning down',
      },
      geqRgb(6, {
        r: '170+70*sin(X/13+T*0.5)*cos(Y/29-T*0.3)',
        g: '110+60*sin((X*0.8+Y*0.6)/15-T*0.7)*cos(X/50+T*0.2)',
        b: '60+40*cos(X/41-Y/37+T*0.4)',
        notes: 'warm plasma: sine lattices drifting at different speeds and angles',
      }),
      life(7, {
        w: 48,
        h: 27,
        light: {
          colors: ['0xFDE68A', '0xC2410C', '0xFFF7ED'],
          type: 'linear',
          speed: 0.007,
          seed: 77,
          x0: 0,
          y0: 100,
          x1: 480,
          y1: 170,
        },
        seed: 777,
        ratio: 0.2,
        colors: ['0xFB923C', '0x2A1205', '0x92400E'],
        notes: 'Game of Life, orange with brown mould, lit by drifting linear gradients',
      }),
      mandelbrot(6, {
        x: 0.281717921930775,
        y: 0.5771052841488505,
        s0: 0.3,
        s1: 0.06,
        inner: 'period',
        tint: 'hue=h=25:s=1.1',
        notes: 'Mandelbrot zoom near 0.2817+0.5771i, period-coloured inside, amber',
      }),
    ],
  },
  {
    path: 'library/night.mp4',
    shots: [
      mandelbrot(7, {
        x: -1.25066,
        y: 0.02012,
        s0: 0.02,
        s1: 0.01,
        tint: 'hue=h=240:s=0.6,eq=contrast=1.6',
        notes: 'Mandelbrot zoom near -1.25066+0.02012i (spirals around a mini-brot), grey-violet',
      }),
      {
        dur: 5,
        src:
          `colorchart=r=${FPS}:patch_size=64x64:preset=reference,` +
          `zoompan=z='1.3+0.002*on':x='(iw-iw/zoom)*on/400':y='(ih-ih/zoom)*(1-on/125)':d=1:s=${W}x${H}:fps=${FPS},` +
          `noise=all_seed=9:alls=6:allf=t`,
        notes: 'colour checker chart, zooming in while panning from bottom-left to top-right',
      },
      {
        dur: 7,
        src:
          gradients(['0x1E1B4B', '0x7C3AED', '0xF0ABFC'], {
            type: 'spiral',
            speed: 0.007,
            seed: 13,
            x0: 240,
            y0: 135,
            x1: 400,
            y1: 40,
          }) +
          `,drawgrid=w=60:h=60:t=2:c=white@0.6,rotate=a=0.12*t:c=0x0F0A1E,` +
          `scale=${W * 1.2}:${H * 1.2},crop=${W}:${H}:x='12*t':y=20`,
        notes: 'violet spiral gradient behind a white grid that turns and drifts',
      },
      cellauto(6, {
        w: 40,
        h: 23,
        rule: 150,
        seed: 11,
        fill: 0.5,
        light: {
          colors: ['0xA78BFA', '0x4C1D95', '0xE9D5FF'],
          type: 'radial',
          speed: 0.007,
          seed: 11,
          x0: 240,
          y0: 135,
          x1: 470,
          y1: 260,
        },
        notes: 'rule 150 automaton scrolling up, lit by drifting violet gradients',
      }),
    ],
  },
  {
    path: 'library/garden.mp4',
    shots: [
      life(6, {
        w: 48,
        h: 27,
        light: {
          colors: ['0xFBCFE8', '0xBE185D', '0xFDF2F8'],
          type: 'linear',
          speed: 0.007,
          seed: 42,
          x0: 40,
          y0: 250,
          x1: 440,
          y1: 20,
        },
        seed: 4242,
        ratio: 0.5,
        colors: ['0xF472B6', '0x1F0A14', '0x9D174D'],
        notes: 'Game of Life from a dense start, pink with crimson mould, lit by drifting linear gradients',
      }),
      {
        dur: 6,
        src:
          `nullsrc=s=${W}x${H}:r=${FPS},format=yuv444p,` +
          `geq=lum='128+110*cos(((X-120-20*T)*(X-120-20*T)/6000+(Y-80-8*T)*(Y-80-8*T)/4000))':` +
          `cb='128+60*sin(X/40+0.6*T)':cr='128+60*cos(Y/30-0.6*T)'`,
        notes: 'elliptic zone plate whose centre wanders, tinted by slow colour waves',
      },
      {
        dur: 5,
        src:
          `smptehdbars=s=${W}x${H}:r=${FPS},rotate=a=0.3+0.2*t:c=0x064E3B` +
          movingBoxes([
            { c: 'white', w: 60, h: 60, x: '10+70*t', y: '100' },
            { c: 'black', w: 40, h: 80, x: '300', y: '10+40*t' },
          ]),
        notes: 'HD colour bars turning on dark green, a white and a black box sliding across',
      },
      cellauto(6, {
        w: 40,
        h: 23,
        rule: 30,
        seed: 17,
        fill: 0.4,
        light: {
          colors: ['0xFEF3C7', '0x9F1239', '0x4ADE80', '0x0C4A6E'],
          type: 'circular',
          speed: 0.007,
          seed: 31,
          x0: 100,
          y0: 200,
          x1: 380,
          y1: 60,
        },
        notes: 'rule 30 automaton scrolling up, lit by circular pastel gradients',
      }),
    ],
  },
];

const outside = [
  {
    path: 'outside/spiral.mp4',
    shots: [
      geqRgb(6, {
        r: '128+120*sin(6*atan2(Y-135,X-240)+hypot(X-240,Y-135)/9-T*2)',
        g: '128+120*sin(6*atan2(Y-135,X-240)+hypot(X-240,Y-135)/9-T*2+2)',
        b: '200-hypot(X-240,Y-135)/2',
        notes: 'a six-armed colour spiral turning',
      }),
      {
        dur: 6,
        src:
          `rgbtestsrc=s=${W}x${H}:r=${FPS},rotate=a=-0.2*t-0.4:c=0x333333,hue=H=0.5*t,` +
          `zoompan=z='1+0.006*on':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=${W}x${H}:fps=${FPS}`,
        notes: 'RGB test bars tilted, turning and zooming while hues cycle',
      },
    ],
  },
  {
    path: 'outside/ember.webm',
    shots: [
      life(6, {
        w: 64,
        h: 36,
        seed: 99,
        ratio: 0.5,
        rule: 'B3678/S34678',
        colors: ['0xFF3B1F', '0x120000', '0x7F1D1D'],
        notes: 'Day & Night automaton (B3678/S34678) on a coarse grid, red',
      }),
      geqRgb(6, {
        r: '255*(0.3+0.7*Y/H)*(0.6+0.4*sin(X/11+3*sin(Y/23+T*1.7)))',
        g: '180*(Y/H)*(Y/H)*(0.5+0.5*sin(X/7-2*cos(Y/17-T*2.3)))',
        b: '30*(Y/H)',
        notes: 'flickering flame tongues rising from the bottom, red and yellow',
      }),
    ],
    encode: vp9,
  },
  {
    path: 'outside/weave.mp4',
    width: 640,
    height: 360,
    fps: 30,
    shots: [
      {
        dur: 7,
        src:
          'haldclutsrc=level=8:rate=30,' +
          "zoompan=z='1.2+0.005*on':x='(iw-iw/zoom)*on/210':y='(ih-ih/zoom)/2':d=1:s=640x360:fps=30," +
          'rotate=a=0.04*t:c=black',
        notes: 'identity Hald CLUT (a grid of colour squares) zooming and panning',
      },
      {
        dur: 6,
        src:
          'nullsrc=s=640x360:r=30,format=gbrp,' +
          "geq=r='128+127*sin(X/5+Y/9+T)*cos(X/17-T*0.3)':g='128+127*sin(Y/6-X/11-T*0.8)':b='128+100*cos(X/9+T)'",
        notes: 'woven sine interference pattern in primaries',
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------------- helpers

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error(`${cmd} not found. Install it with: sudo apt-get install -y ffmpeg`, { cause: err });
    }
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stderr ?? err.message}`, { cause: err });
  }
}

function ffmpeg(args) {
  return run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
}

const round = (value, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(Number(value) * f) / f;
};

/** Renders the shots of `video` back to back (hard cuts, exact frame counts) and encodes them to `out`. */
function render(video, out) {
  const width = video.width ?? W;
  const height = video.height ?? H;
  const fps = video.fps ?? FPS;
  const chains = video.shots.map((shot, i) => {
    const frames = Math.round(shot.dur * fps);
    // Labels inside a shot's graph are made unique per shot.
    const src = shot.src.replace(/\[(\w+)\]/g, `[s${i}$1]`);
    return (
      `${src},scale=${width}:${height},setsar=1,fps=${fps},format=yuv420p,` +
      `trim=end_frame=${frames},setpts=N/(${fps}*TB)[s${i}]`
    );
  });
  const graph =
    chains.join(';') +
    ';' +
    video.shots.map((_, i) => `[s${i}]`).join('') +
    `concat=n=${video.shots.length}:v=1:a=0[v]`;
  // Give x264 a keyframe at every cut as well as every 2 s (it would find most cuts by itself anyway).
  const cuts = cutTimes(video);
  const encode = video.encode ?? x264;
  ffmpeg([
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    ...encode({ gop: 2 * fps }),
    ...(cuts.length ? ['-force_key_frames', cuts.join(',')] : []),
    ...BITEXACT,
    out,
  ]);
}

function cutTimes(video) {
  const cuts = [];
  let t = 0;
  for (const shot of video.shots.slice(0, -1)) {
    t += shot.dur;
    cuts.push(t);
  }
  return cuts;
}

function shotTable(video, offset = 0) {
  let t = 0;
  return video.shots
    .map((shot) => {
      const row = { start: round(t - offset), end: round(t + shot.dur - offset), notes: shot.notes };
      t += shot.dur;
      return row;
    })
    .filter((row) => row.end > 0)
    .map((row) => ({ ...row, start: Math.max(0, row.start) }));
}

function probe(file) {
  const info = JSON.parse(
    run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]),
  );
  const video = info.streams.find((s) => s.codec_type === 'video');
  if (!video) throw new Error(`${file}: no video stream`);
  const [num, den] = video.avg_frame_rate.split('/').map(Number);
  const keyframes = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    file,
  ])
    .split('\n')
    .map((l) => l.trim().split(','))
    .filter(([pts, flags]) => pts && flags?.includes('K'))
    .map(([pts]) => round(pts, 3))
    .sort((a, b) => a - b);
  return {
    duration: round(info.format.duration),
    width: video.width,
    height: video.height,
    fps: round(num / den),
    codec: video.codec_name,
    pixFmt: video.pix_fmt,
    container: info.format.format_name.split(',')[0],
    keyframes,
  };
}

// Thresholds of check(), on similarity() of grey thumbnails (see there).
const MAX_ALIKE_IN_VIDEO = 0.95;
const MIN_ALIKE_HALF_SECOND = 0.7;
const MAX_ALIKE_BETWEEN = 0.8;

/** Grey 64x36 thumbnails of `file`, `perSecond` per second (frame i shows time i / perSecond). */
function thumbnails(file, perSecond = 4) {
  const raw = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file],
      ...['-vf', `fps=${perSecond}:round=down,scale=64:36:flags=area,format=gray`],
      ...['-f', 'rawvideo', '-'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 },
  );
  const size = 64 * 36;
  const frames = [];
  for (let i = 0; i + size <= raw.length; i += size) frames.push(raw.subarray(i, i + size));
  return frames;
}

/** A 64x36 thumbnail averaged down to 16x9: the coarse layout a robust descriptor sees. */
function coarse(frame) {
  const out = new Float64Array(16 * 9);
  for (let y = 0; y < 36; y++) for (let x = 0; x < 64; x++) out[(y >> 2) * 16 + (x >> 2)] += frame[y * 64 + x] / 16;
  return out;
}

const stats = (a) => {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return { mean, sd: Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length) };
};

/** Pearson correlation of two thumbnails: 1 = the same picture up to brightness and contrast, ~0 = unrelated. */
function similarity(a, b) {
  const sa = stats(a);
  const sb = stats(b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - sa.mean) * (b[i] - sb.mean);
  return sum / a.length / ((sa.sd || 1) * (sb.sd || 1));
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------------- main

const COPY = { path: 'library/copies/ocean-small.webm', of: 'library/ocean.mp4', trimStart: 3 };

/** `--preview <path> <dir>`: render one video into <dir> with a contact sheet (one frame per second), nothing else. */
function preview(path, dir) {
  const video = [...library, ...outside].find((v) => v.path === path);
  if (!video) throw new Error(`no fixture ${path}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, path.split('/').pop());
  const t0 = Date.now();
  render(video, out);
  ffmpeg(['-i', out, '-vf', 'fps=1:round=down,scale=240:-2,tile=6x5', '-frames:v', '1', `${out}.png`]);
  process.stdout.write(
    `${out} ${statSync(out).size} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s, sheet ${out}.png\n`,
  );
}

function main() {
  run('ffmpeg', ['-version']);
  const at = process.argv.indexOf('--preview');
  if (at >= 0) return preview(process.argv[at + 1], process.argv[at + 2] ?? join(tmpdir(), 'ff-search-preview'));
  const started = Date.now();
  const describeOnly = process.argv.includes('--describe');
  if (!describeOnly) rmSync(searchDir, { recursive: true, force: true });
  for (const video of describeOnly ? [] : [...library, ...outside]) {
    const out = join(searchDir, ...video.path.split('/'));
    mkdirSync(dirname(out), { recursive: true });
    const t0 = Date.now();
    render(video, out);
    process.stdout.write(`  ${video.path} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  // The copy: re-encoded from the library file (not from the generators), as a user's copy would be.
  const copyOut = join(searchDir, ...COPY.path.split('/'));
  mkdirSync(dirname(copyOut), { recursive: true });
  if (!describeOnly)
    ffmpeg([
      '-i',
      join(searchDir, ...COPY.of.split('/')),
      '-ss',
      String(COPY.trimStart),
      '-vf',
      'scale=320:180:flags=bicubic,setsar=1',
      ...vp9({ crf: 42, gop: 2 * FPS }),
      ...BITEXACT,
      copyOut,
    ]);
  if (!describeOnly) process.stdout.write(`  ${COPY.path}\n`);

  const entries = [];
  for (const video of library) entries.push(describe(video, 'library'));
  for (const video of outside) entries.push(describe(video, 'outside'));
  const original = library.find((v) => v.path === COPY.of);
  const copy = describe({ ...original, path: COPY.path }, 'copy', COPY.trimStart);
  entries.push({ ...copy, copyOf: COPY.of, trimStart: COPY.trimStart });
  entries.sort((a, b) => byCodePoint(a.path, b.path));

  check(entries);
  const total = entries.reduce((s, e) => s + e.size, 0);
  const onDisk = listFiles(searchDir).map((f) => relative(searchDir, f).split(sep).join('/'));
  if (onDisk.length !== entries.length) throw new Error(`unexpected files in ${searchDir}: ${onDisk.join(', ')}`);
  if (total > MAX_TOTAL_BYTES) throw new Error(`fixtures take ${total} bytes, more than ${MAX_TOTAL_BYTES}`);

  const tmpTruth = `${truthFile}.tmp`;
  writeFileSync(tmpTruth, JSON.stringify(entries, null, 2) + '\n');
  renameSync(tmpTruth, truthFile);
  for (const e of entries) {
    process.stdout.write(
      `  ${e.path.padEnd(34)} ${e.role.padEnd(8)} ${String(e.duration).padStart(6)} s ` +
        `${e.width}x${e.height} ${e.codec.padEnd(5)} ${(e.size / 1024).toFixed(0).padStart(5)} KiB  cuts ${e.cuts.join(' ')}\n`,
    );
  }
  process.stdout.write(
    `wrote ${entries.length} files (${(total / 1024).toFixed(0)} KiB) and ${relative(process.cwd(), truthFile)} ` +
      `in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

function describe(video, role, trimStart = 0) {
  const full = join(searchDir, ...video.path.split('/'));
  const blackIntro = video.shots[0].notes === 'pure black' ? video.shots[0].dur : 0;
  return {
    path: video.path,
    role,
    size: statSync(full).size,
    ...probe(full),
    blackIntro: Math.max(0, blackIntro - trimStart),
    cuts: cutTimes(video)
      .map((t) => round(t - trimStart))
      .filter((t) => t > 0),
    shots: shotTable(video, trimStart),
    copyOf: null,
    trimStart: 0,
  };
}

/**
 * What the tests rely on: lengths, key frames, black intros (and nothing else black or flat), and the pace of
 * change, measured on grey thumbnails 4 times a second:
 *   - no two moments of a video at least a second apart look alike, even in detail (64x36);
 *   - within a shot, the picture half a second later still has the same coarse layout (16x9), so a frame between
 *     two samples taken a second apart looks like its nearer sample;
 *   - frames of two different files (the copy aside) never look alike (64x36).
 * The figures land in search.json under `checks`.
 */
function check(entries) {
  const must = (cond, msg) => {
    if (!cond) throw new Error(`fixture check failed: ${msg}`);
  };
  const perSecond = 4;
  const thumbs = new Map();
  for (const e of entries) {
    const full = join(searchDir, ...e.path.split('/'));
    const planned = e.shots.at(-1).end;
    must(Math.abs(e.duration - planned) < 0.1, `${e.path}: duration ${e.duration}, planned ${planned}`);
    if (e.role === 'library') must(e.duration >= 20 && e.duration <= 30, `${e.path}: 20–30 s`);
    if (e.role === 'outside') must(e.duration >= 10 && e.duration <= 15, `${e.path}: 10–15 s`);
    for (let i = 1; i < e.keyframes.length; i++) {
      must(e.keyframes[i] - e.keyframes[i - 1] <= 2.01, `${e.path}: key frames at most 2 s apart`);
    }
    const fine = thumbnails(full, perSecond);
    const rough = fine.map(coarse);
    const content = (i) => i / perSecond > e.blackIntro + 0.05;
    thumbs.set(e.path, { fine, content });
    fine.forEach((f, i) => {
      const t = i / perSecond;
      const { mean, sd } = stats(f);
      if (t < e.blackIntro - 0.05) must(mean < 2 && sd < 1, `${e.path}: black at ${t} s (mean ${mean}, sd ${sd})`);
      else if (content(i)) must(sd > 8, `${e.path}: not flat at ${t} s (sd ${sd.toFixed(1)})`);
    });
    let alike = { value: -1, at: '' };
    for (let i = 0; i < fine.length; i++) {
      for (let j = i + perSecond; j < fine.length && content(i); j++) {
        const v = similarity(fine[i], fine[j]);
        if (v > alike.value) alike = { value: v, at: `${i / perSecond} s and ${j / perSecond} s` };
      }
    }
    let steady = { value: 2, at: '' };
    const half = perSecond / 2;
    for (let i = 0; i + half < fine.length; i++) {
      const [t0, t1] = [i / perSecond, (i + half) / perSecond];
      if (!content(i) || e.cuts.some((c) => c > t0 - 0.05 && c < t1 + 0.05)) continue;
      const v = similarity(rough[i], rough[i + half]);
      if (v < steady.value) steady = { value: v, at: `${t0} s and ${t1} s` };
    }
    e.checks = {
      mostAlikeOneSecondApart: round(alike.value),
      mostAlikeAt: alike.at,
      leastAlikeHalfSecondApart: round(steady.value),
      leastAlikeAt: steady.at,
    };
    // Outside videos are only ever queried for "not in the library": their pace does not matter.
    if (e.role === 'outside') continue;
    must(alike.value < MAX_ALIKE_IN_VIDEO, `${e.path}: ${alike.at} look alike (${alike.value.toFixed(3)})`);
    must(steady.value > MIN_ALIKE_HALF_SECOND, `${e.path}: ${steady.at} differ too much (${steady.value.toFixed(3)})`);
  }
  const others = entries.filter((e) => e.role !== 'copy');
  for (let a = 0; a < others.length; a++) {
    for (let b = a + 1; b < others.length; b++) {
      const [ea, eb] = [others[a], others[b]];
      const [ta, tb] = [thumbs.get(ea.path), thumbs.get(eb.path)];
      let most = -1;
      ta.fine.forEach((fa, i) => {
        if (!ta.content(i)) return;
        tb.fine.forEach((fb, j) => {
          if (tb.content(j)) most = Math.max(most, similarity(fa, fb));
        });
      });
      must(most < MAX_ALIKE_BETWEEN, `${ea.path} and ${eb.path} have frames alike (${most.toFixed(3)})`);
      for (const e of [ea, eb]) e.checks.mostAlikeOtherFile = round(Math.max(e.checks.mostAlikeOtherFile ?? -1, most));
    }
  }
}

main();
