import { describe, expect, it } from 'vitest';
import {
  audioEncodeArgs,
  audioEncodeTimeoutMs,
  audioFileName,
  audioModeName,
  audioModeSuffix,
  audioPlan,
  type AudioMode,
} from '../../src/lib/clips/audio';
import { operationTitle } from '../../src/lib/clips/batch';

// [sound codec, mode] → [container, extension, MIME type, what it is encoded into (null: copied)], or null: refused.
const table: [string, AudioMode, [string, string, string, string | null] | null][] = [
  ['aac', 'original', ['m4a', 'm4a', 'audio/mp4', null]],
  ['opus', 'original', ['ogg', 'opus', 'audio/ogg', null]],
  ['vorbis', 'original', ['ogg', 'ogg', 'audio/ogg', null]],
  ['mp3', 'original', ['mp3', 'mp3', 'audio/mpeg', null]],
  ['flac', 'original', ['flac', 'flac', 'audio/flac', null]],
  ['pcm-s16', 'original', ['wav', 'wav', 'audio/wav', null]],
  ['pcm-f32be', 'original', ['wav', 'wav', 'audio/wav', null]],
  ['ac3', 'original', null],
  ['unknown', 'original', null],
  ['aac', 'm4a', ['m4a', 'm4a', 'audio/mp4', null]],
  ['opus', 'm4a', ['m4a', 'm4a', 'audio/mp4', 'aac']],
  ['mp3', 'm4a', ['m4a', 'm4a', 'audio/mp4', 'aac']],
  ['pcm-s16', 'm4a', ['m4a', 'm4a', 'audio/mp4', 'aac']],
  ['ac3', 'm4a', ['m4a', 'm4a', 'audio/mp4', 'aac']],
  ['opus', 'opus', ['ogg', 'opus', 'audio/ogg', null]],
  ['aac', 'opus', ['ogg', 'opus', 'audio/ogg', 'opus']],
  ['vorbis', 'opus', ['ogg', 'opus', 'audio/ogg', 'opus']],
  ['mp3', 'opus', ['ogg', 'opus', 'audio/ogg', 'opus']],
  ['pcm-s16', 'opus', ['ogg', 'opus', 'audio/ogg', 'opus']],
  ['ac3', 'opus', ['ogg', 'opus', 'audio/ogg', 'opus']],
];

describe('extract audio: where each sound goes in each mode', () => {
  it.each(table)('%s %s', (codec, mode, expected) => {
    const plan = audioPlan(codec, mode);
    if (expected === null) return expect(plan).toBeNull();
    const [container, extension, mime, encode] = expected;
    expect(plan).toEqual({ container, extension, mime, encode });
  });

  it('a sound already in the codec asked for is copied, never re-encoded', () => {
    expect(audioPlan('aac', 'm4a')?.encode).toBeNull();
    expect(audioPlan('opus', 'opus')?.encode).toBeNull();
  });

  it('names the file after its video and the jobs after the mode', () => {
    expect(audioFileName('beach.mp4', audioPlan('aac', 'opus')!.extension)).toBe('beach audio.opus');
    expect(audioModeSuffix('original')).toBe('');
    expect(audioModeSuffix('m4a')).toBe(' as M4A');
    expect(audioModeSuffix('opus')).toBe(' as Opus');
    expect(audioModeName('original')).toBe('as it is');
    expect(audioModeName('opus')).toBe('as Opus');
    expect(operationTitle({ kind: 'audio', as: 'opus' })).toBe('Extract audio as Opus');
    expect(operationTitle({ kind: 'audio', as: 'm4a' })).toBe('Extract audio as M4A');
  });
});

describe('extract audio on ffmpeg.wasm, for a browser with no encoder', () => {
  const value = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  it('encodes the first sound track only, with the native AAC encoder into MP4', () => {
    const args = audioEncodeArgs('/input/input.webm', '/audio/output.m4a', 'aac');
    expect(value(args, '-i')).toBe('/input/input.webm');
    expect(value(args, '-map')).toBe('0:a:0');
    expect(args).toEqual(expect.arrayContaining(['-vn', '-sn', '-dn']));
    expect(value(args, '-c:a')).toBe('aac');
    expect(value(args, '-f')).toBe('mp4');
    expect(args.at(-1)).toBe('/audio/output.m4a');
    // Progress comes from its stats lines.
    expect(value(args, '-stats_period')).toBe('1');
  });

  it('encodes with libopus into Ogg', () => {
    const args = audioEncodeArgs('/input/input.mp4', '/audio/output.opus', 'opus');
    expect(value(args, '-c:a')).toBe('libopus');
    expect(value(args, '-f')).toBe('ogg');
    // Above 4, libopus overflows ffmpeg.wasm's stack on stereo sound (ffmpeg.wasm issues 591, 867).
    expect(Number(value(args, '-compression_level'))).toBeLessThanOrEqual(4);
    expect(args).not.toContain('-movflags');
    expect(args.at(-1)).toBe('/audio/output.opus');
  });

  it('gives a long sound longer before it is taken for stuck, and a short one two minutes', () => {
    expect(audioEncodeTimeoutMs(4)).toBe(120_000);
    expect(audioEncodeTimeoutMs(3600)).toBe(3_600_000);
  });
});
