// Page side of bench.html: starts the tier benchmark worker and exposes `window.framefinderBench.run()` for
// scripts/bench-index.mjs (`--tiers <file>`), which picks the file through the page's file input first.
import { wrap } from 'comlink';
import type { TiersApi } from './tiers.worker';

export interface TiersResult {
  file: string;
  size: number;
  tier1_ms: number | null;
  tier2_ms: number | null;
  naive_ms: number | null;
  tier2_vs_naive: number | null;
  tier1_vs_tier2: number | null;
  ffmpeg_load_ms: { tier2: number; naive: number };
  tier1: unknown;
  /** The app's scenes stage and pass 2 (sampling, then scene refinement) on tier 1, timed apart. */
  tier1_pass2: unknown;
  tier2: unknown;
  naive: unknown;
  errors: Record<string, string>;
}

const input = document.querySelector<HTMLInputElement>('#bench-file')!;
const button = document.querySelector<HTMLButtonElement>('#bench-run')!;
const out = document.querySelector<HTMLPreElement>('#bench-out')!;

const messageOf = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
const ratio = (a: number | null, b: number | null) => (a && b ? Math.round((a / b) * 100) / 100 : null);

/** Tier 1, then tier 2 (its ffmpeg.wasm instance loaded beforehand), then the naive recipe (loaded beforehand). */
async function run(which: readonly string[] = ['tier1', 'tier2', 'naive']): Promise<TiersResult> {
  const file = input.files?.[0];
  if (!file) throw new Error('Choose a file first.');
  const worker = new Worker(new URL('./tiers.worker.ts', import.meta.url), { type: 'module', name: 'bench-tiers' });
  const api = wrap<TiersApi>(worker);
  const errors: Record<string, string> = {};
  const attempt = async <T>(name: string, fn: () => Promise<T>, group = name): Promise<T | null> => {
    if (!which.includes(group)) return null;
    out.textContent += `${name}…\n`;
    try {
      return await fn();
    } catch (err) {
      errors[name] = messageOf(err);
      return null;
    }
  };
  try {
    const tier1 = await attempt('tier1', () => api.tier1(file));
    const tier1Pass2 = await attempt('tier1_pass2', () => api.pass2Tier1(file), 'tier1');
    let tier2Load = 0;
    const tier2 = await attempt('tier2', async () => {
      tier2Load = await api.warmTier2(file);
      return api.tier2(file);
    });
    let naiveLoad = 0;
    const naive = await attempt('naive', async () => {
      naiveLoad = await api.loadNaive();
      const r = await api.naive(file);
      if (r.exit_code !== 0) throw new Error(`ffmpeg exited with ${r.exit_code}`);
      return r;
    });
    const result: TiersResult = {
      file: file.name,
      size: file.size,
      tier1_ms: tier1?.ms ?? null,
      tier2_ms: tier2?.ms ?? null,
      naive_ms: naive?.ms ?? null,
      tier2_vs_naive: ratio(naive?.ms ?? null, tier2?.ms ?? null),
      tier1_vs_tier2: ratio(tier2?.ms ?? null, tier1?.ms ?? null),
      ffmpeg_load_ms: { tier2: tier2Load, naive: naiveLoad },
      tier1,
      tier1_pass2: tier1Pass2,
      tier2,
      naive,
      errors,
    };
    out.textContent = JSON.stringify(result, null, 2);
    return result;
  } finally {
    await api.dispose().catch(() => undefined);
    worker.terminate();
  }
}

input.addEventListener('change', () => (button.disabled = !input.files?.length));
button.addEventListener('click', () => {
  out.textContent = '';
  run().catch((err: unknown) => (out.textContent = messageOf(err)));
});

(window as unknown as { framefinderBench: object }).framefinderBench = { run, ready: true };
