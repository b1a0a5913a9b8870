import { proxy } from 'comlink';
import { isAbortError } from '../lib/errors';
import type { Video } from '../lib/types';
import { searchWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { settings } from './settings.svelte';

export interface DuplicateSet {
  sharedSeconds: number;
  videos: { video: Video; sharedSeconds: number }[];
}

/** The Duplicates view: videos that share footage (re-encodes, trims, resized copies), found by the search worker. */
class DuplicatesState {
  open = $state(false);
  busy = $state(false);
  groups = $state<DuplicateSet[]>([]);
  error = $state('');
  /** Fingerprinted frames the groups were computed from (0: nothing indexed yet). */
  frames = $state(0);
  /** Videos compared so far in the running comparison, and in all (the worker keeps earlier results). */
  progress = $state({ done: 0, total: 0 });
  /** The last comparison was cancelled before it finished. */
  stopped = $state(false);

  async show(): Promise<void> {
    this.open = true;
    await this.refresh();
  }

  close(): void {
    this.open = false;
  }

  async refresh(): Promise<void> {
    this.busy = true;
    this.error = '';
    this.stopped = false;
    this.progress = { done: 0, total: 0 };
    try {
      const groups = await searchWorker.api.duplicates(
        $state.snapshot(settings.search),
        [],
        proxy((p: { done: number; total: number }) => (this.progress = p)),
      );
      this.frames = (await searchWorker.api.stats()).frames;
      const out: DuplicateSet[] = [];
      for (const g of groups) {
        const videos = [];
        for (const v of g.videos) {
          const video = await catalog.db.getVideo(v.videoId);
          if (video && !video.missing && video.removedAt === null)
            videos.push({ video, sharedSeconds: v.sharedSeconds });
        }
        if (videos.length > 1) out.push({ sharedSeconds: g.sharedSeconds, videos });
      }
      this.groups = out;
    } catch (err) {
      if (isAbortError(err)) {
        this.stopped = true;
        return;
      }
      this.error = `Could not look for duplicates: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.busy = false;
    }
  }

  /** Stops the running comparison; what it compared is kept, so the next one carries on from there. */
  cancel(): void {
    void searchWorker.api.cancelDuplicates();
  }
}

export const duplicates = new DuplicatesState();
