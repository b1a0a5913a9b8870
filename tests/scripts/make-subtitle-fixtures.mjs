#!/usr/bin/env node
// Writes tests/fixtures/subtitles: tiny videos with subtitle files beside them (and one with a track inside), for
// the subtitle parsers' unit tests and the "Said" search e2e test.
//
//   node tests/scripts/make-subtitle-fixtures.mjs
//
// Needs Debian's ffmpeg. Videos are 160×90 test cards without sound (a few KB each), encoded single-threaded with
// bit-exact flags. The subtitle files are written byte for byte from the text below, in the encoding each one
// tests: UTF-8 with and without a BOM, UTF-16 LE and BE with a BOM, Windows-1252, and a malformed SRT.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'subtitles');

const video = (seconds) => [
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=160x90:rate=10:duration=${seconds}`,
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '35',
  '-pix_fmt',
  'yuv420p',
  '-g',
  '10',
  '-threads',
  '1',
  '-fflags',
  '+bitexact',
  '-flags:v',
  '+bitexact',
  '-map_metadata',
  '-1',
];

// talk.srt: a numbered SRT with styling tags, a dot where a comma belongs, and two overlapping lines.
const talkSrt = `1
00:00:00,500 --> 00:00:02,000
<i>Good evening</i>, and welcome aboard.

2
00:00:02,400 --> 00:00:04,000
The <b>lighthouse keeper</b> waves
at the passing ferry.

3
00:00:04.200 --> 00:00:06,500
<font color="#ffcc00">Mind the gap</font> between the platform and the train.

4
00:00:05,000 --> 00:00:06,000
- Wait for me!
`;

// garden: a language-tagged pair, English SRT and Brazilian Portuguese WebVTT with accents and cue settings.
const gardenEn = `1
00:00:01,000 --> 00:00:03,000
The roses bloom at night in this garden.
`;
const gardenPt = `WEBVTT
Kind: captions
Language: pt-BR

NOTE a comment block, not a cue

intro
00:01.000 --> 00:03.000 align:start position:10%
<v Ana>As rosas florescem à noite neste jardim.</v>

00:03.500 --> 00:05.000
Você já viu <c.yellow>isso</c>?
`;

// cafe.ass: ASS with override tags, \\N line breaks, commas in the text and a drawing that carries no words.
const cafeAss = `[Script Info]
Title: Café
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\\an8}{\\i1}Two espressos{\\i0}, please.
Dialogue: 0,0:00:02.20,0:00:04.40,Default,Barista,0,0,0,,Coming right up,\\Nwith a croissant, sir.
Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100 0 100{\\p0}
`;

// letters: UTF-16 LE with a BOM (as Windows Notepad saves "Unicode"), and a Windows-1252 French file.
const lettersSrt = `1
00:00:01,000 --> 00:00:03,000
Dear Zoë, the naïve façade fooled nobody.
`;
const lettersFr = `1
00:00:01,000 --> 00:00:03,000
Crème brûlée à Noël pour 5 € seulement.
`;

// broken.srt: a good cue, a cue with a broken timing line, text with no timing, then a good cue.
const brokenSrt = `1
00:00:00,500 --> 00:00:01,500
The first line reads fine.

2
00:00:02,000 --> banana
This cue's timing is broken.

just some stray words

3
00:00:03,000 --> 00:00:04,000
The last line reads fine too.
`;

// embedded.mkv carries this as a subtitle track (no file beside it).
const embeddedSrt = `1
00:00:01,000 --> 00:00:03,000
A whisper from inside the container.
`;

/** Windows-1252 bytes of text that only uses Latin-1 letters and the euro sign. */
function cp1252(text) {
  return Uint8Array.from([...text], (ch) => (ch === '€' ? 0x80 : ch.charCodeAt(0)));
}
function utf16(text, bigEndian) {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = bigEndian ? c >> 8 : c & 0xff;
    out[3 + i * 2] = bigEndian ? c & 0xff : c >> 8;
  }
  return out;
}
const utf8 = (text, bom = false) =>
  new Uint8Array([...(bom ? [0xef, 0xbb, 0xbf] : []), ...new TextEncoder().encode(text)]);

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const ff = (args) =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });

const files = {
  'talk.srt': utf8(talkSrt, true),
  'garden.en.srt': utf8(gardenEn),
  'garden.pt-BR.vtt': utf8(gardenPt),
  'cafe.ass': utf8(cafeAss),
  'letters.srt': utf16(lettersSrt.replace(/\n/g, '\r\n'), false),
  'letters.fr.srt': cp1252(lettersFr),
  'letters.de.srt': utf16('1\n00:00:03,500 --> 00:00:04,500\nGrüße aus Köln.\n', true),
  'broken.srt': utf8(brokenSrt),
};
for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
for (const [name, seconds] of [
  ['talk', 7],
  ['garden', 5],
  ['cafe', 4],
  ['letters', 6],
  ['broken', 3],
]) {
  ff([...video(seconds), join(dir, `${name}.mp4`)]);
}
const track = join(dir, 'embedded-track.tmp.srt');
writeFileSync(track, embeddedSrt);
ff([
  ...video(4).slice(0, 4),
  '-i',
  track,
  ...video(4).slice(4),
  '-map',
  '0:v',
  '-map',
  '1:s',
  '-c:s',
  'srt',
  '-metadata:s:s:0',
  'language=eng',
  join(dir, 'embedded.mkv'),
]);
rmSync(track);
console.log(`wrote ${dir}`);
