import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { cropBorders } from '../../src/lib/search/borders';
import { colourPlanes, lumaPlane, placeQuery, queryPicture } from '../../src/lib/search/picture-align';
import { motionScores } from '../../src/lib/search/picture-motion';
import { seededRandom } from '../shared/random';

type Colour = [number, number, number];

/**
 * Frame `n` of a still 160×90 scene of soft shapes where a small box moves one pixel a frame, in `box`'s colour
 * (a function of the scene's colour behind it), over a scene coloured by `scene`.
 */
function securityCamera(n: number, scene: (v: number) => Colour, box: (behind: Colour) => Colour): RgbaFrame {
  const data = new Uint8ClampedArray(160 * 90 * 4);
  for (let y = 0; y < 90; y++)
    for (let x = 0; x < 160; x++) {
      const behind = scene(90 + 50 * Math.sin(x / 13) + 30 * Math.cos(y / 9));
      const inBox = x >= 20 + n && x < 32 + n && y >= 40 && y < 52;
      data.set([...(inBox ? box(behind) : behind), 255], (y * 160 + x) * 4);
    }
  return { time: n / 25, width: 160, height: 90, data, keyframe: false };
}

/** A screenshot of `frame`: brighter by `gain` (highlights clip at 255) and noisy. */
function screenshot(frame: RgbaFrame, gain: number, noise: number): RgbaFrame {
  const random = seededRandom(5);
  const data = new Uint8ClampedArray(frame.data.length);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : frame.data[i] * gain + (random() - 0.5) * noise;
  return { ...frame, data };
}

/** The frame (index into `frames`) motion scoring picks for `shot`, placed on the middle frame as refinement does. */
function picked(shot: RgbaFrame, frames: RgbaFrame[]): number {
  const query = queryPicture(shot, false);
  const middle = frames[frames.length >> 1];
  const { rect } = placeQuery(query, lumaPlane(middle), cropBorders(middle));
  const planes = frames.map((f) => [lumaPlane(f), ...colourPlanes(f)]);
  const scores = motionScores(query.motion, planes, rect);
  return scores.indexOf(Math.max(...scores));
}

const grey = (v: number): Colour => [v, v, v];

describe('telling apart frames of a still scene', () => {
  it('finds the frame whose small moving part the screenshot shows, under a caption and noise', () => {
    const truth = 40;
    const frames = Array.from({ length: 21 }, (_, i) => securityCamera(truth - 10 + i, grey, () => grey(235)));
    const shot = screenshot(frames[10], 1.1, 40);
    // A caption laid over the bottom of the screenshot.
    for (let y = 70; y < 84; y++)
      for (let x = 30; x < 130; x++) shot.data.set(x % 7 < 4 ? [250, 250, 250] : [20, 20, 20], (y * 160 + x) * 4);
    expect(picked(shot, frames)).toBe(10);
  });

  it('follows a box as bright as the scene it crosses by its colour, in a brightened screenshot', () => {
    // A green lawn and an orange box of the same luma (0.299 r + 0.587 g + 0.114 b): in luma the box is invisible.
    // Brightened by 15%, the lawn's green clips at 255 while the box's red does, which bends luma further.
    const lawn = (v: number): Colour => [v * 0.7, v * 1.4, v * 0.4];
    const orange = ([r, g, b]: Colour): Colour => {
      const luma = 0.299 * r + 0.587 * g + 0.114 * b;
      return [luma * 1.45, (luma - 0.299 * luma * 1.45) / 0.587, 0];
    };
    const truth = 50;
    const frames = Array.from({ length: 21 }, (_, i) => securityCamera(truth - 10 + i, lawn, orange));
    expect(picked(screenshot(frames[10], 1.15, 12), frames)).toBe(10);
    expect(picked(screenshot(frames[4], 0.85, 12), frames)).toBe(4);
  });
});
