import { formatTimestamp } from '../lib/format';
import { CueTimeline } from '../lib/subtitles/timeline';
import { trackKey, trackName } from '../lib/subtitles/tracks';
import type { Cue } from '../lib/subtitles/types';
import { toWebVtt } from '../lib/subtitles/write';
import type { Video } from '../lib/types';
import { baseName, folderOf } from '../lib/video-files';
import { transcriptsWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import type { StoredTrack } from '../workers/transcripts/codec';
import { imports } from './import.svelte';
import { handleError, toasts } from './toasts.svelte';

/** A video's track as the player shows it: its lines, a WebVTT copy for the <track> element, and its name. */
export interface ShownTrack extends StoredTrack {
  key: string;
  name: string;
  /** blob: URL of the lines as WebVTT, made from the stored lines (edits included). */
  url: string;
  timeline: CueTimeline;
  /** A subtitle file that is no longer beside the video: its lines are the copy read at the last scan. */
  gone: boolean;
}

/** What the user chose last, kept on this device: captions on or off, and in which language. */
interface Preference {
  on: boolean;
  language: string | null;
}

const preferenceKey = 'framefinder.captions';

function readPreference(): Preference {
  try {
    const p = JSON.parse(localStorage.getItem(preferenceKey) ?? 'null') as Partial<Preference> | null;
    return { on: p?.on === true, language: typeof p?.language === 'string' ? p.language : null };
  } catch {
    return { on: false, language: null }; // nothing stored yet, or storage blocked: captions start off
  }
}

/**
 * Captions and the transcript of the video in the player: its tracks from every source (subtitle files, tracks
 * inside the video, transcribed speech) shown alike, the one chosen, captions on or off (`c`), and lines fixed by
 * hand. Loaded when the player opens a video, dropped when it closes.
 */
class CaptionsState {
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  message = $state('');
  tracks = $state.raw<ShownTrack[]>([]);
  /** The key of the track the captions and the transcript show, or null when the video has none. */
  chosen = $state<string | null>(null);
  on = $state(readPreference().on);
  /** The tab beside the video the user picked this visit; null: the transcript when there are lines. */
  panel = $state<'transcript' | 'on-screen' | 'details' | null>(null);
  #video: Video | null = null;
  #generation = 0;

  get track(): ShownTrack | null {
    return this.tracks.find((t) => t.key === this.chosen) ?? null;
  }

  /** The tracks with lines: the ones captions can show (image subtitles are stored as a note without lines). */
  get choices(): ShownTrack[] {
    return this.tracks.filter((t) => t.cues.length > 0);
  }

  async load(video: Video): Promise<void> {
    this.clear();
    const generation = this.#generation;
    this.#video = video;
    this.status = 'loading';
    try {
      const stored = await transcriptsWorker.api.tracks(video.id);
      if (generation !== this.#generation) return;
      this.tracks = stored.map((t) => this.#shown(t, false));
      this.chosen = this.#preferred()?.key ?? null;
      this.status = 'ready';
      void this.#checkFiles(video, generation);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.status = 'failed';
      this.message = (err as Error).message;
    }
  }

  clear(): void {
    this.#generation++;
    for (const t of this.tracks) URL.revokeObjectURL(t.url);
    this.tracks = [];
    this.chosen = null;
    this.status = 'idle';
    this.message = '';
    this.#video = null;
  }

  /** Shows this track (remembering its language for the next video), or none with null. */
  choose(key: string | null): void {
    const track = this.tracks.find((t) => t.key === key);
    if (!track) {
      this.#remember({ on: false, language: readPreference().language });
      this.on = false;
      return;
    }
    this.chosen = key;
    this.on = true;
    this.#remember({ on: true, language: track.language });
  }

  /** The CC button and `c`: captions on or off, remembered. */
  toggle(): void {
    if (!this.track) return;
    this.on = !this.on;
    this.#remember({ on: this.on, language: this.track.language });
  }

  /**
   * Fixes line `index` of the shown track: stored, searchable through "Said" at once, marked edited; a toast offers
   * Undo. Resolves false (with a message) when it could not be stored, and the line keeps its old text.
   */
  async editLine(index: number, text: string): Promise<boolean> {
    const track = this.track;
    const video = this.#video;
    const cue: Cue | undefined = track?.cues[index];
    if (!track || !video || !cue) return false;
    if (!text.trim()) {
      toasts.show('A line needs words: type them, or press Escape to keep it as it was.', 'error');
      return false;
    }
    if (text.trim() === cue.text) return true;
    const generation = this.#generation;
    try {
      const ref = { source: track.source, label: track.label, index, start: cue.start, text: cue.text };
      const stored = await transcriptsWorker.api.editLine(video.id, ref, text);
      if (generation !== this.#generation) return true;
      this.#replace(track.key, stored);
      toasts.show(`Line at ${formatTimestamp(cue.start)} saved. “Said” search finds it now.`, 'info', 8000, {
        label: 'Undo',
        run: () => void this.#undo(video.id, track.key, index, cue.text),
      });
      return true;
    } catch (err) {
      handleError(err, 'The line could not be saved');
      return false;
    }
  }

  /** Undo: the text the line had before, when the same video and track are still shown. */
  async #undo(videoId: number, key: string, index: number, text: string): Promise<void> {
    if (this.#video?.id !== videoId || this.chosen !== key) {
      toasts.show('Open that video again to undo: its transcript is no longer shown.', 'error');
      return;
    }
    await this.editLine(index, text);
  }

  /** The line current at `time` in the shown track, or -1. */
  lineAt(time: number): number {
    return this.track?.timeline.current(time) ?? -1;
  }

  #shown(t: StoredTrack, gone: boolean): ShownTrack {
    const vtt = toWebVtt(t.cues, t.language);
    return {
      ...t,
      key: trackKey(t),
      name: trackName(t),
      url: URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' })),
      timeline: new CueTimeline(t.cues),
      gone,
    };
  }

  #replace(key: string, stored: StoredTrack): void {
    this.tracks = this.tracks.map((t) => {
      if (t.key !== key) return t;
      URL.revokeObjectURL(t.url);
      return this.#shown(stored, t.gone);
    });
  }

  /** The track in the language chosen last, else the first with lines. */
  #preferred(): ShownTrack | undefined {
    const { language } = readPreference();
    const choices = this.choices;
    return (
      choices.find((t) => language !== null && t.language === language) ??
      choices.find((t) => language !== null && t.language?.split('-')[0] === language.split('-')[0]) ??
      choices[0]
    );
  }

  #remember(p: Preference): void {
    try {
      localStorage.setItem(preferenceKey, JSON.stringify(p));
    } catch {
      // Storage blocked (a locked-down private window): the choice lasts for this visit.
    }
  }

  /** Marks subtitle files that are no longer beside the video: their lines still show, from the stored copy. */
  async #checkFiles(video: Video, generation: number): Promise<void> {
    const source = imports.sourceOf(video.libraryId);
    if (!source) return;
    const folder = folderOf(video.path);
    const gone: string[] = [];
    for (const t of this.tracks.filter((x) => x.source === 'sidecar')) {
      const path = folder ? `${folder}/${baseName(t.label)}` : baseName(t.label);
      try {
        await openFile(source, path);
      } catch (err) {
        if ((err as Error).name === 'FileGoneError') gone.push(t.key);
        // Any other error (permission withdrawn) says nothing about the file: the player tells about access.
      }
    }
    if (gone.length === 0 || generation !== this.#generation) return;
    this.tracks = this.tracks.map((t) => (gone.includes(t.key) ? { ...t, gone: true } : t));
  }
}

export const captions = new CaptionsState();
