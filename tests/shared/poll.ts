// The one polling helper of the tests: waits for a condition the app reaches on its own (a job finishing, a
// worker answering), checking it again and again until a deadline. Works in hooks too, where `expect.poll` is not
// allowed. Inside a test, `expect.poll` (see `eventually` in tests/e2e/app.ts) reads better.

export interface PollOptions {
  /** Give up after this many milliseconds (default 30 s). */
  timeout?: number;
  /** Milliseconds between two checks (default 100). */
  interval?: number;
}

/**
 * Resolves with the first truthy value `check` returns. On time-out it throws, naming `what` and, when given,
 * `describe()` of the last state.
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  what: string,
  { timeout = 30_000, interval = 100 }: PollOptions = {},
  describe?: () => string | Promise<string>,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) {
      const state = describe ? `: ${await describe()}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
