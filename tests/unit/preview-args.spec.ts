import { describe, expect, test } from 'vitest';
import {
  formatClock,
  frameDuration,
  nativePlayback,
  nextSpeed,
  sceneAt,
  stepFrame,
} from '../../src/lib/media/playback';
import {
  PREVIEW_MAX_BYTES,
  isPreviewOf,
  previewArgs,
  previewKey,
  previewPlan,
  previewTimeoutMs,
  progressFraction,
} from '../../src/lib/media/preview-args';

/** What headless Debian Chromium answers (measured): H.264, VP8/9, AV1 yes; HEVC, Theora, MPEG-4, AVI, MOV no. */
const chromium = (mime: string) =>
  /avc1|vp8|vp9|av01|mp4a|opus/.test(mime) || mime === 'video/mp4' || mime === 'video/webm' ? 'probably' : '';

describe('nativePlayback', () => {
  test('plays what Chromium decodes, in the containers it reads', () => {
    expect(nativePlayback({ container: 'mov', videoCodec: 'h264' }, chromium)).toBe('yes');
    expect(nativePlayback({ container: 'matroska', videoCodec: 'vp9' }, chromium)).toBe('yes');
    expect(nativePlayback({ container: 'matroska,webm', videoCodec: 'av1' }, chromium)).toBe('yes');
  });

  test('refuses codecs whose picture it cannot show, and containers it cannot open', () => {
    expect(nativePlayback({ container: 'mov', videoCodec: 'hevc' }, chromium)).toBe('no');
    expect(nativePlayback({ container: 'mov', videoCodec: 'prores' }, chromium)).toBe('no');
    expect(nativePlayback({ container: 'ogg', videoCodec: 'theora' }, chromium)).toBe('no');
    expect(nativePlayback({ container: 'avi', videoCodec: 'h264' }, chromium)).toBe('no');
    expect(nativePlayback({ container: 'asf', videoCodec: 'wmv3' }, chromium)).toBe('no');
  });

  test('an HEVC-capable browser (Safari, Chrome on a Mac) plays HEVC', () => {
    const safari = (mime: string) => (/hvc1|avc1/.test(mime) || mime === 'video/mp4' ? 'maybe' : '');
    expect(nativePlayback({ container: 'mov', videoCodec: 'hevc' }, safari)).toBe('yes');
  });

  test('an unprobed video is tried, and an unknown container is not held against it', () => {
    expect(nativePlayback({ container: null, videoCodec: null }, chromium)).toBe('unknown');
    expect(nativePlayback({ container: 'somethingnew', videoCodec: 'h264' }, chromium)).toBe('yes');
  });
});

describe('frame stepping', () => {
  test('one frame at the catalogued rate, 30 fps when unknown', () => {
    expect(frameDuration(25)).toBeCloseTo(0.04);
    expect(frameDuration(null)).toBeCloseTo(1 / 30);
    expect(frameDuration(0)).toBeCloseTo(1 / 30);
  });

  test('steps land just inside the next frame and repeated steps do not drift', () => {
    let t = 5;
    const times: number[] = [];
    for (let i = 0; i < 50; i++) times.push((t = stepFrame(t, 25, 1, 12)));
    expect(times[0]).toBeCloseTo(5.041, 6);
    expect(times[49]).toBeCloseTo(5 + 50 * 0.04 + 0.001, 6);
    for (let i = 0; i < 50; i++) t = stepFrame(t, 25, -1, 12);
    expect(t).toBeCloseTo(5.001, 6);
  });

  test('a time in the middle of a frame steps to the neighbours', () => {
    expect(stepFrame(1.02, 25, 1, 12)).toBeCloseTo(1.041, 6);
    expect(stepFrame(1.02, 25, -1, 12)).toBeCloseTo(0.961, 6);
  });

  test('stays inside the video', () => {
    expect(stepFrame(0, 25, -1, 12)).toBeCloseTo(0.001, 6);
    expect(stepFrame(11.99, 25, 1, 12)).toBeCloseTo(11.961, 6);
  });
});

describe('scenes and clock', () => {
  const scenes = [{ start: 0 }, { start: 3 }, { start: 6 }, { start: 9 }];
  test('sceneAt finds the scene holding a time', () => {
    expect(sceneAt(scenes, 0)).toBe(0);
    expect(sceneAt(scenes, 2.99)).toBe(0);
    expect(sceneAt(scenes, 3)).toBe(1);
    expect(sceneAt(scenes, 11)).toBe(3);
    expect(sceneAt([], 4)).toBe(-1);
  });

  test('formatClock shows tenths, hours past an hour', () => {
    expect(formatClock(0)).toBe('0:00.0');
    expect(formatClock(75.43)).toBe('1:15.4');
    expect(formatClock(761.35)).toBe('12:41.3');
    expect(formatClock(3725)).toBe('1:02:05.0');
    expect(formatClock(Number.NaN)).toBe('0:00.0');
  });

  test('L speeds up, J slows down, within the list', () => {
    expect(nextSpeed(1, 1)).toBe(1.5);
    expect(nextSpeed(4, 1)).toBe(4);
    expect(nextSpeed(2, -1)).toBe(1.5);
    expect(nextSpeed(1, -1)).toBe(1);
  });
});

