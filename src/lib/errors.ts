/** Errors with a stable `name`, so the page can tell them apart after they cross a worker boundary. */
export class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
  constructor() {
    super('Framefinder is open in another tab, which is the one that can make changes. Close it to edit here.');
  }
}

export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor() {
    super(
      'The browser storage for Framefinder is full. Free some space or remove a library; your last changes are kept in memory until then.',
    );
  }
}

/** The saved catalog comes from a newer version of the app: it is left untouched, never overwritten. */
export class NewerCatalogError extends Error {
  override name = 'NewerCatalogError';
  constructor(readonly schema: number) {
    super(
      `The saved catalog was written by a newer version of Framefinder (schema ${schema}). It is kept untouched: reload to update the app. Until then nothing is saved here.`,
    );
  }
}

export const isQuotaError = (err: unknown) =>
  err instanceof Error && (err.name === 'QuotaExceededError' || /quota/i.test(err.message));

/** The browser refused to read a file or folder: permission withdrawn, or never granted after a reload. */
export const isPermissionError = (err: unknown) =>
  err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'SecurityError');

/**
 * The one cancellation error: a job, a scan, a search or a download was stopped on purpose. Everything that
 * cancels rejects with it; `isAbortError` also accepts the browser's own `DOMException` of that name (fetch,
 * streams), so callers test one thing.
 */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'Cancelled') {
    super(message);
  }
}

export const isAbortError = (err: unknown): boolean => (err as Error | null)?.name === 'AbortError';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/** Work that ran past its time limit and was stopped (its worker terminated). */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
