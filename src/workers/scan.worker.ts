/// <reference lib="webworker" />
import { expose } from 'comlink';
import { quickHash } from '../lib/quick-hash';
import { diffScan, matchMoves, scanOps, scanStarting, type ScanOp } from '../lib/scan-diff';
import { linkSidecars } from '../lib/subtitles/sidecar';
import type { FoundFile, KnownFile, ScanProgress, SidecarLink } from '../lib/types';
import { baseName, folderOf } from '../lib/video-files';
import { openFile, walkVideos, type FolderSource } from './folder-files';

/** Operations are written to the catalog in transactions of this many. */
export const scanBatchSize = 200;

export interface ScanHooks {
  progress(p: ScanProgress): void;
  /** Writes one batch to the catalog; the scan waits for it, so batches land in order. */
  apply(ops: ScanOp[]): Promise<void>;
  /** Records the subtitle files beside the videos, once every batch is applied. */
  linkSidecars(links: SidecarLink[]): Promise<void>;
}

/** Pairs each subtitle file with the video it is named after, folder by folder. */
function sidecarLinks(videos: readonly FoundFile[], subtitles: readonly FoundFile[]): SidecarLink[] {
  const byFolder = new Map<string, { videos: string[]; subtitles: FoundFile[] }>();
  const folder = (path: string) => {
    let f = byFolder.get(folderOf(path));
    if (!f) byFolder.set(folderOf(path), (f = { videos: [], subtitles: [] }));
    return f;
  };
  for (const v of videos) folder(v.path).videos.push(v.path);
  for (const s of subtitles) folder(s.path).subtitles.push(s);
  const out: SidecarLink[] = [];
  for (const [dir, f] of byFolder) {
    if (f.videos.length === 0 || f.subtitles.length === 0) continue;
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    const subtitleOf = new Map(f.subtitles.map((s) => [baseName(s.path), s]));
    const links = linkSidecars(f.videos.map(baseName), [...subtitleOf.keys()]);
    for (const l of links)
      out.push({ ...subtitleOf.get(l.subtitle)!, videoPath: at(l.video), language: l.sidecar.language });
  }
  return out;
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
    const subtitles: FoundFile[] = [];
    const files = new Map<string, File>();
    for await (const f of walkVideos(
      source,
      () => {
        p.filesSeen += 1;
        report();
      },
      (s) => subtitles.push(s),
    )) {
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
    await hooks.linkSidecars(sidecarLinks(found, subtitles));
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
