import type { JobStage } from './types';

/** Attempts before a job is marked failed for good. */
export const maxAttempts = 3;

/** Wait before attempt n + 1 after attempt n failed: 2 s, 8 s, 32 s … */
export function backoffMs(attempts: number): number {
  return 2000 * 4 ** Math.max(0, attempts - 1);
}

/** The stages every new or changed video goes through, with their priorities (higher runs first). */
export const stagePriorities: Readonly<Record<JobStage, number>> = {
  checksum: 10,
};

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
