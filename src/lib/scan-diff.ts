import type { FoundFile, KnownFile, ScanProgress } from './types';
import { baseName } from './video-files';

/** One change a scan makes to the catalog. */
export type ScanOp =
  | { kind: 'add'; file: FoundFile }
  | { kind: 'change'; id: number; file: FoundFile }
  | { kind: 'seen'; id: number }
  | { kind: 'missing'; id: number }
  | { kind: 'move'; id: number; file: FoundFile };

export interface ScanDiff {
  added: FoundFile[];
  changed: { id: number; file: FoundFile }[];
  unchanged: KnownFile[];
  /** Catalogued files not found on disk (including ones already flagged missing). */
  vanished: KnownFile[];
}

/** Compares what is on disk with what the catalog knows, by relative path, size and mtime. */
export function diffScan(known: readonly KnownFile[], found: readonly FoundFile[]): ScanDiff {
  const byPath = new Map(known.map((k) => [k.path, k]));
  const diff: ScanDiff = { added: [], changed: [], unchanged: [], vanished: [] };
  const seen = new Set<string>();
  for (const file of found) {
    const k = byPath.get(file.path);
    seen.add(file.path);
    if (!k) diff.added.push(file);
    else if (k.size !== file.size || k.modifiedAt !== file.modifiedAt) diff.changed.push({ id: k.id, file });
    else diff.unchanged.push(k);
  }
  for (const k of known) if (!seen.has(k.path)) diff.vanished.push(k);
  return diff;
}

/**
 * Pairs vanished catalog rows with newly found files that are the same file moved or renamed:
 * same size and same quick hash (first + last 64 KiB). When a vanished row was never hashed, a single
 * candidate with the same name, size and mtime stands in (a moved file; a renamed one needs the hash). `hashOf` is asked only for size-matching files.
 */
export async function matchMoves(
  vanished: readonly KnownFile[],
  added: readonly FoundFile[],
  hashOf: (file: FoundFile) => Promise<string | null>,
): Promise<{ id: number; file: FoundFile }[]> {
  const addedBySize = new Map<number, FoundFile[]>();
  for (const f of added) addedBySize.set(f.size, [...(addedBySize.get(f.size) ?? []), f]);
  const hashes = new Map<string, string | null>();
  const taken = new Set<string>();
  const moves: { id: number; file: FoundFile }[] = [];
  for (const gone of vanished) {
    const candidates = (addedBySize.get(gone.size) ?? []).filter((f) => !taken.has(f.path));
    if (candidates.length === 0 || gone.size === 0) continue;
    let match: FoundFile | undefined;
    if (gone.quickHash) {
      for (const c of candidates) {
        if (!hashes.has(c.path)) hashes.set(c.path, await hashOf(c));
        if (hashes.get(c.path) === gone.quickHash) {
          match = c;
          break;
        }
      }
    } else {
      const name = baseName(gone.path);
      const sameTime = candidates.filter((c) => c.modifiedAt === gone.modifiedAt && baseName(c.path) === name);
      if (sameTime.length === 1) match = sameTime[0];
    }
    if (match) {
      taken.add(match.path);
      moves.push({ id: gone.id, file: match });
    }
  }
  return moves;
}

/** Turns a diff and its moves into catalog operations. Vanished rows already flagged missing stay quiet. */
export function scanOps(diff: ScanDiff, moves: readonly { id: number; file: FoundFile }[]): ScanOp[] {
  const movedIds = new Set(moves.map((m) => m.id));
  const movedPaths = new Set(moves.map((m) => m.file.path));
  return [
    ...diff.unchanged.filter((k) => k.missing).map((k): ScanOp => ({ kind: 'seen', id: k.id })),
    ...diff.changed.map((c): ScanOp => ({ kind: 'change', ...c })),
    ...moves.map((m): ScanOp => ({ kind: 'move', ...m })),
    ...diff.added.filter((f) => !movedPaths.has(f.path)).map((file): ScanOp => ({ kind: 'add', file })),
    ...diff.vanished
      .filter((k) => !k.missing && !movedIds.has(k.id))
      .map((k): ScanOp => ({ kind: 'missing', id: k.id })),
  ];
}

/** Progress of a scan that has just begun walking. */
export function scanStarting(libraryId: number): ScanProgress {
  return {
    libraryId,
    phase: 'walking',
    filesSeen: 0,
    videosFound: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    missing: 0,
    moved: 0,
  };
}
