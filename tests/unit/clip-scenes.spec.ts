import { describe, expect, it } from 'vitest';
import { sceneRanges } from '../../src/lib/clips/scenes';

const scenes = (...bounds: number[]) => bounds.slice(0, -1).map((start, i) => ({ start, end: bounds[i + 1] }));

describe('split by scenes', () => {
  it('makes one range per scene', () => {
    expect(sceneRanges(scenes(0, 3, 6, 9, 12), 12)).toEqual(scenes(0, 3, 6, 9, 12));
  });

  it('joins a scene shorter than the minimum to the one before it', () => {
    expect(sceneRanges(scenes(0, 3, 3.4, 9, 12), 12, 1)).toEqual(scenes(0, 3.4, 9, 12));
  });

  it('joins a short first scene to the one after it, and a short last one to the one before it', () => {
    expect(sceneRanges(scenes(0, 0.5, 6, 12), 12, 1)).toEqual(scenes(0, 6, 12));
    expect(sceneRanges(scenes(0, 6, 11.6, 12), 12, 1)).toEqual(scenes(0, 6, 12));
  });

  it('makes the whole video one range when it has no scenes, and nothing of an empty video', () => {
    expect(sceneRanges([], 42)).toEqual([{ start: 0, end: 42 }]);
    expect(sceneRanges([], 0)).toEqual([]);
  });

  it('takes scenes in time order and skips empty ones', () => {
    expect(
      sceneRanges(
        [
          { start: 6, end: 12 },
          { start: 0, end: 6 },
          { start: 6, end: 6 },
        ],
        12,
      ),
    ).toEqual(scenes(0, 6, 12));
  });
});
