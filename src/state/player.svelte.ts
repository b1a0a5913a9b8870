import { proxy } from 'comlink';
import { isPermissionError } from '../lib/errors';
import { isAbortError } from '../lib/errors';
import { formatClock, nativePlayback } from '../lib/media/playback';
import { isPreviewOf, previewKey, previewPlan } from '../lib/media/preview-args';
import type { Scene } from '../lib/media/scenes';
import type { Video } from '../lib/types';
import { newPreviewWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { openStoredBlob } from './stored-previews';
import { captions } from './captions.svelte';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { search } from './search.svelte';
import { handleError } from './toasts.svelte';

/**
 * loading: opening the video; ready: `src` plays; reconnect: the folder's permission must be asked again (a click);
 * choose: the folder was picked for one visit and must be chosen again; unplayable: the browser cannot show this
 * video, a preview can be made; converting: making it; failed: `message` says why.
 */
export type PlayerStatus = 'loading' | 'ready' | 'reconnect' | 'choose' | 'unplayable' | 'converting' | 'failed';

/** The scene sheet: one frame per scene, `columns` to a row, each `width` × `height`. */
export interface SceneSheet {
  url: string;
  width: number;
  height: number;
  frameCount: number;
  columns: number;
}

/** How long the last preview took to make, for diagnostics and the benchmark figures. */
export interface PreviewStats {
  videoId: number;
  duration: number;
  /** Wall-clock seconds in all, and for the ffmpeg command alone (without loading ffmpeg.wasm). */
  seconds: number;
  encodeSeconds: number;
  bytes: number;
}

/**
 * The player: one video at a time in a modal dialog. `open(videoId, time)` shows the video paused at that moment
 * (the frame a search found); `open(videoId)` plays it from the start. Object URLs live until `close()`.
 */
class PlayerState {
  isOpen = $state(false);
  video = $state.raw<Video | null>(null);
  scenes = $state.raw<Scene[]>([]);
  sheet = $state.raw<SceneSheet | null>(null);
  status = $state<PlayerStatus>('loading');
  message = $state('');
  /** The object URL the <video> element plays, and whether it is the file itself or its preview. */
  src = $state<string | null>(null);
  source = $state<'file' | 'preview' | null>(null);
  /** A seek the <video> element makes as soon as it can, then clears. */
  seekTo = $state<{ time: number; play: boolean } | null>(null);
  /** 0–1 while a preview is being made. */
  progress = $state(0);
  lastPreview = $state.raw<PreviewStats | null>(null);
  #generation = 0;
  #file: File | null = null;
  #urls = new Set<string>();
  /** The preview being made; aborting terminates its ffmpeg.wasm worker, the only way to stop wasm mid-run. */
  #conversion: AbortController | null = null;

  /** `play`: start playing at `time` rather than show it paused (a line of subtitles is heard, not looked at). */
  async open(videoId: number, time?: number, play = time === undefined): Promise<void> {
    const seekTo = { time: Math.max(0, time ?? 0), play };
    if (this.isOpen && this.video?.id === videoId && this.status !== 'failed') {
      this.seekTo = seekTo;
      return;
    }
    this.#reset();
    const generation = this.#generation;
    this.isOpen = true;
    this.seekTo = seekTo;
    try {
      const video = await catalog.db.getVideo(videoId);
      if (generation !== this.#generation) return;
      if (!video) return this.#fail('This video is no longer in the library.');
      this.video = video;
      void this.#loadScenes(video, generation);
      void captions.load(video);
      await this.#load(video, generation);
    } catch (err) {
      if (generation === this.#generation) this.#fail((err as Error).message);
    }
  }

  close(): void {
    if (!this.isOpen) return;
    this.#reset();
    this.isOpen = false;
  }

  /** Tries again after the folder was reconnected or chosen again. */
  async retry(): Promise<void> {
    const video = this.video;
    if (!video) return;
    const generation = this.#generation;
    this.status = 'loading';
    await this.#load(video, generation).catch((err: unknown) => {
      if (generation === this.#generation) this.#fail((err as Error).message);
    });
  }

  /** "Reconnect folder": asks the browser for the folder's permission again (must run in a click). */
  reconnect(): void {
    const id = this.video?.libraryId;
    // Access is granted before the rescan starts: the dialog retries on that, not at the end of the scan.
    if (id !== undefined) imports.reconnect(id).catch((err) => handleError(err, 'Could not reconnect the folder'));
  }

  /** The <video> element cannot show this file (an error, or sound without a picture). */
  async cannotPlay(): Promise<void> {
    const video = this.video;
    if (!video || this.status !== 'ready') return;
    const generation = this.#generation;
    if (this.source === 'preview') return this.#fail('The preview of this video could not be played.');
    this.#dropSrc();
    this.status = 'loading';
    const preview = await openStoredBlob(previewKey(video.id, video.modifiedAt));
    if (generation !== this.#generation) return;
    if (preview) this.#play(preview, 'preview');
    else this.#unplayable();
  }

  /** "Make a preview": a small H.264 copy made with ffmpeg.wasm in a worker, stored for next time. */
  async makePreview(): Promise<void> {
    const video = this.video;
    if (!video || this.status !== 'unplayable') return;
    const generation = this.#generation;
    const file = this.#file ?? (await this.#openFile(video));
    if (!file || generation !== this.#generation) return;
    const worker = newPreviewWorker();
    const conversion = (this.#conversion = new AbortController());
    this.status = 'converting';
    this.progress = 0;
    this.message = '';
    try {
      const onProgress = proxy((f: number) => {
        if (generation === this.#generation) this.progress = f;
      });
      const r = await worker.run(conversion.signal, (p) => p.transcode(file, previewPlan(video), onProgress));
      const { seconds, encodeSeconds } = r;
      this.lastPreview = {
        videoId: video.id,
        duration: video.duration ?? 0,
        seconds,
        encodeSeconds,
        bytes: r.bytes.length,
      };
      const key = previewKey(video.id, video.modifiedAt);
      const stored = await this.#store(video.id, key, r.bytes);
      if (generation !== this.#generation) return;
      this.#play(stored ?? new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: 'video/mp4' }), 'preview');
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#unplayable();
      if (isAbortError(err)) return;
      this.message = (err as Error).message;
      handleError(err, 'Could not make a preview');
    } finally {
      this.#conversion = null;
      worker.terminate(); // frees the wasm instance's memory
    }
  }

  cancelPreview(): void {
    this.#conversion?.abort();
  }

  /** "Search from this frame": the grabbed frame goes to the reverse search and the player gives way to the results. */
  async searchFrom(frame: Blob, time: number): Promise<void> {
    const label = `${this.video?.name ?? 'Video'} at ${formatClock(time)}`;
    this.close();
    await search.byImage(frame, label).catch((err) => handleError(err, 'Could not search from this frame'));
  }

  async #load(video: Video, generation: number): Promise<void> {
    const playable = nativePlayback(video, (mime) => document.createElement('video').canPlayType(mime));
    if (playable === 'no') {
      // A preview made earlier plays even without access to the folder.
      const preview = await openStoredBlob(previewKey(video.id, video.modifiedAt));
      if (generation !== this.#generation) return;
      if (preview) return this.#play(preview, 'preview');
    }
    const file = await this.#openFile(video);
    if (!file || generation !== this.#generation) return;
    this.#file = file;
    if (playable === 'no') this.#unplayable();
    else this.#play(file, 'file');
  }

  /** The video's File, or null with the status saying what the user must do to give access. */
  async #openFile(video: Video): Promise<File | null> {
    const source = imports.sourceOf(video.libraryId);
    if (!source) {
      this.status = imports.access[video.libraryId] === 'unavailable' ? 'choose' : 'reconnect';
      return null;
    }
    try {
      return await openFile(source, video.path);
    } catch (err) {
      if (!isPermissionError(err)) throw err;
      // Withdrawn permission is a state, not a failure: the jobs wait, the player offers "Reconnect folder".
      imports.lostAccess(video.libraryId);
      this.status = 'reconnect';
      return null;
    }
  }

  async #loadScenes(video: Video, generation: number): Promise<void> {
    try {
      const [scenes, thumb, bytes] = await Promise.all([
        catalog.db.listScenes(video.id),
        catalog.db.getThumbnail(video.id, 'scenes'),
        catalog.db.blobRead(`scenes-${video.id}`),
      ]);
      if (generation !== this.#generation) return;
      this.scenes = scenes;
      if (!thumb || !bytes) return;
      const url = this.#url(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime }));
      const columns = Math.max(1, Math.min(10, thumb.frameCount));
      this.sheet = { url, width: thumb.width, height: thumb.height, frameCount: thumb.frameCount, columns };
    } catch (err) {
      // Scenes are an extra: the video still plays without them.
      console.warn('Could not read the scenes of', video.path, err);
    }
  }

  /** Puts the preview in the blob store and drops older ones; the stored File, or null when storing failed. */
  async #store(videoId: number, key: string, bytes: Uint8Array): Promise<File | null> {
    try {
      await catalog.db.blobPut(key, bytes);
      for (const b of await catalog.db.blobList()) {
        if (isPreviewOf(b.key, videoId) && b.key !== key) await catalog.db.blobDelete(b.key);
      }
      return await openStoredBlob(key);
    } catch (err) {
      // Storage full or unavailable: the preview still plays this time, from memory.
      handleError(err, 'The preview could not be kept for next time');
      return null;
    }
  }

  #play(media: Blob, source: 'file' | 'preview'): void {
    this.#dropSrc();
    this.src = this.#url(media);
    this.source = source;
    this.status = 'ready';
    this.message = '';
  }

  #unplayable(): void {
    this.status = 'unplayable';
  }

  #fail(message: string): void {
    this.#dropSrc();
    this.status = 'failed';
    this.message = message;
  }

  #url(blob: Blob): string {
    const url = URL.createObjectURL(blob);
    this.#urls.add(url);
    return url;
  }

  #dropSrc(): void {
    if (this.src) {
      URL.revokeObjectURL(this.src);
      this.#urls.delete(this.src);
    }
    this.src = null;
    this.source = null;
  }

  #reset(): void {
    this.#generation++;
    captions.clear();
    this.#conversion?.abort();
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls.clear();
    this.#file = null;
    this.video = null;
    this.scenes = [];
    this.sheet = null;
    this.src = null;
    this.source = null;
    this.seekTo = null;
    this.status = 'loading';
    this.message = '';
    this.progress = 0;
  }
}

export const player = new PlayerState();
