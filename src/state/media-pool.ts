import type { Remote } from 'comlink';
import { permanentErrors } from '../lib/jobs';
import type { MediaApi } from '../workers/media.worker';
import { newMediaWorker, type WorkerBridge } from '../workers/bridge';

export class StageTimeoutError extends Error {
  override name = 'StageTimeoutError';
}

/**
 * Media workers, started on demand and reused. A cancelled or overrunning operation terminates its worker
 * (wasm and decoders cannot be interrupted otherwise); the next job starts a fresh one.
 */
export class MediaPool {
  #idle: WorkerBridge<MediaApi>[] = [];
  constructor(private maxIdle: number) {}

  async run<T>(
    signal: AbortSignal,
    timeoutMs: number,
    what: string,
    fn: (api: Remote<MediaApi>) => Promise<T>,
  ): Promise<T> {
    if (signal.aborted) throw new DOMException('Cancelled', 'AbortError');
    const worker = this.#idle.pop() ?? newMediaWorker();
    let dead = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: () => void = () => {};
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        dead = true;
        worker.terminate();
        reject(new DOMException('Cancelled', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        dead = true;
        worker.terminate();
        reject(new StageTimeoutError(`${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([fn(worker.api), stopped]);
    } catch (err) {
      // A worker that failed may hold a broken decoder or wasm instance: do not reuse it. A clean "not a
      // video" answer leaves it healthy.
      if (!permanentErrors.has((err as Error).name)) {
        dead = true;
        worker.terminate();
      }
      throw err;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (!dead && this.#idle.length < this.maxIdle) this.#idle.push(worker);
      else if (!dead) worker.terminate();
    }
  }
}
