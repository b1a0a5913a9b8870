/** Attempts before a job is marked failed for good. */
export const maxAttempts = 3;

/** Wait before attempt n + 1 after attempt n failed: 2 s, 8 s, 32 s … */
export function backoffMs(attempts: number): number {
  return 2000 * 4 ** Math.max(0, attempts - 1);
}

/**
 * Errors no retry can fix (a file that is not a video, a text language whose files were removed): the job fails at
 * once. Matched by name across workers.
 */
export const permanentErrors: ReadonlySet<string> = new Set([
  'BadMediaError',
  'UnsupportedMediaError',
  'MissingLanguageError',
]);
