import { carryEdits, editCue, editedCount } from '../../lib/subtitles/edits';
import { readSubtitleFile } from '../../lib/subtitles/parse';
import type { CueSource, SubtitleFormat } from '../../lib/subtitles/types';
import { CueIndex, type CueHit } from '../../lib/transcripts/cue-index';
import { SegmentLibrary } from '../segments/library';
import { SegmentStore, type Blobs } from '../segments/store';
import { transcriptCodec, type StoredTrack, type VideoTranscript } from './codec';

/** A subtitle file or an extracted track to read: its bytes (a File is a Blob) and what it is. */
export interface SubtitleInput {
  label: string;
  language: string | null;
  format: SubtitleFormat;
  bytes: Blob | Uint8Array;
  /** Why this track has no text (image subtitles): stored as a note, nothing is parsed. */
  skipped?: string;
}

/** One line of a video's tracks, as the player shows it: the track (by source and label), the line's place in it. */
export interface LineRef {
  source: CueSource;
  label: string;
  index: number;
  /** The line's start and text as shown: an edit of a line that changed meanwhile is refused, not misplaced. */
  start: number;
  text: string;
}

/** The line to edit is no longer there as it was shown (its file was read again meanwhile). */
export class LineChangedError extends Error {
  override name = 'LineChangedError';
  constructor() {
    super('This line changed since it was shown (its subtitles were read again). Close and reopen the video.');
  }
}

/**
 * The transcript worker's calls (transcripts.worker.ts exposes them; unit tests call them directly): every video's
 * cues in OPFS segment files, one chunk per video (so storing one video's lines costs that video's bytes, whatever
 * the library's size), and an inverted index over all of them in memory for "Said" search.
 */
export function transcriptsApi(openBlobs: () => Promise<Blobs>) {
  let index = new CueIndex();
  let library: Promise<SegmentLibrary<VideoTranscript>> | undefined;

  async function ready(): Promise<SegmentLibrary<VideoTranscript>> {
    library ??= openBlobs().then(
      (b) =>
        new SegmentLibrary(
          new SegmentStore(b, transcriptCodec),
          {
            loaded(latest) {
              index = new CueIndex();
              for (const c of latest) index.setVideo(c.videoId, c.value.tracks);
            },
            stored: (chunk) => index.setVideo(chunk.videoId, chunk.value.tracks),
            dropped: (chunks) => chunks.forEach((c) => index.removeVideo(c.videoId)),
          },
          // Saving a transcript must not cost a listing of the whole blob folder (see SegmentLibrary).
          { changeLog: true },
        ),
    );
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  const api = {
    /**
     * Replaces a video's tracks from `source` with `tracks` (the other sources' stay): the one way cues enter the
     * store, for subtitle files, embedded tracks and speech alike.
     */
    async storeTracks(videoId: number, libraryId: number, source: CueSource, tracks: StoredTrack[]): Promise<void> {
      const l = await ready();
      await l.update(libraryId, videoId, (current) => {
        const before = current?.tracks ?? [];
        const kept = before.filter((t) => t.source !== source);
        // A line fixed by hand stays fixed when its source is read again unchanged (see carryEdits).
        const incoming = tracks
          .filter((t) => t.source === source)
          .map((t) => {
            const old = before.find((b) => b.source === source && b.label === t.label);
            return old ? { ...t, cues: carryEdits(old.cues, t.cues).cues } : t;
          });
        const next = [...kept, ...incoming];
        return next.length === 0 && !current ? undefined : { tracks: next };
      });
    },

    /** Decodes and parses subtitle files or tracks, and stores them as the video's `source` tracks. */
    async storeSubtitles(
      videoId: number,
      libraryId: number,
      source: CueSource,
      inputs: SubtitleInput[],
    ): Promise<{ cues: number; warnings: string[] }> {
      const tracks: StoredTrack[] = [];
      for (const input of inputs) {
        const base = { source, language: input.language, label: input.label, modelId: null };
        if (input.skipped) {
          tracks.push({ ...base, cues: [], warnings: [input.skipped] });
          continue;
        }
        const bytes = input.bytes instanceof Uint8Array ? input.bytes : new Uint8Array(await input.bytes.arrayBuffer());
        const parsed = readSubtitleFile(bytes, input.format);
        tracks.push({ ...base, cues: parsed.cues, warnings: parsed.warnings.map((w) => `${input.label}: ${w}`) });
      }
      await api.storeTracks(videoId, libraryId, source, tracks);
      return { cues: tracks.reduce((n, t) => n + t.cues.length, 0), warnings: tracks.flatMap((t) => t.warnings) };
    },

    /** A video's tracks, for the player's captions and transcript. */
    async tracks(videoId: number): Promise<StoredTrack[]> {
      return (await ready()).get(videoId)?.value.tracks ?? [];
    },

    /**
     * Fixes one line's text by hand: stored at once (marked edited, its source's text kept for undo) and searchable
     * through "Said" as soon as this returns. Returns the line's track as now stored.
     */
    async editLine(videoId: number, line: LineRef, text: string): Promise<StoredTrack> {
      const l = await ready();
      const libraryId = l.get(videoId)?.libraryId;
      if (libraryId === undefined) throw new LineChangedError();
      let edited: StoredTrack | undefined;
      // The line is looked up in the stored tracks as they are when the edit is written, not as they were before.
      await l.update(libraryId, videoId, (current) => {
        const tracks = current?.tracks ?? [];
        const at = tracks.findIndex((t) => t.source === line.source && t.label === line.label);
        const cue = tracks[at]?.cues[line.index];
        if (!cue || cue.start !== line.start || cue.text !== line.text) throw new LineChangedError();
        const cues = tracks[at].cues.map((c, i) => (i === line.index ? editCue(c, text) : c));
        edited = { ...tracks[at], cues };
        return { tracks: tracks.map((t, i) => (i === at ? edited! : t)) };
      });
      return edited!;
    },

    /** How many of a video's lines from `source` were fixed by hand: re-transcribing asks before replacing them. */
    async editedLines(videoId: number, source: CueSource): Promise<number> {
      const tracks = (await ready()).get(videoId)?.value.tracks ?? [];
      return editedCount(tracks.filter((t) => t.source === source));
    },

    /** Lines holding the words, best first; `videoIds` limits them to a view's videos. */
    async search(
      query: string,
      opts: { videoIds?: number[]; limit?: number } = {},
    ): Promise<{ hits: CueHit[]; cues: number; ms: number }> {
      await ready();
      const started = performance.now();
      const hits = index.search(query, {
        limit: opts.limit ?? 200,
        videoIds: opts.videoIds ? new Set(opts.videoIds) : undefined,
      });
      return { hits, cues: index.size, ms: performance.now() - started };
    },

    async compact(liveVideoIds: number[]): Promise<{ rewritten: number; droppedVideos: number }> {
      return (await ready()).compact(liveVideoIds);
    },

    /** The size of the stored transcripts (Settings → Maintenance). */
    async stored() {
      return (await ready()).stored();
    },

    async dropLibrary(libraryId: number): Promise<void> {
      await (await ready()).dropLibrary(libraryId);
    },

    async stats(): Promise<{ cues: number; videos: number }> {
      const l = await ready();
      return { cues: index.size, videos: l.size };
    },
  };
  return api;
}
