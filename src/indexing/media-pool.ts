import type { Remote } from 'comlink';
import { permanentErrors } from '../lib/jobs';
import type { MediaApi } from '../workers/media.worker';
import type { WorkerBridge } from '../workers/bridge';
import type { MediaRunner } from './stage';

/**
 * Media workers, started on demand and reused. A cancelled or overrunning operation terminates its worker
 * (wasm and decoders cannot be interrupted otherwise); the next job starts a fresh one.
 */
export class MediaPool implements MediaRunner {
  #idle: WorkerBridge<MediaApi>[] = [];
  constructor(
    private newWorker: () => WorkerBridge<MediaApi>,
    private maxIdle: number,
  ) {}

  async run<T>(
    signal: AbortSignal,
    timeoutMs: number,
    what: string,
    fn: (api: Remote<MediaApi>) => Promise<T>,
  ): Promise<T> {
    const worker = this.#idle.pop() ?? this.newWorker();
    let healthy = true;
    try {
      return await worker.run(signal, fn, { ms: timeoutMs, what });
    } catch (err) {
      // A worker that failed may hold a broken decoder or wasm instance: do not reuse it. A clean "not a
      // video" answer leaves it healthy.
      healthy = permanentErrors.has((err as Error).name) && worker.alive;
      throw err;
    } finally {
      if (healthy && worker.alive && this.#idle.length < this.maxIdle) this.#idle.push(worker);
      else worker.terminate();
    }
  }
}
