import { describe, expect, it } from 'vitest';
import { formatBytes, plural } from '../../src/lib/format';
import { extensionOf, isHiddenPath, isVideoFile } from '../../src/lib/video-files';

describe('formatting', () => {
  it('shows sizes the way file managers do', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(48_200_000)).toBe('48 MB');
    expect(formatBytes(5_300_000_000)).toBe('5.3 GB');
  });
  it('counts in words', () => {
    expect(plural(1, 'video')).toBe('1 video');
    expect(plural(1234, 'file')).toBe('1,234 files');
  });
});

describe('which files are videos', () => {
  it('matches the video extensions case-insensitively and nothing else', () => {
    for (const name of ['a.mp4', 'B.MOV', 'c.MkV', 'd.m2ts', 'e.3gp', 'x.tar.ts', 'f.mpeg'])
      expect(isVideoFile(name), name).toBe(true);
    for (const name of ['notes.txt', 'mp4', 'photo.jpg', 'a.mp4.part', '.mp4'])
      expect(isVideoFile(name), name).toBe(false);
    expect(extensionOf('Café Ünïcode.MOV')).toBe('mov');
  });
  it('skips hidden and OS-littered paths', () => {
    expect(isHiddenPath('trips/.DS_Store')).toBe(true);
    expect(isHiddenPath('__MACOSX/a.mp4')).toBe(true);
    expect(isHiddenPath('trips/2024/beach day.mp4')).toBe(false);
  });
});

describe('timestamps', () => {
  it('shows tenths of a second, with hours only past an hour', async () => {
    const { formatTimestamp } = await import('../../src/lib/format');
    expect(formatTimestamp(761.34)).toBe('12:41.3');
    expect(formatTimestamp(0)).toBe('0:00.0');
    expect(formatTimestamp(59.96)).toBe('1:00.0');
    expect(formatTimestamp(3725.04)).toBe('1:02:05.0');
  });
});
