import { describe, expect, it } from 'vitest';
import { diffScan, matchMoves, scanOps } from '../../src/lib/scan-diff';
import { quickHash } from '../../src/lib/quick-hash';
import type { FoundFile, KnownFile } from '../../src/lib/types';
import { drainJobs, freshCatalog, file } from './helpers';

const known = (
  id: number,
  path: string,
  size = 1000,
  modifiedAt = 1000,
  quickHash: string | null = null,
  missing = false,
): KnownFile => ({
  id,
  path,
  size,
  modifiedAt,
  quickHash,
  missing,
});

describe('scan diff', () => {
  it('sorts files into unchanged, changed, added and vanished by path, size and mtime', () => {
    const diff = diffScan(
      [known(1, 'same.mp4'), known(2, 'bigger.mp4'), known(3, 'touched.mp4'), known(4, 'gone.mp4')],
      [file('same.mp4'), file('bigger.mp4', 2000), file('touched.mp4', 1000, 5000), file('new.mp4')],
    );
    expect(diff.unchanged.map((k) => k.id)).toEqual([1]);
    expect(diff.changed.map((c) => c.id)).toEqual([2, 3]);
    expect(diff.added.map((f) => f.path)).toEqual(['new.mp4']);
    expect(diff.vanished.map((k) => k.id)).toEqual([4]);
  });

  it('recognises a moved file by size and quick hash, and not a different file of the same size', async () => {
    const hashes: Record<string, string> = { 'trips/a.mp4': 'h-a', 'other.mp4': 'h-other' };
    const asked: string[] = [];
    const moves = await matchMoves(
      [known(1, 'a.mp4', 500, 1, 'h-a'), known(2, 'b.mp4', 500, 1, 'h-b')],
      [file('other.mp4', 500), file('trips/a.mp4', 500), file('big.mp4', 900)],
      async (f: FoundFile) => {
        asked.push(f.path);
        return hashes[f.path] ?? null;
      },
    );
    expect(moves).toEqual([{ id: 1, file: file('trips/a.mp4', 500) }]);
    expect(asked).not.toContain('big.mp4'); // only size-matching files are read
  });

  it('falls back to name + size + mtime for a row never hashed, but only when one candidate fits', async () => {
    const none = async () => null;
    expect(await matchMoves([known(1, 'a.mp4', 10, 77)], [file('b/a.mp4', 10, 77)], none)).toHaveLength(1);
    expect(await matchMoves([known(1, 'a.mp4', 10, 77)], [file('x.mp4', 10, 77)], none)).toHaveLength(0);
    expect(
      await matchMoves([known(1, 'a.mp4', 10, 77)], [file('x/a.mp4', 10, 77), file('y/a.mp4', 10, 77)], none),
    ).toHaveLength(0);
    expect(await matchMoves([known(1, 'a.mp4', 10, 77)], [file('b/a.mp4', 10, 78)], none)).toHaveLength(0);
  });

  it('never pairs empty files as moves', async () => {
    expect(await matchMoves([known(1, 'e.mp4', 0, 1)], [file('f.mp4', 0, 1)], async () => null)).toHaveLength(0);
  });

  it('rescans a catalog: unchanged skipped, changed re-queued, vanished flagged missing, moved keeps its row', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('L', 'handle');
    catalog.applyScanOps(lib.id, [
      { kind: 'add', file: file('keep.mp4') },
      { kind: 'add', file: file('edit.mp4') },
      { kind: 'add', file: file('delete.mp4') },
      { kind: 'add', file: file('move.mp4', 4242, 9) },
    ]);
    const moving = catalog.listVideos().find((v) => v.path === 'move.mp4')!;
    catalog.setQuickHash(moving.id, 'hash-move');
    drainJobs(catalog);

    const onDisk = [
      file('keep.mp4'),
      file('edit.mp4', 1200, 2000),
      file('moved/renamed.mp4', 4242, 9),
      file('fresh.mkv'),
    ];
    const diff = diffScan(catalog.knownFiles(lib.id), onDisk);
    const moves = await matchMoves(diff.vanished, diff.added, async (f) =>
      f.path === 'moved/renamed.mp4' ? 'hash-move' : 'other',
    );
    const tally = catalog.applyScanOps(lib.id, scanOps(diff, moves));
    catalog.finishScan(lib.id);

    expect(tally).toEqual({ added: 1, changed: 1, seen: 0, missing: 1, moved: 1 });
    const rows = Object.fromEntries(catalog.listVideos().map((v) => [v.path, v]));
    expect(Object.keys(rows).sort()).toEqual(['delete.mp4', 'edit.mp4', 'fresh.mkv', 'keep.mp4', 'moved/renamed.mp4']);
    expect(rows['delete.mp4'].missing).toBe(true);
    expect(rows['moved/renamed.mp4'].id).toBe(moving.id);
    expect(rows['edit.mp4']).toMatchObject({ size: 1200, status: 'pending' });
    expect(rows['keep.mp4'].status).toBe('done');
    // Only the changed and the new file have work queued again.
    expect([...new Set(catalog.listJobs('queued').map((j) => j.videoName))].sort()).toEqual(['edit.mp4', 'fresh.mkv']);

    // The file comes back: it is no longer flagged missing.
    const back = diffScan(catalog.knownFiles(lib.id), [...onDisk, file('delete.mp4')]);
    catalog.applyScanOps(lib.id, scanOps(back, []));
    expect(catalog.listVideos().find((v) => v.path === 'delete.mp4')!.missing).toBe(false);
  });
});

describe('quick hash', () => {
  it('reads the ends of a file: same bytes give the same hash, a changed tail a different one', async () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    const a = await quickHash(new Blob([big]));
    expect(await quickHash(new Blob([big.slice()]))).toBe(a);
    const edited = big.slice();
    edited[299_999] ^= 1;
    expect(await quickHash(new Blob([edited]))).not.toBe(a);
    expect(await quickHash(new Blob([]))).toMatch(/^[0-9a-f]{64}$/);
  });
});
