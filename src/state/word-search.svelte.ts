import { formatTimestamp } from '../lib/format';
import { groupByScene, type FrameHit, type SceneHit, type SceneSpan } from '../lib/embeddings/word-search';
import type { Video } from '../lib/types';
import { embedWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { library } from './library.svelte';
import { models } from './models.svelte';
import { searchSaid, type SaidResult } from './said-search';
import { searchOnScreen, type OnScreenResult } from './screen-text';
import { search } from './search.svelte';

/** One video of the scene results, with its best scenes. */
export interface SceneResult {
  video: Video;
  best: number;
  scenes: SceneHit[];
}

export const noModelMessage = 'Word search needs a model: open Models.';
export const noMatchMessage = 'No scene matches these words well.';

/**
 * Search by words ("dog running on a beach" → the scenes that show it) and "more like this" (a scene → the
 * scenes nearest it), both over the CLIP embeddings; and the "Similar scenes" under a reverse image search.
 */
class WordSearchState {
  open = $state(false);
  busy = $state(false);
  /** What the results say instead of (or above) the list: progress, or why there is nothing. */
  message = $state('');
  /** The message is "open Models": word search has no model to work with. */
  needsModel = $state(false);
  /** The words searched for, or what "more like this" started from. */
  title = $state('');
  results = $state.raw<SceneResult[]>([]);
  /** Lines of subtitles holding the words ("Said"), searched beside the scenes, with or without a model. */
  said = $state.raw<SaidResult[]>([]);
  /** Said search is running, or what it has to say (nothing matches). */
  saidBusy = $state(false);
  saidMessage = $state('');
  /** Text read on screen holding the words ("On screen"), searched beside the scenes, with or without a model. */
  onScreen = $state.raw<OnScreenResult[]>([]);
  onScreenBusy = $state(false);
  onScreenMessage = $state('');
  elapsedMs = $state(0);
  #token = 0;

  #start(title: string): number {
    search.close(); // one set of results at a time: the newest search wins
    this.open = true;
    this.busy = true;
    this.needsModel = false;
    this.title = title;
    this.results = [];
    this.said = [];
    this.saidMessage = '';
    this.saidBusy = false;
    this.onScreen = [];
    this.onScreenMessage = '';
    this.onScreenBusy = false;
    this.message = 'Searching scenes…';
    this.#sceneCache.clear(); // scenes are refined as videos are indexed
    return ++this.#token;
  }

  close(): void {
    this.#token++;
    this.open = false;
    this.busy = false;
    this.results = [];
    this.said = [];
    this.saidMessage = '';
    this.onScreen = [];
    this.onScreenMessage = '';
    this.message = '';
  }

  /** Scenes whose frames the words describe, grouped per video; the library view's filters apply. */
  async byWords(text: string): Promise<void> {
    const words = text.trim();
    if (!words) return;
    const token = this.#start(`Results for “${words}”`); // scenes, and what is said: not only scenes
    const started = performance.now();
    void this.#searchSaid(token, words);
    void this.#searchOnScreen(token, words);
    try {
      await models.whenRestored();
      if (!models.active) return this.#done(token, [], noModelMessage, true);
      const r = await embedWorker.api.searchText(words, await this.#viewVideoIds());
      if (token !== this.#token) return;
      if (r.rows === 0)
        return this.#done(token, [], 'No video is embedded for word search yet: they are embedded in the background.');
      const results = await this.#group(r.hits);
      this.elapsedMs = Math.round(performance.now() - started);
      this.#done(token, results, results.length ? '' : noMatchMessage);
    } catch (err) {
      this.#fail(token, err);
    }
  }

  async #searchSaid(token: number, words: string): Promise<void> {
    this.saidBusy = true;
    try {
      const { results, cues } = await searchSaid(words, await this.#viewVideoIds());
      if (token !== this.#token) return;
      this.said = results;
      this.saidMessage = results.length > 0 ? '' : cues > 0 ? 'No subtitle line says this.' : '';
    } catch (err) {
      if (token === this.#token)
        this.saidMessage = `The search of what is said failed: ${(err as Error)?.message ?? err}`;
    } finally {
      if (token === this.#token) this.saidBusy = false;
    }
  }

  async #searchOnScreen(token: number, words: string): Promise<void> {
    this.onScreenBusy = true;
    try {
      const { results, spans } = await searchOnScreen(words, await this.#viewVideoIds());
      if (token !== this.#token) return;
      this.onScreen = results;
      this.onScreenMessage = results.length > 0 ? '' : spans > 0 ? 'No text on screen says this.' : '';
    } catch (err) {
      if (token === this.#token)
        this.onScreenMessage = `The search of text on screen failed: ${(err as Error)?.message ?? err}`;
    } finally {
      if (token === this.#token) this.onScreenBusy = false;
    }
  }

  /** "More like this": the scenes nearest the frame of `video` at `time` (its own scene left out). */
  async moreLikeThis(video: Video, time: number): Promise<void> {
    const token = this.#start(`Scenes like ${video.name} at ${formatTimestamp(time)}`);
    const started = performance.now();
    try {
      await models.whenRestored();
      if (!models.active) return this.#done(token, [], noModelMessage, true);
      const hits = await embedWorker.api.similarTo(video.id, time, await this.#viewVideoIds());
      const own = (await this.#scenes(video.id)).find((s) => time >= s.start && time < s.end);
      const results = await this.#group(hits, own ? { videoId: video.id, scene: own.index } : undefined);
      if (token !== this.#token) return;
      this.elapsedMs = Math.round(performance.now() - started);
      this.#done(token, results, results.length ? '' : 'This frame has no embedding yet, or nothing is like it.');
    } catch (err) {
      this.#fail(token, err);
    }
  }

  /** Scenes that look like `image` (for reverse search's "Similar scenes"); empty without a model. */
  async similarScenes(image: Blob): Promise<SceneResult[]> {
    if (!models.active) return [];
    return this.#group(await embedWorker.api.searchImage(image, await this.#viewVideoIds()), undefined, 2, 8);
  }

  #done(token: number, results: SceneResult[], message: string, needsModel = false): void {
    if (token !== this.#token) return;
    this.results = results;
    this.message = message;
    this.needsModel = needsModel;
    this.busy = false;
  }

  #fail(token: number, err: unknown): void {
    if (token !== this.#token) return;
    const noModel = (err as Error)?.name === 'NoModelError';
    this.#done(token, [], noModel ? noModelMessage : `The search failed: ${(err as Error)?.message ?? err}`, noModel);
  }

  /** The videos of the current view when it is narrowed (a library, a folder); undefined for everything. */
  async #viewVideoIds(): Promise<number[] | undefined> {
    // The name filter is a search of its own; word search takes the view's scope and facets.
    const scope = { ...library.query, nameContains: undefined };
    if (Object.values(scope).every((v) => v === undefined)) return undefined;
    return (await catalog.db.listVideos({ ...scope, limit: 1_000_000 })).map((v) => v.id);
  }

  #sceneCache = new Map<number, Promise<SceneSpan[]>>();
  #scenes(videoId: number): Promise<SceneSpan[]> {
    let scenes = this.#sceneCache.get(videoId);
    if (!scenes) {
      scenes = catalog.db.listScenes(videoId);
      this.#sceneCache.set(videoId, scenes);
      if (this.#sceneCache.size > 500) this.#sceneCache.delete(this.#sceneCache.keys().next().value!);
    }
    return scenes;
  }

  async #group(
    hits: readonly FrameHit[],
    exclude?: { videoId: number; scene: number },
    perVideo = 3,
    maxVideos = 20,
  ): Promise<SceneResult[]> {
    const ids = [...new Set(hits.map((h) => h.videoId))];
    const found = await Promise.all(
      ids.map(async (id) => {
        const [video, scenes] = await Promise.all([catalog.db.getVideo(id), this.#scenes(id)]);
        // A removed video or a missing file is not offered as a result.
        return { video: video && !video.missing && video.removedAt === null ? video : null, scenes };
      }),
    );
    const of = (id: number) => found[ids.indexOf(id)];
    const grouped = groupByScene(
      hits.filter((h) => of(h.videoId).video),
      (id) => of(id).scenes,
      { perVideo, maxVideos, exclude },
    );
    return grouped.map((g) => ({ video: of(g.videoId).video!, best: g.best, scenes: g.scenes }));
  }
}

export const wordSearch = new WordSearchState();