describe('preview plan', () => {
  test('fits 854 × 480, keeps the aspect ratio, even sizes, never upscales', () => {
    expect(previewPlan({ width: 3840, height: 2160, duration: 10, fps: 25 })).toMatchObject({
      width: 854,
      height: 480,
    });
    expect(previewPlan({ width: 1080, height: 1920, duration: 10, fps: 30 })).toMatchObject({
      width: 480,
      height: 854,
    });
    expect(previewPlan({ width: 160, height: 90, duration: 2, fps: 25 })).toMatchObject({ width: 160, height: 90 });
    const odd = previewPlan({ width: 1440, height: 1080, duration: 10, fps: 25 });
    expect([odd.width! % 2, odd.height! % 2]).toEqual([0, 0]);
    expect(odd.height).toBe(480);
  });

  test('portrait videos get a portrait box', () => {
    const p = previewPlan({ width: 720, height: 1280, duration: 10, fps: 30 });
    expect(p.height).toBeLessThanOrEqual(854);
    expect(p.width).toBeLessThanOrEqual(480);
    expect(p.width! / p.height!).toBeCloseTo(720 / 1280, 2);
  });

  test('a long film gets a lower bit rate so its preview fits in the wasm heap', () => {
    const short = previewPlan({ width: 1920, height: 1080, duration: 600, fps: 25 });
    const film = previewPlan({ width: 1920, height: 1080, duration: 4 * 3600, fps: 25 });
    expect(short.maxrateKbps).toBe(900);
    expect(film.maxrateKbps).toBeLessThan(short.maxrateKbps);
    expect(((film.maxrateKbps + 96) * 1000 * film.duration) / 8).toBeLessThanOrEqual(PREVIEW_MAX_BYTES);
  });

  test('an unprobed video is fitted by ffmpeg itself, keeping its aspect ratio', () => {
    const plan = previewPlan({ width: null, height: null, duration: null, fps: null });
    expect(plan).toMatchObject({ width: null, height: null, duration: 0 });
    const args = previewArgs('in.mp4', 'out.mp4', plan);
    expect(args[args.indexOf('-vf') + 1]).toBe(
      "scale=w='min(854,iw)':h='min(854,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2:flags=fast_bilinear,format=yuv420p",
    );
  });
});

describe('preview arguments', () => {
  const plan = previewPlan({ width: 1920, height: 1080, duration: 60, fps: 50 });
  const args = previewArgs('/preview/input.mov', '/preview.mp4', plan);
  const after = (flag: string) => args[args.indexOf(flag) + 1];

  test('H.264 + AAC in MP4, first video and optional first audio stream', () => {
    expect(after('-c:v')).toBe('libx264');
    expect(after('-c:a')).toBe('aac');
    expect(after('-f')).toBe('mp4');
    expect(args.filter((a, i) => args[i - 1] === '-map')).toEqual(['0:v:0', '0:a:0?']);
    expect(args[args.length - 1]).toBe('/preview.mp4');
    expect(after('-i')).toBe('/preview/input.mov');
  });

  test('scales to the plan in 8-bit 4:2:0 (ProRes is 10-bit 4:2:2; browsers want 4:2:0)', () => {
    expect(after('-vf')).toBe('scale=854:480:flags=fast_bilinear,format=yuv420p');
  });

  test('caps the rate and frame rate, key frames every 2 s', () => {
    expect(after('-maxrate')).toBe('900k');
    expect(after('-bufsize')).toBe('1800k');
    expect(after('-fpsmax')).toBe('30');
    expect(after('-g')).toBe('60');
  });

  test('keeps statistics on: ffmpeg.wasm reports progress with them', () => {
    expect(args).not.toContain('-nostats');
  });

  test('time limit grows with the length, never under two minutes', () => {
    expect(previewTimeoutMs(previewPlan({ width: 320, height: 180, duration: 3, fps: 25 }))).toBe(120_000);
    expect(previewTimeoutMs(previewPlan({ width: 1920, height: 1080, duration: 3600, fps: 25 }))).toBeGreaterThan(
      3600 * 1000,
    );
  });
});

describe('preview bookkeeping', () => {
  test('progress from the output time in microseconds, ffmpeg’s own ratio when the duration is unknown', () => {
    expect(progressFraction({ time: 1_500_000, progress: 0.1 }, 3)).toBeCloseTo(0.5);
    expect(progressFraction({ time: 9_000_000, progress: 1 }, 3)).toBe(1);
    expect(progressFraction({ time: -1, progress: 0 }, 3)).toBe(0);
    expect(progressFraction({ time: 1_000_000, progress: 0.25 }, 0)).toBe(0.25);
    expect(progressFraction({ time: 1_000_000, progress: 7 }, 0)).toBe(0);
  });

  test('keys are tied to the file version and tell their video', () => {
    expect(previewKey(7, 1700000000123)).toBe('preview-7-1700000000123');
    expect(isPreviewOf('preview-7-1', 7)).toBe(true);
    expect(isPreviewOf('preview-70-1', 7)).toBe(false);
    expect(isPreviewOf('poster-7', 7)).toBe(false);
  });
});
