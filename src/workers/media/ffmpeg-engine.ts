// The shared ffmpeg.wasm instance of a media worker: loaded lazily from our own origin, one command at a time,
// and replaced before it wears out (instances reused for dozens of runs die with "memory access out of bounds").
import { FFmpeg } from '@ffmpeg/ffmpeg';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { isWasmCrash } from '../../lib/media/ffprobe-parse';

/** An instance reused for dozens of files dies ("memory access out of bounds"): replace it after this many. */
export const FILES_PER_INSTANCE = 20;

/** An instance is replaced once its runs have leaked about this much of its 2 GiB heap (measured: a 2.2 GB, 110-min
 * MP4 hung the 98th run on one instance, ~20 MB each). */
export const LEAK_BUDGET = 1 << 30;

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** One ffmpeg.wasm instance (a nested worker), shared by the sources of this worker, one command at a time. */
export class Engine {
  readonly ffmpeg = new FFmpeg();
  /** Files mounted over its life; at FILES_PER_INSTANCE it takes no more and goes once the last one closes. */
  mounted = 0;
  users = 0;
  /** Estimated heap never given back: every run ends in abort(), leaking about the file's index each time. */
  leaked = 0;
  retired = false;
  dead = false;
  #queue: Promise<unknown> = Promise.resolve();
  #log: string[] = [];

  constructor() {
    this.ffmpeg.on('log', ({ message }) => this.#log.push(message));
  }

  /** Serialises commands: the instance runs one at a time anyway, and each needs its own log. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs a command and returns its log. wasm cannot be interrupted: the core's own timeout only works inside
   * ffmpeg's main loop (not ffprobe, not a stuck demuxer), so a watchdog terminates the whole instance after it.
   */
  async run(kind: 'exec' | 'ffprobe', args: string[], timeoutMs: number, what: string): Promise<string[]> {
    if (this.dead) throw new Error('ffmpeg.wasm instance was replaced'); // the caller mounts on a fresh one
    this.#log = [];
    const started = performance.now();
    const timeoutError = () =>
      new TimeoutError(`ffmpeg.wasm took more than ${+(timeoutMs / 1000).toFixed(1)} s to ${what} and was stopped.`);
    let timedOut = false;
    // terminate() rejects the pending call: the flag tells that rejection apart from a crash.
    const timer = setTimeout(() => {
      timedOut = true;
      this.kill();
    }, timeoutMs + 5000);
    try {
      const code = await (kind === 'exec' ? this.ffmpeg.exec(args, timeoutMs) : this.ffmpeg.ffprobe(args, timeoutMs));
      // exec answers 1 for both "error" and "timed out" (ffprobe always -1, and ignores the limit): only the clock
      // tells them apart.
      if (code !== 0 && performance.now() - started >= timeoutMs) {
        this.kill(); // its state after an abort is not to be trusted
        throw timeoutError();
      }
      return this.#log;
    } catch (err) {
      if (timedOut) throw timeoutError();
      if (err instanceof TimeoutError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      // A trap leaves the heap corrupt; "terminate" and "not loaded" mean another call already killed it.
      if (isWasmCrash(message) || this.dead) {
        this.kill();
        throw new Error(`ffmpeg.wasm crashed while trying to ${what}: ${message}`, { cause: err });
      }
      throw new Error(`ffmpeg.wasm failed to ${what}: ${message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.ffmpeg.terminate();
  }
}

let current: Promise<Engine> | undefined;

/** The shared instance, loaded lazily; a failed load is forgotten so the next call tries again. */
export async function checkout(): Promise<Engine> {
  for (;;) {
    if (!current) {
      const engine = new Engine();
      const loading = engine.ffmpeg.load({ coreURL, wasmURL }).then(() => engine);
      current = loading;
      loading.catch(() => {
        engine.kill();
        if (current === loading) current = undefined;
      });
    }
    const pending = current;
    const engine = await pending.catch((err: unknown) => {
      throw new Error(`ffmpeg.wasm could not start: ${err instanceof Error ? err.message : String(err)}`);
    });
    if (engine.dead || engine.retired || engine.mounted >= FILES_PER_INSTANCE || engine.leaked >= LEAK_BUDGET) {
      retire(engine);
      if (current === pending) current = undefined;
      continue;
    }
    engine.mounted++;
    engine.users++;
    return engine;
  }
}

/** No new files for this instance; it is terminated once its last file is closed or has moved on. */
export function retire(engine: Engine): void {
  engine.retired = true;
  if (engine.users === 0) engine.kill();
}

export function checkin(engine: Engine): void {
  engine.users--;
  if (engine.retired && engine.users === 0) engine.kill();
}
