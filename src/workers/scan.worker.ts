/// <reference lib="webworker" />
import { expose } from 'comlink';
import { quickHash } from '../lib/quick-hash';
import { diffScan, matchMoves, scanOps, scanStarting, type ScanOp } from '../lib/scan-diff';
import type { FoundFile, KnownFile, ScanProgress } from '../lib/types';
import { openFile, walkVideos, type FolderSource } from './folder-files';

/** Operations are written to the catalog in transactions of this many. */
export const scanBatchSize = 200;

export interface ScanHooks {
  progress(p: ScanProgress): void;
  /** Writes one batch to the catalog; the scan waits for it, so batches land in order. */
  apply(ops: ScanOp[]): Promise<void>;
}

const api = {
  /**
   * Walks the library's folder, diffs it against what the catalog knows and hands the changes over in
   * batches. Cancelling is terminating this worker: batches already applied stay, and nothing is
   * flagged missing until a walk completes.
   */
  async scan(libraryId: number, source: FolderSource, known: KnownFile[], hooks: ScanHooks): Promise<ScanProgress> {
    const p: ScanProgress = scanStarting(libraryId);
    let lastReport = 0;
    const report = (force = false) => {
      const now = performance.now();
      if (force || now - lastReport > 100) {
        lastReport = now;
        hooks.progress({ ...p });
      }
    };

    const found: FoundFile[] = [];
    const files = new Map<string, File>();
    for await (const f of walkVideos(source, () => {
      p.filesSeen += 1;
      report();
    })) {
      found.push({ path: f.path, size: f.size, modifiedAt: f.modifiedAt });
      if (f.file) files.set(f.path, f.file);
      p.videosFound += 1;
    }

    p.phase = 'matching';
    report(true);
    const diff = diffScan(known, found);
    const moves = await matchMoves(diff.vanished, diff.added, async (f) => {
      const file = files.get(f.path) ?? (await openFile(source, f.path).catch(() => null));
      return file ? quickHash(file) : null;
    });
    const ops = scanOps(diff, moves);
    for (let i = 0; i < ops.length; i += scanBatchSize) {
      const batch = ops.slice(i, i + scanBatchSize);
      await hooks.apply(batch);
      for (const op of batch) {
        if (op.kind === 'add') p.added += 1;
        else if (op.kind === 'change') p.changed += 1;
        else if (op.kind === 'missing') p.missing += 1;
        else if (op.kind === 'move') p.moved += 1;
      }
      report();
    }
    p.unchanged = diff.unchanged.length;
    p.phase = 'done';
    report(true);
    return p;
  },

  /** The quick hash of one library file: the "checksum" job stage (reads 128 KiB at most). */
  checksum: (file: File): Promise<string> => quickHash(file),
};

export type ScanApi = typeof api;
expose(api);
