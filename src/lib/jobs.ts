import type { JobStage } from './types';

/** Attempts before a job is marked failed for good. */
export const maxAttempts = 3;

/** Wait before attempt n + 1 after attempt n failed: 2 s, 8 s, 32 s … */
export function backoffMs(attempts: number): number {
  return 2000 * 4 ** Math.max(0, attempts - 1);
}

/**
 * The stages every new or changed video goes through, with their priorities (higher runs first).
 * Pass 1 (probe, poster, scenes: the scenes stage decodes the key frames once for the scenes, the scrub strip and
 * search) makes a video browsable and searchable early;
 * pass 2 (frames) samples densely; its fingerprints are stored right after, video by video, so each video
 * becomes searchable by image as soon as it is sampled.
 */
export const stagePriorities: Readonly<Record<JobStage, number>> = {
  probe: 100,
  checksum: 95,
  poster: 90,
  scenes: 70,
  frames: 10,
  fingerprints: 20,
  embeddings: 5,
};

/** A stage runs only once these stages of the same video are done. */
export const stagePrerequisites: Readonly<Record<JobStage, readonly JobStage[]>> = {
  checksum: [],
  probe: [],
  poster: ['probe'],
  scenes: ['probe'],
  frames: ['scenes'],
  fingerprints: ['frames'],
  embeddings: ['frames'],
};

/** Stages that depend on `stage`, directly or through others. */
export function dependentsOf(stage: JobStage): JobStage[] {
  const out = new Set<JobStage>();
  const visit = (s: JobStage) => {
    for (const [other, prereqs] of Object.entries(stagePrerequisites) as [JobStage, readonly JobStage[]][]) {
      if (prereqs.includes(s) && !out.has(other)) {
        out.add(other);
        visit(other);
      }
    }
  };
  visit(stage);
  return [...out];
}

/** Errors no retry can fix (a file that is not a video): the job fails at once. Matched by name across workers. */
export const permanentErrors: ReadonlySet<string> = new Set(['BadMediaError', 'UnsupportedMediaError']);

export const stages = Object.keys(stagePriorities) as JobStage[];

export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'Cancelled') {
    super(message);
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
